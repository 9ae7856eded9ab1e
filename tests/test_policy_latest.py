"""The daily run builds only the latest step of each reminder series; what it
decides must be exactly what the whole history would give (issue: a province's
day costs what is due that day)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.clock import BANGKOK
from tracker.reminders.policy import (
    KINDS,
    Policy,
    Reminder,
    due_and_stale,
    meeting_schedule,
    stale_reason,
    task_schedule,
)

ORG = "เทศบาลตำบลบางจะเกร็ง"
SEASON = date(2022, 10, 1)


def make_task(tid: int, start: date, length: int, owners: int, meeting: date | None, done: datetime | None
              ) -> dict[str, Any]:
    # every second task recurs: a checkpoint each month of its window (the
    # plan reader's "ทุกเดือน"), its last one the window's own last day
    end = start + timedelta(days=length)
    checkpoints = [] if tid % 2 else [
        (start + timedelta(days=k)).isoformat() for k in range(29, length, 30)] + [end.isoformat()]
    return {
        "checkpoints": checkpoints,
        "id": tid, "number": str(tid), "title": f"มาตรการที่ {tid}",
        "start": start.isoformat(), "end": (start + timedelta(days=length)).isoformat(),
        "owners": [f"กอง {i}" for i in range(owners)], "status": "in_progress",
        "done_at": done.isoformat() if done else None, "progress": 10,
        "plan": {"organisation": ORG, "fiscal_year": 2566, "id": 1},
        "meeting": {"id": 1, "title": "ประชุม", "month": "2023-09",
                    "date": meeting.isoformat() if meeting else None},
        "outcome": {"result": "", "problems": "", "obstacles": "", "suggestions": ""},
    }


def whole_history(tasks: list[dict[str, Any]], policy: Policy, now: datetime) -> set[str]:
    """The rule stated plainly: of everything scheduled up to today, the latest
    of each thread that has fallen due and not expired."""
    latest: dict[str, Reminder] = {}
    for t in tasks:
        if t["done_at"] and datetime.fromisoformat(t["done_at"]) <= now:
            continue
        for r in task_schedule(t, policy, until=now.date()):
            if r.at > now or (r.expires is not None and r.expires <= now):
                continue
            if r.thread not in latest or r.at > latest[r.thread].at:
                latest[r.thread] = r
    return {r.key for r in latest.values()}


days = st.integers(min_value=0, max_value=420)


@settings(max_examples=300, deadline=None)
@given(
    specs=st.lists(
        st.tuples(days, st.integers(0, 200), st.integers(1, 3), st.none() | days, st.none() | days),
        min_size=1, max_size=4,
    ),
    today=days,
    minute=st.integers(0, 24 * 60 - 1),
    nudge=st.sampled_from([0, 7, 14]),
    repeat=st.sampled_from([0, 1, 7, 14]),
    before=st.sampled_from([(), (1,), (14, 7, 3, 1), (30, 2)]),
)
def test_latest_steps_decide_what_the_whole_history_decides(
    specs: list[tuple[int, int, int, int | None, int | None]], today: int, minute: int,
    nudge: int, repeat: int, before: tuple[int, ...],
) -> None:
    policy = Policy(nudge_every_days=nudge, overdue_repeat_days=repeat, before_close=before)
    now = datetime.combine(SEASON + timedelta(days=today), time(0), BANGKOK) + timedelta(minutes=minute)
    tasks = [
        make_task(
            i + 1, SEASON + timedelta(days=s), n, owners,
            SEASON + timedelta(days=m) if m is not None else None,
            datetime.combine(SEASON + timedelta(days=d), time(10), BANGKOK) if d is not None else None,
        )
        for i, (s, n, owners, m, d) in enumerate(specs)
    ]
    current, stale = due_and_stale(tasks, [], policy, now)
    assert {r.key for r in current} | {r.key for r, _ in stale} == whole_history(tasks, policy, now)


def replayed(tasks: list[dict[str, Any]], meetings: list[dict[str, Any]], policy: Policy,
             now: datetime, activity: dict[int, datetime]) -> tuple[list[str], list[str]]:
    """What is due at `now` by replaying every task's whole schedule from the
    start of its window (the rule stated plainly), split as `due_and_stale`
    splits it: (current keys, stale keys), each sorted by time, then key."""
    latest: dict[str, Reminder] = {}
    every = [r for t in tasks if not (t["done_at"] and datetime.fromisoformat(t["done_at"]) <= now)
             for r in task_schedule(t, policy, until=now.date(), activity=activity.get(t["id"]))]
    every += [r for m in meetings for r in meeting_schedule(m, policy, until=now.date())]
    for r in every:
        if r.at > now or (r.expires is not None and r.expires <= now):
            continue
        if r.thread not in latest or r.at > latest[r.thread].at:
            latest[r.thread] = r
    ordered = sorted(latest.values(), key=lambda r: (r.at, r.key))
    current, stale = [], []
    for r in ordered:
        (current if stale_reason(r, ordered, policy, now) is None else stale).append(r.key)
    return current, stale


def season_of(specs: list[tuple[int, int, int, int | None, int | None, list[int]]],
              meeting_days: list[int | None]) -> tuple[list[dict[str, Any]], list[dict[str, Any]],
                                                       dict[int, list[datetime]]]:
    """Tasks, their meetings (some with a day, some known only by their month)
    and the moments work was recorded on each task."""
    meetings = []
    for i, day in enumerate(meeting_days):
        month = (SEASON + timedelta(days=31 * i + 40)).isoformat()[:7]
        meetings.append({"id": i + 1, "title": f"ประชุมครั้งที่ {i + 1}", "month": month,
                         "date": (SEASON + timedelta(days=day)).isoformat() if day is not None else None,
                         "organisation": ORG, "tasks": 1})
    tasks, activity = [], {}
    for i, (start, length, owners, meeting, done, work) in enumerate(specs):
        t = make_task(i + 1, SEASON + timedelta(days=start), length, owners, None,
                      datetime.combine(SEASON + timedelta(days=done), time(10), BANGKOK)
                      if done is not None else None)
        m = meetings[meeting % len(meetings)] if meeting is not None and meetings else None
        t["meeting"] = None if m is None else {k: m[k] for k in ("id", "title", "month", "date")}
        tasks.append(t)
        activity[i + 1] = sorted(datetime.combine(SEASON + timedelta(days=d), time(11), BANGKOK)
                                 for d in work)
    return tasks, meetings, activity


@settings(max_examples=40, deadline=None)
@given(
    specs=st.lists(
        st.tuples(st.integers(0, 330), st.integers(0, 150), st.integers(1, 2), st.none() | st.integers(0, 5),
                  st.none() | days, st.lists(st.integers(0, 365), max_size=4)),
        min_size=1, max_size=4,
    ),
    meeting_days=st.lists(st.none() | st.integers(20, 380), max_size=3),
    minute=st.integers(0, 24 * 60 - 1),
    nudge=st.sampled_from([0, 1, 7, 14]),
    repeat=st.sampled_from([0, 1, 7]),
    before=st.sampled_from([(), (1,), (14, 7, 3, 1), (30, 2)]),
    meeting_before=st.sampled_from([(), (10, 3), (1,)]),
    opens=st.booleans(),
    local=st.lists(st.integers(0, 365), max_size=5),
    escalate=st.sampled_from([(0, 0), (1, 2), (5, 15), (3, 0)]),
    checkpoint=st.sampled_from([0, 1, 3]),
)
def test_every_day_of_a_season_the_direct_rules_give_what_replaying_gives(
    specs: list[tuple[int, int, int, int | None, int | None, list[int]]], meeting_days: list[int | None],
    minute: int, nudge: int, repeat: int, before: tuple[int, ...], meeting_before: tuple[int, ...],
    opens: bool, local: list[int], escalate: tuple[int, int], checkpoint: int,
) -> None:
    """Day by day over a whole season (every kind, activity recorded along the
    way, tasks done, holidays of the organisation's own): the run that builds
    only each series' latest step, computed from the day itself, decides
    exactly what replaying each task's whole schedule decides."""
    policy = Policy(nudge_every_days=nudge, overdue_repeat_days=repeat, before_close=before,
                    before_meeting=meeting_before, window_opens=opens,
                    local_holidays=tuple(SEASON + timedelta(days=d) for d in local),
                    coordinator=("สำนักปลัดฯ",), coordinator_after=escalate[0],
                    executive=("mayor@example.go.th",), executive_after=escalate[1],
                    before_checkpoint=checkpoint)
    tasks, meetings, work = season_of(specs, meeting_days)
    moment = datetime.combine(SEASON, time(0), BANGKOK) + timedelta(minutes=minute)
    for day in range(400):
        now = moment + timedelta(days=day)
        activity = {tid: max(w for w in ws if w <= now) for tid, ws in work.items()
                    if any(w <= now for w in ws)}
        current, stale = due_and_stale(tasks, meetings, policy, now, activity=activity)
        assert ([r.key for r in current], [r.key for r, _ in stale]) == replayed(
            tasks, meetings, policy, now, activity), now


def test_a_season_of_the_property_test_reaches_every_kind() -> None:
    """The property above is not vacuous: one season of its kind of plan
    reaches every kind of reminder, and stale ones too."""
    policy = Policy(nudge_every_days=7, coordinator=("clerk@example.go.th",), executive=("ผู้บริหาร",))
    tasks, meetings, work = season_of(
        [(0, 60, 1, 0, None, [30]), (40, 100, 2, 1, 200, []), (90, 20, 1, None, None, [95, 120])],
        [None, 75])
    kinds: set[str] = set()
    stale_kinds: set[str] = set()
    for day in range(400):
        now = datetime.combine(SEASON + timedelta(days=day), time(9), BANGKOK)
        activity = {tid: max(w for w in ws if w <= now) for tid, ws in work.items()
                    if any(w <= now for w in ws)}
        current, stale = due_and_stale(tasks, meetings, policy, now, activity=activity, organisations=[ORG])
        kinds |= {r.kind for r in current}
        stale_kinds |= {r.kind for r, _ in stale}
    # every kind the daily rules make (an invitation is queued when its meeting
    # changes, by reminders/invitations.py: tests/test_invitations.py)
    assert kinds == set(KINDS) - {"meeting_invitation"}
    assert stale_kinds == {"window_opens", "nudge"}


def test_a_task_overdue_all_season_builds_a_handful_of_reminders() -> None:
    policy = Policy(overdue_repeat_days=1)
    t = make_task(1, date(2022, 10, 1), 10, 1, None, None)
    full = task_schedule(t, policy, until=date(2023, 9, 29))
    latest = task_schedule(t, policy, until=date(2023, 9, 29), latest_only=True)
    assert len(full) > 200  # every working day overdue since October
    assert len(latest) <= 5
    assert max(r.on for r in latest if r.kind == "overdue") == max(r.on for r in full if r.kind == "overdue")


def test_a_step_later_today_does_not_hide_yesterdays() -> None:
    # 07:00, before the 08:30 hour: yesterday's overdue is still the one due
    policy = Policy(overdue_repeat_days=1)
    t = make_task(1, date(2023, 1, 2), 10, 1, None, None)
    morning = datetime(2023, 2, 7, 7, 0, tzinfo=BANGKOK)
    current, _ = due_and_stale([t], [], policy, morning)
    assert [r.on for r in current if r.kind == "overdue"] == [date(2023, 2, 6)]


def test_batches_follow_tasks_not_plans() -> None:
    from tracker.reminders.run import batches

    plans = [{"id": i, "n": n} for i, n in enumerate([3000, 1500, 1000, 9000, 10, 10])]
    got = [[p["id"] for p in chunk] for chunk in batches(plans, 5000)]  # type: ignore[arg-type]
    assert got == [[0, 1], [2], [3], [4, 5]]
    assert [p["id"] for chunk in batches(plans, 5000) for p in chunk] == list(range(6))  # type: ignore[arg-type]
