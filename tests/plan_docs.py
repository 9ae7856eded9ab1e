"""Plan documents as Thai organisations write them, built in every format.

A `PlanDoc` says what is in a document (the head, the ITA result, the measure
table with its sections and merged cells); `write(doc, path, fmt)` writes it
as a Word .docx (python-docx), the plan's web page (.html), an Excel .xlsx
(openpyxl), Word's plain-text export (.txt) or a CSV. The same `PlanDoc`
in every format is the same plan to a person reading it, which is what
tests/test_plan_formats.py checks the readers against.

The fixtures at the bottom (`common_plan`, `vocabulary_plan`, …) are the
documents; their expected readings live in the tests, written out by hand.
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

FORMATS = ("docx", "html", "xlsx", "txt", "csv")

_THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def th(text: object) -> str:
    """Thai digits, as clerks type numbers in official documents."""
    return str(text).translate(_THAI_DIGITS)


# ---------------------------------------------------------------- what a document holds


@dataclass(frozen=True)
class Row:
    """One table row of a measure: its own action(s), owner(s) and period."""

    actions: tuple[str, ...]  # paragraphs of the actions cell
    owners: tuple[str, ...]  # paragraphs of the owners cell
    period: str


@dataclass(frozen=True)
class M:
    """A measure; with several `rows` its other cells are merged down over them."""

    # the ที่ cell as written ("๑"); typed before the title when there is no ที่ column ("" for none)
    no: str
    title: str
    rows: tuple[Row, ...]
    followup: str = ""
    budget: str = ""
    indicator: str = ""
    target: str = ""
    result: str = ""
    remarks: str = ""
    extra: str = ""
    # "number" / "bullet": the actions are a Word list (the .docx holds the
    # paragraphs without the marker; Word draws "1." or "•"); the other
    # formats carry the marker as text, as Word's exports do.
    lists: str = ""
    page_break_before: bool = False  # the table breaks here and its header is repeated


@dataclass(frozen=True)
class Section:
    title: str | None  # the group row merged across the table ("ด้านที่ ๑ …"), or none
    measures: tuple[M, ...]


# The indicator names as the NACC writes them (8 differs from our sample's wording).
NACC_NAMES = (
    "การปฏิบัติหน้าที่", "การใช้งบประมาณ", "การใช้อำนาจ", "การใช้ทรัพย์สินของราชการ",
    "การแก้ไขปัญหาการทุจริต", "คุณภาพการดำเนินงาน", "ประสิทธิภาพการสื่อสาร",
    "การปรับปรุงระบบการทำงาน", "การเปิดเผยข้อมูล", "การป้องกันการทุจริต",
)  # fmt: skip
# The same names as they come out of a PDF made with the government fonts:
# "ำ" for "า", a stray space inside a word, a floating ำ after its consonant.
PDF_NAMES = (
    "กำรปฏิบัติหน้ำที่", "กำรใช้งบประมำณ", "กำรใช้อำนำจ", "กำรใช้ทรัพย์สินของรำชกำร",
    "กำรแก้ไขปัญหำกำรทุจริต", "คุณภำพกำรด ำเนินงำน", "ประสิทธิภำพกำรสื่อสำร",
    "กำรปรับปรุงระบบกำรท ำงำน", "กำรเปิ ดเผยข้อมูล", "กำรป้องกันกำรทุจริต",
)  # fmt: skip
GROUP_ROWS = {
    0: "แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายใน (IIT)",
    5: "แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายนอก (EIT)",
    8: "แบบวัดการเปิดเผยข้อมูลสาธารณะ (OIT)",
}


@dataclass(frozen=True)
class Ita:
    """The ITA result in the document's head: one column per assessed year."""

    years: tuple[int, ...]  # BE
    scores: tuple[tuple[float, ...], ...]  # per year, the ten indicators in catalogue order
    overall: tuple[float, ...]
    grade: tuple[str, ...]
    pdf_text: bool = False  # pasted out of the NACC's PDF as paragraphs, not a table


@dataclass(frozen=True)
class PlanDoc:
    title_lines: tuple[str, ...]
    org_line: str
    adoption: str  # the sentence naming the meeting that adopted the plan
    columns: tuple[tuple[str, str], ...]  # (what the column holds, its header as written)
    sections: tuple[Section, ...]
    ita: Ita | None = None
    split_tables: bool = False  # a page break ends the table; the next one repeats the header
    extra_head: tuple[str, ...] = field(default=())  # paragraphs between the ITA part and the table
    # (column, first measure, how many): one cell merged down over several measures,
    # e.g. the follow-up written once for the whole table
    shared: tuple[tuple[str, int, int], ...] = ()

    def measures(self) -> list[M]:
        return [m for s in self.sections for m in s.measures]


# ---------------------------------------------------------------- the table as a grid of cells


@dataclass(frozen=True)
class Cell:
    lines: tuple[str, ...] = ()
    down: int = 1  # rows this cell covers (0: covered by the cell above)
    across: int = 1  # columns (0: covered by the cell to the left)
    style: str = ""  # "number" / "bullet": a Word list; "br": lines split by Shift+Enter, one paragraph


@dataclass(frozen=True)
class GridRow:
    kind: str  # "header" | "section" | "measure"
    cells: tuple[Cell, ...]
    page_break_before: bool = False


_PER_ROW = ("actions", "owners", "period")


def _marked(m: M, lines: tuple[str, ...], start: int) -> tuple[str, ...]:
    if m.lists == "number":
        return tuple(f"{th(start + i)}. {x}" for i, x in enumerate(lines))
    if m.lists == "bullet":
        return tuple(f"- {x}" for x in lines)
    return lines


def _measure_rows(doc: PlanDoc, m: M, *, word_lists: bool) -> list[GridRow]:
    keys = [k for k, _ in doc.columns]
    n = len(m.rows)
    out: list[GridRow] = []
    counted = 0
    for i, r in enumerate(m.rows):
        cells = []
        for key in keys:
            if key in _PER_ROW:
                lines = {"actions": r.actions, "owners": r.owners, "period": (r.period,)}[key]
                style = ""
                if key == "actions":
                    if word_lists and m.lists:
                        style = m.lists
                    else:
                        lines = _marked(m, lines, counted + 1)
                cells.append(Cell(tuple(x for x in lines if x), style=style))
            elif i == 0:
                cells.append(Cell(_merged_value(doc, m, key), down=n))
            else:
                cells.append(Cell(down=0))
        counted += len(r.actions)
        out.append(GridRow("measure", tuple(cells)))  # a page break goes on the repeated header
    return out


def _merged_value(doc: PlanDoc, m: M, key: str) -> tuple[str, ...]:
    if key == "number":
        return (m.no,)
    if key == "title":
        has_number = any(k == "number" for k, _ in doc.columns)
        return (m.title if has_number or not m.no else f"{m.no}. {m.title}",)
    # a column of the document's own (wide tables): some text in it all the same
    value: str = getattr(m, key, f"ข้อมูลประกอบ {key}")
    return tuple(value.split("\n")) if value else ()


def grid(doc: PlanDoc, *, word_lists: bool = False) -> list[GridRow]:
    """The measure table, row by row, with merges marked as Word and Excel hold them."""
    width = len(doc.columns)
    header = GridRow("header", tuple(Cell(tuple(h.split("\n")), style="br") for _, h in doc.columns))
    rows = [header]
    starts: list[int] = []  # the first row of each measure
    for s in doc.sections:
        if s.title:
            covered = tuple(Cell(across=0) for _ in range(width - 1))
            rows.append(GridRow("section", (Cell((s.title,), across=width), *covered)))
        for m in s.measures:
            if m.page_break_before:
                rows.append(replace(header, page_break_before=True))
            starts.append(len(rows))
            rows += _measure_rows(doc, m, word_lists=word_lists)
    for key, first, count in doc.shared:
        _merge_down(rows, [k for k, _ in doc.columns].index(key), starts[first],
                    starts[first + count] if first + count < len(starts) else len(rows))  # fmt: skip
    return rows


def _merge_down(rows: list[GridRow], col: int, top: int, stop: int) -> None:
    """One cell over the measures in rows top..stop-1 (its value the first measure's)."""
    for r in range(top, stop):
        cells = list(rows[r].cells)
        cells[col] = replace(cells[col], down=stop - top) if r == top else Cell(down=0)
        rows[r] = replace(rows[r], cells=tuple(cells))


def _tables(rows: list[GridRow]) -> list[list[GridRow]]:
    """The grid cut where the page breaks (for documents whose table is split)."""
    out: list[list[GridRow]] = [[]]
    for r in rows:
        if r.page_break_before and out[-1]:
            out.append([])
        out[-1].append(replace(r, page_break_before=False))
    return out


def ita_rows(ita: Ita) -> list[list[str]]:
    """The ITA score table: a header, group rows, ten indicators, overall and grade."""
    if len(ita.years) == 1:
        head = ["ตัวชี้วัด", f"คะแนน ปี พ.ศ. {th(ita.years[0])}"]
    else:
        head = ["ตัวชี้วัด", *(f"ปี พ.ศ. {th(y)}" for y in ita.years)]
    rows = [head]
    for i, name in enumerate(NACC_NAMES):
        if i in GROUP_ROWS:
            rows.append([GROUP_ROWS[i]])
        rows.append([f"{th(i + 1)}. {name}", *(th(f"{s[i]:.2f}") for s in ita.scores)])
    rows.append(["คะแนนรวม", *(th(f"{o:.2f}") for o in ita.overall)])
    rows.append(["ระดับผลการประเมิน", *ita.grade])
    return rows


def ita_paragraphs(ita: Ita) -> list[str]:
    """The ITA result pasted out of the NACC's PDF (one year)."""
    year, scores = ita.years[-1], ita.scores[-1]
    out = [
        f"๑. ผลกำรประเมิน ITA ประจำปีงบประมำณ พ.ศ. {th(year)}",
        f"ได้คะแนนรวม {th(f'{ita.overall[-1]:.2f}')} คะแนน อยู่ในระดับ {ita.grade[-1]} ดังนี้",
    ]
    out += [f"{th(i + 1)}. {name} {th(f'{s:.2f}')} คะแนน" for i, (name, s) in
            enumerate(zip(PDF_NAMES, scores, strict=True))]  # fmt: skip
    return out


def head_paragraphs(doc: PlanDoc) -> tuple[list[str], list[str]]:
    """(paragraphs before the ITA table, paragraphs after it, before the measures)."""
    before = [*doc.title_lines, doc.org_line, ""]
    if doc.ita and not doc.ita.pdf_text:
        before.append(f"๑. ผลการประเมิน ITA ปีงบประมาณ พ.ศ. {th(doc.ita.years[-1])}")
    elif doc.ita:
        before += ita_paragraphs(doc.ita)
    after = ["", "๒. มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน", doc.adoption,
             *doc.extra_head]  # fmt: skip
    return before, after


# ---------------------------------------------------------------- writers


def write(doc: PlanDoc, path: Path, fmt: str | None = None) -> Path:
    """Write `doc` to `path` as `fmt` (default: the path's suffix)."""
    fmt = fmt or path.suffix.lstrip(".")
    {"docx": write_docx, "html": write_html, "xlsx": write_xlsx, "txt": write_text,
     "csv": write_csv}[fmt](doc, path)  # fmt: skip
    return path


def write_docx(doc: PlanDoc, path: Path) -> None:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK

    d = docx.Document()
    _thai_font(d)
    before, after = head_paragraphs(doc)
    for i, text in enumerate(before):
        p = d.add_paragraph()
        run = p.add_run(text)
        if i < len(doc.title_lines) + 1:  # the title lines and the organisation, as a heading
            run.bold = True
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if doc.ita and not doc.ita.pdf_text:
        _docx_table(d, [[Cell((c,)) for c in r] for r in ita_rows(doc.ita)], width=1 + len(doc.ita.years))
    for text in after:
        d.add_paragraph(text)
    rows = grid(doc, word_lists=True)
    tables = _tables(rows) if doc.split_tables else [rows]
    for n, part in enumerate(tables):
        if n:
            d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        _docx_grid(d, part, width=len(doc.columns))
    d.save(str(path))


def _thai_font(d) -> None:  # type: ignore[no-untyped-def]
    """TH SarabunPSK 16 pt, the government's typeface, for Thai (complex script) text too."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    normal = d.styles["Normal"]
    normal.font.name = "TH SarabunPSK"
    normal.font.size = Pt(16)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:cs"), "TH SarabunPSK")
    fonts.set(qn("w:eastAsia"), "TH SarabunPSK")


def _docx_table(d, rows: list[list[Cell]], *, width: int):  # type: ignore[no-untyped-def]
    """A plain table; a row with one cell is merged across (a group row)."""
    table = d.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    for r, cells in enumerate(rows):
        if len(cells) == 1 and width > 1:
            table.cell(r, 0).merge(table.cell(r, width - 1))
        for c, cell in enumerate(cells):
            _fill(table.cell(r, c), cell)
    return table


def _docx_grid(d, rows: list[GridRow], *, width: int):  # type: ignore[no-untyped-def]
    from docx.enum.text import WD_BREAK

    table = d.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    _repeat_header(table.rows[0])
    # table.cell() walks the whole grid on every call (minutes for a 200-measure
    # plan): take the cells once, fill them, then merge.
    cells = table._cells
    merges = []
    for r, row in enumerate(rows):
        for c, cell in enumerate(row.cells):
            if cell.down == 0 or cell.across == 0:
                continue
            _fill(cells[r * width + c], cell)
            if cell.down > 1 or cell.across > 1:
                merges.append((r * width + c, (r + cell.down - 1) * width + c + cell.across - 1))
            if row.page_break_before and r:
                # the page break in the last paragraph before the repeated header
                cells[(r - 1) * width].paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
    for a, b in merges:
        # python-docx's merge API, as Word stores it (vMerge / gridSpan).
        cells[a].merge(cells[b])
    return table


def _fill(tc, cell: Cell) -> None:  # type: ignore[no-untyped-def]
    """Each line its own paragraph, as a clerk presses Enter inside a cell."""
    if cell.style == "br":  # a line break (w:br) inside one paragraph, as in a header cell
        run = tc.paragraphs[0].add_run(cell.lines[0] if cell.lines else "")
        for line in cell.lines[1:]:
            run.add_break()
            run.add_text(line)
        return
    style = {"number": "List Number", "bullet": "List Bullet"}.get(cell.style)
    for i, line in enumerate(cell.lines):
        p = tc.paragraphs[0] if i == 0 else tc.add_paragraph()
        p.add_run(line)
        if style:
            p.style = style


def _repeat_header(row) -> None:  # type: ignore[no-untyped-def]
    """Word's "repeat as header row" on the first row (w:tblHeader)."""
    from docx.oxml import OxmlElement

    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:tblHeader"))


def write_html(doc: PlanDoc, path: Path) -> None:
    """The plan as a municipality's web page: a layout table, menus and scripts around it."""
    before, after = head_paragraphs(doc)
    e = _html_escape
    head = f"<h2 style=\"text-align:center\">{'<br>'.join(e(t) for t in doc.title_lines)}</h2>\n"
    head += f"<p class=\"org\">{e(doc.org_line)}</p>\n"
    head += "".join(f"<p>{e(t)}</p>\n" for t in before[len(doc.title_lines) + 1:] if t)
    if doc.ita and not doc.ita.pdf_text:
        head += _html_ita(ita_rows(doc.ita), 1 + len(doc.ita.years))
    head += "".join(f"<p>{e(t)}</p>\n" for t in after if t)
    rows = grid(doc)
    body = head + _html_grid(rows)
    page = f"""<!DOCTYPE html>
<html lang="th"><head><meta charset="utf-8">
<title>{e(doc.title_lines[0])} - {e(doc.org_line)}</title>
<style>table.plan td {{ border: 1px solid #000; }} .menu li {{ display: inline; }}</style>
<script src="/js/jquery.min.js"></script>
<script>
  // the site's menu builder writes markup from a string
  var banner = "<table><tr><td>ยินดีต้อนรับ</td><td>ระยะเวลาดำเนินการ</td></tr></table>";
  if (1 < 2 && document) {{ document.title += ""; }}
</script>
</head><body>
<!-- เมนูหลัก -->
<div id="header"><ul class="menu"><li><a href="/">หน้าแรก</a></li><li><a href="/news">ข่าวประชาสัมพันธ์</a></li>
<li><a href="/ita">ITA &amp; การเปิดเผยข้อมูล</a></li><li><a href="/contact">ติดต่อเรา</a></li></ul></div>
<table class="layout" width="100%"><tr>
<td class="sidebar" valign="top"><ul><li>ผู้บริหาร</li><li>ระยะเวลาทำการ ๐๘.๓๐ - ๑๖.๓๐ น.</li></ul></td>
<td class="content" valign="top">
{body}
</td></tr></table>
<div id="footer">สงวนลิขสิทธิ์ &copy; {e(doc.org_line)} &nbsp;|&nbsp; ผู้เข้าชม 12,345 คน</div>
<script>var _gaq = _gaq || []; _gaq.push(['_trackPageview']);</script>
</body></html>
"""
    path.write_text(page, encoding="utf-8")


def _html_escape(text: str) -> str:
    # Word's "save as web page" writes every other space as &nbsp;.
    return html.escape(text, quote=False).replace("  ", " &nbsp;")


def _html_ita(rows: list[list[str]], width: int) -> str:
    out = ['<table class="ita" border="1">']
    for r in rows:
        if len(r) == 1:
            out.append(f'<tr><td colspan="{width}"><b>{_html_escape(r[0])}</b></td></tr>')
        else:
            out.append("<tr>" + "".join(f"<td>{_html_escape(c)}</td>" for c in r) + "</tr>")
    out.append("</table>")
    return "\n".join(out) + "\n"


def _html_cell(cell: Cell, tag: str) -> str:
    span = ""
    if cell.down > 1:
        span += f' rowspan="{cell.down}"'
    if cell.across > 1:
        span += f' colspan="{cell.across}"'
    # Word's web pages: a space written as &nbsp; here and there.
    lines = [_html_escape(x).replace(" ", "&nbsp;", 1) for x in cell.lines]
    if len(lines) > 1 and tag == "th":
        inner = "<br>".join(lines)
    elif len(lines) > 1:
        inner = "".join(f"<p>{x}</p>" for x in lines)
    else:
        inner = "".join(lines) or "&nbsp;"
    return f"<{tag}{span}>{inner}</{tag}>"


def _html_grid(rows: list[GridRow]) -> str:
    out = ['<table class="plan" border="1" cellspacing="0">',
           "<thead><tr>" + "".join(_html_cell(c, "th") for c in rows[0].cells) + "</tr></thead>",
           "<tbody>"]  # fmt: skip
    for r in rows[1:]:
        tag = "th" if r.kind == "header" else "td"
        cells = "".join(_html_cell(c, tag) for c in r.cells if c.down and c.across)
        style = ' style="page-break-before:always"' if r.page_break_before else ""
        out.append(f"<tr{style}>{cells}</tr>")
    out.append("</tbody></table>")
    return "\n".join(out) + "\n"


def write_xlsx(doc: PlanDoc, path: Path) -> None:
    """An Excel sheet: merged cells hold their value in the top-left cell only."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    wb = Workbook()
    ws = wb.active
    ws.title = "แผนมาตรการ"
    width = len(doc.columns)
    wrap = Alignment(wrap_text=True, vertical="top")
    r = 1
    before, after = head_paragraphs(doc)

    def line(text: str) -> None:
        nonlocal r
        if text:
            ws.cell(r, 1, text)
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
        r += 1

    for text in before:
        line(text)
    if doc.ita and not doc.ita.pdf_text:
        for row in ita_rows(doc.ita):
            for c, value in enumerate(row, 1):
                # scores typed into Excel are numbers (96.5), not text
                ws.cell(r, c, _number(value) if c > 1 else value)
            if len(row) == 1:
                ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=1 + len(doc.ita.years))
            r += 1
    for text in after:
        line(text)
    for row in grid(doc):
        for c, cell in enumerate(row.cells, 1):
            if cell.down == 0 or cell.across == 0:
                continue
            if cell.lines:
                ws.cell(r, c, "\n".join(cell.lines)).alignment = wrap
            if cell.down > 1 or cell.across > 1:
                ws.merge_cells(start_row=r, start_column=c,
                               end_row=r + cell.down - 1, end_column=c + cell.across - 1)  # fmt: skip
        r += 1
    ws.column_dimensions["B"].width = 40
    wb.save(str(path))


def _number(text: str) -> float | str:
    try:
        return float(text.translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")))
    except ValueError:
        return text


def text_lines(doc: PlanDoc) -> list[str]:
    """Word's "Plain Text" export: paragraphs as lines, table rows as tab-separated cells.

    A cell of several paragraphs comes out as <p>…</p> (as in the real
    sample, copied through the web editor), a cell covered by a merge as an
    empty cell, a row merged across as its text alone.
    """
    before, after = head_paragraphs(doc)
    lines = [*before]
    if doc.ita and not doc.ita.pdf_text:
        lines += ["\t".join(r) for r in ita_rows(doc.ita)]
    lines += [*after, ""]
    for r in grid(doc):
        if r.page_break_before:
            lines += ["", f"(หน้า {th(2)})", ""]
        if r.kind == "section":
            lines.append(r.cells[0].lines[0])
            continue
        lines.append("\t".join(_text_cell(c, header=r.kind == "header") for c in r.cells))
    return lines


def _text_cell(cell: Cell, *, header: bool) -> str:
    if header:
        return " ".join(cell.lines)
    if len(cell.lines) > 1:
        return "".join(f"<p>{x}</p>" for x in cell.lines)
    return "".join(cell.lines)


def write_text(doc: PlanDoc, path: Path) -> None:
    path.write_text("\n".join(text_lines(doc)) + "\n", encoding="utf-8")


def write_csv(doc: PlanDoc, path: Path) -> None:
    """The layout of docs/plan-csv.md (Thai keys), rows as Excel saves the .xlsx's table."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    org = doc.org_line.split(" อำเภอ")[0]
    w.writerow(["หน่วยงาน", org])
    w.writerow(["ชื่อแผน", " ".join(doc.title_lines)])
    w.writerow(["ปีงบประมาณ", fiscal_year_written(doc)])
    adopted = re.search(r"เมื่อวัน\S*ที่ ([๐-๙0-9]+ \S+ [๐-๙0-9]{4})", doc.adoption)
    if adopted:
        w.writerow(["วันที่อนุมัติ", adopted[1]])
    for r in grid(doc):
        if r.kind == "section":
            w.writerow([r.cells[0].lines[0]] + [""] * (len(r.cells) - 1))
            continue
        w.writerow([" ".join(c.lines) if r.kind == "header" else "\n".join(c.lines) for c in r.cells])
    # "CSV UTF-8" in Excel: with a BOM, CRLF line ends.
    path.write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))


def fiscal_year_written(doc: PlanDoc) -> str:
    for line in doc.title_lines:
        if "พ.ศ." in line:
            return line.split("พ.ศ.")[1].strip()
    raise ValueError("no fiscal year in the title")


# ---------------------------------------------------------------- the fixtures

STANDARD = (
    ("number", "ที่"),
    ("title", "มาตรการ/แนวทาง"),
    ("actions", "วิธีการดำเนินการ"),
    ("owners", "ผู้รับผิดชอบ"),
    ("period", "ระยะเวลาดำเนินการ"),
    ("budget", "งบประมาณ"),
    ("followup", "การติดตามผล"),
)


def row(actions: Iterable[str], owners: Iterable[str], period: str) -> Row:
    return Row(tuple(actions), tuple(owners), period)


def common_plan() -> PlanDoc:
    """A municipality's plan for FY 2569, adopted 30 Oct 2568: the plan written in every format."""
    april = "รายงานผลในการประชุมพนักงานเทศบาลประจำเดือนเมษายน ๒๕๖๙"
    return PlanDoc(
        title_lines=("มาตรการส่งเสริมคุณธรรมจริยธรรมและความโปร่งใส", "ประจำปีงบประมาณ พ.ศ. ๒๕๖๙"),
        org_line="เทศบาลตำบลหนองบัว อำเภอเมืองอุดรธานี จังหวัดอุดรธานี",
        adoption=("คณะผู้บริหารและพนักงานเทศบาลได้ร่วมกันพิจารณากำหนดมาตรการ ในการประชุมพนักงานเทศบาล "
                  "ครั้งที่ ๑/๒๕๖๙ เมื่อวันพฤหัสบดีที่ ๓๐ ตุลาคม ๒๕๖๘ ดังนี้"),
        columns=STANDARD,
        ita=Ita(years=(2568,), scores=((96.50, 92.30, 95.10, 90.40, 94.20, 93.60, 88.70, 85.20, 82.40,
                                        87.50),), overall=(88.84,), grade=("A",)),
        sections=(
            Section("ด้านที่ ๑ การเปิดเผยข้อมูล", (
                M("๑", "มาตรการเผยแพร่ข้อมูลต่อสาธารณะ", (
                    row(["เผยแพร่ข้อมูลข่าวสารบนเว็บไซต์ของเทศบาล ดังนี้",
                         "๑) ข้อมูลพื้นฐาน & ช่องทางการติดต่อ",
                         "๒) แผนการจัดซื้อจัดจ้างประจำปี"], ["สำนักปลัดเทศบาล"], "ทุกเดือน"),),
                  followup=april, budget="ไม่ใช้งบประมาณ"),
                M("๒", "มาตรการจัดทำรายงานผลการใช้จ่ายงบประมาณ", (
                    row(["๑. จัดทำรายงานการใช้จ่ายงบประมาณไตรมาสแรก"], ["กองคลัง"], "ต.ค. - ธ.ค. ๖๘"),
                    row(["๒. สรุปปัญหา อุปสรรค และข้อเสนอแนะ"], ["กองช่าง"], "ม.ค. - มี.ค. ๖๙"),
                    row(["๓. เผยแพร่รายงานบนเว็บไซต์"], ["สำนักปลัดเทศบาล"], "เม.ย. - มิ.ย. ๖๙"),
                  ), followup="รายงานผลในการประชุมพนักงานเทศบาลประจำเดือนกรกฎาคม ๒๕๖๙",
                  budget="ไม่ใช้งบประมาณ"),
            )),
            Section("ด้านที่ ๒ การป้องกันการทุจริต", (
                M("๓", "มาตรการส่งเสริมการปฏิบัติตามประมวลจริยธรรม", (
                    row(["จัดอบรมให้ความรู้แก่บุคลากร", "ประกาศเจตจำนงสุจริตของผู้บริหาร"],
                        ["สำนักปลัดเทศบาล (งานการเจ้าหน้าที่)", "กองการศึกษา"], "ภายในเดือน มี.ค. ๖๙"),),
                  followup=april, budget="๒๐,๐๐๐ บาท", lists="bullet"),
                M("๔", "มาตรการจัดการเรื่องร้องเรียนการทุจริต", (
                    row(["ตรวจสอบช่องทางรับเรื่องร้องเรียนทุกสัปดาห์", "รายงานผลต่อนายกเทศมนตรี"],
                        ["สำนักปลัดเทศบาล (งานนิติการ)"], "ตั้งแต่ ม.ค. ๖๙ เป็นต้นไป"),),
                  followup="รายงานผลในการประชุมพนักงานเทศบาลประจำเดือนกันยายน ๒๕๖๙",
                  budget="ไม่ใช้งบประมาณ", lists="number", page_break_before=True),
                M("๕", "มาตรการป้องกันผลประโยชน์ทับซ้อน", (
                    row(["จัดทำคู่มือการป้องกันผลประโยชน์ทับซ้อน"], ["กองช่าง"], "มีนาคม และ กันยายน"),),
                  followup="รายงานผลในการประชุมพนักงานเทศบาลประจำเดือนกันยายน ๒๕๖๙", budget="๕,๐๐๐ บาท"),
            )),
        ),
    )


def vocabulary_plan() -> PlanDoc:
    """A subdistrict administration's plan (FY 2568) with a project-style table and the ITA from a PDF."""
    return PlanDoc(
        title_lines=("แผนปฏิบัติการส่งเสริมคุณธรรมและความโปร่งใส", "ประจำปีงบประมาณ พ.ศ. ๒๕๖๘"),
        org_line="องค์การบริหารส่วนตำบลท่าข้าม",
        adoption=("ที่ประชุมคณะผู้บริหาร สมาชิกสภา และพนักงานส่วนตำบล ได้ให้ความเห็นชอบแผนนี้"
                  "ในการประชุมประจำเดือน เมื่อวันพฤหัสบดีที่ ๑๔ พฤศจิกายน ๒๕๖๗"),
        columns=(
            ("number", "ที่"),
            ("title", "โครงการ/กิจกรรม"),
            ("actions", "แนวทางการดำเนินการ"),
            ("budget", "งบประมาณ\n(บาท)"),
            ("indicator", "ตัวชี้วัด"),
            ("target", "เป้าหมาย"),
            ("owners", "หน่วยงาน\nที่รับผิดชอบ"),
            ("period", "เวลาดำเนินการ"),
            ("result", "ผลการดำเนินการ"),
            ("extra", "ความเชื่อมโยงกับแผนพัฒนาท้องถิ่น"),
            ("remarks", "หมายเหตุ"),
        ),
        ita=Ita(years=(2567,), scores=((95.10, 93.45, 94.80, 91.30, 92.75, 94.10, 86.20, 88.35, 84.60,
                                        89.00),), overall=(89.63,), grade=("A",), pdf_text=True),
        sections=(Section(None, (
            M("1", "โครงการอบรมคุณธรรมจริยธรรมแก่ผู้บริหาร สมาชิกสภา และพนักงาน", (
                row(["จัดอบรมปีละ ๑ ครั้ง", "ประเมินผลหลังการอบรม"], ["สำนักปลัด"], "ไตรมาสที่ ๒"),),
              budget="30,000", indicator="ร้อยละของผู้เข้ารับการอบรม", target="ไม่น้อยกว่าร้อยละ ๘๐",
              result="ดำเนินการแล้ว", extra="ยุทธศาสตร์ที่ ๖", remarks="ข้อบัญญัติงบประมาณ ๒๕๖๘"),
            M("2", "กิจกรรมเผยแพร่ข้อมูลข่าวสารทางเว็บไซต์", (
                row(["ปรับปรุงข้อมูล ITA บนเว็บไซต์ อบต."], ["สำนักปลัด", "กองคลัง"], "ทุกไตรมาส"),),
              budget="-", indicator="จำนวนครั้งที่ปรับปรุงข้อมูล", target="๔ ครั้ง/ปี"),
        )),),
    )


def province_plan(org: str = "สำนักงานจังหวัดน่าน") -> PlanDoc:
    """A province office's plan (FY 2569) adopted in September, before the fiscal year began,
    with the ITA scores of two years side by side."""
    march = "รายงานผลต่อที่ประชุมหัวหน้าส่วนราชการประจำเดือนมีนาคม ๒๕๖๙"
    return PlanDoc(
        title_lines=("มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน", "ประจำปีงบประมาณ พ.ศ. ๒๕๖๙"),
        org_line=org,
        adoption=("ผู้ว่าราชการจังหวัดได้ให้ความเห็นชอบมาตรการ ในการประชุมหัวหน้าส่วนราชการ "
                  "เมื่อวันพฤหัสบดีที่ ๑๘ กันยายน ๒๕๖๘"),
        columns=(("title", "มาตรการ"), ("actions", "วิธีการดำเนินการ"), ("owners", "ผู้รับผิดชอบ"),
                 ("period", "ระยะเวลา"), ("followup", "การติดตามผล")),
        ita=Ita(years=(2567, 2568),
                scores=((91.20, 89.40, 93.00, 88.10, 90.60, 90.20, 84.30, 80.50, 76.80, 81.25),
                        (95.10, 93.45, 94.80, 91.30, 92.75, 94.10, 86.20, 88.35, 84.60, 89.00)),
                overall=(84.25, 89.63), grade=("B", "A")),
        sections=(Section(None, (
            M("๑", "มาตรการป้องกันการรับสินบน", (
                row(["ประกาศนโยบายไม่รับของขวัญ (No Gift Policy)"], ["กลุ่มงานอำนวยการ"],
                    "ภายในเดือน ธ.ค. ๖๘"),), followup=march),
            M("๒", "มาตรการติดตามการใช้จ่ายงบประมาณ", (
                row(["รายงานผลการใช้จ่ายงบประมาณต่อผู้ว่าราชการจังหวัด"],
                    ["กลุ่มงานยุทธศาสตร์และข้อมูลเพื่อการพัฒนาจังหวัด"], "ปีละ ๒ ครั้ง"),), followup=march),
        )),),
    )


# Every period form a clerk writes, with what the measure's title says it is.
PERIOD_FORMS = (
    "ทุกเดือน", "ทุกไตรมาส", "ไตรมาสที่ ๑-๔", "ปีละ ๒ ครั้ง", "ดำเนินการอย่างต่อเนื่อง",
    "ภายในเดือน มี.ค. ๖๗", "ภายใน 30 เม.ย. 67", "ตั้งแต่ ม.ค. ๖๗ เป็นต้นไป", "มีนาคม และ กันยายน",
    "ตามความเหมาะสม",
)  # fmt: skip


def periods_plan() -> PlanDoc:
    """FY 2567, adopted 30 Nov 2566: one measure per period form, the table split over two pages."""
    ms = tuple(
        M(th(i), f"มาตรการทดสอบระยะเวลา {period}", (row(["ดำเนินการตามแผน"], ["สำนักปลัด"], period),),
          followup="รายงานผลในการประชุมประจำเดือนตุลาคม ๒๕๖๗", page_break_before=i == 6)
        for i, period in enumerate(PERIOD_FORMS, 1)
    )
    return PlanDoc(
        title_lines=("มาตรการส่งเสริมคุณธรรมจริยธรรมและความโปร่งใส ประจำปีงบประมาณ พ.ศ. ๒๕๖๗",),
        org_line="เทศบาลเมืองทดสอบ อำเภอเมือง จังหวัดทดสอบ",
        adoption="ที่ประชุมพนักงานเทศบาล เมื่อวันพฤหัสบดีที่ ๓๐ พฤศจิกายน ๒๕๖๖ มีมติกำหนดมาตรการดังนี้",
        columns=(("title", "มาตรการ /แนวทาง"), ("actions", "วิธีการดำเนินการ"), ("owners", "ผู้รับผิดชอบ"),
                 ("period", "ระยะเวลาดำเนินการ"), ("followup", "การติดตามผล")),
        sections=(Section(None, ms),),
        split_tables=True,
    )


def big_plan(n: int, *, org: str = "เทศบาลตำบลทดสอบ") -> PlanDoc:
    """`n` measures in sections of 20, every fifth merged over three rows (for benches and limits)."""
    periods = ("ม.ค. - มี.ค. ๖๙", "ตลอดปีงบประมาณ", "ทุกไตรมาส", "ไตรมาสที่ ๓", "ภายในเดือน มิ.ย. ๖๙")
    sections = []
    for s in range(0, n, 20):
        ms = []
        for i in range(s + 1, min(n, s + 20) + 1):
            rows: tuple[Row, ...] = (row([f"๑) เผยแพร่ข้อมูลลำดับ {th(i)}", "(๑) รายละเอียด", "(๒) อีกข้อ"],
                                         ["สำนักปลัดเทศบาล", "กองคลัง"], periods[i % len(periods)]),)
            if i % 5 == 0:
                rows = tuple(row([f"{th(k)}. ขั้นที่ {th(k)}"], [u], p) for k, (u, p) in enumerate(
                    [("กองคลัง", "ต.ค. - ธ.ค. ๖๘"), ("กองช่าง", "ม.ค. - มี.ค. ๖๙"),
                     ("สำนักปลัดเทศบาล", "เม.ย. - มิ.ย. ๖๙")], 1))  # fmt: skip
            ms.append(M(th(i), f"มาตรการที่ {th(i)} ส่งเสริมความโปร่งใสในการปฏิบัติงาน", rows,
                        followup="รายงานผลในการประชุมพนักงานเทศบาลประจำเดือนกรกฎาคม ๒๕๖๙",
                        budget="ไม่ใช้งบประมาณ", page_break_before=i % 20 == 11))
        sections.append(Section(f"ด้านที่ {th(s // 20 + 1)} การส่งเสริมความโปร่งใส", tuple(ms)))
    return replace(common_plan(), org_line=org, sections=tuple(sections))


def shared_cells_plan() -> PlanDoc:
    """Four measures, one unit each; the period and the follow-up written once, merged down
    over all four (as many plans do): every measure has them. Word, Excel and web page only:
    Word's text export leaves the covered cells empty."""
    units = ("สำนักปลัด", "กองคลัง", "กองช่าง", "กองการศึกษา")
    ms = tuple(
        M(th(i), title, (row([f"ดำเนินการตาม{title}"], [unit], "ตลอดปีงบประมาณ"),),
          followup="รายงานผลในการประชุมพนักงานประจำเดือนกันยายน ๒๕๖๙")
        for i, (title, unit) in enumerate(zip(
            ("มาตรการป้องกันการรับสินบน", "มาตรการตรวจสอบการใช้จ่ายงบประมาณ", "มาตรการควบคุมการใช้รถราชการ",
             "มาตรการส่งเสริมคุณธรรมในสถานศึกษา"), units, strict=True), 1)
    )  # fmt: skip
    columns = (("number", "ที่"), ("title", "มาตรการ"), ("actions", "วิธีการดำเนินการ"),
               ("owners", "ผู้รับผิดชอบ"), ("period", "ระยะเวลาดำเนินการ"), ("followup", "การติดตามผล"))
    return replace(common_plan(), columns=columns, sections=(Section(None, ms),),
                   shared=(("period", 0, 4), ("followup", 0, 4)))  # fmt: skip
