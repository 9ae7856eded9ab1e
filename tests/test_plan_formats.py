"""Plans as Thai organisations write them (.docx, web page, .xlsx, Word text, CSV):
what a person reading each document would write down, and what the reader must give.

The documents are built by tests/plan_docs.py; the expectations here are
written out by hand from those documents, not computed from them.

Period rules (a person's reading, fiscal year FY = 1 Oct … 30 Sep):
- a recurring form ("ทุกเดือน", "ทุกไตรมาส", "ไตรมาสที่ ๑-๔", "ปีละ ๒ ครั้ง") is
  the whole FY, with checkpoints at each month / quarter / half-year end;
  "ดำเนินการอย่างต่อเนื่อง" is the whole FY without checkpoints;
- "ภายใน X" runs from the FY's first day, or the adoption date if later, to X
  (X's month end when X is a month);
- "X เป็นต้นไป" runs from X to the FY's end;
- several months ("มีนาคม และ กันยายน") make one window over them, with each
  month's end as a checkpoint;
- a measure merged over rows with their own periods spans them all, each
  row's end a checkpoint;
- a period not understood is the whole FY with period_unclear=True, and a
  problem names it (the import goes on; `tracker edit` fixes it).
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import plan_docs as docs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.errors import PlanError
from tracker.plans.model import Measure, Plan
from tracker.plans.reader import read_plan

WITH_ITA = ("docx", "html", "xlsx", "txt")  # a CSV carries no ITA table


def written(doc: docs.PlanDoc, tmp_path: Path, fmt: str, name: str = "plan") -> Path:
    return docs.write(doc, tmp_path / f"{name}.{fmt}")


def month_ends(*months: tuple[int, int]) -> tuple[date, ...]:
    out = []
    for y, m in months:
        nxt = date(y + m // 12, m % 12 + 1, 1)
        out.append(date.fromordinal(nxt.toordinal() - 1))
    return tuple(out)


def fiscal_months(fy_be: int) -> list[tuple[int, int]]:
    y = fy_be - 543
    return [(y - 1, m) for m in (10, 11, 12)] + [(y, m) for m in range(1, 10)]


_MARKER = re.compile(r"^\s*(?:[-•●▪·]|\(?[0-9๐-๙]+[.)](?:\([0-9๐-๙]+\))?)\s*")


def action_words(actions: str) -> list[str]:
    """The actions' lines without list markers: Word draws "1." or "•", other formats type them."""
    return [_MARKER.sub("", line).strip() for line in actions.splitlines() if line.strip()]


def reading(m: Measure) -> dict[str, Any]:
    """What a person writes down about a measure (not where it sits in the file)."""
    return {
        "number": m.number,
        "title": m.title,
        "owners": m.owners,
        "start": m.start,
        "end": m.end,
        "checkpoints": m.checkpoints,
        "period_unclear": m.period_unclear,
        "meeting": (m.meeting.year, m.meeting.month) if m.meeting else None,
        "section": m.section,
        "budget": m.budget,
        "items": [(i.no, i.text) for i in m.items],
        "actions": action_words(m.actions),
    }


def ita_scores(plan: Plan) -> dict[int, float | None]:
    assert plan.baseline is not None
    return {i.no: i.score for i in plan.baseline.indicators}


# ---------------------------------------------------------------- the same plan in every format

FY2569 = (date(2025, 10, 1), date(2026, 9, 30))
SECTION_1 = "ด้านที่ ๑ การเปิดเผยข้อมูล"
SECTION_2 = "ด้านที่ ๒ การป้องกันการทุจริต"
COMMON = [
    {
        "number": "1",
        "title": "มาตรการเผยแพร่ข้อมูลต่อสาธารณะ",
        "owners": ("สำนักปลัดเทศบาล",),
        "start": FY2569[0], "end": FY2569[1],
        "checkpoints": month_ends(*fiscal_months(2569)),  # ทุกเดือน
        "period_unclear": False,
        "meeting": (2026, 4),
        "section": SECTION_1,
        "budget": "ไม่ใช้งบประมาณ",
        "items": [("1)", "ข้อมูลพื้นฐาน & ช่องทางการติดต่อ"), ("2)", "แผนการจัดซื้อจัดจ้างประจำปี")],
        "actions": ["เผยแพร่ข้อมูลข่าวสารบนเว็บไซต์ของเทศบาล ดังนี้", "ข้อมูลพื้นฐาน & ช่องทางการติดต่อ",
                    "แผนการจัดซื้อจัดจ้างประจำปี"],
    },
    {
        # The title, number, budget and follow-up cells merged down over three
        # rows, each row its own action, unit and quarter.
        "number": "2",
        "title": "มาตรการจัดทำรายงานผลการใช้จ่ายงบประมาณ",
        "owners": ("กองคลัง", "กองช่าง", "สำนักปลัดเทศบาล"),
        "start": date(2025, 10, 1), "end": date(2026, 6, 30),
        "checkpoints": (date(2025, 12, 31), date(2026, 3, 31), date(2026, 6, 30)),
        "period_unclear": False,
        "meeting": (2026, 7),
        "section": SECTION_1,
        "budget": "ไม่ใช้งบประมาณ",
        "items": [("1", "จัดทำรายงานการใช้จ่ายงบประมาณไตรมาสแรก"),
                  ("2", "สรุปปัญหา อุปสรรค และข้อเสนอแนะ"), ("3", "เผยแพร่รายงานบนเว็บไซต์")],
        "actions": ["จัดทำรายงานการใช้จ่ายงบประมาณไตรมาสแรก", "สรุปปัญหา อุปสรรค และข้อเสนอแนะ",
                    "เผยแพร่รายงานบนเว็บไซต์"],
    },
    {
        "number": "3",
        "title": "มาตรการส่งเสริมการปฏิบัติตามประมวลจริยธรรม",
        "owners": ("สำนักปลัดเทศบาล (งานการเจ้าหน้าที่)", "กองการศึกษา"),
        # ภายในเดือน มี.ค. ๖๙: from the adoption (30 Oct 2568, after the FY began)
        "start": date(2025, 10, 30), "end": date(2026, 3, 31),
        "checkpoints": (),
        "period_unclear": False,
        "meeting": (2026, 4),
        "section": SECTION_2,
        "budget": "๒๐,๐๐๐ บาท",
        "items": [("1", "จัดอบรมให้ความรู้แก่บุคลากร"), ("2", "ประกาศเจตจำนงสุจริตของผู้บริหาร")],
        "actions": ["จัดอบรมให้ความรู้แก่บุคลากร", "ประกาศเจตจำนงสุจริตของผู้บริหาร"],
    },
    {
        # after the page break and the repeated header; a Word numbered list
        "number": "4",
        "title": "มาตรการจัดการเรื่องร้องเรียนการทุจริต",
        "owners": ("สำนักปลัดเทศบาล (งานนิติการ)",),
        "start": date(2026, 1, 1), "end": FY2569[1],  # ตั้งแต่ ม.ค. ๖๙ เป็นต้นไป
        "checkpoints": (),
        "period_unclear": False,
        "meeting": (2026, 9),
        "section": SECTION_2,
        "budget": "ไม่ใช้งบประมาณ",
        "items": [("1", "ตรวจสอบช่องทางรับเรื่องร้องเรียนทุกสัปดาห์"), ("2", "รายงานผลต่อนายกเทศมนตรี")],
        "actions": ["ตรวจสอบช่องทางรับเรื่องร้องเรียนทุกสัปดาห์", "รายงานผลต่อนายกเทศมนตรี"],
    },
    {
        "number": "5",
        "title": "มาตรการป้องกันผลประโยชน์ทับซ้อน",
        "owners": ("กองช่าง",),
        "start": date(2026, 3, 1), "end": date(2026, 9, 30),  # มีนาคม และ กันยายน
        "checkpoints": (date(2026, 3, 31), date(2026, 9, 30)),
        "period_unclear": False,
        "meeting": (2026, 9),
        "section": SECTION_2,
        "budget": "๕,๐๐๐ บาท",
        "items": [],
        "actions": ["จัดทำคู่มือการป้องกันผลประโยชน์ทับซ้อน"],
    },
]  # fmt: skip
COMMON_SCORES = dict(enumerate((96.50, 92.30, 95.10, 90.40, 94.20, 93.60, 88.70, 85.20, 82.40, 87.50), 1))


@pytest.fixture(scope="module")
def common(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("common")
    doc = docs.common_plan()
    return {fmt: written(doc, tmp, fmt) for fmt in docs.FORMATS}


@pytest.mark.parametrize("fmt", docs.FORMATS)
def test_the_same_plan_in_every_format_gives_the_same_measures(common: dict[str, Path], fmt: str) -> None:
    plan = read_plan(common[fmt])
    assert [reading(m) for m in plan.measures] == COMMON


@pytest.mark.parametrize("fmt", docs.FORMATS)
def test_common_plan_head(common: dict[str, Path], fmt: str) -> None:
    plan = read_plan(common[fmt])
    assert plan.organisation == "เทศบาลตำบลหนองบัว"  # the district and province after it are the address
    assert plan.fiscal_year == 2569
    assert plan.adopted_on == date(2025, 10, 30)  # "เมื่อวันพฤหัสบดีที่ ๓๐ ตุลาคม ๒๕๖๘"
    assert plan.title.startswith("มาตรการส่งเสริมคุณธรรมจริยธรรมและความโปร่งใส")  # two lines in the document
    assert "๒๕๖๙" in plan.title or "2569" in plan.title


@pytest.mark.parametrize("fmt", WITH_ITA)
def test_common_plan_baseline_is_the_assessed_year(common: dict[str, Path], fmt: str) -> None:
    plan = read_plan(common[fmt])
    b = plan.baseline
    assert b is not None
    assert b.assessed_year == 2568
    assert ita_scores(plan) == COMMON_SCORES
    assert [i.group for i in b.indicators] == ["IIT"] * 5 + ["EIT"] * 3 + ["OIT"] * 2
    assert (b.stated_overall, b.stated_grade) == (88.84, "A")


@pytest.mark.parametrize("fmt", ["docx", "html", "xlsx"])
def test_the_score_table_and_group_rows_are_not_measures(common: dict[str, Path], fmt: str) -> None:
    plan = read_plan(common[fmt])
    titles = [m.title for m in plan.measures]
    assert not any("การปฏิบัติหน้าที่" in t or "ด้านที่" in t or "แบบวัด" in t for t in titles)
    assert all(m.title != "มาตรการ/แนวทาง" for m in plan.measures)  # the repeated header


def test_a_measure_line_is_the_row_it_starts_on(common: dict[str, Path]) -> None:
    """For the measure merged over three rows too: the first of them, where its title is."""
    plan = read_plan(common["txt"])
    lines = common["txt"].read_text(encoding="utf-8").splitlines()
    for m in plan.measures:
        assert m.title in lines[m.line - 1]


# ---------------------------------------------------------------- header words, more columns, a PDF's ITA

VOCAB_EXTRA = "ความเชื่อมโยงกับแผนพัฒนาท้องถิ่น"


@pytest.fixture(scope="module")
def vocabulary(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("vocab")
    return {fmt: written(docs.vocabulary_plan(), tmp, fmt) for fmt in docs.FORMATS}


@pytest.mark.parametrize("fmt", docs.FORMATS)
def test_project_style_columns(vocabulary: dict[str, Path], fmt: str) -> None:
    """โครงการ/กิจกรรม, แนวทางการดำเนินการ, หน่วยงาน⏎ที่รับผิดชอบ, เวลาดำเนินการ, งบประมาณ⏎(บาท) …"""
    plan = read_plan(vocabulary[fmt])
    assert plan.organisation == "องค์การบริหารส่วนตำบลท่าข้าม"
    assert plan.fiscal_year == 2568
    assert plan.adopted_on == date(2024, 11, 14)
    m1, m2 = plan.measures
    assert (m1.number, m1.title) == ("1", "โครงการอบรมคุณธรรมจริยธรรมแก่ผู้บริหาร สมาชิกสภา และพนักงาน")
    assert m1.owners == ("สำนักปลัด",)
    assert (m1.start, m1.end, m1.checkpoints) == (date(2025, 1, 1), date(2025, 3, 31), ())  # ไตรมาสที่ ๒
    assert action_words(m1.actions) == ["จัดอบรมปีละ ๑ ครั้ง", "ประเมินผลหลังการอบรม"]
    assert m1.budget == "30,000"
    assert m1.indicator == "ร้อยละของผู้เข้ารับการอบรม"
    assert m1.target == "ไม่น้อยกว่าร้อยละ ๘๐"
    assert m1.result == "ดำเนินการแล้ว"
    assert m1.remarks == "ข้อบัญญัติงบประมาณ ๒๕๖๘"
    assert dict(m1.extra) == {VOCAB_EXTRA: "ยุทธศาสตร์ที่ ๖"}
    assert m1.meeting is None  # no follow-up column
    assert m1.followup_text == ""
    assert m2.owners == ("สำนักปลัด", "กองคลัง")
    assert (m2.start, m2.end) == (date(2024, 10, 1), date(2025, 9, 30))  # ทุกไตรมาส
    assert m2.checkpoints == (date(2024, 12, 31), date(2025, 3, 31), date(2025, 6, 30), date(2025, 9, 30))
    assert m2.budget in ("-", "")  # a dash for "none", as written or dropped
    assert (m2.indicator, m2.target) == ("จำนวนครั้งที่ปรับปรุงข้อมูล", "๔ ครั้ง/ปี")
    assert (m2.result, m2.remarks) == ("", "")
    assert dict(m2.extra).get(VOCAB_EXTRA, "") == ""
    assert not m1.period_unclear and not m2.period_unclear


@pytest.mark.parametrize("fmt", WITH_ITA)
def test_ita_text_copied_out_of_a_pdf(vocabulary: dict[str, Path], fmt: str) -> None:
    """"กำรปฏิบัติหน้ำที่", "กำรเปิ ดเผยข้อมูล", "คุณภำพกำรด ำเนินงำน": matched by name all the same."""
    plan = read_plan(vocabulary[fmt])
    b = plan.baseline
    assert b is not None
    assert b.assessed_year == 2567
    assert ita_scores(plan) == dict(enumerate(
        (95.10, 93.45, 94.80, 91.30, 92.75, 94.10, 86.20, 88.35, 84.60, 89.00), 1))  # fmt: skip
    assert (b.stated_overall, b.stated_grade) == (89.63, "A")
    assert {i.name for i in b.indicators} >= {"การปฏิบัติหน้าที่", "การเปิดเผยข้อมูล", "คุณภาพการดำเนินงาน"}


# ---------------------------------------------------------------- a province, two years of ITA scores


@pytest.mark.parametrize(
    ("org", "fmt"),
    [("สำนักงานจังหวัดน่าน", "docx"), ("จังหวัดน่าน", "docx"), ("จังหวัดน่าน", "html"),
     ("สำนักงานจังหวัดน่าน", "xlsx"), ("จังหวัดน่าน", "txt")],
)  # fmt: skip
def test_province_plan(tmp_path: Path, org: str, fmt: str) -> None:
    plan = read_plan(written(docs.province_plan(org), tmp_path, fmt))
    assert plan.organisation == org  # "จังหวัด…" is the organisation here, not its address
    assert plan.fiscal_year == 2569
    assert plan.adopted_on == date(2025, 9, 18)  # before the fiscal year began
    m1, m2 = plan.measures
    assert (m1.number, m1.title) == ("1", "มาตรการป้องกันการรับสินบน")
    assert m1.owners == ("กลุ่มงานอำนวยการ",)
    # ภายในเดือน ธ.ค. ๖๘, adopted before 1 Oct: from the fiscal year's first day
    assert (m1.start, m1.end) == (date(2025, 10, 1), date(2025, 12, 31))
    assert m1.meeting is not None and (m1.meeting.year, m1.meeting.month) == (2026, 3)
    assert m2.owners == ("กลุ่มงานยุทธศาสตร์และข้อมูลเพื่อการพัฒนาจังหวัด",)
    assert (m2.start, m2.end) == FY2569  # ปีละ ๒ ครั้ง
    assert m2.checkpoints == (date(2026, 3, 31), date(2026, 9, 30))


@pytest.mark.parametrize("fmt", WITH_ITA)
def test_two_years_of_scores_give_the_assessed_years_column(tmp_path: Path, fmt: str) -> None:
    """Columns ๒๕๖๗ and ๒๕๖๘ for a 2569 plan: the baseline is 2568's, not the first column's."""
    plan = read_plan(written(docs.province_plan(), tmp_path, fmt))
    b = plan.baseline
    assert b is not None
    assert b.assessed_year == 2568
    assert ita_scores(plan) == dict(enumerate(
        (95.10, 93.45, 94.80, 91.30, 92.75, 94.10, 86.20, 88.35, 84.60, 89.00), 1))  # fmt: skip
    assert (b.stated_overall, b.stated_grade) == (89.63, "A")


# ---------------------------------------------------------------- every period form

FY2567 = (date(2023, 10, 1), date(2024, 9, 30))
ADOPTED_2567 = date(2023, 11, 30)
QUARTER_ENDS_2567 = (date(2023, 12, 31), date(2024, 3, 31), date(2024, 6, 30), date(2024, 9, 30))
PERIODS = {
    "ทุกเดือน": (*FY2567, month_ends(*fiscal_months(2567))),
    "ทุกไตรมาส": (*FY2567, QUARTER_ENDS_2567),
    "ไตรมาสที่ ๑-๔": (*FY2567, QUARTER_ENDS_2567),
    "ปีละ ๒ ครั้ง": (*FY2567, (date(2024, 3, 31), date(2024, 9, 30))),
    "ดำเนินการอย่างต่อเนื่อง": (*FY2567, ()),
    "ภายในเดือน มี.ค. ๖๗": (ADOPTED_2567, date(2024, 3, 31), ()),
    "ภายใน 30 เม.ย. 67": (ADOPTED_2567, date(2024, 4, 30), ()),
    "ตั้งแต่ ม.ค. ๖๗ เป็นต้นไป": (date(2024, 1, 1), FY2567[1], ()),
    "มีนาคม และ กันยายน": (date(2024, 3, 1), date(2024, 9, 30), (date(2024, 3, 31), date(2024, 9, 30))),
    "ตามความเหมาะสม": (*FY2567, ()),  # not understood
}
assert tuple(PERIODS) == docs.PERIOD_FORMS


@pytest.fixture(scope="module")
def periods(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("periods")
    return {fmt: written(docs.periods_plan(), tmp, fmt) for fmt in docs.FORMATS}


@pytest.mark.parametrize("fmt", docs.FORMATS)
@pytest.mark.parametrize("n", range(1, len(PERIODS) + 1))
def test_period_forms(periods: dict[str, Path], fmt: str, n: int) -> None:
    plan = read_plan(periods[fmt])
    assert plan.fiscal_year == 2567
    assert plan.adopted_on == ADOPTED_2567
    assert len(plan.measures) == len(PERIODS)  # the table goes on after the page break
    m = plan.measures[n - 1]
    form = docs.PERIOD_FORMS[n - 1]
    assert m.number == str(n)
    assert m.period_text == form
    assert (m.start, m.end, m.checkpoints) == PERIODS[form]
    assert m.period_unclear is (form == "ตามความเหมาะสม")
    assert m.meeting is not None and (m.meeting.year, m.meeting.month) == (2024, 10)


@pytest.mark.parametrize("fmt", docs.FORMATS)
def test_a_period_nobody_can_date_is_a_problem_not_a_refusal(periods: dict[str, Path], fmt: str) -> None:
    plan = read_plan(periods[fmt])
    unclear = [m for m in plan.measures if m.period_unclear]
    assert [m.period_text for m in unclear] == ["ตามความเหมาะสม"]
    said = [p for p in plan.problems if "ตามความเหมาะสม" in p.message]
    assert len(said) == 1
    assert said[0].line == unclear[0].line


# ---------------------------------------------------------------- the file type is found from the content


def test_a_docx_saved_with_a_txt_name_still_reads(common: dict[str, Path], tmp_path: Path) -> None:
    renamed = tmp_path / "มาตรการ2569.txt"
    renamed.write_bytes(common["docx"].read_bytes())
    assert [reading(m) for m in read_plan(renamed).measures] == COMMON


@pytest.mark.parametrize(("fmt", "name"), [("xlsx", "plan.csv"), ("html", "plan.doc"), ("docx", "plan")])
def test_other_formats_under_the_wrong_name(common: dict[str, Path], tmp_path: Path, fmt: str,
                                            name: str) -> None:  # fmt: skip
    """A web page saved by the browser as .doc, a workbook named .csv, a file with no suffix."""
    renamed = tmp_path / name
    renamed.write_bytes(common[fmt].read_bytes())
    assert [reading(m) for m in read_plan(renamed).measures] == COMMON


def _message_after_the_source(e: PlanError) -> str:
    msg = str(e)
    if e.source and msg.startswith(e.source):
        msg = msg[len(e.source):].lstrip(":0123456789 ")
    return msg


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + b"Microsoft Word 97-2003" * 40,
                     id="old-word-doc"),
        pytest.param(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + b"1 0 obj\n<< /Type /Catalog >>\nendobj\n" * 20
                     + b"%%EOF\n", id="pdf"),
    ],
)  # fmt: skip
@pytest.mark.parametrize("name", ["plan.docx", "plan.txt", "plan.doc", "plan.pdf"])
def test_old_word_and_pdf_say_in_thai_what_to_do(tmp_path: Path, content: bytes, name: str) -> None:
    p = tmp_path / name
    p.write_bytes(content)
    with pytest.raises(PlanError) as info:
        read_plan(p)
    msg = _message_after_the_source(info.value)
    assert "\n" not in str(info.value)  # one line
    assert re.match(r"[\u0e00-\u0e7f]", msg), msg  # Thai first
    assert re.search(r"บันทึก|เปิด|แปลง", msg), msg  # and says, in Thai, what to do …
    assert ".docx" in msg, msg  # … which is to hand over the Word file as .docx


@pytest.mark.parametrize("fmt", docs.FORMATS)
def test_merged_cells_read_by_identity_not_by_equal_text(tmp_path: Path, fmt: str) -> None:
    """Two unnumbered measures in a row with the same title, owner and follow-up are two
    measures: python-docx repeats a merged cell's text in every row it covers, but equal text
    in two cells is no merge."""
    followup = "รายงานผลในการประชุมพนักงานเทศบาลประจำเดือนเมษายน ๒๕๖๙"
    twins = tuple(
        docs.M("", "มาตรการเผยแพร่ข้อมูลต่อสาธารณะ", (docs.row(["ปรับปรุงเว็บไซต์"], ["สำนักปลัดเทศบาล"], p),),
               followup=followup)
        for p in ("ม.ค. - มี.ค. ๖๙", "เม.ย. - มิ.ย. ๖๙")
    )  # fmt: skip
    columns = tuple(c for c in docs.STANDARD if c[0] not in ("number", "budget"))
    doc = docs.replace(docs.common_plan(), columns=columns, sections=(docs.Section(None, twins),))
    plan = read_plan(written(doc, tmp_path, fmt))
    assert [m.number for m in plan.measures] == ["1", "2"]  # by position
    assert [m.owners for m in plan.measures] == [("สำนักปลัดเทศบาล",)] * 2
    assert [(m.start, m.end) for m in plan.measures] == [
        (date(2026, 1, 1), date(2026, 3, 31)), (date(2026, 4, 1), date(2026, 6, 30)),
    ]  # fmt: skip


@pytest.mark.parametrize("fmt", ["docx", "xlsx", "html"])
def test_period_and_follow_up_merged_over_several_measures(tmp_path: Path, fmt: str) -> None:
    """One period cell and one follow-up cell for the whole table: four measures, each with both."""
    plan = read_plan(written(docs.shared_cells_plan(), tmp_path, fmt))
    assert [m.number for m in plan.measures] == ["1", "2", "3", "4"]
    assert [m.owners for m in plan.measures] == [("สำนักปลัด",), ("กองคลัง",), ("กองช่าง",), ("กองการศึกษา",)]
    assert {(m.start, m.end) for m in plan.measures} == {FY2569}
    assert {(m.meeting.year, m.meeting.month) if m.meeting else None for m in plan.measures} == {(2026, 9)}
    assert not any(m.period_unclear for m in plan.measures)


# ---------------------------------------------------------------- any plan, any format (property)

# Period forms with the window a person gives them in fiscal year 2569 (adopted 30 Oct 2568).
WINDOWS = {
    "ม.ค. - มี.ค. ๖๙": (date(2026, 1, 1), date(2026, 3, 31)),
    "ตลอดปีงบประมาณ": FY2569,
    "ไตรมาสที่ ๑": (date(2025, 10, 1), date(2025, 12, 31)),
    "เมษายน ๒๕๖๙": (date(2026, 4, 1), date(2026, 4, 30)),
    "ทุกไตรมาส": FY2569,
    "ภายในเดือน ธ.ค. ๖๘": (date(2025, 10, 30), date(2025, 12, 31)),
    "ตั้งแต่ เม.ย. ๖๙ เป็นต้นไป": (date(2026, 4, 1), FY2569[1]),
}
UNITS = ("สำนักปลัดเทศบาล", "กองคลัง", "กองช่าง", "กองการศึกษา", "กองสาธารณสุขและสิ่งแวดล้อม")
TITLES = ("มาตรการเผยแพร่ข้อมูลต่อสาธารณะ", "มาตรการป้องกันการรับสินบน", "มาตรการจัดการเรื่องร้องเรียน",
          "มาตรการส่งเสริมความโปร่งใสในการจัดซื้อจัดจ้าง", "มาตรการป้องกันผลประโยชน์ทับซ้อน")  # fmt: skip

measure_rows = st.lists(
    st.tuples(
        st.sampled_from(TITLES),
        st.lists(st.sampled_from(UNITS), min_size=1, max_size=3, unique=True),
        st.sampled_from(sorted(WINDOWS)),
        st.integers(0, 3),  # numbered actions
        st.booleans(),  # a section row above it
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=measure_rows, fmt=st.sampled_from(docs.FORMATS))
def test_any_plan_in_any_format(tmp_path: Path, rows: list[tuple[str, list[str], str, int, bool]],
                                fmt: str) -> None:  # fmt: skip
    sections: list[docs.Section] = []
    for i, (title, owners, period, n_actions, new_section) in enumerate(rows, 1):
        actions = [f"{docs.th(k)}) ขั้นตอนที่ {docs.th(k)}" for k in range(1, n_actions + 1)] or ["ดำเนินการ"]
        m = docs.M(docs.th(i), title, (docs.row(actions, owners, period),),
                   followup="รายงานผลในการประชุมประจำเดือนกันยายน ๒๕๖๙")  # fmt: skip
        if new_section or not sections:
            sections.append(docs.Section(f"ด้านที่ {docs.th(len(sections) + 1)}" if new_section else None, ()))
        sections[-1] = docs.replace(sections[-1], measures=(*sections[-1].measures, m))
    doc = docs.replace(docs.common_plan(), sections=tuple(sections))
    plan = read_plan(docs.write(doc, tmp_path / f"any.{fmt}"))
    got = [(m.number, m.title, m.owners, m.start, m.end, len(m.items)) for m in plan.measures]
    assert got == [(str(i), title, tuple(owners), *WINDOWS[period], n)
                   for i, (title, owners, period, n, _) in enumerate(rows, 1)]  # fmt: skip


# ---------------------------------------------------------------- through the command line


def test_tracker_import_of_a_docx(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = docs.write(docs.common_plan(), tmp_path / "มาตรการ ๒๕๖๙.docx")
    r = run("import", str(path), "--dry-run", now="2025-11-03")
    assert r.code == 0, r.err
    assert run("list", "--json", now="2025-11-03").out.strip() in ("[]", "")
    r = run("import", str(path), now="2025-11-03")
    assert r.code == 0, r.err
    tasks = json.loads(run("list", "--json", now="2025-11-03").out)
    assert [(t["number"], t["owners"], t["start"], t["end"]) for t in tasks] == [
        (e["number"], list(e["owners"]), e["start"].isoformat(), e["end"].isoformat()) for e in COMMON
    ]
    assert {t["plan"]["fiscal_year"] for t in tasks} == {2569}
    assert [t["meeting"]["month"] for t in tasks] == ["2026-04", "2026-07", "2026-04", "2026-09", "2026-09"]
    shown = json.loads(run("plan", "show", "--json", now="2025-11-03").out)
    assert shown["adopted_on"] == "2025-10-30"
    assert shown["ita"]["stated_overall"] == 88.84
    # the same document again: updated in place, nothing doubled
    assert run("import", str(path), now="2025-11-04").code == 0
    assert len(json.loads(run("list", "--json", now="2025-11-04").out)) == 5
