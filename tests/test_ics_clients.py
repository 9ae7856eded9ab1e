"""Real clients read the export: khal (events, on the right Bangkok dates,
updated in place on re-import) and todoman (the VTODOs of the folder form,
and a tick made there comes back through `tracker ics import`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest
from conftest import SAMPLE, at, need
from ics_support import ORG, seeded

from tracker.calendar.uids import task_uid
from tracker.db.connection import open_database
from tracker.services import meetings

BIN = Path(sys.executable).parent
NOW = at("2023-01-05T09:00")


def _client(name: str, args: list[str], home: Path) -> str:
    exe = BIN / name
    need(exe.exists(), f"{name} is not installed in the venv (pip install -e .[test])")
    # A foreign system time zone proves the clients use the calendar's zone.
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "TZ": "America/New_York",
        "LANG": "C.UTF-8",
    }
    p = subprocess.run(
        [str(exe), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert p.returncode == 0, f"{name} {args}: {p.stderr}"
    return p.stdout


def _khal_config(tmp: Path, calendar_dir: Path) -> Path:
    calendar_dir.mkdir(parents=True, exist_ok=True)
    config = tmp / "khal.conf"
    config.write_text(
        "[calendars]\n[[ita]]\n"
        f"path = {calendar_dir}\ntype = calendar\n\n"
        f"[sqlite]\npath = {tmp / 'khal.db'}\n\n"
        "[locale]\ntimeformat = %H:%M\ndateformat = %Y-%m-%d\nlongdateformat = %Y-%m-%d\n"
        "datetimeformat = %Y-%m-%d %H:%M\nlongdatetimeformat = %Y-%m-%d %H:%M\n"
        "local_timezone = Asia/Bangkok\ndefault_timezone = Asia/Bangkok\n\n"
        "[default]\ndefault_calendar = ita\n",
        encoding="utf-8",
    )
    return config


def _khal_events(config: Path, home: Path) -> list[dict[str, Any]]:
    out = _client(
        "khal",
        [
            "-c",
            str(config),
            "list",
            "--once",
            "--json",
            "uid",
            "--json",
            "title",
            "--json",
            "start-date",
            "--json",
            "end-date",
            "--json",
            "start-time",
            "2022-10-01",
            "2023-09-30",
        ],
        home,
    )
    events: list[dict[str, Any]] = []
    for line in out.splitlines():
        if line.strip():
            events += json.loads(line)
    return events


def test_khal_shows_each_window_and_the_meetings(run, db_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = seeded(db_url, NOW)
    with db.transaction():
        meetings.set_meeting(db, 2, now=NOW, actor="tester", on=date(2023, 6, 20), at=time(10, 0))
    db.close()
    ics = tmp_path / "ita.ics"
    assert run("ics", "export", "-o", str(ics), now="2023-01-05T09:00").code == 0
    config = _khal_config(tmp_path, tmp_path / "calendars" / "ita")
    _client("khal", ["-c", str(config), "import", "--batch", "-a", "ita", str(ics)], tmp_path)
    events = {e["uid"]: e for e in _khal_events(config, tmp_path)}
    assert len(events) == 5  # three windows, two meetings; khal leaves the VTODOs out
    for number, first, last in (
        ("1", "2023-01-01", "2023-03-31"),
        ("2", "2023-01-01", "2023-03-31"),
        ("3", "2023-05-01", "2023-05-31"),
    ):
        e = events[task_uid(ORG, 2566, number, "window")]
        assert (e["start-date"], e["end-date"], e["start-time"]) == (first, last, "")
        assert f"มาตรการ {number}:" in e["title"]
    april = next(e for u, e in events.items() if "meeting-2023-04" in u)
    assert (april["start-date"], april["end-date"]) == ("2023-04-01", "2023-04-30")
    june = next(e for u, e in events.items() if "meeting-2023-06" in u)
    assert (june["start-date"], june["start-time"]) == (
        "2023-06-20",
        "10:00",
    )  # Bangkok, not New York

    # The meeting moves in tracker; importing the new export updates khal's event in place.
    db = open_database(db_url)
    with db.transaction():
        meetings.set_meeting(
            db, 2, now=at("2023-02-01T08:00"), actor="tester", on=date(2023, 6, 22), at=time(13, 30)
        )
    db.close()
    assert run("ics", "export", "-o", str(ics), now="2023-02-01T08:00").code == 0
    _client("khal", ["-c", str(config), "import", "--batch", "-a", "ita", str(ics)], tmp_path)
    events2 = _khal_events(config, tmp_path)
    assert len(events2) == 5  # updated, not duplicated
    june = next(e for e in events2 if "meeting-2023-06" in e["uid"])
    assert (june["start-date"], june["start-time"]) == ("2023-06-22", "13:30")


def _todoman_config(tmp: Path, lists: Path) -> Path:
    config = tmp / "todoman.py"
    config.write_text(
        f'path = "{lists}/*"\ncache_path = "{tmp / "todoman.sqlite3"}"\n'
        'date_format = "%Y-%m-%d"\ntime_format = "%H:%M"\ndefault_list = "ita"\n',
        encoding="utf-8",
    )
    return config


def test_todoman_lists_the_todos_and_a_tick_comes_back(run, db_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    seeded(db_url, NOW).close()
    lists = tmp_path / "vdir"
    assert run("ics", "export", "--dir", str(lists / "ita"), now="2023-01-05T09:00").code == 0
    config = _todoman_config(tmp_path, lists)
    todos = json.loads(
        _client("todo", ["-c", str(config), "--porcelain", "list", "--status", "ANY"], tmp_path)
    )
    assert len(todos) == 3
    by_number = {t["summary"].split(":")[0]: t for t in todos}
    assert set(by_number) == {"มาตรการ 1", "มาตรการ 2", "มาตรการ 3"}
    assert all(not t["completed"] and t["percent"] == 0 for t in todos)
    assert by_number["มาตรการ 3"]["categories"] == ["กองคลัง"]
    text = _client("todo", ["-c", str(config), "--color", "never", "list", "--status", "ANY"], tmp_path)
    due = {line.split("มาตรการ ")[1][0]: line for line in text.splitlines() if "มาตรการ " in line}
    assert "2023-03-31" in due["1"]
    assert "2023-03-31" in due["2"]
    assert "2023-05-31" in due["3"]

    # Tick measure 2 in todoman, then read the folder back into tracker.
    _client("todo", ["-c", str(config), "done", str(by_number["มาตรการ 2"]["id"])], tmp_path)
    r = run("ics", "import", str(lists / "ita"))
    assert r.code == 0, r.err
    assert "ปรับปรุง 1" in r.out
    assert "มาตรการ 2" in r.out
    shown = json.loads(run("show", "2", "--json").out)
    assert shown["status"] == "done"
    assert shown["history"][-1]["actor"] == "tester (calendar)"
    assert json.loads(run("show", "1", "--json").out)["status"] != "done"


@pytest.mark.parametrize("todos", [True, False])
def test_khal_reads_the_folder_form_too(run, db_url: str, tmp_path: Path, todos: bool) -> None:  # type: ignore[no-untyped-def]
    seeded(db_url, NOW).close()
    folder = tmp_path / "calendars" / "ita"
    args = ["ics", "export", "--dir", str(folder)] + ([] if todos else ["--no-todos"])
    assert run(*args, now="2023-01-05T09:00").code == 0
    assert len(list(folder.glob("*.ics"))) == (8 if todos else 5)
    events = _khal_events(_khal_config(tmp_path, folder), tmp_path)
    assert len(events) == 5


def test_the_bundled_sample_plan_in_khal(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The real document, end to end: import, export, khal."""
    r = run("import", str(SAMPLE), now="2022-12-15T09:00")
    assert r.code == 0, r.err
    ics = tmp_path / "sample.ics"
    assert run("ics", "export", "-o", str(ics), now="2022-12-15T09:00").code == 0
    config = _khal_config(tmp_path, tmp_path / "calendars" / "ita")
    _client("khal", ["-c", str(config), "import", "--batch", "-a", "ita", str(ics)], tmp_path)
    events = sorted(_khal_events(config, tmp_path), key=lambda e: (e["start-date"], e["title"]))
    assert [(e["start-date"], e["end-date"]) for e in events] == [
        ("2023-01-01", "2023-03-31"),
        ("2023-01-01", "2023-03-31"),
        ("2023-04-01", "2023-04-30"),  # the April 2566 meeting, day not set yet
    ]
    assert "เมษายน" in events[2]["title"]
    assert events[2]["uid"].startswith("ita2566-")
