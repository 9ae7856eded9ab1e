"""Reading tasks and recording work on them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from tracker.clock import BANGKOK
from tracker.db.connection import Database, from_ts, ts
from tracker.errors import InvalidInput, NotFound

STATUSES = ("not_started", "in_progress", "done", "overdue", "cancelled")
OUTCOME_FIELDS = ("result", "problems", "obstacles", "suggestions")

_TASK_COLUMNS = (
    "t.id, t.plan_id, t.number, t.position, t.title, t.actions, t.owners, t.period_text,"
    " t.starts_on, t.ends_on, t.followup_text, t.meeting_id, t.progress, t.started_at,"
    " t.done_at, t.cancelled_at, t.result, t.problems, t.obstacles, t.suggestions,"
    " t.sequence, t.updated_at, t.checkpoints, t.period_unclear, t.section, t.budget, t.indicator,"
    " t.target, t.remarks, t.extra, p.fiscal_year, o.name AS organisation, o.id AS organisation_id,"
    " m.title AS meeting_title, m.month AS meeting_month, m.held_on AS meeting_date"
)
# What a one-line listing needs; fetching fewer columns halves `tracker list`.
_BRIEF_COLUMNS = (
    "t.id, t.number, t.title, t.owners, t.starts_on, t.ends_on, t.progress, t.started_at,"
    " t.done_at, t.cancelled_at, t.period_unclear"
)
# The document's other columns, as the JSON contract names them (DESIGN.md).
DOCUMENT_FIELDS = ("section", "budget", "indicator", "target", "remarks")
_TASK_FROM = (
    " FROM tasks t JOIN plans p ON p.id = t.plan_id"
    " JOIN organisations o ON o.id = p.organisation_id"
    " LEFT JOIN meetings m ON m.id = t.meeting_id"
)


def status_of(row: dict[str, Any], today: date) -> str:
    """A task's status at `today` (a Bangkok date), derived, never stored."""
    return _status(
        row["cancelled_at"], row["done_at"], row["ends_on"], row["started_at"], row["progress"], today
    )


def _status(
    cancelled_at: str | None,
    done_at: str | None,
    ends_on: str,
    started_at: str | None,
    progress: int,
    today: date,
) -> str:
    if cancelled_at:
        return "cancelled"
    if done_at:
        return "done"
    if today > date.fromisoformat(ends_on):
        return "overdue"
    if started_at or progress > 0:
        return "in_progress"
    return "not_started"


def owners_of(stored: str) -> list[str]:
    """The owners column (a JSON list of unit names) as a new list."""
    return list(_owners(stored))


def _owners(stored: str) -> tuple[str, ...]:
    import json

    return tuple(json.loads(stored)) if stored else ()


def _log(db: Database, *, now: datetime, actor: str, action: str, task_id: int, **detail: Any) -> None:
    """Add to the change log. Imported on the first write, so that reading
    (`tracker list`) does not pay for the log's JSON."""
    from tracker.services import history

    history.record(db, now=now, actor=actor, action=action, task_id=task_id, **detail)


def json_list(stored: str) -> list[Any]:
    # Most measures have no checkpoint and no unknown column: "[]" needs no json import.
    if not stored or stored == "[]":
        return []
    import json

    return list(json.loads(stored))


def document_fields(row: dict[str, Any]) -> dict[str, Any]:
    """section, budget, indicator, target, remarks, extra, checkpoints and
    period_unclear of a task row, as the JSON contract has them."""
    out: dict[str, Any] = {f: row[f] for f in DOCUMENT_FIELDS}
    out["extra"] = [{"header": h, "text": t} for h, t in json_list(row["extra"])]
    out["checkpoints"] = json_list(row["checkpoints"])
    out["period_unclear"] = bool(row["period_unclear"])
    return out


def local_iso(stored: str | None) -> str | None:
    """A stored UTC timestamp as ISO text in Asia/Bangkok."""
    return None if stored is None else from_ts(stored).astimezone(BANGKOK).isoformat()


def _load(
    db: Database, where: str, params: dict[str, Any], columns: str = _TASK_COLUMNS
) -> list[dict[str, Any]]:
    return db.query(
        "SELECT " + columns + _TASK_FROM + where + " ORDER BY p.fiscal_year, t.plan_id, t.position",
        params,
    )


def _children(db: Database, ids: list[int]) -> tuple[dict[int, list[Any]], dict[int, list[Any]]]:
    items: dict[int, list[Any]] = {i: [] for i in ids}
    evidence: dict[int, list[Any]] = {i: [] for i in ids}
    if not ids:
        return items, evidence
    # One query per kind; a plan holds at most a few thousand tasks.
    marks = ",".join(str(int(i)) for i in ids)
    for r in db.query(
        f"SELECT task_id, no, text, done_at FROM task_items WHERE task_id IN ({marks})"
        " ORDER BY task_id, position"
    ):
        items[r["task_id"]].append({"no": r["no"], "text": r["text"], "done": r["done_at"] is not None})
    for r in db.query(
        f"SELECT task_id, ref, title FROM evidence WHERE task_id IN ({marks}) ORDER BY task_id, id"
    ):
        evidence[r["task_id"]].append({"ref": r["ref"], "title": r["title"]})
    return items, evidence


def to_json(row: dict[str, Any], today: date, items: list[Any], evidence: list[Any]) -> dict[str, Any]:
    """A task as the JSON contract (DESIGN.md) describes it."""
    meeting = None
    if row["meeting_id"] is not None:
        meeting = {
            "id": row["meeting_id"],
            "title": row["meeting_title"],
            "month": row["meeting_month"],
            "date": row["meeting_date"],
        }
    return {
        "id": row["id"],
        "number": row["number"],
        "title": row["title"],
        "actions": row["actions"],
        "owners": owners_of(row["owners"]),
        "period": row["period_text"],
        "start": row["starts_on"],
        "end": row["ends_on"],
        "status": status_of(row, today),
        "progress": row["progress"],
        "started_at": local_iso(row["started_at"]),
        "done_at": local_iso(row["done_at"]),
        "meeting": meeting,
        "items": items,
        "outcome": {f: row[f] for f in OUTCOME_FIELDS},
        "evidence": evidence,
        "plan": {
            "id": row["plan_id"],
            "fiscal_year": row["fiscal_year"],
            "organisation": row["organisation"],
        },
        **document_fields(row),
    }


def list_tasks(
    db: Database,
    *,
    now: datetime,
    status: str | None = None,
    owner: str | None = None,
    organisation: str | None = None,
    plan_id: int | None = None,
    plan_ids: Sequence[int] | None = None,
    ids: Sequence[int] | None = None,
    with_children: bool = True,
    brief: bool = False,
) -> list[dict[str, Any]]:
    """Tasks as contract objects, in plan order, filtered (`ids`: only these).

    `brief`: only id, number, title, owners, start, end, status and progress,
    for one-line listings.
    """
    clauses: list[str] = []
    params: dict[str, Any] = {}
    if organisation is not None:
        clauses.append("o.name = :org")
        params["org"] = organisation
    if plan_id is not None:
        clauses.append("t.plan_id = :plan_id")
        params["plan_id"] = plan_id
    if plan_ids is not None:  # the daily reminder run, a batch of plans at a time
        # one array parameter on PostgreSQL: one statement text (and one
        # cached compilation) for any batch
        if db.dialect == "postgresql":
            clauses.append("t.plan_id = ANY(:plan_ids)")
            params["plan_ids"] = [int(p) for p in plan_ids]
        else:
            clauses.append(f"t.plan_id IN ({','.join(str(int(p)) for p in plan_ids) or 'NULL'})")
    if ids is not None:
        clauses.append(f"t.id IN ({','.join(str(int(i)) for i in ids) or 'NULL'})")
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    rows = _load(db, where, params, _BRIEF_COLUMNS if brief else _TASK_COLUMNS)
    today = now.astimezone(BANGKOK).date()
    if status is not None:
        if status not in STATUSES:
            raise InvalidInput(f"สถานะไม่ถูกต้อง (unknown status {status!r}; one of {', '.join(STATUSES)})")
        rows = [r for r in rows if status_of(r, today) == status]
    if owner is not None:
        wanted = " ".join(owner.split())
        rows = [r for r in rows if any(wanted in " ".join(o.split()) for o in _owners(r["owners"]))]
    if brief:
        return [
            {
                "id": r["id"],
                "number": r["number"],
                "title": r["title"],
                "owners": owners_of(r["owners"]),
                "start": r["starts_on"],
                "end": r["ends_on"],
                "status": status_of(r, today),
                "progress": r["progress"],
                "period_unclear": bool(r["period_unclear"]),
            }
            for r in rows
        ]
    ids = [r["id"] for r in rows]
    items, evidence = _children(db, ids) if with_children else ({}, {})
    return [to_json(r, today, items.get(r["id"], []), evidence.get(r["id"], [])) for r in rows]


def report_tasks(db: Database, *, now: datetime, plan_id: int, meeting_id: int) -> list[dict[str, Any]]:
    """The tasks a meeting's report shows: those of the meeting, and those of
    the plan with no follow-up meeting (nowhere else to be reported), in plan
    order, as contract objects."""
    return [t for t in list_tasks(db, now=now, plan_id=plan_id)
            if t["meeting"] is None or t["meeting"]["id"] == meeting_id]


def get_task(db: Database, task_id: int, *, now: datetime) -> dict[str, Any]:
    rows = _load(db, " WHERE t.id = :id", {"id": task_id})
    if not rows:
        raise NotFound(f"ไม่พบงานหมายเลข {task_id} (no task with id {task_id})")
    items, evidence = _children(db, [task_id])
    task = to_json(rows[0], now.astimezone(BANGKOK).date(), items[task_id], evidence[task_id])
    from tracker.services import history  # see _log

    task["history"] = [
        {
            "at": local_iso(h["at"]),
            "actor": h["actor"],
            "action": h["action"],
            "detail": h["detail"],
        }
        for h in history.entries(db, task_id=task_id)
    ]
    return task


def _row(db: Database, task_id: int) -> dict[str, Any]:
    row = db.one(
        "SELECT id, plan_id, title, progress, started_at, done_at, cancelled_at, ends_on, sequence,"
        " edited FROM tasks WHERE id = :id",
        {"id": task_id},
    )
    if row is None:
        raise NotFound(f"ไม่พบงานหมายเลข {task_id} (no task with id {task_id})")
    return row


def _touch(db: Database, task_id: int, now: datetime, **changes: Any) -> None:
    """Apply column changes and move the task's revision (for calendars)."""
    sets = ", ".join(f"{k} = :{k}" for k in changes)
    db.execute(
        f"UPDATE tasks SET {sets}{', ' if sets else ''}sequence = sequence + 1, updated_at = :now"
        " WHERE id = :id",
        {**changes, "now": ts(now), "id": task_id},
    )


def start(db: Database, task_id: int, *, now: datetime, actor: str) -> None:
    row = _row(db, task_id)
    if row["done_at"]:
        raise InvalidInput(f"งาน {task_id} เสร็จแล้ว (task {task_id} is already done; use reopen)")
    if row["started_at"]:
        return
    _touch(db, task_id, now, started_at=ts(now))
    _log(db, now=now, actor=actor, action="start", task_id=task_id)


def set_progress(
    db: Database, task_id: int, percent: int, *, now: datetime, actor: str, note: str | None = None
) -> None:
    if not 0 <= percent <= 100:
        raise InvalidInput(f"ความคืบหน้าต้องอยู่ระหว่าง 0-100 (progress must be 0-100, not {percent})")
    row = _row(db, task_id)
    if row["done_at"] and percent < 100:
        raise InvalidInput(f"งาน {task_id} เสร็จแล้ว (task {task_id} is done; use reopen first)")
    if percent == 100 and not row["done_at"]:
        mark_done(db, task_id, now=now, actor=actor, note=note)
        return
    _touch(db, task_id, now, progress=percent, started_at=row["started_at"] or ts(now))
    _log(
        db,
        now=now,
        actor=actor,
        action="progress",
        task_id=task_id,
        before=row["progress"],
        after=percent,
        note=note or "",
    )


def add_note(db: Database, task_id: int, text: str, *, now: datetime, actor: str) -> None:
    text = text.strip()
    if not text:
        raise InvalidInput("บันทึกว่างเปล่า (the note is empty)")
    _row(db, task_id)
    _touch(db, task_id, now)
    _log(db, now=now, actor=actor, action="note", task_id=task_id, note=text)


def check_item(
    db: Database, task_id: int, item_no: str, *, now: datetime, actor: str, done: bool = True
) -> int:
    """Tick (or untick) one sub-item; progress follows the share ticked. New progress."""
    row = _row(db, task_id)
    items = db.query(
        "SELECT id, no, done_at FROM task_items WHERE task_id = :t ORDER BY position", {"t": task_id}
    )
    match = [i for i in items if _item_key(i["no"]) == _item_key(item_no)]
    if not match:
        nos = ", ".join(i["no"] for i in items) or "ไม่มี (none)"
        raise NotFound(
            f"งาน {task_id} ไม่มีข้อย่อย {item_no} (task {task_id} has no item {item_no}; items: {nos})"
        )
    item = match[0]
    if (item["done_at"] is not None) == done:
        return int(row["progress"])
    db.execute(
        "UPDATE task_items SET done_at = :d WHERE id = :id",
        {"d": ts(now) if done else None, "id": item["id"]},
    )
    ticked = sum(1 for i in items if (i["done_at"] is not None) != (i["id"] == item["id"]))
    progress = row["progress"] if row["done_at"] else round(100 * ticked / len(items))
    _touch(db, task_id, now, progress=progress, started_at=row["started_at"] or ts(now))
    _log(
        db,
        now=now,
        actor=actor,
        action="check" if done else "uncheck",
        task_id=task_id,
        item=item_no,
        progress=progress,
    )
    return int(progress)


def item_label(no: str) -> str:
    """How a sub-item number is shown and typed: "1)(3)" → "1.3"."""
    return ".".join(_item_key(no))


def _item_key(no: str) -> tuple[str, ...]:
    """ "1)(3)", "1.3", "๑.๓" and "1-3" all name the same sub-item."""
    digits = "".join(c if c.isdigit() else " " for c in no.translate(_ARABIC))
    return tuple(str(int(d)) for d in digits.split()) or (no.strip(),)


_ARABIC = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def add_evidence(
    db: Database, task_id: int, ref: str, *, now: datetime, actor: str, title: str | None = None
) -> None:
    ref = ref.strip()
    if not ref or any(c in ref for c in "\r\n\0"):
        raise InvalidInput(
            "หลักฐานต้องเป็น URL หรือชื่อไฟล์หนึ่งบรรทัด (evidence must be one line: a URL or file reference)"
        )
    _row(db, task_id)
    db.execute(
        "INSERT INTO evidence (task_id, ref, title, added_at) VALUES (:t, :ref, :title, :at)",
        {"t": task_id, "ref": ref, "title": (title or "").strip(), "at": ts(now)},
    )
    _touch(db, task_id, now)
    _log(db, now=now, actor=actor, action="evidence", task_id=task_id, ref=ref, title=title or "")


# No ITA plan predates 2500 BE (1957 CE): an earlier done date is a typo or
# a placeholder (COMPLETED:19000101 from a calendar), never a real one.
EARLIEST_DONE_BE = 2500


def plausible_done(moment: datetime) -> bool:
    return moment.year + 543 >= EARLIEST_DONE_BE


def mark_done(
    db: Database,
    task_id: int,
    *,
    now: datetime,
    actor: str,
    note: str | None = None,
    evidence_ref: str | None = None,
    on: datetime | None = None,
) -> None:
    """Finish a task, now or at an earlier time (`on`)."""
    row = _row(db, task_id)
    if row["done_at"]:
        raise InvalidInput(f"งาน {task_id} เสร็จแล้ว (task {task_id} is already done)")
    done_at = on or now
    if done_at > now:
        raise InvalidInput("วันที่เสร็จอยู่ในอนาคต (the done date is in the future)")
    if not plausible_done(done_at):
        raise InvalidInput(
            f"วันที่เสร็จเก่าเกินไป ก่อน พ.ศ. {EARLIEST_DONE_BE} (the done date is before {EARLIEST_DONE_BE - 543})"
        )
    if evidence_ref:
        add_evidence(db, task_id, evidence_ref, now=now, actor=actor)
    # A finished measure has every sub-item done: the ones still open are
    # ticked with it (named in the history, so that `reopen` opens them again).
    still_open = db.query(
        "SELECT id, no FROM task_items WHERE task_id = :t AND done_at IS NULL ORDER BY position",
        {"t": task_id},
    )
    for item in still_open:
        db.execute("UPDATE task_items SET done_at = :d WHERE id = :id", {"d": ts(done_at), "id": item["id"]})
    _touch(db, task_id, now, done_at=ts(done_at), progress=100, started_at=row["started_at"] or ts(done_at))
    _log(
        db,
        now=now,
        actor=actor,
        action="done",
        task_id=task_id,
        done_at=local_iso(ts(done_at)),
        progress_before=row["progress"],
        note=note or "",
        items=[i["no"] for i in still_open],
    )


def done_date_doubts(db: Database, task_id: int, on: datetime) -> list[tuple[str, str]]:
    """Why a typed done date looks like a slip (Thai, English): outside the
    plan's fiscal year (2020 typed for 2563/2566), or before the measure's
    window opened. Empty when it looks right; the caller asks before saving."""
    from tracker.thai import fiscal_year_bounds, format_date

    row = db.one(
        "SELECT t.starts_on, p.fiscal_year FROM tasks t JOIN plans p ON p.id = t.plan_id WHERE t.id = :id",
        {"id": task_id},
    )
    if row is None:
        raise NotFound(f"ไม่พบงานหมายเลข {task_id} (no task with id {task_id})")
    day = on.date()
    fy = int(row["fiscal_year"])
    first, last = fiscal_year_bounds(fy)
    value = row["starts_on"]  # a date on PostgreSQL, ISO text on SQLite
    starts = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    doubts = []
    if not first <= day <= last:
        doubts.append((
            f"วันที่ {format_date(day)} อยู่นอกปีงบประมาณ {fy} ของแผน "
            f"({format_date(first)} - {format_date(last)})",
            f"{day.isoformat()} is outside the plan's fiscal year {fy} ({first} to {last})",
        ))
    elif day < starts:
        doubts.append((
            f"วันที่ {format_date(day)} อยู่ก่อนช่วงดำเนินการของมาตรการ (เริ่ม {format_date(starts)})",
            f"{day.isoformat()} is before the measure's window opens ({starts})",
        ))
    return doubts


# In a task's `edited` marks: cancelled by hand, with the document's title at
# the time; importing the same document again keeps it cancelled.
HAND_CANCELLED = "cancelled"


def cancel(db: Database, task_id: int, *, reason: str, now: datetime, actor: str) -> None:
    """Stop a measure the organisation dropped: no more reminders (queued ones
    are not sent), shown as cancelled in the report and the calendars. Undone
    by `restore`; the history keeps both, with the reason."""
    import json

    reason = " ".join(reason.split())
    if not reason:
        raise InvalidInput("ต้องระบุเหตุผลที่ยกเลิก (--reason: why the measure is cancelled)")
    row = _row(db, task_id)
    if row["cancelled_at"] is not None:
        raise InvalidInput(f"งาน {task_id} ถูกยกเลิกไว้แล้ว (task {task_id} is already cancelled)")
    marks = json.loads(row["edited"] or "{}")
    marks[HAND_CANCELLED] = marks.get("title", row["title"])  # the document's title, if it was edited
    edited = json.dumps(marks, ensure_ascii=False, sort_keys=True)
    _touch(db, task_id, now, cancelled_at=ts(now), edited=edited)
    _log(db, now=now, actor=actor, action="cancel", task_id=task_id, reason=reason)


def restore(db: Database, task_id: int, *, now: datetime, actor: str) -> None:
    """Undo `cancel`: the measure is followed up (and reminded of) again."""
    import json

    row = _row(db, task_id)
    if row["cancelled_at"] is None:
        raise InvalidInput(f"งาน {task_id} ไม่ได้ถูกยกเลิก (task {task_id} is not cancelled)")
    marks = json.loads(row["edited"] or "{}")
    marks.pop(HAND_CANCELLED, None)
    edited = json.dumps(marks, ensure_ascii=False, sort_keys=True)
    _touch(db, task_id, now, cancelled_at=None, edited=edited)
    _log(db, now=now, actor=actor, action="restore", task_id=task_id)


def reopen(db: Database, task_id: int, *, now: datetime, actor: str) -> None:
    """Undo a `done`; the history keeps the record that it was done."""
    row = _row(db, task_id)
    if not row["done_at"]:
        raise InvalidInput(f"งาน {task_id} ยังไม่เสร็จ (task {task_id} is not done)")
    last_done = db.query(
        "SELECT detail FROM history WHERE task_id = :t AND action = 'done' ORDER BY id DESC LIMIT 1",
        {"t": task_id},
    )
    import json

    detail = json.loads(last_done[0]["detail"]) if last_done else {}
    before = detail.get("progress_before", 0)
    # the sub-items that `done` ticked are open again; the ones ticked by hand stay
    ticked = {_item_key(str(n)) for n in detail.get("items") or []}
    reopened = []
    items = db.query("SELECT id, no FROM task_items WHERE task_id = :t ORDER BY position", {"t": task_id})
    for item in items:
        if _item_key(item["no"]) in ticked:
            db.execute("UPDATE task_items SET done_at = NULL WHERE id = :id", {"id": item["id"]})
            reopened.append(item["no"])
    _touch(db, task_id, now, done_at=None, progress=before)
    _log(
        db,
        now=now,
        actor=actor,
        action="reopen",
        task_id=task_id,
        was_done_at=local_iso(row["done_at"]),
        progress=before,
        items=reopened,
    )


def set_outcome(
    db: Database,
    task_id: int,
    fields: dict[str, str],
    *,
    now: datetime,
    actor: str,
    expected: dict[str, str] | None = None,
) -> None:
    """Set any of the report's four fields (result, problems, obstacles, suggestions).

    `expected`: the values the writer started from (a web form). A field
    stored differently by now was changed by someone else meanwhile: nothing
    is written and Conflict names those fields, so no one's text is lost."""
    unknown = set(fields) - set(OUTCOME_FIELDS)
    if unknown:
        raise InvalidInput(f"unknown outcome field(s): {', '.join(sorted(unknown))}")
    if not fields:
        raise InvalidInput(
            "ระบุอย่างน้อยหนึ่งช่อง (give at least one of --result, --problems, --obstacles, --suggestions)"
        )
    _row(db, task_id)
    clean = {k: v.strip() for k, v in fields.items()}
    if expected is not None:
        # FOR UPDATE: a second writer on PostgreSQL waits here for the first
        # one's commit, then sees its text (SQLite's BEGIN IMMEDIATE already
        # serialises writers).
        lock = " FOR UPDATE" if db.dialect == "postgresql" else ""
        stored = db.one(
            "SELECT result, problems, obstacles, suggestions FROM tasks WHERE id = :id" + lock,
            {"id": task_id},
        ) or {}
        now_there = {f: str(stored[f]).strip() for f in clean}
        moved = {f: now_there[f] for f in clean
                 if now_there[f] != expected.get(f, "").strip() and now_there[f] != clean[f]}
        if moved:
            from tracker.errors import Conflict

            raise Conflict(
                "มีผู้อื่นแก้ไขช่องนี้ระหว่างนั้น ข้อความของท่านยังไม่ได้บันทึก "
                f"(changed by someone else meanwhile: {', '.join(sorted(moved))}; nothing saved)",
                fields=moved,
            )
    _touch(db, task_id, now, **clean)
    _log(db, now=now, actor=actor, action="outcome", task_id=task_id, fields=clean)


def owned_by(task: dict[str, Any], unit: str) -> bool:
    """Whether `unit` is one of the task's owners (exactly, spaces aside)."""
    wanted = " ".join(unit.split())
    return any(" ".join(o.split()) == wanted for o in task["owners"])


def unit_tasks(db: Database, *, now: datetime, organisation: str, unit: str) -> list[dict[str, Any]]:
    """The tasks one unit owns in one organisation, as contract objects: the
    newest fiscal year first, each plan in its own order."""
    mine = [t for t in list_tasks(db, now=now, organisation=organisation) if owned_by(t, unit)]
    return sorted(mine, key=lambda t: -int(t["plan"]["fiscal_year"]))


def tasks_with_evidence(db: Database, ref: str) -> list[int]:
    """The ids of the tasks that have `ref` as evidence."""
    return [int(r["task_id"]) for r in db.query(
        "SELECT DISTINCT task_id FROM evidence WHERE ref = :r ORDER BY task_id", {"r": ref})]
