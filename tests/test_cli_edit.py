"""The real `tracker` command: import --dry-run shows an edited plan as diff
lines, an ambiguous plan is refused, `tracker edit` corrects a task, and show
/ list show the document's columns and the period-to-be-set mark."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

NOW = "2023-02-01T09:00"
HEAD = "organisation,เทศบาลตำบลบางจะเกร็ง\nfiscal_year,2566\n\nnumber,title,owners,period,followup\n"
A = "มาตรการการเปิดเผยข้อมูลต่อสาธารณะ"
A_SPACED = "มาตรการการเปิดเผย ข้อมูลต่อสาธารณะ"
B = "กำหนดมาตรการด้านการป้องกันการทุจริต"
NEW = "มาตรการส่งเสริมการมีส่วนร่วมของประชาชน"
FOLLOWUP = "รายงานผลในการประชุมประจำเดือนเมษายน ๖๖"


def _plan(tmp_path: Path, name: str, rows: list[tuple[str, str, str, str]]) -> str:
    body = "".join(f"{n},{t},{o},{p},{FOLLOWUP}\n" for n, t, o, p in rows)
    path = tmp_path / name
    path.write_text(HEAD + body, encoding="utf-8")
    return str(path)


def _tasks(run: Any) -> dict[str, dict[str, Any]]:
    r = run("list", "--json", now=NOW)
    assert r.code == 0, r.err
    return {t["title"]: t for t in json.loads(r.out)}


@pytest.fixture
def first(run: Any, tmp_path: Path) -> dict[str, dict[str, Any]]:
    plan = _plan(
        tmp_path, "v1.csv", [("1", A, "สำนักปลัดฯ", "ม.ค. - มี.ค. ๖๖"), ("2", B, "กองคลัง", "ม.ค. - มี.ค. ๖๖")]
    )
    r = run("import", plan, now=NOW)
    assert r.code == 0, r.err
    return _tasks(run)


def test_dry_run_shows_each_change_and_saves_nothing(run: Any, tmp_path: Path, first: dict[str, Any]) -> None:
    assert run("progress", str(first[B]["id"]), "30", now=NOW).code == 0
    edited = _plan(
        tmp_path,
        "v2.csv",
        [
            ("1", NEW, "กองช่าง", "ก.พ. ๖๖"),
            ("2", A_SPACED, "สำนักปลัดฯ", "ม.ค. - มี.ค. ๖๖"),
            ("3", B, "กองคลัง; สำนักปลัดฯ", "ม.ค. - มิ.ย. ๖๖"),
        ],
    )
    r = run("import", edited, "--dry-run", now=NOW)
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    a, b = first[A]["id"], first[B]["id"]
    assert lines[0].startswith("(ทดลอง ไม่ได้บันทึก)")
    assert f"  ใหม่: 1. {NEW} — กองช่าง — 1 ก.พ. 2566 – 28 ก.พ. 2566" in lines
    # found by its title (spacing does not count): renumbered, and its text changed
    assert f"  #{a} 2. เปลี่ยนลำดับ: 1 → 2  {A_SPACED}" in lines
    assert f"  #{a} 2. เปลี่ยนชื่อ: {A} → {A_SPACED}" in lines
    assert f"  #{b} 3. เปลี่ยนลำดับ: 2 → 3  {B}" in lines
    assert f"  #{b} 3. เปลี่ยนผู้รับผิดชอบ: กองคลัง → กองคลัง, สำนักปลัดฯ" in lines
    assert f"  #{b} 3. เลื่อนช่วงเวลา: 1 ม.ค. 2566 – 31 มี.ค. 2566 → 1 ม.ค. 2566 – 30 มิ.ย. 2566" in lines
    assert "  ไม่เปลี่ยน: 0 มาตรการ" in lines
    now_ = _tasks(run)  # nothing saved
    assert now_[A] == first[A] and now_[B]["number"] == "2" and now_[B]["progress"] == 30

    r = run("import", edited, now=NOW)
    assert r.code == 0, r.err
    after = {t["id"]: t for t in _tasks(run).values()}
    assert after[b]["number"] == "3" and after[b]["progress"] == 30
    assert after[a]["number"] == "2" and after[a]["title"] == A_SPACED
    assert len(after) == 3
    r = run("import", edited, "--dry-run", now=NOW)
    assert "  ไม่เปลี่ยน: 3 มาตรการ" in r.out.splitlines()


def test_a_rename_in_place_is_a_diff_line(run: Any, tmp_path: Path, first: dict[str, Any]) -> None:
    renamed = _plan(
        tmp_path,
        "v2.csv",
        [("1", A + " (ปรับปรุง)", "สำนักปลัดฯ", "ม.ค. - มี.ค. ๖๖"), ("2", B, "กองคลัง", "ม.ค. - มี.ค. ๖๖")],
    )
    r = run("import", renamed, "--dry-run", now=NOW)
    assert f"  #{first[A]['id']} 1. เปลี่ยนชื่อ: {A} → {A} (ปรับปรุง)" in r.out.splitlines()
    assert "  ไม่เปลี่ยน: 1 มาตรการ" in r.out.splitlines()


def test_an_ambiguous_plan_is_one_thai_line_and_exit_1(
    run: Any, tmp_path: Path, first: dict[str, Any]
) -> None:
    twice = _plan(
        tmp_path,
        "twice.csv",
        [
            ("3", A, "สำนักปลัดฯ", "ม.ค. - มี.ค. ๖๖"),
            ("4", A, "กองช่าง", "ม.ค. - มี.ค. ๖๖"),
            ("2", B, "กองคลัง", "ม.ค. - มี.ค. ๖๖"),
        ],
    )
    r = run("import", twice, now=NOW)
    assert r.code == 1 and r.out == ""
    assert len(r.err.strip().splitlines()) == 1 and r.err.startswith("error: แยกไม่ออก")
    assert "ข้อ 3" in r.err and "ข้อ 4" in r.err
    assert _tasks(run) == first


def test_edit_corrects_and_records_old_and_new(run: Any, first: dict[str, Any]) -> None:
    tid = str(first[A]["id"])
    r = run(
        "edit",
        tid,
        "--start",
        "๑ ก.พ. ๒๕๖๖",
        "--end",
        "2023-05-31",
        "--owner",
        "กองคลัง",
        "--by",
        "somjai",
        now=NOW,
    )
    assert r.code == 0, r.err
    task = json.loads(run("show", tid, "--json", now=NOW).out)
    assert (task["start"], task["end"], task["owners"]) == ("2023-02-01", "2023-05-31", ["กองคลัง"])
    last = task["history"][-1]
    assert last["action"] == "edit" and last["actor"] == "somjai"
    assert last["detail"]["changes"]["owners"] == [["สำนักปลัดฯ"], ["กองคลัง"]]
    assert last["detail"]["changes"]["starts_on"] == ["2023-01-01", "2023-02-01"]
    r = run("edit", tid, "--period", "ม.ค. - มิ.ย. ๖๖", "--title", "ชื่อที่ถูกต้อง", now=NOW)
    assert r.code == 0, r.err
    task = json.loads(run("show", tid, "--json", now=NOW).out)
    assert (task["title"], task["start"], task["end"]) == ("ชื่อที่ถูกต้อง", "2023-01-01", "2023-06-30")
    assert "ชื่อที่ถูกต้อง" in run("history", tid, now=NOW).out


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--period", "ตามความเหมาะสม"], "อ่านช่วงเวลาไม่ออก"),
        (["--start", "31 มี.ค. 66", "--end", "1 ม.ค. 66"], "วันเริ่มอยู่หลังวันสิ้นสุด"),
        (["--period", "ม.ค. 66", "--start", "1 ม.ค. 66"], "--period"),
        (["--meeting", "99"], "ไม่พบการประชุม"),
        (["--title", "   "], "ชื่อมาตรการว่างเปล่า"),
        ([], "ระบุสิ่งที่จะแก้"),
        (["--start", "ไม่ใช่วันที่"], "not a date"),
    ],
)
def test_edit_refuses_bad_input_with_one_line(
    run: Any, first: dict[str, Any], args: list[str], needle: str
) -> None:
    tid = str(first[A]["id"])
    before = run("show", tid, "--json", now=NOW).out
    r = run("edit", tid, *args, now=NOW)
    assert r.code == 1 and needle in r.err and len(r.err.strip().splitlines()) == 1, r.err
    assert run("show", tid, "--json", now=NOW).out == before


def test_unknown_task_is_refused(run: Any, first: dict[str, Any]) -> None:
    r = run("edit", "999", "--title", "x", now=NOW)
    assert r.code == 1 and "ไม่พบงานหมายเลข 999" in r.err


def test_an_unclear_period_is_marked_until_edit_fixes_it(
    run: Any, db_url: str, first: dict[str, Any]
) -> None:
    from tracker.db.connection import open_database
    from tracker.textwidth import width

    tid = str(first[A]["id"])
    # marked the way a reader marks a period it did not understand
    db = open_database(db_url)
    with db.transaction():
        db.execute("UPDATE tasks SET period_unclear = 1 WHERE id = :id", {"id": int(tid)})
    db.close()
    listing = run("list", now=NOW).out.splitlines()
    marked = [line for line in listing if "ต้องระบุช่วงเวลา" in line]
    assert len(marked) == 1 and A in marked[0]
    # the status column starts at the same display column on every row
    starts = {width(line[: line.index("ยังไม่เริ่ม")]) for line in listing[2:]}
    assert len(starts) == 1 and width(listing[0][: listing[0].index("สถานะ")]) in starts
    shown = run("show", tid, now=NOW).out
    assert "ต้องระบุช่วงเวลา" in shown and f"tracker edit {tid} --period" in shown
    assert json.loads(run("show", tid, "--json", now=NOW).out)["period_unclear"] is True
    report = run("report", "--format", "text", now=NOW)
    assert report.code == 0, report.err
    assert "ต้องระบุช่วงเวลา" in report.out
    assert run("edit", tid, "--period", "ม.ค. - มิ.ย. ๖๖", now=NOW).code == 0
    assert json.loads(run("show", tid, "--json", now=NOW).out)["period_unclear"] is False
    assert "ต้องระบุช่วงเวลา" not in run("list", now=NOW).out


def test_show_json_has_the_document_keys(run: Any, first: dict[str, Any]) -> None:
    task = json.loads(run("show", str(first[A]["id"]), "--json", now=NOW).out)
    for key, empty in [
        ("section", ""),
        ("budget", ""),
        ("indicator", ""),
        ("target", ""),
        ("remarks", ""),
        ("extra", []),
        ("checkpoints", []),
        ("period_unclear", False),
    ]:
        assert task[key] == empty, key
    for key in (
        "id",
        "number",
        "title",
        "owners",
        "start",
        "end",
        "status",
        "progress",
        "meeting",
        "outcome",
    ):
        assert key in task


def test_the_import_summary_lists_the_periods_to_set() -> None:
    from conftest import at

    from tracker.app import App
    from tracker.cli.setup import import_lines
    from tracker.services.importing import Change, ImportSummary

    summary = ImportSummary(unchanged=["2"], unclear=["1"])
    summary.changes = [Change("new", "1", A, 7, unclear=True), Change("unchanged", "2", B, 8)]
    lines = import_lines(App(now=at("2023-02-01T09:00")), summary)
    assert f"  ต้องระบุช่วงเวลา: #7 1. {A} — tracker edit 7 --period …" in lines
    assert "  ไม่เปลี่ยน: 1 มาตรการ" in lines
