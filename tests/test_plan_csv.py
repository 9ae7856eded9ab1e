"""Reading plans kept as a spreadsheet (CSV), see docs/plan-csv.md."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tracker.errors import PlanError
from tracker.plans.csvplan import parse_csv
from tracker.plans.reader import parse_plan_text, read_plan

PLANS = Path(__file__).resolve().parent / "plans"
SAMPLE = Path(__file__).resolve().parent.parent / "tracker" / "data" / "bangchakreng-2566.txt"


def test_english_headers_with_key_value_lines() -> None:
    plan = read_plan(PLANS / "plan-en.csv")
    assert plan.organisation == "เทศบาลตำบลบางจะเกร็ง"
    assert plan.fiscal_year == 2566
    assert plan.title.startswith("มาตรการส่งเสริม")
    assert plan.adopted_on == date(2022, 12, 9)
    assert plan.baseline is None
    m1, m2 = plan.measures
    assert (m1.number, m1.owners) == ("1", ("สำนักปลัดฯ",))
    assert (m1.start, m1.end) == (date(2023, 1, 1), date(2023, 3, 31))
    assert m2.owners == ("สำนักปลัดฯ", "กองคลัง", "กองการศึกษา ศาสนาและวัฒนธรรม")
    assert [i.no for i in m2.items] == ["1)(1)", "1)(2)", "2)"]
    assert m1.meeting == m2.meeting
    assert m2.line == 8


def test_csv_and_text_sample_agree_on_windows_and_meetings() -> None:
    text = read_plan(SAMPLE)
    csv_plan = read_plan(PLANS / "plan-en.csv")
    assert [(m.start, m.end, m.meeting) for m in csv_plan.measures] == [
        (m.start, m.end, m.meeting) for m in text.measures
    ]


def test_thai_headers_plan_columns_bom_and_dates() -> None:
    plan = read_plan(PLANS / "plan-th.csv")
    assert plan.organisation == "องค์การบริหารส่วนตำบลทดสอบ"
    assert plan.fiscal_year == 2567
    m1, m2 = plan.measures
    assert (m1.start, m1.end) == (date(2023, 10, 1), date(2024, 2, 29))
    assert m1.owners == ("สำนักปลัด (งานนิติการ)",)
    assert [i.text for i in m1.items] == ["ตรวจกล่องรับเรื่อง", "รายงานผู้บริหาร"]
    assert (m2.start, m2.end) == (date(2024, 3, 1), date(2024, 3, 31))
    assert m2.line == 4  # the quoted cell above spans two lines


def test_excel_thai_encoding_cp874(tmp_path: Path) -> None:
    p = tmp_path / "plan.csv"
    p.write_bytes((PLANS / "plan-th.csv").read_text(encoding="utf-8-sig").encode("cp874"))
    assert read_plan(p) == read_plan(PLANS / "plan-th.csv")


def test_semicolon_delimiter_and_quarter() -> None:
    plan = read_plan(PLANS / "plan-semicolon.csv")
    assert plan.fiscal_year == 2567
    assert (plan.measures[0].start, plan.measures[0].end) == (date(2024, 1, 1), date(2024, 3, 31))
    assert plan.measures[1].meeting is None


def test_csv_found_by_content_whatever_the_name(tmp_path: Path) -> None:
    p = tmp_path / "plan.txt"
    p.write_bytes((PLANS / "plan-en.csv").read_bytes())
    assert len(read_plan(p).measures) == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("organisation,x\nfiscal_year,2566\ntitle,owners\n", "header"),
        ("organisation,x\ntitle,owners,period\n1. ก,กองช่าง,ม.ค. 66\n", "fiscal year"),
        ("fiscal_year,abc\ntitle,owners,period\n1. ก,กองช่าง,ม.ค. 66\n", "fiscal year"),
        ("fiscal_year,2566\ntitle,owners,period\n", "no measure"),
        ("title,owners,period,fiscal_year\n1. ก,กองช่าง,ม.ค.,2566\n2. ข,กองช่าง,ม.ค.,2567\n",
         "different"),
    ],
)  # fmt: skip
def test_csv_errors(text: str, message: str) -> None:
    with pytest.raises(PlanError, match=message):
        parse_csv(text)


def test_a_period_not_understood_is_marked_on_its_line() -> None:
    text = "fiscal_year,2566\ntitle,owners,period\n1. ก,กองช่าง,ม.ค. 66\n2. ข,กองช่าง,ไม่รู้\n"
    plan = parse_csv(text, source="p.csv")
    assert [m.period_unclear for m in plan.measures] == [False, True]
    assert [p.line for p in plan.problems if "ต้องระบุช่วงเวลา" in p.message] == [4]


@pytest.mark.parametrize("fy", ["2566", "๒๕๖๖", "พ.ศ. 2566", "66", "2023"])
def test_fiscal_year_spellings(fy: str) -> None:
    text = f"fiscal_year,{fy}\norganisation,x\ntitle,owners,period\n1. ก,กองช่าง,ม.ค.\n"
    plan = parse_csv(text)
    assert plan.fiscal_year == 2566
    assert plan.measures[0].start == date(2023, 1, 1)


def test_start_end_columns_and_owner_separators() -> None:
    text = (
        "organisation,ทต.ทดสอบ\nfiscal_year,2567\n"
        "title,owners,start,end,followup\n"
        '1. ก,"กองคลัง; กองช่าง\nกองสาธารณสุขและสิ่งแวดล้อม",1 ต.ค. 66,2024-09-30,'
        "ประชุมเดือนตุลาคม 2567\n"
    )
    m = parse_plan_text(text).measures[0]
    assert m.owners == ("กองคลัง", "กองช่าง", "กองสาธารณสุขและสิ่งแวดล้อม")
    assert (m.start, m.end) == (date(2023, 10, 1), date(2024, 9, 30))
    assert m.meeting is not None
    assert (m.meeting.year, m.meeting.month) == (2024, 10)


def test_examples_in_the_docs_read_cleanly() -> None:
    import re

    doc = (Path(__file__).resolve().parent.parent / "docs" / "plan-csv.md").read_text("utf-8")
    blocks = re.findall(r"```csv\n(.*?)```", doc, re.DOTALL)
    assert len(blocks) == 3
    for block in blocks[1:]:  # the first shows the key lines alone
        plan = parse_plan_text(block)
        assert plan.measures
        assert plan.problems == ()


HEAD = "มาตรการ,ผู้รับผิดชอบ,ระยะเวลาดำเนินการ\n"


@pytest.mark.parametrize(
    ("text", "thai"),
    [
        ("หน่วยงาน,อบต.ทดลอง\n" + HEAD + "ก,สำนักปลัด,ม.ค. 66\n", "ไม่พบปีงบประมาณ"),
        ("หน่วยงาน,อบต.ทดลอง\nปีงบประมาณ,๙๙๙๙\n" + HEAD + "ก,สำนักปลัด,ม.ค. 66\n", "ปีงบประมาณไม่ถูกต้อง"),
        ("หน่วยงาน,อบต.ทดลอง\nปีงบประมาณ,2566\n" + HEAD, "ไม่มีแถวมาตรการใต้หัวตาราง"),
        ("ปีงบประมาณ,2566\nมาตรการ,หน่วยงาน,ผู้รับผิดชอบ,ระยะเวลาดำเนินการ\nก,อบต.ก,สำนักปลัด,ม.ค. 66\n"
         "ข,อบต.ข,สำนักปลัด,ม.ค. 66\n", "คอลัมน์ หน่วยงาน มีค่าไม่ตรงกัน"),
    ],
)
def test_csv_mistakes_are_said_in_thai_first(text: str, thai: str) -> None:
    with pytest.raises(PlanError) as caught:
        parse_csv(text, source="plan.csv")
    detail = caught.value.detail
    assert detail.startswith(thai), detail
    assert "\u0e00" <= detail[0] <= "\u0e7f"


def test_a_csv_without_organisation_is_a_thai_problem() -> None:
    plan = parse_csv("ปีงบประมาณ,2566\n" + HEAD + "ก,สำนักปลัด,ม.ค. 66\n", source="plan.csv")
    assert [p.message.split(" ")[0] for p in plan.problems] == ["ไม่พบชื่อหน่วยงาน"]
