from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from tracker.textwidth import pad, truncate, width


def slow_width(text: str) -> int:
    return sum(
        0
        if unicodedata.combining(c) or unicodedata.category(c) in ("Mn", "Me", "Cf")
        else 2
        if unicodedata.east_asian_width(c) in ("W", "F")
        else 1
        for c in text
    )


def test_thai_marks_take_no_cell() -> None:
    assert width("กองสาธารณสุขและสิ่งแวดล้อม") == 22
    assert width("เกินกำหนด") == 8
    assert width("abc") == 3
    assert width("日本") == 4


def test_padding_lines_up_thai_columns() -> None:
    cells = [pad(s, 12) + "|" for s in ("สำนักปลัดฯ", "กองช่าง", "กองคลัง", "ที่นี่")]
    assert len({width(c) for c in cells}) == 1


@given(
    st.text(
        alphabet=st.characters(
            min_codepoint=0x20, max_codepoint=0x2FFF, exclude_categories=("Cn", "Cs", "Co")
        )
    )
)
def test_fast_width_matches_the_definition(text: str) -> None:
    assert width(text) == slow_width(text)


@given(st.text(alphabet="กขคงจิ่้ำัีุูเแโ abc", min_size=0, max_size=40), st.integers(2, 30))
def test_truncate_fits_and_keeps_marks_with_letters(text: str, cells: int) -> None:
    cut = truncate(text, cells)
    assert width(cut) <= cells
    if cut != text:
        body = cut[:-1]
        assert text.startswith(body)
        nxt = text[len(body) :][:1]
        assert not nxt or width(nxt) > 0  # never cut a letter from its vowel or tone mark
