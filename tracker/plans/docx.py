"""Word .docx → Document: body paragraphs and tables in document order.

python-docx gives one cell per layout-grid position; a merged cell (across
columns, or down rows: `vMerge`) comes back for every position it covers,
with the same underlying `<w:tc>` element. That element is the cell's
identity here, so "merged over three rows" stays one cell.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

import docx
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph

from tracker.plans.grid import Cell, Document, Paragraph, Table, check_rows, checked_cell, checked_row


def _paragraph_text(p: DocxParagraph, counters: dict[str, int]) -> str:
    """The paragraph's text; a Word list item gets a marker the checklist reader sees.

    Word keeps a list's numbers out of the text: in the paragraph's own
    numbering (`w:numPr`) or in its style ("ListNumber", "ListBullet").
    """
    text = p.text.replace("\t", " ")
    ppr: Any = p._p.pPr
    # The style's id ("ListBullet", "ListNumber2") from the XML: asking for
    # `p.style` searches every style of the document for each paragraph.
    style = (ppr.pStyle.val if ppr is not None and ppr.pStyle is not None else "") or ""
    own = ppr is not None and ppr.numPr is not None
    if not text.strip() or not (own or style.startswith("List")):
        return text
    key = str(ppr.numPr.numId.val) if own and ppr.numPr.numId is not None else style
    counters[key] = counters.get(key, 0) + 1
    marker = f"{counters[key]}." if "Number" in style or (own and "Bullet" not in style) else "-"
    return f"{marker} {text.strip()}"


def _cell_text(cell: Any) -> str:
    lines: list[str] = []
    counters: dict[str, int] = {}
    for block in cell.iter_inner_content():
        if isinstance(block, DocxParagraph):
            lines.append(_paragraph_text(block, counters))
        else:  # a table inside a cell: its rows as lines
            for row in block.rows:
                lines.append(" ".join(_cell_text(c).replace("\n", " ") for c in _unique(row.cells)))
    return "\n".join(lines)


def _unique(cells: tuple[Any, ...]) -> list[Any]:
    out: list[Any] = []
    for c in cells:
        if not out or c._tc is not out[-1]._tc:
            out.append(c)
    return out


def _table(table: DocxTable, line: int, source: str) -> Table:
    # id(<w:tc>) → (element, Cell): holding the element keeps lxml's proxy
    # alive, so the same element comes back as the same object.
    seen: dict[int, tuple[Any, Cell]] = {}
    rows: list[list[Cell]] = []
    for k, row in enumerate(table.rows):
        cells: list[Cell] = []
        for c in row.cells:
            tc = c._tc
            if id(tc) not in seen:
                seen[id(tc)] = (tc, checked_cell(_cell_text(c), line=line + k, source=source))
            cells.append(seen[id(tc)][1])
        rows.append(checked_row(cells, line=line + k, source=source))
        check_rows(len(rows), source=source)
    return Table(rows=rows, line=line)


def read_docx(data: bytes, *, source: str) -> Document:
    """The document in a .docx file's bytes (callers check the zip first)."""
    document = docx.Document(BytesIO(data))
    doc = Document()
    line = 1
    counters: dict[str, int] = {}
    for block in document.iter_inner_content():
        if isinstance(block, DocxParagraph):
            text = _paragraph_text(block, counters)
            if text.strip():
                doc.blocks.append(Paragraph(text=text, line=line))
            line += 1
        else:
            table = _table(block, line, source)
            doc.blocks.append(table)
            line += max(1, len(table.rows))
    return doc
