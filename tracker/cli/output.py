"""Printing for people (aligned tables, colour) and for scripts (JSON)."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from typing import Any

import click

from tracker.services.tasks import STATUS_LABELS
from tracker.textwidth import pad, truncate, width

STATUS_COLOUR = {"done": "green", "overdue": "red", "in_progress": "yellow", "cancelled": "bright_black"}


def use_colour() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def emit_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def status_text(status: str, lang: str) -> str:
    label = STATUS_LABELS[lang][status]
    if use_colour() and status in STATUS_COLOUR:
        return click.style(label, fg=STATUS_COLOUR[status])
    return label


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, shrink: int | None = None) -> str:
    """Columns padded by display width. On a terminal, column `shrink` is cut to
    fit its width; into a pipe or a file every cell goes whole."""
    cols = len(headers)
    measure = (lambda c: width(_plain(c))) if use_colour() else width
    cells = [[(c, measure(c)) for c in r] for r in rows]
    widths = [max([width(headers[i])] + [r[i][1] for r in cells]) for i in range(cols)]
    if shrink is not None and sys.stdout.isatty():
        room = os.get_terminal_size().columns
        room -= sum(widths) - widths[shrink] + 2 * (cols - 1)
        widths[shrink] = max(12, min(widths[shrink], room))
        for r in cells:
            text, w = r[shrink]
            if w > widths[shrink]:
                cut = truncate(text, widths[shrink])
                r[shrink] = (cut, width(cut))
    lines = [
        "  ".join(pad(h, widths[i]) for i, h in enumerate(headers)).rstrip(),
        "  ".join("─" * w for w in widths),
    ]
    # ljust to the display width plus the cells the marks do not take: one
    # C-level call per cell (a 1,000-row list is the everyday case).
    last = cols - 1
    for r in cells:
        lines.append(
            "  ".join(
                c if i == last else c.ljust(widths[i] + len(c) - w) for i, (c, w) in enumerate(r)
            ).rstrip()
        )
    return "\n".join(lines)


def _plain(text: str) -> str:
    return click.unstyle(text) if "\x1b" in text else text
