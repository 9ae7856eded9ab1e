"""`tracker mail test ADDR` through a real SMTP server on loopback (aiosmtpd,
STARTTLS and AUTH), and the sender SMTP needs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.mail_support import PASSWORD, SENDER, mail_env, read_mail, smtp_server
from tests.test_mailfault import seed

NOW = "2023-01-04T09:00"


def test_a_test_message_arrives_and_the_reply_is_shown(run: Any, tmp_path: Path) -> None:
    with smtp_server(tmp_path) as (rec, port, ca):
        r = run("mail", "test", "somjai@bangchakreng.go.th", now=NOW, env=mail_env(port, ca))
    assert r.code == 0, r.err
    assert r.out.startswith("ส่งอีเมลทดสอบถึง somjai@bangchakreng.go.th ทาง 127.0.0.1:")
    assert "เซิร์ฟเวอร์ตอบ: 250 OK queued" in r.out  # the loopback server's own words
    [arrival] = rec.arrivals
    assert arrival.rcpt == ["somjai@bangchakreng.go.th"]
    assert arrival.mail_from in SENDER
    assert arrival.subject == "ทดสอบการส่งอีเมลจาก tracker (test message)"


def test_a_refused_login_is_one_line_without_the_password(run: Any, tmp_path: Path) -> None:
    with smtp_server(tmp_path) as (rec, port, ca):
        r = run("mail", "test", "somjai@bangchakreng.go.th", now=NOW,
                env=mail_env(port, ca, TRACKER_SMTP_PASSWORD="wrong-" + PASSWORD))
    assert r.code == 1 and rec.arrivals == []
    lines = r.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ส่งไม่ได้: "), r.err
    assert PASSWORD not in r.out + r.err


def test_smtp_without_a_sender_is_refused_before_anything_is_sent(run: Any, db_url: str,
                                                                  tmp_path: Path) -> None:
    """The default sender (tracker@localhost) is for mail written to files:
    relays refuse it. `remind` and `mail test` say so and send nothing."""
    seed(db_url, 3).close()
    with smtp_server(tmp_path) as (rec, port, ca):
        env = mail_env(port, ca)
        env.pop("TRACKER_MAIL_FROM")
        test = run("mail", "test", "somjai@bangchakreng.go.th", now=NOW, env=env)
        remind = run("remind", now=NOW, env=env)
        status = run("remind", "--status", now=NOW, env=env)
    for r in (test, remind):
        assert r.code == 1, r.err
        assert r.err.strip().splitlines()[-1].startswith(
            "error: ต้องตั้งอีเมลผู้ส่ง [mail] from (หรือ TRACKER_MAIL_FROM)"), r.err
    assert rec.arrivals == [] and status.code == 0


def test_mail_written_to_files_names_the_file(run: Any, tmp_path: Path) -> None:
    r = run("mail", "test", "somjai@bangchakreng.go.th", now=NOW)
    assert r.code == 0, r.err
    path = Path(r.out.split("ไฟล์: ")[1].split(" ")[0])
    assert path.is_file() and b"somjai@bangchakreng.go.th" in path.read_bytes()


def test_reminders_carry_the_clerks_reply_to(run: Any, db_url: str, tmp_path: Path) -> None:
    """A unit head who answers a reminder reaches the clerk, not the sender's
    mailbox; a mistyped address is one line and every message stays waiting."""
    import json

    seed(db_url, 2).close()
    bad = run("remind", now=NOW, env={"TRACKER_MAIL_REPLY_TO": "somjai at bangchakreng"})
    assert bad.code == 1 and bad.err.strip().splitlines()[-1].startswith("error: ที่อยู่ผู้รับไม่ถูกต้อง"), bad.err
    status = json.loads(run("remind", "--status", "--json", now=NOW).out)
    assert status["counts"]["sent"] == 0 and status["counts"]["failed"] == 0
    ok = run("remind", now=NOW, env={"TRACKER_MAIL_REPLY_TO": "somjai@bangchakreng.go.th"})
    assert ok.code == 0, ok.err
    files = sorted((tmp_path / "home").rglob("*.eml"))
    assert len(files) == 2
    for f in files:
        assert read_mail(f.read_bytes()).headers["reply-to"] == "somjai@bangchakreng.go.th"
