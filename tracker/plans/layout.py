"""One interpreter for every plan format: a `Document` of cells → a `Plan`.

What it reads, whatever the file was:
* the head (title, organisation, fiscal year, adoption, ITA baseline): all
  text before the first measure header, table rows included;
* measure tables: a header row named by its words (columns.py), possibly
  repeated after a page break, possibly over two rows (a period cell merged
  across month columns, or across "เริ่ม | สิ้นสุด");
* group rows ("ด้านที่ ๑ …", a cell merged across the table): the section
  of the measures under them;
* a measure whose title cell is merged down over several rows (or left
  empty below it, as text exports do): one measure whose actions, owners
  and periods are its rows' together;
* a later table without a header but with the same columns continues the
  measures (a table split by a page break).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from tracker.errors import InvalidInput, PlanError
from tracker.plans.baseline import read_baseline
from tracker.plans.columns import header_kinds
from tracker.plans.grid import EMPTY, Cell, Document, Paragraph, Table, row_text
from tracker.plans.head import read_head
from tracker.plans.html import cell_text
from tracker.plans.measures import RawRow, build_measures
from tracker.plans.model import Plan, Problem
from tracker.thai import fiscal_year_of, month_number, normalize, parse_period, tidy

NO_MEASURE = (
    "ไม่พบตารางมาตรการ: ตารางต้องมีแถวหัวตารางที่มีช่อง มาตรการ/แนวทาง, ผู้รับผิดชอบ "
    "และ ระยะเวลาดำเนินการ (อาจมี ที่, วิธีการดำเนินการ, การติดตามผล, งบประมาณ, ตัวชี้วัด) "
    "แล้วแถวละหนึ่งมาตรการ เช่น '๑. มาตรการการเปิดเผยข้อมูลต่อสาธารณะ<TAB>เผยแพร่ข้อมูลบนเว็บไซต์"
    "<TAB>สำนักปลัดฯ<TAB>ม.ค. - มี.ค. ๖๖<TAB>รายงานผลในการประชุมประจำเดือนเมษายน ๖๖' "
    "(no measure table found: a header row naming the title, owners and period columns "
    "(มาตรการ/แนวทาง, ผู้รับผิดชอบ, ระยะเวลาดำเนินการ), then one row per measure)"
)

_GROUP = re.compile(
    r"^(?:ด้าน(?:ที่)?|ส่วนที่|ยุทธศาสตร์(?:ที่)?|ประเด็น(?:ที่|ยุทธศาสตร์)|หมวด(?:ที่)?|"
    r"องค์ประกอบ(?:ที่)?|มิติ(?:ที่)?|แบบวัด|ตัวชี้วัดที่|กลุ่ม(?:ที่)?|แผนงาน)"
)
_MARKED = re.compile(r"\S")  # any mark in a month column: ✓, /, x, •, a date

# Kinds whose text several rows of one measure add together.
_JOINED = ("actions", "owners", "budget", "indicator", "target", "result", "remarks")


@dataclass
class _Columns:
    """What each position of a measure table holds."""

    kinds: list[str | None]
    headers: list[Cell]
    months: dict[int, str] = field(default_factory=dict)  # position → month header ("ต.ค. ๖๖")

    def __len__(self) -> int:
        return len(self.kinds)


@dataclass
class _Measure:
    line: int
    section: str
    cells: dict[str, list[Cell]] = field(default_factory=dict)
    periods: list[str] = field(default_factory=list)
    extra: dict[str, list[Cell]] = field(default_factory=dict)

    def add(self, kind: str, cell: Cell) -> None:
        seen = self.cells.setdefault(kind, [])
        if cell.text.strip() and all(c is not cell for c in seen):
            seen.append(cell)

    def text(self, kind: str) -> str:
        return "\n".join(c.text for c in self.cells.get(kind, ()))


def _columns(rows: list[list[Cell]], r: int) -> tuple[_Columns, int] | None:
    """The columns a header at row `r` names and the rows it takes (1 or 2)."""
    header = rows[r]
    kinds = header_kinds([c.text for c in header])
    if kinds is None:
        return None
    cols = _Columns(kinds=list(kinds), headers=list(header))
    # A header cell merged across columns names them all: the copies are
    # the same column, not extra ones.
    for j in range(1, len(header)):
        if header[j] is header[j - 1] and cols.kinds[j - 1]:
            cols.kinds[j] = cols.kinds[j - 1]
    if r + 1 >= len(rows):
        return cols, 1
    sub, used = rows[r + 1], False
    for j, kind in enumerate(cols.kinds):
        # Only a period header merged across columns has sub-columns.
        spans = sum(c is header[j] for c in header) >= 2
        if kind != "period" or not spans or j >= len(sub) or sub[j] is header[j]:
            continue
        text = tidy(sub[j].text)
        if month_number(re.sub(r"[0-9๐-๙]+|พ\.?ศ\.?", "", text).strip()):
            cols.months[j] = text
            cols.kinds[j] = "month"
            used = True
        elif text.startswith(("เริ่ม", "ตั้งแต่")):
            cols.kinds[j], used = "start", True
        elif text.startswith(("สิ้นสุด", "ถึง", "แล้วเสร็จ")):
            cols.kinds[j], used = "end", True
    return cols, 2 if used else 1


def _blocks_rows(doc: Document) -> Iterator[tuple[int, list[Cell] | None, str, Table | None, int]]:
    """(line, row or None, paragraph text, its table, row index) in document order."""
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            yield block.line, None, block.text, None, 0
        else:
            for k, row in enumerate(block.rows):
                line = block.row_lines[k] if block.row_lines else block.line + k
                yield line, row, "", block, k


def _plain(text: str) -> str:
    return " ".join(tidy(cell_text(text, " ")).split())


def is_group(text: str) -> bool:
    """Does `text` name a group of measures ("ด้านที่ ๑ …", "ยุทธศาสตร์ที่ ๒ …")?"""
    return _GROUP.match(normalize(tidy(cell_text(text, " ")))) is not None


def _group_text(row: list[Cell], cols: _Columns) -> str | None:
    """The section a group row names, or None if `row` is no group row."""
    filled = [c for c in row if c.text.strip()]
    if not filled:
        return None
    distinct = {id(c) for c in filled}
    merged_across = len(distinct) == 1 and sum(c is filled[0] for c in row) >= 2
    first = tidy(cell_text(filled[0].text, " "))
    kind_of_first = next((cols.kinds[j] for j, c in enumerate(row) if c is filled[0] and j < len(cols)), None)
    alone = len(distinct) == 1 and kind_of_first in ("number", "title", None)
    if (merged_across and len(cols) > 2) or (alone and _GROUP.match(normalize(first))):
        return " ".join(first.split())
    return None


def _is_header(row: list[Cell]) -> bool:
    return header_kinds([c.text for c in row]) is not None


def read_document(doc: Document, *, source: str) -> Plan:
    """The plan a document describes; PlanError if it has no measure."""
    rows = list(_blocks_rows(doc))
    start = None
    cols: _Columns | None = None
    for i, (_, row, *_) in enumerate(rows):
        if row is not None and _is_header(row):
            start = i
            break
    if start is None:
        raise PlanError(NO_MEASURE, source=source)

    problems: list[Problem] = []
    head_lines = [
        (line, text if row is None else row_text(row))
        for line, row, text, *_ in rows[:start]
        if (text if row is None else row_text(row)).strip()
    ]
    head = read_head(head_lines, problems)

    measures: list[_Measure] = []
    section = ""
    skip = 0
    current: Table | None = None  # the table whose rows are measures
    for line, row, text, table, k in rows[start:]:
        if skip:
            skip -= 1
            continue
        if row is None or table is None:
            if _GROUP.match(normalize(tidy(text))):
                section = " ".join(tidy(text).split())
            continue
        found = _columns(table.rows, k) if _is_header(row) else None
        if found is not None:
            (cols, taken), current = found, table
            skip = taken - 1
            continue
        if cols is None:
            continue
        if table is not current:
            # A table without a header of its own continues the measures
            # only with their columns (a table split by a page break).
            if k == 0 and len(table.rows[0]) == len(cols):
                current = table
            else:
                continue
        if len(row) > len(cols) and any(c.text.strip() for c in row[len(cols) :]):
            continue  # another table (a signature block, a budget summary)
        if not any(c.text.strip() for c in row):
            continue
        if (group := _group_text(row, cols)) is not None:
            section = group
            continue
        _add_row(measures, row, cols, line=line, section=section, source=source)

    raw = [_raw(m) for m in measures]
    fiscal_year = head.fiscal_year or _fiscal_year_from_periods([p for m in measures for p in m.periods])
    if fiscal_year is None:
        raise PlanError(
            "ไม่พบปีงบประมาณ: ชื่อแผนควรระบุ เช่น 'ประจำปีงบประมาณ พ.ศ. ๒๕๖๖' (no fiscal year: "
            "the title should say e.g. 'ประจำปีงบประมาณ พ.ศ. ๒๕๖๖')",
            line=head_lines[0][0] if head_lines else 1,
            source=source,
        )
    if head.fiscal_year is None:
        problems.append(
            Problem(1, f"ไม่พบปีงบประมาณในชื่อแผน ใช้ปี {fiscal_year} จากระยะเวลาของมาตรการ "
                       f"(no fiscal year in the title; {fiscal_year} taken from the periods)")
        )  # fmt: skip
    # The title names the plan's fiscal year, not the assessed one: the
    # baseline reads the head without it.
    title_words = " ".join(head.title.split())
    baseline = read_baseline(
        [(n, t) for n, t in head_lines if not (title_words and _plain(t) in title_words)],
        problems,
        fiscal_year=fiscal_year,
    )
    built = build_measures(
        raw, fiscal_year=fiscal_year, source=source, problems=problems, adopted_on=head.adopted_on
    )
    if not built:
        raise PlanError(NO_MEASURE, source=source)
    return Plan(
        organisation=head.organisation,
        fiscal_year=fiscal_year,
        title=head.title,
        adopted_on=head.adopted_on,
        adoption_meeting=head.adoption_meeting,
        baseline=baseline,
        measures=built,
        problems=tuple(sorted(problems, key=lambda p: p.line)),
    )


def _add_row(
    measures: list[_Measure], row: list[Cell], cols: _Columns, *, line: int, section: str, source: str
) -> None:
    """Start a measure with `row`, or add it to the one above (merged or empty title)."""
    cells = row + [EMPTY] * (len(cols) - len(row))
    title = [c for c, k in zip(cells, cols.kinds, strict=False) if k == "title"]
    number = [c for c, k in zip(cells, cols.kinds, strict=False) if k == "number"]
    prev = measures[-1] if measures else None
    merged_down = prev is not None and any(
        c.text.strip() and any(c is p for p in prev.cells.get("title", ())) for c in title
    )
    empty_head = not any(c.text.strip() for c in title + number)
    if empty_head and prev is None:
        raise PlanError(
            "แถวมาตรการไม่มีชื่อมาตรการและไม่มีมาตรการอยู่ด้านบน (a measure row has no title and no measure above it)",
            line=line,
            source=source,
        )
    m = prev if (merged_down or empty_head) and prev is not None else _Measure(line, section)
    if m is not prev:
        measures.append(m)
    marked: list[int] = []  # positions of the month columns this row marks
    for j, (cell, kind) in enumerate(zip(cells, cols.kinds, strict=False)):
        if kind == "month":
            if _MARKED.search(cell.text):
                marked.append(j)
        elif kind == "period":
            if cell.text.strip() and cell.text not in m.periods:
                m.periods.append(cell.text)
        elif kind is not None:
            m.add(kind, cell)
        elif cell.text.strip() and not (j and cells[j - 1] is cell):
            header = " ".join(tidy(cols.headers[j].text).split()) or f"ช่องที่ {j + 1}"
            seen = m.extra.setdefault(header, [])
            if all(c is not cell for c in seen):
                seen.append(cell)
    if marked:
        m.periods.append(_month_runs(marked, cols))


def _month_runs(marked: list[int], cols: _Columns) -> str:
    """Marked month columns as a period: adjacent months one range, runs joined by "และ"."""
    runs: list[list[int]] = []
    for j in marked:
        if runs and j == runs[-1][-1] + 1:
            runs[-1].append(j)
        else:
            runs.append([j])
    return " และ ".join(
        cols.months[r[0]] if len(r) == 1 else f"{cols.months[r[0]]} - {cols.months[r[-1]]}" for r in runs
    )


def _raw(m: _Measure) -> RawRow:
    row = RawRow(line=m.line)
    row.number = m.text("number").split("\n")[0] if m.cells.get("number") else ""
    row.title = m.cells["title"][0].text if m.cells.get("title") else ""
    row.followup = m.cells["followup"][0].text if m.cells.get("followup") else ""
    for kind in _JOINED:
        setattr(row, kind, m.text(kind))
    # Over several rows: the first row's start to the last row's end.
    row.start = m.cells["start"][0].text if m.cells.get("start") else ""
    row.end = m.cells["end"][-1].text if m.cells.get("end") else ""
    row.period = " และ ".join(" ".join(p.split()) for p in m.periods)
    row.periods = tuple(m.periods) if len(m.periods) > 1 else ()
    actions = [c.text for c in m.cells.get("actions", ())]
    row.action_rows = tuple(actions) if len(actions) > 1 else ()
    row.section = m.section
    row.extra = tuple((h, "\n".join(c.text for c in cs)) for h, cs in m.extra.items())
    return row


def _fiscal_year_from_periods(periods: list[str]) -> int | None:
    """The fiscal year of the first period that writes its own year."""
    for period in periods:
        text = " ".join(period.split())
        try:
            a = parse_period(text, fiscal_year=2500)
            b = parse_period(text, fiscal_year=2600)
        except InvalidInput:
            continue
        if a == b:  # the year is written, so the guess did not matter
            return fiscal_year_of(a[0])
    return None
