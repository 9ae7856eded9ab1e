""".ics → tracker: what people ticked or moved in their calendar, back in.

Only items tracker made (recognised by UID, see uids.py) are looked at; the
rest are listed as skipped and left alone. What is taken:

- a VTODO marked COMPLETED (or at 100 %) → the task is done at its COMPLETED
  time (services.tasks.mark_done, so the history shows it, with the actor
  "<who> (calendar)" and a note naming the file);
- a higher PERCENT-COMPLETE → progress; IN-PROCESS → started;
- a meeting VEVENT moved to another day or time → services.meetings.set_meeting.

Calendar changes only move work forward: a stale file never reopens a task,
lowers progress, cancels a measure or moves a window (windows come from the
plan). A meeting moved in tracker after the file was exported (its SEQUENCE
is now higher) is not moved back. The caller owns the transaction; a dry
run decides everything and writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from tracker.calendar import guard
from tracker.calendar.export import Span, meeting_span, window_span
from tracker.calendar.uids import key_uid, meeting_uid, org_key, parse_uid
from tracker.clock import BANGKOK
from tracker.db.connection import Database, from_ts
from tracker.errors import CalendarError
from tracker.services import meetings as meeting_service
from tracker.services import tasks as task_service
from tracker.textwidth import printable

STATUSES = ("created", "updated", "unchanged", "skipped")


@dataclass
class Outcome:
    status: str  # one of STATUSES
    kind: str  # "task" | "meeting" | "other"
    uid: str
    label: str  # what a person recognises: "มาตรการ 1: …", a meeting title, a SUMMARY
    detail: str = ""  # what changed / why it was skipped


@dataclass
class ImportReport:
    source: str
    dry_run: bool
    outcomes: list[Outcome] = field(default_factory=list)

    def of(self, status: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == status]

    def counts(self) -> dict[str, int]:
        # "created" stays 0: tracker never creates tasks or meetings from a
        # calendar; it is listed so the summary reads the same as `import`.
        return {s: len(self.of(s)) for s in STATUSES}


# ---------------------------------------------------------------- reading


def read_calendar(path: Path) -> list[Any]:
    """The VCALENDARs of a file, or of every .ics in a folder (a vdir, as
    khal/todoman/vdirsyncer keep it); one CalendarError line on any problem.

    Each file is guarded (guard.py) before icalendar parses it; a folder
    counts against the same total size cap as one file.
    """
    if str(path) != "-" and path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() == ".ics" and p.is_file())
        if not files:
            raise CalendarError(f"{path}: ไม่มีไฟล์ .ics ในโฟลเดอร์ (no .ics file in the folder)")
    else:
        files = [path]
    calendars: list[Any] = []
    total = 0
    for f in files:
        data = guard.read_bytes(f)
        total += len(data)
        if total > guard.MAX_BYTES:
            raise CalendarError(
                f"{path}: ไฟล์รวมกันใหญ่เกินไป (the calendar files add up to more than"
                f" {guard.MAX_BYTES // (1024 * 1024)} MB)"
            )
        calendars += _parse(guard.decode(data, str(f)), str(f))
    return calendars


@lru_cache(maxsize=1)
def _lenient_reader() -> Any:
    """A Calendar whose every component keeps an unreadable property as a
    broken one instead of failing the whole file (icalendar is lenient for
    VEVENT alone). Such a property is reported when it is read (_Unreadable):
    one skipped item, the rest of the file is still taken."""
    from icalendar import Calendar, ComponentFactory

    factory = ComponentFactory()
    for cls in list(factory.values()):
        factory.add_component_class(type(cls.__name__, (cls,), {"ignore_exceptions": True}))

    class Reader(Calendar):
        _components_factory = factory

    return Reader


def _parse(text: str, name: str) -> list[Any]:
    guard.check_structure(text, name)
    try:
        calendars = _lenient_reader().from_ical(text, multiple=True)
    except Exception as exc:  # icalendar raises ValueError, KeyError, TypeError … on bad input
        reason = " ".join(str(exc).split())[:120] or type(exc).__name__
        raise CalendarError(f"{name}: อ่านไฟล์ปฏิทินไม่ได้ (not a valid iCalendar file: {reason})") from exc
    if not calendars:
        raise CalendarError(f"{name}: ไม่มีปฏิทินในไฟล์ (no VCALENDAR in the file)")
    return list(calendars)


def clean(value: Any, size: int = 80) -> str:
    """Text from a foreign file, safe to print (textwidth.printable: no
    terminal escapes, controls or bidi overrides), one line, bounded."""
    text = " ".join(printable(str(value)).split())
    return text if len(text) <= size else text[: size - 1] + "…"


class _Unreadable(Exception):
    """A property of ours whose value cannot be understood."""


def _dt(prop: Any, name: str) -> Any:
    """The value of a date, time or duration property; _Unreadable when the
    file's text for it could not be parsed (icalendar's broken property raises
    on access) or is out of range."""
    try:
        return prop.dt
    except Exception as exc:  # BrokenCalendarProperty, AttributeError, OverflowError …
        raise _Unreadable(name) from exc


def _when(comp: Any, name: str) -> date | datetime | None:
    prop = comp.get(name)
    if prop is None:
        return None
    value = _dt(prop, name)
    if isinstance(value, datetime):
        # Floating times are the reader's local time: for these users, Bangkok.
        try:
            return value.replace(tzinfo=BANGKOK) if value.tzinfo is None else value.astimezone(BANGKOK)
        except (OverflowError, ValueError) as exc:  # year 1 or 9999 moved across a day boundary
            raise _Unreadable(name) from exc
    if isinstance(value, date):
        return value
    raise _Unreadable(name)


def _int(comp: Any, name: str, default: int | None) -> int | None:
    prop = comp.get(name)
    if prop is None:
        return default
    try:
        return int(str(prop).strip())
    except ValueError as exc:
        raise _Unreadable(name) from exc


def _span(comp: Any) -> Span | None:
    try:
        return _span_of(comp)
    except OverflowError as exc:  # an end past year 9999
        raise _Unreadable("DTEND") from exc


def _span_of(comp: Any) -> Span | None:
    start = _when(comp, "DTSTART")
    if start is None:
        return None
    end = _when(comp, "DTEND")
    if end is None:
        prop = comp.get("DURATION")
        duration = None if prop is None else _dt(prop, "DURATION")
        if isinstance(duration, timedelta):
            end = start + duration
        else:
            end = start + timedelta(days=1) if not isinstance(start, datetime) else start
    return Span(start, end)


def _items(calendars: list[Any]) -> tuple[dict[str, Any], list[Outcome]]:
    """VEVENTs and VTODOs by UID (the newest of duplicates), and what is skipped outright."""
    chosen: dict[str, tuple[tuple[int, str, int], Any]] = {}
    skipped: list[Outcome] = []
    position = 0
    for cal in calendars:
        for comp in cal.subcomponents:
            if comp.name not in ("VEVENT", "VTODO"):
                continue
            position += 1
            uid = clean(comp.get("UID", ""), 300)
            label = clean(comp.get("SUMMARY", "")) or comp.name
            if not uid:
                skipped.append(Outcome("skipped", "other", "", label, "ไม่มี UID (no UID)"))
                continue
            if comp.get("RECURRENCE-ID") is not None:
                # One occurrence of a recurring item: tracker makes none.
                skipped.append(Outcome("skipped", "other", uid, label, "RECURRENCE-ID"))
                continue
            try:
                seq = _int(comp, "SEQUENCE", 0) or 0
            except _Unreadable:
                seq = 0
            try:
                stamp = str(_when(comp, "LAST-MODIFIED") or "")
            except _Unreadable:
                stamp = ""  # only orders duplicates; the item itself may still be read
            rank = (seq, stamp, position)
            if uid not in chosen or rank > chosen[uid][0]:
                chosen[uid] = (rank, comp)
    return {uid: comp for uid, (_, comp) in chosen.items()}, skipped


# ---------------------------------------------------------------- matching


@dataclass
class _Known:
    kind: str  # "window" | "todo" | "meeting"
    row: dict[str, Any]


def _index(db: Database, uids: list[str]) -> dict[str, _Known]:
    """Our items among `uids`, looked up plan by plan (not the whole database)."""
    wanted = {(p.fiscal_year, p.org) for u in uids if (p := parse_uid(u)) is not None}
    known: dict[str, _Known] = {}
    for fy, key in sorted(wanted):
        for plan in db.query(
            "SELECT p.id, o.name FROM plans p JOIN organisations o ON o.id = p.organisation_id"
            " WHERE p.fiscal_year = :fy",
            {"fy": fy},
        ):
            if org_key(plan["name"]) != key:
                continue
            for t in db.query(
                "SELECT id, number, title, progress, started_at, done_at, cancelled_at, starts_on,"
                " ends_on, sequence, updated_at, uid_key FROM tasks WHERE plan_id = :p",
                {"p": plan["id"]},
            ):
                for part in ("window", "todo"):
                    known[key_uid(plan["name"], fy, t["uid_key"], part)] = _Known(part, t)
            keys = {
                r["id"]: r
                for r in db.query(
                    "SELECT id, key, sequence FROM meetings WHERE plan_id = :p", {"p": plan["id"]}
                )
            }
            for m in meeting_service.list_meetings(db, organisation=plan["name"]):
                if m["id"] in keys:
                    row = {**m, "key": keys[m["id"]]["key"], "sequence": keys[m["id"]]["sequence"]}
                    known[meeting_uid(plan["name"], fy, m["month"], row["key"])] = _Known("meeting", row)
    return known


# ---------------------------------------------------------------- deciding and applying


@dataclass
class _Context:
    db: Database
    now: datetime
    actor: str
    note: str
    dry_run: bool
    th: bool

    def say(self, th: str, en: str) -> str:
        return th if self.th else en


def _task_label(row: dict[str, Any], th: bool) -> str:
    return f"{'มาตรการ' if th else 'measure'} {row['number']}: {clean(row['title'], 60)}"


def _window(ctx: _Context, uid: str, row: dict[str, Any], comp: Any) -> Outcome:
    label = _task_label(row, ctx.th)
    span = _span(comp)
    expected = window_span({"start": row["starts_on"], "end": row["ends_on"]})
    if span is None or span == expected:
        return Outcome("unchanged", "task", uid, label)
    return Outcome(
        "skipped",
        "task",
        uid,
        label,
        ctx.say(
            "ช่วงเวลาของมาตรการมาจากแผน แก้ในแผนแล้วนำเข้าใหม่",
            "a measure's window comes from the plan: change the plan document and import it again",
        ),
    )


def _completed_at(ctx: _Context, row: dict[str, Any], comp: Any) -> datetime:
    """COMPLETED; else LAST-MODIFIED if the calendar changed the item after
    tracker did (it is then when someone ticked it); else now."""
    when = _when(comp, "COMPLETED")
    if when is None:
        modified = _when(comp, "LAST-MODIFIED")
        if isinstance(modified, datetime) and modified > from_ts(row["updated_at"]):
            when = modified
    if isinstance(when, datetime):
        moment = when
    elif isinstance(when, date):
        moment = datetime.combine(when, time(0), BANGKOK)
    else:
        moment = ctx.now
    if not task_service.plausible_done(moment):
        raise _Unreadable("COMPLETED")
    return min(moment, ctx.now)  # a calendar's clock ahead of ours is not "done in the future"


def _todo(ctx: _Context, uid: str, row: dict[str, Any], comp: Any) -> Outcome:
    label = _task_label(row, ctx.th)
    status = str(comp.get("STATUS", "")).strip().upper()
    percent = _int(comp, "PERCENT-COMPLETE", None)
    if percent is not None and not 0 <= percent <= 100:
        raise _Unreadable("PERCENT-COMPLETE")
    completed = status == "COMPLETED" or comp.get("COMPLETED") is not None or percent == 100

    def skip(th: str, en: str) -> Outcome:
        return Outcome("skipped", "task", uid, label, ctx.say(th, en))

    if row["cancelled_at"]:
        if status == "CANCELLED":
            return Outcome("unchanged", "task", uid, label)
        return skip("มาตรการนี้ถูกยกเลิกแล้ว (ไม่อยู่ในแผน)", "this measure was cancelled (no longer in the plan)")
    if status == "CANCELLED":
        return skip("ยกเลิกมาตรการได้ที่แผนเท่านั้น", "a measure is cancelled in the plan, not in a calendar")
    if row["done_at"]:
        if completed:
            return Outcome("unchanged", "task", uid, label)
        return skip(
            "เสร็จแล้วใน tracker ไม่เปิดงานใหม่จากปฏิทิน (ใช้ tracker reopen)",
            "already done in tracker; a calendar never reopens a task (use tracker reopen)",
        )
    tid = int(row["id"])
    if completed:
        at = _completed_at(ctx, row, comp)
        if not ctx.dry_run:
            task_service.mark_done(ctx.db, tid, now=ctx.now, actor=ctx.actor, note=ctx.note, on=at)
        local = at.astimezone(BANGKOK)
        return Outcome(
            "updated",
            "task",
            uid,
            label,
            ctx.say(f"เสร็จแล้ว เมื่อ {local:%Y-%m-%d %H:%M}", f"done at {local:%Y-%m-%d %H:%M}"),
        )
    if percent is not None and percent > row["progress"]:
        if not ctx.dry_run:
            task_service.set_progress(ctx.db, tid, percent, now=ctx.now, actor=ctx.actor, note=ctx.note)
        return Outcome(
            "updated",
            "task",
            uid,
            label,
            ctx.say(
                f"ความคืบหน้า {row['progress']}% → {percent}%",
                f"progress {row['progress']}% → {percent}%",
            ),
        )
    if percent is not None and percent < row["progress"]:
        return skip(
            f"ปฏิทินแสดง {percent}% แต่ tracker มี {row['progress']}% แล้ว (ไม่ลดความคืบหน้า)",
            f"the calendar says {percent}%, tracker has {row['progress']}% (progress is never lowered)",
        )
    if status == "IN-PROCESS" and not row["started_at"] and row["progress"] == 0:
        if not ctx.dry_run:
            task_service.start(ctx.db, tid, now=ctx.now, actor=ctx.actor)
        return Outcome("updated", "task", uid, label, ctx.say("เริ่มดำเนินการ", "started"))
    return Outcome("unchanged", "task", uid, label)


def _meeting(ctx: _Context, uid: str, row: dict[str, Any], comp: Any) -> Outcome:
    label = clean(row["title"], 70)
    span = _span(comp)
    if span is None or span == meeting_span(row):
        return Outcome("unchanged", "meeting", uid, label)
    if (_int(comp, "SEQUENCE", 0) or 0) < int(row["sequence"]):
        return Outcome(
            "skipped",
            "meeting",
            uid,
            label,
            ctx.say(
                "การประชุมถูกแก้ใน tracker หลังจากส่งออกไฟล์นี้ (ส่งออกใหม่แล้วแก้อีกครั้ง)",
                "the meeting was changed in tracker after this file was exported (export again)",
            ),
        )
    at: time | None = None
    if isinstance(span.start, datetime):
        on, at = span.start.date(), span.start.time().replace(second=0, microsecond=0)
    elif (
        isinstance(span.end, date)
        and not isinstance(span.end, datetime)
        and (span.end - span.start).days == 1
    ):
        on = span.start
    else:
        return Outcome(
            "skipped",
            "meeting",
            uid,
            label,
            ctx.say(
                "เหตุการณ์กินเวลาหลายวัน ไม่ทราบวันประชุม",
                "the event spans several days: which day is the meeting?",
            ),
        )
    same_day = row["date"] == on.isoformat()
    same_time = at is None or row["time"] == f"{at:%H:%M}"
    if same_day and same_time:
        return Outcome("unchanged", "meeting", uid, label)
    if not ctx.dry_run:
        meeting_service.set_meeting(ctx.db, int(row["id"]), now=ctx.now, actor=ctx.actor, on=on, at=at)
    when = on.isoformat() + (f" {at:%H:%M}" if at else "")
    return Outcome("updated", "meeting", uid, label, ctx.say(f"ย้ายไปวันที่ {when}", f"moved to {when}"))


def import_calendar(
    db: Database,
    calendars: list[Any],
    *,
    now: datetime,
    actor: str,
    source: str,
    dry_run: bool = False,
    lang: str = "th",
) -> ImportReport:
    """Apply what `calendars` (from read_calendar) say about tracker's items.

    The caller owns the transaction: run it inside `db.transaction()` so a
    refusal half way leaves nothing behind.
    """
    ctx = _Context(
        db,
        now,
        f"{actor} (calendar)",
        f"จากปฏิทิน (from calendar): {clean(source, 120)}",
        dry_run,
        lang != "en",
    )
    report = ImportReport(source=source, dry_run=dry_run)
    items, report.outcomes = _items(calendars)
    known = _index(db, list(items))
    for uid, comp in items.items():
        found = known.get(uid)
        if found is None:
            label = clean(comp.get("SUMMARY", "")) or comp.name
            why = (
                ("tracker ไม่ได้สร้างรายการนี้", "not made by tracker")
                if parse_uid(uid) is None
                else ("ไม่พบในฐานข้อมูลนี้", "made by tracker, but not in this database")
            )
            report.outcomes.append(Outcome("skipped", "other", uid, label, ctx.say(*why)))
            continue
        try:
            if found.kind == "meeting":
                outcome = _meeting(ctx, uid, found.row, comp)
            elif comp.name == "VTODO" and found.kind == "todo":
                outcome = _todo(ctx, uid, found.row, comp)
            elif comp.name == "VEVENT" and found.kind == "window":
                outcome = _window(ctx, uid, found.row, comp)
            else:
                outcome = Outcome(
                    "skipped",
                    "task",
                    uid,
                    _task_label(found.row, ctx.th),
                    ctx.say("ชนิดรายการไม่ตรงกับ UID", f"a {comp.name} with this UID is unexpected"),
                )
        except _Unreadable as exc:
            outcome = Outcome(
                "skipped",
                "other",
                uid,
                clean(comp.get("SUMMARY", "")) or comp.name,
                ctx.say(f"อ่านค่า {exc} ไม่ได้", f"cannot read its {exc}"),
            )
        report.outcomes.append(outcome)
    return report
