"""Working days: weekends, Thai public + government holidays, a local list."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.errors import InvalidInput
from tracker.reminders.policy import Policy
from tracker.reminders.workdays import WorkCalendar

CAL = WorkCalendar()


@pytest.mark.parametrize(
    "day",
    [
        "2023-04-13",
        "2023-04-14",
        "2023-04-15",
        "2023-04-17",  # Songkran
        "2023-04-06",  # Chakri Memorial Day
        "2023-01-02",
        "2023-01-03",  # New Year in lieu
        "2023-03-06",  # Makha Bucha
        "2023-05-17",  # Royal Ploughing: a government (not public) holiday
        "2023-04-08",
        "2023-04-09",
    ],
)  # a weekend
def test_not_working(day: str) -> None:
    assert not CAL.is_working_day(date.fromisoformat(day))


@pytest.mark.parametrize("day", ["2023-01-04", "2023-03-31", "2023-04-12", "2023-04-18"])
def test_working(day: str) -> None:
    assert CAL.is_working_day(date.fromisoformat(day))


def test_holiday_names_in_thai() -> None:
    assert CAL.holiday_name(date(2023, 4, 13)) == "วันสงกรานต์"


def test_local_holidays_from_config() -> None:
    policy = Policy.from_settings({"local_holidays": ["2023-03-31", "๑๐ เม.ย. ๖๖"]})
    cal = policy.calendar
    assert not cal.is_working_day(date(2023, 3, 31))
    assert not cal.is_working_day(date(2023, 4, 10))
    assert cal.previous_working_day(date(2023, 4, 3)) == date(2023, 3, 30)
    with pytest.raises(InvalidInput, match="local_holidays"):
        Policy.from_settings({"local_holidays": ["not a date"]})


def test_next_previous_and_counting() -> None:
    assert CAL.next_working_day(date(2023, 1, 1)) == date(2023, 1, 4)
    assert CAL.next_working_day(date(2023, 4, 13)) == date(2023, 4, 18)
    assert CAL.next_working_day(date(2023, 4, 18)) == date(2023, 4, 18)
    assert CAL.next_working_day(date(2023, 4, 18), inclusive=False) == date(2023, 4, 19)
    assert CAL.previous_working_day(date(2023, 4, 18)) == date(2023, 4, 12)
    assert CAL.working_days_before(date(2023, 3, 31), 14) == date(2023, 3, 13)
    assert CAL.working_days_before(date(2023, 4, 18), 10) == date(2023, 3, 29)
    assert CAL.working_days_after(date(2023, 4, 12), 1) == date(2023, 4, 18)
    assert (
        len(CAL.working_days(date(2023, 4, 1), date(2023, 4, 30))) == 16
    )  # 20 weekdays - 6, 13, 14, 17 April
    with pytest.raises(ValueError, match="at least 1"):
        CAL.working_days_before(date(2023, 4, 18), 0)


days = st.dates(min_value=date(2022, 1, 1), max_value=date(2026, 12, 31))


@settings(max_examples=200, deadline=None)
@given(days)
def test_next_working_day_is_the_first(day: date) -> None:
    nxt = CAL.next_working_day(day)
    assert nxt >= day and CAL.is_working_day(nxt) and nxt.weekday() < 5
    d = day
    while d < nxt:
        assert not CAL.is_working_day(d)
        d += timedelta(days=1)


@settings(max_examples=200, deadline=None)
@given(days, st.integers(min_value=1, max_value=30))
def test_n_before_then_n_after_round_trips(day: date, n: int) -> None:
    before = CAL.working_days_before(day, n)
    assert CAL.is_working_day(before)
    assert len(CAL.working_days(before, day - timedelta(days=1))) == n
    assert CAL.working_days_after(before, n) == CAL.next_working_day(day)
