"""Follow-up meetings: where and when a plan's results are reported."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any

from tracker.db.connection import Database, ts
from tracker.errors import InvalidInput, NotFound
from tracker.services import history
from tracker.services.units import check_email


def _json(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "plan_id": row["plan_id"],
        "title": row["title"],
        "month": row["month"],
        "date": row["held_on"],
        "time": row["held_at"],
        "place": row["place"],
        "attendees": json.loads(row["attendees"]),
        "organisation": row["organisation"],
        "fiscal_year": row["fiscal_year"],
        "tasks": row["tasks"],
        "sequence": row["sequence"],
    }


_SELECT = (
    "SELECT m.*, o.name AS organisation, p.fiscal_year,"
    " (SELECT COUNT(*) FROM tasks t WHERE t.meeting_id = m.id) AS tasks"
    " FROM meetings m JOIN plans p ON p.id = m.plan_id JOIN organisations o ON o.id = p.organisation_id"
)


def list_meetings(
    db: Database, *, organisation: str | None = None, plan_ids: Sequence[int] | None = None
) -> list[dict[str, Any]]:
    clauses = ["o.name = :org"] if organisation else []
    if plan_ids is not None:  # the daily reminder run, a batch of plans at a time
        # one array parameter on PostgreSQL: one statement text for any batch
        if db.dialect == "postgresql":
            clauses.append("m.plan_id = ANY(:plan_ids)")
        else:
            clauses.append(f"m.plan_id IN ({','.join(str(int(p)) for p in plan_ids) or 'NULL'})")
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    params = {"org": organisation, "plan_ids": [int(p) for p in plan_ids or ()]}
    return [_json(r) for r in db.query(_SELECT + where + " ORDER BY m.month, m.id", params)]


def get_meeting(db: Database, meeting_id: int) -> dict[str, Any]:
    row = db.one(_SELECT + " WHERE m.id = :id", {"id": meeting_id})
    if row is None:
        raise NotFound(f"ไม่พบการประชุมหมายเลข {meeting_id} (no meeting with id {meeting_id})")
    return _json(row)


def set_meeting(
    db: Database,
    meeting_id: int,
    *,
    now: datetime,
    actor: str,
    on: date | None = None,
    at: time | None = None,
    place: str | None = None,
    attendees: list[str] | None = None,
) -> dict[str, Any]:
    current = get_meeting(db, meeting_id)
    changes: dict[str, Any] = {}
    if on is not None:
        changes["held_on"] = on.isoformat()
    if at is not None:
        changes["held_at"] = f"{at.hour:02d}:{at.minute:02d}"
    if place is not None:
        changes["place"] = " ".join(place.split())
    if attendees is not None:
        changes["attendees"] = json.dumps([check_email(a) for a in attendees])
    if not changes:
        raise InvalidInput("ไม่มีอะไรเปลี่ยน (nothing to change: give --date, --time, --place or --attendee)")
    sets = ", ".join(f"{k} = :{k}" for k in changes)
    db.execute(
        f"UPDATE meetings SET {sets}, sequence = sequence + 1, updated_at = :now WHERE id = :id",
        {**changes, "now": ts(now), "id": meeting_id},
    )
    history.record(
        db,
        now=now,
        actor=actor,
        action="meeting",
        meeting_id=meeting_id,
        plan_id=current["plan_id"],
        **changes,
    )
    return get_meeting(db, meeting_id)
