"""Thai mode is Thai: reminder kinds, history actions and their fields are
words from one table (tracker/words.py); --lang en is English; --json keeps
the codes. And every `error:` line says its Thai lead once."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import SAMPLE, Result, tracker_in_process

from tracker.errors import PlanError
from tracker.reminders.policy import KINDS
from tracker.words import ACTION, FIELD, KIND, STATUS

CODES = re.compile(r"\b(window_opens|nudge|closing_soon|meeting_outcome_request|meeting_tomorrow|after=|"
                   r"progress|note=|task \d|meeting \d)\b")


def run(home: Path, *args: str, ok: bool = True) -> Result:
    env = {"TRACKER_HOME": str(home), "TRACKER_NOW": "2023-01-04T09:00", "TRACKER_USER": "t",
           "TRACKER_MAIL_TRANSPORT": "file", "TRACKER_DB_URL": None, "TRACKER_LANG": None}
    r = tracker_in_process(args, env)
    if ok:
        assert r.code == 0, r.err
    return r


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("words") / "home"
    run(home, "import", str(SAMPLE))
    run(home, "unit", "set", "สำนักปลัดฯ", "--email", "clerk@example.go.th")
    run(home, "progress", "1", "30", "--note", "อัปเดตเว็บไซต์แล้ว")
    run(home, "edit", "1", "--title", "ชื่อใหม่")
    return home


def test_every_code_has_its_words_in_both_languages() -> None:
    assert set(KIND["th"]) == set(KIND["en"]) == {*KINDS, "digest"}  # a mail of several reminders
    for table in (STATUS, ACTION, FIELD):
        assert set(table["th"]) == set(table["en"])


def test_history_is_thai_in_thai_mode(home: Path) -> None:
    out = run(home, "history", "1").out
    assert "ความคืบหน้า 30%" in out and "หมายเหตุ: อัปเดตเว็บไซต์แล้ว" in out
    assert "แก้ไข ชื่อ:" in out
    assert not CODES.search(out), CODES.search(out)
    assert "progress 30%" in run(home, "--lang", "en", "history", "1").out
    entries = json.loads(run(home, "history", "1", "--json").out)
    assert {"progress", "edit"} <= {e["action"] for e in entries}
    assert any(e["detail"].get("after") == 30 for e in entries)


def test_preview_and_sent_lines_are_thai_in_thai_mode(home: Path) -> None:
    preview = run(home, "remind", "--preview", "2023-01-01", "2023-04-30").out
    assert KIND["th"]["digest"] in preview and "[ITA] เริ่มดำเนินการ 2 มาตรการ" in preview
    assert not CODES.search(preview), CODES.search(preview)
    rows = json.loads(run(home, "remind", "--preview", "2023-01-01", "2023-04-30", "--json").out)
    assert {"window_opens", "closing_soon"} <= {i["kind"] for r in rows for i in r.get("items", [])}
    english = run(home, "--lang", "en", "remind", "--preview", "2023-01-01", "2023-01-05").out
    assert "daily digest" in english  # the mails themselves in [reminders] lang
    sent = run(home, "remind").out
    assert f"ส่งแล้ว: {KIND['th']['window_opens']} งาน 1 → clerk@example.go.th" in sent
    assert not CODES.search(sent), CODES.search(sent)


@pytest.mark.parametrize(
    ("args", "lead"),
    [
        (["--now", "32 ม.ค. 66", "list"], "ไม่มีวันที่นี้ในปฏิทิน"),
        (["remind", "--preview", "2023-13-01", "2023-04-01"], "ไม่มีวันที่นี้ในปฏิทิน"),
        (["done", "1", "--on", "เมื่อวาน"], "วันเวลาไม่ถูกต้อง"),
    ],
)
def test_bad_input_leads_in_thai_once(home: Path, args: list[str], lead: str) -> None:
    r = run(home, *args, ok=False)
    assert r.code == 1
    (line,) = r.err.splitlines()
    assert line.startswith(f"error: {lead}") and line.count(lead) == 1


def test_a_wrapped_plan_error_says_its_lead_once(tmp_path: Path) -> None:
    plan = tmp_path / "plan.txt"
    text = SAMPLE.read_text(encoding="utf-8").splitlines()
    # a row with more cells than its header: the text reader's inner error, re-raised with the file's name
    row = next(i for i, ln in enumerate(text) if ln.count("\t") >= 3 and "สำนักปลัดฯ" in ln)
    text[row] += "\tx\tx\tx\tx\tx\tx"
    plan.write_text("\n".join(text), encoding="utf-8")
    r = run(tmp_path / "home", "import", str(plan), ok=False)
    assert r.code == 1
    (line,) = r.err.splitlines()
    assert line.count("อ่านแผนไม่ได้") == 1, line
    assert line.startswith(f"error: {plan}:") and "ช่อง" in line


def test_plan_error_of_a_plan_error_keeps_one_lead() -> None:
    inner = PlanError("ไม่พบตาราง (no table)", line=3)
    outer = PlanError(str(inner), source="a.txt", line=3)
    assert str(outer) == "a.txt:3: อ่านแผนไม่ได้ (cannot read the plan): ไม่พบตาราง (no table)"
    assert outer.detail == inner.detail == "ไม่พบตาราง (no table)"


def test_a_day_off_is_said_in_thai(home: Path) -> None:
    saturday = run(home, "--now", "2023-01-07T09:00", "remind", "--dry-run").out
    assert saturday.startswith("วันนี้ไม่ใช่วันทำการ (วันหยุดสุดสัปดาห์)") and "weekend" not in saturday
    assert "(weekend)" in run(home, "--lang", "en", "--now", "2023-01-07T09:00", "remind", "--dry-run").out
    assert json.loads(run(home, "--now", "2023-01-07T09:00", "remind", "--dry-run", "--json").out)[
        "not_working_day"] == "weekend"
    songkran = run(home, "--now", "2023-04-13T09:00", "remind", "--dry-run").out
    assert songkran.startswith("วันนี้ไม่ใช่วันทำการ (วันสงกรานต์)")


@pytest.mark.parametrize(
    ("config", "lead"),
    [
        ('[reminders]\nhour = "แปดโมง"\n', "[reminders] hour: ต้องเป็นเวลา"),
        ("[reminders]\nbefore_close = [0]\n", "[reminders] before_close: ต้องเป็นรายการจำนวนเต็ม"),
        ('[mail]\nport = "x"\n', "พอร์ตอีเมลต้องเป็นตัวเลข"),
        ('[mail]\nsecurity = "tls"\n', "การเข้ารหัสต้องเป็น"),
    ],
)
def test_config_mistakes_lead_in_thai(home: Path, tmp_path: Path, config: str, lead: str) -> None:
    file = tmp_path / "tracker.toml"
    file.write_text(config, encoding="utf-8")
    r = run(home, "--config", str(file), "remind", "--dry-run", ok=False)
    assert r.code == 1
    (line,) = r.err.splitlines()
    assert line.startswith(f"error: {lead}"), line
