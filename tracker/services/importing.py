"""Apply a read plan to the database: create it, or update it in place.

Identity: a plan is (organisation, fiscal year); a meeting is (plan, month +
title); a task is found again by what people recognise a measure by, not by
its number, which an edited plan changes (a measure inserted at the top
renumbers all the others):

1. its normalised title (see `title_key`);
2. failing that, its number and owners together (a measure renamed in place).

Every recorded thing (progress, done, ticks, outcome, evidence, history, the
calendar UIDs) belongs to the task, so it stays with its measure. Two measures
that could both be one old task stop the import before anything is written. A
task whose measure left the document is cancelled, not deleted; a new measure
becomes a new task.
"""

from __future__ import annotations

import html
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tracker import thai
from tracker.calendar.uids import number_key, title_key
from tracker.db.connection import Database, ts
from tracker.errors import InvalidInput
from tracker.plans.model import Measure, MeetingRef, Plan
from tracker.services import history
from tracker.services.tasks import HAND_CANCELLED, item_label

# The groups of columns `tracker edit` can correct, and the column whose
# document value tells whether the document still says what it said then.
EDIT_GROUPS: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "owners": ("owners",),
    "period": ("period_text", "starts_on", "ends_on", "checkpoints", "period_unclear"),
    "meeting": ("meeting_id",),
}
_WATCHED = {"title": "title", "owners": "owners", "period": "period_text", "meeting": "meeting_id"}

_FIELDS = (
    "number",
    "position",
    "title",
    "actions",
    "owners",
    "period_text",
    "starts_on",
    "ends_on",
    "followup_text",
    "meeting_id",
    "checkpoints",
    "period_unclear",
    "section",
    "budget",
    "indicator",
    "target",
    "remarks",
    "extra",
)


@dataclass
class Change:
    """One task's fate in an import, for the summary and `--dry-run`."""

    kind: str  # "new" | "updated" | "unchanged" | "cancelled"
    number: str  # as in the document (the old number for a cancelled task)
    title: str
    task_id: int | None = None
    # What a reader of the plan would call a change: "title", "number",
    # "owners" (lists of names), "window" ((start, end) ISO pairs).
    diffs: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    measure: Measure | None = None  # what the document says (None for a cancelled task)
    unclear: bool = False  # its window is only the fiscal year: the period needs `tracker edit`


@dataclass
class ImportSummary:
    plan_id: int = 0
    plan_created: bool = False
    created: list[str] = field(default_factory=list)  # measure numbers
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    meetings: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)  # in document order, cancelled last
    unclear: list[str] = field(default_factory=list)  # numbers whose period needs `tracker edit`


def meeting_key(ref: MeetingRef) -> str:
    return f"{ref.year:04d}-{ref.month:02d} {' '.join(ref.title.split())}"


_TAGS = re.compile(r"<[^>]*>")
# "1.", "๑)", "(2)", "ข้อ 3", "มาตรการที่ 4 :" before the title itself
_LEADING_NUMBER = re.compile(
    r"^\s*(?:มาตรการที่|มาตรการ|ข้อ)?\s*[(\[]?\s*\d+(?:\s*[.)\]:-]\s*\d+)*\s*[.)\]:-]?\s*"
)
# Spacing and punctuation, which retyping changes; digits inside the title stay
# (as Arabic digits): "ประชุมครั้งที่ 1" and "ประชุมครั้งที่ 2" are two measures.
_IGNORED = re.compile(r"[\s.,:;()\[\]\"'“”‘’\-–—/]+")


def match_key(title: str) -> str:
    """A title as matching sees it: HTML, the leading number, spaces and
    punctuation removed, digits made Arabic, so "1. จัดทำ<b>คู่มือ</b> ๒๕๖๖"
    and "๒.  จัดทำคู่มือ 2566" are the same measure."""
    s = _TAGS.sub(" ", html.unescape(title))
    s = thai.normalize(s)
    s = _LEADING_NUMBER.sub("", s, count=1)
    return _IGNORED.sub("", s).casefold()


def _values(m: Measure, position: int, meeting_id: int | None) -> dict[str, Any]:
    return {
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
        "checkpoints": json.dumps([d.isoformat() for d in m.checkpoints]),
        "period_unclear": int(m.period_unclear),
        "section": m.section,
        "budget": m.budget,
        "indicator": m.indicator,
        "target": m.target,
        "remarks": m.remarks,
        "extra": json.dumps([list(pair) for pair in m.extra], ensure_ascii=False),
    }


# ---------------------------------------------------------------- matching


def _doc_title(row: dict[str, Any]) -> str:
    """The title the document gave an old task (an edited title is ours, not the document's)."""
    return str(json.loads(row["edited"] or "{}").get("title", row["title"]))


def _doc_owners(row: dict[str, Any]) -> str:
    return str(json.loads(row["edited"] or "{}").get("owners", row["owners"]))


def _label(number: str, title: str) -> str:
    return f"ข้อ {number} «{' '.join(title.split())[:60]}»"


def _ambiguous(measures: list[Measure], rows: list[dict[str, Any]]) -> InvalidInput:
    new = ", ".join(_label(m.number, m.title) for m in measures)
    old = ", ".join(f"#{r['id']}" for r in rows)
    return InvalidInput(
        f"แยกไม่ออกว่ามาตรการใดเป็นงานเดิม: {new} อาจเป็นงาน {old} ไม่ได้นำเข้า แก้ชื่อมาตรการให้ต่างกัน"
        f" (cannot tell these measures apart: each could be task {old}; nothing imported)"
    )


def _pair(measures: list[Measure], rows: list[dict[str, Any]], matched: dict[int, dict[str, Any]]) -> None:
    """Pair the measures and old tasks sharing one title (or number + owners).

    One on each side: a pair. More: first the exact pairs (same number and
    owners too); if then more than one could still be the same old task the
    plan is ambiguous."""
    free_m = [m for m in measures if id(m) not in matched]
    free_r = [r for r in rows if r["id"] not in {v["id"] for v in matched.values()}]
    if len(free_m) > 1 or len(free_r) > 1:
        for m in list(free_m):
            owners = json.dumps(list(m.owners), ensure_ascii=False)
            exact = [r for r in free_r if r["number"] == m.number and _doc_owners(r) == owners]
            if len(exact) == 1:
                matched[id(m)] = exact[0]
                free_m.remove(m)
                free_r.remove(exact[0])
    if not free_m or not free_r:
        return
    if len(free_m) == 1 and len(free_r) == 1:
        matched[id(free_m[0])] = free_r[0]
        return
    raise _ambiguous(free_m, free_r)


def match(measures: tuple[Measure, ...], rows: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """Which old task (row) each measure continues: {id(measure): row}.

    Raises InvalidInput when two measures could be the same old task."""
    matched: dict[int, dict[str, Any]] = {}
    by_title_m: dict[str, list[Measure]] = defaultdict(list)
    by_title_r: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for m in measures:
        by_title_m[match_key(m.title)].append(m)
    for r in rows:
        by_title_r[match_key(_doc_title(r))].append(r)
    for key, group in by_title_m.items():
        if key and key in by_title_r:
            _pair(group, by_title_r[key], matched)

    taken = {r["id"] for r in matched.values()}
    by_slot_m: dict[tuple[str, str], list[Measure]] = defaultdict(list)
    by_slot_r: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for m in measures:
        if id(m) not in matched:
            by_slot_m[(m.number, json.dumps(list(m.owners), ensure_ascii=False))].append(m)
    for r in rows:
        # A cancelled task comes back for its own title only: a number and
        # owner it once had say little once the measure has left the plan.
        if r["id"] not in taken and r["cancelled_at"] is None:
            by_slot_r[(r["number"], _doc_owners(r))].append(r)
    for slot, group in by_slot_m.items():
        if slot in by_slot_r:
            _pair(group, by_slot_r[slot], matched)
    return matched


# ---------------------------------------------------------------- writing


def import_plan(db: Database, plan: Plan, *, source: str, now: datetime, actor: str) -> ImportSummary:
    summary = ImportSummary()
    stamp = ts(now)
    org = db.one("SELECT id FROM organisations WHERE name = :n", {"n": plan.organisation})
    existing = (
        db.one(
            "SELECT id FROM plans WHERE organisation_id = :org AND fiscal_year = :fy",
            {"org": org["id"], "fy": plan.fiscal_year},
        )
        if org is not None
        else None
    )
    old_rows = (
        db.query(
            "SELECT id, number, title, actions, owners, period_text, starts_on, ends_on,"
            " followup_text, meeting_id, position, cancelled_at, checkpoints, period_unclear,"
            " section, budget, indicator, target, remarks, extra, uid_key, edited, result"
            " FROM tasks WHERE plan_id = :p ORDER BY position, id",
            {"p": existing["id"]},
        )
        if existing is not None
        else []
    )
    matched = match(plan.measures, old_rows)  # may refuse: before anything is written

    org_id = int(org["id"]) if org is not None else _organisation(db, plan.organisation, stamp)
    plan_id = _plan(db, plan, org_id, existing, source, stamp, summary)
    meeting_ids: dict[str, int] = {}
    for m in plan.measures:
        if m.meeting is not None and meeting_key(m.meeting) not in meeting_ids:
            key = meeting_key(m.meeting)
            meeting_ids[key] = _meeting(db, plan_id, key, m.meeting, stamp)
            summary.meetings.append(key)

    keys = {r["uid_key"] for r in old_rows}
    for position, m in enumerate(plan.measures):
        meeting_id = meeting_ids[meeting_key(m.meeting)] if m.meeting else None
        values = _values(m, position, meeting_id)
        old = matched.get(id(m))
        if old is None:
            change = _create(db, plan_id, m, values, keys, now, actor)
        else:
            change = _update(db, m, values, old, now, actor)
        _sync_items(db, change.task_id or 0, m)
        _record(summary, change)
        if values["period_unclear"]:  # after _update, a corrected period stays corrected
            change.unclear = True
            summary.unclear.append(m.number)

    kept = {r["id"] for r in matched.values()}
    for row in old_rows:
        if row["id"] not in kept and row["cancelled_at"] is None:
            _cancel(db, row, now, actor)
            _record(summary, Change("cancelled", row["number"], row["title"], row["id"]))

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


def _record(summary: ImportSummary, change: Change) -> None:
    summary.changes.append(change)
    lists = {"new": summary.created, "updated": summary.updated, "unchanged": summary.unchanged}
    lists.get(change.kind, summary.cancelled).append(change.number)


def _plan(
    db: Database,
    plan: Plan,
    org_id: int,
    existing: dict[str, Any] | None,
    source: str,
    stamp: str,
    summary: ImportSummary,
) -> int:
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
    return plan_id


def _organisation(db: Database, name: str, stamp: str) -> int:
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


def _create(
    db: Database,
    plan_id: int,
    m: Measure,
    values: dict[str, Any],
    keys: set[str],
    now: datetime,
    actor: str,
) -> Change:
    # The number's key while it is free (a fresh import gives the UIDs it
    # always gave); a title's key when an older task already holds it.
    key = number_key(m.number)
    if key in keys:
        key = title_key(match_key(m.title) or m.title, keys)
    keys.add(key)
    task_id = db.insert(
        "INSERT INTO tasks (plan_id, " + ", ".join(_FIELDS) + ", result, uid_key, updated_at)"
        " VALUES (:plan_id, " + ", ".join(f":{f}" for f in _FIELDS) + ", :result, :uid_key, :now)"
        " RETURNING id",
        {**values, "plan_id": plan_id, "result": m.result.strip(), "uid_key": key, "now": ts(now)},
    )
    history.record(db, now=now, actor=actor, action="create", task_id=task_id, plan_id=plan_id)
    return Change("new", m.number, m.title, task_id, measure=m)


def _keep_edits(values: dict[str, Any], old: dict[str, Any]) -> dict[str, Any]:
    """Leave what `tracker edit` corrected while the document still says what
    it said then; the edit marks that still hold."""
    edited: dict[str, Any] = json.loads(old["edited"] or "{}")
    kept = {}
    for group, doc_value in edited.items():
        if group in EDIT_GROUPS and values[_WATCHED[group]] == doc_value:
            kept[group] = doc_value
            for column in EDIT_GROUPS[group]:
                values[column] = old[column]
    return kept


def _diffs(values: dict[str, Any], old: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    diffs: dict[str, tuple[Any, Any]] = {}
    if old["title"] != values["title"]:
        diffs["title"] = (old["title"], values["title"])
    if old["number"] != values["number"]:
        diffs["number"] = (old["number"], values["number"])
    if old["owners"] != values["owners"]:
        diffs["owners"] = (json.loads(old["owners"]), json.loads(values["owners"]))
    if (old["starts_on"], old["ends_on"]) != (values["starts_on"], values["ends_on"]):
        diffs["window"] = ((old["starts_on"], old["ends_on"]), (values["starts_on"], values["ends_on"]))
    return diffs


def _update(
    db: Database, m: Measure, values: dict[str, Any], old: dict[str, Any], now: datetime, actor: str
) -> Change:
    task_id = int(old["id"])
    # Cancelled by hand (`tracker cancel`) while the document still has the
    # measure under the title it had then: it stays cancelled.
    by_hand = json.loads(old["edited"] or "{}").get(HAND_CANCELLED)
    stays_cancelled = old["cancelled_at"] is not None and by_hand is not None and values["title"] == by_hand
    kept = _keep_edits(values, old)
    if stays_cancelled:
        kept[HAND_CANCELLED] = by_hand
    edited = json.dumps(kept, ensure_ascii=False, sort_keys=True)
    changed = [f for f in _FIELDS if old[f] != values[f]]
    items_changed = _items_differ(db, task_id, m)
    # The document's own result fills an empty outcome, never what people wrote.
    result = m.result.strip() if not old["result"] and m.result.strip() else old["result"]
    if result != old["result"]:
        changed.append("result")
    returns = old["cancelled_at"] is not None and not stays_cancelled
    if not (changed or items_changed or returns or edited != (old["edited"] or "{}")):
        return Change("unchanged", m.number, m.title, task_id, measure=m)
    db.execute(
        "UPDATE tasks SET " + ", ".join(f"{f} = :{f}" for f in _FIELDS) + ", result = :result,"
        " edited = :edited, cancelled_at = :cancelled, sequence = sequence + 1, updated_at = :now"
        " WHERE id = :id",
        {**values, "result": result, "edited": edited, "now": ts(now), "id": task_id,
         "cancelled": old["cancelled_at"] if stays_cancelled else None},
    )
    diffs = _diffs(values, old)
    history.record(
        db,
        now=now,
        actor=actor,
        action="update",
        task_id=task_id,
        fields=changed + (["items"] if items_changed else []),
        changes={k: list(v) for k, v in diffs.items()},
    )
    return Change("updated", m.number, m.title, task_id, diffs, measure=m)


def _cancel(db: Database, row: dict[str, Any], now: datetime, actor: str) -> None:
    db.execute(
        "UPDATE tasks SET cancelled_at = :now, sequence = sequence + 1, updated_at = :now WHERE id = :id",
        {"now": ts(now), "id": row["id"]},
    )
    history.record(
        db, now=now, actor=actor, action="cancel", task_id=row["id"], reason="removed from the plan document"
    )


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
