"""Printing for people (aligned tables, colour) and for scripts (JSON)."""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Sequence
from typing import Any

import click

from tracker.textwidth import pad, truncate, width

STATUS_LABEL = {
    "th": {
        "not_started": "ยังไม่เริ่ม",
        "in_progress": "กำลังดำเนินการ",
        "done": "เสร็จแล้ว",
        "overdue": "เกินกำหนด",
        "cancelled": "ยกเลิก",
    },
    "en": {
        "not_started": "not started",
        "in_progress": "in progress",
        "done": "done",
        "overdue": "overdue",
        "cancelled": "cancelled",
    },
}
STATUS_COLOUR = {"done": "green", "overdue": "red", "in_progress": "yellow", "cancelled": "bright_black"}


def use_colour() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def emit_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def status_text(status: str, lang: str) -> str:
    label = STATUS_LABEL[lang][status]
    if use_colour() and status in STATUS_COLOUR:
        return click.style(label, fg=STATUS_COLOUR[status])
    return label


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, shrink: int | None = None) -> str:
    """Columns padded by display width. Column `shrink` is cut to fit the terminal."""
    cols = len(headers)
    widths = [max([width(headers[i])] + [width(_plain(r[i])) for r in rows]) for i in range(cols)]
    if shrink is not None:
        room = shutil.get_terminal_size((100, 24)).columns - sum(widths) - 2 * (cols - 1) + widths[shrink]
        widths[shrink] = max(12, min(widths[shrink], room))
        rows = [[*r[:shrink], truncate(r[shrink], widths[shrink]), *r[shrink + 1 :]] for r in rows]
    lines = ["  ".join(pad(h, widths[i]) for i, h in enumerate(headers)).rstrip()]
    lines.append("  ".join("─" * w for w in widths))
    for r in rows:
        lines.append(
            "  ".join(c + " " * max(0, widths[i] - width(_plain(c))) for i, c in enumerate(r)).rstrip()
        )
    return "\n".join(lines)


def _plain(text: str) -> str:
    return click.unstyle(text) if "\x1b" in text else text
