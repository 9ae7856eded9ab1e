"""The report for office software: an editable Word document (docx) for the
clerk to finish before it is signed, and one row per measure (xlsx, csv) for
coordinators.

The Word document follows the printed report (title block, summary, the
measures, each with its four outcome fields, the ITA baseline, the sign-off)
in the official typeface, TH Sarabun New 16 pt, on A4 with the official
margins. Thai text in Word takes the complex-script font, size and bold
(w:cs, w:szCs, w:bCs): a run that sets only the Latin ones shows Thai in
Word's default Thai font.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any

from tracker.report.text import DOCUMENT_KEYS
from tracker.report.words import Words
from tracker.services.tasks import OUTCOME_FIELDS
from tracker.textwidth import printable

FONT = "TH Sarabun New"
SIZE_PT = 16
STATUSES = ("done", "in_progress", "not_started", "overdue", "cancelled")


def _clean(value: object) -> str:
    """Text as Word and Excel take it: no control characters (python-docx and
    openpyxl refuse them), no terminal escapes or direction overrides."""
    return printable(str(value)).replace("\t", " ")


# ---------------------------------------------------------------- one row per measure


def rows(report: Mapping[str, Any], words: Words) -> tuple[list[str], list[list[Any]]]:
    """(headers, one row per measure) with every field of the report."""
    headers = [
        words("no"), words("measure"), words("actions"), words("owners"), words("window"),
        words("status"), words("progress"), words("done_on"), words("items"), words("evidence"),
        *(words.outcome(f) for f in OUTCOME_FIELDS),
        *(words(k) for k in DOCUMENT_KEYS), words("indicators"),
    ]  # fmt: skip
    out = []
    for m in report["measures"]:
        out.append([
            m["number"], m["title"], m["actions"], ", ".join(m["owners"]),
            words.window(m["start"], m["end"]), words.status(m["status"]), m["progress"],
            words.date(m["done_on"]) if m["done_on"] else "",
            f"{m['items_done']}/{len(m['items'])}" if m["items"] else "",
            "\n".join(words.evidence(e) for e in m["evidence"]),
            *(m["outcome"][f] for f in OUTCOME_FIELDS),
            *(m.get(k) or "" for k in DOCUMENT_KEYS),
            ", ".join(f"{i['no']} {i['name']}" for i in m["indicators"]),
        ])  # fmt: skip
    return headers, [[_clean(v) if isinstance(v, str) else v for v in r] for r in out]


def render_csv(report: Mapping[str, Any], words: Words) -> bytes:
    """UTF-8 with a BOM, so that Excel on Windows reads the Thai as Thai.
    A cell that starts with = + - @ gets a leading apostrophe: a spreadsheet
    would otherwise run it as a formula (CSV injection)."""
    headers, body = rows(report, words)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    for r in body:
        writer.writerow([_defused(v) for v in r])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _defused(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def render_xlsx(report: Mapping[str, Any], words: Words) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    headers, body = rows(report, words)
    book = Workbook()
    sheet = book.active
    sheet.title = words("measure")[:31]
    sheet.append(headers)
    for r in body:
        sheet.append(r)
    bold = Font(name=FONT, size=14, bold=True)
    plain = Font(name=FONT, size=14)
    for cell in sheet[1]:
        cell.font = bold
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            if cell.data_type == "f":  # text someone typed as "=…" stays text, never a formula
                cell.data_type, cell.quotePrefix = "s", True
            cell.font = plain
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = {1: 6, 2: 40, 3: 40, 4: 20, 5: 24, 6: 14, 7: 10, 8: 14, 9: 10, 10: 30}
    for col in range(1, len(headers) + 1):
        sheet.column_dimensions[get_column_letter(col)].width = widths.get(col, 30)
    sheet.freeze_panes = "C2"
    sheet.auto_filter.ref = sheet.dimensions
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- Word


def render_docx(report: Mapping[str, Any], words: Words) -> bytes:
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2)
    for name in ("Normal", "Table Grid", "Heading 1", "Heading 2", "Title"):
        style = doc.styles[name]
        _thai_font(style.element.get_or_add_rPr(), SIZE_PT if name != "Title" else 20)
        if name.startswith("Heading") or name == "Title":
            style.font.color.rgb = None
    doc.styles["Normal"].paragraph_format.space_after = Pt(0)
    doc.core_properties.title = _clean(words("title"))
    doc.core_properties.subject = _clean(report["organisation"])

    def para(text: str, *, bold: bool = False, center: bool = False, style: str | None = None) -> Any:
        p = doc.add_paragraph(style=style)
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(p, text, bold=bold)
        return p

    meeting = report["meeting"]
    para(words("title"), bold=True, center=True)
    para(report["organisation"], bold=True, center=True)
    para(f"{words('fiscal_year')} {words.fiscal_year(report['fiscal_year'])}", center=True)
    para(f"{words('meeting')} {meeting['title']}", center=True)
    para(f"{words('meeting_on')} {words.meeting_when(meeting)}", center=True)
    para(f"{words('as_of')} {words.date(report['as_of'], style='long')}", center=True)

    s = report["summary"]
    para(words("summary"), style="Heading 2")
    table = doc.add_table(rows=2, cols=6, style="Table Grid")
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for col, (label, value) in enumerate(
        [(words("measures_total"), s["total"]), *((words.status(k), s[k]) for k in STATUSES)]
    ):
        _cell(table.cell(0, col), label, bold=True)
        _cell(table.cell(1, col), words.n(value))
    para(f"{words('overall_progress')} {words.pct(s['progress'])}")

    para(words("details"), style="Heading 2")
    overview = doc.add_table(rows=1, cols=5, style="Table Grid")
    for col, label in enumerate([words("no"), words("measure"), words("owners"), words("window"),
                                 words("status")]):
        _cell(overview.cell(0, col), label, bold=True)
    for m in report["measures"]:
        cells = overview.add_row().cells
        for col, value in enumerate([words.n(m["number"]), m["title"], ", ".join(m["owners"]),
                                     words.window(m["start"], m["end"]),
                                     f"{words.status(m['status'])} {words.pct(m['progress'])}"]):
            _cell(cells[col], value)
    _widths(overview, (1.0, 6.5, 2.6, 3.0, 2.9))

    for m in report["measures"]:
        para(f"{words('measure')} {words.n(m['number'])}. {m['title']}", style="Heading 2")
        facts = [(words("owners"), ", ".join(m["owners"]) or words("none")),
                 (words("window"), words.window(m["start"], m["end"]))]
        facts += [(words(k), m[k]) for k in DOCUMENT_KEYS if m.get(k)]
        facts.append((words("status"), f"{words.status(m['status'])} {words.pct(m['progress'])}"))
        if m["done_on"]:
            facts.append((words("done_on"), words.date(m["done_on"])))
        if m["items"]:
            ticks = "\n".join(f"{'☑' if i['done'] else '☐'} {i['no']} {i['text']}" for i in m["items"])
            facts.append((f"{words('items')} {words.n(m['items_done'])}/{words.n(len(m['items']))}", ticks))
        evidence = "\n".join(words.evidence(e) for e in m["evidence"])
        facts.append((words("evidence"), evidence or words("no_evidence")))
        if m["indicators"]:
            facts.append((words("indicators"),
                          ", ".join(f"{words.n(i['no'])} {i['name']}" for i in m["indicators"])))
        _pairs(doc, facts)
        para("")
        # the four fields the assessor asks for, left empty to be written in
        _pairs(doc, [(words.outcome(f), m["outcome"][f]) for f in OUTCOME_FIELDS])

    _ita(doc, report, words, para)
    _signature(doc, report, words, para)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _pairs(doc: Any, pairs: Sequence[tuple[str, str]]) -> None:
    table = doc.add_table(rows=0, cols=2, style="Table Grid")
    for label, value in pairs:
        cells = table.add_row().cells
        _cell(cells[0], label, bold=True)
        _cell(cells[1], value)
    _widths(table, (4.5, 11.5))


def _widths(table: Any, cm: Sequence[float]) -> None:
    """Column widths in cm (16 cm of text between the official margins).
    Word reads them from every cell, LibreOffice from the grid."""
    from docx.shared import Cm

    table.autofit = False
    for column, width in zip(table.columns, cm, strict=True):
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)


def _ita(doc: Any, report: Mapping[str, Any], words: Words, para: Any) -> None:
    base = report["ita"]
    if base is None:
        return
    title = words("ita")
    if base["assessed_year"]:
        title += f" — {words('ita_year')} {words.n(base['assessed_year'])}"
    para(title, style="Heading 2")
    table = doc.add_table(rows=1, cols=4, style="Table Grid")
    for col, label in enumerate([words("group"), words("no"), words("indicator"), words("score")]):
        _cell(table.cell(0, col), label, bold=True)
    for g in base["groups"]:
        for i in g["indicators"]:
            cells = table.add_row().cells
            for col, value in enumerate([g["group"], words.n(i["no"]), i["name"],
                                         words.score(i["score"]) + (" ⚠" if i["weak"] else "")]):
                _cell(cells[col], value)
        cells = table.add_row().cells
        for col, value in enumerate([g["group"], "", f"{words('group_mean')} ({words('weight')} "
                                     f"{words.n(int(g['weight'] * 100))}%)", words.score(g["mean"])]):
            _cell(cells[col], value, bold=True)
    _widths(table, (1.6, 1.2, 10.2, 3.0))
    para(f"{words('overall')}: {words.score(base['computed_overall'])} {words('grade')} "
         f"{base['grade'] or '-'} ({words('stated')}: {words.score(base['stated_overall'])})")


def _signature(doc: Any, report: Mapping[str, Any], words: Words, para: Any) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    sig = report["signature"]
    dots = "." * 40

    def right(text: str) -> None:
        para(text).alignment = WD_ALIGN_PARAGRAPH.RIGHT

    para("")
    right(f"{words('signature')} {dots}")
    right(f"({sig['reporter'] or dots})")
    right(f"{words('position')} {sig['position'] or dots}")
    para("")
    para(words("executive"), bold=True)
    para(f"☐ {words('acknowledged')}")
    para(f"☐ {words('orders')} " + "." * 80)
    para("." * 100)
    right(f"{words('executive_sign')} {dots}")
    right(f"({sig['executive'] or dots})")
    right(f"{words('position')} {sig['executive_position'] or dots}")
    right(f"{words('date_line')} {dots}")


def _cell(cell: Any, text: str, *, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    lines = _clean(text).split("\n")
    _run(paragraph, lines[0], bold=bold)
    for line in lines[1:]:
        _run(cell.add_paragraph(), line, bold=bold)


def _run(paragraph: Any, text: str, *, bold: bool = False) -> Any:
    run = paragraph.add_run(_clean(text))
    if bold:
        run.bold = True
        run.element.get_or_add_rPr().get_or_add_bCs()  # bold for the Thai letters too
    return run


def _thai_font(rpr: Any, size_pt: int) -> None:
    """TH Sarabun New for Latin and Thai (complex script) text, at `size_pt`.
    Elements go where the schema orders them (python-docx's own adders, szCs
    right after sz): Word refuses a file whose run properties are out of order."""
    from docx.oxml.ns import qn

    fonts = rpr.get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    sz = rpr.get_or_add_sz()
    sz.set(qn("w:val"), str(size_pt * 2))  # half-points
    size_cs = rpr.find(qn("w:szCs"))
    if size_cs is None:
        size_cs = rpr.makeelement(qn("w:szCs"), {})
        sz.addnext(size_cs)
    size_cs.set(qn("w:val"), str(size_pt * 2))
