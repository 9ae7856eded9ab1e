from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from tracker.textwidth import _CP874_MARKS, pad, truncate, width, widths


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


# What tables hold: Thai (letters, marks, digits), ASCII, the punctuation
# cp874 adds (– … “ ” € NBSP), East-Asian wide and fullwidth forms, Latin
# combining accents, zero-width format characters, and accented Latin.
_TABLE_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x0E01, max_codepoint=0x0E5B, exclude_categories=("Cn",)),
        st.characters(min_codepoint=0x20, max_codepoint=0x7E),
        st.sampled_from("–—…‘’“”•€\u00a0"),
        st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF),
        st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E),
        st.characters(min_codepoint=0x0300, max_codepoint=0x036F),
        st.sampled_from("\u200b\u200c\u200d\u2060\ufeff\u00ad"),
        st.characters(min_codepoint=0xC0, max_codepoint=0x17F, exclude_categories=("Cn",)),
    ),
    max_size=60,
)


@given(_TABLE_TEXT)
def test_width_of_mixed_table_text_matches_the_definition(text: str) -> None:
    assert width(text) == slow_width(text)


@given(st.text(alphabet=st.characters(min_codepoint=0x0E01, max_codepoint=0x0E5B), max_size=60))
def test_width_of_thai_matches_the_definition(text: str) -> None:
    assert width(text) == slow_width(text)


@given(st.lists(st.one_of(_TABLE_TEXT, st.text(alphabet="กิ่ab\n日")), max_size=8))
def test_a_column_measured_at_once_matches_cell_by_cell(cells: list[str]) -> None:
    assert widths(cells) == [slow_width(c) for c in cells]


def test_every_cp874_character_has_its_defined_width() -> None:
    """The fast path counts cp874 bytes minus the marks; that holds for every character."""
    for b in range(256):
        ch = bytes([b]).decode("cp874", errors="ignore")
        if ch:
            assert width(ch) == slow_width(ch), (hex(b), ch)
            assert (b in _CP874_MARKS) == (slow_width(ch) == 0), (hex(b), ch)


@given(st.text(alphabet="กขคงจิ่้ำัีุูเแโ abc", min_size=0, max_size=40), st.integers(2, 30))
def test_truncate_fits_and_keeps_marks_with_letters(text: str, cells: int) -> None:
    cut = truncate(text, cells)
    assert width(cut) <= cells
    if cut != text:
        body = cut[:-1]
        assert text.startswith(body)
        nxt = text[len(body) :][:1]
        assert not nxt or width(nxt) > 0  # never cut a letter from its vowel or tone mark
