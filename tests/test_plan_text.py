"""Reading plan documents exported from Word as text."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from tracker import ita
from tracker.errors import PlanError
from tracker.plans.model import Item, MeetingRef, Plan
from tracker.plans.reader import parse_plan_text, read_plan

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tracker" / "data" / "bangchakreng-2566.txt"
PLANS = Path(__file__).resolve().parent / "plans"
HEADER = "มาตรการ /แนวทาง\tวิธีการดำเนินการ\tผู้รับผิดชอบ\tระยะเวลาดำเนินการ\tการติดตามผล"
TITLE = "มาตรการส่งเสริมคุณธรรมจริยธรรมและความโปร่งใส ประจำปีงบประมาณ พ.ศ. ๒๕๖๖"


def doc(*rows: str, title: str = TITLE, org: str = "เทศบาลตำบลทดสอบ", header: str = HEADER) -> str:
    return "\n".join([title, org, "", header, *rows]) + "\n"


def row(title: str = "๑. มาตรการหนึ่ง", actions: str = "ดำเนินการ", owners: str = "สำนักปลัดฯ",
        period: str = "ม.ค. - มี.ค. ๖๖",
        followup: str = "รายงานผลในการประชุมประจำเดือนเมษายน ๖๖") -> str:  # fmt: skip
    return "\t".join([title, actions, owners, period, followup])


def only(plan: Plan):  # type: ignore[no-untyped-def]
    assert len(plan.measures) == 1
    return plan.measures[0]


# ---------------------------------------------------------------- the sample


@pytest.fixture(scope="module")
def sample() -> Plan:
    return read_plan(SAMPLE)


def test_sample_plan_header(sample: Plan) -> None:
    assert sample.organisation == "เทศบาลตำบลบางจะเกร็ง"
    assert sample.fiscal_year == 2566
    assert sample.title.startswith("มาตรการส่งเสริมคุณธรรมจริยธรรมและความโปร่งใส")
    assert sample.adopted_on == date(2022, 12, 9)
    assert sample.adoption_meeting is not None
    assert sample.adoption_meeting.startswith("การประชุมพนักงานเจ้าหน้าที่และผู้บริหาร")
    assert sample.adoption_meeting.endswith("๙ ธันวาคม ๒๕๖๕")
    assert sample.problems == ()


def test_sample_has_exactly_two_measures(sample: Plan) -> None:
    assert [m.number for m in sample.measures] == ["1", "2"]
    assert sample.measures[0].title == "มาตรการการเปิดเผยข้อมูลต่อสาธารณะ"
    assert sample.measures[1].title.startswith("กำหนดมาตรการด้านการป้องกันการทุจริต")
    for m in sample.measures:
        assert m.owners == ("สำนักปลัดฯ",)
        assert (m.start, m.end) == (date(2023, 1, 1), date(2023, 3, 31))
        assert m.period_text == "ม.ค. - มี.ค. ๖๖"
        assert "<p>" not in m.actions


def test_sample_has_one_meeting_in_april_2023(sample: Plan) -> None:
    meetings = {m.meeting for m in sample.measures}
    assert meetings == {MeetingRef("การประชุมพนักงาน/ผู้บริหารประจำเดือนเมษายน ๖๖", 2023, 4)}


def test_sample_checklists(sample: Plan) -> None:
    first, second = sample.measures
    assert [i.no for i in first.items] == ["1"]
    assert [i.no for i in second.items] == [
        "1)(1)", "1)(2)", "1)(3)", "1)(4)", "1)(5)", "2)(1)", "2)(2)",
    ]  # fmt: skip
    assert second.items[0] == Item("1)(1)", "ข้อมูลพื้นฐานด้านการปฏิสัมพันธ์ข้อมูล")
    assert second.actions.splitlines()[0] == "เปิดเผยข้อมูลดังต่อไปนี้"


def test_sample_baseline(sample: Plan) -> None:
    b = sample.baseline
    assert b is not None
    assert [i.no for i in b.indicators] == list(range(1, 11))
    scores = {i.name: i.score for i in b.indicators}
    assert scores["การใช้ทรัพย์สินของราชการ"] == 92.53  # row ๕, indicator ๔
    assert scores["ประสิทธิภาพการสื่อสาร"] == 75.44  # row ๘, indicator ๗
    assert {i.group for i in b.indicators if i.no >= 9} == {"OIT"}
    assert b.stated_overall == 89.95
    assert b.stated_grade == "A"
    assert b.assessed_year == 2565
    assert ita.overall(b.indicators) == 89.95
    assert len(b.improvements) == 3
    assert any("ข้อ 0๔๑" in text for text in b.improvements)
    assert all("<p>" not in text for text in b.improvements)


def test_sample_lines_point_at_the_rows(sample: Plan) -> None:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    for m in sample.measures:
        assert m.title[:10] in lines[m.line - 1]


def test_crlf_and_bom_give_the_same_plan(sample: Plan, tmp_path: Path) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    p = tmp_path / "crlf.txt"
    p.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    assert read_plan(p).measures == sample.measures


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "cp874"])
def test_other_encodings_give_the_same_plan(sample: Plan, tmp_path: Path, encoding: str) -> None:
    p = tmp_path / "plan.txt"
    p.write_bytes(SAMPLE.read_text(encoding="utf-8").encode(encoding))
    got = read_plan(p)
    assert got.measures == sample.measures
    assert got.baseline == sample.baseline


def test_thai_digits_written_in_arabic_give_the_same_plan(sample: Plan) -> None:
    from tracker.thai import to_arabic_digits

    got = parse_plan_text(to_arabic_digits(SAMPLE.read_text(encoding="utf-8")))
    assert [(m.start, m.end, m.owners) for m in got.measures] == [
        (m.start, m.end, m.owners) for m in sample.measures
    ]
    assert got.baseline is not None
    assert got.baseline.stated_overall == 89.95


# ---------------------------------------------------------------- documents under tests/plans


def test_split_table_with_repeated_header_and_number_column() -> None:
    plan = read_plan(PLANS / "split-table.txt")
    assert plan.organisation == "องค์การบริหารส่วนตำบลหนองน้ำใส"  # on the title line
    assert plan.fiscal_year == 2567
    assert plan.adopted_on == date(2023, 11, 15)
    assert [m.number for m in plan.measures] == ["1", "2", "3", "4"]
    m1, m2, m3, m4 = plan.measures
    assert [i.text for i in m1.items] == ["ปรับปรุงเว็บไซต์ & เฟซบุ๊ก", "เผยแพร่แผนการจัดซื้อจัดจ้าง"]
    assert m2.title == "มาตรการ ป้องกันผลประโยชน์ทับซ้อน"  # &nbsp;
    assert m2.owners == ("กองคลัง", "กองช่าง")
    assert (m2.start, m2.end) == (date(2023, 10, 1), date(2024, 9, 30))
    assert m2.meeting is not None
    assert m2.meeting.month == 4  # "&#3648;มษายน" is เมษายน
    assert (m3.start, m3.end) == (date(2024, 1, 1), date(2024, 3, 31))
    assert m4.owners == ("สำนักปลัด (งานนิติการ)",)
    assert [i.no for i in m4.items] == ["1", "2"]  # "-" bullets, split by Word's vertical tab
    assert (m4.start, m4.end) == (date(2023, 10, 1), date(2024, 9, 30))
    assert m1.meeting == MeetingRef("การประชุมประจำเดือนเมษายน 2567", 2024, 4)
    assert m3.meeting is not None
    assert (m3.meeting.year, m3.meeting.month) == (2024, 4)


PERIODS = [
    (date(2023, 4, 1), date(2023, 4, 30)),  # เมษายน 2566
    (date(2023, 4, 1), date(2023, 4, 30)),  # เม.ย. ๖๖
    (date(2022, 10, 1), date(2023, 3, 31)),  # ต.ค. ๖๕ - มี.ค. ๖๖
    (date(2022, 11, 1), date(2023, 2, 28)),  # พ.ย. - ก.พ.
    (date(2023, 1, 1), date(2023, 3, 31)),  # ม.ค. - มี.ค.
    (date(2023, 4, 1), date(2023, 6, 30)),  # ไตรมาสที่ ๓ (เม.ย. - มิ.ย. ๒๕๖๖)
    (date(2022, 10, 1), date(2022, 12, 31)),  # ไตรมาสที่ 1
    (date(2022, 10, 1), date(2023, 9, 30)),  # ตลอดปีงบประมาณ
    (date(2022, 10, 1), date(2023, 9, 30)),  # ตลอดปีงบประมาณ พ.ศ. ๒๕๖๖
    (date(2023, 1, 1), date(2023, 3, 31)),  # มกราคม – มีนาคม 2566
    (date(2023, 1, 1), date(2023, 6, 30)),  # มกราคม 2566 ถึง มิถุนายน 2566
    (date(2023, 1, 1), date(2023, 3, 15)),  # 1 ม.ค. - 15 มี.ค. 2566
    (date(2023, 2, 1), date(2023, 2, 28)),  # ก.พ. 2566
    (date(2023, 1, 1), date(2023, 3, 31)),  # ม.ค. - มี.ค. ๒๕66
    (date(2022, 10, 1), date(2022, 12, 31)),  # ต.ค.—ธ.ค. 2565
]


def test_period_variations() -> None:
    plan = read_plan(PLANS / "periods.txt")
    assert plan.organisation == "เทศบาลเมืองทดสอบ"
    assert [(m.start, m.end) for m in plan.measures] == PERIODS
    assert plan.problems == ()
    assert len({m.meeting for m in plan.measures}) == 1


def test_leap_years() -> None:
    plan = read_plan(PLANS / "leap.txt")
    assert [(m.start, m.end) for m in plan.measures] == [
        (date(2024, 2, 1), date(2024, 2, 29)),
        (date(2024, 2, 1), date(2024, 2, 29)),
        (date(2024, 1, 1), date(2024, 2, 29)),
    ]


def test_owner_variations() -> None:
    plan = read_plan(PLANS / "owners.txt")
    assert [m.owners for m in plan.measures] == [
        ("สำนักปลัดฯ", "กองคลัง"),
        ("สำนักปลัดฯ", "กองคลัง", "กองช่าง"),
        ("กองคลัง", "กองช่าง"),
        ("สำนักปลัดฯ", "กองการศึกษา ศาสนาและวัฒนธรรม"),
        ("กองสาธารณสุขและสิ่งแวดล้อม",),
        ("สำนักปลัดฯ (งานนิติการ)",),
        ("สำนักปลัดฯ (งานการเจ้าหน้าที่, งานธุรการ)", "กองคลัง"),
        ("ทุกสำนัก/กอง",),
        ("งานนโยบายและแผน",),
        ("กองช่าง", "กองคลัง"),
    ]
    assert len({m.meeting for m in plan.measures}) == 1


def test_merged_and_broken_rows() -> None:
    plan = read_plan(PLANS / "continued.txt")
    m1, m2, m3 = plan.measures
    assert m1.owners == ("สำนักปลัดฯ", "กองคลัง")  # the merged title cell's second row
    assert (m1.start, m1.end) == (date(2023, 1, 1), date(2023, 3, 31))
    assert [i.no for i in m1.items] == ["1)", "2)"]
    assert [i.text for i in m2.items] == ["ขั้นแรก", "ขั้นที่สอง"]  # cell broken over lines
    assert m2.meeting is not None
    assert (m2.meeting.year, m2.meeting.month) == (2023, 7)
    assert m3.title == "มาตรการสุดท้าย"
    assert m3.line == 10


def test_reordered_columns_extra_column_and_nested_checklist() -> None:
    plan = read_plan(PLANS / "reordered.txt")
    assert plan.organisation == "กรมทดสอบระบบ"
    m = only(plan)
    assert m.followup_text == ""
    assert m.meeting is None
    assert [i.no for i in m.items] == ["1.1", "1.2", "2.1", "2.2", "3"]


def test_no_measure_table_says_what_a_row_looks_like() -> None:
    with pytest.raises(PlanError) as info:
        read_plan(PLANS / "no-measures.txt")
    msg = str(info.value)
    for word in ("มาตรการ", "ผู้รับผิดชอบ", "ระยะเวลาดำเนินการ", "การติดตามผล", "<TAB>"):
        assert word in msg
    assert "no-measures.txt" in msg


def test_a_period_not_understood_comes_in_marked_on_its_line() -> None:
    plan = read_plan(PLANS / "bad-period.txt")
    good, vague = plan.measures
    assert not good.period_unclear
    assert vague.period_unclear
    assert (vague.start, vague.end) == (date(2022, 10, 1), date(2023, 9, 30))
    assert vague.period_text == "เร็ว ๆ นี้"
    (problem,) = [p for p in plan.problems if "เร็ว ๆ นี้" in p.message]
    assert problem.line == 6
    assert problem.message.startswith("มาตรการ 2: ต้องระบุช่วงเวลา")


@pytest.mark.parametrize("period", ["", "ไม่ทราบ"])
def test_a_missing_or_unknown_period_is_the_whole_fiscal_year(period: str) -> None:
    plan = parse_plan_text(doc(row(), row(title="๒. มาตรการสอง", period=period)))
    assert plan.measures[1].period_unclear
    assert (plan.measures[1].start, plan.measures[1].end) == (date(2022, 10, 1), date(2023, 9, 30))
    assert [p.line for p in plan.problems if "ต้องระบุช่วงเวลา" in p.message] == [6]


# ---------------------------------------------------------------- small documents


@pytest.mark.parametrize(
    ("header", "cells"),
    [
        ("ที่\t" + HEADER, "1\tมาตรการ\tทำ\tกองช่าง\tม.ค. 66\tรายงาน"),
        ("ลำดับที่\tมาตรการ\tวิธีการ\tหน่วยงานที่รับผิดชอบ\tระยะเวลา ดำเนินการ\tการรายงานผล",
         "1\tมาตรการ\tทำ\tกองช่าง\tม.ค. 66\tรายงาน"),
        ("มาตรการ\tผู้รับผิดชอบ\tระยะเวลาดำเนินการ", "1. มาตรการ\tกองช่าง\tม.ค. 66"),
        ("<p>มาตรการ</p>\t<p>กิจกรรม</p>\t<p>ผู้รับผิดชอบ</p>\t<p>ห้วงเวลา</p>",
         "1. มาตรการ\tทำ\tกองช่าง\tม.ค. 66"),
        ("measure\tactions\towner\tperiod\tfollow-up", "1. มาตรการ\tทำ\tกองช่าง\tม.ค. 66\tx"),
    ],
)  # fmt: skip
def test_header_wordings(header: str, cells: str) -> None:
    m = only(parse_plan_text(doc(cells, header=header)))
    assert m.number == "1"
    assert m.owners == ("กองช่าง",)
    assert (m.start, m.end) == (date(2023, 1, 1), date(2023, 1, 31))


def test_header_broken_over_two_lines() -> None:
    header = "มาตรการ\tวิธีการดำเนินการ\tผู้รับผิดชอบ\tระยะเวลา\nดำเนินการ\tการติดตามผล"
    m = only(parse_plan_text(doc(row(), header=header)))
    assert m.meeting is not None


@pytest.mark.parametrize(
    ("title", "number", "text"),
    [
        ("๒. กำหนดมาตรการ", "2", "กำหนดมาตรการ"),
        ("2) มาตรการ", "2", "มาตรการ"),
        ("(3) มาตรการ", "3", "มาตรการ"),
        ("1.2 มาตรการย่อย", "1.2", "มาตรการย่อย"),
        ("มาตรการที่ ๕ การเปิดเผย", "5", "มาตรการที่ ๕ การเปิดเผย"),
        ("มาตรการไม่มีเลข", "1", "มาตรการไม่มีเลข"),
    ],
)
def test_measure_number_from_title(title: str, number: str, text: str) -> None:
    m = only(parse_plan_text(doc(row(title=title))))
    assert (m.number, m.title) == (number, text)


def test_repeated_numbers_are_renumbered_with_a_problem() -> None:
    plan = parse_plan_text(doc(row(title="1. ก"), row(title="1. ข"), row(title="2. ค")))
    assert [m.number for m in plan.measures] == ["1", "2", "3"]
    assert any("repeats" in p.message for p in plan.problems)


def test_same_meeting_text_gives_equal_meeting_refs() -> None:
    plan = parse_plan_text(
        doc(
            row(title="1. ก", followup="<p>รายงานผลในการประชุม   ประจำเดือนเมษายน ๖๖</p>"),
            row(title="2. ข", followup="รายงานผลในการประชุม ประจำเดือนเมษายน ๖๖"),
        )
    )
    a, b = (m.meeting for m in plan.measures)
    assert a == b
    assert a is not None
    assert hash(a) == hash(b)


def test_meeting_month_without_year_follows_the_window() -> None:
    m = only(parse_plan_text(doc(row(followup="รายงานในการประชุมเดือนตุลาคม"))))
    assert m.meeting is not None
    assert (m.meeting.year, m.meeting.month) == (2023, 10)


def test_followup_without_month_is_a_problem_not_an_error() -> None:
    plan = parse_plan_text(doc(row(followup="รายงานผลต่อผู้บริหาร")))
    assert only(plan).meeting is None
    assert any("meeting" in p.message for p in plan.problems)


def test_missing_owner_is_a_problem() -> None:
    plan = parse_plan_text(doc(row(owners="")))
    assert only(plan).owners == ()
    assert plan.problems


def test_period_outside_the_fiscal_year_is_a_problem() -> None:
    plan = parse_plan_text(doc(row(period="ม.ค. - มี.ค. 2570")))
    assert any("outside" in p.message for p in plan.problems)


@pytest.mark.parametrize(
    ("rows", "line"),
    [
        ([row() + "\tเกิน\tอีก"], 5),
        (["\t".join(["", "ทำ", "กองช่าง", "ม.ค. 66", ""])], 5),
    ],
)
def test_row_errors_name_the_line(rows: list[str], line: int) -> None:
    with pytest.raises(PlanError) as info:
        parse_plan_text(doc(*rows), source="plan.txt")
    assert info.value.line == line
    assert str(info.value).startswith(f"plan.txt:{line}: ")


def test_fiscal_year_taken_from_periods_when_title_lacks_it() -> None:
    plan = parse_plan_text(doc(row(period="ม.ค. - มี.ค. 2567"), title="มาตรการส่งเสริมคุณธรรม"))
    assert plan.fiscal_year == 2567
    assert plan.problems


def test_no_fiscal_year_anywhere_is_an_error() -> None:
    with pytest.raises(PlanError, match="fiscal year"):
        parse_plan_text(doc(row(period="ม.ค. - มี.ค."), title="มาตรการส่งเสริมคุณธรรม"))


@pytest.mark.parametrize(
    ("title", "org", "expected"),
    [
        (TITLE, "เทศบาลตำบลบางจะเกร็ง อำเภอเมืองฯ จังหวัดสมุทรสงคราม", "เทศบาลตำบลบางจะเกร็ง"),
        (TITLE, "องค์การบริหารส่วนตำบลบ้านใหม่ อ.เมือง จ.ทดสอบ", "องค์การบริหารส่วนตำบลบ้านใหม่"),
        ("มาตรการส่งเสริมคุณธรรมจริยธรรมและความโปร่งใส ของเทศบาลเมืองทดสอบ ประจำปีงบประมาณ 2566",
         "", "เทศบาลเมืองทดสอบ"),
        ("มาตรการส่งเสริมคุณธรรมจริยธรรมและความโปร่งใส ประจำปีงบประมาณ พ.ศ. 2566 เทศบาลนครทดสอบ",
         "", "เทศบาลนครทดสอบ"),
    ],
)  # fmt: skip
def test_organisation(title: str, org: str, expected: str) -> None:
    assert parse_plan_text(doc(row(), title=title, org=org)).organisation == expected


def test_plan_imports_no_heavy_modules() -> None:
    code = (
        "import sys; from pathlib import Path; from tracker.plans.reader import read_plan;"
        f"read_plan(Path({str(SAMPLE)!r}));"
        "bad = [m for m in ('sqlalchemy', 'jinja2', 'smtplib', 'apscheduler', 'icalendar',"
        " 'click', 'weasyprint') if m in sys.modules]; print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
