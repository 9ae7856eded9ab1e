"""What must never happen to the store: half-written changes, lost entries,
silent failures on a locked, read-only or newer database."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SAMPLE, Result, tracker_in_process

from tracker.db import SCHEMA_REVISION

NOW = "2023-02-01T09:00"


def tracker(url: str, *args: str, env: dict[str, str] | None = None) -> Result:
    return tracker_in_process(
        args, {"TRACKER_DB_URL": url, "TRACKER_NOW": NOW, "NO_COLOR": "1", "TRACKER_USER": "t", **(env or {})}
    )


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    assert tracker(url, "import", str(SAMPLE)).code == 0
    return url


def task(url: str, tid: int = 1) -> dict:  # type: ignore[type-arg]
    return json.loads(tracker(url, "show", str(tid), "--json").out)


def test_locked_database_is_a_clear_error(sqlite_url: str) -> None:
    path = sqlite_url.removeprefix("sqlite:///")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program is writing
    try:
        r = tracker(sqlite_url, "done", "1", env={"TRACKER_DB_TIMEOUT": "0.3"})
    finally:
        holder.rollback()
        holder.close()
    assert r.code == 1 and r.err.startswith("error: ") and "locked" in r.err
    assert len(r.err.strip().splitlines()) == 1
    assert task(sqlite_url)["status"] != "done"


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
def test_read_only_database_is_a_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    url = f"sqlite:///{folder / 'tracker.db'}"
    assert tracker(url, "import", str(SAMPLE)).code == 0
    before = task(url)
    (folder / "tracker.db").chmod(0o444)
    if os.geteuid() == 0:
        # root writes through file modes: open it the way a read-only share is opened
        url += "?mode=ro"
    r = tracker(url, "done", "1")
    assert r.code == 1, r.err
    assert r.err.startswith("error: ") and ("read-only" in r.err or "cannot open" in r.err), r.err
    assert "Traceback" not in r.err
    (folder / "tracker.db").chmod(0o644)
    assert task(url) == before


def test_newer_database_is_refused(sqlite_url: str) -> None:
    path = sqlite_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as c:
        c.execute("UPDATE alembic_version SET version_num = '9999'")
    for args in (("list",), ("done", "1"), ("init",)):
        r = tracker(sqlite_url, *args)
        assert r.code == 1 and "newer" in r.err, (args, r.err)


def test_not_a_database_is_refused(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_text("these are my notes, not a database\n" * 100)
    r = tracker(f"sqlite:///{bogus}", "list")
    assert r.code == 1 and r.err.startswith("error: ") and "Traceback" not in r.err
    assert bogus.read_text().startswith("these are my notes")


def test_init_upgrades_with_a_backup_and_is_idempotent(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    assert SCHEMA_REVISION in tracker(url, "init").out
    assert tracker(url, "init").code == 0
    assert tracker(url, "init").code == 0
    assert not list(tmp_path.glob("*.bak"))  # nothing to upgrade, nothing copied


def _consistent(url: str) -> None:
    """A task is done exactly when its last done/reopen history row is a done."""
    path = url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as c:
        done_at = c.execute("SELECT done_at FROM tasks WHERE id = 1").fetchone()[0]
        last = c.execute(
            "SELECT action FROM history WHERE task_id = 1 AND action IN ('done', 'reopen')"
            " ORDER BY id DESC LIMIT 1"
        ).fetchone()
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert (done_at is not None) == (last is not None and last[0] == "done")


def test_killing_done_at_any_moment_leaves_it_consistent(sqlite_url: str) -> None:
    rnd = random.Random(7)
    env = {**os.environ, "TRACKER_DB_URL": sqlite_url, "TRACKER_NOW": NOW, "TRACKER_USER": "t"}
    outcomes = set()
    for _ in range(25):
        p = subprocess.Popen(
            [sys.executable, "-m", "tracker", "done", "1"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rnd.uniform(0.0, 0.12))
        p.send_signal(signal.SIGKILL)
        p.wait()
        _consistent(sqlite_url)
        if task(sqlite_url)["status"] == "done":
            outcomes.add("done")
            assert tracker(sqlite_url, "reopen", "1").code == 0
        else:
            outcomes.add("not done")
    assert outcomes  # both outcomes usually occur; consistency is what is checked


def test_two_clerks_at_once_both_succeed(db_url: str) -> None:
    assert tracker(db_url, "import", str(SAMPLE)).code == 0
    env = {**os.environ, "TRACKER_DB_URL": db_url, "TRACKER_NOW": NOW, "TRACKER_USER": "t"}
    for round_ in range(5):
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "tracker", "progress", str(tid), str(10 + round_)],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for tid in (1, 2, 1, 2)
        ]
        for p in procs:
            _, err = p.communicate(timeout=60)
            assert p.returncode == 0, err
    rows = json.loads(tracker(db_url, "history", "--json").out)
    assert sum(1 for r in rows if r["action"] == "progress") == 20


def test_a_new_database_is_private(tmp_path: Path) -> None:
    home = tmp_path / "home"
    r = tracker_in_process(["import", str(SAMPLE)], {"TRACKER_HOME": str(home), "NO_COLOR": "1",
                                                     "TRACKER_DB_URL": None})
    assert r.code == 0, r.err
    assert (home / "tracker.db").stat().st_mode & 0o777 == 0o600
    assert home.stat().st_mode & 0o777 == 0o700
