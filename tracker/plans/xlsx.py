"""A spreadsheet (.xlsx) → Document: the first sheet that holds a measure header.

openpyxl gives a merged range's value in its top-left cell only; here that
cell stands in every position of the range, as the same `Cell`.
"""

from __future__ import annotations

from datetime import date, datetime
from io import BytesIO
from typing import Any

import openpyxl

from tracker.plans.columns import header_kinds
from tracker.plans.grid import (
    MAX_COLUMNS,
    MAX_ROWS,
    Cell,
    Document,
    Table,
    check_rows,
    checked_cell,
    checked_row,
)

EMPTY_RUN = 200  # empty rows in a row that end a sheet's plan


def _value(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, datetime):
        return v.date().isoformat() if v.time() == datetime.min.time() else v.isoformat()
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).replace("_x000D_", "").replace("\r\n", "\n")


def _sheet(ws: Any, source: str) -> Table:
    merged: dict[tuple[int, int], tuple[int, int]] = {}
    for rng in ws.merged_cells.ranges:
        if (rng.max_row - rng.min_row + 1) * (rng.max_col - rng.min_col + 1) > MAX_ROWS:
            continue  # a range over a whole sheet says nothing about the plan
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, min(rng.max_col, MAX_COLUMNS) + 1):
                merged[(r, c)] = (rng.min_row, rng.min_col)
    cells: dict[tuple[int, int], Cell] = {}
    rows: list[list[Cell]] = []
    # A sheet styled far below its plan reports a huge max_row (up to
    # 1,048,576): reading stops after a long run of empty rows.
    empty_run = 0
    width = min(ws.max_column or 1, MAX_COLUMNS + 1)
    for r, values in enumerate(ws.iter_rows(values_only=True, max_row=MAX_ROWS + 1, max_col=width), 1):
        if all(v is None or v == "" for v in values):
            empty_run += 1
            if empty_run > EMPTY_RUN:
                break
        else:
            empty_run = 0
        row: list[Cell] = []
        for c, v in enumerate(values, 1):
            origin = merged.get((r, c), (r, c))
            if origin not in cells:
                cells[origin] = checked_cell(_value(v), line=r, source=source)
            row.append(cells[origin])
        rows.append(checked_row(row, line=r, source=source))
    while rows and not any(c.text.strip() for c in rows[-1]):
        rows.pop()
    check_rows(len(rows), source=source)
    return Table(rows=rows, line=1)


def read_xlsx(data: bytes, *, source: str) -> Document:
    """The plan's sheet of a workbook's bytes (callers check the zip first)."""
    wb = openpyxl.load_workbook(BytesIO(data), data_only=True)
    tables = [_sheet(ws, source) for ws in wb.worksheets]
    found = next(
        (t for t in tables if any(header_kinds([c.text for c in row]) for row in t.rows)),
        tables[0] if tables else None,
    )
    return Document(blocks=[found] if found else [])
