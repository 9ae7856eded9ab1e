"""A plan's web page saved as .html → Document.

lxml's HTML parser (libxml2) reads broken and hostile markup in linear
time. Table cells are resolved for rowspan / colspan: a spanning cell
stands in every position it covers as the same `Cell`. Cell text keeps the
line structure (`<p>`, `<br>`, list items) the other readers keep.
"""

from __future__ import annotations

import lxml.html
from lxml import etree

from tracker.plans.grid import Cell, Document, Paragraph, Table, check_rows, checked_cell, checked_row
from tracker.plans.html import cell_text

_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "center", "section",
           "article", "header", "main", "td", "th", "caption", "dt", "dd", "address"}  # fmt: skip
_SKIP = {"script", "style", "noscript", "template", "head", "nav", "footer", "form", "select", "button"}
MAX_SPAN = 100  # a rowspan/colspan larger than any real table is taken as 1


def _inner_html(el: etree._Element) -> str:
    parts = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str) and child.tag.lower() in _SKIP:
            parts.append(child.tail or "")
        else:
            parts.append(lxml.html.tostring(child, encoding="unicode", with_tail=True))
    return "".join(parts)


def _text(el: etree._Element) -> str:
    return cell_text(_inner_html(el))


def _span(el: etree._Element, name: str) -> int:
    try:
        n = int(str(el.get(name, "1")).strip() or "1")
    except ValueError:
        return 1
    return n if 1 <= n <= MAX_SPAN else 1


def _rows_of(table: etree._Element) -> list[etree._Element]:
    """The table's own rows (thead, tbody, tfoot or bare), not those of nested tables."""
    rows: list[etree._Element] = []
    for child in table:
        tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if tag == "tr":
            rows.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            rows += [tr for tr in child if isinstance(tr.tag, str) and tr.tag.lower() == "tr"]
    return rows


def _table(table: etree._Element, line: int, source: str) -> Table:
    grid: list[list[Cell | None]] = []
    trs = _rows_of(table)
    check_rows(len(trs), source=source)
    for r, tr in enumerate(trs):
        while len(grid) <= r:
            grid.append([])
        col = 0
        for td in tr:
            if not isinstance(td.tag, str) or td.tag.lower() not in ("td", "th"):
                continue
            row = grid[r]
            while col < len(row) and row[col] is not None:
                col += 1
            cell = checked_cell(_text(td), line=line + r, source=source)
            rowspan = min(_span(td, "rowspan"), len(trs) - r)
            for dr in range(rowspan):
                while len(grid) <= r + dr:
                    grid.append([])
                target = grid[r + dr]
                for dc in range(_span(td, "colspan")):
                    while len(target) <= col + dc:
                        target.append(None)
                    target[col + dc] = cell
            col += _span(td, "colspan")
    rows = [
        checked_row([c if c is not None else Cell("") for c in row], line=line + k, source=source)
        for k, row in enumerate(grid)
    ]
    return Table(rows=rows, line=line)


def _containers(root: etree._Element) -> tuple[set[etree._Element], set[etree._Element]]:
    """The elements with a block or table inside, and those with a table inside.

    One pass, children before their parents, so a deeply nested page costs
    what its size does.
    """
    order = [el for el in root.iter() if isinstance(el.tag, str)]
    blocks: set[etree._Element] = set()
    tables: set[etree._Element] = set()
    for el in reversed(order):
        for c in el:
            if not isinstance(c.tag, str):
                continue
            tag = c.tag.lower()
            if c in tables or tag == "table":
                tables.add(el)
            if c in blocks or tag in _BLOCKS or tag == "table":
                blocks.add(el)
    return blocks, tables


def read_html(text: str, *, source: str) -> Document:
    """The document a web page holds: its tables, and its text blocks around them."""
    root = lxml.html.document_fromstring(text)
    # A table whose cells hold tables lays out the page (menus, content): its
    # cells are read as the page around them, not as a plan table.
    containers, layouts = _containers(root)
    doc = Document()
    line = 1
    stack = [root]
    while stack:  # document order, without recursion (a page may nest deeply)
        el = stack.pop()
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if not tag or tag in _SKIP:
            continue
        if tag == "table" and el not in layouts:
            table = _table(el, line, source)
            doc.blocks.append(table)
            line += max(1, len(table.rows))
            continue
        if tag in _BLOCKS and el not in containers:
            if text_ := _text(el):
                doc.blocks.append(Paragraph(text=text_, line=line))
                line += 1
            continue
        stack.extend(reversed([c for c in el if isinstance(c.tag, str)]))
    return doc
