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
        "cancelled_at": row["cancelled_at"],
        "dropped": json.loads(row["dropped"] or "[]"),
        "updated_at": row["updated_at"],
    }


_SELECT = (
    "SELECT m.*, o.name AS organisation, p.fiscal_year,"
    " (SELECT COUNT(*) FROM tasks t WHERE t.meeting_id = m.id) AS tasks"
    " FROM meetings m JOIN plans p ON p.id = m.plan_id JOIN organisations o ON o.id = p.organisation_id"
)


def list_meetings(
    db: Database, *, organisation: str | None = None, plan_ids: Sequence[int] | None = None,
    invited_from: date | None = None,
) -> list[dict[str, Any]]:
    """`invited_from`: only meetings on or after that day with attendees (the sweep's invitations)."""
    clauses = ["o.name = :org"] if organisation else []
    if invited_from is not None:
        clauses.append("m.held_on >= :invited_from AND (m.attendees <> '[]' OR m.dropped <> '[]')")
    if plan_ids is not None:  # the daily reminder run, a batch of plans at a time
        # one array parameter on PostgreSQL: one statement text for any batch
        if db.dialect == "postgresql":
            clauses.append("m.plan_id = ANY(:plan_ids)")
        else:
            clauses.append(f"m.plan_id IN ({','.join(str(int(p)) for p in plan_ids) or 'NULL'})")
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    params = {"org": organisation, "plan_ids": [int(p) for p in plan_ids or ()],
              "invited_from": invited_from.isoformat() if invited_from else None}
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
        wanted = list(dict.fromkeys(check_email(a) for a in attendees))
        changes["attendees"] = json.dumps(wanted)
        # who was on the list and is no longer: told apart (a CANCEL of their own);
        # someone put back on the list is invited again instead
        gone = [a for a in [*current["dropped"], *current["attendees"]] if a not in wanted]
        changes["dropped"] = json.dumps(list(dict.fromkeys(gone)))
    if not changes:
        raise InvalidInput("ไม่มีอะไรเปลี่ยน (nothing to change: give --date, --time, --place or --attendee)")
    stored = {"held_on": current["date"], "held_at": current["time"], "place": current["place"],
              "attendees": json.dumps(current["attendees"]), "dropped": json.dumps(current["dropped"])}
    changes = {k: v for k, v in changes.items() if v != stored[k]}
    if not changes and not current["cancelled_at"]:
        # the same values again: no new revision, so no new invitation either
        return current
    sets = ", ".join(f"{k} = :{k}" for k in changes)
    # Setting a cancelled meeting again brings it back (a new invitation goes out).
    db.execute(
        f"UPDATE meetings SET {sets + ', ' if sets else ''}cancelled_at = NULL,"
        " sequence = sequence + 1, updated_at = :now WHERE id = :id",
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


def cancel_meeting(db: Database, meeting_id: int, *, now: datetime, actor: str,
                   reason: str = "") -> dict[str, Any]:
    """Cancel a follow-up meeting: its calendar event says CANCELLED (higher
    SEQUENCE) and the attendees get a METHOD:CANCEL with the next reminder run.
    `meeting set` brings it back."""
    current = get_meeting(db, meeting_id)
    if current["cancelled_at"]:
        raise InvalidInput(
            f"การประชุมหมายเลข {meeting_id} ถูกยกเลิกไปแล้ว (meeting {meeting_id} is already cancelled)")
    db.execute(
        "UPDATE meetings SET cancelled_at = :now, sequence = sequence + 1, updated_at = :now WHERE id = :id",
        {"now": ts(now), "id": meeting_id},
    )
    history.record(db, now=now, actor=actor, action="meeting_cancelled", meeting_id=meeting_id,
                   plan_id=current["plan_id"], reason=" ".join(reason.split()))
    return get_meeting(db, meeting_id)
