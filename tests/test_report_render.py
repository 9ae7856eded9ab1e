"""`tracker report` in every format, through the real command, on both backends.

The sample plan at 2023-04-03 (the week of the April follow-up meeting): measure 1
done on 20 March, measure 2 past its window (31 March) and not done.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SAMPLE, at

from tracker.db.connection import open_database
from tracker.db.migrate import ensure_schema
from tracker.services.importing import import_plan
from tracker.textwidth import width

NOW = "2023-04-03T08:30"
TITLE_1 = "มาตรการการเปิดเผยข้อมูลต่อสาธารณะ"
TITLE_2 = "กำหนดมาตรการด้านการป้องกันการทุจริตเพื่อแสดงถึงความพยายามที่จะป้องกันการทุจริตในหน่วยงาน"


@pytest.fixture
def sample(run):  # type: ignore[no-untyped-def]
    """The sample imported in January, measure 1 done on 20 March; the `run` to use."""
    assert run("import", str(SAMPLE), now="2023-01-05").code == 0
    done = run("done", "1", "--on", "2023-03-20", now=NOW)
    assert done.code == 0, done.err
    return run


def test_text_shows_done_and_overdue_with_be_dates(sample) -> None:  # type: ignore[no-untyped-def]
    r = sample("report", now=NOW)
    assert r.code == 0, r.err
    out = r.out
    assert "ข้อมูล ณ วันที่ 3 เมษายน 2566" in out
    assert "เทศบาลตำบลบางจะเกร็ง" in out
    assert "ประจำปีงบประมาณ พ.ศ. 2566" in out
    assert "การประชุมพนักงาน/ผู้บริหารประจำเดือนเมษายน ๖๖" in out
    assert f"มาตรการ 1. {TITLE_1}" in out
    assert f"มาตรการ 2. {TITLE_2}" in out
    assert "เสร็จแล้ว 1 · กำลังดำเนินการ 0 · ยังไม่เริ่ม 0 · เกินกำหนด 1" in out
    assert "วันที่แล้วเสร็จ: 20 มี.ค. 2566" in out
    assert "1 ม.ค. 2566 – 31 มี.ค. 2566" in out
    # The timeline: both windows, the report date and the (undated) meeting month.
    assert re.search(r"มาตรการ 1 +█+│┊+ +เสร็จแล้ว", out)
    assert re.search(r"มาตรการ 2 +░+│┊+ +เกินกำหนด", out)
    assert "│ วันที่รายงาน 3 เม.ย. 2566" in out
    assert "วันประชุม เม.ย. 2566 (ยังไม่กำหนดวัน)" in out
    # Empty outcome fields: in the document and on stderr, one line per measure.
    assert out.count("⚠ ยังไม่ได้บันทึก") == 8
    warnings = [line for line in r.err.splitlines() if line.startswith("warning:")]
    assert warnings == [
        "warning: มาตรการ 1 ยังไม่ได้บันทึก: ผลการดำเนินงาน, ปัญหา, อุปสรรค, ข้อเสนอแนะ",
        "warning: มาตรการ 2 ยังไม่ได้บันทึก: ผลการดำเนินงาน, ปัญหา, อุปสรรค, ข้อเสนอแนะ",
    ]
    # ITA baseline and the weak indicators the plan names.
    assert "คะแนนรวม (คำนวณใหม่): 89.95  ระดับ A" in out
    assert "9. การเปิดเผยข้อมูล (84.48)" in out
    assert "ผู้รายงาน" in out
    assert "[ ] ทราบ" in out
    assert "[ ] ข้อสั่งการ" in out


def test_text_columns_line_up_by_display_width(sample) -> None:  # type: ignore[no-untyped-def]
    out = sample("report", now=NOW).out.splitlines()
    head = next(i for i, line in enumerate(out) if line.startswith("ที่  มาตรการ"))
    rows = out[head + 2 : head + 4]
    # The status column starts at the same cell in the header and in both rows.
    starts = [
        width(line[: line.index(word)])
        for line, word in zip([out[head], *rows], ["สถานะ", "เสร็จแล้ว", "เกินกำหนด"], strict=True)
    ]
    assert len(set(starts)) == 1, starts


def test_outcome_recorded_removes_warning(sample) -> None:  # type: ignore[no-untyped-def]
    r = sample(
        "outcome",
        "1",
        "--result",
        "เผยแพร่ข้อมูลครบ",
        "--problems",
        "ไม่มี",
        "--obstacles",
        "ไม่มี",
        "--suggestions",
        "ควรปรับปรุงทุกเดือน",
        now=NOW,
    )
    assert r.code == 0, r.err
    r = sample("report", now=NOW)
    assert "ผลการดำเนินงาน: เผยแพร่ข้อมูลครบ" in r.out
    assert [w for w in r.err.splitlines() if w.startswith("warning:")] == [
        "warning: มาตรการ 2 ยังไม่ได้บันทึก: ผลการดำเนินงาน, ปัญหา, อุปสรรค, ข้อเสนอแนะ"
    ]


def test_json_is_the_report_value(sample) -> None:  # type: ignore[no-untyped-def]
    r = sample("report", "--format", "json", now=NOW)
    data = json.loads(r.out)
    assert data["as_of"] == "2023-04-03"
    assert data["fiscal_year"] == 2566
    assert [(m["number"], m["status"]) for m in data["measures"]] == [("1", "done"), ("2", "overdue")]
    assert data["measures"][0]["done_on"] == "2023-03-20"
    assert data["summary"]["done"] == 1
    assert data["summary"]["overdue"] == 1
    assert data["measures"][1]["missing"] == ["result", "problems", "obstacles", "suggestions"]
    assert data["ita"]["grade"] == "A"
    # --digits does not touch data.
    assert json.loads(sample("report", "--format", "json", "--digits", "thai", now=NOW).out) == data


def test_md_is_markdown_with_tables(sample) -> None:  # type: ignore[no-untyped-def]
    out = sample("report", "--format", "md", now=NOW).out
    assert out.startswith("# รายงานผลการดำเนินงาน")
    assert f"### มาตรการ 1. {TITLE_1}" in out
    assert "| 2 | " + TITLE_2 + " | สำนักปลัดฯ | 1 ม.ค. 2566 – 31 มี.ค. 2566 | เกินกำหนด |" in out
    assert "- สถานะ: **เสร็จแล้ว** 100%" in out
    assert "- ปัญหา: ⚠ **ยังไม่ได้บันทึก**" in out


def test_html_thai_digits_by_default_arabic_on_request(sample) -> None:  # type: ignore[no-untyped-def]
    html = sample("report", "--format", "html", now=NOW).out
    assert '<html lang="th">' in html
    assert TITLE_1 in html
    assert TITLE_2 in html
    assert "๒๐ มีนาคม ๒๕๖๖" in html  # done on
    assert "๑ ม.ค. ๒๕๖๖ – ๓๑ มี.ค. ๒๕๖๖" in html
    assert 'class="status status-done">เสร็จแล้ว<' in html
    assert 'class="status status-overdue">เกินกำหนด<' in html
    assert html.count('class="missing"') == 8
    assert "line-through" not in html  # a cancelled measure is labelled, not struck out
    assert html.count("data:font/woff;base64,") == 3 and "file:" not in html  # fonts inside
    assert "<svg" in html
    arabic = sample("report", "--format", "html", "--digits", "arabic", now=NOW).out
    assert "20 มีนาคม 2566" in arabic
    assert "๒๐" not in arabic.split("<body>")[1].split(TITLE_2)[0]


def test_english_from_global_or_command_option(sample) -> None:  # type: ignore[no-untyped-def]
    out = sample("--lang", "en", "report", now=NOW).out
    assert "As of 3 April 2023" in out
    assert "Done on: 20 Mar 2023" in out
    assert "overdue" in out
    assert "Problems: ⚠ not recorded yet" in out
    html = sample("report", "--lang", "en", "--format", "html", now=NOW).out
    assert '<html lang="en">' in html
    # English: Arabic digits and English months on paper too, Thai digits on request.
    body = re.sub(r"<[^>]+>", " ", html.split("<body>")[1])
    assert "Fiscal year 2023" in body and "20 March 2023" in body, body[:400]
    # (Thai digits the plan itself has, as in a meeting's name, stay as typed.)
    ours = re.findall(r"[๐-๙]+ (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)|[๐-๙]+%|year [๐-๙]", body)
    assert not ours and "๒๐๒๓" not in body, ours
    thai = sample("report", "--lang", "en", "--format", "html", "--digits", "thai", now=NOW).out
    assert "๒๐ March ๒๐๒๓" in thai
    # The command's own --lang wins over the global one.
    assert "ข้อมูล ณ วันที่" in sample("--lang", "en", "report", "--lang", "th", now=NOW).out


def test_pdf_to_file_and_to_a_pipe(sample, tmp_path: Path, db_url: str) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "รายงาน.pdf"
    r = sample("report", "--format", "pdf", "-o", str(target), now=NOW)
    assert r.code == 0, r.err
    assert target.read_bytes().startswith(b"%PDF-")
    assert f"เขียนรายงานแล้ว: {target}" in r.out
    env = {**os.environ, "TRACKER_DB_URL": db_url, "TRACKER_HOME": str(tmp_path / "home"), "TRACKER_NOW": NOW}
    piped = subprocess.run(
        [sys.executable, "-m", "tracker", "report", "--format", "pdf"],
        capture_output=True,
        env=env,
        timeout=120,
    )
    assert piped.returncode == 0, piped.stderr.decode()
    assert piped.stdout.startswith(b"%PDF-")
    assert piped.stdout.rstrip().endswith(b"%%EOF")


def test_unknown_meeting_and_no_plan_are_one_line_errors(sample, run) -> None:  # type: ignore[no-untyped-def]
    r = sample("report", "--meeting", "99", now=NOW)
    assert r.code == 1
    assert r.err.strip() == "error: ไม่พบการประชุมหมายเลข 99 (no meeting with id 99)"
    r = sample("report", "--meeting", "๑", now=NOW)  # Thai digits are fine
    assert r.code == 0
    r = sample("report", "--org", "เทศบาลอื่น", now=NOW)
    assert r.code == 1
    assert r.err.startswith("error: ยังไม่มีการประชุมติดตามผล")


def test_empty_database_is_an_error(run) -> None:  # type: ignore[no-untyped-def]
    r = run("report", now=NOW)
    assert r.code == 1
    assert "tracker import" in r.err
    assert "Traceback" not in r.err


def test_bad_format_is_misuse(run) -> None:  # type: ignore[no-untyped-def]
    assert run("report", "--format", "odt", now=NOW).code == 2


def _hand_plan(db_url: str, title: str) -> None:
    from factories import measure, small_plan

    db = open_database(db_url)
    try:
        ensure_schema(db, now=at(NOW))
        with db.transaction():
            import_plan(
                db,
                small_plan(measure("1", title), measure("2", "ข้อ 2")),
                source="hand",
                now=at("2023-01-05T09:00"),
                actor="tester",
            )
    finally:
        db.close()


def test_html_escapes_what_people_typed(run, db_url: str) -> None:  # type: ignore[no-untyped-def]
    evil = '<script>alert("x")</script> & <b>ตัวหนา</b>'
    _hand_plan(db_url, evil)
    assert run("evidence", "1", 'https://x.go.th/"><img src=x onerror=alert(1)>', now=NOW).code == 0
    html = run("report", "--format", "html", now=NOW).out
    assert "<script>" not in html
    assert "<b>ตัวหนา" not in html
    assert "<img" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;ตัวหนา&lt;/b&gt;" in html
    # In the SVG tooltip too, and Markdown renders it inert.
    assert html.count("&lt;script&gt;") >= 3
    md = run("report", "--format", "md", now=NOW).out
    assert r"\<script\>alert" in md
    assert "<script>" not in md


def test_a_long_plan_names_ten_empty_measures_and_counts_the_rest(run, db_url: str) -> None:  # type: ignore[no-untyped-def]
    from factories import measure, small_plan

    db = open_database(db_url)
    try:
        ensure_schema(db, now=at(NOW))
        with db.transaction():
            plan = small_plan(*(measure(str(i), f"มาตรการที่ {i}") for i in range(1, 14)))
            import_plan(db, plan, source="hand", now=at("2023-01-05T09:00"), actor="tester")
    finally:
        db.close()
    assert run("outcome", "3", "--result", "ครบ", "--problems", "ไม่มี", "--obstacles", "ไม่มี",
               "--suggestions", "ไม่มี", now=NOW).code == 0  # fmt: skip
    r = run("report", "--format", "html", "-o", os.devnull, now=NOW)
    warned = [line for line in r.err.splitlines() if line.startswith("warning:")]
    assert [w.split()[2] for w in warned[:10]] == ["1", "2", "4", "5", "6", "7", "8", "9", "10", "11"]
    assert warned[10:] == ["warning: และอีก 2 มาตรการที่ยังบันทึกไม่ครบ"]
    en = run("--lang", "en", "report", "-o", os.devnull, now=NOW)
    assert en.err.splitlines()[-1] == "warning: and 2 more measures with empty fields"


def test_user_templates_and_reporter_from_config(sample, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "letterhead"
    (folder / "report").mkdir(parents=True)
    (folder / "report" / "report.html").write_text(
        '{% extends "default:report/report.html" %}'
        '{% block letterhead %}<div class="crest">ตราเทศบาล {{ report.organisation }}</div>{% endblock %}',
        encoding="utf-8",
    )
    config = tmp_path / "tracker.toml"
    config.write_text(
        f'[report]\nreporter = "นางสาวสมใจ ใจดี"\nposition = "นักจัดการงานทั่วไป"\ntemplates = "{folder}"\n',
        encoding="utf-8",
    )
    html = sample("--config", str(config), "report", "--format", "html", now=NOW).out
    assert '<div class="crest">ตราเทศบาล เทศบาลตำบลบางจะเกร็ง</div>' in html
    assert TITLE_1 in html
    assert "(นางสาวสมใจ ใจดี)" in html
    assert "นักจัดการงานทั่วไป" in html
    text = sample("--config", str(config), "report", now=NOW).out
    assert "(นางสาวสมใจ ใจดี)" in text


def test_next_meeting_then_latest(sample) -> None:  # type: ignore[no-untyped-def]
    # After April the April meeting is still the one reported (the latest).
    data = json.loads(sample("report", "--format", "json", now="2023-06-01").out)
    assert data["meeting"]["month"] == "2023-04"
    assert data["as_of"] == "2023-06-01"
    assert sample("meeting", "set", "1", "--date", "2023-04-20", now=NOW).code == 0
    text = sample("report", now=NOW).out
    assert "วันที่ประชุม: 20 เมษายน 2566" in text
    assert "┊ วันประชุม 20 เม.ย. 2566" in text


# Jinja loops over `views` as a user's folder may write them (lines break
# inside the tags, which writes nothing): they must give the very same page
# as the bundled templates.
LOOP_MEASURES = """\
{% for v in views %}
<section class="measure" id="measure-{{ v["m"]["id"] }}">
  <h3>{{ L["measure"] }} {{ v["number"] }}. {{ v["m"]["title"] }}</h3>
  <div class="fields">
    <div class="field"><span class="label">{{ L["owners"] }}</span><span>{{ v["owners"] }}</span></div>
    <div class="field"><span class="label">{{ L["window"] }}</span><span>{{ v["window"] }}</span></div>
    <div class="field"><span class="label">{{ L["status"] }}</span><span><span class="status status-{{
      v["m"]["status"] }}">{{ v["status"] }}</span> {{ v["bar"] }} <span class="pct">{{
      v["pct"] }}</span></span></div>
    {% if v["done"] %}
    <div class="field"><span class="label">{{ L["done_on"] }}</span><span>{{ v["done"] }}</span></div>
    {% endif %}
    {% if v["items"] %}
    <div class="field"><span class="label">{{ L["items"] }}</span><span>{{ v["items_count"] }}
      <ul class="items">
      {% for i in v["items"] %}<li><span class="box{{ ' ticked' if i["done"] }}"></span>{{
        i["no"] }} {{ i["text"] }}</li>{% endfor %}
      </ul></span></div>
    {% elif v["m"]["actions"] %}
    <div class="field"><span class="label">{{ L["actions"] }}</span><span>{{ v["m"]["actions"] }}</span></div>
    {% endif %}
    <div class="field"><span class="label">{{ L["evidence"] }}</span><span>
      {% if v["evidence"] %}<ul class="evidence">{% for e in v["evidence"] %}<li>{{
        e }}</li>{% endfor %}</ul>
      {% else %}{{ L["no_evidence"] }}{% endif %}</span></div>
    {% if v["indicators"] %}
    <div class="field"><span class="label">{{ L["indicators"] }}</span><span>{{
      v["indicators"] }}</span></div>
    {% endif %}
  </div>
  <table class="outcome">
    {% for f in outcome_fields %}
    <tr><th>{{ O[f] }}</th>
      {% if v["m"]["outcome"][f] %}<td>{{ v["m"]["outcome"][f] }}</td>{%
        else %}<td class="missing">{{ L["missing"] }}</td>{% endif %}</tr>
    {% endfor %}
  </table>
</section>
{% endfor %}
"""
LOOP_SUMMARY = """\
{% extends "default:report/_summary.html" %}
{% block missing_fields %}{% for m in report.measures if m.missing and m.status != "cancelled" %}{{
  w('measure') }} {{ w.n(m.number) }} ({% for f in m.missing %}{{ w.outcome(f) }}{{ ", " if not loop.last }}{%
  endfor %}){{ "; " if not loop.last }}{% endfor %}{% endblock %}
{% block overview_rows %}
  {% for v in views %}
  <tr>
    <td class="num">{{ v["number"] }}</td>
    <td class="title">{{ v["m"]["title"] }}</td>
    <td>{{ v["owners"] }}</td>
    <td>{{ v["window"] }}</td>
    <td class="status status-{{ v["m"]["status"] }}">{{ v["status"] }}</td>
    <td class="progress">{{ v["bar"] }} <span class="pct">{{ v["pct"] }}</span></td>
  </tr>
  {% endfor %}
{% endblock %}
"""


def test_user_templates_laying_out_measures_from_views_give_the_same_page(  # type: ignore[no-untyped-def]
    sample, tmp_path: Path
) -> None:
    outcome = ("--result", 'ทำแล้ว <b>ครบ</b> & "ok"', "--problems", "ไม่มี")
    assert sample("outcome", "1", *outcome, now=NOW).code == 0
    assert sample("evidence", "1", "https://x.go.th/a?b=1&c=<2>", now=NOW).code == 0
    folder = tmp_path / "loops"
    (folder / "report").mkdir(parents=True)
    (folder / "report" / "_measures.html").write_text(LOOP_MEASURES, encoding="utf-8")
    (folder / "report" / "_summary.html").write_text(LOOP_SUMMARY, encoding="utf-8")
    config = tmp_path / "tracker.toml"
    config.write_text(f'[report]\ntemplates = "{folder}"\n', encoding="utf-8")
    for lang in ("th", "en"):
        built = sample("report", "--format", "html", "--lang", lang, now=NOW)
        looped = sample("--config", str(config), "report", "--format", "html", "--lang", lang, now=NOW)
        assert built.code == looped.code == 0, looped.err
        assert "&lt;b&gt;ครบ&lt;/b&gt; &amp; &#34;ok&#34;" in built.out
        assert "c=&lt;2&gt;" in built.out
        assert looped.out == built.out



def test_a_file_uploaded_on_the_web_is_named_by_its_title(sample, db_url: str) -> None:  # type: ignore[no-untyped-def]
    """Its stored name ("upload:<hash>") means nothing on paper."""
    from tracker.services import tasks

    db = open_database(db_url)
    with db.transaction():
        tasks.add_evidence(db, 1, "upload:" + "ab" * 32, now=at(NOW), actor="web", title="รายงานการประชุม.pdf")
        tasks.add_evidence(db, 1, "upload:" + "cd" * 32, now=at(NOW), actor="web")
    db.close()
    for fmt in ("text", "md", "html", "csv"):
        out = sample("report", "--format", fmt, now=NOW).out
        assert "upload:" not in out, fmt
        assert "รายงานการประชุม.pdf" in out and "ไฟล์ที่แนบผ่านหน้าเว็บ" in out, fmt
    assert "upload:" + "ab" * 32 in sample("report", "--format", "json", now=NOW).out  # data keeps the ref
