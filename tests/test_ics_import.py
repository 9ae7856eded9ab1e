"""Reading a calendar back: what people ticked or moved comes in, through the
services (so the history shows it came from the calendar); everything else is
left alone; a broken or hostile file changes nothing. Both backends."""

from __future__ import annotations

import contextlib
import json
import re
from datetime import date, time
from pathlib import Path

import pytest
from conftest import at
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ics_support import ORG, seeded

from tracker.calendar import export_calendar, import_calendar, read_calendar
from tracker.calendar.guard import MAX_BYTES
from tracker.calendar.uids import task_uid
from tracker.db.connection import Database, open_database
from tracker.errors import CalendarError, TrackerError
from tracker.services import history, meetings, tasks

NOW = at("2023-01-05T09:00")
LATER = "2023-02-20T08:00"


@pytest.fixture
def db(db_url: str):  # type: ignore[no-untyped-def]
    database = seeded(db_url, NOW)
    yield database
    database.close()


def component(data: bytes, uid: str) -> tuple[int, int]:
    """Byte span of the component with this UID."""
    for m in re.finditer(rb"BEGIN:(VEVENT|VTODO)\r\n.*?END:\1\r\n", data, re.S):
        if f"UID:{uid}".encode() in m.group(0).replace(b"\r\n ", b""):
            return m.span()
    raise AssertionError(uid)


def edit(data: bytes, uid: str, *, drop: tuple[str, ...] = (), add: tuple[str, ...] = ()) -> bytes:
    """Change one component the way a client would: drop properties, add lines."""
    start, end = component(data, uid)
    block = data[start:end].replace(b"\r\n ", b"")  # unfold; the parsers accept long lines
    lines = [ln for ln in block.split(b"\r\n") if ln and not any(ln.startswith(d.encode()) for d in drop)]
    lines[-1:-1] = [a.encode() for a in add]
    return data[:start] + b"\r\n".join(lines) + b"\r\n" + data[end:]


def uid(number: str, part: str) -> str:
    return task_uid(ORG, 2566, number, part)


def apply(db: Database, path: Path, *, now: str = LATER, dry_run: bool = False):  # type: ignore[no-untyped-def]
    with db.transaction():
        return import_calendar(
            db, read_calendar(path), now=at(now), actor="tester", source=path.name, dry_run=dry_run
        )


def test_round_trip_completed_todo_through_the_cli(run, db_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    seeded(db_url, NOW).close()
    ics = tmp_path / "ita.ics"
    assert run("ics", "export", "-o", str(ics), now="2023-01-05T09:00").code == 0
    ics.write_bytes(
        edit(
            ics.read_bytes(),
            uid("1", "todo"),
            drop=("STATUS", "PERCENT-COMPLETE"),
            add=("STATUS:COMPLETED", "PERCENT-COMPLETE:100", "COMPLETED:20230210T030000Z"),
        )
    )
    r = run("ics", "import", str(ics), "--dry-run", now=LATER)
    assert r.code == 0, r.err
    assert "ปรับปรุง 1" in r.out
    assert "ทดลอง" in r.out
    shown = json.loads(run("show", "1", "--json", now=LATER).out)
    assert shown["status"] != "done"  # a dry run saves nothing
    r = run("ics", "import", str(ics), now=LATER)
    assert r.code == 0, r.err
    assert "ปรับปรุง 1" in r.out
    assert "มาตรการ 1" in r.out
    shown = json.loads(run("show", "1", "--json", now=LATER).out)
    assert shown["status"] == "done"
    assert shown["done_at"] == "2023-02-10T10:00:00+07:00"  # the time ticked in the calendar
    last = shown["history"][-1]
    assert last["action"] == "done"
    assert "calendar" in last["actor"]
    assert "calendar" in json.dumps(last["detail"])
    # Importing the same file again changes nothing.
    r = run("ics", "import", str(ics), now=LATER)
    assert r.code == 0
    assert "ปรับปรุง 0" in r.out


def test_progress_start_and_forward_only(db: Database, tmp_path: Path) -> None:
    data = export_calendar(db, now=NOW)
    data = edit(
        data,
        uid("1", "todo"),
        drop=("PERCENT-COMPLETE", "STATUS"),
        add=("PERCENT-COMPLETE:60", "STATUS:IN-PROCESS"),
    )
    data = edit(data, uid("2", "todo"), drop=("STATUS",), add=("STATUS:IN-PROCESS",))
    path = tmp_path / "a.ics"
    path.write_bytes(data)
    report = apply(db, path)
    assert report.counts()["updated"] == 2
    assert tasks.get_task(db, 1, now=at(LATER))["progress"] == 60
    assert tasks.get_task(db, 2, now=at(LATER))["status"] == "in_progress"
    entries = history.entries(db, task_id=1)
    assert entries[-1]["action"] == "progress"
    assert entries[-1]["actor"] == "tester (calendar)"
    # tracker moves on; the old file must not pull progress back or reopen a task.
    with db.transaction():
        tasks.set_progress(db, 1, 80, now=at(LATER), actor="tester")
        tasks.mark_done(db, 2, now=at(LATER), actor="tester")
    report = apply(db, path)
    assert report.counts()["updated"] == 0
    assert {o.uid for o in report.of("skipped")} == {uid("1", "todo"), uid("2", "todo")}
    assert tasks.get_task(db, 1, now=at(LATER))["progress"] == 80
    assert tasks.get_task(db, 2, now=at(LATER))["status"] == "done"


def test_moved_meeting_changes_date_and_time(db: Database, tmp_path: Path) -> None:
    data = export_calendar(db, now=NOW)
    april = next(u for u in re.findall(rb"UID:(\S+)", data) if b"meeting-2023-04" in u).decode()
    # Google writes times in UTC: 02:30Z is 09:30 in Bangkok.
    path = tmp_path / "moved.ics"
    path.write_bytes(
        edit(
            data,
            april,
            drop=("DTSTART", "DTEND"),
            add=("DTSTART:20230425T023000Z", "DTEND:20230425T043000Z"),
        )
    )
    report = apply(db, path)
    assert [o.kind for o in report.of("updated")] == ["meeting"]
    m = meetings.get_meeting(db, 1)
    assert (m["date"], m["time"]) == ("2023-04-25", "09:30")
    entry = [h for h in history.entries(db) if h["meeting_id"] == 1][-1]
    assert entry["actor"] == "tester (calendar)"
    # Moved again in tracker afterwards: the stale file must not move it back.
    with db.transaction():
        meetings.set_meeting(db, 1, now=at(LATER), actor="tester", on=date(2023, 4, 27), at=time(13, 0))
    report = apply(db, path)
    assert [o.kind for o in report.of("skipped")] == ["meeting"]
    assert meetings.get_meeting(db, 1)["date"] == "2023-04-27"
    # An all-day move to one day sets the day; a multi-day span is not guessed.
    data = export_calendar(db, now=NOW)
    path.write_bytes(
        edit(
            data,
            april,
            drop=("DTSTART", "DTEND"),
            add=("DTSTART;VALUE=DATE:20230428", "DTEND;VALUE=DATE:20230429"),
        )
    )
    assert apply(db, path).counts()["updated"] == 1
    assert meetings.get_meeting(db, 1)["date"] == "2023-04-28"


def test_foreign_items_are_listed_and_left_alone(run, db_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    seeded(db_url, NOW).close()
    ics = tmp_path / "mixed.ics"
    assert run("ics", "export", "-o", str(ics), now="2023-01-05T09:00").code == 0
    foreign = (
        "BEGIN:VEVENT\r\nUID:birthday-1@example.org\r\nDTSTAMP:20230101T000000Z\r\n"
        "DTSTART;VALUE=DATE:20230301\r\nSUMMARY:\x1b[31mวันเกิด\x1b[0m\r\nEND:VEVENT\r\n"
        "BEGIN:VTODO\r\nUID:ita2566-0000000000-m1-todo@ita-tracker.invalid\r\n"
        "DTSTAMP:20230101T000000Z\r\nSTATUS:COMPLETED\r\nSUMMARY:another plan\r\nEND:VTODO\r\n"
    ).encode()
    data = ics.read_bytes().replace(b"END:VCALENDAR\r\n", foreign + b"END:VCALENDAR\r\n")
    ics.write_bytes(data)
    r = run("ics", "import", str(ics), now=LATER)
    assert r.code == 0, r.err
    assert "ข้าม 2" in r.out
    assert "วันเกิด" in r.out
    assert "another plan" in r.out
    assert "\x1b" not in r.out  # a hostile SUMMARY cannot drive the terminal
    listed = json.loads(run("list", "--json", now=LATER).out)
    assert all(t["status"] != "done" for t in listed)


def test_all_or_nothing_when_a_change_is_refused(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = export_calendar(db, now=NOW)
    for n in ("1", "2"):
        data = edit(data, uid(n, "todo"), drop=("STATUS",), add=("STATUS:COMPLETED",))
    path = tmp_path / "two.ics"
    path.write_bytes(data)
    real = tasks.mark_done
    calls = []

    def refuse_second(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(args)
        if len(calls) == 2:
            raise TrackerError("refused")
        return real(*args, **kwargs)

    monkeypatch.setattr(tasks, "mark_done", refuse_second)
    with pytest.raises(TrackerError):
        apply(db, path)
    assert len(calls) == 2
    assert all(t["status"] != "done" for t in tasks.list_tasks(db, now=at(LATER)))


# ---------------------------------------------------------------- hostile files


def _write_hostile(kind: str, path: Path) -> None:
    if kind == "not-ics":
        path.write_text("ชื่อ,วันที่\nประชุม,2023-04-01\n", encoding="utf-8")
    elif kind == "truncated":
        path.write_bytes("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VTODO\r\nUID:x\r\nSUMMARY:ครึ่ง".encode())
    elif kind == "truncated-utf8":
        path.write_bytes("BEGIN:VCALENDAR\r\nBEGIN:VTODO\r\nSUMMARY:ครึ่ง".encode()[:-1])
    elif kind == "nested":
        path.write_bytes(
            b"BEGIN:VCALENDAR\r\n"
            + b"BEGIN:VEVENT\r\n" * 100_000
            + b"END:VEVENT\r\n" * 100_000
            + b"END:VCALENDAR\r\n"
        )
    elif kind == "gigabyte-line":
        # Sparse: 1 GB on paper, a few bytes on disk; the reader stops at its cap.
        with path.open("wb") as f:
            f.write(b"BEGIN:VCALENDAR\r\nX-A:")
            f.truncate(1 << 30)
    elif kind == "long-line":
        path.write_bytes(b"BEGIN:VCALENDAR\r\nX-A:" + b"a" * (2 << 20) + b"\r\nEND:VCALENDAR\r\n")
    elif kind == "binary":
        path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "unbalanced":
        path.write_bytes(b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VTODO\r\nEND:VCALENDAR\r\n")


HOSTILE = [
    "not-ics",
    "truncated",
    "truncated-utf8",
    "nested",
    "gigabyte-line",
    "long-line",
    "binary",
    "empty",
    "unbalanced",
]


@pytest.mark.parametrize("kind", HOSTILE)
def test_hostile_file_is_one_error_and_changes_nothing(
    run,
    db_url: str,
    tmp_path: Path,  # type: ignore[no-untyped-def]
    kind: str,
) -> None:
    seeded(db_url, NOW).close()
    path = tmp_path / f"{kind}.ics"
    _write_hostile(kind, path)
    before = run("history", now=LATER).out
    r = run("ics", "import", str(path), now=LATER)
    assert r.code == 1
    assert r.err.startswith("error: "), r.err
    assert r.err.count("\n") == 1, r.err
    assert "Traceback" not in r.err
    assert len(r.err) < 400
    assert run("history", now=LATER).out == before


def test_missing_file_and_folder_without_ics(run, db_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    seeded(db_url, NOW).close()
    r = run("ics", "import", str(tmp_path / "nope.ics"))
    assert r.code == 1
    assert r.err.startswith("error: ")
    (tmp_path / "empty-dir").mkdir()
    r = run("ics", "import", str(tmp_path / "empty-dir"))
    assert r.code == 1
    assert ".ics" in r.err


def test_size_cap_is_checked_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "big.ics"
    with path.open("wb") as f:
        f.write(b"BEGIN:VCALENDAR\r\n")
        f.truncate(MAX_BYTES + 1)
    with pytest.raises(CalendarError, match="MB"):
        read_calendar(path)


@given(
    st.lists(
        st.sampled_from(
            [
                "BEGIN:VCALENDAR",
                "END:VCALENDAR",
                "BEGIN:VEVENT",
                "END:VEVENT",
                "BEGIN:VTODO",
                "END:VTODO",
                "BEGIN:VALARM",
                "END:VALARM",
                "UID:x",
                "DTSTART:2023",
                "DTSTART;VALUE=DATE:20230101",
                "DTSTART;TZID=Nowhere/Else:20230101T100000",
                "STATUS:COMPLETED",
                "PERCENT-COMPLETE:abc",
                "SEQUENCE:-1",
                " folded",
                "SUMMARY:สวัสดี",
                "X-:",
                ":",
                "BEGIN:",
                "COMPLETED:2023-01-01",
            ]
        ),
        max_size=30,
    )
)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_line_soup_reads_or_fails_cleanly(tmp_path: Path, lines: list[str]) -> None:
    path = tmp_path / "soup.ics"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    with contextlib.suppress(CalendarError):
        read_calendar(path)


_SEEDED: set[str] = set()


@given(
    st.lists(
        st.sampled_from(
            [
                "STATUS:COMPLETED",
                "STATUS:CANCELLED",
                "STATUS:IN-PROCESS",
                "PERCENT-COMPLETE:abc",
                "PERCENT-COMPLETE:150",
                "PERCENT-COMPLETE:30",
                "COMPLETED:garbage",
                "COMPLETED:20990101T000000Z",
                "DTSTART:nonsense",
                "SEQUENCE:x",
                "LAST-MODIFIED:20230301T000000Z",
            ]
        ),
        max_size=6,
    )
)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_odd_values_in_our_items_never_crash(db_url: str, tmp_path: Path, lines: list[str]) -> None:
    # Seeded once per database; dry runs leave it as it was for the next example.
    if db_url not in _SEEDED:
        seeded(db_url, NOW).close()
        _SEEDED.add(db_url)
    db = open_database(db_url)
    try:
        data = edit(
            export_calendar(db, now=NOW),
            uid("1", "todo"),
            drop=("STATUS", "PERCENT-COMPLETE", "COMPLETED", "SEQUENCE"),
            add=tuple(lines),
        )
        path = tmp_path / "odd.ics"
        path.write_bytes(data)
        try:
            report = apply(db, path, dry_run=True)
        except CalendarError:
            return
        assert report.counts()["created"] == 0
    finally:
        db.close()
