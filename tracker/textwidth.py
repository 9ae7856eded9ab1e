"""Display width of text in a terminal cell grid.

Thai vowels above/below and tone marks combine with the letter before them and
take no cell, so `len()` over-counts and `str.ljust` misaligns Thai tables.
"""

from __future__ import annotations

import unicodedata

# Below U+1100 no character is East-Asian wide, so there width is len() minus
# the zero-width marks; str.translate strips those at C speed.
_WIDE_FROM = "\u1100"
_zero_table: dict[int, None] = {}


def _is_zero(ch: str) -> bool:
    return bool(unicodedata.combining(ch)) or unicodedata.category(ch) in ("Mn", "Me", "Cf")


def _zero() -> dict[int, None]:
    if not _zero_table:
        _zero_table.update({cp: None for cp in range(0x80, 0x1100) if _is_zero(chr(cp))})
        _zero_table.update({cp: None for cp in (0x200B, 0x200C, 0x200D, 0xFEFF)})
    return _zero_table


def width(text: str) -> int:
    if text.isascii():
        return len(text)
    if max(text) < _WIDE_FROM:
        return len(text.translate(_zero()))
    total = 0
    for ch in text:
        if not _is_zero(ch):
            total += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return total


def pad(text: str, cells: int) -> str:
    return text + " " * max(0, cells - width(text))


def truncate(text: str, cells: int) -> str:
    """Cut to at most `cells` cells, never between a letter and its marks."""
    if width(text) <= cells:
        return text
    out: list[str] = []
    used = 0
    for ch in text:
        w = width(ch)
        if used + w > cells - 1:
            break
        out.append(ch)
        used += w
    # a mark after the cut belongs to the last letter kept
    rest = text[len(out):]
    while rest and width(rest[0]) == 0:
        out.append(rest[0])
        rest = rest[1:]
    return "".join(out) + "…"
