"""`-o FILE` of `report` and `ics export`: never over the database, the config
or the plan document, never through a symlink unless --force, whole or not at
all, with the mode the umask allows."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest
from conftest import SAMPLE, Result, tracker_in_process

NOW = "2023-03-01T09:00"
COMMANDS = [["report", "--format", "md"], ["ics", "export"]]


def tracker(url: str, *args: str, cwd: Path | None = None, umask: int | None = None) -> Result:
    env = {"TRACKER_DB_URL": url, "TRACKER_NOW": NOW, "NO_COLOR": "1", "TRACKER_USER": "t"}
    return tracker_in_process(args, env, cwd=cwd, umask=umask)


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    assert tracker(url, "import", str(SAMPLE)).code == 0
    return url


def refused(r: Result) -> str:
    assert r.code == 1, (r.out, r.err)
    lines = r.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), r.err
    assert "Traceback" not in r.err
    return lines[0]


def _intact(db: Path) -> None:
    with sqlite3.connect(db) as c:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert c.execute("SELECT count(*) FROM tasks").fetchone()[0] == 2


@pytest.mark.parametrize("command", COMMANDS)
def test_output_over_the_database_is_refused(url: str, tmp_path: Path, command: list[str]) -> None:
    db = tmp_path / "tracker.db"
    before = db.read_bytes()
    refused(tracker(url, *command, "-o", str(db)))
    # by another name for the same file, too
    refused(tracker(url, *command, "-o", "./sub/../tracker.db", cwd=tmp_path))
    assert db.read_bytes() == before
    _intact(db)
    assert tracker(url, "list").code == 0


@pytest.mark.parametrize("command", COMMANDS)
def test_output_over_the_config_or_the_plan_is_refused(url: str, tmp_path: Path, command: list[str]) -> None:
    config = tmp_path / "tracker.toml"
    config.write_text('[report]\nreporter = "สมใจ"\n', encoding="utf-8")
    refused(tracker(url, "--config", str(config), *command, "-o", str(config)))
    assert config.read_text(encoding="utf-8") == '[report]\nreporter = "สมใจ"\n'
    # the plan document the plan was imported from, where it is at hand
    shutil.copy(SAMPLE, tmp_path / SAMPLE.name)
    refused(tracker(url, *command, "-o", SAMPLE.name, cwd=tmp_path))
    assert (tmp_path / SAMPLE.name).read_bytes() == SAMPLE.read_bytes()


@pytest.mark.parametrize("command", COMMANDS)
def test_symlink_is_refused_unless_forced(url: str, tmp_path: Path, command: list[str]) -> None:
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep me", encoding="utf-8")
    link = tmp_path / "out.txt"
    link.symlink_to(target)
    refused(tracker(url, *command, "-o", str(link)))
    assert target.read_text(encoding="utf-8") == "keep me"
    r = tracker(url, *command, "-o", str(link), "--force")
    assert r.code == 0, r.err
    assert link.is_symlink() and target.read_text(encoding="utf-8") != "keep me"
    # a symlink to the database is refused even with --force
    db_link = tmp_path / "db-link"
    db_link.symlink_to(tmp_path / "tracker.db")
    refused(tracker(url, *command, "-o", str(db_link), "--force"))
    _intact(tmp_path / "tracker.db")


@pytest.mark.skipif(not hasattr(os, "umask"), reason="POSIX modes")
@pytest.mark.parametrize("command", COMMANDS)
def test_new_outputs_honour_the_umask(url: str, tmp_path: Path, command: list[str]) -> None:
    out = tmp_path / "out" / "file"
    out.parent.mkdir()
    for umask, mode in ((0o077, 0o600), (0o022, 0o644)):
        out.unlink(missing_ok=True)
        r = tracker(url, *command, "-o", str(out), umask=umask)
        assert r.code == 0, r.err
        assert stat.S_IMODE(out.stat().st_mode) == mode
    os.chmod(out, 0o640)  # an existing file keeps its mode
    assert tracker(url, *command, "-o", str(out), umask=0o022).code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    assert sorted(p.name for p in out.parent.iterdir()) == ["file"]


def test_report_dash_means_stdout(url: str, tmp_path: Path) -> None:
    r = tracker(url, "report", "--format", "md", "-o", "-", cwd=tmp_path)
    assert r.code == 0, r.err
    assert r.out.startswith("#") and not (tmp_path / "-").exists()


def test_ics_dir_honours_the_umask(url: str, tmp_path: Path) -> None:
    folder = tmp_path / "vdir"
    assert tracker(url, "ics", "export", "--dir", str(folder), umask=0o077).code == 0
    modes = {stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()}
    assert modes == {0o600}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX thing")
@pytest.mark.parametrize("command", COMMANDS)
def test_output_into_a_pipe_or_device_is_written_into_not_replaced(
    url: str, tmp_path: Path, command: list[str]
) -> None:
    # `-o /dev/null` (or NUL, or a pipe to another program) must stay what it
    # is: renamed over as root, /dev/null would become a regular file.
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    r = tracker(url, *command, "-o", str(fifo))
    reader.join(timeout=30)
    assert r.code == 0, r.err
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert got and len(got[0]) > 100
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    r = tracker(url, *command, "-o", os.devnull)
    assert r.code == 0, r.err
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
