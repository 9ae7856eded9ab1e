"""The slips a tired clerk makes: each is said in one Thai line with a
non-zero exit, and nothing in the database changes."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from typing import Any

import pytest
from conftest import SAMPLE

NOW = "2023-03-25T10:00"


@pytest.fixture
def sample(run: Any) -> Any:
    assert run("import", str(SAMPLE), now="2023-01-04").code == 0
    return run


def state(run: Any) -> tuple[str, str]:
    return run("show", "1", "--json", now=NOW).out, run("history", "--json", now=NOW).out


def one_thai_error(r: Any) -> str:
    assert r.code == 1, (r.code, r.err)
    lines = r.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in r.err, r.err
    text = lines[0].removeprefix("error: ")
    assert "\u0e00" <= text[0] <= "\u0e7f", text
    return text


@pytest.mark.parametrize(
    ("on", "says"),
    [
        ("2020-01-01", "อยู่นอกปีงบประมาณ 2566"),  # typed for 2563 or 2566
        ("1 ม.ค. 2567", "อยู่นอกปีงบประมาณ 2566"),  # this year's date under next year's plan
        ("๑ ต.ค. ๖๕", "อยู่ก่อนช่วงดำเนินการของมาตรการ"),  # in the year, before the window (Jan-Mar 66)
    ],
)
def test_an_odd_done_date_is_refused_without_an_answer(sample: Any, on: str, says: str) -> None:
    before = state(sample)
    text = one_thai_error(sample("done", "1", "--on", on, now=NOW))
    assert says in text and "--yes" in text
    assert state(sample) == before


def test_yes_records_the_odd_date(sample: Any) -> None:
    assert sample("done", "1", "--on", "1 ต.ค. 65", "--yes", now=NOW).code == 0
    assert json.loads(sample("show", "1", "--json", now=NOW).out)["done_at"].startswith("2022-10-01")


def test_a_date_inside_the_window_is_not_asked_about(sample: Any) -> None:
    assert sample("done", "1", "--on", "20 มี.ค. 66", now=NOW).code == 0


@pytest.mark.parametrize(("answer", "recorded"), [("n", False), ("y", True)])
def test_at_the_keyboard_the_clerk_is_asked(db_url: str, tmp_path: Any, sample: Any, answer: str,
                                            recorded: bool) -> None:
    master, slave = pty.openpty()
    env = {**os.environ, "TRACKER_DB_URL": db_url, "TRACKER_HOME": str(tmp_path / "home"), "NO_COLOR": "1",
           "TRACKER_USER": "tester", "TRACKER_NOW": NOW}
    p = subprocess.Popen([sys.executable, "-m", "tracker", "done", "1", "--on", "2020-01-01"], env=env,
                         stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    os.close(slave)
    os.write(master, f"{answer}\n".encode())
    _out, err = p.communicate(timeout=60)
    os.close(master)
    assert "อยู่นอกปีงบประมาณ 2566" in err and "Traceback" not in err
    assert p.returncode == (0 if recorded else 1), err
    done_at = json.loads(sample("show", "1", "--json", now=NOW).out)["done_at"]
    assert (done_at is not None) == recorded


@pytest.mark.parametrize("typed", ["-5", "-๕", "101", "๑๒๐", "-0.5", "50.5", "ห้าสิบ"])
def test_a_percentage_outside_0_100_is_one_line(sample: Any, typed: str) -> None:
    before = state(sample)
    text = one_thai_error(sample("progress", "1", typed, now=NOW))
    assert "0-100" in text and typed in text
    assert state(sample) == before


def test_a_unit_no_measure_names_is_warned_with_the_nearest(sample: Any) -> None:
    """"สำนักปลัด" for "สำนักปลัดฯ": saved (a unit may come before its plan),
    but said in one line, with the name the measures use."""
    r = sample("unit", "set", "สำนักปลัด", "--email", "palad@bangchakreng.go.th", now=NOW)
    assert r.code == 0
    assert r.err.strip().splitlines() == [
        "warning: ไม่มีมาตรการใดที่ สำนักปลัด รับผิดชอบ จึงยังไม่มีใครได้รับการแจ้งเตือนที่อีเมลนี้"
        " หมายถึง สำนักปลัดฯ หรือไม่ (no measure names this unit, so these addresses get no reminder;"
        " did you mean สำนักปลัดฯ?)"]
    right = sample("unit", "set", "สำนักปลัดฯ", "--email", "palad@bangchakreng.go.th", now=NOW)
    assert right.code == 0 and right.err == ""
    far = sample("unit", "set", "ฝ่ายไอที", "--email", "it@bangchakreng.go.th", now=NOW)
    assert "หมายถึง" not in far.err and "no measure names this unit" in far.err
    # the escape a pasted name may hold is not echoed to the terminal
    odd = sample("unit", "set", "กอง\x1b[2Jคลัง", "--email", "a@bangchakreng.go.th", now=NOW)
    assert "\x1b" not in odd.out + odd.err
