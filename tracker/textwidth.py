"""Display width of text in a terminal cell grid.

Thai vowels above/below and tone marks combine with the letter before them and
take no cell, so `len()` over-counts and `str.ljust` misaligns Thai tables.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# Below U+1100 no character is East-Asian wide, so there width is len() minus
# the zero-width marks; str.translate strips those at C speed.
_WIDE_FROM = "\u1100"
_zero_table: dict[int, None] = {}


def _is_zero(ch: str) -> bool:
    return bool(unicodedata.combining(ch)) or unicodedata.category(ch) in ("Mn", "Me", "Cf")


def _zero() -> dict[int, None]:
    if not _zero_table:
        _zero_table.update({cp: None for cp in range(0x80, 0x1100) if _is_zero(chr(cp))})
    return _zero_table


_char_cache: dict[str, int] = {}


def _char_width(ch: str) -> int:
    w = _char_cache.get(ch)
    if w is None:
        w = 0 if _is_zero(ch) else 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
        _char_cache[ch] = w
    return w


def width(text: str) -> int:
    return len(text) if text.isascii() else _width(text)


@lru_cache(maxsize=8192)  # table cells repeat: units, windows, statuses
def _width(text: str) -> int:
    if max(text) < _WIDE_FROM:
        return len(text.translate(_zero()))
    return sum(map(_char_width, text))


def pad(text: str, cells: int) -> str:
    return text + " " * max(0, cells - width(text))


def truncate(text: str, cells: int) -> str:
    """Cut to at most `cells` cells, never between a letter and its marks."""
    if width(text) <= cells:
        return text
    # Longest prefix that fits with the ellipsis: width() of a prefix grows
    # with its length, so a binary search needs only a few C-speed measures.
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if width(text[:mid]) <= cells - 1:
            lo = mid
        else:
            hi = mid - 1
    # marks right after the cut belong to the last letter kept
    while lo < len(text) and _char_width(text[lo]) == 0:
        lo += 1
    return text[:lo] + "…"
