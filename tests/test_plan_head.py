"""The head of a plan document: title, organisation, fiscal year, adoption."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.plans.head import Head, read_head
from tracker.plans.model import Problem
from tracker.plans.reader import parse_plan_text
from tracker.thai import to_thai_digits

SAMPLE = Path(__file__).resolve().parent.parent / "tracker" / "data" / "bangchakreng-2566.txt"
TITLE = "มาตรการส่งเสริมคุณธรรมจริยธรรมและความโปร่งใส"


def head(*lines: str) -> tuple[Head, list[Problem]]:
    problems: list[Problem] = []
    return read_head(list(enumerate(lines, 1)), problems), problems


def test_the_sample_head() -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    lines = text.splitlines()
    first_table = next(k for k, line in enumerate(lines) if line.startswith("มาตรการ /แนวทาง"))
    got, problems = head(*lines[:first_table])
    assert got == Head(
        title=f"{TITLE} ประจำปีงบประมาณ พ.ศ.๒๕๖๖",
        organisation="เทศบาลตำบลบางจะเกร็ง",
        fiscal_year=2566,
        adopted_on=date(2022, 12, 9),
        adoption_meeting="การประชุมพนักงานเจ้าหน้าที่และผู้บริหารของเทศบาลตำบลบางจะเกร็ง เมื่อวันที่ ๙ ธันวาคม ๒๕๖๕",
    )
    assert problems == []


def test_title_on_two_lines_and_a_meeting_with_its_number() -> None:
    got, problems = head(
        TITLE,
        "ภายในหน่วยงาน ประจำปีงบประมาณ พ.ศ. ๒๕๖๗",
        "องค์การบริหารส่วนตำบลบ้านใหม่ อำเภอเมือง จังหวัดนครปฐม",
        "ในการประชุมพนักงานส่วนตำบล ครั้งที่ ๑/๒๕๖๗ วันที่ ๑๕ พฤศจิกายน ๒๕๖๖ ที่ประชุมมีมติ",
    )
    assert got.title == f"{TITLE} ภายในหน่วยงาน ประจำปีงบประมาณ พ.ศ. ๒๕๖๗"
    assert got.organisation == "องค์การบริหารส่วนตำบลบ้านใหม่"  # the address cut off
    assert got.fiscal_year == 2567
    assert got.adopted_on == date(2023, 11, 15)  # not "๑/๒๕๖๗", the meeting's number
    assert got.adoption_meeting == "การประชุมพนักงานส่วนตำบล ครั้งที่ ๑/๒๕๖๗ วันที่ ๑๕ พฤศจิกายน ๒๕๖๖"
    assert problems == []


def test_second_title_line_naming_the_organisation() -> None:
    got, _ = head(f"{TITLE}ภายในหน่วยงาน", "ขององค์การบริหารส่วนตำบลหนองน้ำใส ประจำปีงบประมาณ ๒๕๖๘")
    assert got.title == f"{TITLE}ภายในหน่วยงาน ขององค์การบริหารส่วนตำบลหนองน้ำใส ประจำปีงบประมาณ ๒๕๖๘"
    assert got.organisation == "องค์การบริหารส่วนตำบลหนองน้ำใส"
    assert got.fiscal_year == 2568


@pytest.mark.parametrize(
    ("lines", "organisation"),
    [
        # A province's own plan keeps its "จังหวัด…": it is the name, not an address.
        ([f"{TITLE} ของจังหวัดนครปฐม ประจำปีงบประมาณ พ.ศ. ๒๕๖๘"], "จังหวัดนครปฐม"),
        ([f"{TITLE} ประจำปีงบประมาณ พ.ศ. ๒๕๖๘", "สำนักงานจังหวัดนครปฐม"], "สำนักงานจังหวัดนครปฐม"),
        ([f"{TITLE} ประจำปีงบประมาณ พ.ศ. ๒๕๖๘", "องค์การบริหารส่วนจังหวัดนครปฐม"],
         "องค์การบริหารส่วนจังหวัดนครปฐม"),
        ([f"{TITLE} ประจำปีงบประมาณ 2567", "เทศบาลเมืองนครปฐม อำเภอเมืองนครปฐม จังหวัดนครปฐม"],
         "เทศบาลเมืองนครปฐม"),
        ([f"{TITLE} ประจำปีงบประมาณ 2567", "เทศบาลนครนนทบุรี จ.นนทบุรี"], "เทศบาลนครนนทบุรี"),
        ([f"{TITLE} ประจำปีงบประมาณ 2567", "อบต.บ้านใหม่ อ.เมือง จ.นครปฐม"], "อบต.บ้านใหม่"),
        ([f"{TITLE} ประจำปีงบประมาณ 2567", "กรมส่งเสริมการเกษตร"], "กรมส่งเสริมการเกษตร"),
        ([f"{TITLE} ประจำปีงบประมาณ 2567", "โรงเรียนบ้านหนองแค อำเภอหนองแค จังหวัดสระบุรี"],
         "โรงเรียนบ้านหนองแค"),
        # "เขต ๑" belongs to an education area office's name.
        ([f"{TITLE} ประจำปีงบประมาณ 2567", "สำนักงานเขตพื้นที่การศึกษาประถมศึกษานครปฐม เขต ๑"],
         "สำนักงานเขตพื้นที่การศึกษาประถมศึกษานครปฐม เขต ๑"),
        # Order swapped: the organisation's line comes first.
        (["เทศบาลตำบลบางจะเกร็ง", f"{TITLE} ประจำปีงบประมาณ 2567"], "เทศบาลตำบลบางจะเกร็ง"),
        (["ประกาศเทศบาลเมืองทดสอบ", f"เรื่อง {TITLE} ประจำปี พ.ศ. ๒๕๖๗"], "เทศบาลเมืองทดสอบ"),
        # Elsewhere in the head only: a sentence about the assessment.
        ([f"{TITLE} ประจำปีงบประมาณ 2567", "",
          "ผลการประเมิน ITA ของเทศบาลตำบลหนึ่ง ปีงบประมาณ 2566 ได้ 90 คะแนน"], "เทศบาลตำบลหนึ่ง"),
    ],
)  # fmt: skip
def test_organisation_wherever_the_head_names_it(lines: list[str], organisation: str) -> None:
    got, problems = head(*lines)
    assert got.organisation == organisation
    assert problems == []


def test_the_nacc_named_in_the_head_is_not_the_organisation() -> None:
    got, problems = head(
        f"{TITLE} ประจำปีงบประมาณ 2567",
        "สำนักงาน ป.ป.ช. กำหนดให้หน่วยงานจัดทำมาตรการ",
        "เทศบาลตำบลหนึ่ง",
    )
    assert got.organisation == "เทศบาลตำบลหนึ่ง"
    assert problems == []


def test_no_organisation_is_one_problem_thai_first() -> None:
    got, problems = head(f"{TITLE} ประจำปีงบประมาณ 2567", "จากการประชุมเมื่อวันที่ ๙ ธันวาคม ๒๕๖๖")
    assert got.organisation == ""
    assert len(problems) == 1
    assert problems[0].message.startswith("ไม่พบชื่อหน่วยงาน")
    assert "(no organisation" in problems[0].message


@pytest.mark.parametrize(
    ("title", "year"),
    [
        (f"{TITLE} ประจำปีงบประมาณ พ.ศ. ๒๕๖๗", 2567),
        (f"{TITLE} ปีงบประมาณ 2567", 2567),
        (f"{TITLE} ประจำปี พ.ศ. ๒๕๖๗", 2567),
        (f"{TITLE} ประจำปีงบประมาณ ๖๗", 2567),
        (f"{TITLE} ประจำปีงบประมาณ พ.ศ.2569", 2569),
        (f"{TITLE} ประจำปีงบประมาณ 2024", 2567),  # a CE year, converted
        (TITLE, None),
    ],
)
def test_fiscal_year(title: str, year: int | None) -> None:
    assert head(title, "เทศบาลตำบลหนึ่ง")[0].fiscal_year == year


def test_fiscal_year_on_its_own_line_not_the_assessed_year() -> None:
    got, _ = head(
        "ประกาศเทศบาลตำบลหนึ่ง",
        "ประจำปีงบประมาณ พ.ศ. ๒๕๖๘",
        f"เรื่อง {TITLE}",
        "ผลการประเมิน ITA ปีงบประมาณ พ.ศ. ๒๕๖๗ ได้ ๙๐.๐๐ คะแนน",
    )
    assert got.fiscal_year == 2568
    assert got.title == TITLE


@pytest.mark.parametrize(
    ("sentence", "day"),
    [
        ("จากการประชุมพนักงาน เมื่อวันที่ ๙ ธันวาคม ๒๕๖๕ ได้พิจารณา", date(2022, 12, 9)),
        ("ที่ประชุมคณะผู้บริหาร เมื่อวันพฤหัสบดีที่ ๓๐ ตุลาคม ๒๕๖๘ มีมติ", date(2025, 10, 30)),
        ("ในการประชุมประจำเดือน ครั้งที่ ๑/๒๕๖๘ วันที่ ๓๑ ตุลาคม พ.ศ. ๒๕๖๗", date(2024, 10, 31)),
        ("การประชุมคณะทำงาน เมื่อวันที่ 3 พ.ย. 2567", date(2024, 11, 3)),
        ("การประชุมคณะทำงาน วันศุกร์ที่ 8 พฤศจิกายน 2567", date(2024, 11, 8)),
    ],
)
def test_adoption_date_in_its_sentence(sentence: str, day: date) -> None:
    got, _ = head(f"{TITLE} ประจำปีงบประมาณ 2568", "เทศบาลตำบลหนึ่ง", sentence)
    assert got.adopted_on == day
    assert got.adoption_meeting is not None
    assert "ประชุม" in got.adoption_meeting


def test_adoption_sentence_broken_over_two_lines() -> None:
    got, _ = head(
        f"{TITLE} ประจำปีงบประมาณ 2568", "เทศบาลตำบลหนึ่ง",
        "จากการประชุมพนักงานเทศบาล", "เมื่อวันที่ ๕ พฤศจิกายน ๒๕๖๗ ได้ร่วมกันพิจารณา",
    )  # fmt: skip
    assert got.adopted_on == date(2024, 11, 5)


def test_the_meeting_date_wins_over_the_announcement() -> None:
    got, _ = head(
        "ประกาศเทศบาลเมืองทดสอบ",
        f"เรื่อง {TITLE} ประจำปีงบประมาณ ๒๕๖๘",
        "ตามที่ประชุมพนักงานเทศบาล เมื่อวันที่ ๕ พฤศจิกายน ๒๕๖๗ มีมติ",
        "ประกาศ ณ วันที่ ๒๐ พฤศจิกายน พ.ศ. ๒๕๖๗",
    )
    assert got.adopted_on == date(2024, 11, 5)


def test_the_announcement_date_when_no_meeting_is_dated() -> None:
    got, _ = head(
        "ประกาศเทศบาลเมืองทดสอบ",
        f"เรื่อง {TITLE} ประจำปีงบประมาณ ๒๕๖๘",
        "ประกาศ ณ วันที่ ๒๐ พฤศจิกายน พ.ศ. ๒๕๖๗",
    )
    assert got.adopted_on == date(2024, 11, 20)
    assert got.adoption_meeting is None


def test_web_page_markup_in_the_head() -> None:
    got, _ = head(
        f"<p>{TITLE}&nbsp;ประจำปีงบประมาณ&nbsp;2567</p>",
        "<p><strong>เทศบาลตำบลหนึ่ง</strong> อำเภอเมือง<br>จังหวัดทดสอบ</p>",
    )
    assert got.title == f"{TITLE} ประจำปีงบประมาณ 2567"
    assert got.organisation == "เทศบาลตำบลหนึ่ง"


def test_a_head_table_row() -> None:
    got, _ = head(f"{TITLE}\tประจำปีงบประมาณ 2567", "หน่วยงาน:\t", "เทศบาลตำบลหนึ่ง\tอำเภอเมือง")
    assert got.fiscal_year == 2567
    assert got.organisation == "เทศบาลตำบลหนึ่ง"


def test_text_reader_uses_the_head() -> None:
    header = "มาตรการ\tวิธีการดำเนินการ\tผู้รับผิดชอบ\tระยะเวลาดำเนินการ\tการติดตามผล"
    row = "๑. มาตรการหนึ่ง\tดำเนินการ\tสำนักปลัดฯ\tม.ค. - มี.ค. ๖๘\tรายงานผลในการประชุมเดือนเมษายน ๖๘"
    plan = parse_plan_text(
        "\n".join([TITLE, "ประจำปีงบประมาณ พ.ศ. ๒๕๖๘", "องค์การบริหารส่วนจังหวัดนครปฐม", header, row])
    )
    assert plan.title == f"{TITLE} ประจำปีงบประมาณ พ.ศ. ๒๕๖๘"
    assert plan.organisation == "องค์การบริหารส่วนจังหวัดนครปฐม"
    assert plan.fiscal_year == 2568
    assert plan.problems == ()


# ---------------------------------------------------------------- properties


head_words = st.sampled_from(
    [TITLE, "ประจำปีงบประมาณ", "พ.ศ.", "๒๕๖๗", "67", "เทศบาลตำบล", "อำเภอ", "จังหวัด", "ประชุม",
     "เมื่อวันที่", "วันพฤหัสบดีที่", "๓๐", "ตุลาคม", "๑/๒๕๖๘", "ประกาศ ณ วันที่", "เรื่อง", "ของ",
     "<p>", "</p>", "&nbsp;", "\t", " ", "ITA", "ป.ป.ช.", "99", "31", "กุมภาพันธ์"]
)  # fmt: skip
head_line = st.lists(st.one_of(head_words, st.text(max_size=12)), max_size=12).map("".join)


@given(st.lists(head_line, max_size=8))
def test_any_head_reads_without_raising(lines: list[str]) -> None:
    problems: list[Problem] = []
    got = read_head(list(enumerate(lines, 1)), problems)
    assert got.fiscal_year is None or 2400 <= got.fiscal_year <= 2800
    assert "\t" not in got.title and "<p>" not in got.title
    assert bool(got.organisation) != any(p.message.startswith("ไม่พบชื่อหน่วยงาน") for p in problems)


@given(
    st.integers(2550, 2650),
    st.sampled_from(["ประจำปีงบประมาณ พ.ศ. {}", "ปีงบประมาณ {}", "ประจำปี พ.ศ.{}", "ประจำปีงบประมาณ {}"]),
    st.booleans(),
    st.booleans(),
)
def test_fiscal_year_however_written(year: int, form: str, thai_digits: bool, two_digits: bool) -> None:
    written = str(year)[2:] if two_digits and year < 2600 else str(year)
    phrase = form.format(to_thai_digits(written) if thai_digits else written)
    assert head(f"{TITLE} {phrase}", "เทศบาลตำบลหนึ่ง")[0].fiscal_year == year
