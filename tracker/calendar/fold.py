"""Content-line folding that keeps Thai readable (RFC 5545 §3.1).

icalendar folds at 75 octets without splitting a UTF-8 sequence, but it may
put a Thai combining vowel or tone mark (ั ิ ี ุ ู ่ ้ ๊ ๋ …) at the start of
the next physical line, away from its consonant. Unfolding restores it, yet
some clients and every person reading the file see the mark float on a space.
Here a fold only happens between whole Thai clusters (and never right after a
backslash, which would split a TEXT escape).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

LIMIT = 75  # octets per physical line, CRLF excluded
_LEADING_VOWELS = frozenset("เแโใไ")  # written before the consonant they belong to
_SARA_AM = "ำ"  # a spacing vowel, but it completes the preceding syllable


def _char_at(data: bytes, i: int) -> str:
    """The character whose UTF-8 sequence starts at byte i."""
    end = i + 1
    while end < len(data) and (data[end] & 0xC0) == 0x80:
        end += 1
    return data[i:end].decode("utf-8")


def _char_start(data: bytes, i: int) -> int:
    """The first byte of the character that byte i belongs to."""
    while i > 0 and (data[i] & 0xC0) == 0x80:
        i -= 1
    return i


def _breakable_before(data: bytes, i: int) -> bool:
    """May a fold go just before the character starting at byte i?"""
    ch = _char_at(data, i)
    prev = _char_at(data, _char_start(data, i - 1))
    if prev == "\\" or prev in _LEADING_VOWELS or ch == _SARA_AM:
        return False
    return unicodedata.category(ch) not in ("Mn", "Mc", "Me")


def fold_line(line: str) -> bytes:
    """One unfolded content line as UTF-8 physical lines joined by CRLF + space.

    Works on the encoded bytes, so the cost is per fold, not per character.
    """
    data = line.encode("utf-8")
    if len(data) <= LIMIT:
        return data
    parts: list[bytes] = []
    start, room = 0, LIMIT  # the first line has 75 octets; later ones 74 after the space
    while len(data) - start > room:
        end = _char_start(data, start + room)  # never inside a UTF-8 sequence
        cut = end
        while cut > start and not _breakable_before(data, cut):
            cut = _char_start(data, cut - 1)
        if cut <= start:
            # A run with no break opportunity (hostile text): any character boundary.
            cut = end if end > start else start + len(_char_at(data, start).encode("utf-8"))
        parts.append(data[start:cut])
        start, room = cut, LIMIT - 1
    parts.append(data[start:])
    return b"\r\n ".join(parts)


def serialise(lines: Iterable[str]) -> bytes:
    """Unfolded content lines → the bytes of an .ics file (CRLF endings)."""
    return b"".join(fold_line(line) + b"\r\n" for line in lines if line)
