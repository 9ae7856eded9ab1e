"""Imported plans and their ITA baseline."""

from __future__ import annotations

import calendar
import json
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from tracker.db.connection import Database, ts
from tracker.errors import NO_PLAN_YET, InvalidInput, NotFound
from tracker.services import history


def list_plans(db: Database, *, organisation: str | None = None) -> list[dict[str, Any]]:
    sql = (
        "SELECT p.id FROM plans p JOIN organisations o ON o.id = p.organisation_id"
        + (" WHERE o.name = :org" if organisation else "")
        + " ORDER BY o.name, p.fiscal_year"
    )
    return [get_plan(db, r["id"]) for r in db.query(sql, {"org": organisation})]


def latest_plan_id(db: Database, *, organisation: str | None = None) -> int:
    row = db.one(
        "SELECT p.id FROM plans p JOIN organisations o ON o.id = p.organisation_id"
        + (" WHERE o.name = :org" if organisation else "")
        + " ORDER BY p.fiscal_year DESC, p.id DESC LIMIT 1",
        {"org": organisation},
    )
    if row is None:
        raise NotFound(NO_PLAN_YET)
    return int(row["id"])


def get_plan(db: Database, plan_id: int) -> dict[str, Any]:
    """A plan as the JSON contract describes it, with its ITA baseline."""
    from tracker import ita

    row = db.one(
        "SELECT p.*, o.name AS organisation FROM plans p"
        " JOIN organisations o ON o.id = p.organisation_id WHERE p.id = :id",
        {"id": plan_id},
    )
    if row is None:
        raise NotFound(f"ไม่พบแผนหมายเลข {plan_id} (no plan with id {plan_id})")
    indicators = [
        {"no": r["no"], "name": r["name"], "group": r["grp"], "score": r["score"]}
        for r in db.query(
            "SELECT no, name, grp, score FROM ita_indicators WHERE plan_id = :p ORDER BY no", {"p": plan_id}
        )
    ]
    computed = (
        ita.overall_or_none([ita.Score(i["group"], i["score"]) for i in indicators]) if indicators else None
    )
    counts = db.one(
        "SELECT COUNT(*) AS n FROM tasks WHERE plan_id = :p AND cancelled_at IS NULL", {"p": plan_id}
    )
    from tracker.services.tasks import local_iso

    return {
        "id": row["id"],
        "organisation": row["organisation"],
        "fiscal_year": row["fiscal_year"],
        "title": row["title"],
        "source": row["source"],
        "adopted_on": row["adopted_on"],
        "adoption_meeting": row["adoption_meeting"],
        "measures": counts["n"] if counts else 0,
        "archived_at": local_iso(row["archived_at"]),
        "ita": {
            "assessed_year": row["ita_assessed_year"],
            "indicators": indicators,
            "stated_overall": row["ita_stated_overall"],
            "stated_grade": row["ita_stated_grade"],
            "computed_overall": computed,
            "grade": ita.grade(computed) if computed is not None else row["ita_stated_grade"],
            "improvements": json.loads(row["ita_improvements"] or "[]"),
        },
    }


# ------------------------------------------------------------ archive


def archive(db: Database, plan_id: int, *, reason: str = "", now: datetime, actor: str) -> None:
    """`tracker archive PLAN`: a finished plan; its measures get no more
    reminders (what is queued is not sent) until `unarchive`. The history
    keeps both, with the reason."""
    reason = " ".join(reason.split())
    row = _plan_row(db, plan_id)
    if row["archived_at"] is not None:
        raise InvalidInput(f"แผน {plan_id} ถูกเก็บถาวรไว้แล้ว (plan {plan_id} is already archived)")
    _set_archived(db, plan_id, ts(now), now)
    history.record(db, now=now, actor=actor, action="archive", plan_id=plan_id, reason=reason,
                   fiscal_year=row["fiscal_year"])


def unarchive(db: Database, plan_id: int, *, now: datetime, actor: str) -> None:
    """Undo `archive`: the plan's measures are reminded of again."""
    row = _plan_row(db, plan_id)
    if row["archived_at"] is None:
        raise InvalidInput(f"แผน {plan_id} ไม่ได้ถูกเก็บถาวร (plan {plan_id} is not archived)")
    _set_archived(db, plan_id, None, now)
    history.record(db, now=now, actor=actor, action="unarchive", plan_id=plan_id,
                   fiscal_year=row["fiscal_year"])


def _plan_row(db: Database, plan_id: int) -> dict[str, Any]:
    row = db.one("SELECT id, fiscal_year, archived_at FROM plans WHERE id = :p", {"p": plan_id})
    if row is None:
        raise NotFound(f"ไม่พบแผนหมายเลข {plan_id} ดูด้วย tracker plan list (no plan with id {plan_id})")
    return row


def _set_archived(db: Database, plan_id: int, value: str | None, now: datetime) -> None:
    db.execute("UPDATE plans SET archived_at = :a, updated_at = :now WHERE id = :p",
               {"a": value, "now": ts(now), "p": plan_id})
    # The daily run's mark says what it decided for the plan's tasks as they
    # were (reminders/candidates.py); none of them changed, so without the
    # mark the next run looks at every task of the plan again, as a run over
    # everything would.
    db.execute("DELETE FROM reminder_marks WHERE plan_id = :p", {"p": plan_id})


def archived_plan_ids(db: Database, plan_ids: Sequence[int]) -> set[int]:
    """Those of `plan_ids` that are archived (their measures get no reminders); one query."""
    ids = [int(p) for p in plan_ids]
    if not ids:
        return set()
    return {int(r[0]) for r in db.rows(
        f"SELECT id FROM plans WHERE archived_at IS NOT NULL AND id IN ({','.join(map(str, ids))})")}


# ------------------------------------------------------------ end of season


def season_over(fiscal_year: int, meeting_days: Sequence[date], today: date, grace_days: int) -> bool:
    """True when BE fiscal year `fiscal_year` (1 Oct CE N-544 to 30 Sep CE
    N-543) and every follow-up meeting day are more than `grace_days` days
    before `today`: the plan's season is over, its reminders stop. A meeting
    set after the fiscal year (the last quarter's follow-up in October)
    keeps the season open until it too is `grace_days` behind."""
    return today > season_last_day(fiscal_year, meeting_days, grace_days)


def season_last_day(fiscal_year: int, meeting_days: Sequence[date], grace_days: int) -> date:
    """The last day a plan's reminders may go out: `season_over` is true on
    every day after it (a season's preview drops a plan's tasks from then on)."""
    if grace_days < 0:
        raise InvalidInput(f"จำนวนวันผ่อนผันต้องไม่ติดลบ (grace days must not be negative: {grace_days})")
    from tracker.thai import fiscal_year_bounds

    return max([fiscal_year_bounds(fiscal_year)[1], *meeting_days]) + timedelta(days=grace_days)


def meeting_day_or_month_end(held_on: str | None, month: str) -> date:
    """A follow-up meeting's day for the end of season: the day set, or,
    known only by its month ("YYYY-MM"), the month's last day (the latest it
    can be: a season never ends before its meeting)."""
    if held_on:
        return date.fromisoformat(str(held_on)[:10])
    year, mon = (int(x) for x in month.split("-"))
    return date(year, mon, calendar.monthrange(year, mon)[1])


def ended_plan_ids(db: Database, plan_ids: Sequence[int], *, today: date, grace_days: int) -> set[int]:
    """Those of `plan_ids` whose season is over at `today` (`season_over`;
    cancelled meetings do not count); two queries."""
    return {p for p, last in season_last_days(db, plan_ids, grace_days=grace_days).items() if today > last}


def season_last_days(db: Database, plan_ids: Sequence[int], *, grace_days: int) -> dict[int, date]:
    """{plan id: `season_last_day`} of these plans, from their fiscal year and
    follow-up meetings (a meeting known by its month counts to the month's
    last day; a cancelled one not at all); two queries."""
    ids = [int(p) for p in plan_ids]
    if not ids:
        return {}
    marks = ",".join(map(str, ids))
    years = {int(p): int(fy) for p, fy in db.rows(f"SELECT id, fiscal_year FROM plans WHERE id IN ({marks})")}
    days: dict[int, list[date]] = {p: [] for p in years}
    for plan_id, held_on, month in db.rows(
        f"SELECT plan_id, held_on, month FROM meetings WHERE cancelled_at IS NULL AND plan_id IN ({marks})"
    ):
        days[int(plan_id)].append(meeting_day_or_month_end(held_on, str(month)))
    return {p: season_last_day(fy, days[p], grace_days) for p, fy in years.items()}


def quiet_plan_ids(db: Database, plan_ids: Sequence[int], *, today: date, grace_days: int) -> set[int]:
    """Those of `plan_ids` that get no reminders at `today`: archived, or their season over."""
    return archived_plan_ids(db, plan_ids) | ended_plan_ids(db, plan_ids, today=today, grace_days=grace_days)


def task_ids(db: Database, plan_ids: Sequence[int]) -> list[int]:
    """Every task of these plans (a quiet plan's queued mail is cancelled by task)."""
    ids = [int(p) for p in plan_ids]
    if not ids:
        return []
    return [int(r[0]) for r in db.rows(
        f"SELECT id FROM tasks WHERE plan_id IN ({','.join(map(str, ids))}) ORDER BY id")]
