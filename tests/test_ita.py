"""The ITA catalogue: indicators by name, the overall formula, the grades."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker import ita
from tracker.errors import InvalidInput
from tracker.plans.model import Indicator

SAMPLE_ROWS = {  # as the sample plan numbers and writes them
    "๑. การปฏิบัติหน้าที่": 98.89,
    "๒. การใช้อำนาจ": 96.98,
    "๓. การแก้ไขปัญหาการทุจริต": 96.64,
    "๔. การใช้งบประมาณ": 94.53,
    "๕. การใช้ทรัพย์สินของราชการ": 92.53,
    "๖. คุณภาพการดำเนินงาน": 96.49,
    "๗. การปรับปรุงการทำงาน": 83.39,
    "๘. ประสิทธิภาพการสื่อสาร": 75.44,
    "๙. การเปิดเผยข้อมูล": 84.48,
    "๑๐. การป้องกันการทุจริต": 93.75,
}


def sample_indicators() -> list[Indicator]:
    out = []
    for name, score in SAMPLE_ROWS.items():
        hit = ita.match_indicator(name)
        assert hit is not None, name
        out.append(Indicator(hit[0], hit[1], hit[2], score))
    return out


def test_catalogue_has_ten_indicators_in_three_groups() -> None:
    assert [no for no, _, _ in ita.INDICATORS] == list(range(1, 11))
    groups = [g for _, _, g in ita.INDICATORS]
    assert groups == ["IIT"] * 5 + ["EIT"] * 3 + ["OIT"] * 2


@pytest.mark.parametrize(
    ("text", "no"),
    [
        ("๕. การใช้ทรัพย์สินของราชการ", 4),  # row ๕ is indicator ๔
        ("การใช้ทรัพย์สินของราชการ", 4),
        ("ตัวชี้วัดที่ ๔ การใช้ทรัพย์สินของราชการ", 4),
        ("  8)  การปรับปรุง การทำงาน ", 8),
        ("(10) การป้องกันการทุจริต", 10),
        ("๗. ประสิทธิภาพการสื่อสาร ๗๕.๔๔ คะแนน", 7),
        ("การเปิดเผย\u200bข้อมูล", 9),
        ("คุณภาพการด\u0e4d\u0e32เนินงาน", 6),  # sara am decomposed, as PDF copies write it
    ],
)
def test_match_indicator_by_name(text: str, no: int) -> None:
    hit = ita.match_indicator(text)
    assert hit is not None
    assert hit[0] == no
    assert hit[1] == ita.INDICATORS[no - 1][1]


@pytest.mark.parametrize("text", ["", "การประเมิน", "การใช้", "ITA", "๕."])
def test_unknown_names_do_not_match(text: str) -> None:
    assert ita.match_indicator(text) is None


def test_sample_scores_give_89_95_grade_a() -> None:
    score = ita.overall(sample_indicators())
    assert score == 89.95
    assert ita.grade(score) == "A"


def test_formula_weights_groups_not_indicators() -> None:
    inds = [Indicator(no, name, g, 100.0 if g == "OIT" else 50.0) for no, name, g in ita.INDICATORS]
    assert ita.overall(inds) == 70.0  # 0.3*50 + 0.3*50 + 0.4*100


def test_missing_group_is_invalid_input() -> None:
    only_iit = [i for i in sample_indicators() if i.group == "IIT"]
    with pytest.raises(InvalidInput, match="EIT"):
        ita.overall(only_iit)
    assert ita.overall_or_none(only_iit) is None


@pytest.mark.parametrize(
    ("score", "letter"),
    [
        (100, "AA"), (95, "AA"), (94.99, "A"), (85, "A"), (84.99, "B"), (75, "B"),
        (74.99, "C"), (65, "C"), (55, "D"), (54.99, "E"), (50, "E"), (49.99, "F"), (0, "F"),
    ],
)  # fmt: skip
def test_grade_boundaries(score: float, letter: str) -> None:
    assert ita.grade(score) == letter


@given(st.lists(st.floats(0, 100), min_size=10, max_size=10))
def test_overall_stays_within_the_scores(scores: list[float]) -> None:
    inds = [Indicator(no, n, g, s) for (no, n, g), s in zip(ita.INDICATORS, scores, strict=True)]
    value = ita.overall(inds)
    assert min(scores) - 0.01 <= value <= max(scores) + 0.01


@pytest.mark.parametrize(
    ("text", "no"),
    [
        ("กำรปฏิบัติหน้ำที่", 1),  # "ำ" where "า" was typed, as government PDF fonts copy it
        ("การเปิ ดเผยข้อมูล", 9),  # a stray space inside a word
        ("การป้องกนัการทุจริต", 10),  # a mark floated onto the next letter
        ("การปฏิบัติหน\uf70bาที\uf70a", 1),  # tone marks as the Thai PUA glyph variants
        ("การปรับปรุงการทำงาน", 8),  # the sample's wording of the NACC's name
        ("การใช้ทรัพย์สินของทางราชการ", 4),
    ],
)
def test_match_indicator_through_pdf_damage_and_variants(text: str, no: int) -> None:
    hit = ita.match_indicator(text)
    assert hit is not None
    assert (hit[0], hit[1]) == (no, ita.INDICATORS[no - 1][1])  # always the NACC name


def test_nacc_name_of_indicator_8() -> None:
    assert ita.INDICATORS[7][1] == "การปรับปรุงระบบการทำงาน"


def test_every_name_of_every_year_is_its_own() -> None:
    for year in ita.CATALOGUE:
        for no, name in ita.indicator_names(year):
            hit = ita.match_indicator(name, year=year)
            assert hit is not None and hit[0] == no


damage = st.lists(st.sampled_from(["", "", "", " ", "\u200b"]), min_size=40, max_size=40)


@given(st.sampled_from(ita.indicator_names()), damage, st.booleans())
def test_any_pdf_damage_of_a_name_still_matches(entry: tuple[int, str], gaps: list[str], am: bool) -> None:
    no, name = entry
    damaged = "".join(c + gap for c, gap in zip(name, gaps, strict=False))
    if am:
        damaged = damaged.replace("า", "ำ")
    hit = ita.match_indicator(damaged)
    assert hit is not None and hit[0] == no
