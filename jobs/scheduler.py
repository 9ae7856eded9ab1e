"""`tracker scheduler`: the reminder daemon (APScheduler 3.x, Asia/Bangkok).

Two jobs: a daily one at the configured hour on weekdays (it skips holidays)
that queues what is due, and a sweep every `sweep_seconds` that sends what is
queued and writes a heartbeat. Both run in the scheduler's own thread
(DebugExecutor): one database connection, no thread juggling, and a signal
handler that can stop the sweep between two messages.

APScheduler's job store stays in memory and holds nothing worth keeping:
everything durable (what is due, claimed, sent) is in our tables, so a
restart, a missed cron time or a second daemon changes nothing. On start the
daemon runs the daily job at once if today's hour has passed (catch-up after
downtime) and sweeps.

SIGTERM / SIGINT: the sweep stops before its next message, hands back the
rows it had claimed but not sent, the heartbeat is marked stopped, exit 0.

The signals are blocked in every thread and taken by a small watcher thread
with `signal.sigwait`, which shuts the scheduler down from outside. Where
there is no `sigwait` (Windows), a handler only records the signal (no lock
taken) and the same watcher thread sees it within a tenth of a second; on
Windows Ctrl+C, Ctrl+Break (SIGBREAK) and a console close come this way. The old
way (a Python handler, and a job that shut the scheduler down from inside
when the signal had come during it) failed in two rare ways, seen as flaky
tests under load: a shutdown inside `_process_jobs` empties the job store
before APScheduler updates the job that just ran (JobLookupError, exit 1),
and a handler runs between two bytecodes of the main thread, so its
`Event.set()` deadlocks if the signal lands while that thread holds the
Event's (non re-entrant) lock.
"""

from __future__ import annotations

import logging
import signal
import threading
from typing import Any
from zoneinfo import ZoneInfo

from jobs.remind import Jobs
from tracker.app import App
from tracker.errors import DatabaseError
from tracker.reminders import heartbeat, run

log = logging.getLogger("tracker.scheduler")
SIGNALS = {signal.SIGTERM, signal.SIGINT} | ({signal.SIGBREAK} if hasattr(signal, "SIGBREAK") else set())


def signal_waiter(finished: threading.Event) -> Any:
    """Return a function that blocks until one of SIGNALS arrives and returns
    its number, or returns None once `finished` is set. Called before any
    thread starts: on Unix it blocks the signals so only `sigwait` takes them."""
    if hasattr(signal, "sigwait") and hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
        return lambda: signal.sigwait(SIGNALS)
    received: list[int] = []

    def note(signum: int, _frame: object) -> None:
        # Runs in the main thread between two bytecodes: append takes no lock,
        # unlike Event.set, which would deadlock if the main thread held it.
        received.append(signum)

    for signum in SIGNALS:
        signal.signal(signum, note)

    def wait() -> int | None:
        while not received:
            if finished.wait(0.1):
                return None
        return received[0]

    return wait


def _shutdown(sched: Any) -> None:
    from apscheduler.schedulers.base import SchedulerNotRunningError

    try:
        if sched.running:
            sched.shutdown(wait=False)
    except SchedulerNotRunningError:
        pass


def serve(app: App, *, clock: run.Clock, name: str, sweep_seconds: float | None = None,
          batch: int | None = None) -> int:
    """Run until SIGTERM/SIGINT. Returns the exit status."""
    from dataclasses import replace

    from apscheduler.executors.debug import DebugExecutor
    from apscheduler.schedulers.blocking import BlockingScheduler
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    tz = ZoneInfo("Asia/Bangkok")
    policy = run.load_policy(app.settings)
    if sweep_seconds:
        policy = replace(policy, sweep_seconds=sweep_seconds)
    if batch:
        policy = replace(policy, batch=batch)
    jobs = Jobs(app=app, policy=policy, clock=clock, name=name, started=clock())
    sched = BlockingScheduler(
        timezone=tz,
        executors={"default": DebugExecutor()},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
    )
    finished = threading.Event()  # the main thread is past sched.start()

    def guarded(fn: object) -> object:
        def job() -> None:
            try:
                fn()  # type: ignore[operator]
            except DatabaseError as exc:
                # The server went away or SQLite stayed locked past its busy
                # timeout: drop the connection, the next job reconnects.
                log.error("database error: %s", exc)
                app.close()
            except Exception:
                log.exception("job failed; the next run tries again")
            # Never shut the scheduler down from inside a job: the job runs
            # inside APScheduler's _process_jobs, which updates the job after
            # it returns, and a shutdown in between has emptied the job store
            # (JobLookupError, exit 1: the old flaky SIGTERM/SIGINT tests).

        job.__name__ = getattr(fn, "__name__", "job")
        return job

    wait_for_signal = signal_waiter(finished)

    def watch() -> None:
        signum = wait_for_signal()
        if signum is None:  # the scheduler ended on its own
            return
        log.info("received %s: stopping", signal.Signals(signum).name)
        jobs.stop.set()
        # Shut the scheduler down from this thread (APScheduler's locks make
        # that safe); it waits for a running job, which sees `stop` and ends
        # before its next message. Until the main thread has started the
        # scheduler there is nothing to shut down yet: try again shortly.
        while not finished.wait(0.05):
            if sched.running:
                _shutdown(sched)
                return

    threading.Thread(target=watch, name="signals", daemon=True).start()
    try:
        sched.add_job(guarded(jobs.daily), CronTrigger(day_of_week="mon-fri", hour=policy.hour.hour,
                      minute=policy.hour.minute, timezone=tz), id="daily", name="daily enqueue")
        sched.add_job(guarded(jobs.sweep), IntervalTrigger(seconds=policy.sweep_seconds, timezone=tz),
                      id="sweep", name="outbox sweep")
        try:
            with app.db.transaction():
                heartbeat.prune(app.db, now=clock())
        except DatabaseError as exc:  # housekeeping only: a busy database must not stop the start
            log.warning("could not prune old heartbeats: %s", exc)
            app.close()
        try:  # --status shows the daemon from its start, not after its first sweep
            jobs.beat()
        except DatabaseError as exc:
            log.warning("could not record the start: %s", exc)
            app.close()
        log.info("scheduler %s started: daily at %s, sweep every %gs", name,
                 policy.hour.strftime("%H:%M"), policy.sweep_seconds)
        guarded(jobs.sweep)()  # type: ignore[operator]
        if not jobs.stop.is_set():
            sched.start()
    finally:
        finished.set()
        try:
            jobs.stopped()
        except DatabaseError as exc:
            log.error("could not record the stop: %s", exc)
        log.info("scheduler %s stopped", name)
        # The signals stay blocked: the process ends right after this, and
        # unblocking would let a second SIGTERM kill it before it exits 0.
    return 0
