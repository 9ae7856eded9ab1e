"""Output never fails on an encoding: every printing command, in a real
process, into a pipe whose encoding is cp874 (a Thai Windows' log file),
cp1252 (an English Windows) or the locale's, exits 0 with readable text and
no traceback; --json is UTF-8 whatever the encoding."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SAMPLE
from hypothesis import given
from hypothesis import strategies as st

from tracker.cli import streams

COMMANDS = [
    ["list"],
    ["show", "1"],
    ["history"],
    ["plan", "show"],
    ["report"],
    ["remind", "--preview", "2022-12-01", "2023-04-30"],
    ["remind", "--dry-run"],
    ["remind", "--status"],
    ["unit", "list"],
    ["meeting", "list"],
    ["--help"],
    ["list", "--help"],
]


def run(home: Path, *args: str, encoding: str | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "TRACKER_HOME": str(home), "TRACKER_NOW": "2023-04-19T09:00", "TRACKER_USER": "t",
           "TRACKER_MAIL_TRANSPORT": "file"}
    for name in ("TRACKER_DB_URL", "PYTHONIOENCODING", "PYTHONUTF8", "TRACKER_LANG"):
        env.pop(name, None)
    if encoding:
        env["PYTHONIOENCODING"] = encoding
    return subprocess.run([sys.executable, "-m", "tracker", *args], capture_output=True, env=env, timeout=120)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("enc") / "home"
    for args in (["import", str(SAMPLE)], ["progress", "1", "30", "--note", "อัปเดตเว็บไซต์แล้ว"],
                 ["unit", "set", "สำนักปลัดฯ", "--email", "clerk@example.go.th"]):
        r = run(home, *args)
        assert r.returncode == 0, r.stderr.decode()
    return home


@pytest.mark.parametrize("encoding", ["cp874", "cp1252", None])
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_printing_command_writes_any_encoding(
    home: Path, command: list[str], encoding: str | None
) -> None:
    r = run(home, *command, encoding=encoding)
    assert r.returncode == 0, r.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in r.stderr
    # cp874 keeps its one byte per Thai letter; cp1252 has no Thai, so the
    # stream is UTF-8 instead of a page of question marks.
    text = r.stdout.decode("cp874" if encoding == "cp874" else "utf-8")
    assert any("\u0e01" <= ch <= "\u0e5b" for ch in text), text[:200]
    if encoding == "cp874":
        assert "?" * 3 not in text  # the symbols cp874 lacks became ASCII, not runs of "?"


def test_tables_fall_back_to_ascii_rules_in_cp874(home: Path) -> None:
    text = run(home, "list", encoding="cp874").stdout.decode("cp874")
    assert "──" not in text and "--" in text
    assert "สำนักปลัดฯ" in text


@pytest.mark.parametrize("encoding", ["cp874", "cp1252", "ascii"])
def test_json_is_utf8_whatever_the_encoding(home: Path, encoding: str) -> None:
    r = run(home, "list", "--json", encoding=encoding)
    assert r.returncode == 0, r.stderr.decode("utf-8", "replace")
    tasks = json.loads(r.stdout.decode("utf-8"))
    assert "สำนักปลัดฯ" in tasks[0]["owners"]


def test_errors_are_readable_in_cp874(home: Path) -> None:
    r = run(home, "show", "999", encoding="cp874")
    assert r.returncode == 1
    line = r.stderr.decode("cp874")
    assert line.startswith("error: ") and b"Traceback" not in r.stderr


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",))))
@pytest.mark.parametrize("encoding", ["cp874", "cp1252", "ascii", "tis-620", "utf-8"])
def test_any_text_writes_to_any_stream(encoding: str, text: str) -> None:
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding=encoding)
    streams.prepare_stream(stream)
    stream.write(text + "│ทดสอบ→")
    stream.flush()
    written = raw.getvalue().decode(stream.encoding)
    # Thai survives wherever it can: in the encoding itself or, lacking it, UTF-8
    assert written.endswith("ทดสอบ->") or written.endswith("│ทดสอบ→")
