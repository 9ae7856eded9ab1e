"""tracker → .ics: one plan as a VCALENDAR (or a folder of one-item files).

Per measure: an all-day VEVENT spanning its window (Google Calendar ignores
VTODO, so the window must be an event) and, unless turned off, a VTODO
carrying status and progress. Per follow-up meeting: a VEVENT with an alarm
the day before.

Meetings without a day: the plan usually names only the month ("the April
2566 staff meeting"). Such a meeting is exported as a tentative, free
(TRANSP:TRANSPARENT) all-day event spanning that whole month, summary marked
"ยังไม่กำหนดวัน" (date not set), with its alarm at 09:00 the day before the
month begins. It keeps its UID, so once `tracker meeting set` gives it a date
the next export moves the same event (SEQUENCE bumped) to the real day.

Reproducibility: only stored values go in, properties are sorted, and every
item's SEQUENCE and LAST-MODIFIED come from the row's `sequence` and
`updated_at` (which the services bump on each change). Two exports of an
unchanged database differ only in DTSTAMP; a change to one task changes only
its two components.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from icalendar import (
    Alarm,
    Calendar,
    Event,
    Timezone,
    TimezoneStandard,
    Todo,
    vCalAddress,
    vCategory,
    vDate,
    vDatetime,
    vDuration,
    vInt,
    vText,
)

from tracker.calendar import fold, source, text
from tracker.calendar.uids import file_name, key_uid, meeting_uid, number_key
from tracker.clock import BANGKOK
from tracker.db.connection import Database
from tracker.files import new_file_mode

PRODID = "-//tracker//ITA measures follow-up//TH"
TZID = "Asia/Bangkok"
MEETING_LENGTH = timedelta(hours=2)  # a meeting's end when only its start time is known
ALLDAY_ALARM = timedelta(hours=-15)  # 09:00 the day before an all-day event
TIMED_ALARM = timedelta(days=-1)  # the same time the day before

_DONE_MARK = {"th": "[เสร็จแล้ว] ", "en": "[done] "}


@dataclass(frozen=True)
class Span:
    """When an item sits in the calendar: dates (all-day, end exclusive) or
    Bangkok datetimes."""

    start: date | datetime
    end: date | datetime

    @property
    def timed(self) -> bool:
        return isinstance(self.start, datetime)


def window_span(task: dict[str, Any]) -> Span:
    # DTEND of an all-day event is exclusive: the day after the last day.
    return Span(source.iso_date(task["start"]), source.iso_date(task["end"]) + timedelta(days=1))


def meeting_span(meeting: dict[str, Any]) -> Span:
    if meeting["date"] is None:
        year, month = (int(x) for x in meeting["month"].split("-"))
        first = date(year, month, 1)
        return Span(first, date(year + month // 12, month % 12 + 1, 1))
    day = source.iso_date(meeting["date"])
    if meeting["time"]:
        hh, mm = (int(x) for x in meeting["time"].split(":"))
        start = datetime.combine(day, time(hh, mm), BANGKOK)
        return Span(start, start + MEETING_LENGTH)
    return Span(day, day + timedelta(days=1))


def bangkok_vtimezone() -> Timezone:
    """Asia/Bangkok: +07:00 with no daylight saving since 1920, so one
    STANDARD rule is exact. Written out so Outlook does not guess."""
    tz = Timezone()
    tz.add("tzid", TZID)
    tz.add("x-lic-location", TZID)
    std = TimezoneStandard()
    std.add("dtstart", datetime(1970, 1, 1))  # noqa: DTZ001 - VTIMEZONE onsets are local times
    std.add("tzoffsetfrom", timedelta(hours=7))
    std.add("tzoffsetto", timedelta(hours=7))
    std.add("tzname", "+07")
    tz.add_component(std)
    return tz


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # TEXT allows HTAB (and LF, escaped) only


def _put(component: Any, name: str, value: Any) -> None:
    """Set a property with an explicitly typed value.

    icalendar's `add()` infers the type of every value (and a 1,000-measure
    export has ~25,000 of them); naming the type here is ~7× cheaper and
    yields the same property objects and bytes.
    """
    prop: Any
    if isinstance(value, str):
        # Windows line ends and stray control characters (from Word) are not valid TEXT.
        if "\r" in value:
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        if _CONTROL.search(value):
            value = _CONTROL.sub("", value)
        prop = vText(value)
    elif isinstance(value, int):
        prop = vInt(value)
    elif isinstance(value, datetime):
        prop = vDatetime(value)  # UTC → "…Z"; Bangkok → local time with TZID=Asia/Bangkok
    elif isinstance(value, date):
        prop = vDate(value)
        prop.params["VALUE"] = "DATE"
    elif isinstance(value, timedelta):
        prop = vDuration(value)
    elif isinstance(value, list):
        prop = vCategory(value)
    else:
        raise TypeError(f"no iCalendar type for {name}={value!r}")
    component[name] = prop


def _utc(dt: datetime) -> datetime:
    return dt.astimezone(UTC)


def _revision(component: Any, *, uid: str, sequence: int, updated_at: datetime, now: datetime) -> None:
    _put(component, "uid", uid)
    _put(component, "sequence", sequence)
    _put(component, "last-modified", _utc(updated_at))
    _put(component, "dtstamp", _utc(now))


def _task_uid(org: str, fy: int, entry: source.TaskEntry, part: str) -> str:
    return key_uid(org, fy, entry.uid_key or number_key(entry.task["number"]), part)


def window_event(org: str, fy: int, entry: source.TaskEntry, *, now: datetime, lang: str) -> Event:
    task, owners = entry.task, source.owners(entry.task)
    span = window_span(task)
    ev = Event()
    _revision(
        ev,
        uid=_task_uid(org, fy, entry, "window"),
        sequence=entry.sequence,
        updated_at=entry.updated_at,
        now=now,
    )
    mark = _DONE_MARK["en" if lang == "en" else "th"] if entry.done_at and not entry.cancelled else ""
    _put(ev, "summary", mark + text.task_summary(task, owners, lang=lang))
    _put(
        ev,
        "description",
        text.task_description(task, owners, lang=lang, done_at=entry.done_at, cancelled=entry.cancelled),
    )
    _put(ev, "dtstart", span.start)
    _put(ev, "dtend", span.end)
    _put(ev, "transp", "TRANSPARENT")  # a months-long window must not block anyone's diary
    _put(ev, "status", "CANCELLED" if entry.cancelled else "CONFIRMED")
    _put(ev, "class", "PUBLIC")
    if owners:
        _put(ev, "categories", owners)
    return ev


def todo_status(entry: source.TaskEntry) -> str:
    """From stored facts only; "overdue" is a view at a moment, not a state."""
    if entry.cancelled:
        return "CANCELLED"
    if entry.done_at is not None:
        return "COMPLETED"
    if entry.started or entry.task["progress"] > 0:
        return "IN-PROCESS"
    return "NEEDS-ACTION"


def task_todo(org: str, fy: int, entry: source.TaskEntry, *, now: datetime, lang: str) -> Todo:
    task, owners = entry.task, source.owners(entry.task)
    start, last = source.iso_date(task["start"]), source.iso_date(task["end"])
    td = Todo()
    _revision(
        td,
        uid=_task_uid(org, fy, entry, "todo"),
        sequence=entry.sequence,
        updated_at=entry.updated_at,
        now=now,
    )
    _put(td, "summary", text.task_summary(task, owners, lang=lang))
    _put(
        td,
        "description",
        text.task_description(task, owners, lang=lang, done_at=entry.done_at, cancelled=entry.cancelled),
    )
    # RFC 5545 wants DUE later than DTSTART: a one-day window has only DUE.
    if start < last:
        _put(td, "dtstart", start)
    _put(td, "due", last)  # a DATE: due on the window's last day
    status = todo_status(entry)
    _put(td, "status", status)
    _put(td, "percent-complete", 100 if entry.done_at else int(task["progress"]))
    if entry.done_at is not None:
        _put(td, "completed", _utc(entry.done_at))
    _put(td, "class", "PUBLIC")
    if owners:
        _put(td, "categories", owners)
    return td


def meeting_event(org: str, fy: int, entry: source.MeetingEntry, *, now: datetime, lang: str) -> Event:
    m = entry.meeting
    span = meeting_span(m)
    ev = Event()
    _revision(
        ev,
        uid=meeting_uid(org, fy, m["month"], entry.key),
        sequence=entry.sequence,
        updated_at=entry.updated_at,
        now=now,
    )
    _put(ev, "summary", text.meeting_summary(m, lang=lang))
    _put(ev, "description", text.meeting_description(m, lang=lang))
    _put(ev, "dtstart", span.start)
    _put(ev, "dtend", span.end)
    if m["place"]:
        _put(ev, "location", m["place"])
    if m.get("cancelled_at"):
        _put(ev, "status", "CANCELLED")
    else:
        _put(ev, "status", "TENTATIVE" if m["date"] is None else "CONFIRMED")
    _put(ev, "transp", "OPAQUE" if span.timed else "TRANSPARENT")
    _put(ev, "class", "PUBLIC")
    alarm = Alarm()
    _put(alarm, "action", "DISPLAY")
    _put(alarm, "description", text.alarm_text(m, lang=lang))
    _put(alarm, "trigger", TIMED_ALARM if span.timed else ALLDAY_ALARM)
    ev.add_component(alarm)
    return ev


def _calendar(*, name: str | None, method: str | None, components: Iterable[Any], with_tz: bool,
              refresh: timedelta | None = None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
        cal.add("x-wr-timezone", TZID)
    if refresh is not None:
        # How often a subscribed client should fetch again: RFC 7986's
        # REFRESH-INTERVAL (Apple, Thunderbird) and Outlook's X-PUBLISHED-TTL.
        interval = vDuration(refresh)
        interval.params["VALUE"] = "DURATION"
        cal["refresh-interval"] = interval
        cal["x-published-ttl"] = vDuration(refresh)
    if with_tz:
        cal.add_component(bangkok_vtimezone())
    for c in components:
        cal.add_component(c)
    return cal


def _text(value: str | bytes) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else value


def _content_lines(comp: Any, out: list[str]) -> None:
    """The unfolded content lines of a component tree, as icalendar's
    `content_lines(sorted=True)` gives them (same order, same values) at a
    third of the cost: no Contentline objects, no re-encoding."""
    out.append("BEGIN:" + comp.name)
    for name in comp.sorted_keys():
        values = comp[name]
        for v in values if isinstance(values, list) else (values,):
            params = v.params
            head = f"{name};{_text(params.to_ical())}" if params else name
            out.append(f"{head}:{_text(v.to_ical())}")
    for sub in comp.subcomponents:
        _content_lines(sub, out)
    out.append("END:" + comp.name)


def to_bytes(cal: Calendar) -> bytes:
    """Serialise with Thai-safe folding (see fold.py); CRLF line ends."""
    lines: list[str] = []
    _content_lines(cal, lines)
    return fold.serialise(lines)


def components(src: source.CalendarSource, *, now: datetime, todos: bool, lang: str) -> list[Any]:
    """Every item of a loaded plan: windows (and to-dos), then meetings."""
    org, fy = src.organisation, src.fiscal_year
    out: list[Any] = []
    for entry in src.tasks:
        out.append(window_event(org, fy, entry, now=now, lang=lang))
        if todos:
            out.append(task_todo(org, fy, entry, now=now, lang=lang))
    out += [meeting_event(org, fy, m, now=now, lang=lang) for m in src.meetings]
    return out


def export_calendar(
    db: Database,
    *,
    now: datetime,
    plan_id: int | None = None,
    organisation: str | None = None,
    owner: str | None = None,
    todos: bool = True,
    lang: str = "th",
) -> bytes:
    """The .ics of one plan (the latest, or `plan_id`), METHOD:PUBLISH."""
    src = source.load(db, now=now, plan_id=plan_id, organisation=organisation, owner=owner)
    return source_calendar(src, stamp=now, owner=owner, todos=todos, lang=lang)


def source_calendar(
    src: source.CalendarSource,
    *,
    stamp: datetime,
    owner: str | None = None,
    todos: bool = True,
    lang: str = "th",
    refresh: timedelta | None = None,
) -> bytes:
    """The .ics of a loaded plan, METHOD:PUBLISH; `stamp` is every DTSTAMP."""
    name = text.calendar_name(src.organisation, src.fiscal_year, lang=lang, owner=owner)
    # The VTIMEZONE is always there: X-WR-TIMEZONE names it, and Outlook
    # shifts times when a TZID has no definition.
    cal = _calendar(
        name=name,
        method="PUBLISH",
        components=components(src, now=stamp, todos=todos, lang=lang),
        with_tz=True,
        refresh=refresh,
    )
    return to_bytes(cal)


def meeting_ics(db: Database, meeting_id: int, *, now: datetime, lang: str = "th") -> bytes:
    """One meeting as a VCALENDAR, for the reminder mail's attachment.

    METHOD:PUBLISH, not REQUEST: tracker is not the meeting's organiser and
    collects no replies; the same UID as the full export, so adding it to a
    calendar updates the event already there instead of adding a second one.
    """
    plan, entry = source.load_meeting(db, meeting_id)
    ev = meeting_event(plan["organisation"], int(plan["fiscal_year"]), entry, now=now, lang=lang)
    cal = _calendar(name=None, method="PUBLISH", components=[ev], with_tz=True)
    return to_bytes(cal)


def invitation_ics(
    db: Database,
    meeting_id: int,
    *,
    now: datetime,
    method: str,
    organizer: tuple[str, str],
    attendees: Iterable[str],
    lang: str = "th",
) -> bytes:
    """One meeting as an iTIP message (RFC 5546): METHOD:REQUEST or CANCEL,
    with ORGANIZER (the configured sender: `organizer` is (name, address))
    and one ATTENDEE row per attendee. The same UID as the feed and the
    export, and the meeting's SEQUENCE, so each client updates (or removes)
    the one event it has."""
    plan, entry = source.load_meeting(db, meeting_id)
    ev = meeting_event(plan["organisation"], int(plan["fiscal_year"]), entry, now=now, lang=lang)
    name, address = organizer
    org = vCalAddress(f"mailto:{address}")
    if name:
        org.params["CN"] = name
    ev["organizer"] = org
    rows = []
    for who in dict.fromkeys(attendees):
        person = vCalAddress(f"mailto:{who}")
        person.params.update({"CUTYPE": "INDIVIDUAL", "ROLE": "REQ-PARTICIPANT",
                              "PARTSTAT": "NEEDS-ACTION", "RSVP": "FALSE"})  # tracker reads no replies
        rows.append(person)
    ev["attendee"] = rows
    if method == "CANCEL":
        ev.subcomponents = []  # no alarm for a meeting that will not take place
    cal = _calendar(name=None, method=method, components=[ev], with_tz=True)
    return to_bytes(cal)


def resource(comp: Any) -> bytes:
    """One item as a file of its own (a vdir file, a CalDAV resource): no
    METHOD, which CalDAV resources must not carry; the VTIMEZONE when timed."""
    timed = isinstance(getattr(comp.get("DTSTART"), "dt", None), datetime)
    return to_bytes(_calendar(name=None, method=None, components=[comp], with_tz=timed))


@dataclass
class FolderResult:
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)


_DTSTAMP = re.compile(rb"^DTSTAMP[;:].*\r\n", re.MULTILINE)


def _same_but_dtstamp(path: Path, data: bytes) -> bool:
    try:
        old = path.read_bytes()
    except OSError:
        return False
    return _DTSTAMP.sub(b"", old) == _DTSTAMP.sub(b"", data)


def _write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".ics", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, new_file_mode(path))  # as the umask allows
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def export_folder(
    db: Database,
    directory: Path,
    *,
    now: datetime,
    plan_id: int | None = None,
    organisation: str | None = None,
    owner: str | None = None,
    todos: bool = True,
    lang: str = "th",
) -> FolderResult:
    """One .ics per item, named by UID (a vdir for khal, todoman, vdirsyncer).

    A file whose content is unchanged but for DTSTAMP is left alone, so a
    sync tool sees only the items that really changed. Files tracker did not
    write are never touched. No METHOD in the files: CalDAV resources must
    not carry one.
    """
    src = source.load(db, now=now, plan_id=plan_id, organisation=organisation, owner=owner)
    directory.mkdir(parents=True, exist_ok=True)
    result = FolderResult()
    for comp in components(src, now=now, todos=todos, lang=lang):
        data = resource(comp)
        path = directory / file_name(str(comp["uid"]))
        if _same_but_dtstamp(path, data):
            result.unchanged.append(path)
        else:
            _write_atomic(path, data)
            result.written.append(path)
    return result
