"""Printing for people (aligned tables, colour) and for scripts (JSON)."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

import click

from tracker.textwidth import pad, printable, truncate, width, widths
from tracker.words import STATUS

STATUS_COLOUR = {"done": "green", "overdue": "red", "in_progress": "yellow", "cancelled": "bright_black"}


def use_colour() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def emit_json(value: Any) -> None:
    import json  # only here: its import costs a tenth of a bare start-up, and a table needs none

    from tracker.cli.streams import write_utf8

    write_utf8(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def status_text(status: str, lang: str) -> str:
    label = STATUS[lang][status]
    if use_colour() and status in STATUS_COLOUR:
        return click.style(label, fg=STATUS_COLOUR[status])
    return label


_OWN_STYLES: list[str] = []


def shown(text: str) -> str:
    """`printable(text)` that keeps this program's own colouring of statuses
    (status_text): everything else a person or a file put there is inert."""
    if text.isprintable() or "\x1b" not in text:
        return printable(text)
    if not _OWN_STYLES:
        for labels in STATUS.values():
            _OWN_STYLES.extend(click.style(labels[s], fg=c) for s, c in STATUS_COLOUR.items())
    parts, rest = [], text
    while rest:  # split at our own styled labels; clean what is between them
        at = min(((rest.find(s), s) for s in _OWN_STYLES if s in rest), default=None)
        if at is None:
            parts.append(printable(rest))
            break
        parts += [printable(rest[: at[0]]), at[1]]
        rest = rest[at[0] + len(at[1]) :]
    return "".join(parts)


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, shrink: int | None = None) -> str:
    """Columns padded by display width. On a terminal, column `shrink` is cut to
    fit its width; into a pipe or a file every cell goes whole."""
    ncols = len(headers)
    # Column by column: one map() per column instead of a Python loop per cell
    # (a 1,000-row list is the everyday case).
    cols = [list(c) for c in zip(*rows, strict=True)] if rows else [[] for _ in headers]
    # One C-level test per column; a column holding a control character or an
    # escape from what was typed or imported is cleaned cell by cell.
    cols = [c if "".join(c).isprintable() else list(map(shown, c)) for c in cols]
    plain = [list(map(_plain, c)) for c in cols] if use_colour() else cols
    measured = [widths(c) for c in plain]
    fit = [max([width(h), *m]) for h, m in zip(headers, measured, strict=True)]
    if shrink is not None and sys.stdout.isatty():
        others = sum(fit) - fit[shrink] + 2 * (ncols - 1)
        room = fit[shrink] = max(12, min(fit[shrink], os.get_terminal_size().columns - others))
        cells, ws = cols[shrink], measured[shrink]
        for i, w in enumerate(ws):
            if w > room:
                cells[i] = truncate(cells[i], room)
                ws[i] = width(cells[i])
    # ljust to the display width plus the cells the marks do not take: one
    # C-level call per cell. The last column is not padded.
    padded = [
        [c.ljust(w_col + len(c) - w) for c, w in zip(cells, ws, strict=True)]
        for cells, ws, w_col in zip(cols[:-1], measured, fit, strict=False)
    ]
    padded.append(cols[-1])
    lines = [
        "  ".join(pad(h, fit[i]) for i, h in enumerate(headers)).rstrip(),
        "  ".join("─" * w for w in fit),
    ]
    lines += [line.rstrip() for line in map("  ".join, zip(*padded, strict=True))]
    return "\n".join(lines)


def _plain(text: str) -> str:
    return click.unstyle(text) if "\x1b" in text else text
