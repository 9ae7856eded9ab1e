"""A calendar feed: the organisation's (or one unit's) calendar as clients
subscribe to it, with what a conditional GET needs.

The feed is the export of the latest plan (tracker/calendar/export.py, the
same writer and Thai-safe folding), with REFRESH-INTERVAL / X-PUBLISHED-TTL.

Its validator (`revision`) comes from a few aggregate queries, not from the
body: the services bump a row's `updated_at` on every change that shows in
the calendar (export.py relies on the same), so the plan's row, the count and
newest `updated_at` of its tasks and of its meetings say whether anything
changed. A client's hourly poll is then answered 304 without building the
calendar. Every DTSTAMP is that last change too, so the same revision always
gives the same bytes and the ETag is a strong one.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from tracker import __version__
from tracker.calendar import export, source
from tracker.db.connection import Database, from_ts
from tracker.errors import NO_PLAN_YET, NotFound
from tracker.services import plans

REFRESH = timedelta(hours=1)


@dataclass(frozen=True)
class Revision:
    plan_id: int
    etag: str  # without quotes
    last_modified: datetime  # whole seconds, as HTTP dates are


@dataclass(frozen=True)
class Feed:
    body: bytes
    revision: Revision


def organisation_name(db: Database, organisation_id: int) -> str:
    name = db.scalar("SELECT name FROM organisations WHERE id = :o", {"o": organisation_id})
    if name is None:
        raise NotFound(f"ไม่พบหน่วยงานหมายเลข {organisation_id} (no organisation {organisation_id})")
    return str(name)


def revision(db: Database, organisation_id: int, unit: str | None, *, lang: str = "th") -> Revision:
    """What the feed's content depends on, in three small queries."""
    pid = plans.latest_plan_id(db, organisation=organisation_name(db, organisation_id))
    plan = db.one("SELECT updated_at FROM plans WHERE id = :p", {"p": pid})
    if plan is None:  # removed since latest_plan_id looked
        raise NotFound(NO_PLAN_YET)
    stamps = [str(plan["updated_at"])]
    parts = [__version__, lang, unit or "", str(pid), stamps[0]]
    for table in ("tasks", "meetings"):
        # the sum of sequences too: a change made "earlier" (--now) than the
        # newest one still moves it
        row = db.one(f"SELECT COUNT(*) AS n, SUM(sequence) AS seq, MAX(updated_at) AS last FROM {table}"
                     " WHERE plan_id = :p", {"p": pid})
        n, seq, last = (row["n"], row["seq"], row["last"]) if row else (0, 0, None)
        parts += [str(n), str(seq), str(last)]
        if last:
            stamps.append(str(last))
    newest = max(from_ts(s) for s in stamps).replace(microsecond=0)
    etag = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    return Revision(plan_id=pid, etag=etag, last_modified=newest)


def build(db: Database, organisation_id: int, unit: str | None, *, now: datetime, lang: str = "th",
          rev: Revision | None = None) -> Feed:
    """The feed of an organisation (`unit` None) or of one unit's tasks and meetings."""
    rev = rev or revision(db, organisation_id, unit, lang=lang)
    src = source.load(db, now=now, plan_id=rev.plan_id, owner=unit)
    body = export.source_calendar(src, stamp=rev.last_modified, owner=unit, lang=lang, refresh=REFRESH)
    return Feed(body=body, revision=rev)
