"""`tracker init` is all or nothing, and never takes over another program's
database: a kill at any moment leaves a file every command can use, and a
table tracker did not make is refused with one line, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SAMPLE, Result, tracker_in_process, tracker_process

NOW = "2023-02-01T09:00"


def tracker(url: str, *args: str) -> Result:
    return tracker_in_process(args, _env(url))


def _env(url: str) -> dict[str, str | None]:
    return {"TRACKER_DB_URL": url, "TRACKER_NOW": NOW, "NO_COLOR": "1", "TRACKER_USER": "t"}


def one_error_line(r: Result) -> str:
    assert r.code == 1, r.err
    assert "Traceback" not in r.err
    lines = r.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    text = lines[0].removeprefix("error: ")
    assert "\u0e00" <= text[0] <= "\u0e7f"  # Thai first
    return text


def _tables(url: str) -> set[str]:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return set(sa.inspect(conn).get_table_names())
    finally:
        engine.dispose()


def _make_foreign(url: str, name: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE TABLE {name} (x INTEGER)")
        conn.exec_driver_sql(f"INSERT INTO {name} VALUES (42)")
    engine.dispose()


@pytest.mark.parametrize("name", ["heartbeats", "inventory"])
def test_another_programs_table_is_refused_untouched(db_url: str, name: str) -> None:
    _make_foreign(db_url, name)
    for command in (["init"], ["list"], ["import", str(SAMPLE)]):
        text = one_error_line(tracker(db_url, *command))
        assert name in text
    assert _tables(db_url) == {name}  # nothing of tracker's was added
    import sqlalchemy as sa

    engine = sa.create_engine(db_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql(f"SELECT x FROM {name}").scalar() == 42
    engine.dispose()


def test_a_tracker_database_with_a_foreign_table_is_refused_by_init(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    assert tracker(url, "init").code == 0
    _make_foreign(url, "notes_of_another_app")
    assert "notes_of_another_app" in one_error_line(tracker(url, "init"))


def test_half_made_schema_of_an_old_init_is_repaired(tmp_path: Path) -> None:
    """What the non-transactional init of before left: some of tracker's own
    tables, empty, no version stamp. `init` finishes the job."""
    import sqlalchemy as sa

    from tracker.db.schema import metadata

    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    engine = sa.create_engine(url)
    metadata.create_all(engine, tables=[metadata.tables["heartbeats"], metadata.tables["organisations"]])
    engine.dispose()
    r = tracker(url, "init")
    assert r.code == 0, r.err
    assert tracker(url, "import", str(SAMPLE)).code == 0
    assert tracker(url, "list").code == 0


def _init_seconds(tmp_path: Path) -> float:
    url = f"sqlite:///{tmp_path / 'calibrate.db'}"
    start = time.monotonic()
    assert tracker_process(["init"], _env(url)).code == 0  # the kills below hit a real process
    return time.monotonic() - start


def test_killing_init_at_any_moment_leaves_a_usable_database(tmp_path: Path) -> None:
    # The schema is written at the end of the run, after the imports: most
    # kills land in its last half, where a non-transactional init broke.
    duration = _init_seconds(tmp_path)
    rnd = random.Random(19)
    outcomes = set()
    for i in range(24):
        url = f"sqlite:///{tmp_path / f'k{i}.db'}"
        env = {**os.environ, "TRACKER_DB_URL": url, "TRACKER_NOW": NOW, "TRACKER_USER": "t"}
        p = subprocess.Popen(
            [sys.executable, "-m", "tracker", "init"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rnd.uniform(0.4, 1.1) * duration)
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=30)
        path = tmp_path / f"k{i}.db"
        state = None
        if path.exists():
            with sqlite3.connect(path) as c:
                assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
                names = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            state = "complete" if "alembic_version" in names else "empty" if not names else "partial"
            outcomes.add(state)
        # every command works on what is left, `init` first of all; one that
        # only reads lists, or says in one line that there is nothing yet and
        # creates nothing
        r = tracker(url, "list", "--json")
        if state == "complete":
            assert r.code == 0, (i, r.err)
        else:
            assert "tracker init" in one_error_line(r), (i, r.err)
            assert path.exists() == (state is not None)
        r = tracker(url, "init")
        assert r.code == 0, (i, r.err)
        assert tracker(url, "import", str(SAMPLE)).code == 0
    assert "partial" not in outcomes


def test_first_commands_at_once_on_a_new_file_all_succeed(tmp_path: Path) -> None:
    """Each waits for the first one's schema and finds it complete; none takes
    the other's fresh empty tables for leftovers."""
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    env = {**os.environ, "TRACKER_DB_URL": url, "TRACKER_NOW": NOW, "TRACKER_USER": "t"}
    for round_ in range(3):
        path = tmp_path / "tracker.db"
        for leftover in tmp_path.glob("tracker.db*"):
            leftover.unlink()
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "tracker", *command],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for command in (["init"], ["init"], ["import", str(SAMPLE)], ["import", str(SAMPLE)])
        ]
        for p in procs:
            _, err = p.communicate(timeout=60)
            assert p.returncode == 0, (round_, err)
        assert path.exists()
        assert tracker(url, "list").code == 0
