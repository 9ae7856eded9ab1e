"""`tracker report --format docx / xlsx / csv`: read back with python-docx,
openpyxl and the csv module, and the Word file converted by LibreOffice
(headless) to a PDF that pdftotext reads."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import SAMPLE, need

NOW = "2023-04-03T08:30"
TITLE_1 = "มาตรการการเปิดเผยข้อมูลต่อสาธารณะ"
TITLE_2 = "กำหนดมาตรการด้านการป้องกันการทุจริตเพื่อแสดงถึงความพยายามที่จะป้องกันการทุจริตในหน่วยงาน"
RESULT = "เผยแพร่ข้อมูลบนเว็บไซต์ครบ ๑๒ เรื่อง"
# what a pasted text or a hostile hand may hold: controls, a direction
# override, a formula for a spreadsheet
ODD = "=HYPERLINK(\"http://x\")\x07\u202e ผลลัพธ์\x1b[31m"
OUTCOME = ("ผลการดำเนินงาน", "ปัญหา", "อุปสรรค", "ข้อเสนอแนะ")


@pytest.fixture
def sample(run):  # type: ignore[no-untyped-def]
    assert run("import", str(SAMPLE), now="2023-01-05").code == 0
    assert run("done", "1", "--on", "2023-03-20", now=NOW).code == 0
    r = run("outcome", "1", "--result", RESULT, "--problems", ODD, now=NOW)
    assert r.code == 0, r.err
    return run


def write(run, tmp_path: Path, fmt: str, *args: str) -> Path:  # type: ignore[no-untyped-def]
    target = tmp_path / f"report.{fmt}"
    r = run("report", "--format", fmt, "-o", str(target), *args, now=NOW)
    assert r.code == 0, r.err
    return target


def test_word_holds_every_measure_and_the_four_fields(sample, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from docx import Document
    from docx.oxml.ns import qn

    doc = Document(str(write(sample, tmp_path, "docx")))
    paragraphs = [p.text for p in doc.paragraphs]
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert paragraphs[0] == "รายงานผลการดำเนินงานตามมาตรการส่งเสริมคุณธรรมและความโปร่งใส"
    assert "เทศบาลตำบลบางจะเกร็ง" in paragraphs and "ประจำปีงบประมาณ พ.ศ. ๒๕๖๖" in paragraphs
    assert any(TITLE_1 in p for p in paragraphs) and any(TITLE_2 in p for p in paragraphs)
    for field in OUTCOME:
        assert cells.count(field) == 2, field  # in each measure's block
    assert RESULT in cells
    # the hostile text arrives as text, without its controls and override
    assert any("=HYPERLINK" in c and "ผลลัพธ์" in c for c in cells)
    assert not any(ch in c for c in cells for ch in "\x07\x1b\u202e")
    assert "☑ 1 เผยแพร่ข้อมูลที่เป็นปัจจุบันบนเว็บไซต์ของหน่วยงานเพื่อเปิดเผยการดำเนินการต่าง ๆ" \
        " ของหน่วยงานให้สาธารณะชนได้รับทราบ" in cells  # done ticked the measure's item
    assert any("ความเห็น / ข้อสั่งการของผู้บริหาร" in p for p in paragraphs)
    # the official typeface for Thai (complex script) text too, 16 pt, on A4
    fonts = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:cs")) == "TH Sarabun New" == fonts.get(qn("w:ascii"))
    assert doc.styles["Normal"].element.rPr.find(qn("w:szCs")).get(qn("w:val")) == "32"
    section = doc.sections[0]
    assert (round(section.page_width.cm, 1), round(section.left_margin.cm, 1)) == (21.0, 3.0)


def test_libreoffice_opens_the_word_file(sample, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    need(soffice is not None, "LibreOffice (soffice) not installed")
    need(shutil.which("pdftotext") is not None, "poppler-utils not installed")
    docx = write(sample, tmp_path, "docx")
    out = tmp_path / "lo"
    p = subprocess.run(
        [str(soffice), f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(out), str(docx)],
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    pdf = out / "report.pdf"
    assert p.returncode == 0 and pdf.exists(), p.stdout + p.stderr
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    for needle in (TITLE_1, TITLE_2, RESULT, "ข้อเสนอแนะ", "เทศบาลตำบลบางจะเกร็ง"):
        assert "".join(needle.split()) in flat, needle


def test_spreadsheet_has_one_row_per_measure(sample, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    sheet = load_workbook(write(sample, tmp_path, "xlsx")).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header, body = rows[0], rows[1:]
    assert len(body) == 2
    assert header[:3] == ["ที่", "มาตรการ", "วิธีการดำเนินการ"] and all(f in header for f in OUTCOME)
    one = dict(zip(header, body[0], strict=True))
    assert one["มาตรการ"] == TITLE_1 and one["สถานะ"] == "เสร็จแล้ว" and one["ความคืบหน้า"] == 100
    assert one["ผลการดำเนินงาน"] == RESULT
    assert one["วันที่แล้วเสร็จ"] == "20 มี.ค. 2566"  # Arabic digits where people compute
    # a typed "=…" stays text: the sheet holds no formula
    assert one["ปัญหา"].startswith("=HYPERLINK") and not any(
        c.data_type == "f" for row in sheet.iter_rows() for c in row)
    assert dict(zip(header, body[1], strict=True))["สถานะ"] == "เกินกำหนด"


def test_csv_opens_in_excel_as_thai_and_runs_no_formula(sample, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = write(sample, tmp_path, "csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # Excel on Windows reads UTF-8 only with the BOM
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert len(body) == 2 and body[0][1] == TITLE_1
    problems = body[0][header.index("ปัญหา")]
    assert problems.startswith("'=HYPERLINK") and "\x07" not in problems


def test_english_spreadsheet(sample, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    sheet = load_workbook(write(sample, tmp_path, "xlsx", "--lang", "en")).active
    header = [c.value for c in sheet[1]]
    assert header[:2] == ["No.", "Measure"], header
    assert "Results" in header

