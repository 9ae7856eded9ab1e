"""Doing what the policy decided: queue what is due, send what is queued.

`enqueue_due` (daily, and on every `tracker remind`) and `send_due` (every
sweep) are what both `tracker remind` and the `tracker scheduler` daemon
call. Time comes in as `now` or as a clock function; nothing here reads the
system clock.
"""

from __future__ import annotations

import json
import logging
import os
import socket
from collections.abc import Callable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from tracker.clock import BANGKOK
from tracker.config import Settings
from tracker.db.connection import Database, Row, from_ts
from tracker.errors import DatabaseError
from tracker.reminders import candidates, heartbeat, outbox
from tracker.reminders.policy import Policy, Reminder, due_and_stale, due_until

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


class Stop(Protocol):
    """What asks a sender to stop before its next message (a threading.Event,
    or tracker.reminders.interrupt.Interrupt)."""

    def is_set(self) -> bool: ...

ACTIVITY = ("start", "progress", "note", "check", "uncheck", "evidence", "outcome", "done", "reopen")


def write(db: Database, fn: Callable[[], Any], *, attempts: int = 6) -> Any:
    """Run `fn` in a transaction; on SQLite, try again while the file is locked.

    SQLite already waits its busy timeout (10 s) for another writer; when a
    busy machine makes that run out, a sender must not give up a mark (the
    row would stay claimed for a whole lease and its mail go late or twice)
    nor die: it waits a little longer and tries again.
    """
    import time

    for attempt in range(attempts):
        try:
            with db.transaction():
                return fn()
        except DatabaseError as exc:
            if db.dialect != "sqlite" or "locked" not in str(exc) or attempt == attempts - 1:
                raise
            log.warning("database busy, trying again: %s", exc)
            time.sleep(0.1 * 2**attempt)
    raise AssertionError("unreachable")  # pragma: no cover


def worker_name(prefix: str) -> str:
    return f"{prefix}:{socket.gethostname()}:{os.getpid()}"


def load_policy(settings: Settings) -> Policy:
    return Policy.from_settings(settings.reminders)


# ---------------------------------------------------------------- deciding


def last_activity(db: Database, task_ids: Sequence[int]) -> dict[int, datetime]:
    """When someone last recorded work on each task (for the nudge rule)."""
    if not task_ids:
        return {}
    found: dict[int, datetime] = {}
    acts = ",".join(f"'{a}'" for a in ACTIVITY)
    ids = [int(t) for t in task_ids]
    for i in range(0, len(ids), 500):
        where, params = outbox.member(db, "task_id", ids[i : i + 500], "t")
        for r in db.query(f"SELECT task_id, MAX(at) AS at FROM history WHERE {where}"
                          f" AND action IN ({acts}) GROUP BY task_id", params):
            found[int(r["task_id"])] = from_ts(str(r["at"]))
    return found


@dataclass
class Due:
    """What the policy says for one plan at `now`."""

    reminders: list[Reminder]
    closed_task_ids: list[int]  # done or cancelled: their queued rows are cancelled
    stale: list[tuple[Reminder, str]] = field(default_factory=list)  # recorded as skipped


TASKS_AT_A_TIME = 5000  # a batch's memory follows its tasks (~2 KiB each as loaded), not its plans


def plans_due(db: Database, policy: Policy, now: datetime, plan_ids: Sequence[int],
              *, use_marks: bool = False) -> Due:
    """What the policy says for these plans at `now`: a handful of queries
    whatever their number (call with a bounded batch: memory follows the batch).
    `use_marks`: leave out what the last daily run decided (reminders.candidates)."""
    from tracker.services import plans as plan_service
    from tracker.services.meetings import list_meetings

    # archived, or the season over: their queued mail is cancelled as a closed task's
    quiet = plan_service.quiet_plan_ids(db, plan_ids, today=now.astimezone(BANGKOK).date(),
                                        grace_days=policy.season_grace_days)
    live = [p for p in plan_ids if p not in quiet]
    tasks, closed = candidates.open_tasks(db, policy, plan_ids=live, now=now,
                                          until=due_until(policy, now), use_marks=use_marks)
    closed += plan_service.task_ids(db, sorted(quiet))
    activity = last_activity(db, [t["id"] for t in tasks])
    meetings = list_meetings(db, plan_ids=live)
    organisations = [str(r[0]) for r in db.rows(
        "SELECT DISTINCT o.name FROM plans p JOIN organisations o ON o.id = p.organisation_id"
        f" WHERE p.id IN ({','.join(str(int(p)) for p in live) or 'NULL'})")] if policy.coordinator else []
    reminders, stale = due_and_stale(tasks, meetings, policy, now, activity=activity,
                                     organisations=organisations)
    return Due(reminders, closed, stale)


def batches(plan_rows: Sequence[Row], tasks: int) -> Iterator[Sequence[Row]]:
    """Consecutive plans holding about `tasks` tasks together (a larger plan alone)."""
    start, held = 0, 0
    for i, p in enumerate(plan_rows):
        if held and held + int(p["n"]) > tasks:
            yield plan_rows[start:i]
            start, held = i, 0
        held += int(p["n"])
    if start < len(plan_rows):
        yield plan_rows[start:]


@dataclass
class EnqueueReport:
    added: list[Reminder] = field(default_factory=list)
    due: list[Reminder] = field(default_factory=list)
    cancelled: int = 0
    plans: int = 0
    queued: int = 0  # len(added), also when the values are not kept


def enqueue_due(db: Database, policy: Policy, now: datetime, *, organisation: str | None = None,
                dry_run: bool = False, keep_due: bool = True) -> EnqueueReport:
    """Queue every reminder due at `now` that is not queued yet (idempotent).

    One short transaction per batch of plans (decide, then store, a handful
    of statements whatever the batch holds): a daemon never holds SQLite's
    write lock for the whole database's worth of work, memory follows the
    batch, not the database, and a crash half-way leaves whole plans done. `keep_due=False` keeps only counts,
    not the reminders themselves (the daemon's daily run at scale).
    """
    report = EnqueueReport()
    where = ""
    params: dict[str, Any] = {}
    if organisation is not None:
        where = " WHERE o.name = :org"
        params["org"] = organisation
    plan_rows = db.query(
        "SELECT p.id, o.id AS org_id, o.name AS org,"
        " (SELECT COUNT(*) FROM tasks t WHERE t.plan_id = p.id) AS n FROM plans p"
        " JOIN organisations o ON o.id = p.organisation_id" + where + " ORDER BY p.id", params)
    for chunk in batches(plan_rows, TASKS_AT_A_TIME):
        ids = [int(p["id"]) for p in chunk]
        org_ids = {str(p["org"]): int(p["org_id"]) for p in chunk}
        if dry_run:
            d = plans_due(db, policy, now, ids, use_marks=True)
            known = outbox.existing_keys(db, [r.key for r in d.reminders])
            added = [r for r in d.reminders if r.key not in known]
        else:
            def step(ids: list[int] = ids, org_ids: dict[str, int] = org_ids
                     ) -> tuple[Due, list[Reminder], int]:
                d = plans_due(db, policy, now, ids, use_marks=True)
                added = outbox.enqueue(db, d.reminders, org_ids=org_ids, now=now)
                outbox.skip(db, d.stale, org_ids=org_ids, now=now)
                gone = outbox.cancel_for_tasks(
                    db, d.closed_task_ids, now=now, reason="งานเสร็จหรือถูกยกเลิก (task done or cancelled)")
                candidates.mark(db, policy, ids, now=now, until=due_until(policy, now))
                return d, added, gone

            d, added, gone = write(db, step)
            report.cancelled += gone
        report.plans += len(chunk)
        report.queued += len(added)
        if keep_due:
            report.due += d.reminders
            report.added += added
    if not dry_run:
        write(db, lambda: outbox.refresh_statistics(db, report.queued))
    if report.queued:
        log.info("queued %d reminder(s)", report.queued)
    return report


def enqueue_invitations(db: Database, policy: Policy, now: datetime) -> list[Reminder]:
    """Queue the meeting invitations (and cancellations) not queued yet.

    The daemon's sweep calls this before it sends: an invitation is due when
    the meeting changes, not at the daily hour (`enqueue_due` queues them too,
    so `tracker remind` needs nothing more). A few rows whatever the season:
    only meetings from today on that have attendees."""
    from tracker.reminders import invitations
    from tracker.services.meetings import list_meetings

    def step() -> list[Reminder]:
        found = list_meetings(db, invited_from=now.astimezone(BANGKOK).date())  # attendees or dropped
        due = [r for m in found for r in invitations.invitations(m, now)]
        if not due:
            return []
        org_ids = {str(r["name"]): int(r["id"]) for r in db.query("SELECT id, name FROM organisations")}
        return outbox.enqueue(db, due, org_ids=org_ids, now=now)

    added: list[Reminder] = write(db, step)
    if added:
        log.info("queued %d meeting invitation(s)", len(added))
    return added


# ---------------------------------------------------------------- sending


@dataclass
class SendReport:
    sent: list[dict[str, Any]] = field(default_factory=list)
    retrying: list[dict[str, Any]] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)
    held: list[dict[str, Any]] = field(default_factory=list)
    cancelled: list[dict[str, Any]] = field(default_factory=list)
    released: int = 0
    lost_lease: int = 0
    not_working_day: str | None = None  # the reason nothing was sent today
    connections: int = 0
    # The connection or the account was refused: the run stopped and every
    # message waits. {"cause": a key of transports.CAUSES, "reason": its words,
    # "error": the server's, "waiting": messages due now and not sent}
    stopped: dict[str, Any] | None = None
    extended: int = 0  # times the claim was extended while a batch went on
    deferred: int = 0  # reminders whose person had today's digest: they go in the next one


def _row_info(row: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {"id": row["id"], "key": row["key"], "kind": row["kind"], "task_id": row["task_id"],
            "meeting_id": row["meeting_id"], "unit": row["unit"], **more}


def send_due(
    db: Database,
    settings: Settings,
    policy: Policy,
    *,
    clock: Clock,
    worker: str,
    transport: Any = None,
    stop: Stop | None = None,
    limit: int | None = None,
    lease: timedelta | None = None,
    organisation_id: int | None = None,
) -> SendReport:
    """Claim due outbox rows batch by batch and send them, until none is due,
    `stop` is set, or the server refuses the connection or the account (then
    everything waits: `report.stopped`). Nothing goes out on a non-working day.

    `clock` must run (tracker.clock.running): claims are extended, or the
    batch stopped, by it before their lease ends.
    `organisation_id`: only that organisation's reminders."""
    report = SendReport()
    now = clock()
    today = now.astimezone(BANGKOK).date()
    if not policy.calendar.is_working_day(today):
        report.not_working_day = policy.calendar.holiday_name(today) or "weekend"
        return report
    if transport is None:
        from tracker.mail.transports import make_transport

        transport = make_transport(settings.mail)
    lease = lease or timedelta(seconds=policy.lease_seconds)
    limit = limit or policy.batch
    if db.dialect == "sqlite":
        # One small commit per message sent. In WAL mode NORMAL skips the fsync
        # per commit; what a power cut could undo is a "sent" mark, and the
        # outbox then sends that mail again (at-least-once), never loses one.
        db.execute("PRAGMA synchronous = NORMAL")
    while not (stop and stop.is_set()) and report.stopped is None:
        def take() -> list[dict[str, Any]]:
            t = clock()
            got = outbox.claim(db, worker=worker, now=t, lease=lease, limit=limit,
                               organisation_id=organisation_id, whole_organisations=policy.digest)
            if got:  # --status names the owner of claimed rows and its last sign of life
                heartbeat.touch(db, worker, now=t)
            return got

        rows: list[dict[str, Any]] = write(db, take)
        if not rows:
            break
        _send_batch(db, settings, policy, rows, clock=clock, worker=worker, transport=transport,
                    stop=stop, lease=lease, report=report)
    if report.stopped is not None:
        report.stopped["waiting"] = write(db, lambda: outbox.count_due(
            db, now=clock(), organisation_id=organisation_id))
        # info: `tracker remind` says it in one line of its own; the daemon logs it
        log.info("stopped sending, %d reminder(s) wait: %s: %s", report.stopped["waiting"],
                  report.stopped["reason"], report.stopped["error"])
    return report


class _Made:
    """A batch's messages, each made just before it is sent (a digest run's
    batch is a whole organisation's: made all at first, they kept the first
    one waiting). One that cannot be made is left out, unsettled (the first
    error is kept in `error`), and the rest go on."""

    def __init__(self, outgoing: Sequence[Any]) -> None:
        self.outgoing = outgoing
        self.error: Exception | None = None

    def __iter__(self) -> Iterator[Any]:
        for out in self.outgoing:
            try:
                out.mail()
            except Exception as exc:
                self.error = self.error or exc
                continue
            yield out


class _Lease:
    """The claim on a batch, kept while the batch goes on: before each message,
    when less than `margin` is left, it is extended by a whole lease (only the
    rows still ours; if one was taken over, the batch stops)."""

    def __init__(self, db: Database, rows: Sequence[Row], *, worker: str, clock: Clock,
                 lease: timedelta, report: SendReport) -> None:
        self.db, self.worker, self.clock, self.lease, self.report = db, worker, clock, lease, report
        self.until = from_ts(rows[0]["claimed_until"])
        # What one message may take at most, so that no other sender can take a
        # row over while it is still being sent here.
        self.margin = min(lease * 0.2, timedelta(seconds=30))

    def keep(self, unsent: Callable[[], list[int]]) -> bool:
        t = self.clock()
        if t < self.until - self.margin:
            return True
        until = t + self.lease
        ids = unsent()

        def extend() -> int:
            n = outbox.extend(self.db, ids, worker=self.worker, now=t, until=until)
            heartbeat.touch(self.db, self.worker, now=t)
            return n

        if write(self.db, extend) < len(ids):
            self.report.lost_lease += 1
            log.warning("another sender took rows of this batch over: stopping the batch")
            return False
        self.until = until
        self.report.extended += 1
        return True


def _send_batch(db: Database, settings: Settings, policy: Policy, rows: list[dict[str, Any]], *,
                clock: Clock, worker: str, transport: Any, stop: Stop | None,
                lease: timedelta, report: SendReport) -> None:
    from tracker.mail.transports import PermanentFailure, SessionFailure, TemporaryFailure
    from tracker.reminders.compose import Composer, Outgoing

    now = clock()
    claim = _Lease(db, rows, worker=worker, clock=clock, lease=lease, report=report)
    try:
        # Only reads: on SQLite outside BEGIN IMMEDIATE, so rendering (and the
        # first import of the template engine) never holds the write lock
        # that the other senders' marks wait for.
        reading = db.transaction() if db.dialect != "sqlite" else nullcontext()
        with reading:
            composer = Composer(db, settings, policy, now)
            outgoing, skips = composer.compose(rows)
    except BaseException:
        # Bad settings or a broken template: give the rows back before failing.
        write(db, lambda: outbox.release(db, [r["id"] for r in rows], worker=worker, now=clock()))
        raise

    def settle_skips() -> None:
        for s in skips:
            if s.status == "held":
                outbox.mark_held(db, s.row["id"], worker=worker, now=now, reason=s.reason)
                report.held.append(_row_info(s.row, reason=s.reason))
                log.warning("held %s: %s", s.row["key"], s.reason)
            elif s.status == "sent":
                outbox.mark_delivered(db, [(s.row["id"], composer.delivered[int(s.row["id"])], True)],
                                      worker=worker, now=now, message_id=str(s.row.get("message_id") or ""),
                                      subject=str(s.row.get("subject") or ""))
            else:
                outbox.mark_cancelled(db, s.row["id"], worker=worker, now=now, reason=s.reason)
                report.cancelled.append(_row_info(s.row, reason=s.reason))

    write(db, settle_skips)

    def settle(mark: Callable[[], int], n: int) -> None:
        if write(db, mark) < n:
            report.lost_lease += 1
            log.warning("lost the claim on a row while sending (another sender took it over)")

    made = _Made(outgoing)
    handled: set[int] = set()  # id() of the messages that went out or were settled

    def unsettled() -> list[int]:
        # by message, not by row: a digest's row may be in two messages (two
        # of its unit's addresses that get different digests)
        return [r["id"] for o in outgoing if id(o) not in handled for r in o.rows]

    def keep_going() -> bool:
        if stop and stop.is_set():
            return False
        return claim.keep(unsettled)

    refused: Exception | None = None  # the session or the account: everything waits
    try:
        with transport.session() as session:
            for out, error in session.deliver(made, Outgoing.mail, keep_going):
                ids = [r["id"] for r in out.rows]
                if error is None:
                    # First of all, before anything else is done: the shorter the
                    # span from the server's reply to this commit, the fewer
                    # messages a killed sender sends twice.
                    settle(lambda o=out: outbox.mark_delivered(  # type: ignore[misc]
                        db, composer.reached(o), worker=worker, now=clock(), message_id=o.msg_id,
                        subject=o.subject), len(ids))
                    handled.add(id(out))
                    report.sent += [_row_info(r, to=out.to, subject=out.subject, message_id=out.msg_id)
                                    for r in out.rows]
                    shown = ",".join(out.keys[:3])
                    if len(out.keys) > 3:
                        shown += f",… ({len(out.keys)} in all)"
                    log.info("sent %s to %s", shown, ", ".join(out.to))
                elif isinstance(error, SessionFailure):
                    refused = error  # this one was not sent either: it waits with the rest
                elif isinstance(error, TemporaryFailure):
                    handled.add(id(out))
                    _retry(db, [out], worker, clock(), str(error), report)
                    if error.connection:  # e.g. a file that cannot be written: the rest waits
                        refused = SessionFailure(str(error), cause="transport")
                elif isinstance(error, PermanentFailure):
                    handled.add(id(out))
                    settle(lambda ids=ids, e=str(error): outbox.mark_failed(  # type: ignore[misc]
                        db, ids, worker=worker, now=clock(), error=e), len(ids))
                    report.failed += [_row_info(r, error=str(error), to=out.to, message_id=out.msg_id)
                                      for r in out.rows]
                    log.error("failed for good %s: %s", out.keys, error)
                else:  # a bug or an odd server: retry later, keep going
                    handled.add(id(out))
                    log.error("unexpected error sending %s", out.keys, exc_info=error)
                    _retry(db, [out], worker, clock(), f"{type(error).__name__}: {error}", report)
            report.connections += int(getattr(session, "connections", 1))
    except SessionFailure as exc:
        refused = exc
    except TemporaryFailure as exc:  # the session itself could not start
        refused = SessionFailure(str(exc), cause="transport")
    finally:
        rest = unsettled()
        if refused is not None:
            write(db, lambda: outbox.postpone(db, rest, worker=worker, now=clock(), error=str(refused)))
            report.stopped = _stopped(refused)
        elif rest:  # stopped, out of lease, or a message could not be made: hand back untouched
            report.released += write(db, lambda: outbox.release(db, rest, worker=worker, now=clock()))
        if composer.deferred:  # their person had today's digest: in the next one (rows still ours)
            later = sorted(composer.deferred)
            report.deferred += write(db, lambda: outbox.defer(db, later, worker=worker, now=clock(),
                                                              until=composer.next_digest()))
    if made.error is not None:
        raise made.error


def _stopped(error: Exception) -> dict[str, Any]:
    from tracker.mail.transports import CAUSES

    cause = str(getattr(error, "cause", "unreachable"))
    return {"cause": cause, "reason": CAUSES.get(cause, cause), "error": str(error), "waiting": 0}


def _retry(db: Database, outs: Sequence[Any], worker: str, now: datetime, error: str,
           report: SendReport) -> None:
    def marks() -> None:
        for out in outs:
            for r in out.rows:
                outbox.mark_retry(db, r, worker=worker, now=now, error=error)

    write(db, marks)
    report.retrying += [_row_info(r, error=error, message_id=out.msg_id) for out in outs for r in out.rows]
    log.warning("will retry %d message(s): %s", len(outs), error)


def requeue_failed(db: Database, ids: Sequence[int] | None, *, now: datetime, actor: str) -> list[Row]:
    """Failed rows (these ids, or all: None) back in the queue, due now, each
    recorded in the history; the rows requeued. All or nothing: an id that
    is not a failed mail is refused (call inside a transaction)."""
    from tracker.errors import InvalidInput
    from tracker.services.history import record

    found = outbox.failed_rows(db, ids)
    if ids is not None:
        missing = sorted(set(ids) - {int(r["id"]) for r in found})
        if missing:
            raise InvalidInput("ไม่มีอีเมลที่ส่งไม่สำเร็จหมายเลข " + ", ".join(map(str, missing))
                               + " (not a failed mail; see `tracker remind --status`)")
    outbox.requeue(db, [int(r["id"]) for r in found], now=now)
    for r in found:
        record(db, now=now, actor=actor, action="mail_retry", task_id=r["task_id"],
               meeting_id=r["meeting_id"], plan_id=r["plan_id"], outbox_id=int(r["id"]),
               key=r["key"], reason=r["last_error"], attempts=int(r["attempts"]))
    return found


def failure_lines(report: SendReport) -> list[tuple[int, str, str]]:
    """What could not be sent, one (count, what it counts, cause) per cause,
    not per message: a stopped run counts the reminders waiting ("เรื่อง":
    with digests, several to a mail), a refused mail counts once ("ฉบับ")."""
    import re

    out: list[tuple[int, str, str]] = []
    if report.stopped is not None:
        st = report.stopped
        out.append((int(st["waiting"]), "เรื่อง", f"{st['reason']}: {st['error']}"))
    groups: dict[str, dict[str, str]] = {}  # cause → {message id: error}: a digest counts once
    for label, items in (("ผู้รับหรือข้อความถูกปฏิเสธ (refused for good)", report.failed),
                         ("จะลองใหม่ภายหลัง (will retry)", report.retrying)):
        for item in items:
            code = re.search(r"\b[45]\d\d\b", str(item["error"]))
            groups.setdefault(f"{label} {code.group(0) if code else ''}".rstrip(), {}).setdefault(
                str(item.get("message_id") or item["id"]), str(item["error"]))
    out += [(len(errors), "ฉบับ", f"{cause}: {next(iter(errors.values()))}")
            for cause, errors in groups.items()]
    return out


def summary_json(report: SendReport) -> dict[str, Any]:
    return json.loads(json.dumps(report.__dict__, default=str))  # type: ignore[no-any-return]
