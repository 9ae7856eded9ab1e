"""The meeting report as a value: pure, no database, no language.

`build_report` takes what the services return (task dicts in the JSON
contract, the plan dict, the meeting dict) and `now`, and returns one plain
dict: codes, ISO dates and Arabic numbers only, so it can be dumped as JSON
as it is and rendered in any language and digits (words.py, render.py).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from tracker import ita, thai
from tracker.clock import BANGKOK
from tracker.services.tasks import OUTCOME_FIELDS

STATUSES = ("done", "in_progress", "not_started", "overdue", "cancelled")
# The NACC's pass mark: an organisation (or an indicator) scoring under 85 has
# "not passed". Below it an indicator is weak and the plan should answer it.
PASS_MARK = 85.0


# ---------------------------------------------------------------- meeting


def meeting_day(meeting: Mapping[str, Any]) -> date:
    """The day a meeting is held, or the last day of its month while undated
    (an undated April meeting is still "next" on 30 April)."""
    if meeting.get("date"):
        return date.fromisoformat(str(meeting["date"]))
    year, month = (int(p) for p in str(meeting["month"]).split("-"))
    return date(year, month, calendar.monthrange(year, month)[1])


def choose_meeting(meetings: Sequence[Mapping[str, Any]], today: date) -> Mapping[str, Any] | None:
    """The next meeting on or after `today`, else the latest one before it
    (a cancelled meeting only when there is no other)."""
    if not meetings:
        return None
    meetings = [m for m in meetings if not m.get("cancelled_at")] or meetings
    keyed = sorted(meetings, key=lambda m: (meeting_day(m), int(m["id"])))
    for m in keyed:
        if meeting_day(m) >= today:
            return m
    return keyed[-1]


# ---------------------------------------------------------------- indicators


# What name matching compares: the Thai letters alone (U+0E3B..U+0E3E are
# unassigned), since copies of a plan differ in spacing, digits, punctuation
# and invisible characters, and write ำ either way (thai.tidy).
_NOT_LETTER = re.compile("[^\u0e01-\u0e3a\u0e3f-\u0e4e]+")
_NUMBER = re.compile(r"ตัวชี้วัด(?:ย่อย)?\s*ที่\s*([0-9]{1,2})(?![0-9])")  # "ตัวชี้วัดย่อยที่ 9.3" is 9's


def _letters(text: str) -> str:
    return _NOT_LETTER.sub("", thai.tidy(text))


@lru_cache(maxsize=1)
def _name_keys() -> tuple[tuple[int, str], ...]:
    """Every known spelling of each indicator (the NACC name and its
    variants), by number."""
    return tuple((no, _letters(name)) for no, name in ita.indicator_names())


def indicator_mentions(title: str, actions: str) -> list[dict[str, Any]]:
    """The ITA indicators a measure names explicitly, with how and where.

    Only explicit mentions count: the indicator's name written out, or
    "ตัวชี้วัดที่ N". A measure merely about a related topic is not linked;
    the report must not claim more than the plan says.
    """
    found: dict[int, dict[str, Any]] = {}

    def add(no: int, via: str, where: str) -> None:
        if no not in found:
            found[no] = {"no": no, "name": ita.INDICATORS[no - 1][1], "via": via, "where": where}

    for where, text in (("title", title), ("actions", actions)):
        letters = _letters(text)
        for no, key in _name_keys():
            if key in letters:
                add(no, "name", where)
        if "ตัวชี้วัด" in letters:
            for m in _NUMBER.finditer(thai.normalize(text)):
                if 1 <= int(m[1]) <= len(ita.INDICATORS):
                    add(int(m[1]), "number", where)
    return [found[k] for k in sorted(found)]


def _baseline(plan: Mapping[str, Any], measures: Sequence[Mapping[str, Any]]) -> dict[str, Any] | None:
    base = plan.get("ita") or {}
    raw = base.get("indicators") or []
    if not raw:
        return None
    scores = [ita.Score(i["group"], i["score"]) for i in raw]
    means = ita.group_means(scores)
    named_by: dict[int, list[dict[str, Any]]] = {}
    for m in measures:
        for mention in m["indicators"]:
            named_by.setdefault(mention["no"], []).append(
                {
                    "number": m["number"],
                    "title": m["title"],
                    "via": mention["via"],
                    "where": mention["where"],
                }
            )
    rows = [
        {
            "no": i["no"],
            "name": i["name"],
            "group": i["group"],
            "score": i["score"],
            "weak": i["score"] is not None and i["score"] < PASS_MARK,
            "measures": named_by.get(i["no"], []),
        }
        for i in sorted(raw, key=lambda i: i["no"])
    ]
    groups = [
        {
            "group": g,
            "weight": ita.WEIGHTS[g],
            "mean": round(means[g], 2) if g in means else None,
            "indicators": [r for r in rows if r["group"] == g],
        }
        for g in ita.WEIGHTS
    ]
    computed = ita.overall_or_none(scores)
    return {
        "assessed_year": base.get("assessed_year"),
        "groups": groups,
        "computed_overall": computed,
        "stated_overall": base.get("stated_overall"),
        "grade": ita.grade(computed) if computed is not None else base.get("stated_grade"),
        "stated_grade": base.get("stated_grade"),
        "pass_mark": PASS_MARK,
        "weak": [r for r in rows if r["weak"]],
    }


# ---------------------------------------------------------------- measures


def _measure(task: Mapping[str, Any], indicators: list[dict[str, Any]]) -> dict[str, Any]:
    """One measure of the report. Its items and evidence are the task's own
    lists: nothing here or in the renderers changes them."""
    got = task["outcome"]
    outcome = {f: (got.get(f) or "").strip() for f in OUTCOME_FIELDS}
    items = task["items"]
    done_at = task["done_at"]
    return {
        "id": task["id"],
        "number": task["number"],
        "title": task["title"],
        "actions": task.get("actions") or "",
        "owners": list(task["owners"]),
        "start": task["start"],
        "end": task["end"],
        "period": task.get("period") or "",
        # The plan document's own columns; a task read without them has none.
        "period_unclear": bool(task.get("period_unclear")),
        "section": task.get("section") or "",
        "budget": task.get("budget") or "",
        "indicator": task.get("indicator") or "",
        "target": task.get("target") or "",
        "status": task["status"],
        "progress": int(task["progress"]),
        "done_at": done_at,
        "done_on": datetime.fromisoformat(done_at).astimezone(BANGKOK).date().isoformat()
        if done_at
        else None,
        "items": items,
        "items_done": len([i for i in items if i["done"]]),
        "evidence": task["evidence"],
        "outcome": outcome,
        "missing": [f for f in OUTCOME_FIELDS if not outcome[f]],
        "indicators": indicators,
    }


def _summary(measures: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    counts = {s: sum(1 for m in measures if m["status"] == s) for s in STATUSES}
    live = [m["progress"] for m in measures if m["status"] != "cancelled"]
    return {
        "total": len(measures),
        **counts,
        # A cancelled measure is not work left to do; it does not pull the mean down.
        "progress": round(sum(live) / len(live)) if live else 0,
        "incomplete_outcomes": sum(1 for m in measures if m["missing"] and m["status"] != "cancelled"),
    }


def _span(measures: Sequence[Mapping[str, Any]], as_of: date, meeting: date) -> dict[str, str]:
    """First and last day the timeline must show: every window, today and the meeting."""
    days = [as_of, meeting]
    for m in measures:
        days += [date.fromisoformat(m["start"]), date.fromisoformat(m["end"])]
    return {"start": min(days).isoformat(), "end": max(days).isoformat()}


# ---------------------------------------------------------------- the report


def build_report(
    *,
    tasks: Sequence[Mapping[str, Any]],
    plan: Mapping[str, Any],
    meeting: Mapping[str, Any],
    now: datetime,
    report_settings: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The report of `meeting` at `now` from the given tasks (already chosen)."""
    conf = report_settings or {}
    as_of = now.astimezone(BANGKOK).date()
    measures = [_measure(t, indicator_mentions(t["title"], t.get("actions") or "")) for t in tasks]
    return {
        "organisation": plan["organisation"],
        "fiscal_year": plan["fiscal_year"],
        "plan": {"id": plan["id"], "title": plan.get("title") or ""},
        "meeting": {
            "id": meeting["id"],
            "title": meeting["title"],
            "month": meeting["month"],
            "date": meeting.get("date"),
            "time": meeting.get("time"),
            "place": meeting.get("place"),
            "day": meeting_day(meeting).isoformat(),
        },
        "as_of": as_of.isoformat(),
        "generated_at": now.astimezone(BANGKOK).isoformat(),
        "summary": _summary(measures),
        "measures": measures,
        "ita": _baseline(plan, measures),
        "timeline": _span(measures, as_of, meeting_day(meeting)),
        "signature": {
            "reporter": str(conf.get("reporter") or ""),
            "position": str(conf.get("position") or ""),
            "executive": str(conf.get("executive") or ""),
            "executive_position": str(conf.get("executive_position") or ""),
        },
    }


def incomplete(report: Mapping[str, Any]) -> Iterator[tuple[str, list[str]]]:
    """(measure number, empty outcome fields) for each measure still missing
    some; as many as the summary's "incomplete_outcomes"."""
    return (
        (m["number"], list(m["missing"]))
        for m in report["measures"]
        if m["missing"] and m["status"] != "cancelled"
    )
