"""Thai dates: parsing, formatting, fiscal years, periods, month references."""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.clock import BANGKOK
from tracker.errors import InvalidInput
from tracker.thai import (
    fiscal_year_bounds,
    fiscal_year_of,
    format_date,
    format_month,
    parse_date,
    parse_datetime,
    parse_int,
    parse_month_ref,
    parse_period,
    parse_time,
    to_arabic_digits,
    to_thai_digits,
)

D = date


# ---------------------------------------------------------------- digits


def test_digits_round_trip() -> None:
    assert to_arabic_digits("๒๕๖๖") == "2566"
    assert to_thai_digits("2566") == "๒๕๖๖"
    assert parse_int("0๒๐") == 20  # mixed in one number, as in "ข้อ 0๒๐"


@pytest.mark.parametrize("text", ["", "abc", "1.5", "๑๒x", "9" * 40])
def test_parse_int_rejects(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_int(text)


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-04-05", D(2023, 4, 5)),
        ("2566-04-05", D(2023, 4, 5)),
        ("๒๕๖๖-๐๔-๐๕", D(2023, 4, 5)),
        ("5/4/2566", D(2023, 4, 5)),
        ("05/04/2023", D(2023, 4, 5)),
        ("5/4/66", D(2023, 4, 5)),
        ("๕ เม.ย. ๖๖", D(2023, 4, 5)),
        ("5 เม.ย. 66", D(2023, 4, 5)),
        ("5 เมย 66", D(2023, 4, 5)),
        ("5 เม.ย.2566", D(2023, 4, 5)),
        ("5 เมษายน 2566", D(2023, 4, 5)),
        ("๕ เมษายน พ.ศ. ๒๕๖๖", D(2023, 4, 5)),
        ("๕ เมษายน พ.ศ.๒๕๖๖", D(2023, 4, 5)),
        ("5 เมษายน 2๕๖6", D(2023, 4, 5)),
        ("วันที่ 9 ธันวาคม 2565", D(2022, 12, 9)),
        ("วันพุธที่ 5 เมษายน 2566", D(2023, 4, 5)),
        ("5 Apr 2023", D(2023, 4, 5)),
        ("5 April 2023", D(2023, 4, 5)),
        ("April 5, 2023", D(2023, 4, 5)),
        ("  5   เม.ย.   66  ", D(2023, 4, 5)),
        ("1 ก.ค. 2567", D(2024, 7, 1)),
        ("29 ก.พ. 2567", D(2024, 2, 29)),
        ("29 กุมภาพันธ์ 2563", D(2020, 2, 29)),
        ("5 เม.ย. ค.ศ. 2023", D(2023, 4, 5)),
    ],
)
def test_parse_date(text: str, expected: date) -> None:
    assert parse_date(text) == expected


def test_missing_year_comes_from_fiscal_year() -> None:
    assert parse_date("5 เม.ย.", fiscal_year=2566) == D(2023, 4, 5)
    assert parse_date("5 พ.ย.", fiscal_year=2566) == D(2022, 11, 5)  # Oct-Dec: year before
    with pytest.raises(InvalidInput, match="no year"):
        parse_date("5 เม.ย.")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "31 Feb 2023",
        "31 ก.พ. 2566",
        "29 ก.พ. 2566",  # 2023 is no leap year
        "30 กุมภาพันธ์ 2567",
        "2023-13-01",
        "2023-02-30",
        "0000-01-01",
        "garbage",
        "5 เมษ",
        "32 เม.ย. 66",
        "5 เม.ย. 666",
        "เม.ย. 2566",
        "๕",
    ],
)
def test_parse_date_rejects(text: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_date(text)
    assert text.strip()[:20] in str(info.value) or not text.strip()


def test_error_names_the_input() -> None:
    with pytest.raises(InvalidInput, match="31 Feb"):
        parse_date("31 Feb 2023")


# ---------------------------------------------------------------- date-times and times


BKK = BANGKOK


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-04-05", datetime(2023, 4, 5, tzinfo=BKK)),
        ("5 เม.ย. 66", datetime(2023, 4, 5, tzinfo=BKK)),
        ("2023-04-05T08:30", datetime(2023, 4, 5, 8, 30, tzinfo=BKK)),
        ("2023-04-05 08:30", datetime(2023, 4, 5, 8, 30, tzinfo=BKK)),
        ("2023-04-05T08:30:15", datetime(2023, 4, 5, 8, 30, 15, tzinfo=BKK)),
        ("2023-04-05T08:30:00+07:00", datetime(2023, 4, 5, 8, 30, tzinfo=BKK)),
        ("2023-04-05T01:30:00Z", datetime(2023, 4, 5, 8, 30, tzinfo=BKK)),
        ("2023-04-05T01:30+0000", datetime(2023, 4, 5, 8, 30, tzinfo=BKK)),
        ("2566-04-05 08:30", datetime(2023, 4, 5, 8, 30, tzinfo=BKK)),
        ("๕ เม.ย. ๖๖ ๐๘:๓๐", datetime(2023, 4, 5, 8, 30, tzinfo=BKK)),
        ("5 เมษายน 2566 เวลา 8.30 น.", datetime(2023, 4, 5, 8, 30, tzinfo=BKK)),
        ("5/4/2566 13:05", datetime(2023, 4, 5, 13, 5, tzinfo=BKK)),
    ],
)
def test_parse_datetime(text: str, expected: datetime) -> None:
    got = parse_datetime(text)
    assert got == expected
    assert got.utcoffset() == timedelta(hours=7)


@pytest.mark.parametrize(
    "text", ["", "2023-04-05T25:00", "2023-04-05 08:61", "2023-04-05T08:30+25:00", "soon"]
)
def test_parse_datetime_rejects(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_datetime(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("08:30", time(8, 30)),
        ("8:30", time(8, 30)),
        ("๘.๓๐", time(8, 30)),
        ("8.30 น.", time(8, 30)),
        ("เวลา 13.00 น.", time(13, 0)),
        ("08:30:15", time(8, 30, 15)),
        ("9", time(9, 0)),
    ],
)
def test_parse_time(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["", "24:00", "8:60", "eight", "8:3"])
def test_parse_time_rejects(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_time(text)


# ---------------------------------------------------------------- formatting


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, "5 เม.ย. 2566"),
        ({"style": "long"}, "5 เมษายน 2566"),
        ({"digits": "thai"}, "๕ เม.ย. ๒๕๖๖"),
        ({"lang": "en"}, "5 Apr 2023"),
        ({"lang": "en", "style": "long"}, "5 April 2023"),
        ({"style": "iso"}, "2023-04-05"),
        ({"style": "iso", "digits": "thai"}, "๒๐๒๓-๐๔-๐๕"),
    ],
)
def test_format_date(kwargs: dict[str, str], expected: str) -> None:
    assert format_date(D(2023, 4, 5), **kwargs) == expected


def test_format_rejects_unknown_options() -> None:
    with pytest.raises(InvalidInput):
        format_date(D(2023, 4, 5), lang="fr")
    with pytest.raises(InvalidInput):
        format_date(D(2023, 4, 5), digits="roman")


def test_format_month() -> None:
    assert format_month(2023, 4) == "เมษายน 2566"
    assert format_month(2023, 4, digits="thai") == "เมษายน ๒๕๖๖"
    assert format_month(2023, 4, lang="en") == "April 2023"
    assert format_month(2023, 4, style="short") == "เม.ย. 2566"


# Years where both readings agree: a BE year >= 2400 and a CE year < 2400.
dates = st.dates(min_value=D(1857, 1, 1), max_value=D(2399, 12, 31))


@settings(max_examples=300)
@given(
    d=dates,
    lang=st.sampled_from(["th", "en"]),
    digits=st.sampled_from(["arabic", "thai"]),
    style=st.sampled_from(["short", "long", "iso"]),
)
def test_format_then_parse_returns_the_date(d: date, lang: str, digits: str, style: str) -> None:
    text = format_date(d, lang=lang, digits=digits, style=style)
    assert parse_date(text) == d
    assert parse_datetime(text) == datetime.combine(d, time(0), BKK)


@given(d=dates, digits=st.sampled_from(["arabic", "thai"]))
def test_be_iso_round_trip(d: date, digits: str) -> None:
    be = f"{d.year + 543:04d}-{d.month:02d}-{d.day:02d}"
    text = to_thai_digits(be) if digits == "thai" else be
    assert parse_date(text) == d


@given(d=dates, h=st.integers(0, 23), m=st.integers(0, 59))
def test_datetime_round_trip(d: date, h: int, m: int) -> None:
    dt = datetime(d.year, d.month, d.day, h, m, tzinfo=BKK)
    assert parse_datetime(dt.isoformat()) == dt
    assert parse_datetime(f"{format_date(d, digits='thai')} {h:02d}:{m:02d}") == dt
    assert parse_datetime(dt.astimezone(UTC).isoformat()) == dt


@settings(max_examples=500)
@given(st.text())
def test_parsers_raise_only_invalid_input(text: str) -> None:
    for call in (
        lambda: parse_date(text),
        lambda: parse_date(text, fiscal_year=2566),
        lambda: parse_datetime(text),
        lambda: parse_time(text),
        lambda: parse_period(text, fiscal_year=2566),
    ):
        with contextlib.suppress(InvalidInput):
            call()
    parse_month_ref(text, fiscal_year=2566)


_WORDS = ["ม.ค.", "ก.พ.", "เมษายน", "ถึง", "ไตรมาสที่", "ตลอดปีงบประมาณ", "พ.ศ.", "น.", "Apr", "และ"]
date_alphabet = st.sampled_from([*"0123456789๐๑๒๓๔๕๖๗๘๙ -/.:–—T+Z()", *_WORDS])


@settings(max_examples=1000)
@given(st.lists(date_alphabet, max_size=14).map("".join))
def test_date_like_garbage_raises_only_invalid_input(text: str) -> None:
    test_parsers_raise_only_invalid_input.hypothesis.inner_test(text)  # type: ignore[attr-defined]


# ---------------------------------------------------------------- fiscal years


def test_fiscal_year_of() -> None:
    assert fiscal_year_of(D(2022, 10, 1)) == 2566
    assert fiscal_year_of(D(2022, 9, 30)) == 2565
    assert fiscal_year_of(D(2023, 9, 30)) == 2566
    assert fiscal_year_of(D(2022, 12, 31)) == 2566


def test_fiscal_year_bounds() -> None:
    assert fiscal_year_bounds(2566) == (D(2022, 10, 1), D(2023, 9, 30))
    assert fiscal_year_bounds(2567) == (D(2023, 10, 1), D(2024, 9, 30))


@given(st.dates(min_value=D(1000, 1, 1), max_value=D(9000, 1, 1)))
def test_every_day_lies_in_its_fiscal_year(d: date) -> None:
    first, last = fiscal_year_bounds(fiscal_year_of(d))
    assert first <= d <= last


# ---------------------------------------------------------------- periods


@pytest.mark.parametrize(
    ("text", "fy", "start", "end"),
    [
        ("ม.ค. - มี.ค. ๖๖", 2566, D(2023, 1, 1), D(2023, 3, 31)),
        ("ม.ค.-มี.ค.66", 2566, D(2023, 1, 1), D(2023, 3, 31)),
        ("มกราคม – มีนาคม 2566", 2566, D(2023, 1, 1), D(2023, 3, 31)),
        ("มกราคม — มีนาคม 2566", 2566, D(2023, 1, 1), D(2023, 3, 31)),
        ("มกราคม ถึง มีนาคม 2566", 2566, D(2023, 1, 1), D(2023, 3, 31)),
        ("ตั้งแต่เดือนมกราคม ถึงเดือนมีนาคม 2566", 2566, D(2023, 1, 1), D(2023, 3, 31)),
        ("ม.ค. - มี.ค. ๒๕66", 2566, D(2023, 1, 1), D(2023, 3, 31)),
        ("ม.ค. - มี.ค.", 2566, D(2023, 1, 1), D(2023, 3, 31)),
        ("ม.ค. 2023 - มี.ค. 2023", 2566, D(2023, 1, 1), D(2023, 3, 31)),
        ("ตลอดปีงบประมาณ พ.ศ. ๒๕๖๗", 2566, D(2023, 10, 1), D(2024, 9, 30)),
        ("ตลอดปีงบประมาณ", 2566, D(2022, 10, 1), D(2023, 9, 30)),
        ("ตลอดปีงบประมาณ 67", 2566, D(2023, 10, 1), D(2024, 9, 30)),
        ("ตลอดปี", 2567, D(2023, 10, 1), D(2024, 9, 30)),
        ("ปีงบประมาณ 2567", 2566, D(2023, 10, 1), D(2024, 9, 30)),
        ("เมษายน ๖๖", 2566, D(2023, 4, 1), D(2023, 4, 30)),
        ("เดือนเมษายน 2566", 2566, D(2023, 4, 1), D(2023, 4, 30)),
        ("เม.ย.", 2566, D(2023, 4, 1), D(2023, 4, 30)),
        ("ธ.ค.", 2566, D(2022, 12, 1), D(2022, 12, 31)),
        ("ต.ค. ๖๕ - มี.ค. ๖๖", 2566, D(2022, 10, 1), D(2023, 3, 31)),
        ("พ.ย. - ก.พ.", 2566, D(2022, 11, 1), D(2023, 2, 28)),
        ("พ.ย. - ก.พ. 2567", 2566, D(2023, 11, 1), D(2024, 2, 29)),
        ("ต.ค. 66 - ก.พ.", 2567, D(2023, 10, 1), D(2024, 2, 29)),
        ("ไตรมาสที่ ๒ (ม.ค. - มี.ค. ๒๕๖๗)", 2567, D(2024, 1, 1), D(2024, 3, 31)),
        ("ไตรมาสที่ ๒", 2567, D(2024, 1, 1), D(2024, 3, 31)),
        ("ไตรมาสที่ 1", 2567, D(2023, 10, 1), D(2023, 12, 31)),
        ("ไตรมาส 3", 2566, D(2023, 4, 1), D(2023, 6, 30)),
        ("ไตรมาสที่ 4", 2566, D(2023, 7, 1), D(2023, 9, 30)),
        ("ไตรมาสที่ 2 ปีงบประมาณ 2568", 2566, D(2025, 1, 1), D(2025, 3, 31)),
        ("ม.ค. - มี.ค. 66 (ไตรมาสที่ 2)", 2566, D(2023, 1, 1), D(2023, 3, 31)),
        ("1 ม.ค. - 15 มี.ค. 2566", 2566, D(2023, 1, 1), D(2023, 3, 15)),
        ("1 - 15 มี.ค. 66", 2566, D(2023, 3, 1), D(2023, 3, 15)),
        ("15 มี.ค. 66", 2566, D(2023, 3, 15), D(2023, 3, 15)),
        ("2023-01-01 - 2023-03-31", 2566, D(2023, 1, 1), D(2023, 3, 31)),
        ("2566-01-01 ถึง 2566-03-31", 2566, D(2023, 1, 1), D(2023, 3, 31)),
        ("ก.พ. 2567", 2567, D(2024, 2, 1), D(2024, 2, 29)),
        ("ก.พ. 2566", 2566, D(2023, 2, 1), D(2023, 2, 28)),
        ("ก.พ.", 2567, D(2024, 2, 1), D(2024, 2, 29)),
        ("29 ก.พ. 2567", 2567, D(2024, 2, 29), D(2024, 2, 29)),
        ("1 - 29 ก.พ. 2567", 2567, D(2024, 2, 1), D(2024, 2, 29)),
        ("ก.พ. 2543", 2543, D(2000, 2, 1), D(2000, 2, 29)),  # 2000 is a leap year
        ("ก.พ. 2443", 2443, D(1900, 2, 1), D(1900, 2, 28)),  # 1900 is not
        ("ม.ค. - มี.ค. 66 และ ก.ค. - ก.ย. 66", 2566, D(2023, 1, 1), D(2023, 9, 30)),
        ("Jan - Mar 2023", 2566, D(2023, 1, 1), D(2023, 3, 31)),
    ],
)
def test_parse_period(text: str, fy: int, start: date, end: date) -> None:
    assert parse_period(text, fiscal_year=fy) == (start, end)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "เร็ว ๆ นี้",
        "ไตรมาสที่ 5",
        "30 ก.พ. 2567",
        "1 - 30 ก.พ. 2567",
        "มี.ค. 66 - ม.ค. 66",  # ends before it starts
        "15 มี.ค. 66 - 1 มี.ค. 66",
        "ม.ค. -",
        "ทุกเดือน",
    ],
)
def test_parse_period_rejects(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_period(text, fiscal_year=2566)


@given(
    fy=st.integers(2450, 2700),
    a=st.integers(1, 12),
    b=st.integers(1, 12),
    digits=st.sampled_from(["arabic", "thai"]),
)
def test_month_ranges_without_year_stay_in_order(fy: int, a: int, b: int, digits: str) -> None:
    text = (
        f"{format_month(2000, a, style='short').split()[0]} - "
        + format_month(2000, b, style="short").split()[0]
    )
    start, end = parse_period(text, fiscal_year=fy)
    assert start.month == a
    assert end.month == b
    assert start <= end
    assert start.day == 1
    assert (end + timedelta(days=1)).day == 1
    first, _ = fiscal_year_bounds(fy)
    assert first <= start


@given(
    start=st.dates(min_value=D(1900, 1, 1), max_value=D(2300, 12, 1)),
    months=st.integers(0, 23),
    digits=st.sampled_from(["arabic", "thai"]),
    sep=st.sampled_from([" - ", "-", " – ", " ถึง ", "—"]),
    style=st.sampled_from(["short", "long"]),
)
def test_formatted_month_ranges_round_trip(
    start: date, months: int, digits: str, sep: str, style: str
) -> None:
    y2, m2 = divmod(start.month - 1 + months, 12)
    end_year, end_month = start.year + y2, m2 + 1
    text = format_month(start.year, start.month, style=style, digits=digits)
    text += sep + format_month(end_year, end_month, style=style, digits=digits)
    got = parse_period(text, fiscal_year=2566)
    assert got[0] == D(start.year, start.month, 1)
    assert got[1].year == end_year
    assert got[1].month == end_month
    assert (got[1] + timedelta(days=1)).day == 1


# ---------------------------------------------------------------- month references


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("รายงานผลการดำเนินการในการประชุมพนักงาน/ผู้บริหารประจำเดือนเมษายน ๖๖", (2023, 4)),
        ("<p>รายงานผลในการประชุมประจำเดือนเมษายน 2566</p>", (2023, 4)),
        ("รายงานผลในการประชุมประจำเดือน ต.ค. 66", (2023, 10)),
        ("รายงานในการประชุมเดือนมีนาคม", (2023, 3)),
        ("รายงานในการประชุมเดือนพฤศจิกายน", (2022, 11)),
        ("ประชุมวันที่ 5 เม.ย. 66", (2023, 4)),
        ("ประชุม 2023-04-20", (2023, 4)),
        ("รายงานผลการดำเนินงาน ก.พ. 2567", (2024, 2)),
        ("กรกฏาคม 2566", (2023, 7)),
    ],
)
def test_parse_month_ref(text: str, expected: tuple[int, int]) -> None:
    assert parse_month_ref(text, fiscal_year=2566) == expected


@pytest.mark.parametrize(
    "text", ["", "รายงานผลทุกไตรมาส", "รายงาน ก.พ. ทราบ", "รายงานผลต่อผู้บริหาร", "มีความ"]
)
def test_parse_month_ref_none(text: str) -> None:
    assert parse_month_ref(text, fiscal_year=2566) is None


def test_parse_month_ref_after_places_an_unwritten_year_after_the_window() -> None:
    text = "รายงานในการประชุมเดือนตุลาคม"
    assert parse_month_ref(text, fiscal_year=2566) == (2022, 10)
    assert parse_month_ref(text, fiscal_year=2566, after=D(2023, 1, 1)) == (2023, 10)
    assert parse_month_ref("เดือนตุลาคม 2565", fiscal_year=2566, after=D(2023, 1, 1)) == (2022, 10)


@settings(max_examples=300)
@given(st.text(alphabet="0123456789-๐๑", min_size=10, max_size=10) | dates.map(date.isoformat))
def test_plain_iso_date_reads_as_the_full_parser(text: str) -> None:
    """`parse_datetime`'s short cut for "2023-09-01" agrees with the patterns
    (parse_date) on every ten-character text of digits and hyphens."""
    try:
        want: object = datetime.combine(parse_date(text), time(0), BKK)
    except InvalidInput:
        want = InvalidInput
    try:
        got: object = parse_datetime(text)
    except InvalidInput:
        got = InvalidInput
    assert got == want
