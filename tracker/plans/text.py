"""The plan as text exported from Word: paragraphs, and tables as tab-separated rows.

Layout read here (see tracker/data/bangchakreng-2566.txt):

* the head (see `head`): the title, "มาตรการส่งเสริมคุณธรรมจริยธรรมและความโปร่งใส
  ประจำปีงบประมาณ พ.ศ.๒๕๖๖", the organisation and the sentence naming the
  adoption meeting, "…การประชุม… เมื่อวันที่ ๙ ธันวาคม ๒๕๖๕";
* the ITA section (see `baseline`);
* measure tables: a header row (recognised by its words, in any column
  order, with or without a leading "ที่" column, repeated when a table is
  split across pages) and one row per measure. A row with fewer cells than
  its header continues on the next line (a cell broken by a line break).
"""

from __future__ import annotations

import re

from tracker.errors import InvalidInput, PlanError
from tracker.plans.baseline import read_baseline
from tracker.plans.head import read_head
from tracker.plans.html import cell_text
from tracker.plans.measures import RawRow, build_measures
from tracker.plans.model import Plan, Problem
from tracker.thai import fiscal_year_of, normalize, parse_period

NO_MEASURE = (
    "no measure table found. A measure table starts with a header row whose "
    "tab-separated cells are: มาตรการ/แนวทาง, วิธีการดำเนินการ, ผู้รับผิดชอบ, "
    "ระยะเวลาดำเนินการ, การติดตามผล (optionally a first column ที่); each "
    "following row is one measure, e.g. '๑. มาตรการการเปิดเผยข้อมูลต่อสาธารณะ<TAB>"
    "เผยแพร่ข้อมูลบนเว็บไซต์<TAB>สำนักปลัดฯ<TAB>ม.ค. - มี.ค. ๖๖<TAB>"
    "รายงานผลในการประชุมประจำเดือนเมษายน ๖๖'"
)

# Column kinds, tested in this order on a header cell without spaces: the
# period and owner words are tested first because "ระยะเวลาดำเนินการ" also
# contains "ดำเนินการ" and "มาตรการ/แนวทาง" is no actions column.
_KINDS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("period", ("ระยะเวลา", "ช่วงเวลา", "ห้วงเวลา", "กำหนดเวลา"), ("period", "when", "timeframe")),
    ("owners", ("รับผิดชอบ",), ("owner", "owners", "responsible", "unit", "units")),
    ("followup", ("ติดตาม", "รายงานผล", "ประเมินผล"), ("followup", "follow-up", "report")),
    ("actions", ("วิธีการ", "วิธีดำเนิน", "ขั้นตอน", "กิจกรรม"), ("actions", "action", "how")),
    ("title", ("มาตรการ", "แนวทาง"), ("measure", "title")),
    ("number", (), ("ที่", "ลำดับ", "ลำดับที่", "ข้อ", "no", "no.", "#", "number")),
)


def column_kind(cell: str) -> str | None:
    """Which measure column a header cell names, or None."""
    s = re.sub(r"\s", "", normalize(cell_text(cell, ""))).lower()
    if not s or len(s) > 40:
        return None
    for kind, contains, exact in _KINDS:
        if s in exact or any(w in s for w in contains):
            return kind
    if "ดำเนินการ" in s and "มาตรการ" not in s:
        return "actions"
    return None


def header_kinds(cells: list[str]) -> list[str | None] | None:
    """The column kinds of a header row, or None if `cells` is no header."""
    if len(cells) < 3:
        return None
    kinds = [column_kind(c) for c in cells]
    named = [k for k in kinds if k]
    if len(named) != len(set(named)) or not {"title", "owners", "period"} <= set(named):
        return None
    return kinds


def _split_rows(lines: list[str], start: int) -> list[RawRow]:
    """Measure rows from line index `start` on.

    A row with fewer cells than its header continues on the next line; so
    does its last cell when a line without tabs follows it directly. After
    a blank line, such a line is prose and ends the table; a later row with
    exactly the header's cell count resumes it (a page break without a
    repeated header).
    """
    rows: list[RawRow] = []
    kinds: list[str | None] | None = None
    last_kinds: list[str | None] | None = None
    cells: list[str] = []
    first_line = 0
    after_blank = False

    def flush() -> None:
        nonlocal cells
        if kinds is not None and cells:
            rows.append(_to_row(kinds, cells, first_line))
        cells = []

    i = start
    while i < len(lines):
        raw = lines[i]
        i += 1
        parts = raw.split("\t")
        blank, was_blank = not raw.strip(), after_blank
        after_blank = blank
        new_kinds = header_kinds(parts)
        if new_kinds is not None:
            flush()
            kinds = last_kinds = new_kinds
            # A header cell broken over two lines: take the second part in.
            if i < len(lines) and "\t" in lines[i]:
                head, *tail = lines[i].split("\t")
                better = header_kinds([*parts[:-1], f"{parts[-1]} {head}", *tail])
                if better and len([k for k in better if k]) > len([k for k in kinds if k]):
                    kinds = last_kinds = better
                    i += 1
            continue
        if kinds is None:
            if last_kinds is None or len(parts) != len(last_kinds):
                continue
            kinds = last_kinds
        if blank and "\t" not in raw:
            continue
        if cells and len(cells) < len(kinds):
            cells[-1] += "\n" + parts[0]
            cells += parts[1:]
        elif "\t" in raw:
            flush()
            cells, first_line = parts, i
        elif cells and not was_blank:
            cells[-1] += "\n" + raw
        else:
            flush()
            kinds = None  # prose after a table ends it
            continue
        while len(cells) > len(kinds) and not cells[-1].strip():
            cells.pop()
        if len(cells) > len(kinds):
            raise PlanError(
                f"this row has {len(cells)} cells but its table header has {len(kinds)}",
                line=first_line,
            )
    flush()
    return rows


def _to_row(kinds: list[str | None], cells: list[str], line: int) -> RawRow:
    row = RawRow(line=line)
    for kind, cell in zip(kinds, cells, strict=False):
        if kind:
            setattr(row, kind, cell)
    return row


def _fiscal_year_from_periods(rows: list[RawRow]) -> int | None:
    """The fiscal year of the first period that writes its own year."""
    for row in rows:
        text = cell_text(row.period, " ")
        try:
            a = parse_period(text, fiscal_year=2500)
            b = parse_period(text, fiscal_year=2600)
        except InvalidInput:
            continue
        if a == b:  # the year is written, so the guess did not matter
            return fiscal_year_of(a[0])
    return None


def _first_header(lines: list[str]) -> int | None:
    return next((i for i, line in enumerate(lines) if header_kinds(line.split("\t"))), None)


def has_measure_header(text: str) -> bool:
    """Does `text` hold a tab-separated measure table header?"""
    return _first_header(re.split(r"\r\n|\r|\n", text)) is not None


def parse_text(text: str, *, source: str = "<text>") -> Plan:
    """The plan a Word text export describes; PlanError if it has no measure."""
    lines = re.split(r"\r\n|\r|\n", text)
    first_header = _first_header(lines)
    if first_header is None:
        raise PlanError(NO_MEASURE, source=source)
    try:
        rows = _split_rows(lines, first_header)
    except PlanError as e:
        raise PlanError(
            str(e).removeprefix(f"line {e.line}: "), line=e.line, source=source
        ) from None

    problems: list[Problem] = []
    pre = [(n, line) for n, line in enumerate(lines[:first_header], 1) if line.strip()]
    head = read_head(pre, problems)
    # The ITA section follows the title; the title's own year is no assessed year.
    title_at = next((k for k, (_, line) in enumerate(pre) if "มาตรการ" in line), 0)
    fiscal_year = head.fiscal_year
    if fiscal_year is None:
        fiscal_year = _fiscal_year_from_periods(rows)
        if fiscal_year is None:
            raise PlanError(
                "no fiscal year: the title line should say e.g. 'ประจำปีงบประมาณ พ.ศ. ๒๕๖๖'",
                line=pre[title_at][0] if pre else 1,
                source=source,
            )
        problems.append(
            Problem(1, f"no fiscal year in the title; {fiscal_year} taken from the periods")
        )
    baseline = read_baseline(pre[title_at + 1 :], problems, fiscal_year=fiscal_year)
    measures = build_measures(rows, fiscal_year=fiscal_year, source=source, problems=problems)
    if not measures:
        raise PlanError(NO_MEASURE, source=source)
    return Plan(
        organisation=head.organisation,
        fiscal_year=fiscal_year,
        title=head.title,
        adopted_on=head.adopted_on,
        adoption_meeting=head.adoption_meeting,
        baseline=baseline,
        measures=measures,
        problems=tuple(sorted(problems, key=lambda p: p.line)),
    )

