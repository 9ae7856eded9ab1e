"""The HTML report as a reader sees it, in headless Chromium (Debian's package).

Two looks: Chromium prints the page to PDF (what comes out of a printer, read
back with poppler: titles, statuses, BE dates, every word inside the A4 text
area), and a copy of the page with a small probe script measures the laid-out
screen page at A4 width (96 dpi): no horizontal overflow, no element
sticking out or clipped, the Sarabun faces loaded from the package.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import SAMPLE, need

NOW = "2023-04-03T08:30"
TITLE_1 = "มาตรการการเปิดเผยข้อมูลต่อสาธารณะ"
TITLE_2 = "กำหนดมาตรการด้านการป้องกันการทุจริตเพื่อแสดงถึงความพยายามที่จะป้องกันการทุจริตในหน่วยงาน"
A4_PX = 794  # 210 mm at 96 dpi
CM = 72 / 2.54
LONG_URL = "https://www.bangchakreng.go.th/" + "รายงานผลการดำเนินงาน-" * 12 + "x" * 80

PROBE = """
<script>
window.addEventListener("load", () => document.fonts.ready.then(() => {
  const vw = window.innerWidth, bad = [];
  for (const el of document.querySelectorAll(
      "h1,h2,h3,p,li,th,td,dd,span,strong,svg,table,section,figure,ul")) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    const what = el.tagName + " " + el.textContent.slice(0, 40);
    if (r.left < -0.5 || r.right > vw + 0.5) bad.push("outside " + what);
    // Inside a measure's box too: text running over its border is as good as cut off.
    const box = el.parentElement && el.parentElement.closest(".measure, table");
    if (box && r.right > box.getBoundingClientRect().right + 0.5) bad.push("over its box " + what);
    const cs = getComputedStyle(el);
    if (cs.overflowX !== "visible" && el.scrollWidth > el.clientWidth + 1) bad.push("clipped " + el.tagName);
  }
  const fonts = [...document.fonts].filter(f => f.status === "loaded").map(f => f.family + " " + f.weight);
  document.title = "PROBE" + JSON.stringify(
    {scrollWidth: document.documentElement.scrollWidth, vw, bad, fonts});
}));
</script>
"""


def chromium(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={profile}", "--run-all-compositor-stages-before-draw",
         "--virtual-time-budget=10000", *args],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


@pytest.fixture
def page(run, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    need(shutil.which("chromium") is not None, "chromium not installed")
    need(shutil.which("pdftotext") is not None, "poppler-utils not installed")
    assert run("import", str(SAMPLE), now="2023-01-05").code == 0
    assert run("done", "1", "--on", "2023-03-20", now=NOW).code == 0
    # A long unbroken reference is the usual way a table overflows a page.
    assert run("evidence", "1", LONG_URL, now=NOW).code == 0
    target = tmp_path / "report.html"
    r = run("report", "--format", "html", "-o", str(target), now=NOW)
    assert r.code == 0, r.err
    return target


def test_printed_page_shows_titles_statuses_and_be_dates(page: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "chromium.pdf"
    p = chromium(tmp_path / "profile", "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    assert pdf.exists(), p.stderr[-2000:]
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in info
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", "", text)
    for needle in (
        TITLE_1,
        TITLE_2,
        "เทศบาลตำบลบางจะเกร็ง",
        "ข้อมูล ณ วันที่ ๓ เมษายน ๒๕๖๖",
        "๒๐ มีนาคม ๒๕๖๖",
        "๑ ม.ค. ๒๕๖๖ – ๓๑ มี.ค. ๒๕๖๖",
        "เสร็จแล้ว",
        "เกินกำหนด",
        "ยังไม่ได้บันทึก",
        "ข้อสั่งการ",
    ):
        assert re.sub(r"\s+", "", needle) in flat, needle
    # Nothing cut off: every word lies inside the text area (3 cm left, 2 cm right).
    bbox = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    width = float(re.findall(r'<page width="([\d.]+)"', bbox)[0])
    words = [
        (float(a), float(b))
        for a, b in re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"', bbox)
    ]
    assert min(a for a, _ in words) >= 3 * CM - 1
    assert max(b for _, b in words) <= width - 2 * CM + 1
    # The long reference is there in full, wrapped rather than clipped (pdftotext
    # drops a hyphen at the end of a line, so compare without them).
    assert re.sub(r"[\s-]+", "", LONG_URL) in flat.replace("-", "")
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Sarabun-Regular" in fonts


def test_screen_page_fits_one_a4_width(page: Path, tmp_path: Path) -> None:
    probe = tmp_path / "probe.html"
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8")
    p = chromium(tmp_path / "profile", f"--window-size={A4_PX},1123", "--dump-dom", probe.as_uri())
    found = re.search(r"<title>PROBE(.*?)</title>", p.stdout)
    assert found, p.stderr[-2000:]
    result = json.loads(found.group(1).replace("&amp;", "&").replace("&quot;", '"'))
    assert result["vw"] == A4_PX
    assert result["scrollWidth"] <= A4_PX, result
    assert result["bad"] == []
    # The three shipped faces, not a system substitute.
    assert sorted(result["fonts"]) == ["Sarabun 400", "Sarabun 400", "Sarabun 700"]


def test_the_page_stands_alone_on_a_machine_without_thai_fonts(page: Path, tmp_path: Path) -> None:
    """The HTML carries its fonts (subset, no `file:` URL, no path of this
    machine): copied alone to another folder and opened by a Chromium whose
    fontconfig knows no font at all, it still prints in Sarabun."""
    html = page.read_text(encoding="utf-8")
    assert "file:" not in html and "/tracker/fonts" not in html
    assert len(html.encode()) < 400_000, len(html.encode())
    # Every letter of the page in each face, and what HarfBuzz draws ำ with
    # (nikhahit + sara aa: without them in the subset ำ showed as a box).
    import base64
    import io

    from fontTools.ttLib import TTFont

    faces = re.findall(r'url\("data:font/woff;base64,([A-Za-z0-9+/=]+)"\)', html)
    assert len(faces) == 3
    letters = set(re.sub(r"<[^>]+>", "", html.split("<body")[1])) - set(" \n\t\r")
    assert "\u0e33" in letters
    for data in faces:
        cmap = TTFont(io.BytesIO(base64.b64decode(data))).getBestCmap()
        missing = {c for c in letters | {"\u0e4d", "\u0e32"} if ord(c) not in cmap and c.isprintable()}
        assert not missing, missing
    stick = tmp_path / "usb"
    stick.mkdir()
    (stick / "report.html").write_text(html, encoding="utf-8")
    empty = tmp_path / "nofonts"
    empty.mkdir()
    conf = tmp_path / "fonts.conf"
    conf.write_text(f'<?xml version="1.0"?><fontconfig><dir>{empty}</dir>'
                    f"<cachedir>{tmp_path / 'fccache'}</cachedir></fontconfig>", encoding="utf-8")
    pdf = tmp_path / "chromium.pdf"
    import os

    env = {**os.environ, "FONTCONFIG_FILE": str(conf)}
    p = subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         f"--user-data-dir={tmp_path / 'profile'}", "--run-all-compositor-stages-before-draw",
         "--virtual-time-budget=10000", "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
         (stick / "report.html").as_uri()],
        capture_output=True, text=True, timeout=120, check=False, env=env,
    )  # fmt: skip
    assert pdf.exists(), p.stderr[-2000:]
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    names = [line.split()[0] for line in fonts.splitlines()[2:] if line.strip()]
    assert names and all("Sarabun" in n for n in names), fonts
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert re.sub(r"\s+", "", TITLE_2) in re.sub(r"\s+", "", text)
