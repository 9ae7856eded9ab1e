"""`tracker serve`, `tracker link`, `tracker user add`, and what the reminder
mail says with and without [web] base_url."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from conftest import SAMPLE
from mail_support import read_mail

UNIT = "สำนักปลัดฯ"
SHELL = re.compile(r"tracker (progress|done|note|outcome|check|evidence) ")


def _config(tmp_path: Path, web: str) -> dict[str, str]:
    path = tmp_path / "tracker.toml"
    path.write_text(f'[web]\n{web}\ndata_dir = "{tmp_path / "data"}"\n', encoding="utf-8")
    return {"TRACKER_CONFIG": str(path)}


def _mails(tmp_path: Path) -> list[str]:
    out = []
    for eml in sorted((tmp_path / "home" / "outbox").glob("*.eml")):
        mail = read_mail(eml.read_bytes())
        out.append(mail.text + mail.html)
    return out


def test_link_and_user_commands(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    env = _config(tmp_path, 'base_url = "https://ita.example.go.th/"')
    assert run("import", str(SAMPLE), now="2023-01-02").code == 0
    first = run("link", UNIT, now="2023-01-05", env=env)
    assert first.code == 0, first.err
    assert re.fullmatch(r"https://ita\.example\.go\.th/u/[\w.-]+\n", first.out)
    again = run("link", UNIT, "--revoke", now="2023-01-05", env=env)
    assert again.code == 0 and again.out != first.out
    assert "ใช้ไม่ได้แล้ว" in again.err
    missing = run("link", "กองที่ไม่มี", env=env)
    assert missing.code == 1 and "ไม่พบหน่วยงาน" in missing.err
    assert (tmp_path / "data" / "web-secret.key").exists()

    assert run("user", "add", "somjai", "--password-stdin", input="short\n").code == 1
    added = run("user", "add", "somjai", "--password-stdin", input="correct horse 1\n")
    assert added.code == 0 and "เพิ่มผู้ใช้" in added.out
    again = run("user", "add", "somjai", "--password-stdin", input="correct horse 2\n")
    assert again.code == 0 and "ตั้งรหัสผ่านใหม่" in again.out
    history = run("history")
    assert "correct horse" not in history.out + history.err


def test_mail_carries_the_units_link_or_the_clerks_contact(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert run("import", str(SAMPLE), now="2023-01-02").code == 0
    assert run("unit", "set", UNIT, "--email", "palad@example.go.th").code == 0
    env = _config(tmp_path, 'contact = "งานนิติการ สำนักปลัด โทร. 034-000000"')
    assert run("remind", now="2023-01-04T09:00", env=env).code == 0
    mails = _mails(tmp_path)
    assert mails
    for body in mails:
        assert not SHELL.search(body), body
        assert "งานนิติการ สำนักปลัด โทร. 034-000000" in body
        assert "/u/" not in body
    for eml in (tmp_path / "home" / "outbox").glob("*.eml"):
        eml.unlink()
    env = _config(tmp_path, 'base_url = "http://10.0.0.5:8080"')
    assert run("remind", now="2023-01-16T09:00", env=env).code == 0
    mails = _mails(tmp_path)
    assert mails
    for body in mails:
        assert not SHELL.search(body), body
        assert re.search(r"http://10\.0\.0\.5:8080/u/[\w.-]+", body)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_runs_waitress_at_the_given_now(db_url: str, tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "TRACKER_DB_URL": db_url, "TRACKER_HOME": str(tmp_path / "home"),
           **_config(tmp_path, 'base_url = ""')}
    subprocess.run([sys.executable, "-m", "tracker", "import", str(SAMPLE)], env=env, check=True,
                   capture_output=True, timeout=120)
    link = subprocess.run([sys.executable, "-m", "tracker", "--now", "2023-01-05", "link", UNIT],
                          env=env, check=True, capture_output=True, text=True, timeout=60).stdout.strip()
    link = link.replace("127.0.0.1:8080", f"127.0.0.1:{port}")
    # 2023-01-05 + 400 days = 2024-02-09: valid on 2024-02-09 of --now, expired the day after
    assert _status(env, port, link, "2024-02-09") == 200
    assert _status(env, port, link, "2024-02-10") == 403


def _status(env: dict[str, str], port: int, link: str, now: str) -> int:
    cmd = [sys.executable, "-m", "tracker", "--now", now, "serve", "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/signin", timeout=2) as r:
                    assert r.status == 200
                    assert "ลงชื่อเข้าใช้" in r.read().decode()
                    assert r.headers["Server"] == "tracker"
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        else:
            raise AssertionError(proc.stderr.read().decode() if proc.stderr else "no server")
        try:
            with urllib.request.urlopen(link, timeout=5) as r:
                assert UNIT in r.read().decode()
                return int(r.status)
        except urllib.error.HTTPError as exc:
            return int(exc.code)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
