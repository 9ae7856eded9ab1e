"""A mistyped --db never creates a database: every command but init, import
and demo says in one Thai line that there is none (naming the path and how to
make one), exits non-zero, and leaves no file or folder behind."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SAMPLE, Result, tracker_in_process, tracker_process


def tracker(url: str, home: Path, *args: str) -> Result:
    env = {"TRACKER_DB_URL": url, "TRACKER_HOME": str(home), "TRACKER_NOW": "2023-01-04",
           "NO_COLOR": "1", "TRACKER_USER": "t"}
    if args[0] == "scheduler":  # a daemon: in a process of its own, with a time limit
        return tracker_process(args, env)
    return tracker_in_process(args, env)

READERS = [
    ["list"],
    ["show", "1"],
    ["history"],
    ["plan", "list"],
    ["progress", "1", "50"],
    ["done", "1"],
    ["unit", "list"],
    ["meeting", "list"],
    ["remind", "--status"],
    ["remind", "--dry-run"],
    ["ics", "export", "-o", "-"],
    ["report", "--format", "text"],
    ["scheduler", "--sweep-seconds", "0.2"],  # a daemon that would log "no database" forever
]


@pytest.mark.parametrize("args", READERS, ids=lambda a: " ".join(a))
def test_a_missing_sqlite_file_is_not_created(tmp_path: Path, args: list[str]) -> None:
    missing = tmp_path / "งาน ITA" / "trackr.db"  # a Thai folder name, mistyped file name
    r = tracker(f"sqlite:///{missing}", tmp_path / "home", *args)
    assert r.code == 1, (r.code, r.err)
    lines = r.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ไม่พบฐานข้อมูล"), r.err
    assert str(missing) in lines[0] and "tracker init" in lines[0]
    assert not missing.parent.exists()


def test_the_commands_that_create_still_do(tmp_path: Path) -> None:
    for i, args in enumerate((["init"], ["import", str(SAMPLE)])):
        url = f"sqlite:///{tmp_path / f'new{i}' / 'tracker.db'}"
        r = tracker(url, tmp_path / "home", *args)
        assert r.code == 0, r.err
        assert tracker(url, tmp_path / "home", "list").code == 0


def test_an_empty_database_is_not_filled_by_a_reader(db_url: str, tmp_path: Path) -> None:
    """An empty PostgreSQL database, or an empty file (what a killed init may leave)."""
    import sqlalchemy as sa

    if db_url.startswith("sqlite"):
        (tmp_path / "tracker.db").touch()
    r = tracker(db_url, tmp_path / "home", "list")
    err = r.err
    assert r.code == 1 and err.startswith("error: ฐานข้อมูล") and "ยังว่าง" in err, err
    assert "tracker init" in err and len(err.strip().splitlines()) == 1
    engine = sa.create_engine(db_url)
    with engine.connect() as conn:
        assert sa.inspect(conn).get_table_names() == []
    engine.dispose()
    assert tracker(db_url, tmp_path / "home", "import", str(SAMPLE)).code == 0
    assert tracker(db_url, tmp_path / "home", "list").code == 0
