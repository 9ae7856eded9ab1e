"""Which tasks the daily reminder run looks at, and how far it has decided.

At a province's scale (80,000 tasks) looking at every open task every day
made the late season cost several times its first day: by September nearly
every task is overdue, and each one was rebuilt, keyed and looked up in the
outbox only to find its reminder queued days before. So the run keeps a mark
per plan (table `reminder_marks`): every step falling due on a working day
up to `through` has been decided (queued, or recorded as skipped) under the
policy with that fingerprint. The next run skips, in SQL, a task when all of
these hold:

- it has not changed since the marked run (`updated_at`);
- its window is over (window reminders expire with the window);
- its follow-up meeting is over or beyond the horizon of outcome requests;
- no overdue step falls due after `through` and by today: the steps are
  `overdue_repeat_days` apart from the day after the window, each moved to the
  next working day, so a step falls due in (through, until] exactly when its
  base day does.

Everything else is looked at as before, so a run after a week of downtime, a
new or edited plan, or a changed policy catches up exactly as without marks
(tests/test_policy_latest.py replays seasons both ways).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from tracker.clock import BANGKOK
from tracker.db.connection import Database, ts
from tracker.reminders.policy import Policy
from tracker.services.tasks import owners_of


def fingerprint(policy: Policy) -> str:
    """What decides which reminders fall due: a run under another policy ignores the marks."""
    rules = (policy.hour, policy.window_opens, policy.nudge_every_days, policy.before_close,
             policy.overdue_repeat_days, policy.before_meeting, policy.meeting_day_before,
             policy.unknown_meeting_day, policy.local_holidays)
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
    and whose meeting is beyond the horizon; with `use_marks`, the tasks the
    last run has fully decided (module docstring)."""
    in_batch, params = _in_batch(db, plan_ids)
    today = now.astimezone(BANGKOK).date()
    horizon = outcome_horizon(policy, today)
    params |= {"now": ts(now), "today": today.isoformat(), "today_month": today.isoformat()[:7],
               "horizon": horizon.isoformat(), "horizon_month": horizon.isoformat()[:7],
               "until": until.isoformat(), "policy": fingerprint(policy)}
    meeting_soon = (
        "(m.held_on IS NOT NULL AND m.held_on > :today AND m.held_on <= :horizon)"
        " OR (m.held_on IS NULL AND m.month >= :today_month AND m.month <= :horizon_month)"
    )
    maybe = f"t.starts_on <= :today OR {meeting_soon}"
    join_marks = ""
    if use_marks:
        # the day after the window, and how far the mark has decided
        since_base = _days(db, ":until", "t.ends_on") + " - 1"
        new_days = _days(db, ":until", "k.through")
        repeat = policy.overdue_repeat_days
        step_after = (f"({since_base}) % {repeat} < {new_days}" if repeat
                      else f"({since_base}) < {new_days}")
        join_marks = (" LEFT JOIN reminder_marks k ON k.plan_id = t.plan_id AND k.policy = :policy"
                      " AND k.through <= :until AND k.run_at <= :now")
        maybe = (f"({maybe}) AND (k.plan_id IS NULL OR t.updated_at > k.run_at OR t.ends_on >= :today"
                 f" OR {meeting_soon} OR (t.ends_on < :until AND {step_after}))")
    rows = db.rows(
        "SELECT t.id, t.owners, t.starts_on, t.ends_on, t.result, t.problems, t.obstacles,"
        " t.suggestions, o.name, t.meeting_id, m.title, m.month, m.held_on, m.cancelled_at"
        " FROM tasks t JOIN plans p ON p.id = t.plan_id JOIN organisations o ON o.id = p.organisation_id"
        " LEFT JOIN meetings m ON m.id = t.meeting_id" + join_marks +
        f" WHERE {in_batch} AND t.cancelled_at IS NULL AND (t.done_at IS NULL OR t.done_at > :now)"
        f" AND ({maybe}) ORDER BY t.plan_id, t.position",
        params,
    )
    closed = [int(r[0]) for r in db.rows(
        f"SELECT t.id FROM tasks t WHERE {in_batch}"
        " AND (t.cancelled_at IS NOT NULL OR t.done_at IS NOT NULL)", params)]
    out = []
    for (task_id, owners, start, end, result, problems, obstacles, suggestions,
         organisation, meeting_id, meeting_title, month, held_on, meeting_cancelled) in rows:  # fmt: skip
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
        })
    return out, closed


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
