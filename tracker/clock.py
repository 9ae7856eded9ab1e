"""The only place that reads the system clock.

Every command takes "now" from here once and passes it down; `--now` /
TRACKER_NOW replace it, so a whole season can be replayed in seconds.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

# Asia/Bangkok has had no daylight saving since 1920: a fixed offset is exact
# and avoids loading tz data on the fast path.
BANGKOK = timezone(timedelta(hours=7), "Asia/Bangkok")


def system_now() -> datetime:
    """The real current time, aware, in Asia/Bangkok."""
    return datetime.now(BANGKOK)


def running(start: datetime) -> Callable[[], datetime]:
    """A clock that starts at `start` (the command's one read, or `--now`) and
    moves on with the real time elapsed since (a monotonic offset).

    What is due is decided at `start`; a sender's leases and heartbeats read
    this clock, so a run that lasts longer than its lease sees it end even
    under `--now`, and a change of the system time cannot stretch a lease."""
    t0 = time.monotonic()

    def now() -> datetime:
        return start + timedelta(seconds=time.monotonic() - t0)

    return now
