"""Each unit's link version: what makes a unit's personal web link revocable.

A link is signed with the unit's current version (tracker/web/links.py);
renewing moves the version on, so every link signed before stops working.
"""

from __future__ import annotations

from datetime import datetime

from tracker.db.connection import Database, ts
from tracker.errors import NotFound
from tracker.services import history
from tracker.services.tasks import owners_of


def _norm(unit: str) -> str:
    return " ".join(unit.split())


def known_unit(db: Database, organisation_id: int, unit: str) -> str:
    """The unit as named by the organisation's tasks or unit list, or NotFound."""
    wanted = _norm(unit)
    names = {_norm(r["name"]) for r in db.query(
        "SELECT name FROM units WHERE organisation_id = :o", {"o": organisation_id})}
    for r in db.query(
        "SELECT t.owners FROM tasks t JOIN plans p ON p.id = t.plan_id WHERE p.organisation_id = :o",
        {"o": organisation_id},
    ):
        names.update(_norm(o) for o in owners_of(r["owners"]))
    if wanted not in names:
        known = ", ".join(sorted(names)) or "ไม่มี (none)"
        raise NotFound(f"ไม่พบหน่วยงาน {wanted} (no unit named {wanted!r}; units: {known})")
    return wanted


def version(db: Database, organisation_id: int, unit: str) -> int:
    """The unit's current link version (1 until it is first renewed)."""
    value = db.scalar(
        "SELECT version FROM unit_links WHERE organisation_id = :o AND unit = :u",
        {"o": organisation_id, "u": _norm(unit)},
    )
    return 1 if value is None else int(value)


def renew(db: Database, organisation_id: int, unit: str, *, now: datetime, actor: str) -> int:
    """Revoke the unit's links: move its version on. The new version."""
    unit = _norm(unit)
    new = version(db, organisation_id, unit) + 1
    if not db.execute(
        "UPDATE unit_links SET version = :v, updated_at = :now WHERE organisation_id = :o AND unit = :u",
        {"v": new, "now": ts(now), "o": organisation_id, "u": unit},
    ):
        db.execute(
            "INSERT INTO unit_links (organisation_id, unit, version, updated_at) VALUES (:o, :u, :v, :now)",
            {"v": new, "now": ts(now), "o": organisation_id, "u": unit},
        )
    history.record(db, now=now, actor=actor, action="link_renewed", unit=unit, version=new)
    return new
