"""Working days: Monday to Friday, minus Thai public and government holidays
(the `holidays` package) and an organisation's own list from the config.

Reminders go out on working days only, so every date the policy produces
passes through `WorkCalendar`. Holidays are looked up per year, lazily, and
cached: a season touches two or three years.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

log = logging.getLogger(__name__)

# Thai government offices close on both: "public" is the cabinet's list,
# "government" adds the days only officials get (e.g. Royal Ploughing Ceremony).
CATEGORIES = ("public", "government")
WEEKEND = frozenset({5, 6})  # Saturday, Sunday


class WorkCalendar:
    """Which days are working days; next/previous/N-before arithmetic."""

    def __init__(
        self,
        local_holidays: Iterable[date] = (),
        *,
        categories: Iterable[str] = CATEGORIES,
        country: str = "TH",
    ) -> None:
        self.local = frozenset(local_holidays)
        self.country = country
        self.categories = tuple(categories)
        self._years: dict[int, dict[date, str]] = {}
        # The policy asks the same few dates for every task (windows end on
        # month ends): remembering the answers makes a daily run over 80,000
        # tasks cheap. A season is a few hundred distinct days.
        self._before: dict[tuple[date, int], date] = {}
        self._next: dict[date, date] = {}
        self._previous: dict[date, date] = {}

    def _holidays(self, year: int) -> dict[date, str]:
        found = self._years.get(year)
        if found is None:
            # the shared cache is never mutated: a calendar only reads it
            found = _load(self.country, year, self.categories)
            self._years[year] = found
        return found

    def holiday_name(self, day: date) -> str | None:
        """The holiday's name (Thai) when `day` is one, else None."""
        if day in self.local:
            return "วันหยุดของหน่วยงาน (local holiday)"
        return self._holidays(day.year).get(day)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() not in WEEKEND and self.holiday_name(day) is None

    def next_working_day(self, day: date, *, inclusive: bool = True) -> date:
        """`day` itself when it is a working day (inclusive), else the next one."""
        d = day if inclusive else day + timedelta(days=1)
        found = self._next.get(d)
        if found is None:
            found = d
            while not self.is_working_day(found):
                found += timedelta(days=1)
            self._next[d] = found
        return found

    def previous_working_day(self, day: date, *, inclusive: bool = False) -> date:
        d = day if inclusive else day - timedelta(days=1)
        found = self._previous.get(d)
        if found is None:
            found = d
            while not self.is_working_day(found):
                found -= timedelta(days=1)
            self._previous[d] = found
        return found

    def working_days_before(self, day: date, n: int) -> date:
        """The n-th working day strictly before `day` (n >= 1)."""
        if n < 1:
            raise ValueError("n must be at least 1")
        found = self._before.get((day, n))
        if found is None:
            found = day
            for _ in range(n):
                found = self.previous_working_day(found)
            self._before[(day, n)] = found
        return found

    def working_days_after(self, day: date, n: int) -> date:
        """The n-th working day strictly after `day` (n >= 1)."""
        if n < 1:
            raise ValueError("n must be at least 1")
        d = day
        for _ in range(n):
            d = self.next_working_day(d, inclusive=False)
        return d

    def working_days(self, start: date, end: date) -> list[date]:
        """Every working day from start to end, both included."""
        out: list[date] = []
        d = start
        while d <= end:
            if self.is_working_day(d):
                out.append(d)
            d += timedelta(days=1)
        return out


@lru_cache(maxsize=64)
def _load(country: str, year: int, categories: tuple[str, ...]) -> dict[date, str]:
    import holidays

    cls: Any = holidays.country_holidays(country).__class__
    supported = set(getattr(cls, "supported_categories", ("public",)))
    wanted = tuple(c for c in categories if c in supported)
    missing = [c for c in categories if c not in supported]
    if missing:  # an older `holidays` release: say so once per year looked up
        log.warning("holidays %s: categories not available: %s", country, ", ".join(missing))
    languages = set(getattr(cls, "supported_languages", ()))
    kwargs: dict[str, Any] = {"years": year, "categories": wanted or ("public",)}
    if "th" in languages:
        kwargs["language"] = "th"
    table = holidays.country_holidays(country, **kwargs)
    return {d: str(name) for d, name in table.items()}
