"""A plan document as every reader hands it over: paragraphs and tables of cells.

Each format (.docx, web page, spreadsheet, Word text, CSV) becomes one
`Document`; `layout.read_document` interprets it. A merged cell stands in
every position it covers as the same `Cell` object, so the interpreter can
tell "merged over these rows" (same object) from "the same words twice"
(equal text, different objects).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tracker.errors import PlanError

# A real plan has a few hundred cells of a few hundred characters. The caps
# keep a hostile or broken file from costing minutes; the message names them.
MAX_CELL_CHARS = 20_000
MAX_COLUMNS = 60
MAX_ROWS = 20_000


@dataclass(eq=False)  # identity matters: a merged cell is one object
class Cell:
    text: str  # plain text, one line per paragraph / line break, HTML removed


EMPTY = Cell("")


@dataclass
class Table:
    rows: list[list[Cell]]
    line: int  # the document position (line, paragraph or row) of its first row
    row_lines: list[int] | None = None  # each row's line, where rows span several lines


@dataclass
class Paragraph:
    text: str
    line: int


@dataclass
class Document:
    blocks: list[Table | Paragraph] = field(default_factory=list)


def checked_cell(text: str, *, line: int, source: str) -> Cell:
    """A cell, refused when it is larger than any real plan's cell."""
    if len(text) > MAX_CELL_CHARS:
        raise PlanError(
            f"ช่องตารางยาวเกิน {MAX_CELL_CHARS:,} ตัวอักษร (a table cell is longer than "
            f"{MAX_CELL_CHARS:,} characters)",
            line=line,
            source=source,
        )
    return Cell(text)


def checked_row(cells: list[Cell], *, line: int, source: str) -> list[Cell]:
    """The row, cut to MAX_COLUMNS when only empty cells lie beyond; else refused."""
    if len(cells) <= MAX_COLUMNS:
        return cells
    end = len(cells)
    while end > MAX_COLUMNS and not cells[end - 1].text.strip():
        end -= 1
    if end > MAX_COLUMNS:
        raise PlanError(
            f"แถวนี้มี {end:,} ช่อง เกิน {MAX_COLUMNS} ช่อง (a row has more than {MAX_COLUMNS} cells)",
            line=line,
            source=source,
        )
    return cells[:end]


def check_rows(count: int, *, source: str) -> None:
    if count > MAX_ROWS:
        raise PlanError(
            f"ตารางมีมากกว่า {MAX_ROWS:,} แถว (the document has more than {MAX_ROWS:,} table rows)",
            source=source,
        )


def row_text(cells: list[Cell]) -> str:
    """A table row as one line: each merged cell once, cells joined by tabs."""
    out: list[str] = []
    seen: set[int] = set()
    for cell in cells:
        if id(cell) in seen:
            continue
        seen.add(id(cell))
        out.append(" ".join(cell.text.split()))
    return "\t".join(out).rstrip("\t")
