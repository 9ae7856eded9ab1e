"""Reading a period cell into a window (stub: the full reader replaces this at merge)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tracker import thai
from tracker.errors import InvalidInput


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    checkpoints: tuple[date, ...]
    understood: bool


def read_period(text: str, *, fiscal_year: int, adopted_on: date | None = None) -> Period:
    try:
        start, end = thai.parse_period(text, fiscal_year=fiscal_year)
    except InvalidInput:
        start, end = thai.fiscal_year_bounds(fiscal_year)
        return Period(start, end, (), False)
    return Period(start, end, (), True)
