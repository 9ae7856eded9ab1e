"""Imported plans and their ITA baseline."""

from __future__ import annotations

import json
from typing import Any

from tracker.db.connection import Database
from tracker.errors import NO_PLAN_YET, NotFound


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
    return {
        "id": row["id"],
        "organisation": row["organisation"],
        "fiscal_year": row["fiscal_year"],
        "title": row["title"],
        "source": row["source"],
        "adopted_on": row["adopted_on"],
        "adoption_meeting": row["adoption_meeting"],
        "measures": counts["n"] if counts else 0,
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
