"""The daily run skips what its last run decided (reminders/candidates.py);
what it queues must be exactly what a run looking at every task queues, day
by day over a season, whatever happens between runs: downtime, a plan
imported mid-season, a window edited, a measure done and reopened, a meeting
moved, a changed policy (issue 20)."""

from __future__ import annotations

import dataclasses
import functools
import tempfile
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path

from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from tests.conftest import SAMPLE
from tests.factories import measure, small_plan
from tracker.app import App
from tracker.clock import BANGKOK
from tracker.db.connection import Database, ts
from tracker.plans.model import MeetingRef, Plan
from tracker.reminders import run
from tracker.reminders.policy import Policy
from tracker.services.editing import Edit, edit_task
from tracker.services.importing import import_plan
from tracker.services.meetings import set_meeting
from tracker.services.tasks import mark_done, reopen, set_progress

SEASON = date(2022, 10, 1)


def outbox_state(db: Database) -> list[tuple[str, str]]:
    with db.transaction():
        rows = db.query("SELECT key, status FROM outbox ORDER BY key")
    return [(str(r["key"]), str(r["status"])) for r in rows]


class Twins:
    """The same events on two databases; `plain` forgets the marks before every run."""

    def __init__(self, folder: Path, now: datetime) -> None:
        self.marked = App(now=now, db_url=f"sqlite:///{folder / 'marked.db'}").db
        self.plain = App(now=now, db_url=f"sqlite:///{folder / 'plain.db'}").db

    def both(self, change: Callable[[Database], object]) -> None:
        for db in (self.marked, self.plain):
            with db.transaction():
                change(db)

    def run(self, policy: Policy, now: datetime) -> None:
        with self.plain.transaction():
            self.plain.execute("DELETE FROM reminder_marks")
        run.enqueue_due(self.marked, policy, now)
        run.enqueue_due(self.plain, policy, now)
        assert outbox_state(self.marked) == outbox_state(self.plain), now

    def close(self) -> None:
        self.marked.close()
        self.plain.close()


def plan_of(specs: list[tuple[int, int, int]], organisation: str, fiscal_meeting: int) -> Plan:
    measures = []
    for i, (start, length, month) in enumerate(specs, 1):
        m = measure(str(i), f"มาตรการที่ {i}", start=SEASON + timedelta(days=start),
                    end=SEASON + timedelta(days=start + length))
        year, mon = divmod(9 + (month + fiscal_meeting) % 12, 12)
        meeting = MeetingRef(title=f"ประชุมเดือนที่ {mon + 1}", year=2022 + year, month=mon + 1)
        # every second measure recurs: a checkpoint every 30 days of its window
        checkpoints = () if i % 2 else (*(m.start + timedelta(days=k) for k in range(29, length, 30)), m.end)
        measures.append(dataclasses.replace(m, meeting=meeting, checkpoints=checkpoints))
    return small_plan(*measures, organisation=organisation)


event = st.sampled_from(["none", "none", "edit", "done", "reopen", "meeting", "import", "policy",
                         "progress", "send", "send"])


# no shrinking: a failing season prints as drawn (shrinking one takes minutes)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(
    specs=st.lists(st.tuples(st.integers(0, 300), st.integers(0, 120), st.integers(0, 11)),
                   min_size=1, max_size=4),
    gaps=st.lists(st.tuples(st.integers(1, 9), st.integers(0, 23), event), min_size=5, max_size=30),
    repeat=st.sampled_from([7, 3, 0]),
    first=st.integers(0, 330),
)
# A nudge claimed by a sender when a closing reminder of its unit came after
# it: skipped as superseded by the run after the claim ran out, though its
# period was not over (the run with marks once left it waiting).
@example(specs=[(192, 70, 4)],
         gaps=[(8, 22, "send"), (5, 3, "none"), (1, 21, "import"), (7, 1, "send"), (1, 8, "progress"),
               (2, 3, "done"), (6, 16, "import"), (8, 17, "done")],
         repeat=7, first=223)
def test_a_run_with_marks_queues_what_a_run_over_every_task_queues(
    specs: list[tuple[int, int, int]], gaps: list[tuple[int, int, str]], repeat: int, first: int
) -> None:
    policies = [Policy(overdue_repeat_days=repeat),
                Policy(overdue_repeat_days=repeat or 7, nudge_every_days=7, coordinator=("สำนักปลัดฯ",),
                       coordinator_after=2, executive=("mayor@example.go.th",), executive_after=9)]
    if repeat == 3:  # nudges every other day, closing and meeting series of one step
        policies[1] = Policy(overdue_repeat_days=3, nudge_every_days=2, before_close=(2,),
                             before_meeting=(1,))
    policy = policies[0]
    now = datetime.combine(SEASON + timedelta(days=first), time(7), BANGKOK)
    with tempfile.TemporaryDirectory() as folder:
        twins = Twins(Path(folder), now)
        try:
            twins.both(lambda db: import_plan(db, plan_of(specs, "เทศบาลตำบลหนึ่ง", 0), source="a.txt",
                                              now=now, actor="clerk"))
            for days, hour, what in gaps:
                now += timedelta(days=days, hours=hour)
                if what == "policy":
                    policy = policies[(policies.index(policy) + 1) % 2]
                elif what != "none":
                    twins.both(functools.partial(happen, what=what, n=hour, specs=specs,
                                                 moment=now - timedelta(hours=1)))
                twins.run(policy, now)
        finally:
            twins.close()


def happen(db: Database, *, what: str, n: int, specs: list[tuple[int, int, int]], moment: datetime) -> None:
    """One clerk's action between two runs (`n` picks the measure, meeting or plan)."""
    task_id = 1 + n % len(specs)
    if what == "edit":
        later = Edit(end=_start(db, task_id) + timedelta(days=7 * n))
        edit_task(db, task_id, later, now=moment, actor="clerk")
    elif what == "done" and not _done(db, task_id):
        mark_done(db, task_id, now=moment, actor="clerk")
    elif what == "reopen" and _done(db, task_id):
        reopen(db, task_id, now=moment, actor="clerk")
    elif what == "meeting":
        set_meeting(db, _meeting(db, n), now=moment, actor="clerk", on=moment.date() + timedelta(days=3 * n))
    elif what == "import":
        import_plan(db, plan_of(specs, f"เทศบาลตำบล {n}", n), source=f"{n}.txt", now=moment, actor="clerk")
    elif what == "progress" and not _done(db, task_id):  # work recorded: the nudges count from it
        set_progress(db, task_id, min(99, 10 * n), now=moment, actor="clerk")
    elif what == "send":
        sweep(db, moment, in_flight=n % 3)


def sweep(db: Database, moment: datetime, *, in_flight: int) -> None:
    """What the senders did meanwhile: the older half of the due mail went
    out, and `in_flight` more rows are claimed by a sender still at work over
    the next run (its lease ends a day later; nothing then marks them)."""
    keys = [str(r["key"]) for r in db.query(
        "SELECT key FROM outbox WHERE status IN ('pending', 'held') AND next_attempt_at <= :t"
        " AND (claimed_until IS NULL OR claimed_until <= :t) ORDER BY due_at, key", {"t": ts(moment)})]
    half = len(keys) // 2
    for key in keys[:half]:
        db.execute("UPDATE outbox SET status = 'sent', sent_at = :t, updated_at = :t WHERE key = :k",
                   {"t": ts(moment), "k": key})
    for key in keys[half : half + in_flight]:
        db.execute("UPDATE outbox SET claimed_by = 'elsewhere', claimed_until = :u, updated_at = :t"
                   " WHERE key = :k", {"t": ts(moment), "u": ts(moment + timedelta(days=1)), "k": key})


def _meeting(db: Database, n: int) -> int:
    ids = [int(r["id"]) for r in db.query("SELECT id FROM meetings ORDER BY id")]
    return ids[n % len(ids)]


def _start(db: Database, task_id: int) -> date:
    row = db.query("SELECT starts_on FROM tasks WHERE id = :i", {"i": task_id})[0]
    return date.fromisoformat(str(row["starts_on"]))


def _done(db: Database, task_id: int) -> bool:
    return db.query("SELECT done_at FROM tasks WHERE id = :i", {"i": task_id})[0]["done_at"] is not None


def test_the_sample_season_with_marks_on_each_backend(db_url: str, tmp_path: Path) -> None:
    """Every working morning of the sample's season, both ways, on SQLite and PostgreSQL."""
    from tracker.plans.reader import read_plan

    plan = read_plan(SAMPLE)
    now = datetime(2022, 12, 1, 8, 0, tzinfo=BANGKOK)
    marked = App(now=now, db_url=db_url).db
    plain = App(now=now, db_url=f"sqlite:///{tmp_path / 'plain.db'}").db
    try:
        for db in (marked, plain):
            with db.transaction():
                import_plan(db, plan, source=str(SAMPLE), now=now, actor="clerk")
        day = now
        while day.date() < date(2023, 10, 15):
            day += timedelta(days=1)
            with plain.transaction():
                plain.execute("DELETE FROM reminder_marks")
            for db in (marked, plain):
                run.enqueue_due(db, Policy(), day.replace(hour=9))
            assert outbox_state(marked) == outbox_state(plain), day
        with marked.transaction():
            assert marked.query("SELECT COUNT(*) AS n FROM reminder_marks")[0]["n"] == 1
    finally:
        marked.close()
        plain.close()


def test_a_nudge_that_went_stale_while_being_sent_is_skipped_once_the_sender_lets_go(
    tmp_path: Path,
) -> None:
    """A nudge queued, claimed by a sender that hangs, stale a week later
    (work was recorded, so no newer nudge replaces it) while still claimed;
    when the claim runs out, the next run skips it. The run with marks must
    look at it then too, though nothing about the task changed since."""
    policy = Policy(nudge_every_days=7)
    now = datetime(2023, 1, 9, 9, 0, tzinfo=BANGKOK)
    twins = Twins(tmp_path, now)
    try:
        twins.both(lambda db: import_plan(db, plan_of([(93, 88, 6)], "เทศบาลตำบลหนึ่ง", 0),
                                          source="a.txt", now=now, actor="clerk"))
        twins.run(policy, now)  # 2023-01-09: the first nudge is queued
        twins.both(lambda db: db.execute(
            "UPDATE outbox SET claimed_by = 'hung', claimed_until = :u WHERE kind = 'nudge'",
            {"u": ts(datetime(2023, 1, 19, 12, 0, tzinfo=BANGKOK))}))
        twins.both(lambda db: set_progress(db, 1, 20, now=datetime(2023, 1, 12, 10, 0, tzinfo=BANGKOK),
                                           actor="unit"))
        for day in range(10, 23):
            twins.run(policy, datetime(2023, 1, day, 9, 0, tzinfo=BANGKOK))
        first = [s for k, s in outbox_state(twins.marked) if k.startswith("nudge:t1:2023-01-09")]
        assert first == ["skipped"]
    finally:
        twins.close()
