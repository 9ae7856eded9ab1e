"""A calendar feed: the organisation's (or one unit's) calendar as clients
subscribe to it, with what a conditional GET needs.

The feed is the export of the latest plan (tracker/calendar/export.py, the
same writer and Thai-safe folding), with REFRESH-INTERVAL / X-PUBLISHED-TTL.
Every DTSTAMP is the feed's own last change, not the moment of the request:
an unchanged database then gives byte-identical bodies, so the ETag is a
strong one (a digest of the body) and a client polling every hour gets 304s.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from tracker.calendar import export, source, text
from tracker.db.connection import Database, from_ts
from tracker.errors import NotFound

REFRESH = timedelta(hours=1)


@dataclass(frozen=True)
class Feed:
    body: bytes
    etag: str  # without quotes
    last_modified: datetime
    name: str


def organisation_name(db: Database, organisation_id: int) -> str:
    name = db.scalar("SELECT name FROM organisations WHERE id = :o", {"o": organisation_id})
    if name is None:
        raise NotFound(f"ไม่พบหน่วยงานหมายเลข {organisation_id} (no organisation {organisation_id})")
    return str(name)


def last_change(src: source.CalendarSource) -> datetime:
    """The newest change of anything in the feed (the plan row covers tasks it dropped)."""
    stamps = [from_ts(str(src.plan_updated_at))] if src.plan_updated_at else []
    stamps += [t.updated_at for t in src.tasks] + [m.updated_at for m in src.meetings]
    return max(stamps).replace(microsecond=0)


def build(db: Database, organisation_id: int, unit: str | None, *, now: datetime,
          lang: str = "th") -> Feed:
    """The feed of an organisation (`unit` None) or of one unit's tasks and meetings."""
    src = source.load(db, now=now, organisation=organisation_name(db, organisation_id), owner=unit)
    stamp = last_change(src)
    body = export.source_calendar(src, stamp=stamp, owner=unit, lang=lang, refresh=REFRESH)
    name = text.calendar_name(src.organisation, src.fiscal_year, lang=lang, owner=unit)
    return Feed(body=body, etag=hashlib.sha256(body).hexdigest()[:32], last_modified=stamp, name=name)
