"""Which column of a measure table a header cell names: the words real plans use.

One vocabulary for every format. A header cell is compared without spaces
and line breaks ("หน่วยงานที่\\nรับผิดชอบ" is "หน่วยงานที่รับผิดชอบ").
"""

from __future__ import annotations

import re

from tracker.plans.html import cell_text
from tracker.thai import normalize

# Tested in this order: the first kind whose words match wins. The order
# carries the knowledge: "การติดตามและรายงานผลการดำเนินการ" is a follow-up
# though it holds "ผลการดำเนินการ" (results); "ระยะเวลาดำเนินการ" is a period
# though it holds "ดำเนินการ" (actions); "แนวทางการดำเนินการ" is the actions
# though it holds "แนวทาง" (a title word).
_KINDS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("number", (), ("ที่", "ลำดับ", "ลำดับที่", "ข้อ", "no", "no.", "#", "number")),
    ("period", ("ระยะเวลา", "ช่วงเวลา", "ห้วงเวลา", "กำหนดเวลา", "เวลาดำเนิน", "เวลาแล้วเสร็จ",
                "ระยะดำเนิน"), ("period", "when", "timeframe", "เวลา", "ห้วง")),
    ("followup", ("ติดตาม", "รายงานผล", "ประเมินผล"), ("followup", "follow-up", "report")),
    ("owners", ("รับผิดชอบ",), ("owner", "owners", "responsible", "unit", "units", "หน่วยงาน",
                "ผู้ดำเนินการ", "หน่วยดำเนินการ", "หน่วยงานดำเนินการ")),
    ("budget", ("งบประมาณ",), ("budget",)),
    ("indicator", ("ตัวชี้วัด",), ("indicator", "kpi")),
    ("target", ("เป้าหมาย",), ("target",)),
    ("remarks", ("หมายเหตุ",), ("remarks", "note", "notes")),
    ("result", (), ("result", "results", "ผล", "ผลการดำเนินการ", "ผลการดำเนินงาน", "ผลการปฏิบัติ",
                    "ผลการปฏิบัติงาน", "ผลดำเนินการ")),
    ("actions", ("วิธีการ", "วิธีดำเนิน", "ขั้นตอน", "แนวทางการดำเนิน", "แนวทางดำเนิน",
                 "รายละเอียด"), ("actions", "action", "how", "กิจกรรม", "กิจกรรมดำเนินการ")),
    ("title", ("มาตรการ", "แนวทาง", "โครงการ", "กิจกรรม"), ("measure", "title")),
)  # fmt: skip

MAX_HEADER_CELLS = 60  # a header of more named cells is no plan's (grid.MAX_COLUMNS)

# Without at least these, a row of words is prose, not a measure header.
REQUIRED = {"title", "period"}


def _key(cell: str) -> str:
    return re.sub(r"\s", "", normalize(cell_text(cell, ""))).lower()


def column_kind(cell: str) -> str | None:
    """Which measure column a header cell names, or None."""
    s = _key(cell)
    # A cell that starts with a number ("๑. มาตรการ…") is a measure, not a heading.
    if not s or len(s) > 60 or s[0].isdigit():
        return None
    for kind, contains, exact in _KINDS:
        if s in exact or any(w in s for w in contains):
            return kind
    if "ดำเนินการ" in s:
        return "actions"
    return None


def header_kinds(cells: list[str]) -> list[str | None] | None:
    """The column kinds of a header row, or None if `cells` is no header.

    A second column of a kind already seen is kept as an extra column
    (None here; the interpreter keeps its text under its header). Without a
    title column, the first actions column is the measures' title
    ("แนวทางการดำเนินการ | ผู้รับผิดชอบ | ระยะเวลา").
    """
    end = len(cells)
    while end and not cells[end - 1].strip():
        end -= 1
    if not 3 <= end <= MAX_HEADER_CELLS:
        return None
    kinds: list[str | None] = []
    for cell in cells[:end]:
        kind = column_kind(cell)
        kinds.append(None if kind in kinds else kind)
    kinds += [None] * (len(cells) - end)
    if "title" not in kinds and "actions" in kinds:
        kinds[kinds.index("actions")] = "title"
    named = {k for k in kinds if k}
    if not named >= REQUIRED or not named & {"owners", "actions", "followup"}:
        return None
    return kinds
