"""Each calendar feed's link version: what makes a feed URL revocable.

A feed is the whole organisation's (unit "") or one unit's. Its URL is signed
with the feed's current version (tracker/web/links.py); `tracker link
[UNIT] --calendar --revoke` moves the version on, and every URL signed
before answers 404. Apart from the unit pages' versions (services/links.py):
a feed URL is pasted into Google or Outlook and shared more widely than a
unit head's page link, so revoking one leaves the other alone.
"""

from __future__ import annotations

from datetime import datetime

from tracker.db.connection import Database, ts
from tracker.services import history

WHOLE = ""  # the organisation's own feed


def _norm(unit: str | None) -> str:
    return " ".join((unit or "").split())


def version(db: Database, organisation_id: int, unit: str | None) -> int:
    """The feed's current version (1 until it is first revoked)."""
    value = db.scalar(
        "SELECT version FROM calendar_links WHERE organisation_id = :o AND unit = :u",
        {"o": organisation_id, "u": _norm(unit)},
    )
    return 1 if value is None else int(value)


def renew(db: Database, organisation_id: int, unit: str | None, *, now: datetime, actor: str) -> int:
    """Revoke the feed's URLs: move its version on. The new version."""
    name = _norm(unit)
    new = version(db, organisation_id, name) + 1
    params = {"v": new, "now": ts(now), "o": organisation_id, "u": name}
    if not db.execute(
        "UPDATE calendar_links SET version = :v, updated_at = :now WHERE organisation_id = :o AND unit = :u",
        params,
    ):
        db.execute(
            "INSERT INTO calendar_links (organisation_id, unit, version, updated_at)"
            " VALUES (:o, :u, :v, :now)", params,
        )
    history.record(db, now=now, actor=actor, action="feed_renewed", unit=name or None, version=new)
    return new
