"""The printed report: what poppler reads back from the PDF WeasyPrint made.

Text layer: the Thai titles intact, vowels and tone marks in place. Fonts: the
shipped Sarabun, embedded, and nothing else. Layout: every word inside the A4
text area (3 cm left, 2 cm right), page numbers in Thai digits.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SAMPLE, need

NOW = "2023-04-03T08:30"
TITLE_1 = "มาตรการการเปิดเผยข้อมูลต่อสาธารณะ"
TITLE_2 = "กำหนดมาตรการด้านการป้องกันการทุจริตเพื่อแสดงถึงความพยายามที่จะป้องกันการทุจริตในหน่วยงาน"
CM = 72 / 2.54  # PDF points per centimetre
A4_WIDTH = 21 * CM


# Single words of the sample's report (Thai dictionary words, not compounds:
# "กำลัง|ดำเนิน|การ" may break between its words), among them the ones with
# ำ, whose breaks Pango only finds when ำ is written as typed.
WORDS = (
    "ดำเนิน", "กำลัง", "เจตจำนง", "กำหนด", "ประจำ", "ตำบล", "สำนัก", "ทุจริต", "สาธารณะ",
    "ประมาณ", "รายงาน", "มาตรการ", "คุณธรรม", "โปร่งใส", "ประชุม", "บันทึก", "ข้อมูล", "เทศบาล",
    "ปัญหา", "อุปสรรค", "เปิดเผย", "ป้องกัน", "ตัวชี้วัด", "เมษายน",
)


def flat(text: str) -> str:
    """pdftotext breaks lines where the page does; a Thai title may span two."""
    return re.sub(r"\s+", "", text)


@pytest.fixture
def pdf(run, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    need(
        shutil.which("pdftotext") is not None and shutil.which("pdffonts") is not None,
        "poppler-utils (pdftotext, pdffonts) not installed",
    )
    assert run("import", str(SAMPLE), now="2023-01-05").code == 0
    assert run("done", "1", "--on", "2023-03-20", now=NOW).code == 0
    target = tmp_path / "report.pdf"
    r = run("report", "--format", "pdf", "-o", str(target), now=NOW)
    assert r.code == 0, r.err
    return target


def pdftotext(path: Path, *args: str) -> str:
    return subprocess.run(
        ["pdftotext", *args, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_thai_titles_intact_in_the_text_layer(pdf: Path) -> None:
    text = pdftotext(pdf)
    for title in (TITLE_1, TITLE_2, "เทศบาลตำบลบางจะเกร็ง", "การประชุมพนักงาน/ผู้บริหารประจำเดือนเมษายน ๖๖"):
        assert flat(title) in flat(text), title
    # ำ searches and copies as typed (composed), and า stays า: with one glyph
    # for both (Kozea/WeasyPrint#2841) one of them read as the other.
    assert "การดำเนินงาน" in text
    assert "ประจำปีงบประมาณ พ.ศ. ๒๕๖๖" in text
    assert "\u0e4d" not in text  # no nikhahit of a decomposed ำ
    assert "ง้ำ" not in text and "ประมำณ" not in text and "กาหนด" not in text
    # Statuses and Buddhist-Era dates in Thai digits.
    assert "เสร็จแล้ว" in text
    assert "เกินกำหนด" in text
    assert "ข้อมูล ณ วันที่ ๓ เมษายน ๒๕๖๖" in text
    assert "๒๐ มีนาคม ๒๕๖๖" in text
    assert "ยังไม่ได้บันทึก" in text
    assert "ทราบ" in text
    assert "ข้อสั่งการ" in text


def test_tone_marks_survive_in_order(pdf: Path) -> None:
    # -raw reads the text layer in drawing order. (pdftotext's layout mode moves a
    # tone mark that Sarabun Bold lowers, as in "ผู้", to a line of its own; the
    # page itself is right, see the rendered PNG.)
    text = pdftotext(pdf, "-raw")
    for word in ("ที่ประชุม", "ผู้รับผิดชอบ", "ข้อเสนอแนะ", "ความคืบหน้า", "ตัวชี้วัด", "ผู้บริหาร"):
        assert word in text, word


def test_only_sarabun_embedded(pdf: Path) -> None:
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    assert rows
    for row in rows:
        name, emb = row[0], row[-5]
        assert re.fullmatch(r"[A-Z]{6}\+Sarabun(-Bold|-Italic)?", name), name
        assert emb == "yes", row
    assert any(r[0].endswith("+Sarabun") for r in rows)


def test_every_word_inside_the_a4_text_area(pdf: Path) -> None:
    bbox = pdftotext(pdf, "-bbox")
    pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">', bbox)
    assert len(pages) >= 2
    assert all(abs(float(w) - A4_WIDTH) < 1 for w, _ in pages)
    words = re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"', bbox)
    assert len(words) > 100
    left = min(float(x) for x, _ in words)
    right = max(float(x) for _, x in words)
    # 3 cm left, 2 cm right (a point of slack for glyph side bearings).
    assert left >= 3 * CM - 1, left
    assert right <= A4_WIDTH - 2 * CM + 1, right


def test_page_numbers_in_thai_digits(pdf: Path) -> None:
    text = pdftotext(pdf, "-layout")
    pages = text.split("\f")
    total = len([p for p in pages if p.strip()])
    assert total >= 2
    assert re.search(r"^\s*-\s*๒\s*-\s*$", pages[1], re.M)
    assert not re.search(r"-\s*๑\s*-", pages[0])  # official style: no number on the first page
    assert f"หน้า ๑ / {total}".translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")) in pages[0]


def test_lines_break_between_words(pdf: Path) -> None:
    """No line of the PDF ends inside a word ("กำลังดำเนินก|าร", "เจตจำ|นง" did)."""
    # (ํ + า read as ำ, so that a decomposed text layer is checked too)
    raw = re.sub("\u0e4d([\u0e48-\u0e4b]?)\u0e32", "\\1\u0e33", pdftotext(pdf, "-raw"))
    lines = [re.sub(r"\s+", "", line) for line in raw.splitlines()]
    text, breaks, at = "".join(lines), set(), 0
    for line in lines:
        at += len(line)
        breaks.add(at)
    found = 0
    for word in WORDS:
        for m in re.finditer(word, text):
            found += 1
            inside = [b for b in breaks if m.start() < b < m.end()]
            assert not inside, f"{word!r} split: {text[m.start() - 10:m.end() + 10]!r}"
    assert found > 50, found


@pytest.mark.parametrize("face", ["Regular", "Bold", "Italic", "BoldItalic"])
def test_every_face_reads_sara_am_and_sara_aa_as_typed(tmp_path: Path, face: str) -> None:
    """Each shipped face, whichever of า and ำ comes first, with every tone mark
    and after a tall letter (the narrow nikhahit)."""
    need(shutil.which("pdftotext") is not None, "poppler-utils (pdftotext) not installed")
    from tracker.report.render import html_to_pdf
    from tracker.templating import fonts_dir

    fonts = fonts_dir()
    words = "ตา ดำ น่ำ น้ำ ซ๊ำ จ๋ำ ป่ำ ฟ้ำ การ กำหนด ค่ำ ต่ำ ปา"
    weight = "bold" if "Bold" in face else "normal"
    style = "italic" if "Italic" in face else "normal"
    html = (f"<style>@font-face {{font-family: T; src: url({(fonts / f'Sarabun-{face}.ttf').as_uri()});"
            f" font-weight: {weight}; font-style: {style}}}"
            f" p {{font-family: T; font-weight: {weight}; font-style: {style}}}</style>"
            f"<p>{words}</p><p>{' '.join(reversed(words.split()))}</p>")
    (tmp_path / "x.pdf").write_bytes(html_to_pdf(html))
    lines = [line.strip() for line in pdftotext(tmp_path / "x.pdf").splitlines() if line.strip()]
    assert lines == [words, " ".join(reversed(words.split()))]



# WeasyPrint's libraries, loaded by the names the system's loader knows
# (render._load_weasyprint). Each case is a fresh interpreter: WeasyPrint
# loads its libraries once per process.
LOADER = """
import ctypes.util, sys
asked = []
search = ctypes.util.find_library
ctypes.util.find_library = lambda name: asked.append(name) or search(name)
{setup}
from tracker.cli.main import main
sys.argv = ["tracker", "report", "--format", "pdf"]
try:
    main()
finally:
    print("searched", len(asked), file=sys.stderr)
"""


def pdf_in_fresh_process(  # type: ignore[no-untyped-def]
    run, db_url: str, tmp_path: Path, setup: str = ""
) -> subprocess.CompletedProcess[bytes]:
    assert run("import", str(SAMPLE), now="2023-01-05").code == 0
    env = {**os.environ, "TRACKER_DB_URL": db_url, "TRACKER_HOME": str(tmp_path / "home"),
           "TRACKER_NOW": NOW, "NO_COLOR": "1"}  # fmt: skip
    return subprocess.run([sys.executable, "-c", LOADER.format(setup=setup)], env=env, capture_output=True,
                          timeout=120)  # fmt: skip


def test_pdf_without_a_library_search(run, db_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """find_library runs ldconfig, gcc and ld for each name WeasyPrint tries
    (some 200 processes): not one search is made, and the PDF is whole."""
    p = pdf_in_fresh_process(run, db_url, tmp_path)
    assert p.returncode == 0, p.stderr.decode()
    assert p.stdout.startswith(b"%PDF-") and p.stdout.rstrip().endswith(b"%%EOF")
    assert b"searched 0" in p.stderr


def test_pdf_falls_back_to_the_library_search(run, db_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Where a library loads only by its searched-for path, the import is done
    again the ordinary way. Simulated (the real libraries cannot be moved here):
    the first try at the Pango library by its plain file name fails."""
    setup = (
        "import cffi\n"
        "real, tried = cffi.FFI.dlopen, []\n"
        "def dlopen(self, name, flags=0):\n"
        "    if name == 'libpango-1.0.so.0' and not tried:\n"
        "        tried.append(name); raise OSError('not here')\n"
        "    return real(self, name, flags)\n"
        "cffi.FFI.dlopen = dlopen\n"
    )
    p = pdf_in_fresh_process(run, db_url, tmp_path, setup)
    assert p.returncode == 0, p.stderr.decode()
    assert p.stdout.startswith(b"%PDF-") and p.stdout.rstrip().endswith(b"%%EOF")
    assert b"searched 0" not in p.stderr


def test_pdf_without_pango_is_one_clear_line(run, db_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A machine without Pango (simulated: no library of that name loads).
    WeasyPrint's own advice goes to stderr, never into a PDF on stdout."""
    setup = (
        "import cffi\n"
        "real = cffi.FFI.dlopen\n"
        "def dlopen(self, name, flags=0):\n"
        "    if 'pango' in str(name):\n"
        "        raise OSError(f'cannot load library {name!r}')\n"
        "    return real(self, name, flags)\n"
        "cffi.FFI.dlopen = dlopen\n"
    )
    p = pdf_in_fresh_process(run, db_url, tmp_path, setup)
    err = p.stderr.decode()
    assert p.returncode == 1 and p.stdout == b""
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith("error: ทำ PDF ไม่ได้") and "Pango" in errors[0], err
    assert "apt-get install libpango" in errors[0] and "--format html" in errors[0]
    assert "Traceback" not in err


@pytest.mark.parametrize(("platform", "fix"), [("win32", "pacman -S mingw-w64-x86_64-pango"),
                                               ("darwin", "brew install pango"),
                                               ("linux", "apt-get install libpango-1.0-0")])
def test_the_pango_fix_is_the_platforms_own(platform: str, fix: str) -> None:
    from tracker.report.render import pango_missing

    line = pango_missing(platform)
    assert line.startswith("ทำ PDF ไม่ได้") and fix in line and "--format html" in line
    assert "\n" not in line
