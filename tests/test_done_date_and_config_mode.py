"""Two small guards: a done date before 2500 BE is a typo, not a date; a
config file holding the mail password must not be readable by others
unnoticed."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import SAMPLE, Result, tracker_in_process

SECRET = "s3cr3t-do-not-print"


def tracker(home: Path, *args: str) -> Result:
    env = {"TRACKER_HOME": str(home), "TRACKER_NOW": "2023-03-01T09:00", "TRACKER_USER": "t",
           "TRACKER_DB_URL": None}
    return tracker_in_process(args, env)


@pytest.mark.parametrize("on", ["1900-01-01", "2499-12-31", "1 ม.ค. 2443", "19000101"])
def test_done_before_2500_be_is_refused(tmp_path: Path, on: str) -> None:
    assert tracker(tmp_path, "import", str(SAMPLE)).code == 0
    r = tracker(tmp_path, "done", "1", "--on", on)
    assert r.code == 1
    lines = r.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in r.err
    shown = json.loads(tracker(tmp_path, "show", "1", "--json").out)
    assert shown["done_at"] is None


def test_done_in_2500_be_and_later_is_taken(tmp_path: Path) -> None:
    assert tracker(tmp_path, "import", str(SAMPLE)).code == 0
    assert tracker(tmp_path, "done", "1", "--on", "2023-02-01").code == 0


@pytest.mark.skipif(os.name == "nt", reason="POSIX modes")
@pytest.mark.parametrize(("mode", "warned"), [(0o666, True), (0o644, True), (0o640, True), (0o600, False)])
def test_config_with_a_password_readable_by_others_is_warned(tmp_path: Path, mode: int, warned: bool) -> None:
    config = tmp_path / "tracker.toml"
    config.write_text(f'[mail]\nuser = "tracker"\npassword = "{SECRET}"\n', encoding="utf-8")
    os.chmod(config, mode)
    assert tracker(tmp_path, "import", str(SAMPLE)).code == 0
    r = tracker(tmp_path, "--config", str(config), "remind", "--dry-run")
    assert r.code == 0, r.err
    assert SECRET not in r.err + r.out
    lines = [ln for ln in r.err.splitlines() if str(config) in ln]
    if warned:
        assert len(lines) == 1 and lines[0].startswith("warning: ไฟล์ตั้งค่า"), r.err
        assert f"{mode:04o}" in lines[0]
    else:
        assert lines == []


def test_config_without_a_password_is_not_warned_about(tmp_path: Path) -> None:
    config = tmp_path / "tracker.toml"
    config.write_text('[report]\nreporter = "สมใจ"\n', encoding="utf-8")
    os.chmod(config, 0o644)
    assert tracker(tmp_path, "import", str(SAMPLE)).code == 0
    r = tracker(tmp_path, "--config", str(config), "remind", "--dry-run")
    assert r.code == 0 and "ไฟล์ตั้งค่า" not in r.err and str(config) not in r.err
