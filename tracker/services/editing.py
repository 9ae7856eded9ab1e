"""Correcting what the plan document got wrong: a task's title, owners,
window or follow-up meeting (`tracker edit`).

Each correction goes into the history (who, when, old → new) and is marked in
the task's `edited` column with the document's value at the time, so that
importing the same document again keeps the correction (see
services/importing.py); a document that has since been fixed wins again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from tracker.db.connection import Database, ts
from tracker.errors import InvalidInput, NotFound
from tracker.services import history
from tracker.services.importing import _WATCHED, EDIT_GROUPS
from tracker.services.tasks import HAND_CANCELLED


@dataclass(frozen=True)
class Edit:
    """What to change; None leaves a field as it is."""

    title: str | None = None
    owners: tuple[str, ...] | None = None
    period: str | None = None
    start: date | None = None
    end: date | None = None
    meeting_id: int | None = None

    def empty(self) -> bool:
        return all(
            v is None for v in (self.title, self.owners, self.period, self.start, self.end, self.meeting_id)
        )


def _row(db: Database, task_id: int) -> dict[str, Any]:
    row = db.one(
        "SELECT t.id, t.plan_id, t.title, t.owners, t.period_text, t.starts_on, t.ends_on,"
        " t.checkpoints, t.period_unclear, t.meeting_id, t.edited, p.fiscal_year, p.adopted_on"
        " FROM tasks t JOIN plans p ON p.id = t.plan_id WHERE t.id = :id",
        {"id": task_id},
    )
    if row is None:
        raise NotFound(f"ไม่พบงานหมายเลข {task_id} (no task with id {task_id})")
    return row


def _title(text: str) -> str:
    title = " ".join(text.split())
    if not title:
        raise InvalidInput("ชื่อมาตรการว่างเปล่า (the title is empty)")
    return title


def _owners(names: tuple[str, ...]) -> str:
    clean = [" ".join(n.split()) for n in names]
    if not clean or not all(clean):
        raise InvalidInput("ต้องระบุผู้รับผิดชอบอย่างน้อยหนึ่งหน่วยงาน (give at least one responsible unit)")
    return json.dumps(clean, ensure_ascii=False)


def _period(row: dict[str, Any], text: str) -> dict[str, Any]:
    from tracker.plans.periods import read_period

    adopted = date.fromisoformat(row["adopted_on"][:10]) if row["adopted_on"] else None
    found = read_period(text, fiscal_year=int(row["fiscal_year"]), adopted_on=adopted)
    if not found.understood:
        raise InvalidInput(
            f"อ่านช่วงเวลาไม่ออก: {' '.join(text.split())[:60]!r} ลองเขียนเช่น 'ม.ค. - มี.ค. 2566'"
            " (period not understood; nothing changed)"
        )
    return {
        "period_text": " ".join(text.split()),
        "starts_on": found.start.isoformat(),
        "ends_on": found.end.isoformat(),
        "checkpoints": json.dumps([d.isoformat() for d in found.checkpoints]),
        "period_unclear": 0,
    }


def _dates(row: dict[str, Any], start: date | None, end: date | None) -> dict[str, Any]:
    first = start or date.fromisoformat(row["starts_on"])
    last = end or date.fromisoformat(row["ends_on"])
    if first > last:
        raise InvalidInput(f"วันเริ่มอยู่หลังวันสิ้นสุด (the window starts after it ends: {first} > {last})")
    # Checkpoints outside the new window would nag about dates that are not in it.
    kept = [d for d in json.loads(row["checkpoints"] or "[]") if first.isoformat() <= d <= last.isoformat()]
    return {
        "starts_on": first.isoformat(),
        "ends_on": last.isoformat(),
        "checkpoints": json.dumps(kept),
        "period_unclear": 0,
    }


def _meeting(db: Database, row: dict[str, Any], meeting_id: int) -> dict[str, Any]:
    found = db.one("SELECT plan_id FROM meetings WHERE id = :id", {"id": meeting_id})
    if found is None or found["plan_id"] != row["plan_id"]:
        raise NotFound(
            f"ไม่พบการประชุมหมายเลข {meeting_id} ในแผนของงานนี้ (no meeting {meeting_id} in this task's plan)"
        )
    return {"meeting_id": meeting_id}


def _wanted(db: Database, row: dict[str, Any], edit: Edit) -> dict[str, dict[str, Any]]:
    """The new column values, by edit group."""
    if edit.period is not None and (edit.start or edit.end):
        raise InvalidInput(
            "ใช้ --period หรือ --start/--end อย่างใดอย่างหนึ่ง (give --period or --start/--end, not both)"
        )
    groups: dict[str, dict[str, Any]] = {}
    if edit.title is not None:
        groups["title"] = {"title": _title(edit.title)}
    if edit.owners is not None:
        groups["owners"] = {"owners": _owners(edit.owners)}
    if edit.period is not None:
        groups["period"] = _period(row, edit.period)
    elif edit.start or edit.end:
        groups["period"] = _dates(row, edit.start, edit.end)
    if edit.meeting_id is not None:
        groups["meeting"] = _meeting(db, row, edit.meeting_id)
    return groups


def edit_task(db: Database, task_id: int, edit: Edit, *, now: datetime, actor: str) -> dict[str, list[Any]]:
    """Apply `edit`; the changes made as {column: [old, new]} (empty: nothing differed)."""
    if edit.empty():
        raise InvalidInput(
            "ระบุสิ่งที่จะแก้อย่างน้อยหนึ่งอย่าง (give at least one of --title, --owner, --period,"
            " --start/--end, --meeting)"
        )
    row = _row(db, task_id)
    groups = _wanted(db, row, edit)
    marks: dict[str, Any] = json.loads(row["edited"] or "{}")
    changes: dict[str, list[Any]] = {}
    columns: dict[str, Any] = {}
    for group, values in groups.items():
        differ = {c: v for c, v in values.items() if row[c] != v}
        if not differ:
            continue
        # The document's value, the first time this group is corrected.
        marks.setdefault(group, row[_WATCHED[group]])
        columns.update(values)
        changes.update({c: [row[c], v] for c, v in differ.items() if c in _SHOWN})
    if not columns:
        return {}
    assert set(marks) - {HAND_CANCELLED} <= set(EDIT_GROUPS)
    columns["edited"] = json.dumps(marks, ensure_ascii=False, sort_keys=True)
    sets = ", ".join(f"{c} = :{c}" for c in columns)
    db.execute(
        f"UPDATE tasks SET {sets}, sequence = sequence + 1, updated_at = :now WHERE id = :id",
        {**columns, "now": ts(now), "id": task_id},
    )
    shown = {c: [_plain(c, o), _plain(c, n)] for c, (o, n) in changes.items()}
    history.record(
        db, now=now, actor=actor, action="edit", task_id=task_id, plan_id=row["plan_id"], changes=shown
    )
    return shown


# What the history shows of an edit (checkpoints and the unclear mark follow the window).
_SHOWN = ("title", "owners", "period_text", "starts_on", "ends_on", "meeting_id")


def _plain(column: str, value: Any) -> Any:
    return json.loads(value) if column == "owners" else value
