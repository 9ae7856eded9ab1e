"""The one interpreter of plan grids (tracker/plans/layout.py), fed grids directly.

Each reader's own tests (and tests/test_plan_formats.py) check that a file
becomes the right grid; these check what a grid means.
"""

from __future__ import annotations

from datetime import date

import pytest

from tracker.errors import PlanError
from tracker.plans.grid import Cell, Document, Paragraph, Table
from tracker.plans.layout import read_document

TITLE = "มาตรการส่งเสริมคุณธรรมและความโปร่งใส ประจำปีงบประมาณ พ.ศ. ๒๕๖๗"
ORG = "เทศบาลตำบลทดสอบ"
HEADER = ["ที่", "มาตรการ/แนวทาง", "วิธีการดำเนินการ", "ผู้รับผิดชอบ", "ระยะเวลาดำเนินการ", "การติดตามผล"]
FOLLOWUP = "รายงานผลในการประชุมประจำเดือนเมษายน ๒๕๖๗"


def cells(*texts: str) -> list[Cell]:
    return [Cell(t) for t in texts]


def document(
    *rows: list[Cell], header: list[str] = HEADER, more: tuple[Table | Paragraph, ...] = ()
) -> Document:
    table = Table(rows=[cells(*header), *rows], line=3)
    return Document(blocks=[Paragraph(TITLE, 1), Paragraph(ORG, 2), table, *more])


def test_a_title_merged_down_is_one_measure_with_each_row_as_an_item() -> None:
    number, title, meeting = Cell("๑"), Cell("มาตรการเปิดเผยข้อมูล"), Cell(FOLLOWUP)
    doc = document(
        [number, title, Cell("ประกาศบนเว็บไซต์"), Cell("สำนักปลัด"), Cell("ต.ค. - ธ.ค. ๖๖"), meeting],
        [number, title, Cell("ติดบอร์ด"), Cell("กองคลัง"), Cell("ม.ค. - มี.ค. ๖๗"), meeting],
        [number, title, Cell("แจ้งชุมชน"), Cell("สำนักปลัด"), Cell("เม.ย. ๖๗"), meeting],
    )
    (m,) = read_document(doc, source="t").measures
    assert [i.text for i in m.items] == ["ประกาศบนเว็บไซต์", "ติดบอร์ด", "แจ้งชุมชน"]
    assert m.owners == ("สำนักปลัด", "กองคลัง")
    assert (m.start, m.end) == (date(2023, 10, 1), date(2024, 4, 30))
    assert m.checkpoints == (date(2023, 12, 31), date(2024, 3, 31), date(2024, 4, 30))
    assert m.meeting is not None and (m.meeting.year, m.meeting.month) == (2024, 4)


def test_equal_titles_in_separate_cells_are_two_measures() -> None:
    row = ["มาตรการเดียวกัน", "ทำ", "กองช่าง", "ม.ค. ๖๗", FOLLOWUP]
    doc = document(cells("๑", *row), cells("๒", *row))
    assert [m.number for m in read_document(doc, source="t").measures] == ["1", "2"]


def test_group_rows_are_sections_and_drop_no_measure() -> None:
    group1, group2 = Cell("ด้านที่ ๑ การเปิดเผยข้อมูล"), Cell("ด้านที่ ๒ การป้องกันการทุจริต")
    doc = document(
        [group1] * 6,
        cells("๑", "มาตรการหนึ่ง", "ทำ", "กองช่าง", "ม.ค. ๖๗", FOLLOWUP),
        [group2] * 6,
        cells("๒", "มาตรการสอง", "ทำ", "กองคลัง", "ก.พ. ๖๗", FOLLOWUP),
        cells("", "ยุทธศาสตร์ที่ ๓ ความโปร่งใส", "", "", "", ""),
        cells("๓", "มาตรการสาม", "ทำ", "กองคลัง", "มี.ค. ๖๗", FOLLOWUP),
    )
    plan = read_document(doc, source="t")
    assert [(m.number, m.section) for m in plan.measures] == [
        ("1", "ด้านที่ ๑ การเปิดเผยข้อมูล"),
        ("2", "ด้านที่ ๒ การป้องกันการทุจริต"),
        ("3", "ยุทธศาสตร์ที่ ๓ ความโปร่งใส"),
    ]


def test_extra_columns_are_kept_under_their_header() -> None:
    header = [*HEADER, "งบประมาณ (บาท)", "ตัวชี้วัด", "เป้าหมาย", "ผลการดำเนินการ", "หมายเหตุ", "ประเภท"]
    row = cells("๑", "มาตรการ", "ทำ", "กองช่าง", "ม.ค. ๖๗", FOLLOWUP, "ไม่ใช้งบประมาณ",
                "ร้อยละของข้อมูลที่เผยแพร่", "ร้อยละ ๑๐๐", "เผยแพร่ครบแล้ว", "ต่อเนื่องจากปีก่อน", "ภายใน")  # fmt: skip
    (m,) = read_document(document(row, header=header), source="t").measures
    assert (m.budget, m.indicator, m.target) == ("ไม่ใช้งบประมาณ", "ร้อยละของข้อมูลที่เผยแพร่", "ร้อยละ ๑๐๐")
    assert (m.result, m.remarks) == ("เผยแพร่ครบแล้ว", "ต่อเนื่องจากปีก่อน")
    assert m.extra == (("ประเภท", "ภายใน"),)


def test_month_columns_under_a_merged_period_header() -> None:
    period = Cell("ระยะเวลาดำเนินการ")
    months = ["ต.ค. ๖๖", "พ.ย. ๖๖", "ธ.ค. ๖๖", "ม.ค. ๖๗", "ก.พ. ๖๗", "มี.ค. ๖๗"]
    no, title, owner, follow = Cell("ที่"), Cell("มาตรการ"), Cell("ผู้รับผิดชอบ"), Cell("การติดตามผล")
    header = [no, title, owner, *[period] * 6, follow]
    sub = [no, title, owner, *cells(*months), follow]
    marks = ["✓", "✓", "", "", "", "✓"]
    rows = [header, sub, cells("๑", "มาตรการหนึ่ง", "กองช่าง", *marks, FOLLOWUP)]
    doc = Document(blocks=[Paragraph(TITLE, 1), Paragraph(ORG, 2), Table(rows=rows, line=3)])
    (m,) = read_document(doc, source="t").measures
    assert (m.start, m.end) == (date(2023, 10, 1), date(2024, 3, 31))
    assert m.checkpoints == (date(2023, 11, 30), date(2024, 3, 31))


def test_start_and_end_sub_columns() -> None:
    period = Cell("ระยะเวลาดำเนินการ")
    header = [*cells("มาตรการ", "ผู้รับผิดชอบ"), period, period]
    rows = [header, [header[0], header[1], *cells("เริ่ม", "สิ้นสุด")],
            cells("มาตรการ", "กองช่าง", "๑๕ ม.ค. ๖๗", "๒๐ ก.พ. ๖๗")]  # fmt: skip
    doc = Document(blocks=[Paragraph(TITLE, 1), Table(rows=rows, line=2)])
    (m,) = read_document(doc, source="t").measures
    assert (m.start, m.end) == (date(2024, 1, 15), date(2024, 2, 20))


def test_a_table_split_by_a_page_break_continues_and_a_signature_table_does_not() -> None:
    second = Table(rows=[cells("๒", "มาตรการสอง", "ทำ", "กองคลัง", "ก.พ. ๖๗", FOLLOWUP)], line=10)
    signature = Table(rows=[cells("ลงชื่อ", "นายกเทศมนตรี")], line=12)
    repeated = Table(
        rows=[cells(*HEADER), cells("๓", "มาตรการสาม", "ทำ", "กองช่าง", "มี.ค. ๖๗", FOLLOWUP)], line=14
    )
    doc = document(cells("๑", "มาตรการหนึ่ง", "ทำ", "กองช่าง", "ม.ค. ๖๗", FOLLOWUP),
                   more=(Paragraph("(หน้า ๒)", 9), second, signature, repeated))  # fmt: skip
    assert [m.title for m in read_document(doc, source="t").measures] == [
        "มาตรการหนึ่ง",
        "มาตรการสอง",
        "มาตรการสาม",
    ]


@pytest.mark.parametrize(
    "header",
    [
        ["โครงการ/กิจกรรม", "หน่วยงานที่\nรับผิดชอบ", "เวลาดำเนินการ"],
        ["แนวทางการดำเนินการ", "ผู้รับผิดชอบ", "ระยะเวลา"],
        ["มาตรการ", "แนวทางการดำเนินการ", "หน่วยงาน", "ห้วงเวลา"],
    ],
)
def test_header_vocabulary(header: list[str]) -> None:
    row = cells("มาตรการ", *(["ทำ"] if len(header) == 4 else []), "กองช่าง", "ม.ค. ๖๗")
    (m,) = read_document(document(row, header=header), source="t").measures
    assert (m.title, m.owners, m.start) == ("มาตรการ", ("กองช่าง",), date(2024, 1, 1))


def test_no_header_names_what_is_expected() -> None:
    doc = Document(blocks=[Paragraph(TITLE, 1), Table(rows=[cells("ก", "ข", "ค")], line=2)])
    with pytest.raises(PlanError, match="ไม่พบตารางมาตรการ"):
        read_document(doc, source="t")
