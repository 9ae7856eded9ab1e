"""Moving a desktop's SQLite database to PostgreSQL loses nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SAMPLE, Result, tracker_in_process


def tracker(url: str, *args: str, now: str = "2023-03-25T10:00") -> Result:
    env = {"TRACKER_DB_URL": url, "TRACKER_NOW": now, "TRACKER_USER": "t", "NO_COLOR": "1"}
    return tracker_in_process(args, env)


def test_sqlite_to_another_database_keeps_everything(db_url: str, tmp_path: Path) -> None:
    source = f"sqlite:///{tmp_path / 'desk.db'}"
    for args in (
        ("import", str(SAMPLE)),
        ("unit", "set", "สำนักปลัดฯ", "--email", "a@example.go.th"),
        ("progress", "2", "40", "--note", "ครึ่งทาง"),
        ("check", "2", "1.1"),
        ("done", "1", "--on", "2023-03-20", "--evidence", "https://example.go.th/e"),
        ("outcome", "1", "--result", "ผล", "--problems", "ปัญหา"),
        ("meeting", "set", "1", "--date", "20 เม.ย. 66", "--time", "10:00"),
    ):
        r = tracker(source, *args)
        assert r.code == 0, (args, r.err)
    if db_url.startswith("sqlite"):
        db_url = f"sqlite:///{tmp_path / 'copy.db'}"
    r = tracker(source, "copy-to", db_url)
    assert r.code == 0, r.err
    for args in (
        ("list", "--json"),
        ("show", "1", "--json"),
        ("show", "2", "--json"),
        ("history", "--json"),
        ("plan", "show", "--json"),
        ("meeting", "list", "--json"),
        ("unit", "list", "--json"),
    ):
        assert json.loads(tracker(db_url, *args).out) == json.loads(tracker(source, *args).out), args
    # new rows get new ids after the copied ones
    assert tracker(db_url, "note", "1", "หลังย้าย").code == 0
    ids = [h["id"] for h in json.loads(tracker(db_url, "history", "--json").out)]
    assert len(ids) == len(set(ids))
    # a second copy into the same, now non-empty, database is refused and changes nothing
    before = tracker(db_url, "history", "--json").out
    r = tracker(source, "copy-to", db_url)
    assert r.code == 1
    assert "not empty" in r.err
    assert tracker(db_url, "history", "--json").out == before


@pytest.mark.parametrize("bad", ["sqlite:///", "nosuchdriver://x"])
def test_bad_target_is_one_line(tmp_path: Path, bad: str) -> None:
    source = f"sqlite:///{tmp_path / 'desk.db'}"
    assert tracker(source, "import", str(SAMPLE)).code == 0
    r = tracker(source, "copy-to", bad)
    assert r.code == 1
    assert r.err.startswith("error: ")
    assert len(r.err.strip().splitlines()) == 1
