"""Which tasks the daily reminder run looks at, and how far it has decided.

At a province's scale (80,000 tasks) looking at every open task every day
made the late season cost several times its first day: by September nearly
every task is overdue, and each one was rebuilt, keyed and looked up in the
outbox only to find its reminder queued days before. So the run keeps a mark
per plan (table `reminder_marks`): every step falling due on a working day
up to `through` has been decided (queued, or recorded as skipped) under the
policy with that fingerprint, by the run at `run_at`. The next run looks, in
SQL, only at the tasks of a marked plan for which one of these holds:

- it changed since the marked run, or its meeting did (`updated_at`);
- a step of some reminder falls due after `through` and by today: the window
  opens, a nudge, a closing reminder, an overdue repeat, an outcome request.
  Each step's day grows with the task's own date (start, end, meeting day),
  so the tasks with a step in that span are those whose date lies in a span
  worked out on the calendar (`_since_mark`);
- an opening or nudge mail of it still waits unsent and may have gone stale
  since (a run turns those 'skipped').

Nothing else can change what a run decides for a task, so a run after a week
of downtime, a new or edited plan, work recorded, or a changed policy decides
exactly as a run over every task (tests/test_reminder_marks.py runs seasons
both ways; tests/test_policy_latest.py checks the rules computed for the day
against replaying every task's whole schedule).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from tracker.clock import BANGKOK
from tracker.db.connection import Database, from_ts, ts
from tracker.reminders.policy import SUPERSEDES_NUDGE, Policy, meeting_day
from tracker.services.tasks import json_list, owners_of


def fingerprint(policy: Policy) -> str:
    """What decides which reminders fall due: a run under another policy ignores the marks."""
    rules = (policy.hour, policy.window_opens, policy.nudge_every_days, policy.before_close,
             policy.overdue_repeat_days, policy.before_meeting, policy.meeting_day_before,
             policy.unknown_meeting_day, policy.local_holidays, policy.before_checkpoint,
             policy.coordinator, policy.coordinator_after, policy.executive, policy.executive_after)
    return hashlib.sha256(repr(rules).encode()).hexdigest()[:32]


def outcome_horizon(policy: Policy, today: date) -> date:
    """The last meeting day whose outcome requests can be due by `today`: the
    requests go out at most max(before_meeting) working days ahead, and no
    calendar has fewer working days than that in twice as many days plus a month."""
    return today + timedelta(days=2 * max(policy.before_meeting, default=0) + 30)


def _in_batch(db: Database, plan_ids: Sequence[int]) -> tuple[str, dict[str, Any]]:
    ids = [int(p) for p in plan_ids]
    if db.dialect == "postgresql":  # one statement text for any batch
        return "t.plan_id = ANY(:plan_ids)", {"plan_ids": ids}
    return f"t.plan_id IN ({','.join(map(str, ids)) or 'NULL'})", {}


def _days(db: Database, later: str, earlier: str) -> str:
    """SQL for the number of days from the date `earlier` to the date `later`."""
    if db.dialect == "postgresql":
        return f"(CAST({later} AS date) - CAST({earlier} AS date))"
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


def open_tasks(
    db: Database, policy: Policy, *, plan_ids: Sequence[int], now: datetime, until: date,
    use_marks: bool = True,
) -> tuple[list[dict[str, Any]], list[int]]:
    """The open tasks of a batch of plans that may have something due by
    `until`, with only the keys the policy reads (as `to_json` names them),
    and the ids of the batch's closed tasks (their queued mail is cancelled).

    Left out in SQL: tasks closed by `now`; tasks whose window has not opened
    and whose meeting is beyond the horizon; with `use_marks`, the tasks of a
    marked plan with nothing new possible since its mark (module docstring)."""
    in_batch, params = _in_batch(db, plan_ids)
    today = now.astimezone(BANGKOK).date()
    horizon = outcome_horizon(policy, today)
    params |= {"now": ts(now), "today": today.isoformat(), "today_month": today.isoformat()[:7],
               "horizon": horizon.isoformat(), "horizon_month": horizon.isoformat()[:7]}
    meeting_soon = (
        "(m.held_on IS NOT NULL AND m.held_on > :today AND m.held_on <= :horizon)"
        " OR (m.held_on IS NULL AND m.month >= :today_month AND m.month <= :horizon_month)"
    )
    maybe = f"t.starts_on <= :today OR {meeting_soon}"
    if use_marks:
        groups = _marked(db, policy, plan_ids, now=now, until=until)
        unmarked = sorted(set(map(int, plan_ids)) - {p for ids in groups.values() for p in ids})
        choices = []
        if unmarked:
            these, more = _plans(db, unmarked, "unmarked")
            choices.append(f"({these} AND ({maybe}))")
            params |= more
        for i, ((through, run_at), ids) in enumerate(sorted(groups.items())):
            these, more = _plans(db, ids, f"g{i}_plans")
            where, since = _since_mark(db, policy, through=through, run_at=run_at, now=now,
                                       until=until, name=f"g{i}")
            choices.append(f"({these} AND ({where}))")
            params |= more | since
        maybe = " OR ".join(choices) or "1 = 0"
    rows = db.rows(
        "SELECT t.id, t.owners, t.starts_on, t.ends_on, t.result, t.problems, t.obstacles,"
        " t.suggestions, o.name, t.meeting_id, m.title, m.month, m.held_on, m.cancelled_at, t.checkpoints"
        " FROM tasks t JOIN plans p ON p.id = t.plan_id JOIN organisations o ON o.id = p.organisation_id"
        " LEFT JOIN meetings m ON m.id = t.meeting_id"
        f" WHERE {in_batch} AND t.cancelled_at IS NULL AND (t.done_at IS NULL OR t.done_at > :now)"
        f" AND ({maybe}) ORDER BY t.plan_id, t.position",
        params,
    )
    closed = [int(r[0]) for r in db.rows(
        f"SELECT t.id FROM tasks t WHERE {in_batch}"
        " AND (t.cancelled_at IS NOT NULL OR t.done_at IS NOT NULL)", params)]
    out = []
    for (task_id, owners, start, end, result, problems, obstacles, suggestions,
         organisation, meeting_id, meeting_title, month, held_on, meeting_cancelled,
         checkpoints) in rows:  # fmt: skip
        out.append({
            "id": task_id,
            "owners": owners_of(owners),
            "start": start,
            "end": end,
            "plan": {"organisation": organisation},
            "meeting": None if meeting_id is None else {
                "id": meeting_id, "title": meeting_title, "month": month, "date": held_on,
                "cancelled_at": meeting_cancelled},
            "outcome": {"result": result, "problems": problems, "obstacles": obstacles,
                        "suggestions": suggestions},
            "checkpoints": json_list(checkpoints),
        })
    return out, closed


# the predicate of the partial index ix_outbox_may_go_stale, word for word
MAY_GO_STALE = "w.status IN ('pending', 'held') AND w.kind IN ('window_opens', 'nudge')"


def _plans(db: Database, ids: Sequence[int], name: str) -> tuple[str, dict[str, Any]]:
    """`t.plan_id` is one of `ids`; on PostgreSQL one array parameter, so the
    statement text stays the same from batch to batch (SQLAlchemy caches it)."""
    if db.dialect == "postgresql":
        return f"t.plan_id = ANY(:{name})", {name: [int(i) for i in ids]}
    return f"t.plan_id IN ({','.join(str(int(i)) for i in ids)})", {}


def _marked(db: Database, policy: Policy, plan_ids: Sequence[int], *, now: datetime, until: date
            ) -> dict[tuple[date, datetime], list[int]]:
    """The batch's plans with a usable mark, by (through, run_at): after a
    daily run all of them share one."""
    in_batch, params = _in_batch(db, plan_ids)
    groups: dict[tuple[date, datetime], list[int]] = {}
    for plan_id, through, run_at in db.rows(
        "SELECT t.plan_id, t.through, t.run_at FROM reminder_marks t"
        f" WHERE {in_batch} AND t.policy = :policy AND t.through <= :until AND t.run_at <= :now",
        {**params, "policy": fingerprint(policy), "until": until.isoformat(), "now": ts(now)},
    ):
        key = (date.fromisoformat(str(through)[:10]), from_ts(str(run_at)))
        groups.setdefault(key, []).append(int(plan_id))
    return groups


def _since_mark(
    db: Database, policy: Policy, *, through: date, run_at: datetime, now: datetime, until: date,
    name: str,
) -> tuple[str, dict[str, Any]]:
    """SQL true for a task that may have something new since a mark: changed
    since `run_at`, a step of some reminder due in (through, until], or mail
    waiting that may have gone stale since.

    Each step falls on a date that never decreases as the task's own date
    (start, end, meeting day) grows, so the tasks with a step in the range
    are those whose date lies in a range worked out here on the calendar.
    A step moved to the next working day is due in (a, b], a and b working
    days, exactly when the day it was moved from is in (a, b]."""
    cal = policy.calendar
    a = through
    b = cal.previous_working_day(until, inclusive=True)
    new = (b - a).days  # days with a step to decide; 0 when the mark is today's
    p = {f"{name}_{k}": v for k, v in {
        "a": a.isoformat(), "b": b.isoformat(), "run_at": ts(run_at), "now": ts(now)}.items()}

    def bind(key: str, value: Any) -> str:
        p[f"{name}_{key}"] = value
        return f":{name}_{key}"

    A, B, NEW = f":{name}_a", f":{name}_b", bind("new", new)
    cond = [f"t.updated_at > :{name}_run_at", f"m.updated_at > :{name}_run_at"]
    if new:
        if policy.window_opens:
            cond.append(f"(t.starts_on > {A} AND t.starts_on <= {B})")
        if policy.nudge_every_days:  # steps every N days from the start, while the window runs
            n, since = policy.nudge_every_days, _days(db, B, "t.starts_on")
            cond.append(f"(t.ends_on > {A} AND {since} >= {n} AND {since} % {n} < {NEW})")
        for n in policy.before_close:  # the n-th working day before the window's last day
            lo, hi = cal.working_days_after(a, n), cal.working_days_after(b, n)
            cond.append(f"(t.ends_on > {bind(f'c{n}lo', lo.isoformat())}"
                        f" AND t.ends_on <= {bind(f'c{n}hi', hi.isoformat())})")
        # overdue: from the day after the window, every R days (R = 0: once)
        since, r = _days(db, B, "t.ends_on") + " - 1", policy.overdue_repeat_days
        cond.append(f"(t.ends_on < {B} AND ({since}) % {r} < {NEW})" if r
                    else f"(t.ends_on < {B} AND ({since}) < {NEW})")
        for after, who in ((policy.coordinator_after, policy.coordinator),
                           (policy.executive_after, policy.executive)):
            # escalation: the n-th working day after the window's last day is
            # in (a, b] only for a window that ended from the n-th working day
            # before a; later steps are the overdue ones
            if who and after:
                lo = cal.working_days_before(a, after)
                cond.append(f"(t.ends_on >= {bind(f'e{after}lo', lo.isoformat())} AND t.ends_on < {B})")
        if policy.before_checkpoint:  # a recurring measure's steps: few measures have any
            cond.append(f"(t.checkpoints <> '[]' AND t.ends_on > {A})")
        for n in policy.before_meeting:  # the n-th working day before the meeting
            lo, hi = cal.working_days_after(a, n), cal.working_days_after(b, n)
            months = _meeting_months(policy, lo, hi)
            cond.append(f"(m.held_on > {bind(f'm{n}lo', lo.isoformat())}"
                        f" AND m.held_on <= {bind(f'm{n}hi', hi.isoformat())})")
            if months:
                cond.append(f"(m.held_on IS NULL AND m.month >= {bind(f'm{n}first', months[0])}"
                            f" AND m.month <= {bind(f'm{n}last', months[-1])})")
    # A waiting opening or nudge mail turns 'skipped' once stale: the opening
    # when the window is no longer new, a nudge when its period is over or a
    # closing or overdue reminder of its unit came after it. Not only the ones
    # that went stale since the mark: one being sent at the time could not be
    # skipped then, and waits again if the sending failed.
    if policy.window_opens or policy.nudge_every_days:
        period = timedelta(days=policy.nudge_every_days)
        later = ", ".join(f"'{k}'" for k in SUPERSEDES_NUDGE)
        cond.append(
            f"EXISTS (SELECT 1 FROM outbox w WHERE w.task_id = t.id AND {MAY_GO_STALE}"
            f" AND (w.expires_at IS NULL OR w.expires_at > :{name}_now)"
            f" AND (w.kind = 'window_opens' OR w.due_at <= {bind('nudged', ts(now - period))}"
            f" OR EXISTS (SELECT 1 FROM outbox s WHERE s.task_id = w.task_id AND s.unit = w.unit"
            f" AND s.kind IN ({later}) AND s.due_at >= w.due_at)))")
    return " OR ".join(cond), p


def _meeting_months(policy: Policy, lo: date, hi: date) -> list[str]:
    """The months ("YYYY-MM") whose assumed meeting day (a meeting known only
    by its month) falls in (lo, hi]: a contiguous run, as the day grows with the month."""
    out = []
    month = date(lo.year, lo.month, 1)
    while month <= hi:
        key = month.isoformat()[:7]
        if lo < meeting_day(key, None, policy)[0] <= hi:
            out.append(key)
        month = (month + timedelta(days=32)).replace(day=1)
    return out


def mark(db: Database, policy: Policy, plan_ids: Sequence[int], *, now: datetime, until: date) -> None:
    """Record that these plans are decided up to `until` by the run at `now`
    (in the transaction that stored what it decided)."""
    through = policy.calendar.previous_working_day(until, inclusive=True)
    params = {"through": through.isoformat(), "now": ts(now), "policy": fingerprint(policy)}
    db.executemany(
        "INSERT INTO reminder_marks (plan_id, through, run_at, policy)"
        " VALUES (:plan, :through, :now, :policy)"
        " ON CONFLICT (plan_id) DO UPDATE SET through = excluded.through,"
        " run_at = excluded.run_at, policy = excluded.policy",
        [{"plan": int(p), **params} for p in plan_ids],
    )
