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


class Entry(NamedTuple):
    """One indicator of a year's framework: the NACC name first, then the
    variants agencies' documents write."""

    no: int
    group: str
    names: tuple[str, ...]


# The catalogue by assessment year (BE), as data: a new framework is a new
# entry here, not new code. The ten held from 2565 to 2568 (ITA.md); 2569
# is taken as unchanged until the NACC publishes otherwise.
_FRAMEWORK_2565 = (
    Entry(1, "IIT", ("การปฏิบัติหน้าที่",)),
    Entry(2, "IIT", ("การใช้งบประมาณ", "การใช้จ่ายงบประมาณ")),
    Entry(3, "IIT", ("การใช้อำนาจ",)),
    # "ทรัพย์สินของทางราชการ" is how the regulations themselves word it.
    Entry(4, "IIT", ("การใช้ทรัพย์สินของราชการ", "การใช้ทรัพย์สินของทางราชการ")),
    Entry(5, "IIT", ("การแก้ไขปัญหาการทุจริต", "การแก้ปัญหาการทุจริต")),
    Entry(6, "EIT", ("คุณภาพการดำเนินงาน",)),
    Entry(7, "EIT", ("ประสิทธิภาพการสื่อสาร",)),
    Entry(8, "EIT", ("การปรับปรุงระบบการทำงาน", "การปรับปรุงการทำงาน")),  # the latter: our sample
    Entry(9, "OIT", ("การเปิดเผยข้อมูล",)),
    Entry(10, "OIT", ("การป้องกันการทุจริต", "การป้องกันทุจริต")),
)
CATALOGUE: dict[int, tuple[Entry, ...]] = {
    2565: _FRAMEWORK_2565,
    2566: _FRAMEWORK_2565,
    2567: _FRAMEWORK_2565,
    2568: _FRAMEWORK_2565,
    2569: _FRAMEWORK_2565,
}


def catalogue(year: int | None = None) -> tuple[Entry, ...]:
    """The indicators of assessment year `year` (BE): the newest year's when
    `year` is None or later, the oldest year's when it is earlier."""
    if year is None or year >= max(CATALOGUE):
        return CATALOGUE[max(CATALOGUE)]
    known = [y for y in CATALOGUE if y <= year]
    return CATALOGUE[max(known) if known else min(CATALOGUE)]


# (no, NACC name, group) of the newest framework: what the report lists.
INDICATORS: tuple[tuple[int, str, str], ...] = tuple((e.no, e.names[0], e.group) for e in catalogue())


def indicator_names(year: int | None = None) -> tuple[tuple[int, str], ...]:
    """Every (no, name) a document of that year may write: NACC names and variants."""
    return tuple((e.no, name) for e in catalogue(year) for name in e.names)


WEIGHTS = {"IIT": 0.30, "EIT": 0.30, "OIT": 0.40}
GRADES: tuple[tuple[float, str], ...] = (
    (95, "AA"),
    (85, "A"),
    (75, "B"),
    (65, "C"),
    (55, "D"),
    (50, "E"),
)

# Thai fonts of government PDFs put shifted glyph variants of the marks in the
# Private Use Area (U+F700-U+F71A); a copy carries them instead of the marks.
_PUA = str.maketrans(
    dict(zip(map(chr, range(0xF700, 0xF71B)), "ฐิีึื่้๊๋์่้๊๋์ญัํ็่้๊๋์ฺุู", strict=True))
)
# Above and below marks: a PDF copy may float them onto the next letter
# ("การปฏิบตัิ") or swap their order, so names are compared without them.
_MARKS = re.compile("[^\u0e01-\u0e4e]|[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")


def _key(text: str) -> str:
    """The letters of a name in a form PDF copies do not change: no spaces,
    digits, dots, brackets, ZWSPs or marks; glyph variants read as letters;
    sara am as sara aa, since those fonts copy "การ" as "กำร"."""
    s = text.translate(_PUA).replace("\u0e4d\u0e32", "\u0e33")
    return _MARKS.sub("", s).replace("\u0e33", "\u0e32")


@lru_cache(maxsize=8)
def _by_key(year: int | None) -> dict[str, tuple[int, str, str]]:
    out: dict[str, tuple[int, str, str]] = {}
    for e in catalogue(year):
        for name in e.names:
            out.setdefault(_key(name), (e.no, e.names[0], e.group))
    return out


def match_indicator(name: str, *, year: int | None = None) -> tuple[int, str, str] | None:
    """(no, NACC name, group) for an indicator named in a document, or None.

    Row numbers, "ตัวชี้วัดที่ ๔", spaces, digits, a trailing score or
    "คะแนน" and the damage of a PDF copy are ignored:
    "๕. การใช้ทรัพย์สินของราชการ" -> (4, …, "IIT"); `year` is the
    assessment year whose names count (None: the newest).
    """
    key = _key(name)
    for prefix in ("ตัวชี้วัดที่", "ตัวชี้วัด"):
        key = key.removeprefix(_key(prefix))
    key = key.removesuffix(_key("คะแนน"))
    return _by_key(year).get(key)


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
