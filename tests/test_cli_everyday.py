"""The everyday commands, run as a clerk runs them: through tracker's own
entry point (in this process; what a command imports is checked in real ones)."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SAMPLE

APRIL_3 = "2023-04-03T09:00"


@pytest.fixture
def sample(run):  # type: ignore[no-untyped-def]
    r = run("import", str(SAMPLE), now="2022-12-15T09:00")
    assert r.code == 0, r.err
    return run


def test_sample_imports_to_the_contract(sample) -> None:  # type: ignore[no-untyped-def]
    r = sample("list", "--json", now=APRIL_3)
    assert r.code == 0, r.err
    found = json.loads(r.out)
    assert len(found) == 2
    for t in found:
        assert isinstance(t["id"], int) and t["number"] in ("1", "2")
        assert t["owners"] == ["สำนักปลัดฯ"]
        assert (t["start"], t["end"]) == ("2023-01-01", "2023-03-31")
        assert t["status"] == "overdue" and t["progress"] == 0 and t["done_at"] is None
        assert t["meeting"]["month"] == "2023-04"
        assert set(t["outcome"]) == {"result", "problems", "obstacles", "suggestions"}
        assert t["plan"] == {
            "id": t["plan"]["id"],
            "fiscal_year": 2566,
            "organisation": "เทศบาลตำบลบางจะเกร็ง",
        }
    assert found[0]["meeting"]["id"] == found[1]["meeting"]["id"]
    plan = json.loads(sample("plan", "show", "--json").out)
    assert plan["ita"]["computed_overall"] == pytest.approx(89.95) and plan["ita"]["grade"] == "A"
    assert plan["adopted_on"] == "2022-12-09"


def test_a_season_of_work_in_thai_digits(sample) -> None:  # type: ignore[no-untyped-def]
    assert sample("start", "๑", now="2023-01-05T09:00").code == 0
    r = sample("progress", "๑", "๖๐", "--note", "อัปเดตเว็บไซต์แล้ว", now="2023-02-01T09:00")
    assert r.code == 0 and "60%" in r.out
    assert sample("check", "2", "1.2", now="2023-02-02T09:00").code == 0
    assert (
        sample("evidence", "1", "https://example.go.th/ita/o1", "--title", "หน้าเว็บ", now="2023-02-03").code
        == 0
    )
    r = sample("done", "1", "--on", "๒๐ มี.ค. ๖๖", now="2023-03-25T10:00")
    assert r.code == 0, r.err
    assert sample("outcome", "1", "--result", "เผยแพร่ครบ", "--problems", "ไม่มี", now="2023-03-26").code == 0
    t = json.loads(sample("show", "1", "--json", now=APRIL_3).out)
    assert t["status"] == "done" and t["done_at"] == "2023-03-20T00:00:00+07:00"
    assert t["outcome"]["result"] == "เผยแพร่ครบ"
    assert [h["action"] for h in t["history"]] == [
        "create",
        "start",
        "progress",
        "evidence",
        "done",
        "outcome",
    ]
    assert all(h["actor"] == "tester" for h in t["history"])
    # a mistaken done is undone, and the record of it stays
    assert sample("reopen", "1", "--by", "หัวหน้าสำนักปลัด", now="2023-03-27").code == 0
    t = json.loads(sample("show", "1", "--json", now="2023-03-28").out)
    assert t["status"] == "in_progress" and t["progress"] == 60
    assert [h["action"] for h in t["history"]][-2:] == ["outcome", "reopen"]
    assert t["history"][-1]["actor"] == "หัวหน้าสำนักปลัด"
    text = sample("show", "1", now="2023-03-28").out
    assert "กำลังดำเนินการ" in text and "ยกเลิกสถานะเสร็จ" in text  # the action in words, in Thai mode
    assert "หัวหน้าสำนักปลัด" in sample("history", now="2023-03-28").out


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("done", "9"), "no task with id 9"),
        (("progress", "1", "140"), "0-100"),
        (("progress", "1", "๑๔๐"), "0-100"),
        (("progress", "x", "10"), "task id"),
        (("done", "1", "--on", "31 ก.พ. 66"), "31"),
        (("done", "1", "--on", "2023-02-31"), "2023-02-31"),
        (("check", "2", "99"), "no item 99"),
        (("list", "--owner", "กองคลัง", "--status", "overdue", "--json"), None),
        (("import", "/nonexistent/plan.txt"), "plan.txt"),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(sample, args, needle) -> None:  # type: ignore[no-untyped-def]
    before = sample("list", "--json", now=APRIL_3).out
    r = sample(*args, now=APRIL_3)
    if needle is None:
        assert r.code == 0 and json.loads(r.out) == []
        return
    assert r.code == 1, (r.out, r.err)
    lines = r.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and needle in lines[0], r.err
    assert "Traceback" not in r.err
    assert sample("list", "--json", now=APRIL_3).out == before


def test_misuse_of_the_command_line_is_exit_2(sample) -> None:  # type: ignore[no-untyped-def]
    assert sample("done").code == 2
    assert sample("frobnicate").code == 2
    assert sample("list", "--status", "finished").code == 2


def test_every_command_has_help(run) -> None:  # type: ignore[no-untyped-def]
    from tracker.cli.main import COMMANDS

    top = run("--help")
    assert top.code == 0
    for name in COMMANDS:
        assert name in top.out
        r = run(name, "--help")
        assert r.code == 0, (name, r.err)
        assert len(r.out.splitlines()) > 3, name


def test_everyday_commands_stay_light(tmp_path: Path) -> None:
    """SQLAlchemy alone costs ~15x a bare start: the everyday path on SQLite must not import it."""
    db_url = f"sqlite:///{tmp_path / 'light.db'}"
    env = {**os.environ, "TRACKER_DB_URL": db_url, "NO_COLOR": "1", "TRACKER_NOW": APRIL_3}
    subprocess.run(
        [sys.executable, "-m", "tracker", "import", str(SAMPLE)],
        env=env,
        check=True,
        capture_output=True,
        timeout=60,
    )
    heavy = {
        "sqlalchemy",
        "alembic",
        "jinja2",
        "icalendar",
        "apscheduler",
        "weasyprint",
        "smtplib",
        "holidays",
    }
    watched = sorted(heavy)
    probe = (
        "import sys\n"
        "import tracker.cli.main as m\n"
        "sys.argv = ['tracker'] + sys.argv[1:]\n"
        "try:\n    m.main()\nexcept SystemExit:\n    pass\n"
        f"print(sorted({{n.split('.')[0] for n in sys.modules}} & set({watched!r})), file=sys.stderr)\n"
    )
    for args in (["--help"], ["list"], ["show", "1"], ["done", "2"], ["progress", "1", "10"], ["history"]):
        r = subprocess.run(
            [sys.executable, "-c", probe, *args], capture_output=True, text=True, env=env, timeout=60
        )
        loaded = set(ast.literal_eval(r.stderr.strip().splitlines()[-1]))
        assert not loaded & heavy, (args, r.stderr)
