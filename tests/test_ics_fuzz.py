"""Fuzzing `ics import`: thousands of mutated exports (seeded, bounded) are
each read and applied; every one is taken, skipped item by item, or refused
with a CalendarError line, never a traceback, and none takes over 5 s."""

from __future__ import annotations

import json
import os
import random
import time
from collections import Counter
from pathlib import Path

import pytest
from conftest import at
from ics_support import seeded

from tracker.calendar import export_calendar, import_calendar, read_calendar
from tracker.db.connection import Database
from tracker.errors import TrackerError

NOW = at("2023-01-05T09:00")
LATER = at("2023-02-20T08:00")
CASES = int(os.environ.get("TRACKER_FUZZ_CASES", "2000"))
SLOWEST = 5.0

# What a calendar program (or a broken one) may write.
PROPERTIES = [
    "DTSTART", "DTEND", "DUE", "COMPLETED", "LAST-MODIFIED", "CREATED", "DTSTAMP", "DURATION",
    "RECURRENCE-ID", "RRULE", "EXDATE", "RDATE", "TRIGGER", "SEQUENCE", "PERCENT-COMPLETE",
    "STATUS", "GEO", "PRIORITY", "TZOFFSETFROM", "UID", "SUMMARY", "ATTENDEE", "ORGANIZER",
]
PARAMS = [
    "", ";VALUE=DATE", ";VALUE=DATE-TIME", ";TZID=Nowhere/Else", ";TZID=Asia/Bangkok", ";VALUE=PERIOD", ";X",
]
ODD_CHARS = [0, 9, 10, 13, 32, 58, 59, 61, 0x1B, 0x0E01, 0x202E]
VALUES = [
    "", "garbage", "2023", "20231345", "20230231", "20230101T256161Z", "99991231T235959Z",
    "00000101", "19000101", "19000101T000000Z", "20230101T000000+9999", "-P1D", "P", "PT99999999999H",
    "P1W2D", "FREQ=NOPE", "FREQ=DAILY;COUNT=-1", "1e99", "-1", "101", "abc", "COMPLETED",
    "IN-PROCESS", "CANCELLED", "x;y", "1;2", "\x1b[2J", "\u202e", "ครึ่ง", "a" * 500,
    "20230101/20230102", "20230210T030000Z,garbage", "-PT15M",
]


def _mutate(lines: list[str], rnd: random.Random) -> list[str]:
    out = list(lines)
    for _ in range(rnd.randint(1, 4)):
        out = out or ["BEGIN:VCALENDAR"]
        i = rnd.randrange(len(out))
        op = rnd.random()
        if op < 0.35:  # a property with an odd value, somewhere
            out.insert(i, f"{rnd.choice(PROPERTIES)}{rnd.choice(PARAMS)}:{rnd.choice(VALUES)}")
        elif op < 0.6:  # an existing property's value replaced
            name = out[i].split(":", 1)[0]
            out[i] = f"{name}:{rnd.choice(VALUES)}"
        elif op < 0.7:
            del out[i]
        elif op < 0.8:
            out.insert(i, out[rnd.randrange(len(out))])
        elif op < 0.9:  # a character flipped
            line = out[i]
            if line:
                k = rnd.randrange(len(line))
                out[i] = line[:k] + chr(rnd.choice(ODD_CHARS)) + line[k + 1 :]
        else:
            out = out[: rnd.randrange(1, len(out) + 1)]
    return out


class _Undo(Exception):
    """Ends a case's transaction so the next case meets the same database."""


def _case(db: Database, path: Path, *, dry_run: bool) -> str:
    """Read and apply one file, then undo it; what happened."""
    try:
        with db.transaction():
            calendars = read_calendar(path)
            import_calendar(db, calendars, now=LATER, actor="fuzz", source=path.name, dry_run=dry_run)
            raise _Undo
    except _Undo:
        return "read"
    except TrackerError as exc:
        return "refused" if "\n" not in str(exc) else "refused on several lines"


def test_mutated_calendars_never_crash(tmp_path: Path) -> None:
    db = seeded(f"sqlite:///{tmp_path / 'fuzz.db'}", NOW)
    base = export_calendar(db, now=NOW).decode().replace("\r\n ", "").split("\r\n")
    rnd = random.Random(int(os.environ.get("TRACKER_FUZZ_SEED", "2566")))
    path = tmp_path / "case.ics"
    slowest, outcomes = 0.0, Counter[str]()
    try:
        for case in range(CASES):
            path.write_text("\r\n".join(_mutate(base, rnd)) + "\r\n", encoding="utf-8")
            started = time.perf_counter()
            try:
                outcomes[_case(db, path, dry_run=case % 2 == 0)] += 1
            except Exception as exc:  # the defect this test is for: keep the case that caused it
                kept = tmp_path / f"crash-{case}.ics"
                path.rename(kept)
                raise AssertionError(f"case {case} ({kept}) raised {type(exc).__name__}: {exc}") from exc
            slowest = max(slowest, time.perf_counter() - started)
    finally:
        db.close()
    assert slowest < SLOWEST
    assert set(outcomes) <= {"read", "refused"}, outcomes
    assert outcomes["read"] > CASES // 4  # most mutations still read: the importer's paths are exercised


def _ours(data: bytes, kind: str, line: str) -> bytes:
    """Every component of this kind (VEVENT, VTODO) given `line` in place of
    the property of the same name."""
    name = line.split(":", 1)[0].split(";", 1)[0]
    out, inside = [], False
    for ln in data.decode().replace("\r\n ", "").split("\r\n"):
        inside = (inside or ln == f"BEGIN:{kind}") and ln != f"END:{kind}"
        if inside and ln.split(":", 1)[0].split(";", 1)[0] == name:
            continue
        if ln == f"END:{kind}":
            out.append(line)
        out.append(ln)
    return "\r\n".join(out).encode()


@pytest.mark.parametrize(
    ("kind", "line", "named"),
    [
        ("VEVENT", "LAST-MODIFIED:garbage", None),  # only orders duplicates: the items still read
        ("VEVENT", "DTSTART;VALUE=DATE:20231345", "DTSTART"),
        ("VEVENT", "DTEND:1e99", "DTEND"),
        ("VTODO", "COMPLETED:20230231T000000Z", "COMPLETED"),
        ("VTODO", "COMPLETED:19000101T000000Z", "COMPLETED"),  # before 2500 BE: a placeholder
        ("VTODO", "DUE:garbage", None),
    ],
)
def test_an_unreadable_property_is_a_skipped_item(  # type: ignore[no-untyped-def]
    run, db_url: str, tmp_path: Path, kind: str, line: str, named: str | None
) -> None:
    seeded(db_url, NOW).close()
    ics = tmp_path / "ita.ics"
    assert run("ics", "export", "-o", str(ics), now="2023-01-05T09:00").code == 0
    data = ics.read_bytes()
    if kind == "VTODO":
        data = data.replace(b"STATUS:NEEDS-ACTION", b"STATUS:COMPLETED")
    ics.write_bytes(_ours(data, kind, line))
    r = run("ics", "import", str(ics), now="2023-02-20T08:00")
    assert r.code == 0, r.err
    assert "Traceback" not in r.err
    if named:
        assert f"อ่านค่า {named} ไม่ได้" in r.out
        assert "ปรับปรุง 0" in r.out
        listed = json.loads(run("list", "--json", now="2023-02-20T08:00").out)
        assert all(t["status"] != "done" for t in listed)
