"""The exported calendar: structure, stability, and bytes a client can trust.

Every check runs on SQLite and PostgreSQL (db_url), and the export is read
back both with icalendar and with vobject, an independent parser.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

import icalendar
import pytest
import vobject
from conftest import at
from hypothesis import given, settings
from hypothesis import strategies as st
from ics_support import ORG, seeded

from tracker.calendar import export_calendar, export_folder, meeting_ics
from tracker.calendar.fold import LIMIT, fold_line
from tracker.calendar.uids import meeting_uid, parse_uid, task_uid
from tracker.db.connection import Database
from tracker.services import meetings, tasks

NOW = at("2023-01-05T09:00")
DTSTAMP = re.compile(rb"^DTSTAMP:.*\r\n", re.MULTILINE)


@pytest.fixture
def db(db_url: str):  # type: ignore[no-untyped-def]
    database = seeded(db_url, NOW)
    yield database
    database.close()


def by_uid(data: bytes) -> dict[str, Any]:
    cal = icalendar.Calendar.from_ical(data)
    return {str(c["UID"]): c for c in cal.walk() if c.name in ("VEVENT", "VTODO")}


def components(data: bytes) -> dict[str, bytes]:
    """Each VEVENT/VTODO's raw bytes by UID (for "what changed" checks)."""
    out = {}
    for block in re.findall(rb"BEGIN:(?:VEVENT|VTODO)\r\n.*?END:(?:VEVENT|VTODO)\r\n", data, re.S):
        unfolded = block.replace(b"\r\n ", b"")
        uid = re.search(rb"^UID:(.*)\r\n", unfolded, re.M)
        assert uid is not None
        out[uid.group(1).decode()] = block
    return out


def uid(number: str, part: str) -> str:
    return task_uid(ORG, 2566, number, part)


def test_calendar_header_and_timezone(db: Database) -> None:
    cal = icalendar.Calendar.from_ical(export_calendar(db, now=NOW))
    assert cal["PRODID"].startswith("-//tracker//")
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["CALSCALE"]) == "GREGORIAN"
    assert str(cal["METHOD"]) == "PUBLISH"
    assert ORG in str(cal["X-WR-CALNAME"])
    assert "2566" in str(cal["X-WR-CALNAME"])
    assert str(cal["X-WR-TIMEZONE"]) == "Asia/Bangkok"
    (tz,) = cal.walk("VTIMEZONE")
    assert str(tz["TZID"]) == "Asia/Bangkok"
    (std,) = tz.walk("STANDARD")
    assert std["TZOFFSETTO"].td == timedelta(hours=7)


def test_each_task_is_an_all_day_window_and_a_todo(db: Database) -> None:
    items = by_uid(export_calendar(db, now=NOW))
    win = items[uid("1", "window")]
    assert win.name == "VEVENT"
    # All-day: plain dates (never UTC datetimes), DTEND the day after the last day.
    assert type(win["DTSTART"].dt) is date
    assert win["DTSTART"].dt == date(2023, 1, 1)
    assert type(win["DTEND"].dt) is date
    assert win["DTEND"].dt == date(2023, 4, 1)
    assert str(win["TRANSP"]) == "TRANSPARENT"
    assert "มาตรการ 1" in win["SUMMARY"]
    assert "สำนักปลัดฯ" in win["SUMMARY"]
    desc = str(win["DESCRIPTION"])
    assert "1 ม.ค. 2566 – 31 มี.ค. 2566" in desc  # BE dates
    assert "เผยแพร่ข้อมูลที่เป็นปัจจุบัน" in desc  # the actions
    todo = items[uid("1", "todo")]
    assert todo.name == "VTODO"
    assert todo["DTSTART"].dt == date(2023, 1, 1)
    assert todo["DUE"].dt == date(2023, 3, 31)
    assert str(todo["STATUS"]) == "NEEDS-ACTION"
    assert int(todo["PERCENT-COMPLETE"]) == 0
    assert "COMPLETED" not in todo


def test_todo_status_follows_the_work(db: Database) -> None:
    later = at("2023-02-10T14:30")
    with db.transaction():
        tasks.set_progress(db, 1, 40, now=later, actor="tester")
        tasks.mark_done(db, 2, now=later, actor="tester", on=at("2023-02-09T16:00"))
    items = by_uid(export_calendar(db, now=later))
    t1, t2 = items[uid("1", "todo")], items[uid("2", "todo")]
    assert str(t1["STATUS"]) == "IN-PROCESS"
    assert int(t1["PERCENT-COMPLETE"]) == 40
    assert str(t2["STATUS"]) == "COMPLETED"
    assert int(t2["PERCENT-COMPLETE"]) == 100
    assert t2["COMPLETED"].dt == at("2023-02-09T16:00")
    assert t2["COMPLETED"].to_ical().endswith(b"Z")  # RFC 5545: COMPLETED is UTC
    assert "[เสร็จแล้ว]" in str(items[uid("2", "window")]["SUMMARY"])


def test_meetings_month_only_date_only_and_timed(db: Database) -> None:
    # The April meeting has only its month: a tentative all-day event over the month.
    with db.transaction():
        meetings.set_meeting(
            db,
            2,
            now=NOW,
            actor="tester",
            on=date(2023, 6, 20),
            at=time(10, 0),
            place="ห้องประชุมเทศบาล",
        )
    items = by_uid(export_calendar(db, now=NOW))
    april = items[meeting_uid(ORG, 2566, "2023-04", "2023-04 " + meetings.get_meeting(db, 1)["title"])]
    assert april["DTSTART"].dt == date(2023, 4, 1)
    assert april["DTEND"].dt == date(2023, 5, 1)
    assert str(april["STATUS"]) == "TENTATIVE"
    assert "ยังไม่กำหนดวัน" in str(april["SUMMARY"])
    (alarm,) = april.walk("VALARM")
    assert alarm["TRIGGER"].dt == timedelta(hours=-15)  # 09:00 the day before
    june = next(c for u, c in items.items() if "meeting-2023-06" in u)
    assert june["DTSTART"].dt == at("2023-06-20T10:00")
    assert june["DTSTART"].params["TZID"] == "Asia/Bangkok"
    assert june["DTEND"].dt == at("2023-06-20T12:00")
    assert str(june["LOCATION"]) == "ห้องประชุมเทศบาล"
    (alarm,) = june.walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm["TRIGGER"].dt == timedelta(days=-1)
    # A date without a time: one all-day event.
    with db.transaction():
        meetings.set_meeting(db, 1, now=NOW, actor="tester", on=date(2023, 4, 24))
    april = next(c for u, c in by_uid(export_calendar(db, now=NOW)).items() if "meeting-2023-04" in u)
    assert april["DTSTART"].dt == date(2023, 4, 24)
    assert april["DTEND"].dt == date(2023, 4, 25)
    assert str(april["STATUS"]) == "CONFIRMED"


def test_vobject_reads_the_same_calendar(db: Database) -> None:
    with db.transaction():
        meetings.set_meeting(db, 2, now=NOW, actor="tester", on=date(2023, 6, 20), at=time(10, 0))
    data = export_calendar(db, now=NOW)
    ours = by_uid(data)
    cal = vobject.readOne(data.decode("utf-8"))
    seen = {}
    for comp in cal.getChildren():
        if comp.name in ("VEVENT", "VTODO"):
            seen[comp.uid.value] = comp
    assert set(seen) == set(ours)
    for key, comp in seen.items():
        assert comp.summary.value == str(ours[key]["SUMMARY"])
        assert comp.description.value == str(ours[key]["DESCRIPTION"])
    june = next(c for u, c in seen.items() if "meeting-2023-06" in u)
    # vobject resolves the TZID through our VTIMEZONE: the same instant.
    assert june.dtstart.value == at("2023-06-20T10:00")
    assert june.valarm.trigger.value == timedelta(days=-1)
    win = seen[uid("3", "window")]
    assert win.dtstart.value == date(2023, 5, 1)
    assert win.dtend.value == date(2023, 6, 1)


def test_lines_are_folded_safely(db: Database) -> None:
    data = export_calendar(db, now=NOW)
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")  # CRLF everywhere, no bare LF or CR
    lines = data.split(b"\r\n")[:-1]
    thai_lines = 0
    for raw in lines:
        assert len(raw) <= LIMIT, raw
        line = raw.decode("utf-8")  # each physical line is whole UTF-8 on its own
        if raw.startswith(b" "):
            first = line[1:2]
            # no combining vowel / tone mark pushed away from its consonant
            assert unicodedata.category(first) not in ("Mn", "Mc"), raw
            assert first != "ำ"
        thai_lines += any("\u0e00" <= c <= "\u0e7f" for c in line)
    assert thai_lines > 50  # the test did look at folded Thai


def test_two_exports_differ_only_in_dtstamp(db: Database) -> None:
    first = export_calendar(db, now=NOW)
    # Months later the tasks are overdue, but nothing stored has changed.
    second = export_calendar(db, now=at("2023-08-30T17:45"))
    assert first != second
    assert DTSTAMP.sub(b"", first) == DTSTAMP.sub(b"", second)


def test_a_change_to_one_task_changes_only_that_item(db: Database) -> None:
    before = components(export_calendar(db, now=NOW))
    later = at("2023-02-01T10:00")
    with db.transaction():
        tasks.set_progress(db, 2, 50, now=later, actor="tester")
    after = components(export_calendar(db, now=NOW))  # same DTSTAMP: only real changes differ
    changed = {u for u in before if before[u] != after[u]}
    assert changed == {uid("2", "window"), uid("2", "todo")}
    old, new = (
        by_uid(b"".join([b"BEGIN:VCALENDAR\r\n", before[uid("2", "todo")], b"END:VCALENDAR\r\n"])),
        by_uid(b"".join([b"BEGIN:VCALENDAR\r\n", after[uid("2", "todo")], b"END:VCALENDAR\r\n"])),
    )
    o, n = old[uid("2", "todo")], new[uid("2", "todo")]
    assert int(n["SEQUENCE"]) == int(o["SEQUENCE"]) + 1
    assert n["LAST-MODIFIED"].dt == later


def test_uids_do_not_depend_on_the_database(db_url: str, tmp_path: Path) -> None:
    one = seeded(db_url, NOW)
    other = seeded(f"sqlite:///{tmp_path / 'other.db'}", at("2023-03-01T08:00"))
    try:
        a, b = by_uid(export_calendar(one, now=NOW)), by_uid(export_calendar(other, now=NOW))
        assert set(a) == set(b)
        assert len(a) == 3 * 2 + 2
        assert all(parse_uid(u) is not None for u in a)
    finally:
        one.close()
        other.close()


def test_owner_and_no_todos(db: Database) -> None:
    data = export_calendar(db, now=NOW, owner="กองคลัง", todos=False)
    items = by_uid(data)
    assert set(items) == {uid("3", "window")} | {u for u in items if "meeting-2023-06" in u}
    assert len(items) == 2
    assert all(c.name == "VEVENT" for c in items.values())
    assert "กองคลัง" in str(icalendar.Calendar.from_ical(data)["X-WR-CALNAME"])


def test_meeting_ics_is_one_event_with_the_same_uid(db: Database) -> None:
    full = by_uid(export_calendar(db, now=NOW))
    data = meeting_ics(db, 2, now=NOW)
    cal = icalendar.Calendar.from_ical(data)
    assert str(cal["METHOD"]) == "PUBLISH"
    (event,) = cal.walk("VEVENT")
    assert full[str(event["UID"])].to_ical() == event.to_ical()
    assert cal.walk("VTIMEZONE")


def test_folder_form_writes_only_what_changed(db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "vdir" / "ita"
    first = export_folder(db, folder, now=NOW)
    assert len(first.written) == 8
    assert not first.unchanged
    for path in folder.iterdir():
        cal = icalendar.Calendar.from_ical(path.read_bytes())
        (item,) = [c for c in cal.walk() if c.name in ("VEVENT", "VTODO")]
        assert path.name == str(item["UID"]).split("@")[0] + ".ics"
        assert "METHOD" not in cal  # CalDAV resources carry no METHOD
    again = export_folder(db, folder, now=at("2023-03-01T08:00"))
    assert not again.written
    assert len(again.unchanged) == 8
    with db.transaction():
        tasks.start(db, 3, now=NOW, actor="tester")
    third = export_folder(db, folder, now=NOW)
    assert sorted(p.name for p in third.written) == sorted(
        [uid("3", "window").split("@")[0] + ".ics", uid("3", "todo").split("@")[0] + ".ics"]
    )


def test_cli_export_to_file_stdout_and_folder(run, tmp_path: Path, db_url: str) -> None:  # type: ignore[no-untyped-def]
    seeded(db_url, NOW).close()
    out = tmp_path / "ita.ics"
    r = run("ics", "export", "-o", str(out), now="2023-01-05T09:00")
    assert r.code == 0, r.err
    assert str(out) in r.out
    assert by_uid(out.read_bytes())
    r = run("ics", "export", "--no-todos", "--owner", "สำนักปลัดฯ", now="2023-01-05T09:00")
    assert r.code == 0
    assert "BEGIN:VCALENDAR" in r.out
    assert "VTODO" not in r.out
    r = run("ics", "export", "--dir", str(tmp_path / "dir"), now="2023-01-05T09:00")
    assert r.code == 0
    assert len(list((tmp_path / "dir").glob("*.ics"))) == 8
    r = run("ics", "export", "-o", str(out), "--dir", str(tmp_path / "dir"))
    assert r.code == 2
    r = run("ics", "export", "--plan", "99")
    assert r.code == 1
    assert r.err.startswith("error:")
    assert r.err.count("\n") == 1


# ---------------------------------------------------------------- folding


THAI_WORDS = [
    "มาตรการ",
    "ส่งเสริม",
    "คุณธรรม",
    "ความโปร่งใส",
    "ผู้รับผิดชอบ",
    "สำนักปลัดฯ",
    "กองคลัง",
    "เผยแพร่",
    "ข้อมูล",
    "ปีงบประมาณ",
    "๒๕๖๖",
    "น้ำ",
    "ที่",
    "แล้ว",
    "ไม่",
    "ให้",
    "ITA",
    "2566",
    "—",
    "\\n",
    "\\,",
    "\\;",
    "🙂",
]


@given(
    st.lists(st.sampled_from(THAI_WORDS), max_size=120),
    st.sampled_from(["", " "]),
    st.sampled_from(["SUMMARY:", "DESCRIPTION;LANGUAGE=th:", "X-WR-CALNAME:"]),
)
@settings(max_examples=300, deadline=None)
def test_fold_keeps_thai_clusters_and_escapes(words: list[str], sep: str, head: str) -> None:
    line = head + sep.join(words)
    folded = fold_line(line)
    parts = folded.split(b"\r\n")
    assert all(len(p) <= LIMIT for p in parts)
    assert all(p.startswith(b" ") for p in parts[1:])
    assert b"".join([parts[0], *(p[1:] for p in parts[1:])]).decode("utf-8") == line
    for prev, part in itertools.pairwise(parts):
        text = part[1:].decode("utf-8")
        assert unicodedata.category(text[0]) not in ("Mn", "Mc")
        assert text[0] != "ำ"
        assert not prev.endswith(b"\\")  # a TEXT escape is never split
        assert prev.decode("utf-8")[-1] not in "เแโใไ"


def test_fold_survives_a_run_with_no_break_opportunity() -> None:
    line = "SUMMARY:ก" + "\u0e48" * 400  # a hostile pile of tone marks
    parts = fold_line(line).split(b"\r\n")
    assert all(len(p) <= LIMIT for p in parts)
    assert b"".join([parts[0], *(p[1:] for p in parts[1:])]).decode("utf-8") == line


def test_a_moved_meeting_changes_only_that_event(db: Database) -> None:
    before = components(export_calendar(db, now=NOW))
    with db.transaction():
        meetings.set_meeting(db, 1, now=at("2023-02-01T10:00"), actor="tester", on=date(2023, 4, 24))
    after = components(export_calendar(db, now=NOW))
    changed = [u for u in before if before[u] != after[u]]
    assert len(changed) == 1
    assert "meeting-2023-04" in changed[0]
    assert b"SEQUENCE:1\r\n" in after[changed[0]]
    assert b"SEQUENCE:0\r\n" in before[changed[0]]


def _entry(**task: Any) -> Any:
    from tracker.calendar.source import TaskEntry

    base = {
        "id": 9,
        "number": "9",
        "title": "มาตรการทดสอบ",
        "actions": "",
        "owners": ["กองช่าง"],
        "start": "2023-04-05",
        "end": "2023-04-05",
        "progress": 0,
        "meeting": None,
        "plan": {"organisation": ORG, "fiscal_year": 2566},
    }
    return TaskEntry(
        task={**base, **task}, sequence=3, updated_at=NOW, started=False, done_at=None, cancelled=False
    )


def test_one_day_window_todo_has_due_only_and_text_is_cleaned() -> None:
    from tracker.calendar.export import task_todo, to_bytes, window_event

    entry = _entry(actions="๑. ข้อแรก\r\n๒. ข้อสอง\x0b; มี, จุลภาค\\")
    todo, event = (
        task_todo(ORG, 2566, entry, now=NOW, lang="th"),
        window_event(ORG, 2566, entry, now=NOW, lang="th"),
    )
    # RFC 5545: a VTODO's DUE must be later than its DTSTART, so a one-day window has DUE alone.
    assert "DTSTART" not in todo
    assert todo["DUE"].dt == date(2023, 4, 5)
    assert event["DTEND"].dt == date(2023, 4, 6)
    data = to_bytes(_wrap(todo))
    parsed = icalendar.Calendar.from_ical(data)
    (back,) = parsed.walk("VTODO")
    assert "๑. ข้อแรก\n๒. ข้อสอง; มี, จุลภาค\\" in str(back["DESCRIPTION"])
    assert b"\x0b" not in data
    assert b"\r\r" not in data


def _wrap(component: Any) -> Any:
    cal = icalendar.Calendar()
    cal.add("version", "2.0")
    cal.add("prodid", "-//test//")
    cal.add_component(component)
    return cal
