"""Table cells exported from Word: HTML fragments and plain text → lines of text."""

from __future__ import annotations

import re
from functools import lru_cache
from html import unescape

from tracker.thai import tidy


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    # A tag needs a letter right after "<", so "คะแนน < 50" stays text.
    block = re.compile(
        r"<\s*(/?)\s*(p|br|div|li|ul|ol|tr|td|th|h[1-6]|table|tbody)\b[^<>]*?/?\s*>",
        re.IGNORECASE,
    )
    # An unclosed comment, script or style runs to the end of the cell (as a
    # browser reads it): one scan, where a lazy match retried at every later
    # "<!--" or "<script" made a broken 40 KB cell cost seconds.
    other = re.compile(
        r"<\s*/?\s*[A-Za-z][A-Za-z0-9]*\b[^<>]*>|<!--(?:.*?-->|.*\Z)", re.DOTALL
    )
    script = re.compile(r"<(script|style)\b(?:.*?</\1\s*>|.*\Z)", re.IGNORECASE | re.DOTALL)
    return block, other, script


def _html_to_text(cell: str) -> str:
    block, other, script = _patterns()
    cell = script.sub(" ", cell)
    out: list[str] = []
    pos = 0
    lists: list[list[int]] = []  # one counter per open <ol>/<ul>; -1 marks <ul>
    for m in block.finditer(cell):
        out.append(cell[pos : m.start()])
        pos = m.end()
        closing, tag = m[1] == "/", m[2].lower()
        if tag in ("ul", "ol"):
            if closing:
                if lists:
                    lists.pop()
            else:
                lists.append([0 if tag == "ol" else -1])
            out.append("\n")
        elif tag == "li" and not closing:
            # A list item keeps a marker so the checklist reader sees it.
            counter = lists[-1] if lists else [-1]
            if counter[0] >= 0:
                counter[0] += 1
                out.append(f"\n{counter[0]}. ")
            else:
                out.append("\n- ")
        else:
            out.append("\n")
    out.append(cell[pos:])
    return unescape(other.sub("", "".join(out)))


def cell_lines(cell: str) -> list[str]:
    """The non-empty lines of a cell, HTML removed, whitespace normalised.

    `<p>`, `<br>`, `<li>` and line breaks (including Word's vertical tab)
    start new lines; entities are decoded; digits stay as written.
    """
    if "<" in cell or "&" in cell:
        cell = _html_to_text(cell)
    cell = cell.replace("\x0b", "\n").replace("\r", "\n")
    return [line for line in (tidy(x) for x in cell.split("\n")) if line]


def cell_text(cell: str, sep: str = "\n") -> str:
    """`cell_lines` joined by `sep`."""
    return sep.join(cell_lines(cell))
