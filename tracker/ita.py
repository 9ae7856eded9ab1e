"""The ITA indicator catalogue, the overall-score formula and the grade scale.

The NACC's Integrity and Transparency Assessment has ten indicators in three
groups: IIT (internal stakeholders, 1-5), EIT (external stakeholders, 6-8)
and OIT (open data, 9-10). Documents number the rows inconsistently, so an
indicator is always recognised by its name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple, Protocol

from tracker.errors import InvalidInput


class Scored(Protocol):
    """What the formula reads of an indicator (a plans.model.Indicator, a Score)."""

    @property
    def group(self) -> str: ...

    @property
    def score(self) -> float | None: ...


class Score(NamedTuple):
    """An indicator's group and score, without the plan model (whose
    dataclasses cost a tenth of a start-up to import)."""

    group: str
    score: float | None

INDICATORS: tuple[tuple[int, str, str], ...] = (
    (1, "การปฏิบัติหน้าที่", "IIT"),
    (2, "การใช้งบประมาณ", "IIT"),
    (3, "การใช้อำนาจ", "IIT"),
    (4, "การใช้ทรัพย์สินของราชการ", "IIT"),
    (5, "การแก้ไขปัญหาการทุจริต", "IIT"),
    (6, "คุณภาพการดำเนินงาน", "EIT"),
    (7, "ประสิทธิภาพการสื่อสาร", "EIT"),
    (8, "การปรับปรุงการทำงาน", "EIT"),
    (9, "การเปิดเผยข้อมูล", "OIT"),
    (10, "การป้องกันการทุจริต", "OIT"),
)
WEIGHTS = {"IIT": 0.30, "EIT": 0.30, "OIT": 0.40}
GRADES: tuple[tuple[float, str], ...] = (
    (95, "AA"),
    (85, "A"),
    (75, "B"),
    (65, "C"),
    (55, "D"),
    (50, "E"),
)


def _key(text: str) -> str:
    """Only the Thai letters: spaces, digits, dots, brackets and ZWSPs go."""
    s = text.replace("\u0e4d\u0e32", "\u0e33")  # decomposed sara am, as in PDF copies
    return re.sub(r"[^\u0e01-\u0e4e]", "", s)


@lru_cache(maxsize=1)
def _by_key() -> dict[str, tuple[int, str, str]]:
    return {_key(name): (no, name, group) for no, name, group in INDICATORS}


def match_indicator(name: str) -> tuple[int, str, str] | None:
    """(no, canonical name, group) for an indicator named in a document, or None.

    Row numbers, "ตัวชี้วัดที่ ๔", spaces, digits and a trailing score or
    "คะแนน" are ignored: "๕. การใช้ทรัพย์สินของราชการ" -> (4, …, "IIT").
    """
    key = _key(name)
    for prefix in ("ตัวชี้วัดที่", "ตัวชี้วัด"):
        key = key.removeprefix(prefix)
    key = key.removesuffix("คะแนน")
    return _by_key().get(key)


def group_means(indicators: Iterable[Scored]) -> dict[str, float]:
    """Mean score of each group that has at least one scored indicator."""
    scores: dict[str, list[float]] = {}
    for ind in indicators:
        if ind.score is not None:
            scores.setdefault(ind.group, []).append(ind.score)
    return {g: sum(v) / len(v) for g, v in scores.items()}


def overall(indicators: Iterable[Scored]) -> float:
    """0.30 × mean(IIT) + 0.30 × mean(EIT) + 0.40 × mean(OIT), to 2 places.

    Raises InvalidInput when a group has no score at all.
    """
    means = group_means(indicators)
    missing = [g for g in WEIGHTS if g not in means]
    if missing:
        raise InvalidInput(f"no indicator score for {', '.join(missing)}")
    # The nudge makes an exact .xx5 round up as people do by hand, despite binary floats.
    return round(sum(WEIGHTS[g] * means[g] for g in WEIGHTS) + 1e-9, 2)


def overall_or_none(indicators: Iterable[Scored]) -> float | None:
    """`overall`, or None when some group has no score."""
    try:
        return overall(indicators)
    except InvalidInput:
        return None


def grade(score: float) -> str:
    """AA ≥ 95, A ≥ 85, B ≥ 75, C ≥ 65, D ≥ 55, E ≥ 50, else F."""
    for floor, letter in GRADES:
        if score >= floor:
            return letter
    return "F"
