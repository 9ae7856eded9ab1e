"""Display width of text in a terminal cell grid.

Thai vowels above/below and tone marks combine with the letter before them and
take no cell, so `len()` over-counts and `str.ljust` misaligns Thai tables.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Thai text (with ASCII and a little punctuation: – … “ ” €) encodes to
# cp874, one byte per character; there every character takes one cell except
# the sixteen Thai marks below, which bytes.translate deletes at C speed. A
# test checks these bytes against the definition in _char_width.
_CP874_MARKS = b"\xd1\xd4\xd5\xd6\xd7\xd8\xd9\xda\xe7\xe8\xe9\xea\xeb\xec\xed\xee"


_char_cache: dict[str, int] = {}


def _char_width(ch: str) -> int:
    w = _char_cache.get(ch)
    if w is None:
        import unicodedata  # only text outside cp874 gets here: keep it off `list`'s start-up

        zero = unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf")
        w = 0 if zero else 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
        _char_cache[ch] = w
    return w


def width(text: str) -> int:
    return len(text) if text.isascii() else _width(text)


@lru_cache(maxsize=8192)  # table cells repeat: units, windows, statuses
def _width(text: str) -> int:
    try:
        return len(text.encode("cp874").translate(None, _CP874_MARKS))
    except UnicodeEncodeError:  # wide (CJK), accented Latin, other scripts
        return sum(map(_char_width, text))


def widths(texts: list[str]) -> list[int]:
    """`[width(t) for t in texts]`, for a whole table column at once."""
    if all(map(str.isascii, texts)):
        return list(map(len, texts))
    distinct = set(texts)
    if len(distinct) * 2 < len(texts):  # units, windows, statuses: measure each once
        known = dict(zip(distinct, _column(list(distinct)), strict=True))
        return list(map(known.__getitem__, texts))
    return _column(texts)


def _column(texts: list[str]) -> list[int]:
    # The common column (Thai and ASCII) is measured in a few C-level passes
    # over the joined text; a column with any other character goes cell by cell.
    try:
        encoded = "\n".join(texts).encode("cp874")
    except UnicodeEncodeError:
        return list(map(width, texts))
    parts = encoded.translate(None, _CP874_MARKS).split(b"\n")
    if len(parts) != len(texts):  # a cell holds a newline: measure each cell
        return list(map(width, texts))
    return list(map(len, parts))


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


# ---------------------------------------------------------------- text safe to show

# A terminal obeys escape sequences (colour, cursor moves, clearing the screen,
# setting the window title, OSC 8 links) and the bidirectional controls reorder
# what is seen (U+202E shows "exe.txt" as "txt.exe"). Text people typed, or a
# file brought in, must reach a terminal or a mail's text part without them.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor, erase
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC: window title, hyperlinks
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS, SOS, PM, APC strings
    r"|\x1b[@-Z\\-_]?"  # any other escape (and a lone ESC)
    r"|\x9b[0-?]*[ -/]*[@-~]"  # the 8-bit CSI
)
# C0 and C1 controls but tab and newline; bidirectional embeddings, overrides,
# isolates and marks; DEL.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """`text` with terminal escape sequences, control characters (tab and
    newline kept; CR, line and paragraph separators become newlines) and
    bidirectional overrides removed: safe to print or to mail as plain text."""
    if text.isprintable() or not (_UNSAFE.search(text) or "\u2028" in text or "\u2029" in text):
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    return _UNSAFE.sub("", _ESCAPES.sub("", text))
