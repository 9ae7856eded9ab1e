"""The change log: who did what, when. Rows are only ever added."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from tracker.db.connection import Database, ts


def record(
    db: Database,
    *,
    now: datetime,
    actor: str,
    action: str,
    task_id: int | None = None,
    meeting_id: int | None = None,
    plan_id: int | None = None,
    **detail: Any,
) -> None:
    db.execute(
        "INSERT INTO history (at, actor, action, plan_id, task_id, meeting_id, detail)"
        " VALUES (:at, :actor, :action, :plan_id, :task_id, :meeting_id, :detail)",
        {
            "at": ts(now),
            "actor": actor,
            "action": action,
            "plan_id": plan_id,
            "task_id": task_id,
            "meeting_id": meeting_id,
            "detail": json.dumps(detail, ensure_ascii=False, sort_keys=True),
        },
    )


def entries(db: Database, *, task_id: int | None = None, limit: int | None = None) -> list[dict[str, Any]]:
    sql = "SELECT id, at, actor, action, plan_id, task_id, meeting_id, detail FROM history"
    params: dict[str, Any] = {}
    if task_id is not None:
        sql += " WHERE task_id = :task_id"
        params["task_id"] = task_id
    sql += " ORDER BY id"
    if limit is not None:
        sql += " LIMIT :limit"
        params["limit"] = limit
    rows = db.query(sql, params)
    for row in rows:
        row["detail"] = json.loads(row["detail"] or "{}")
    return rows


def recent(db: Database, task_ids: list[int], *, per_task: int = 5) -> dict[int, list[dict[str, Any]]]:
    """The latest entries of each task, newest first, in one query."""
    out: dict[int, list[dict[str, Any]]] = {int(t): [] for t in task_ids}
    if not task_ids:
        return out
    marks = ",".join(str(int(t)) for t in task_ids)
    for row in db.query(
        f"SELECT id, at, actor, action, task_id, detail FROM history WHERE task_id IN ({marks})"
        " ORDER BY id DESC"
    ):
        bucket = out[int(row["task_id"])]
        if len(bucket) < per_task:
            row["detail"] = json.loads(row["detail"] or "{}")
            bucket.append(row)
    return out
