"""The plan as text exported from Word: paragraphs, and tables as tab-separated rows.

Layout read here (see tracker/data/bangchakreng-2566.txt):

* the title line, "มาตรการส่งเสริมคุณธรรมจริยธรรมและความโปร่งใส ประจำปีงบประมาณ
  พ.ศ.๒๕๖๖", naming the fiscal year and sometimes the organisation, which is
  otherwise the next line;
* the ITA section (see `baseline`) and the sentence naming the adoption
  meeting, "…การประชุม… เมื่อวันที่ ๙ ธันวาคม ๒๕๖๕";
* measure tables: a header row (recognised by its words, in any column
  order, with or without a leading "ที่" column, repeated when a table is
  split across pages) and one row per measure. A row with fewer cells than
  its header continues on the next line (a cell broken by a line break).
"""

from __future__ import annotations

import re

from tracker.errors import PlanError
from tracker.plans.columns import column_kind, header_kinds
from tracker.plans.grid import MAX_COLUMNS, Cell, Document, Paragraph, Table, checked_cell, checked_row
from tracker.plans.layout import NO_MEASURE, is_group, read_document
from tracker.plans.model import Plan
from tracker.thai import to_arabic_digits


def _split_rows(lines: list[str], start: int) -> list[tuple[int, list[str]]]:
    """(line, cells) of the table rows from line index `start` on, header rows included.

    A row with fewer cells than its header continues on the next line; so
    does its last cell when a line without tabs follows it directly. A line
    without tabs that names a group ("ด้านที่ ๑ …") is a group row, given
    as one cell over the whole row. After a blank line, a line without
    tabs is prose and ends the table; a later row with exactly the header's
    cell count resumes it (a page break without a repeated header).
    """
    rows: list[tuple[int, list[str]]] = []
    kinds: list[str | None] | None = None
    last_kinds: list[str | None] | None = None
    cells: list[str] = []
    first_line = 0
    after_blank = False

    def flush() -> None:
        nonlocal cells
        if kinds is not None and cells:
            rows.append((first_line, cells))
        cells = []

    i = start
    while i < len(lines):
        raw = lines[i]
        i += 1
        parts = raw.split("\t")
        if len(parts) > MAX_COLUMNS:
            parts = [c.text for c in checked_row([Cell(p) for p in parts], line=i, source="")]
        blank, was_blank = not raw.strip(), after_blank
        after_blank = blank
        new_kinds = header_kinds(parts)
        if new_kinds is not None:
            flush()
            kinds = last_kinds = new_kinds
            # A header cell broken over two lines: take the second part in.
            if i < len(lines) and "\t" in lines[i] and _continues_header(lines[i]):
                head, *tail = lines[i].split("\t")
                joined = [*parts[:-1], f"{parts[-1]} {head}", *tail]
                better = header_kinds(joined)
                if better and len([k for k in better if k]) > len([k for k in kinds if k]):
                    kinds = last_kinds = better
                    parts = joined
                    i += 1
            rows.append((i, parts))
            continue
        if kinds is None:
            if last_kinds is None or len(parts) != len(last_kinds):
                continue
            kinds = last_kinds
        if blank and "\t" not in raw:
            continue
        if "\t" not in raw and is_group(raw):
            flush()
            rows.append((i, [raw] * len(kinds)))
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
                f"แถวนี้มี {len(cells)} ช่อง แต่หัวตารางมี {len(kinds)} ช่อง (this row has "
                f"{len(cells)} cells but its table header has {len(kinds)})",
                line=first_line,
            )
    flush()
    return rows


def _continues_header(line: str) -> bool:
    """Is `line` the rest of a header broken over two lines: column words only?"""
    head, *tail = line.split("\t")
    return column_kind(head) is not None or (
        bool(head.strip()) and not to_arabic_digits(head.strip())[0].isdigit()
        and all(column_kind(c) for c in tail if c.strip())
    )  # fmt: skip


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
        raise PlanError(e.detail, line=e.line, source=source) from None
    doc = Document()
    doc.blocks += [Paragraph(line, n) for n, line in enumerate(lines[:first_header], 1) if line.strip()]
    table = Table(
        rows=[[checked_cell(c, line=line, source=source) for c in cells] for line, cells in rows],
        line=rows[0][0] if rows else first_header + 1,
        row_lines=[line for line, _ in rows],
    )
    # A group row is one cell over the whole row, as a merged cell is in a .docx.
    for row in table.rows:
        if len(row) > 1 and all(c.text == row[0].text for c in row) and is_group(row[0].text):
            row[:] = [row[0]] * len(row)
    doc.blocks.append(table)
    return read_document(doc, source=source)
