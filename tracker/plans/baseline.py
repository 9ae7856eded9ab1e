"""The ITA section of a plan document: indicator scores, overall score, grade."""

from __future__ import annotations

import re
from functools import lru_cache

from tracker.ita import match_indicator
from tracker.plans.html import cell_text
from tracker.plans.model import Baseline, Indicator, Problem
from tracker.thai import normalize


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    return {
        "trailing_score": re.compile(r"([0-9]{1,3}(?:\.[0-9]{1,3})?)\s*(?:คะแนน)?\s*$"),
        "score": re.compile(r"^([0-9]{1,3}(?:\.[0-9]{1,3})?)\s*(?:คะแนน)?$"),
        "overall_before": re.compile(r"([0-9]{2,3}(?:\.[0-9]{1,3})?)\s*คะแนน"),
        "overall_after": re.compile(
            r"คะแนน(?:รวม|เฉลี่ย|ITA)?\s*(?:เท่ากับ|ได้|คือ|:)?\s*([0-9]{2,3}\.[0-9]{1,3})"
        ),
        "grade": re.compile(r"ระดับ\s*(?:คะแนน\s*)?(AA|A|B|C|D|E|F)(?![A-Za-z])"),
        "year": re.compile(r"ปี(?:งบประมาณ)?\s*(?:พ\.?\s?ศ\.?)?\s*(2[4-9][0-9]{2})(?![0-9])"),
    }


def _is_column_heading(text: str) -> bool:
    """The heading over the assessor's points, not a point itself."""
    s = text.replace(" ", "")
    return len(s) < 40 and any(w in s for w in ("ประเด็น", "ข้อเสนอแนะ", "แก้ไขปรับปรุง"))


def read_baseline(lines: list[tuple[int, str]], problems: list[Problem]) -> Baseline | None:
    """The ITA baseline in `lines` (line number, raw line), or None if absent.

    An indicator row is recognised by its name, wherever its row number
    points; its score ends the first cell or fills the second. Every other
    non-empty cell after the first is one of the assessor's points.
    """
    pats = _patterns()
    found: dict[int, Indicator] = {}
    improvements: list[str] = []
    prose: list[str] = []
    for lineno, raw in lines:
        cells = raw.split("\t")
        first = normalize(cell_text(cells[0], " "))
        rest = [cell_text(c) for c in cells[1:]]
        indicator = _indicator(first, rest)
        if indicator is not None:
            if rest and pats["score"].match(normalize(rest[0]).strip()):
                rest = rest[1:]
            if not 0 <= (indicator.score or 0) <= 100:
                problems.append(Problem(lineno, f"ITA score out of range: {first!r}"))
            elif indicator.no in found and found[indicator.no].score is not None:
                problems.append(Problem(lineno, f"ITA indicator repeated: {indicator.name}"))
            else:
                found[indicator.no] = indicator
        elif first:
            prose.append(first)
        improvements += [c for c in rest if c and not _is_column_heading(c)]
    text = "\n".join(prose)
    stated: float | None = None
    if m := pats["overall_before"].search(text) or pats["overall_after"].search(text):
        stated = float(m[1]) if float(m[1]) <= 100 else None
    grade = m[1] if (m := pats["grade"].search(text)) else None
    year = int(m[1]) if (m := pats["year"].search(text)) else None
    if not found and stated is None:
        return None
    return Baseline(
        indicators=tuple(found[k] for k in sorted(found)),
        stated_overall=stated,
        stated_grade=grade,
        assessed_year=year,
        improvements=tuple(improvements),
    )


def _indicator(first: str, rest: list[str]) -> Indicator | None:
    """An indicator row: "๕. การใช้ทรัพย์สินของราชการ ๙๒.๕๓ คะแนน", or the
    name alone with the score in the next cell."""
    pats = _patterns()
    if len(first) > 80:
        return None
    m = pats["trailing_score"].search(first)
    if m and (hit := match_indicator(first[: m.start()])):
        return Indicator(hit[0], hit[1], hit[2], float(m[1]))
    hit = match_indicator(first)
    if hit and rest and (s := pats["score"].match(normalize(rest[0]).strip())):
        return Indicator(hit[0], hit[1], hit[2], float(s[1]))
    if hit:
        return Indicator(hit[0], hit[1], hit[2], None)
    return None
