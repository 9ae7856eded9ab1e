"""Open a plan document: check it, find its format by content, hand it to its reader.

Every reader turns its format into one `grid.Document`; `layout.read_document`
reads them all, so a layout that works in one format works in every one.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

from tracker.errors import PlanError
from tracker.plans.grid import Document
from tracker.plans.model import Plan

MAX_BYTES = 10 * 1024 * 1024  # a real plan is a few MB at most (a .docx with pictures)
MAX_UNZIPPED = 100 * 1024 * 1024  # what the members of a .docx/.xlsx may unpack to
MAX_MEMBERS = 5_000

# Signatures of files that no reader here can read, and what to do instead.
_BINARY = (
    (b"\xd0\xcf\x11\xe0", "ไฟล์ Word หรือ Excel รุ่นเก่า (.doc/.xls): เปิดในโปรแกรมแล้วบันทึกเป็น .docx หรือ .xlsx "
     "(an old .doc/.xls file: save it as .docx or .xlsx)"),
    (b"%PDF", "ไฟล์ PDF อ่านภาษาไทยได้ไม่ถูกต้อง: ใช้ไฟล์ Word ต้นฉบับ (บันทึกเป็น .docx) หรือหน้าเว็บ (.html) ของแผน "
     "(a PDF: its Thai text comes out damaged; use the original .docx or the plan's web page)"),
    (b"{\\rtf", "ไฟล์ RTF: เปิดใน Word แล้วบันทึกเป็น .docx (an RTF file: save it as .docx)"),
)  # fmt: skip


def decode(data: bytes, *, source: str = "<bytes>") -> str:
    """The text of a plan file: UTF-8 (BOM or not), UTF-16 (BOM), or TIS-620.

    Raises PlanError for empty, binary or undecodable input.
    """
    if not data.strip():
        raise PlanError("ไฟล์ว่างเปล่า (the file is empty)", source=source)
    for magic, what in _BINARY:
        if data.startswith(magic):
            raise PlanError(what, source=source)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = _try(data, "utf-16")
    elif data.startswith(b"\xef\xbb\xbf"):
        text = _try(data, "utf-8-sig")
    elif _looks_utf16le(data):
        text = _try(data, "utf-16-le")
    else:
        # UTF-8 first: valid UTF-8 Thai is never valid TIS-620 text by
        # accident, while TIS-620 bytes are almost never valid UTF-8.
        text = _try(data, "utf-8") or _try(data, "cp874")
    if text is None:
        raise PlanError((
            "อ่านตัวอักษรไม่ได้: บันทึกแผนเป็นข้อความ UTF-8 (หรือ TIS-620) "
            "(cannot read the text: save it as UTF-8 text)"
        ), source=source)
    control = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\t\n\r\x0b\x0c")
    if "\x00" in text or control > len(text[:4096]) // 100:
        raise PlanError("ไฟล์นี้ไม่ใช่เอกสารแผน (a binary file, not a plan document)", source=source)
    return text.removeprefix("\ufeff")


def _try(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _looks_utf16le(data: bytes) -> bool:
    """UTF-16 without a BOM: every other byte of Thai or ASCII text is the same."""
    sample = data[:512]
    if len(sample) < 8 or len(sample) % 2:
        return False
    high = sample[1::2]
    return all(b in (0x00, 0x0E) for b in high) and b"\x00" in high


_HTML = re.compile(r"<!doctype\s+html|<html[\s>]|<table[\s>]|<body[\s>]", re.IGNORECASE)


def looks_like_html(text: str) -> bool:
    """A saved web page: an HTML document or table, not a text export with tags in its cells."""
    head = text[:4096].lstrip()
    return head.startswith("<") and _HTML.search(text[:65536]) is not None and "\t" not in head[:200]


def parse_plan_text(text: str, *, source: str = "<text>") -> Plan:
    """A plan from its text: a web page, CSV, or a Word text export."""
    from tracker.plans.csvplan import looks_like_csv, parse_csv
    from tracker.plans.text import has_measure_header, parse_text

    if looks_like_html(text):
        from tracker.plans.htmlpage import read_html

        return _interpret(lambda: read_html(text, source=source), source=source, what="หน้าเว็บ (HTML)")
    if not has_measure_header(text) and looks_like_csv(text):
        return parse_csv(text, source=source)
    return parse_text(text, source=source)


def _interpret(read: Callable[[], Document], *, source: str, what: str) -> Plan:
    """Run a library reader; whatever a broken or hostile file makes it raise is one clear line."""
    from tracker.plans.layout import read_document

    try:
        doc = read()
    except PlanError:
        raise
    except Exception as e:  # the libraries raise many kinds on broken files; all mean the same
        raise PlanError(
            f"ไฟล์{what}เสียหายหรืออ่านไม่ได้ ({type(e).__name__}): เปิดในโปรแกรมที่สร้างแล้วบันทึกใหม่ "
            f"(the {what} file is damaged: open it and save it again)",
            source=source,
        ) from None
    return read_document(doc, source=source)


def _zip_kind(data: bytes, *, source: str) -> str:
    """ "docx" or "xlsx" for an Office zip whose members are safe to unpack."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError, RuntimeError):
        raise PlanError(
            "ไฟล์ zip เสียหาย: เปิดใน Word/Excel แล้วบันทึกใหม่ (a damaged zip/.docx/.xlsx file)",
            source=source,
        ) from None
    if len(infos) > MAX_MEMBERS or sum(i.file_size for i in infos) > MAX_UNZIPPED:
        raise PlanError(
            f"ไฟล์ขยายได้ใหญ่เกิน {MAX_UNZIPPED // 2**20} MB ไม่ใช่แผนตามปกติ (the file unpacks to "
            f"more than {MAX_UNZIPPED // 2**20} MB)",
            source=source,
        )
    names = {i.filename for i in infos}
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "content.xml" in names:
        raise PlanError(
            "ไฟล์ OpenDocument (.odt/.ods): บันทึกเป็น .docx หรือ .xlsx (save it as .docx or .xlsx)",
            source=source,
        )
    raise PlanError(
        "ไฟล์ zip นี้ไม่ใช่ Word (.docx) หรือ Excel (.xlsx) (this zip is no .docx or .xlsx)",
        source=source,
    )


def parse_plan_bytes(data: bytes, *, source: str = "<bytes>", suffix: str = "") -> Plan:
    """The plan in a file's bytes, its format found from the content."""
    if data.startswith(b"PK\x03\x04"):
        if _zip_kind(data, source=source) == "docx":
            from tracker.plans.docx import read_docx

            return _interpret(lambda: read_docx(data, source=source), source=source, what="Word")
        from tracker.plans.xlsx import read_xlsx

        return _interpret(lambda: read_xlsx(data, source=source), source=source, what="Excel")
    text = decode(data, source=source)
    if suffix == ".csv" and not looks_like_html(text):
        from tracker.plans.csvplan import parse_csv

        return parse_csv(text, source=source)
    return parse_plan_text(text, source=source)


def read_plan(path: Path) -> Plan:
    """The plan in the file at `path`: .docx, .xlsx, a web page, Word text or CSV.

    Raises PlanError for a missing, unreadable, empty, binary or too large
    file, and for a document without a measure table.
    """
    source = str(path)
    try:
        with open(path, "rb") as f:
            # Read one byte past the cap: the size is known without reading
            # (or holding) a huge file.
            data = f.read(MAX_BYTES + 1)
    except IsADirectoryError:
        raise PlanError(
            "เป็นโฟลเดอร์ ไม่ใช่เอกสารแผน (is a directory, not a plan document)", source=source
        ) from None
    except OSError as e:
        raise PlanError(f"เปิดไฟล์ไม่ได้ (cannot read the file: {e.strerror or e})", source=source) from None
    if len(data) > MAX_BYTES:
        raise PlanError(
            f"ไฟล์ใหญ่เกิน {MAX_BYTES // (1024 * 1024)} MB ไม่ใช่แผนตามปกติ (the file is larger "
            f"than {MAX_BYTES // (1024 * 1024)} MB)",
            source=source,
        )
    return parse_plan_bytes(data, source=source, suffix=path.suffix.lower())
