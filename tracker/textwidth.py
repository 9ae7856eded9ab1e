"""Display width of text in a terminal cell grid.

Thai vowels above/below and tone marks combine with the letter before them and
take no cell, so `len()` over-counts and `str.ljust` misaligns Thai tables.
"""

from __future__ import annotations

import unicodedata


def width(text: str) -> int:
    total = 0
    for ch in text:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
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
    return "".join(out) + "…"
