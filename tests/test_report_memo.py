"""`tracker report --memo` (the official memo head that carries the report to
the executive) and `--publish` (the web site's variant), read back from the
PDF with pdftotext and from the HTML."""

from __future__ import annotations

import base64
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import SAMPLE, need

NOW = "2023-04-03T08:30"
# the smallest PNG: one red pixel
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC"
)


@pytest.fixture
def sample(run, tmp_path: Path):  # type: ignore[no-untyped-def]
    assert run("import", str(SAMPLE), now="2023-01-05").code == 0
    assert run("done", "1", "--on", "2023-03-20", now=NOW).code == 0
    return run


def config(tmp_path: Path, **extra: str) -> Path:
    logo = tmp_path / "logo.png"
    logo.write_bytes(PNG)
    lines = {
        "reporter": "นางสาวสมใจ ใจดี",
        "position": "นักวิเคราะห์นโยบายและแผน",
        "executive": "นายใหญ่ ใจกว้าง",
        "memo_department": "สำนักปลัดเทศบาล เทศบาลตำบลบางจะเกร็ง โทร. ๐ ๓๔๗๑ ๕๘๐๐",
        "memo_number": "สส ๕๒๐๐๑/๑๒๓",
        "memo_to": "นายกเทศมนตรีตำบลบางจะเกร็ง",
        "logo": str(logo),
        **extra,
    }
    path = tmp_path / "tracker.toml"
    body = "\n".join(f'{k} = {v}' if v in ("true", "false") else f'{k} = "{v}"' for k, v in lines.items())
    path.write_text("[report]\n" + body + "\n", encoding="utf-8")
    return path


def pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    # without spaces: a Thai line breaks without one, pdftotext joins with one
    return ["".join(p.split()) for p in text.split("\f") if p.strip()]


def test_memo_opens_the_report(sample, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    need(shutil.which("pdftotext") is not None, "poppler-utils not installed")
    target = tmp_path / "memo.pdf"
    r = sample("--config", str(config(tmp_path)), "report", "--format", "pdf", "--memo", "-o", str(target),
               now=NOW)
    assert r.code == 0, r.err
    first, *rest = pages(target)
    for needle in ("บันทึกข้อความ", "ส่วนราชการ สำนักปลัดเทศบาล เทศบาลตำบลบางจะเกร็ง", "ที่ สส ๕๒๐๐๑/๑๒๓",
                   "วันที่ ๓ เมษายน ๒๕๖๖", "เรื่อง รายงานผลการดำเนินงานตามมาตรการส่งเสริมคุณธรรม",
                   "เรียน นายกเทศมนตรีตำบลบางจะเกร็ง", "จากมาตรการทั้งหมด ๒ มาตรการ ดำเนินการแล้วเสร็จ ๑ มาตรการ",
                   "จึงเรียนมาเพื่อโปรดทราบ", "(นางสาวสมใจ ใจดี)"):
        assert "".join(needle.split()) in first, (needle, first)
    # the memo is a page of its own; the report follows
    assert "สรุปภาพรวม" not in first and "สรุปภาพรวม" in rest[0]
    html = sample("--config", str(config(tmp_path)), "report", "--format", "html", "--memo", now=NOW).out
    assert 'class="emblem" src="data:image/png;base64,' in html  # the logo travels with the page


def test_memo_without_settings_leaves_lines_to_write_in(sample) -> None:  # type: ignore[no-untyped-def]
    html = sample("report", "--format", "html", "--memo", now=NOW).out
    assert "บันทึกข้อความ" in html and 'class="emblem"' not in html
    assert '<span class="fill">เทศบาลตำบลบางจะเกร็ง</span>' in html  # the organisation by default
    assert '<strong>เรียน</strong> <span class="dots"></span>' in html


def test_a_logo_that_is_no_image_is_one_line(sample, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "logo.png"
    cfg = config(tmp_path)
    bad.write_text("<svg onload=alert(1)>", encoding="utf-8")
    target = tmp_path / "memo.html"
    r = sample("--config", str(cfg), "report", "--format", "html", "--memo", "-o", str(target), now=NOW)
    assert r.code == 1 and not target.exists()
    assert r.err.startswith("error: ตราหรือโลโก้ต้องเป็นไฟล์ PNG, JPEG หรือ GIF") and r.err.count("\n") == 1


def test_memo_and_publish_are_for_pages(sample) -> None:  # type: ignore[no-untyped-def]
    for flag in ("--memo", "--publish"):
        r = sample("report", "--format", "text", flag, now=NOW)
        assert r.code == 1 and f"{flag} ใช้ได้กับ --format html หรือ pdf" in r.err


def test_publish_is_titled_for_the_web_site_and_leaves_out_the_internal(sample, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    internal = sample("--config", str(config(tmp_path)), "report", "--format", "html", now=NOW).out
    assert "ข้อสั่งการ" in internal and "ช่องที่ยังไม่ได้บันทึก" in internal
    cfg = config(tmp_path, publish_names="false")
    html = sample("--config", str(cfg), "report", "--format", "html", "--publish", now=NOW).out
    assert "<h1>รายงานผลการดำเนินการเพื่อส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน</h1>" in html
    assert "ข้อมูลประกอบการประเมิน ITA ข้อ O43" in html  # the sample's fiscal year 2566
    assert "ข้อสั่งการ" not in html and "ช่องที่ยังไม่ได้บันทึก" not in html
    assert "สมใจ" not in html and "นายใหญ่" not in html  # names left out, positions kept
    assert "นักวิเคราะห์นโยบายและแผน" in html
    named = sample("--config", str(config(tmp_path)), "report", "--format", "html", "--publish", now=NOW).out
    assert "(นางสาวสมใจ ใจดี)" in named  # names stay unless the organisation says so


def test_memo_in_english(sample) -> None:  # type: ignore[no-untyped-def]
    html = sample("report", "--lang", "en", "--format", "html", "--memo", now=NOW).out
    assert "Memorandum" in html and "Submitted for your information." in html
