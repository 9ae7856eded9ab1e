"""The plan as a spreadsheet saved as CSV: one row per measure (docs/plan-csv.md).

Optional "key,value" lines before the header give plan-level values
(organisation, fiscal_year, title, adopted_on, adoption_meeting); the same
values may instead be columns. Headers may be English or Thai.
"""

from __future__ import annotations

import csv
import io
import re
from itertools import islice

from tracker.errors import InvalidInput, PlanError
from tracker.plans.columns import column_kind
from tracker.plans.html import cell_text
from tracker.plans.layout import is_group
from tracker.plans.measures import RawRow, build_measures
from tracker.plans.model import Plan, Problem
from tracker.thai import normalize, parse_date, parse_int

# Plan-level keys and CSV-only columns, by their spelling without spaces,
# underscores and hyphens, lower case.
_PLAN_KEYS = {
    "organisation": ("organisation", "organization", "org", "หน่วยงาน", "ชื่อหน่วยงาน"),
    "fiscal_year": ("fiscalyear", "fy", "ปีงบประมาณ", "ปีงบประมาณพ.ศ.", "ปีงบ"),
    "plan_title": ("plantitle", "title", "ชื่อแผน", "ชื่อมาตรการ", "แผน"),
    "adopted_on": ("adoptedon", "adopted", "วันที่อนุมัติ", "วันที่ประชุม", "วันที่ประกาศ"),
    "adoption_meeting": ("adoptionmeeting", "meetingadopted", "การประชุมอนุมัติ"),
}
_CSV_COLUMNS = {
    "start": ("start", "startdate", "from", "เริ่ม", "วันเริ่ม", "วันเริ่มต้น", "วันที่เริ่ม"),
    "end": ("end", "enddate", "until", "สิ้นสุด", "วันสิ้นสุด", "วันที่สิ้นสุด"),
    "followup": ("followup", "meeting", "การติดตามผล", "การรายงานผล"),
    "owners": ("owners", "owner", "units", "unit", "ผู้รับผิดชอบ", "หน่วยงานที่รับผิดชอบ"),
}
HEADER_HINT = (
    "แผนแบบ CSV ต้องมีแถวหัวตารางอย่างน้อยคอลัมน์ มาตรการ, ผู้รับผิดชอบ และ ระยะเวลาดำเนินการ "
    "(หรือ เริ่ม/สิ้นสุด) ดู docs/plan-csv.md "
    "(a CSV plan needs a header row with at least the columns title, owners and period, or start and end)"
)


def _key(cell: str) -> str:
    return re.sub(r"[\s_\-]", "", normalize(cell_text(cell, ""))).lower()


def _lookup(table: dict[str, tuple[str, ...]], cell: str) -> str | None:
    k = _key(cell)
    return next((name for name, words in table.items() if k in words), None)


def csv_kind(cell: str) -> str | None:
    """The column a CSV header cell names (plan-level columns included)."""
    if (kind := _lookup(_CSV_COLUMNS, cell)) is not None:
        return kind
    if (kind := _lookup(_PLAN_KEYS, cell)) in ("organisation", "fiscal_year"):
        return kind
    if _key(cell) == "title":
        return "title"
    return column_kind(cell)


def csv_header(cells: list[str]) -> list[str | None] | None:
    kinds = [csv_kind(c) for c in cells]
    named = [k for k in kinds if k]
    has_window = "period" in named or {"start", "end"} & set(named)
    if len(named) != len(set(named)) or not ({"title", "owners"} <= set(named) and has_window):
        return None
    return kinds


def _dialect(text: str) -> str | None:
    """The delimiter (",", ";" or tab) under which a header row appears."""
    for delim in (",", ";", "\t"):
        try:
            for cells in islice(csv.reader(io.StringIO(text), delimiter=delim), 40):
                if csv_header(cells):
                    return delim
        except csv.Error:
            continue
    return None


def looks_like_csv(text: str) -> bool:
    """Does `text` have a CSV header row (and no Word-table header)?"""
    return _dialect(text) is not None


def parse_csv(text: str, *, source: str = "<csv>") -> Plan:
    """The plan in a CSV text; PlanError with the line for what is not understood."""
    delim = _dialect(text)
    if delim is None:
        raise PlanError(HEADER_HINT, source=source)
    values: dict[str, str] = {}
    kinds: list[str | None] | None = None
    headers: list[str] = []
    rows: list[RawRow] = []
    per_row: dict[str, set[str]] = {"organisation": set(), "fiscal_year": set()}
    reader = csv.reader(io.StringIO(text), delimiter=delim)
    line = 0  # the last physical line read: a quoted cell may span several
    section = ""  # the group row ("ด้านที่ ๑ …") above the rows that follow
    try:
        for cells in reader:
            start, line = line + 1, reader.line_num
            if kinds is None:
                if (found := csv_header(cells)) is not None:
                    kinds, headers = found, cells
                elif cells and (key := _lookup(_PLAN_KEYS, cells[0])):
                    values[key] = next((c for c in cells[1:] if c.strip()), "")
                continue
            if csv_header(cells) is not None:
                continue  # the header repeated (a sheet printed over pages)
            filled = [c for c in cells if c.strip()]
            if len(filled) == 1 and cells[0].strip() and is_group(cells[0]):
                section = " ".join(cells[0].split())
                continue
            row = RawRow(line=start, section=section)
            extra: list[tuple[str, str]] = []
            for header, kind, cell in zip(headers, kinds, cells, strict=False):
                if kind is None and cell.strip():
                    extra.append((" ".join(header.split()), cell))  # a column kept under its header
                elif kind in per_row:
                    if cell.strip():
                        per_row[kind].add(" ".join(cell.split()))
                elif kind:
                    setattr(row, kind, cell)
            row.extra = tuple(extra)
            rows.append(row)
    except csv.Error as e:
        raise PlanError(f"ไฟล์ CSV ผิดรูปแบบ (not valid CSV: {e})", line=line, source=source) from None
    problems: list[Problem] = []
    for key, seen in per_row.items():
        if len(seen) > 1:
            raise PlanError(
                f"คอลัมน์ {'หน่วยงาน' if key == 'organisation' else 'ปีงบประมาณ'} มีค่าไม่ตรงกัน: "
                f"{sorted(seen)} (the {key} column holds different values)",
                source=source,
            )
        if seen and not values.get(key):
            values[key] = seen.pop()
    fiscal_year = _fiscal_year(values.get("fiscal_year", ""), source)
    organisation = cell_text(values.get("organisation", ""), " ")
    if not organisation:
        problems.append(Problem(1, "ไม่พบชื่อหน่วยงาน ให้เพิ่มบรรทัด 'หน่วยงาน,<ชื่อ>' "
                                   "(no organisation: add a line 'organisation,<name>')"))
    adopted_on = None
    if values.get("adopted_on", "").strip():
        try:
            adopted_on = parse_date(values["adopted_on"], fiscal_year=fiscal_year)
        except InvalidInput as e:
            problems.append(Problem(1, f"วันที่ประกาศแผน (adopted_on): {e}"))
    measures = build_measures(
        rows,
        fiscal_year=fiscal_year,
        source=source,
        problems=problems,
        owner_separators=";",
        adopted_on=adopted_on,
    )
    if not measures:
        raise PlanError(f"ไม่มีแถวมาตรการใต้หัวตาราง (no measure rows under the header); {HEADER_HINT}",
                        source=source)
    return Plan(
        organisation=organisation,
        fiscal_year=fiscal_year,
        title=cell_text(values.get("plan_title", ""), " "),
        adopted_on=adopted_on,
        adoption_meeting=cell_text(values.get("adoption_meeting", ""), " ") or None,
        baseline=None,
        measures=measures,
        problems=tuple(sorted(problems, key=lambda p: p.line)),
    )


def _fiscal_year(text: str, source: str) -> int:
    """A BE fiscal year: "2566", "๒๕๖๖", "พ.ศ. 2566", "66"; a CE year is converted."""
    s = re.sub(r"^(?:พ\.?\s?ศ\.?)\s*", "", normalize(text))
    if not s:
        raise PlanError("ไม่พบปีงบประมาณ ให้เพิ่มบรรทัด 'ปีงบประมาณ,2566' "
                        "(no fiscal year: add a line 'fiscal_year,2566')", source=source)
    try:
        year = parse_int(s, what="fiscal year")
    except InvalidInput as e:
        raise PlanError(str(e), source=source) from None
    if year < 100:
        year += 2500
    elif year < 2400:
        year += 543
    if not 2400 <= year <= 3000:
        raise PlanError(f"ปีงบประมาณไม่ถูกต้อง: {text!r} (fiscal year out of range)", source=source)
    return year
