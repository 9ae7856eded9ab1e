"""A plan's period cell → window and checkpoints (stand-in until the full reader lands)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tracker.errors import InvalidInput
from tracker.thai import fiscal_year_bounds, parse_period


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    checkpoints: tuple[date, ...]
    understood: bool


def read_period(text: str, *, fiscal_year: int, adopted_on: date | None = None) -> Period:
    try:
        start, end = parse_period(text, fiscal_year=fiscal_year)
    except InvalidInput:
        first, last = fiscal_year_bounds(fiscal_year)
        return Period(first, last, (), False)
    return Period(start, end, (), True)
