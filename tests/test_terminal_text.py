"""What people type or bring in never drives a terminal: one function
(textwidth.printable) removes escape sequences, control characters and
bidirectional overrides from every text tracker prints or mails as plain
text; configured names are inert in Markdown and HTML."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from conftest import SAMPLE, tracker_in_process
from hypothesis import given
from hypothesis import strategies as st
from mail_support import read_mail

from tracker.textwidth import printable

HOSTILE = "ผล\x1b[2J\x1b[31mแดง\x1b[0m\x1b]0;pwned\x07\x1b]8;;http://evil.example/\x1b\\ลิงก์\u202eท้าย\x9b2J\u2066x\u2069\r"
BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def unsafe(text: str) -> list[str]:
    return [c for c in text if (unicodedata.category(c) == "Cc" and c not in "\n\t") or c in BIDI]


@given(st.text())
def test_printable_leaves_nothing_a_terminal_obeys(text: str) -> None:
    out = printable(text)
    assert unsafe(out) == []
    assert printable(out) == out


ORDINARY = st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters=BIDI + "\u2028\u2029")


@given(st.text(alphabet=ORDINARY))
def test_printable_keeps_ordinary_text(text: str) -> None:
    assert printable(text) == text
    assert printable(text + "\n\tไทย") == text + "\n\tไทย"


def test_escape_sequences_go_whole_not_just_their_esc() -> None:
    assert printable(HOSTILE) == "ผลแดงลิงก์ท้ายx\n"


def tracker(home: Path, *args: str, now: str = "2023-04-19T09:00", config: Path | None = None) -> str:
    env = {
        "TRACKER_HOME": str(home),
        "TRACKER_NOW": now,
        "TRACKER_USER": "t",
        "TRACKER_MAIL_TRANSPORT": "file",
        "TRACKER_DB_URL": None,
    }
    extra = ["--config", str(config)] if config else []
    r = tracker_in_process([*extra, *args], env)
    assert r.code == 0, r.err
    return r.out


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    tracker(home, "import", str(SAMPLE))
    tracker(home, "note", "1", HOSTILE)
    tracker(home, "outcome", "1", "--result", HOSTILE, "--problems", HOSTILE)
    tracker(home, "evidence", "1", "https://example.go.th/x", "--title", HOSTILE)
    tracker(home, "unit", "set", "สำนักปลัดฯ", "--email", "clerk@example.go.th")
    tracker(home, "meeting", "set", "1", "--date", "2023-04-20", "--time", "10:00", "--place", HOSTILE,
            "--attendee", "boss@example.go.th")
    return home


@pytest.mark.parametrize(
    "command", [["report"], ["report", "--format", "md"], ["show", "1"], ["history", "1"]]
)
def test_printed_text_is_inert(home: Path, command: list[str]) -> None:
    out = tracker(home, *command)
    assert "ผล" in out
    assert unsafe(out) == []
    assert "pwned" not in out and "[2J" not in out


def test_the_mails_text_part_is_inert(home: Path) -> None:
    tracker(home, "remind")
    mails = sorted((home / "outbox").glob("*.eml"))
    assert mails
    seen_place = False
    for path in mails:
        text = read_mail(path.read_bytes()).text
        # a text part's lines end in CRLF (its canonical form); anything else is not inert
        assert unsafe(text.replace("\r\n", "\n")) == [], path.name
        seen_place |= "ลิงก์ท้าย" in text
    assert seen_place  # the hostile place did reach the mail, cleaned


def test_configured_names_are_inert_in_md_and_html(tmp_path: Path) -> None:
    home = tmp_path / "home"
    config = tmp_path / "tracker.toml"
    config.write_text(
        '[report]\nreporter = "สมใจ\\n```\\n<script>alert(1)</script>"\n'
        'position = "[ลิงก์](javascript:alert(1)) <img src=x onerror=alert(1)>"\n'
        'executive = "ผู้บริหาร\\u202e"\n',
        encoding="utf-8",
    )
    tracker(home, "import", str(SAMPLE), config=config)
    md = tracker(home, "report", "--format", "md", config=config)
    fences = [ln for ln in md.splitlines() if ln.startswith("```")]
    assert len(fences) % 2 == 0
    tail = md[md.rindex("```", 0, md.rindex("```")) :]  # the signature block
    assert "<script>" in tail  # inside the code block, where it is text
    assert "<script>" not in md[: md.rindex("```", 0, md.rindex("```"))]
    assert "\u202e" not in md
    html = tracker(home, "report", "--format", "html", config=config)
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "<img src=x" not in html


def test_tables_keep_our_colours_and_drop_everything_else(monkeypatch: pytest.MonkeyPatch) -> None:
    import click

    from tracker.cli import output

    monkeypatch.setattr(output, "use_colour", lambda: True)
    done = output.status_text("done", "th")
    assert done == click.style("เสร็จแล้ว", fg="green")
    out = output.table(["a", "b"], [[HOSTILE, done], ["ไทย", "x"]])
    assert done in out  # tracker's own styling survives
    assert unsafe(out.replace(done, "")) == []
    assert "ผลแดงลิงก์ท้ายx" in out
    assert output.shown(f"{HOSTILE} {done}") == f"ผลแดงลิงก์ท้ายx\n {done}"
