"""Apply a read plan to the database: create it, or update it in place.

Identity: a plan is (organisation, fiscal year); a task is (plan, measure
number); a meeting is (plan, month + title). Re-importing keeps ids and every
bit of recorded work (progress, done, ticks, outcome, evidence); a measure
that disappeared from the document is cancelled, not deleted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from tracker.db.connection import Database, ts
from tracker.plans.model import Measure, MeetingRef, Plan
from tracker.services import history
from tracker.services.tasks import item_label


@dataclass
class ImportSummary:
    plan_id: int = 0
    plan_created: bool = False
    created: list[str] = field(default_factory=list)  # measure numbers
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    meetings: list[str] = field(default_factory=list)


def meeting_key(ref: MeetingRef) -> str:
    return f"{ref.year:04d}-{ref.month:02d} {' '.join(ref.title.split())}"


def import_plan(db: Database, plan: Plan, *, source: str, now: datetime, actor: str) -> ImportSummary:
    summary = ImportSummary()
    stamp = ts(now)
    org_id = _organisation(db, plan.organisation, stamp)
    baseline = plan.baseline
    values = {
        "org": org_id,
        "fy": plan.fiscal_year,
        "title": plan.title,
        "source": source,
        "adopted_on": plan.adopted_on.isoformat() if plan.adopted_on else None,
        "adoption_meeting": plan.adoption_meeting,
        "assessed": baseline.assessed_year if baseline else None,
        "overall": baseline.stated_overall if baseline else None,
        "grade": baseline.stated_grade if baseline else None,
        "improvements": json.dumps(list(baseline.improvements) if baseline else [], ensure_ascii=False),
        "now": stamp,
    }
    existing = db.one("SELECT id FROM plans WHERE organisation_id = :org AND fiscal_year = :fy", values)
    if existing is None:
        plan_id = db.insert(
            "INSERT INTO plans (organisation_id, fiscal_year, title, source, adopted_on,"
            " adoption_meeting, ita_assessed_year, ita_stated_overall, ita_stated_grade,"
            " ita_improvements, imported_at, updated_at) VALUES (:org, :fy, :title, :source,"
            " :adopted_on, :adoption_meeting, :assessed, :overall, :grade, :improvements, :now, :now)"
            " RETURNING id",
            values,
        )
        summary.plan_created = True
    else:
        plan_id = int(existing["id"])
        db.execute(
            "UPDATE plans SET title = :title, source = :source, adopted_on = :adopted_on,"
            " adoption_meeting = :adoption_meeting, ita_assessed_year = :assessed,"
            " ita_stated_overall = :overall, ita_stated_grade = :grade,"
            " ita_improvements = :improvements, updated_at = :now WHERE id = :id",
            {**values, "id": plan_id},
        )
    summary.plan_id = plan_id

    db.execute("DELETE FROM ita_indicators WHERE plan_id = :p", {"p": plan_id})
    if baseline:
        db.executemany(
            "INSERT INTO ita_indicators (plan_id, no, name, grp, score)"
            " VALUES (:p, :no, :name, :grp, :score)",
            [
                {"p": plan_id, "no": i.no, "name": i.name, "grp": i.group, "score": i.score}
                for i in baseline.indicators
            ],
        )

    meeting_ids: dict[str, int] = {}
    for m in plan.measures:
        if m.meeting is not None and meeting_key(m.meeting) not in meeting_ids:
            key = meeting_key(m.meeting)
            meeting_ids[key] = _meeting(db, plan_id, key, m.meeting, stamp)
            summary.meetings.append(key)

    known = {
        r["number"]: r
        for r in db.query(
            "SELECT id, number, title, actions, owners, period_text, starts_on, ends_on,"
            " followup_text, meeting_id, position, cancelled_at FROM tasks WHERE plan_id = :p",
            {"p": plan_id},
        )
    }
    for position, m in enumerate(plan.measures):
        meeting_id = meeting_ids[meeting_key(m.meeting)] if m.meeting else None
        _task(db, plan_id, position, m, meeting_id, known.pop(m.number, None), summary, now, actor)
    for number, row in known.items():
        if row["cancelled_at"] is None:
            db.execute(
                "UPDATE tasks SET cancelled_at = :now, sequence = sequence + 1, updated_at = :now"
                " WHERE id = :id",
                {"now": stamp, "id": row["id"]},
            )
            history.record(
                db,
                now=now,
                actor=actor,
                action="cancel",
                task_id=row["id"],
                reason="removed from the plan document",
            )
            summary.cancelled.append(number)

    history.record(
        db,
        now=now,
        actor=actor,
        action="import",
        plan_id=plan_id,
        source=source,
        created=summary.created,
        updated=summary.updated,
        cancelled=summary.cancelled,
    )
    return summary


def _organisation(db: Database, name: str, stamp: str) -> int:
    row = db.one("SELECT id FROM organisations WHERE name = :n", {"n": name})
    if row is not None:
        return int(row["id"])
    return db.insert(
        "INSERT INTO organisations (name, created_at) VALUES (:n, :now) RETURNING id",
        {"n": name, "now": stamp},
    )


def _meeting(db: Database, plan_id: int, key: str, ref: MeetingRef, stamp: str) -> int:
    row = db.one("SELECT id FROM meetings WHERE plan_id = :p AND key = :k", {"p": plan_id, "k": key})
    if row is not None:
        return int(row["id"])
    return db.insert(
        "INSERT INTO meetings (plan_id, key, title, month, updated_at)"
        " VALUES (:p, :k, :title, :month, :now) RETURNING id",
        {
            "p": plan_id,
            "k": key,
            "title": ref.title,
            "month": f"{ref.year:04d}-{ref.month:02d}",
            "now": stamp,
        },
    )


def _task(
    db: Database,
    plan_id: int,
    position: int,
    m: Measure,
    meeting_id: int | None,
    old: dict[str, object] | None,
    summary: ImportSummary,
    now: datetime,
    actor: str,
) -> None:
    stamp = ts(now)
    values = {
        "plan_id": plan_id,
        "number": m.number,
        "position": position,
        "title": m.title,
        "actions": m.actions,
        "owners": json.dumps(list(m.owners), ensure_ascii=False),
        "period_text": m.period_text,
        "starts_on": m.start.isoformat(),
        "ends_on": m.end.isoformat(),
        "followup_text": m.followup_text,
        "meeting_id": meeting_id,
        "now": stamp,
    }
    if old is None:
        task_id = db.insert(
            "INSERT INTO tasks (plan_id, number, position, title, actions, owners, period_text,"
            " starts_on, ends_on, followup_text, meeting_id, updated_at) VALUES (:plan_id, :number,"
            " :position, :title, :actions, :owners, :period_text, :starts_on, :ends_on,"
            " :followup_text, :meeting_id, :now) RETURNING id",
            values,
        )
        summary.created.append(m.number)
        history.record(db, now=now, actor=actor, action="create", task_id=task_id, plan_id=plan_id)
    else:
        task_id = int(old["id"])  # type: ignore[call-overload]
        fields = (
            "title",
            "actions",
            "owners",
            "period_text",
            "starts_on",
            "ends_on",
            "followup_text",
            "meeting_id",
            "position",
        )
        changed = [f for f in fields if old[f] != values[f]]
        items_changed = _items_differ(db, task_id, m)
        if changed or items_changed or old["cancelled_at"] is not None:
            db.execute(
                "UPDATE tasks SET title = :title, actions = :actions, owners = :owners,"
                " period_text = :period_text, starts_on = :starts_on, ends_on = :ends_on,"
                " followup_text = :followup_text, meeting_id = :meeting_id, position = :position,"
                " cancelled_at = NULL, sequence = sequence + 1, updated_at = :now WHERE id = :id",
                {**values, "id": task_id},
            )
            summary.updated.append(m.number)
            history.record(
                db,
                now=now,
                actor=actor,
                action="update",
                task_id=task_id,
                fields=changed + (["items"] if items_changed else []),
            )
        else:
            summary.unchanged.append(m.number)
    _sync_items(db, task_id, m)


def _items_differ(db: Database, task_id: int, m: Measure) -> bool:
    rows = db.query("SELECT no, text FROM task_items WHERE task_id = :t ORDER BY position", {"t": task_id})
    return [(r["no"], r["text"]) for r in rows] != [(item_label(i.no), i.text) for i in m.items]


def _sync_items(db: Database, task_id: int, m: Measure) -> None:
    """Items are matched by their number; a tick survives a re-import."""
    old = {
        r["no"]: r
        for r in db.query("SELECT id, no, text, position FROM task_items WHERE task_id = :t", {"t": task_id})
    }
    for position, item in enumerate(m.items):
        no = item_label(item.no)  # stored the way people type it: "1)(3)" -> "1.3"
        row = old.pop(no, None)
        if row is None:
            db.execute(
                "INSERT INTO task_items (task_id, no, position, text) VALUES (:t, :no, :pos, :text)",
                {"t": task_id, "no": no, "pos": position, "text": item.text},
            )
        elif row["text"] != item.text or row["position"] != position:
            db.execute(
                "UPDATE task_items SET text = :text, position = :pos WHERE id = :id",
                {"text": item.text, "pos": position, "id": row["id"]},
            )
    for row in old.values():
        db.execute("DELETE FROM task_items WHERE id = :id", {"id": row["id"]})
