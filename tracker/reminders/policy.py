"""Which reminders are due: a pure function of tasks, meetings, a policy and a time.

No database, no clock, no mail here. The outbox (outbox.py) stores what this
module decides; the preview (preview.py) runs it day by day over a season.

Configuration — the `[reminders]` table of the config file (every key optional):

    [reminders]
    hour = "08:30"              # time of day reminders fall due, Asia/Bangkok (HH:MM)
    window_opens = true         # a mail on the first working day of a task's window
    nudge_every_days = 14       # while the window runs: a nudge every N calendar days
                                #   (moved to the next working day) when nothing was
                                #   recorded on the task in the N days before; 0 = never.
                                #   Nudges stop once the first before_close reminder is due.
    before_close = [14, 7, 3, 1]  # working days before the window's last day
    before_checkpoint = 3       # a recurring measure (monthly, quarterly …: the plan's
                                #   checkpoints): ask for the period's progress this many
                                #   working days before each checkpoint in the window; 0 = never
    overdue_repeat_days = 7     # overdue: the first working day after the window, then
                                #   every N calendar days (next working day) until done;
                                #   0 = only the first one
    coordinator = []            # who follows the plan up (the clerk's office), e.g.
                                #   ["สำนักปลัดฯ"]: addresses, or unit names (that unit's
                                #   addresses in each organisation); told of a measure overdue
                                #   `coordinator_after` working days, then with each overdue
                                #   reminder, and sent the weekly summary. [] = no escalation
    coordinator_after = 5       # working days overdue; 0 = never
    executive = []              # the same for the executive (e.g. ["ปลัดเทศบาล"] or an
    executive_after = 15        #   address), after `executive_after` working days; 0 = never
    summary_weekday = 1         # the coordinator's weekly summary (who has not reported what,
                                #   outcome fields still empty before a meeting): on the first
                                #   working day from this ISO weekday (1 = Monday); 0 = never
    before_meeting = [10, 3]    # working days before the follow-up meeting: ask each
                                #   owner unit for the outcome fields (results, problems,
                                #   obstacles, suggestions) still empty
    meeting_day_before = true   # on the working day before the meeting: the draft report
                                #   to the attendees, with the meeting as an .ics
    unknown_meeting_day = 15    # a meeting known only by its month is assumed on this
                                #   day (the next working day if it is not one); the mails
                                #   say "วันประชุมยังไม่กำหนด" (date not fixed yet)
    digest = true               # one mail per address a working day, carrying everything
                                #   due for it (all its units' measures), most urgent first;
                                #   an address that had today's mail gets what came due
                                #   since in the next working day's. false: a mail each
    season_grace_days = 30      # the end of a season: no reminder for a plan once its fiscal
                                #   year (to 30 September) and its follow-up meetings are more
                                #   than this many days past (`tracker archive` ends one sooner)
    local_holidays = ["2023-05-05"]  # extra non-working days (any date form tracker reads)
    lang = "th"                 # language of the mails: "th" or "en"
    digits = "arabic"           # digits in the mails (dates, measure numbers, counts): "arabic" or "thai"
    templates = "/path/dir"     # your own mail/<kind>/… templates, in front of the bundled
    report_format = "html"      # the draft report attached the day before: html, pdf, md,
                                #   text, or "none"
    sweep_seconds = 60          # the daemon: how often it sends what is due
    batch = 100                 # the most reminders one sender claims at a time
    lease_seconds = 300         # a claim older than this is taken over by another sender

Rules that hold for every reminder:
- It falls due at `hour` on a working day (weekends, Thai public and government
  holidays and `local_holidays` skipped), never on any other day.
- A task that is done (done_at at or before the time asked about) or cancelled
  gets no reminder of any kind.
- Each reminder has a unique key: kind, scope (t<task id> or m<meeting id>),
  the day it falls due and, when it goes to a unit, a short hash of the unit
  name. Reminders of the same kind for the same task and unit form a *thread*
  (the key without the day); a newer one replaces an older one not yet sent.
- `due(…, now)` returns only the latest due reminder of each thread whose
  validity has not ended: after a week of downtime each task gets one catch-up
  per kind, not the whole missed series. Validity: window_opens, nudge and
  closing_soon end when the window ends; meeting reminders end when the
  meeting's day begins; overdue does not end while the task is open.
- Catch-up sends only what is still useful (`due_and_stale`): a window_opens
  mail only while the window is young (before WINDOW_YOUNG_WORKING_DAYS
  working days after it opened and before a third of the window has passed,
  whichever comes first: later, the closing reminders carry the message and
  "the window has opened" months after the fact misleads the unit); a nudge
  only until its next step would have come (a "nothing in 14 days" mail a
  month late is wrong) and only while no closing_soon / overdue of the same
  task and unit is current (that newer mail says more). Stale reminders are
  returned apart so the caller records them as skipped, never sent later.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property
from typing import Any

from tracker.clock import BANGKOK
from tracker.errors import InvalidInput
from tracker.reminders import invitations, kinds
from tracker.reminders.workdays import WorkCalendar
from tracker.services.tasks import OUTCOME_FIELDS

KINDS = tuple(kinds.KINDS)  # their table: reminders/kinds.py


@dataclass(frozen=True)
class Policy:
    """The reminder rules; build it from the config with `Policy.from_settings`."""

    hour: time = time(8, 30)
    window_opens: bool = True
    nudge_every_days: int = 14
    before_close: tuple[int, ...] = (14, 7, 3, 1)
    before_checkpoint: int = 3
    overdue_repeat_days: int = 7
    coordinator: tuple[str, ...] = ()
    coordinator_after: int = 5
    executive: tuple[str, ...] = ()
    executive_after: int = 15
    summary_weekday: int = 1
    before_meeting: tuple[int, ...] = (10, 3)
    meeting_day_before: bool = True
    unknown_meeting_day: int = 15
    digest: bool = True
    season_grace_days: int = 30
    local_holidays: tuple[date, ...] = ()
    lang: str = "th"
    digits: str = "arabic"
    templates: str | None = None
    report_format: str = "html"
    sweep_seconds: float = 60.0
    batch: int = 100
    lease_seconds: float = 300.0

    @cached_property
    def calendar(self) -> WorkCalendar:
        return WorkCalendar(self.local_holidays)

    def at(self, day: date) -> datetime:
        """The moment a reminder of `day` falls due."""
        return datetime.combine(day, self.hour, BANGKOK)

    @classmethod
    def known_keys(cls) -> tuple[str, ...]:
        """The keys a `[reminders]` table may hold."""
        return tuple(k for k in cls.__dataclass_fields__ if k != "calendar")

    @classmethod
    def from_settings(cls, values: Mapping[str, Any]) -> Policy:
        """Read the `[reminders]` table; a bad value is an error that names its key."""
        unknown = sorted(set(values) - set(cls.known_keys()))
        if unknown:
            raise InvalidInput(f"[reminders]: ไม่รู้จักค่า {', '.join(unknown)} (unknown key(s))")
        kw: dict[str, Any] = {}
        for key, value in values.items():
            kw[key] = _convert(key, value)
        return cls(**kw)


def _convert(key: str, value: Any) -> Any:
    from tracker import thai

    def bad(expected_th: str, expected_en: str) -> InvalidInput:
        return InvalidInput(f"[reminders] {key}: ต้องเป็น{expected_th} ไม่ใช่ {value!r} (expected {expected_en})")

    if key == "hour":
        try:
            return thai.parse_time(str(value))
        except InvalidInput:
            raise bad('เวลา เช่น "08:30"', 'a time such as "08:30"') from None
    if key in ("window_opens", "meeting_day_before", "digest"):
        if not isinstance(value, bool):
            raise bad(" true หรือ false", "true or false")
        return value
    if key in ("nudge_every_days", "overdue_repeat_days", "unknown_meeting_day", "batch",
               "season_grace_days", "before_checkpoint", "coordinator_after", "executive_after",
               "summary_weekday"):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise bad("จำนวนเต็มตั้งแต่ 0", "a whole number ≥ 0")
        if key == "unknown_meeting_day" and not 1 <= value <= 28:
            raise bad("วันที่ 1 ถึง 28 ของเดือน", "a day of the month from 1 to 28")
        if key == "batch" and value < 1:
            raise bad("จำนวนเต็มตั้งแต่ 1", "a whole number ≥ 1")
        if key == "summary_weekday" and value > 7:
            raise bad("วันในสัปดาห์ 1 (จันทร์) ถึง 7 หรือ 0", "an ISO weekday 1 (Monday) to 7, or 0")
        return value
    if key in ("coordinator", "executive"):
        names = [value] if isinstance(value, str) else value
        if not isinstance(names, list) or not all(isinstance(v, str) and v.strip() for v in names):
            raise bad('อีเมลหรือชื่อหน่วยงาน เช่น ["สำนักปลัดฯ"]', 'addresses or unit names, e.g. ["สำนักปลัดฯ"]')
        from tracker.services.units import check_email

        return tuple(check_email(v) if "@" in v else " ".join(v.split()) for v in names)
    if key in ("sweep_seconds", "lease_seconds"):
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise bad("จำนวนวินาทีที่มากกว่า 0", "a number of seconds > 0")
        return float(value)
    if key in ("before_close", "before_meeting"):
        if not isinstance(value, list) or not all(
            isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in value
        ):
            raise bad("รายการจำนวนเต็มตั้งแต่ 1 เช่น [14, 7, 3, 1]",
                      "a list of whole numbers ≥ 1, e.g. [14, 7, 3, 1]")
        return tuple(sorted(set(value), reverse=True))
    if key == "local_holidays":
        if not isinstance(value, list):
            raise bad('รายการวันที่ เช่น ["2023-05-05"]', 'a list of dates, e.g. ["2023-05-05"]')
        try:
            return tuple(v if isinstance(v, date) else thai.parse_date(str(v)) for v in value)
        except InvalidInput as exc:
            raise InvalidInput(f"[reminders] local_holidays: {exc}") from None
    if key == "lang":
        if value not in ("th", "en"):
            raise bad(' "th" หรือ "en"', '"th" or "en"')
        return value
    if key == "digits":
        if value not in ("arabic", "thai"):
            raise bad(' "arabic" หรือ "thai"', '"arabic" or "thai"')
        return value
    if key == "templates":
        return str(value) if value else None
    if key == "report_format":
        if value not in ("html", "pdf", "md", "text", "none"):
            raise bad(" html, pdf, md, text หรือ none", "html, pdf, md, text or none")
        return value
    raise bad("ค่าที่รู้จัก", "a known value")  # pragma: no cover - from_settings filters keys


@dataclass(frozen=True)
class Reminder:
    """One reason to write to someone, at one moment."""

    key: str
    kind: str
    on: date  # the working day it falls due
    at: datetime  # `on` at the policy's hour, Asia/Bangkok
    organisation: str
    task_id: int | None = None
    meeting_id: int | None = None
    unit: str | None = None  # None: the meeting's attendees
    expires: datetime | None = None  # not worth sending from this moment on
    detail: Mapping[str, Any] = field(default_factory=dict)

    @property
    def thread(self) -> str:
        """Reminders that replace one another: the key without the day."""
        kind, scope, _day, *rest = self.key.split(":")
        return ":".join([kind, scope, *rest])


@functools.lru_cache(maxsize=4096)  # an organisation has a dozen units; keys are made per reminder
def unit_tag(unit: str) -> str:
    """A short, ASCII, stable stand-in for a (Thai) unit name inside keys."""
    norm = " ".join(unit.split())
    return hashlib.blake2s(norm.encode("utf-8"), digest_size=5).hexdigest()


def make_key(kind: str, scope: str, on: date, unit: str | None) -> str:
    parts = [kind, scope, on.isoformat()]
    if unit is not None:
        parts.append(unit_tag(unit))
    return ":".join(parts)


def meeting_day(
    month: str, held_on: str | None, policy: Policy
) -> tuple[date, bool]:
    """The meeting's day and whether it is assumed (only its month is known)."""
    if held_on:
        return date.fromisoformat(held_on), False
    year, mon = (int(x) for x in month.split("-"))
    guess = date(year, mon, policy.unknown_meeting_day)
    return policy.calendar.next_working_day(guess), True


def _done_by(task: Mapping[str, Any], moment: datetime) -> bool:
    done = task.get("done_at")
    return bool(done) and datetime.fromisoformat(str(done)) <= moment


def midnight(day: date) -> datetime:
    """The start of `day` in Bangkok (when a day's validity ends)."""
    return datetime.combine(day, time(0), BANGKOK)


@functools.lru_cache(maxsize=4096)  # a plan names its few units over and over
def _clean_owners(owners: tuple[Any, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(" ".join(str(o).split()) for o in owners))


def _quiet(on: date, *, policy: Policy, activity: datetime | None) -> bool:
    """"Nothing recorded in the last N days" as seen on the nudge's day: work
    recorded later does not undo a nudge already due."""
    moment = policy.at(on)
    return activity is None or activity <= moment - timedelta(days=policy.nudge_every_days) \
        or activity > moment


def nudge_days(start: date, end: date, policy: Policy, *, until: date, before: date,
               quiet: Callable[[date], bool]) -> Iterator[date]:
    """Every nudge of a window up to `until`, oldest first (the rule stated
    plainly): every N days from the start while the window runs, moved to the
    next working day, before the first closing reminder (`before`), when
    nothing was recorded in the N days before."""
    step = timedelta(days=policy.nudge_every_days)
    base = start + step
    while base <= end:
        on = policy.calendar.next_working_day(base)
        if on >= before or on > until:
            return  # the days only grow from here
        if quiet(on):
            yield on
        base += step


def latest_nudge(start: date, end: date, policy: Policy, *, until: date, before: date,
                 quiet: Callable[[date], bool]) -> date | None:
    """The last of `nudge_days`, found from `until` back instead of from the
    start: the step whose day would come first at or before the last day it
    may have, then back only past the few steps that a holiday moved beyond it
    or that recent work kept quiet (a window's last nudge in September costs
    what the first did in October)."""
    step = policy.nudge_every_days
    last_base = min(end, until, before - timedelta(days=1))
    j = (last_base - start).days // step
    while j >= 1:
        on = policy.calendar.next_working_day(start + timedelta(days=step * j))
        if on <= until and on < before and quiet(on):
            return on
        j -= 1
    return None


def task_schedule(
    task: Mapping[str, Any],
    policy: Policy,
    *,
    until: date,
    activity: datetime | None = None,
    latest_only: bool = False,
    valid_at: datetime | None = None,
) -> list[Reminder]:
    """Every reminder the policy gives this task up to `until` (its done state aside).

    `latest_only`: of each series (nudges, closing reminders, overdue repeats)
    only its last step up to `until` — all `due` can use, since a newer step
    replaces an older one of its thread. The daily run then builds a handful
    of reminders a task whatever the day of the season, instead of the whole
    history so far (which grew with every week a task is overdue).
    `valid_at`: leave out what has expired by then (`due` would drop it).
    """
    if task.get("status") == "cancelled":
        return []
    cal = policy.calendar
    start, end = date.fromisoformat(task["start"]), date.fromisoformat(task["end"])
    org = str(task["plan"]["organisation"])
    tid = int(task["id"])
    scope = f"t{tid}"
    window_end = midnight(end + timedelta(days=1))
    owners = _clean_owners(tuple(task.get("owners") or ()))
    out: list[Reminder] = []

    seen_days: set[tuple[str, date]] = set()

    def add(kind: str, on: date, expires: datetime | None, **detail: Any) -> None:
        # Two steps can land on the same working day (a Saturday and a Sunday
        # both move to Monday): one reminder, not two.
        if on > until or (kind, on) in seen_days:
            return
        if valid_at is not None and expires is not None and expires <= valid_at:
            return
        seen_days.add((kind, on))
        for unit in owners:
            out.append(
                Reminder(
                    key=make_key(kind, scope, on, unit), kind=kind, on=on, at=policy.at(on),
                    organisation=org, task_id=tid, unit=unit, expires=expires,
                    meeting_id=(task.get("meeting") or {}).get("id"), detail=dict(detail),
                )
            )

    window_live = valid_at is None or window_end > valid_at
    opens = cal.next_working_day(start) if window_live else start
    if policy.window_opens and window_live and opens <= min(end, until):
        add("window_opens", opens, window_end, start=start.isoformat(), end=end.isoformat(),
            young_until=window_young_until(opens, start, end, policy).isoformat())

    before_close = policy.before_close if window_live else ()
    closing = sorted({cal.working_days_before(end, n): n for n in before_close}.items())
    closing = [(d, n) for d, n in closing if opens < d <= end]
    first_closing = closing[0][0] if closing else end + timedelta(days=1)

    if policy.nudge_every_days and window_live:
        quiet = functools.partial(_quiet, policy=policy, activity=activity)
        if latest_only:
            last = latest_nudge(start, end, policy, until=until, before=first_closing, quiet=quiet)
            nudges = [] if last is None else [last]
        else:
            nudges = list(nudge_days(start, end, policy, until=until, before=first_closing, quiet=quiet))
        for on in nudges:
            add("nudge", on, window_end, end=end.isoformat(), every=policy.nudge_every_days)

    reached = [(on, n) for on, n in closing if on <= until]
    for on, n in reached[-1:] if latest_only else closing:
        add("closing_soon", on, window_end, days_left=n, end=end.isoformat())

    # A recurring measure's checkpoints inside the window (its last day is the
    # closing reminders'): one thread, each checkpoint's step replacing the last.
    if policy.before_checkpoint and window_live:
        marks = {d for d in (date.fromisoformat(str(c)) for c in task.get("checkpoints") or ())
                 if start <= d < end}
        steps = sorted((cal.working_days_before(c, policy.before_checkpoint), c) for c in marks)
        steps = [(on, c) for on, c in steps if opens < on]
        due_steps = [(on, c) for on, c in steps if on <= until]
        for on, c in due_steps[-1:] if latest_only else steps:
            add("checkpoint", on, window_end, checkpoint=c.isoformat(), end=end.isoformat())

    # Overdue repeats count from the day after the window, not from the moved
    # working day, so a holiday never shifts the rest of the series.
    first_base = end + timedelta(days=1)
    k = 0
    if latest_only and policy.overdue_repeat_days and until > first_base:
        # A step falls on or before `until` exactly when its base is on or
        # before the last working day up to `until`: start at that step.
        last_working = cal.previous_working_day(until, inclusive=True)
        k = max(0, (last_working - first_base).days // policy.overdue_repeat_days)
    overdue: list[tuple[date, int]] = []  # with latest_only, the last step alone
    while True:
        on = cal.next_working_day(first_base + timedelta(days=policy.overdue_repeat_days * k))
        if on > until:
            break
        if latest_only:
            overdue = [(on, k)]
        else:
            overdue.append((on, k))
        if not policy.overdue_repeat_days:
            break
        k += 1
    for on, k in overdue:
        add("overdue", on, None, end=end.isoformat(), days_late=(on - end).days, first=k == 0)

    # Escalation: on the n-th working day overdue, then with every overdue
    # reminder after it, the coordinator (and later the executive) is told.
    for kind, after, who in (("to_coordinator", policy.coordinator_after, policy.coordinator),
                             ("to_executive", policy.executive_after, policy.executive)):
        if not who or not after:
            continue
        crossing = cal.working_days_after(end, after)
        later = [on for on, _k in overdue if on > crossing]
        for on in ([later[-1]] if later else [crossing]) if latest_only else [crossing, *later]:
            add(kind, on, None, end=end.isoformat(), days_late=(on - end).days)

    meeting = task.get("meeting")
    if meeting and policy.before_meeting and not meeting.get("cancelled_at"):
        day, assumed = meeting_day(str(meeting["month"]), meeting.get("date"), policy)
        if valid_at is not None and midnight(day) <= valid_at:
            return out  # the meeting is over: its requests have expired
        missing = [f for f in OUTCOME_FIELDS if not str((task.get("outcome") or {}).get(f) or "").strip()]
        if missing:
            for n in policy.before_meeting:
                on = cal.working_days_before(day, n)
                add(
                    "meeting_outcome_request", on, midnight(day),
                    missing=missing, meeting_date=day.isoformat(), assumed=assumed, days_left=n,
                    meeting_title=str(meeting.get("title") or ""),
                )
    return out


def meeting_schedule(
    meeting: Mapping[str, Any], policy: Policy, *, until: date
) -> list[Reminder]:
    """The day-before mail of one meeting (to its attendees), if the policy wants it."""
    if not policy.meeting_day_before or not meeting.get("tasks") or meeting.get("cancelled_at"):
        return []
    day, assumed = meeting_day(str(meeting["month"]), meeting.get("date"), policy)
    on = policy.calendar.previous_working_day(day)
    if on > until:
        return []
    mid = int(meeting["id"])
    return [
        Reminder(
            key=make_key("meeting_tomorrow", f"m{mid}", on, None), kind="meeting_tomorrow", on=on,
            at=policy.at(on), organisation=str(meeting["organisation"]), meeting_id=mid,
            expires=midnight(day),
            detail={"meeting_date": day.isoformat(), "assumed": assumed,
                    "meeting_title": str(meeting.get("title") or "")},
        )
    ]


def summary_schedule(organisation: str, policy: Policy, *, until: date) -> list[Reminder]:
    """The coordinator's weekly summary of one organisation: the latest one
    due by `until` (the first working day from the week's `summary_weekday`),
    good until the next week's; none without a coordinator."""
    if not policy.coordinator or not policy.summary_weekday:
        return []
    week = until - timedelta(days=(until.isoweekday() - policy.summary_weekday) % 7)
    for start in (week, week - timedelta(days=7)):
        on = policy.calendar.next_working_day(start)
        if on <= until:
            scope = f"o{unit_tag(organisation)}"
            return [Reminder(key=make_key("weekly_summary", scope, on, None), kind="weekly_summary", on=on,
                             at=policy.at(on), organisation=organisation,
                             expires=midnight(start + timedelta(days=7)),
                             detail={"week": start.isoformat()})]
    return []  # pragma: no cover - a week always has a working day by the next week's start


def due(
    tasks: Iterable[Mapping[str, Any]],
    meetings: Iterable[Mapping[str, Any]],
    policy: Policy,
    now: datetime,
    *,
    activity: Mapping[int, datetime] | None = None,
    organisations: Iterable[str] = (),
) -> list[Reminder]:
    """The reminders due at `now`: the latest of each thread, still valid and
    still useful, for tasks not done by `now`, and the weekly summaries of
    `organisations`. Sorted by time, then key."""
    return due_and_stale(tasks, meetings, policy, now, activity=activity, organisations=organisations)[0]


def due_until(policy: Policy, now: datetime) -> date:
    """The last day whose reminders have fallen due by `now`: with only the
    latest step of each series built, a step due later today must not hide
    yesterday's."""
    today = now.astimezone(BANGKOK).date()
    return today if policy.at(today) <= now else today - timedelta(days=1)


def due_and_stale(
    tasks: Iterable[Mapping[str, Any]],
    meetings: Iterable[Mapping[str, Any]],
    policy: Policy,
    now: datetime,
    *,
    activity: Mapping[int, datetime] | None = None,
    organisations: Iterable[str] = (),
) -> tuple[list[Reminder], list[tuple[Reminder, str]]]:
    """`due` and, apart, the latest reminders that went stale unsent, each with
    its reason (to be recorded as skipped)."""
    until = due_until(policy, now)
    candidates: list[Reminder] = []
    for organisation in sorted(set(organisations)):
        candidates += summary_schedule(organisation, policy, until=until)
    for task in tasks:
        if _done_by(task, now):
            continue
        act = (activity or {}).get(int(task["id"]))
        candidates += task_schedule(task, policy, until=until, activity=act, latest_only=True, valid_at=now)
    for meeting in meetings:
        candidates += meeting_schedule(meeting, policy, until=until)
        candidates += invitations.invitations(meeting, now)
    latest: dict[str, Reminder] = {}
    for r in candidates:
        if r.at > now or (r.expires is not None and r.expires <= now):
            continue
        held = latest.get(r.thread)
        if held is None or r.at > held.at:
            latest[r.thread] = r
    ordered = sorted(latest.values(), key=lambda r: (r.at, r.key))
    # what may supersede a nudge, by task and unit: a scan of the whole batch
    # for every nudge made October's run quadratic in the tasks of a batch
    rivals: dict[tuple[int | None, str | None], list[Reminder]] = {}
    for r in ordered:
        if r.kind in SUPERSEDES_NUDGE:
            rivals.setdefault((r.task_id, r.unit), []).append(r)
    current: list[Reminder] = []
    stale: list[tuple[Reminder, str]] = []
    for r in ordered:
        why = stale_reason(r, rivals.get((r.task_id, r.unit), ()), policy, now)
        if why is None:
            current.append(r)
        else:
            stale.append((r, why))
    return current, stale


WINDOW_YOUNG_WORKING_DAYS = 5
SUPERSEDES_NUDGE = ("closing_soon", "overdue")


def window_young_until(opens: date, start: date, end: date, policy: Policy) -> datetime:
    """Until when a window-opened mail is still news (see the module docstring)."""
    by_days = policy.calendar.working_days_after(opens, WINDOW_YOUNG_WORKING_DAYS)
    by_third = start + timedelta(days=max(1, ((end - start).days + 1) // 3))
    # never before the day after opening: a short window opening on a Monday
    # after a weekend start still gets its one mail
    return midnight(max(min(by_days, by_third), opens + timedelta(days=1)))


def stale_reason(r: Reminder, current: Sequence[Reminder], policy: Policy, now: datetime) -> str | None:
    """Why a due reminder is no longer worth sending at `now`, or None
    (`current`: the other due reminders, or at least those of its task and unit)."""
    if r.kind == "window_opens":
        young = r.detail.get("young_until")
        if young and datetime.fromisoformat(str(young)) <= now:
            return "stale: the window is no longer new"
    if r.kind == "nudge":
        if r.at + timedelta(days=policy.nudge_every_days) <= now:
            return "stale: a newer nudge period has begun"
        for c in current:
            if (c.task_id == r.task_id and c.unit == r.unit and c.kind in SUPERSEDES_NUDGE
                    and c.at >= r.at):
                return f"superseded by {c.key}"
    return None


def describe(reminders: Sequence[Reminder]) -> list[dict[str, Any]]:
    """Reminders as plain JSON-able rows (for --json and tests)."""
    return [
        {
            "key": r.key, "kind": r.kind, "at": r.at.isoformat(), "task_id": r.task_id,
            "meeting_id": r.meeting_id, "unit": r.unit, "organisation": r.organisation,
        }
        for r in reminders
    ]
