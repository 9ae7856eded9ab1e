"""Broken, hostile and huge .docx / .xlsx / .html plans: a Plan or a PlanError, within 5 s.

Every case goes through `read_plan` and ends in a Plan or a PlanError, never
another exception, in under 5 seconds (time.perf_counter). The last test
runs the real `tracker import` on the real database: a failing import
leaves the database exactly as it was.
"""

from __future__ import annotations

import io
import json
import random
import re
import sqlite3
import struct
import tempfile
import time
import zipfile
from pathlib import Path

import plan_docs as docs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.errors import PlanError
from tracker.plans.model import Plan
from tracker.plans.reader import read_plan

SAMPLE = Path(__file__).resolve().parent.parent / "tracker" / "data" / "bangchakreng-2566.txt"
LIMIT_S = 5.0


def outcome(path: Path) -> Plan | None:
    """Read `path`: a Plan, or None after a PlanError with a message; never slower than LIMIT_S."""
    t0 = time.perf_counter()
    message = ""
    try:
        plan = read_plan(path)
    except PlanError as e:
        plan, message = None, str(e)
    took = time.perf_counter() - t0
    assert took < LIMIT_S, f"{path.name}: {took:.1f} s"
    if plan is None:
        assert message.strip(), "a PlanError needs a message for the user"
        assert "\n" not in message, "one line"
    if plan is not None:
        for m in plan.measures:
            assert m.start <= m.end
            assert m.number
    return plan


def _build(fmt: str) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        return docs.write(docs.common_plan(), Path(tmp) / f"seed.{fmt}").read_bytes()


SEEDS = {fmt: _build(fmt) for fmt in ("docx", "xlsx", "html")}


def members(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [(i, z.read(i)) for i in z.infolist()]


def rezip(entries: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in entries:
            z.writestr(name, content)
    return out.getvalue()


def changed(fmt: str, *, drop: str = "", cut: tuple[str, float] | None = None,
            put: dict[str, bytes] | None = None) -> bytes:  # fmt: skip
    """The seed document of `fmt` with one member dropped, truncated or replaced."""
    entries = []
    for info, content in members(SEEDS[fmt]):
        if info.filename == drop:
            continue
        if cut and info.filename == cut[0]:
            content = content[: int(len(content) * cut[1])]
        if put and info.filename in put:
            content = put.pop(info.filename)
        entries.append((info.filename, content))
    entries += list((put or {}).items())
    return rezip(entries)


def names(fmt: str) -> list[str]:
    return [i.filename for i, _ in members(SEEDS[fmt])]


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


# ---------------------------------------------------------------- the seeds themselves


@pytest.mark.parametrize("fmt", ["docx", "xlsx", "html"])
def test_seed_documents_read(tmp_path: Path, fmt: str) -> None:
    """The mutations below start from documents that read (else the fuzzing proves little)."""
    plan = outcome(_write(tmp_path, f"plan.{fmt}", SEEDS[fmt]))
    assert plan is not None
    assert len(plan.measures) == 5


# ---------------------------------------------------------------- mutated zips


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fmt=st.sampled_from(["docx", "xlsx"]), seed=st.integers(0, 2**32), flips=st.integers(1, 40))
def test_flipped_bytes(tmp_path: Path, fmt: str, seed: int, flips: int) -> None:
    rnd = random.Random(seed)
    data = bytearray(SEEDS[fmt])
    for _ in range(flips):
        data[rnd.randrange(len(data))] = rnd.randrange(256)
    outcome(_write(tmp_path, f"flipped.{fmt}", bytes(data)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fmt=st.sampled_from(["docx", "xlsx"]), seed=st.integers(0, 2**32))
def test_flipped_bytes_inside_the_xml(tmp_path: Path, fmt: str, seed: int) -> None:
    """The zip is sound, the main XML inside is not (CRCs match: the reader sees the damage)."""
    rnd = random.Random(seed)
    main = "word/document.xml" if fmt == "docx" else "xl/worksheets/sheet1.xml"
    xml = bytearray(dict((i.filename, c) for i, c in members(SEEDS[fmt]))[main])
    for _ in range(rnd.randrange(1, 30)):
        i = rnd.randrange(len(xml))
        xml[i : i + rnd.randrange(1, 20)] = rnd.choice([b"<", b">", b"&", b"\x00", b'"', b"</w:tc>", b"\xff"])
    outcome(_write(tmp_path, f"xml.{fmt}", changed(fmt, put={main: bytes(xml)})))


@pytest.mark.parametrize("fraction", [0.0, 0.3, 0.9, 0.999])
@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_truncated_file(tmp_path: Path, fmt: str, fraction: float) -> None:
    data = SEEDS[fmt]
    outcome(_write(tmp_path, f"cut.{fmt}", data[: int(len(data) * fraction)]))


@pytest.mark.parametrize(
    ("fmt", "member"), [(f, n) for f in ("docx", "xlsx") for n in names(f)]
)
@pytest.mark.parametrize("fraction", [0.0, 0.5])
def test_member_truncated(tmp_path: Path, fmt: str, member: str, fraction: float) -> None:
    outcome(_write(tmp_path, f"member.{fmt}", changed(fmt, cut=(member, fraction))))


@pytest.mark.parametrize(("fmt", "member"), [(f, n) for f in ("docx", "xlsx") for n in names(f)])
def test_member_removed(tmp_path: Path, fmt: str, member: str) -> None:
    outcome(_write(tmp_path, f"dropped.{fmt}", changed(fmt, drop=member)))


def _huge_member_zip(name: str, size: int, head: bytes, tail: bytes) -> bytes:
    """A zip whose `name` inflates to `size` bytes of spaces inside an XML text (a few hundred kB packed)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for info, content in members(SEEDS["docx"]):
            if info.filename != name:
                z.writestr(info.filename, content)
        with z.open(name, "w", force_zip64=True) as f:
            f.write(head)
            chunk = b" " * (1 << 20)
            for _ in range(size >> 20):
                f.write(chunk)
            f.write(tail)
    return out.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    head = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            b"<w:body><w:p><w:r><w:t>")  # fmt: skip
    return _huge_member_zip("word/document.xml", 300 << 20, head, b"</w:t></w:r></w:p></w:body></w:document>")


def test_zip_bomb_ish_member_is_refused_quickly(tmp_path: Path, bomb: bytes) -> None:
    """300 MB of document.xml in under 1 MB of file: refused (or read) without inflating it all."""
    assert len(bomb) < 2 << 20
    assert outcome(_write(tmp_path, "bomb.docx", bomb)) is None


def _lie_about_size(data: bytes, name: str, size: int) -> bytes:
    """Declare `name` as `size` bytes in its local and central headers (the data stays small)."""
    out = bytearray(data)
    encoded = name.encode()
    for sig, size_at, name_len_at, name_at in ((b"PK\x03\x04", 22, 26, 30), (b"PK\x01\x02", 24, 28, 46)):
        for m in re.finditer(re.escape(sig), out):
            at = m.start()
            (n,) = struct.unpack_from("<H", out, at + name_len_at)
            if bytes(out[at + name_at : at + name_at + n]) == encoded:
                struct.pack_into("<I", out, at + size_at, size)
    return bytes(out)


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_member_declared_huge(tmp_path: Path, fmt: str) -> None:
    main = "word/document.xml" if fmt == "docx" else "xl/worksheets/sheet1.xml"
    outcome(_write(tmp_path, f"declared.{fmt}", _lie_about_size(SEEDS[fmt], main, 0xFFFFFF00)))


def test_billion_laughs_in_the_document_xml(tmp_path: Path) -> None:
    lol = '<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "ฮาฮาฮาฮาฮาฮาฮาฮาฮาฮา">'.encode()
    for k in range(1, 10):
        lol += f'<!ENTITY {"a" * (k + 1)} "{("&" + "a" * k + ";") * 10}">'.encode()
    lol += (b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            b"<w:body><w:p><w:r><w:t>&aaaaaaaaaa;</w:t></w:r></w:p></w:body></w:document>")  # fmt: skip
    outcome(_write(tmp_path, "lol.docx", changed("docx", put={"word/document.xml": lol})))


XLSX_TYPES = b"""<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
</Types>"""
DOCM_TYPES = b"""<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/>
</Types>"""


@pytest.mark.parametrize(
    ("name", "data"),
    [
        pytest.param("plan.docx", lambda: changed("docx", put={"[Content_Types].xml": XLSX_TYPES}),
                     id="docx-declared-as-xlsx"),
        pytest.param("plan.docx", lambda: changed("docx", put={"[Content_Types].xml": DOCM_TYPES}),
                     id="docm"),
        pytest.param("plan.xlsx", lambda: changed("xlsx", put={"[Content_Types].xml": DOCM_TYPES}),
                     id="xlsx-declared-as-docm"),
        pytest.param("plan.docx", lambda: changed("docx", put={"[Content_Types].xml": b"<Types"}),
                     id="broken-content-types"),
        pytest.param("plan.odt", lambda: rezip([("mimetype", b"application/vnd.oasis.opendocument.text"),
                                                ("content.xml", b"<office:document-content/>")]),
                     id="opendocument"),
        pytest.param("plan.docx", lambda: rezip([("hello.txt", "มาตรการ".encode())]), id="some-other-zip"),
        pytest.param("plan.docx", lambda: b"PK\x05\x06" + bytes(18), id="empty-zip"),
        pytest.param("plan.xlsx", lambda: rezip([(n, c) for n, c in
                                                 ((i.filename, c) for i, c in members(SEEDS["docx"]))]),
                     id="docx-named-xlsx"),
    ],
)  # fmt: skip
def test_wrong_or_missing_content_types(tmp_path: Path, name: str, data) -> None:  # type: ignore[no-untyped-def]
    outcome(_write(tmp_path, name, data()))


def test_encrypted_workbook_is_an_old_office_container(tmp_path: Path) -> None:
    """Excel's "encrypt with password" saves an OLE file whatever the .xlsx name says."""
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "EncryptedPackage".encode("utf-16-le") * 50
    assert outcome(_write(tmp_path, "plan.xlsx", ole)) is None


# ---------------------------------------------------------------- broken web pages


def _page(body: str) -> str:
    return f"<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>{body}</body></html>"


TABLE = SEEDS["html"].decode()
FILLER = "<table><tr><td>ระยะเวลาดำเนินการ</td><td>มาตรการ</td></tr>" * (400_000 // 60)


@pytest.mark.parametrize(
    "page",
    [
        pytest.param(TABLE.replace("<!-- เมนูหลัก -->", "<!-- เมนูหลัก " + FILLER), id="unclosed-comment"),
        pytest.param(TABLE.replace("<script src", "<script>var a = '" + FILLER + "<script src"),
                     id="unclosed-script"),
        pytest.param(TABLE.replace("<style>", "<style>" + FILLER, 1).replace("</style>", ""),
                     id="unclosed-style"),
        pytest.param(re.sub(r"</\w+>", "", TABLE), id="no-closing-tags"),
        pytest.param(TABLE.replace("<td", "<td <td", 50), id="tags-inside-tags"),
        pytest.param(_page("<table>" + "<tr><td>" * 5000), id="5000-unclosed-rows"),
        pytest.param(_page("<table><tr><td>" * 5000 + "มาตรการ" + "</td></tr></table>" * 5000),
                     id="tables-5000-deep"),
        pytest.param(_page("<div>" * 20000 + TABLE), id="20000-open-divs"),
        pytest.param(TABLE.replace("&nbsp;", "&nbsp" * 1000).replace("&amp;", "&#99999999999;"),
                     id="bad-entities"),
        pytest.param(TABLE.replace('rowspan="3"', 'rowspan="1000000"')
                     .replace('colspan="7"', 'colspan="65535"'), id="huge-spans"),
        pytest.param(TABLE.replace('rowspan="3"', 'rowspan="-3"').replace('colspan="7"', 'colspan="x"'),
                     id="nonsense-spans"),
        pytest.param(TABLE.encode("utf-8").decode("latin-1"), id="mojibake"),
    ],
)  # fmt: skip
def test_broken_html(tmp_path: Path, page: str) -> None:
    outcome(_write(tmp_path, "plan.html", page.encode("utf-8")))


@pytest.mark.parametrize("seed", range(40))
def test_html_cut_anywhere(tmp_path: Path, seed: int) -> None:
    data = SEEDS["html"]
    cut = random.Random(seed).randrange(len(data))
    outcome(_write(tmp_path, "cut.html", data[:cut]))


def test_a_table_5000_rows_deep(tmp_path: Path) -> None:
    """A 5,000-row measure table in a web page: read (or refused) in time, nothing else."""
    header = "<tr><th>ที่</th><th>มาตรการ</th><th>ผู้รับผิดชอบ</th><th>ระยะเวลาดำเนินการ</th></tr>"
    rows = "".join(f"<tr><td>{i}</td><td>มาตรการที่ {i}</td><td>กองคลัง</td><td>ตลอดปีงบประมาณ</td></tr>"
                   for i in range(1, 5001))  # fmt: skip
    page = _page("<p>มาตรการส่งเสริมคุณธรรมและความโปร่งใส ประจำปีงบประมาณ พ.ศ. ๒๕๖๙</p>"
                 "<p>เทศบาลตำบลทดสอบ</p><table>" + header + rows + "</table>")  # fmt: skip
    plan = outcome(_write(tmp_path, "deep.html", page.encode()))
    if plan is not None:
        assert len(plan.measures) == 5000


# ---------------------------------------------------------------- huge tables


@pytest.fixture(scope="module")
def big_docs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("big")
    big = docs.big_plan(600)
    return {fmt: docs.write(big, tmp / f"big.{fmt}") for fmt in ("docx", "xlsx", "html")}


@pytest.mark.parametrize("fmt", ["docx", "xlsx", "html"])
def test_six_hundred_measures(big_docs: dict[str, Path], fmt: str) -> None:
    plan = outcome(big_docs[fmt])
    assert plan is not None
    assert len(plan.measures) == 600


def test_a_very_wide_table(tmp_path: Path) -> None:
    wide = (*docs.STANDARD, *((f"x{k}", f"คอลัมน์เพิ่มเติม {k}") for k in range(60)))
    doc = docs.replace(docs.common_plan(), columns=wide)
    for fmt in ("docx", "xlsx", "html"):
        outcome(docs.write(doc, tmp_path / f"wide.{fmt}"))


def test_a_sheet_formatted_down_to_its_last_row(tmp_path: Path) -> None:
    """A workbook whose sheet claims A1:XFD1048576 (a style set on the last row and column)."""
    from openpyxl import load_workbook
    from openpyxl.styles import Font

    p = docs.write(docs.common_plan(), tmp_path / "styled.xlsx")
    wb = load_workbook(p)
    ws = wb.active
    ws.cell(1_048_576, 1).font = Font(bold=True)
    ws.cell(1, 16_384).font = Font(bold=True)
    wb.save(p)
    outcome(p)


def test_thousands_of_empty_sheets_and_one_plan(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    p = docs.write(docs.common_plan(), tmp_path / "sheets.xlsx")
    wb = load_workbook(p)
    for k in range(300):
        wb.create_sheet(f"ว่าง{k}")
    wb.save(p)
    outcome(p)


# ---------------------------------------------------------------- the CLI on the real database


def _listings(run) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Everything a person can see of the database through the CLI."""
    got: dict[str, object] = {}
    for args in (("list", "--json"), ("plan", "list", "--json"), ("history", "--json"),
                 ("meeting", "list", "--json")):  # fmt: skip
        r = run(*args, now="2023-01-10")
        assert r.code == 0, r.err
        got[" ".join(args)] = json.loads(r.out)
    return got


def _rows(db_url: str) -> list[str]:
    """Every row of every table (SQLite; on PostgreSQL the listings stand for them)."""
    if not db_url.startswith("sqlite:///"):
        return []
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as conn:
        return list(conn.iterdump())


def _flipped(data: bytes) -> bytes:
    return data[:100] + bytes(b ^ 0x5A for b in data[100:400]) + data[400:]


def _broken_docs(tmp_path: Path) -> list[Path]:
    data = SEEDS["docx"]
    return [
        _write(tmp_path, "cut.docx", data[: len(data) // 2]),
        _write(tmp_path, "no-document.docx", changed("docx", drop="word/document.xml")),
        _write(tmp_path, "flipped.xlsx", _flipped(SEEDS["xlsx"])),
        _write(tmp_path, "scan.docx", b"%PDF-1.4\n" + bytes(range(256)) * 20),
        _write(tmp_path, "old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000)),
        _write(tmp_path, "bomb.docx", _lie_about_size(data, "word/document.xml", 0xFFFFFF00)),
        _write(tmp_path, "page.html", b"<html><body><table><tr><td>" * 100),
    ]


def test_a_failing_import_leaves_the_database_as_it_was(run, db_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    r = run("import", str(SAMPLE), now="2023-01-05")
    assert r.code == 0, r.err
    r = run("done", "1", "--on", "2023-01-06", now="2023-01-06")
    assert r.code == 0, r.err
    seen, rows = _listings(run), _rows(db_url)
    for bad in _broken_docs(tmp_path):
        r = run("import", str(bad), now="2023-01-07")
        assert r.code == 1, (bad.name, r.out, r.err)
        lines = r.err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error:"), (bad.name, r.err)
        assert "Traceback" not in r.err
        assert _rows(db_url) == rows, bad.name
    assert _listings(run) == seen
