"""What the calendar is made from: one plan's tasks and meetings, with the
revision columns (`sequence`, `updated_at`) the service dicts leave out."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from tracker.db.connection import Database, from_ts
from tracker.errors import NotFound
from tracker.services import meetings as meeting_service
from tracker.services import plans as plan_service
from tracker.services import tasks as task_service


@dataclass(frozen=True)
class TaskEntry:
    task: dict[str, Any]  # the DESIGN.md JSON contract object
    sequence: int
    updated_at: datetime
    started: bool
    done_at: datetime | None
    cancelled: bool
    # The task's stored calendar key (uids.py); "" for an entry built without
    # a database, which then keys by the number as before.
    uid_key: str = ""


@dataclass(frozen=True)
class MeetingEntry:
    meeting: dict[str, Any]  # services.meetings.get_meeting's shape
    key: str  # the import key (month + normalised title): identity across imports
    sequence: int
    updated_at: datetime


@dataclass(frozen=True)
class CalendarSource:
    plan: dict[str, Any]
    tasks: list[TaskEntry]
    meetings: list[MeetingEntry]
    plan_updated_at: str | None = None  # the plan row's last change (feeds' Last-Modified)

    @property
    def organisation(self) -> str:
        return str(self.plan["organisation"])

    @property
    def fiscal_year(self) -> int:
        return int(self.plan["fiscal_year"])


def load(
    db: Database,
    *,
    now: datetime,
    plan_id: int | None = None,
    organisation: str | None = None,
    owner: str | None = None,
) -> CalendarSource:
    """The latest plan (of `organisation`, if given) unless `plan_id` says which.

    With `owner`, only that unit's tasks and the meetings they report to.
    """
    pid = plan_id if plan_id is not None else plan_service.latest_plan_id(db, organisation=organisation)
    plan = plan_service.get_plan(db, pid)
    found = task_service.list_tasks(db, now=now, plan_id=pid, owner=owner)
    revisions = {
        r["id"]: r
        for r in db.query(
            "SELECT id, sequence, updated_at, started_at, done_at, cancelled_at, uid_key FROM tasks"
            " WHERE plan_id = :p",
            {"p": pid},
        )
    }
    entries = []
    for t in found:
        r = revisions[t["id"]]
        entries.append(
            TaskEntry(
                task=t,
                sequence=int(r["sequence"]),
                updated_at=from_ts(r["updated_at"]),
                started=r["started_at"] is not None,
                done_at=from_ts(r["done_at"]) if r["done_at"] else None,
                cancelled=r["cancelled_at"] is not None,
                uid_key=r["uid_key"],
            )
        )
    meeting_rows = {
        r["id"]: r
        for r in db.query("SELECT id, key, sequence, updated_at FROM meetings WHERE plan_id = :p", {"p": pid})
    }
    wanted = {t["meeting"]["id"] for t in found if t["meeting"]} if owner is not None else set(meeting_rows)
    meetings = [
        MeetingEntry(
            meeting=m,
            key=meeting_rows[m["id"]]["key"],
            sequence=int(meeting_rows[m["id"]]["sequence"]),
            updated_at=from_ts(meeting_rows[m["id"]]["updated_at"]),
        )
        for m in meeting_service.list_meetings(db, organisation=plan["organisation"])
        if m["id"] in wanted and m["plan_id"] == pid
    ]
    stamp = db.scalar("SELECT updated_at FROM plans WHERE id = :p", {"p": pid})
    return CalendarSource(plan=plan, tasks=entries, meetings=meetings,
                          plan_updated_at=None if stamp is None else str(stamp))


def load_meeting(db: Database, meeting_id: int) -> tuple[dict[str, Any], MeetingEntry]:
    """One meeting and its plan (for the reminder mail's attachment)."""
    m = meeting_service.get_meeting(db, meeting_id)
    row = db.one("SELECT key, sequence, updated_at FROM meetings WHERE id = :id", {"id": meeting_id})
    if row is None:  # deleted between the two reads
        raise NotFound(f"ไม่พบการประชุมหมายเลข {meeting_id} (no meeting with id {meeting_id})")
    plan = plan_service.get_plan(db, int(m["plan_id"]))
    return plan, MeetingEntry(m, row["key"], int(row["sequence"]), from_ts(row["updated_at"]))


def owners(task: dict[str, Any]) -> list[str]:
    value = task["owners"]
    return list(json.loads(value) if isinstance(value, str) else value)


def iso_date(text: str) -> date:
    return date.fromisoformat(text[:10])
