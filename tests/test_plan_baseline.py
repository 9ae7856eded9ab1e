"""The ITA baseline of a plan document: the shapes agencies write it in."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tracker import ita
from tracker.plans.baseline import read_baseline
from tracker.plans.model import Baseline, Problem
from tracker.plans.reader import parse_plan_text
from tracker.thai import to_thai_digits

NACC = [name for _no, name, _group in ita.INDICATORS]
IIT = "แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายใน (IIT)"
EIT = "แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายนอก (EIT)"
OIT = "แบบวัดการเปิดเผยข้อมูลสาธารณะ (OIT)"


def baseline(text: str, fiscal_year: int | None = None) -> tuple[Baseline | None, list[Problem]]:
    problems: list[Problem] = []
    lines = list(enumerate(text.split("\n"), 1))
    return read_baseline(lines, problems, fiscal_year=fiscal_year), problems


def scores(b: Baseline | None) -> dict[int, float | None]:
    assert b is not None
    return {i.no: i.score for i in b.indicators}


def with_groups(rows: list[str]) -> list[str]:
    """Indicator rows with the group rows agencies put above each group."""
    return [IIT, *rows[:5], EIT, *rows[5:8], OIT, *rows[8:]]


# Two years side by side: 2566 then 2567, and the assessor's points.
TWO_YEARS = "\n".join(
    [
        "ที่\tตัวชี้วัด\tปี ๒๕๖๖\tปี ๒๕๖๗\tประเด็นที่ต้องแก้ไขปรับปรุง",
        *with_groups([
            f"{k}\t{name}\t{80 + k}.00\t{90 + k / 10:.2f}\t{'ควรเผยแพร่แผนการใช้จ่ายงบประมาณ' if k == 2 else ''}"
            for k, name in enumerate(NACC, 1)
        ]),
        "\tคะแนนรวม\t85.10\t87.50\t",
    ]
)  # fmt: skip


def test_two_year_table_reads_the_assessed_years_column() -> None:
    b, problems = baseline(TWO_YEARS, fiscal_year=2568)  # assessed in 2567
    assert scores(b) == {k: round(90 + k / 10, 2) for k in range(1, 11)}
    assert b is not None
    assert b.assessed_year == 2567
    assert b.stated_overall == 87.50
    assert b.improvements == ("ควรเผยแพร่แผนการใช้จ่ายงบประมาณ",)  # no headings, no scores
    assert problems == []


def test_two_year_table_for_the_year_before() -> None:
    b, _ = baseline(TWO_YEARS, fiscal_year=2567)  # assessed in 2566: the first column
    assert scores(b) == {k: 80.0 + k for k in range(1, 11)}
    assert b is not None
    assert (b.assessed_year, b.stated_overall) == (2566, 85.10)


def test_two_year_table_with_a_difference_column_and_score_headings() -> None:
    rows = [f"{name}\t{85:.2f}\t{90:.2f}\t+5.00" for name in NACC]
    text = "\n".join(["ตัวชี้วัด\tคะแนนปี 2566\tคะแนนปี 2567\tผลต่าง", *rows])
    b, _ = baseline(text, fiscal_year=2568)
    assert set(scores(b).values()) == {90.0}
    assert b is not None
    assert b.improvements == ()


def test_without_year_headings_the_last_score_column() -> None:
    rows = [f"{k}. {name}\t{70 + k:.2f}\t{80 + k:.2f}" for k, name in enumerate(NACC, 1)]
    b, _ = baseline("\n".join(rows), fiscal_year=2568)
    assert scores(b) == {k: 80.0 + k for k in range(1, 11)}


def test_copied_from_a_pdf() -> None:
    """Government PDF fonts copy "า" as "ำ", scatter spaces and float marks."""
    damaged = [
        "๑. กำรปฏิบัติหน้ำที่", "๒. กำรใช้งบประมำณ", "๓. กำรใช้อ ำนำจ", "๔. กำรใช้ทรัพย์สินของรำชกำร",
        "๕. กำรแก้ไขปัญหำกำรทุจริต", "๖. คุณภำพกำรด ำเนินงำน", "๗. ประสิทธิภำพกำรสื่อสำร",
        "๘. กำรปรับปรุงระบบกำรท ำงำน", "๙. การเปิ ดเผยข้อมูล", "๑๐. การป้องกนัการทุจริต",
    ]  # fmt: skip
    rows = [f"{name} {to_thai_digits(f'{90 + k / 4:.2f}')} คะแนน" for k, name in enumerate(damaged, 1)]
    b, problems = baseline("\n".join(rows))
    assert scores(b) == {k: 90 + k / 4 for k in range(1, 11)}
    assert problems == []


def test_pua_glyph_variants_from_a_pdf() -> None:
    # U+F70A / U+F70B: the low tone marks of the Thai PUA, as some PDFs copy "่" and "้".
    b, _ = baseline("การปฏิบัติหน\uf70bาที\uf70a\t98.00\nการใช\uf70bงบประมาณ\t97.00")
    assert scores(b) == {1: 98.0, 2: 97.0}


def test_nacc_names_and_variants_give_the_nacc_name() -> None:
    b, _ = baseline("การปรับปรุงการทำงาน\t83.39\nการใช้ทรัพย์สินของทางราชการ\t92.53\nการป้องกันทุจริต 93.75 คะแนน")
    assert b is not None
    assert [(i.no, i.name) for i in b.indicators] == [
        (4, "การใช้ทรัพย์สินของราชการ"), (8, "การปรับปรุงระบบการทำงาน"), (10, "การป้องกันการทุจริต"),
    ]  # fmt: skip


def test_catalogue_by_year_names_the_nacc_first() -> None:
    for year in range(2565, 2570):
        assert [e.names[0] for e in ita.catalogue(year)] == NACC
    assert ita.catalogue(2560) == ita.catalogue(2565)
    assert ita.catalogue(2600) == ita.catalogue(max(ita.CATALOGUE))
    assert (8, "การปรับปรุงการทำงาน") in ita.indicator_names(2566)  # the sample's wording


@pytest.mark.parametrize(
    "sentence",
    [
        "คะแนนรวม ๘๗.๕๐",
        "หน่วยงานได้คะแนน ๘๗.๕๐ คะแนน อยู่ในระดับ A",
        "ผลคะแนน ITA ภาพรวม ของเทศบาลตำบลหนึ่ง ปีงบประมาณ พ.ศ. ๒๕๖๗ เท่ากับ 87.50",
        "จากผลประเมิน ITA ในปีงบประมาณ พ.ศ.๒๕๖๗ พบว่ามีผลคะแนน ๘๗.๕๐ คะแนน",
        "ผลการประเมินภาพรวม (ครั้งที่ ๑/๒๕๖๗) ได้ร้อยละ 87.50",
        "ภำพรวม ๘๗.๕๐ คะแนน",  # a PDF copy
    ],
)
def test_stated_overall_in_several_sentence_shapes(sentence: str) -> None:
    rows = "\n".join(f"{name}\t90.00" for name in NACC)
    b, _ = baseline(f"{sentence}\n{rows}")
    assert b is not None
    assert b.stated_overall == 87.50


def test_stated_overall_in_a_table_row() -> None:
    rows = "\n".join(f"{name}\t90.00" for name in NACC)
    b, _ = baseline(f"{rows}\nคะแนนรวม\t87.50")
    assert b is not None
    assert b.stated_overall == 87.50


def test_group_and_indicator_scores_in_prose_are_no_overall() -> None:
    text = "\n".join([
        f"{IIT} 96.00 คะแนน",
        "ตัวชี้วัดที่ 8 มีผลคะแนน 83.39 คะแนน ต่ำที่สุด",
        "ภาพรวมอยู่ในระดับ A ได้ 89.95 คะแนน",
        *(f"{name}\t90.00" for name in NACC),
    ])  # fmt: skip
    b, _ = baseline(text)
    assert b is not None
    assert (b.stated_overall, b.stated_grade) == (89.95, "A")


def test_group_rows_are_not_indicators() -> None:
    b, problems = baseline("\n".join(with_groups([f"{name}\t90.00" for name in NACC])))
    assert b is not None
    assert [i.no for i in b.indicators] == list(range(1, 11))
    assert b.improvements == ()
    assert problems == []


def test_fewer_than_ten_indicators_names_the_missing_ones() -> None:
    rows = [f"{name}\t90.00" for name in NACC if name not in ("การใช้อำนาจ", "การเปิดเผยข้อมูล")]
    b, problems = baseline("คะแนนรวม 90.00\n" + "\n".join(rows))
    assert b is not None
    assert len(b.indicators) == 8
    assert len(problems) == 1
    message = problems[0].message
    assert message.startswith("พบตัวชี้วัด ITA 8 จาก 10")  # Thai first
    assert "การใช้อำนาจ" in message and "การเปิดเผยข้อมูล" in message
    assert "คะแนนรวม" not in message  # the table is short, not the document's total wrong
    assert problems[0].line == 2  # the table's first indicator row


def test_improvements_lose_stray_scores_and_headings() -> None:
    text = "\n".join([
        "ตัวชี้วัดของการประเมิน ITA\tคะแนน\tประเด็นที่ต้องแก้ไขปรับปรุง",
        "การปฏิบัติหน้าที่\t98.89\tควรรักษาระดับคะแนนไว้",
        "ประสิทธิภาพการสื่อสาร\t75.44\t75.44 คะแนน ควรเพิ่มช่องทางการสื่อสาร",
        "การเปิดเผยข้อมูล\t84.48\tตัวชี้วัดย่อยที่ ๙.๓ การบริหารเงินงบประมาณ",
    ])  # fmt: skip
    b, _ = baseline(text)
    assert b is not None
    assert b.improvements == (
        "ควรรักษาระดับคะแนนไว้",
        "ควรเพิ่มช่องทางการสื่อสาร",
        "ตัวชี้วัดย่อยที่ ๙.๓ การบริหารเงินงบประมาณ",  # a sub-indicator's number is no score
    )


def test_a_score_out_of_range_is_a_problem_thai_first() -> None:
    b, problems = baseline("การปฏิบัติหน้าที่\t198.00")
    assert b is None or 1 not in scores(b)
    assert problems and problems[0].message.startswith("คะแนน ITA")


def test_a_plan_with_a_two_year_table_through_the_text_reader() -> None:
    header = "มาตรการ\tวิธีการดำเนินการ\tผู้รับผิดชอบ\tระยะเวลาดำเนินการ\tการติดตามผล"
    row = "๑. มาตรการหนึ่ง\tดำเนินการ\tสำนักปลัดฯ\tม.ค. - มี.ค. ๖๘\tรายงานผลในการประชุมเดือนเมษายน ๖๘"
    title = "มาตรการส่งเสริมคุณธรรมจริยธรรมและความโปร่งใส ประจำปีงบประมาณ พ.ศ. ๒๕๖๘"
    plan = parse_plan_text("\n".join([title, "เทศบาลตำบลหนึ่ง", TWO_YEARS, "", header, row]))
    assert plan.baseline is not None
    assert plan.baseline.assessed_year == 2567
    assert plan.baseline.stated_overall == 87.50
    assert ita.overall(plan.baseline.indicators) == ita.overall(
        [ita.Score(g, round(90 + no / 10, 2)) for no, _n, g in ita.INDICATORS]
    )


# ---------------------------------------------------------------- properties

baseline_words = st.sampled_from(
    [*NACC, IIT, "คะแนนรวม", "ภาพรวม", "ผลคะแนน", "ได้คะแนน", "ปี 2566", "ปี ๒๕๖๗", "ระดับ A", "87.50",
     "๙๘.๘๙", "คะแนน", "\t", " ", "-", "+2.5", "100", "999", "<p>", "ตัวชี้วัดที่", "ข้อ", "ครั้งที่ 1/2567"]
)  # fmt: skip
baseline_line = st.lists(st.one_of(baseline_words, st.text(max_size=10)), max_size=10).map("".join)


@example(["คะแนนรวม999"], None)  # a total row over 100 was taken for the overall score
@given(st.lists(baseline_line, max_size=12), st.one_of(st.none(), st.integers(2500, 2700)))
def test_any_text_reads_without_raising(lines: list[str], fiscal_year: int | None) -> None:
    b, problems = baseline("\n".join(lines), fiscal_year)
    if b is not None:
        assert all(0 <= (i.score or 0) <= 100 for i in b.indicators)
        assert len({i.no for i in b.indicators}) == len(b.indicators)
        assert b.stated_overall is None or 0 <= b.stated_overall <= 100
    assert all(p.message for p in problems)


@given(st.permutations(list(enumerate(NACC, 1))), st.booleans())
def test_indicators_found_by_name_in_any_row_order(rows: list[tuple[int, str]], thai: bool) -> None:
    written = [(k, name, f"{80 + no}.00") for k, (no, name) in enumerate(rows, 1)]
    text = "\n".join(f"{k}. {name} {to_thai_digits(s) if thai else s} คะแนน" for k, name, s in written)
    b, problems = baseline(text)
    assert scores(b) == {no: 80.0 + no for no in range(1, 11)}
    assert problems == []


def test_a_short_line_with_a_year_is_prose_not_a_heading() -> None:
    rows = "\n".join(f"{name}\t90.00" for name in NACC)
    b, _ = baseline(f"คะแนนรวม ปี 2567 87.50\n{rows}", fiscal_year=2568)
    assert b is not None
    assert (b.stated_overall, b.assessed_year) == (87.50, 2567)


def test_indicator_number_in_a_cell_of_its_own() -> None:
    rows = "\n".join(f"ตัวชี้วัดที่ {k}\t{name}\t{80 + k}.00" for k, name in enumerate(NACC, 1))
    b, problems = baseline(rows)
    assert scores(b) == {k: 80.0 + k for k in range(1, 11)}
    assert problems == []


def test_an_average_of_one_indicator_is_no_overall() -> None:
    rows = "\n".join(f"{name}\t90.00" for name in NACC)
    b, _ = baseline(f"คะแนนเฉลี่ยของตัวชี้วัดที่ 8 คือ 83.39\nทุกตัวชี้วัด หน่วยงานได้คะแนน 89.95\n{rows}")
    assert b is not None
    assert b.stated_overall == 89.95


def test_a_short_two_cell_sentence_with_the_overall_is_no_heading() -> None:
    rows = "\n".join(f"{name} 90.00 คะแนน\t" for name in NACC)
    b, _ = baseline(f"ผลการประเมิน ITA ปี 2567 ได้ 89.95 คะแนน\tอยู่ในระดับ A\n{rows}", fiscal_year=2568)
    assert b is not None
    assert (b.stated_overall, b.assessed_year) == (89.95, 2567)


def test_the_plans_own_year_is_not_the_assessed_year() -> None:
    rows = "\n".join(f"{name}\t90.00" for name in NACC)
    b, _ = baseline(f"ประจำปีงบประมาณ พ.ศ. ๒๕๖๘\nคะแนนรวม 90.00\n{rows}", fiscal_year=2568)
    assert b is not None
    assert b.assessed_year is None
