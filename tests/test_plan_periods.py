"""Period cells read as a window and its checkpoints (tracker.plans.periods)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from conftest import SAMPLE
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.plans.periods import Period, read_period
from tracker.plans.reader import read_plan
from tracker.thai import fiscal_year_bounds, format_month, parse_period, to_thai_digits

D = date

# Fiscal year 2567 runs 1 Oct 2023 - 30 Sep 2024.
FY = 2567
FY_START, FY_END = D(2023, 10, 1), D(2024, 9, 30)
MONTH_ENDS = (
    D(2023, 10, 31), D(2023, 11, 30), D(2023, 12, 31), D(2024, 1, 31), D(2024, 2, 29),
    D(2024, 3, 31), D(2024, 4, 30), D(2024, 5, 31), D(2024, 6, 30), D(2024, 7, 31),
    D(2024, 8, 31), D(2024, 9, 30),
)  # fmt: skip
QUARTER_ENDS = (D(2023, 12, 31), D(2024, 3, 31), D(2024, 6, 30), D(2024, 9, 30))
HALF_ENDS = (D(2024, 3, 31), D(2024, 9, 30))


def whole_year(*checkpoints: date) -> Period:
    return Period(FY_START, FY_END, checkpoints, True)


# ---------------------------------------------------------------- recurring


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ทุกเดือน", whole_year(*MONTH_ENDS)),
        ("รายเดือน", whole_year(*MONTH_ENDS)),
        ("ทุกไตรมาส", whole_year(*QUARTER_ENDS)),
        ("รายไตรมาส", whole_year(*QUARTER_ENDS)),
        ("ไตรมาสที่ ๑-๔", whole_year(*QUARTER_ENDS)),
        ("ไตรมาส ๑ - ๔", whole_year(*QUARTER_ENDS)),
        ("ไตรมาสที่ 1 - 4", whole_year(*QUARTER_ENDS)),
        ("ปีละ ๒ ครั้ง", whole_year(*HALF_ENDS)),
        ("รอบ ๖ เดือน", whole_year(*HALF_ENDS)),
        ("ทุก ๖ เดือน", whole_year(*HALF_ENDS)),
        ("ทุก 3 เดือน", whole_year(*QUARTER_ENDS)),
        ("ทุก ๆ ไตรมาส", whole_year(*QUARTER_ENDS)),
        ("ปีละ 4 ครั้ง", whole_year(*QUARTER_ENDS)),
        ("เดือนละ 1 ครั้ง", whole_year(*MONTH_ENDS)),
        ("ไตรมาสที่ 1 ถึง ไตรมาสที่ 4", whole_year(*QUARTER_ENDS)),
        # Continuous work has no interim due date: like a plain window, only its end.
        ("ต่อเนื่อง", whole_year()),
        ("ดำเนินการอย่างต่อเนื่อง", whole_year()),
        ("ตลอดปี", whole_year()),
        ("ตลอดทั้งปี", whole_year()),
        ("ตลอดปีงบประมาณ", whole_year()),
        ("ปีละ 1 ครั้ง", whole_year()),
        ("ไตรมาสที่ ๒-๓", Period(D(2024, 1, 1), D(2024, 6, 30), (D(2024, 3, 31), D(2024, 6, 30)), True)),
        ("ไตรมาสที่ 2 และ 4", Period(D(2024, 1, 1), FY_END, (D(2024, 3, 31), FY_END), True)),
        # A cadence over an explicit window: the due dates inside it.
        ("ทุกเดือน ม.ค. - มี.ค. ๖๗", Period(D(2024, 1, 1), D(2024, 3, 31), MONTH_ENDS[3:6], True)),
        ("ทุกไตรมาส (ต.ค. ๖๖ – ก.ย. ๖๗)", whole_year(*QUARTER_ENDS)),
        ("รายไตรมาส ปีงบประมาณ ๒๕๖๗", whole_year(*QUARTER_ENDS)),
        # A cadence in brackets after the window, as clerks add on a second line.
        ("ต.ค. ๖๖ - ก.ย. ๖๗\n(รายงานผลทุกไตรมาส)", whole_year(*QUARTER_ENDS)),
    ],
)
def test_recurring(text: str, expected: Period) -> None:
    assert read_period(text, fiscal_year=FY) == expected


def test_recurring_follows_the_fiscal_year() -> None:
    got = read_period("ทุกไตรมาส", fiscal_year=2566)
    assert got.checkpoints == (D(2022, 12, 31), D(2023, 3, 31), D(2023, 6, 30), D(2023, 9, 30))


# ---------------------------------------------------------------- deadlines and open ends


@pytest.mark.parametrize(
    ("text", "end"),
    [
        ("ภายใน 30 เม.ย. 67", D(2024, 4, 30)),
        ("ภายในวันที่ ๓๐ เมษายน ๒๕๖๗", D(2024, 4, 30)),
        ("ภายในเดือน มี.ค. ๖๗", D(2024, 3, 31)),
        ("ภายในเดือนมีนาคม", D(2024, 3, 31)),
        ("ภายใน ธ.ค.", D(2023, 12, 31)),  # Oct-Dec belong to the year before
    ],
)
def test_deadline_runs_from_the_fiscal_year_start(text: str, end: date) -> None:
    assert read_period(text, fiscal_year=FY) == Period(FY_START, end, (), True)


@pytest.mark.parametrize(
    ("adopted_on", "start"),
    [
        (D(2023, 11, 15), D(2023, 11, 15)),  # adopted after the year began
        (D(2023, 8, 1), FY_START),  # adopted before: the fiscal year still starts it
        (D(2024, 6, 1), D(2024, 4, 30)),  # adopted after the deadline: never past it
    ],
)
def test_deadline_starts_when_the_plan_is_adopted(adopted_on: date, start: date) -> None:
    got = read_period("ภายใน 30 เม.ย. 67", fiscal_year=FY, adopted_on=adopted_on)
    assert got == Period(start, D(2024, 4, 30), (), True)


def test_adoption_does_not_move_a_written_window() -> None:
    got = read_period("ม.ค. - มี.ค. 67", fiscal_year=FY, adopted_on=D(2024, 2, 1))
    assert (got.start, got.end) == (D(2024, 1, 1), D(2024, 3, 31))


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("ม.ค. ๖๗ เป็นต้นไป", D(2024, 1, 1)),
        ("ตั้งแต่ ม.ค. ๖๗ เป็นต้นไป", D(2024, 1, 1)),
        ("ตั้งแต่เดือนเมษายน 2567", D(2024, 4, 1)),
        ("ตั้งแต่ ๑๕ ก.พ. ๖๗", D(2024, 2, 15)),
        ("ตั้งแต่วันที่ 15 กุมภาพันธ์ 2567 เป็นต้นไป", D(2024, 2, 15)),
        ("ตั้งแต่ พ.ย. เป็นต้นไป", D(2023, 11, 1)),
    ],
)
def test_onwards_runs_to_the_fiscal_year_end(text: str, start: date) -> None:
    assert read_period(text, fiscal_year=FY) == Period(start, FY_END, (), True)


def test_from_with_a_range_is_still_a_range() -> None:
    got = read_period("ตั้งแต่ ม.ค. ถึง มี.ค. 67", fiscal_year=FY)
    assert got == Period(D(2024, 1, 1), D(2024, 3, 31), (), True)


# ---------------------------------------------------------------- several months or ranges


@pytest.mark.parametrize(
    ("text", "fy", "expected"),
    [
        ("มีนาคม และ กันยายน", 2567, Period(D(2024, 3, 1), FY_END, HALF_ENDS, True)),
        ("มีนาคมและกันยายน", 2567, Period(D(2024, 3, 1), FY_END, HALF_ENDS, True)),
        # The year written once, at the end, holds for the earlier month too.
        ("มี.ค., ก.ย. ๖๗", 2566, Period(D(2024, 3, 1), FY_END, HALF_ENDS, True)),
        (
            "ธ.ค. ๖๖ และ มิ.ย. ๖๗",
            2567,
            Period(D(2023, 12, 1), D(2024, 6, 30), (D(2023, 12, 31), D(2024, 6, 30)), True),
        ),
        (
            "ตุลาคม และ มีนาคม",
            2567,
            Period(D(2023, 10, 1), D(2024, 3, 31), (D(2023, 10, 31), D(2024, 3, 31)), True),
        ),
        (
            "ม.ค. - มี.ค. 66 และ ก.ค. - ก.ย. 66",
            2566,
            Period(D(2023, 1, 1), D(2023, 9, 30), (D(2023, 3, 31), D(2023, 9, 30)), True),
        ),
    ],
)
def test_several(text: str, fy: int, expected: Period) -> None:
    assert read_period(text, fiscal_year=fy) == expected


# ---------------------------------------------------------------- plain windows and noise


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("ม.ค. - มี.ค. ๖๗", D(2024, 1, 1), D(2024, 3, 31)),
        ("ช่วง ม.ค. - มี.ค. ๖๗", D(2024, 1, 1), D(2024, 3, 31)),
        ("ระยะเวลา ม.ค. - มี.ค.", D(2024, 1, 1), D(2024, 3, 31)),
        ("ระยะเวลาดำเนินการ: ม.ค. - มี.ค. ๖๗", D(2024, 1, 1), D(2024, 3, 31)),
        ("ม.ค.-มี.ค.๖๗", D(2024, 1, 1), D(2024, 3, 31)),
        ("ม.ค. -\nมี.ค.\n๖๗", D(2024, 1, 1), D(2024, 3, 31)),
        ("ม.ค.\u00a0-\u00a0มี.ค.\u00a0๖๗", D(2024, 1, 1), D(2024, 3, 31)),
        ("ม.ค.\u200b - มี.\u200bค. ๖๗", D(2024, 1, 1), D(2024, 3, 31)),
        ("ม.ค. - มี.ค. พ.ศ. ๒๕๖๗", D(2024, 1, 1), D(2024, 3, 31)),
        ("ม.ค. - มี.ค. พ.ศ ๒๕๖๗", D(2024, 1, 1), D(2024, 3, 31)),
        ("ต.ค. ๖๖ - ก.ย. ๖๗ ปีงบประมาณ ๒๕๖๗", FY_START, FY_END),
        ("ตลอดปีงบประมาณ (ต.ค. ๖๖ – ก.ย. ๖๗)", FY_START, FY_END),
        ("ตลอดปีงบประมาณ พ.ศ ๒๕๖๗", FY_START, FY_END),
        ("ไตรมาสที่ ๒ (ม.ค. - มี.ค. ๒๕๖๗)", D(2024, 1, 1), D(2024, 3, 31)),
        ("เมษายน ๖๗", D(2024, 4, 1), D(2024, 4, 30)),
        ("1 ม.ค. - 15 มี.ค. 2567", D(2024, 1, 1), D(2024, 3, 15)),
    ],
)
def test_plain_and_noisy_windows(text: str, start: date, end: date) -> None:
    assert read_period(text, fiscal_year=FY) == Period(start, end, (), True)


def test_a_fiscal_year_after_the_range_places_its_months() -> None:
    # The plan says 2566, the cell names 2567: the cell wins.
    got = read_period("ม.ค. - มี.ค. ปีงบประมาณ ๒๕๖๗", fiscal_year=2566)
    assert (got.start, got.end) == (D(2024, 1, 1), D(2024, 3, 31))


def test_quarters_with_their_months_in_brackets() -> None:
    got = read_period("ไตรมาสที่ 2-3 (ม.ค. - มิ.ย. 67)", fiscal_year=FY)
    assert got == Period(D(2024, 1, 1), D(2024, 6, 30), (D(2024, 3, 31), D(2024, 6, 30)), True)


def test_the_sample_plan_reads_as_before() -> None:
    plan = read_plan(SAMPLE)
    assert plan.measures
    for m in plan.measures:
        got = read_period(m.period_text, fiscal_year=plan.fiscal_year, adopted_on=plan.adopted_on)
        assert got == Period(m.start, m.end, (), True), m.period_text


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "เร็ว ๆ นี้",
        "ตามความเหมาะสม",
        "ทุก ๕ เดือน",
        "ทุก 0 เดือน",
        "ปีละ 5 ครั้ง",
        "ไตรมาสที่ 3-2",
        "30 ก.พ. 2567",
    ],
)
def test_not_understood_is_the_whole_fiscal_year(text: str) -> None:
    assert read_period(text, fiscal_year=FY) == Period(FY_START, FY_END, (), False)


# ---------------------------------------------------------------- properties


def assert_well_formed(p: Period, fy: int) -> None:
    assert p.start <= p.end
    assert list(p.checkpoints) == sorted(set(p.checkpoints))
    assert all(p.start <= c <= p.end for c in p.checkpoints)
    if not p.understood:
        assert (p.start, p.end, p.checkpoints) == (*fiscal_year_bounds(fy), ())


FISCAL_YEARS = st.integers(2500, 2700)
ADOPTED = st.none() | st.dates()


@settings(max_examples=300)
@given(text=st.text(), fy=FISCAL_YEARS, adopted_on=ADOPTED)
def test_any_text_gives_a_period(text: str, fy: int, adopted_on: date | None) -> None:
    assert_well_formed(read_period(text, fiscal_year=fy, adopted_on=adopted_on), fy)


# Pieces of real cells, shuffled: reaches far deeper than random characters.
FRAGMENTS = st.sampled_from(
    [
        "ทุกเดือน", "รายไตรมาส", "ไตรมาสที่", "ปีละ", "ครั้ง", "ทุก", "เดือน", "รอบ",
        "ต่อเนื่อง", "ตลอดปี", "ตลอดปีงบประมาณ", "ปีงบประมาณ", "ภายใน", "วันที่",
        "ตั้งแต่", "เป็นต้นไป", "ช่วง", "ระยะเวลา", "และ", ",", "-", "–", "ถึง", "(", ")",
        "พ.ศ.", "พ.ศ", "ม.ค.", "มี.ค.", "ก.ย.", "ต.ค.", "ธ.ค.", "กุมภาพันธ์", "เมษายน",
        "1", "4", "6", "15", "29", "30", "31", "66", "67", "2566", "2567", "9999", "0",
        "\n", "\u00a0", "\u200b", " ",
    ]
)  # fmt: skip


@settings(max_examples=500)
@given(
    pieces=st.lists(FRAGMENTS, max_size=8),
    joiner=st.sampled_from([" ", ""]),
    fy=FISCAL_YEARS,
    adopted_on=ADOPTED,
)
def test_pieces_of_cells_give_a_period(
    pieces: list[str], joiner: str, fy: int, adopted_on: date | None
) -> None:
    text = joiner.join(pieces)
    got = read_period(text, fiscal_year=fy, adopted_on=adopted_on)
    assert_well_formed(got, fy)
    # Thai and Arabic digits say the same thing.
    assert read_period(to_thai_digits(text), fiscal_year=fy, adopted_on=adopted_on) == got


@given(fy=FISCAL_YEARS, cadence=st.sampled_from([("ทุกเดือน", 12), ("ทุกไตรมาส", 4), ("ทุก ๖ เดือน", 2)]))
def test_cadences_end_months_and_the_year(fy: int, cadence: tuple[str, int]) -> None:
    text, count = cadence
    got = read_period(text, fiscal_year=fy)
    first, last = fiscal_year_bounds(fy)
    assert (got.start, got.end) == (first, last)
    assert len(got.checkpoints) == count
    assert got.checkpoints[-1] == last
    assert all((c + timedelta(days=1)).day == 1 for c in got.checkpoints)


@given(
    start=st.dates(min_value=D(1900, 1, 1), max_value=D(2300, 12, 1)),
    months=st.integers(0, 23),
    digits=st.sampled_from(["arabic", "thai"]),
    fy=FISCAL_YEARS,
)
def test_plain_ranges_read_as_parse_period_does(start: date, months: int, digits: str, fy: int) -> None:
    y, m = divmod(start.month - 1 + months, 12)
    text = format_month(start.year, start.month, style="short", digits=digits)
    text += " - " + format_month(start.year + y, m + 1, style="short", digits=digits)
    got = read_period(text, fiscal_year=fy)
    assert got == Period(*parse_period(text, fiscal_year=fy), (), True)


@given(fy=FISCAL_YEARS, month=st.integers(1, 12))
def test_a_month_without_year_lies_in_the_fiscal_year(fy: int, month: int) -> None:
    name = format_month(2000, month, style="long").split()[0]
    first, last = fiscal_year_bounds(fy)
    for text in (f"ภายในเดือน{name}", f"ตั้งแต่{name}เป็นต้นไป", name):
        got = read_period(text, fiscal_year=fy)
        assert got.understood
        assert first <= got.start <= got.end <= last
