"""Mail against a real SMTP server on loopback (aiosmtpd, STARTTLS + AUTH)."""

from __future__ import annotations

import base64
import io
import logging
import os
import socket
import ssl
import stat
import traceback
from datetime import datetime
from pathlib import Path

import pytest

from tests.mail_support import (
    PASSWORD,
    SENDER,
    USER,
    read_mail,
    smtp_server,
    smtp_settings,
)
from tracker.clock import BANGKOK
from tracker.mail.message import Attachment, Mail, build, message_id, parse_sender
from tracker.mail.transports import (
    ConsoleTransport,
    FileTransport,
    PermanentFailure,
    SmtpTransport,
    TemporaryFailure,
)

NOW = datetime(2023, 3, 29, 8, 30, tzinfo=BANGKOK)
THAI_SUBJECT = (
    "[ITA] อีก 3 วันทำการ ครบกำหนดมาตรการที่ 2: กำหนดมาตรการด้านการป้องกันการทุจริต"
    "เพื่อแสดงถึงความพยายามที่จะป้องกันการทุจริตในหน่วยงาน"
)


def message(
    key: str = "closing_soon:t2:2023-03-28:41ec7f91e8",
    *,
    to: tuple[str, ...] = ("palad@example.go.th",),
    subject: str = THAI_SUBJECT,
    attachments: tuple[Attachment, ...] = (),
) -> Mail:
    sender = parse_sender(SENDER)
    return build(
        sender=sender,
        to=list(to),
        subject=subject,
        text="เรียน สำนักปลัดฯ\nข้อความ",
        html="<p>เรียน สำนักปลัดฯ</p>",
        msg_id=message_id([key], sender),
        date=NOW,
        keys=[key],
        attachments=attachments,
    )


def client_ctx(cafile: Path) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(cafile))


def test_starttls_auth_one_connection_per_batch(tmp_path: Path) -> None:
    with smtp_server(tmp_path) as (rec, port, ca):
        t = SmtpTransport(smtp_settings(port), ssl_context=client_ctx(ca))
        with t.session() as s:
            for i in range(5):
                s.send(message(f"nudge:t{i}:2023-01-16:aa"))
        assert s.connections == 1
    assert len(rec.arrivals) == 5
    assert len({a.peer for a in rec.arrivals}) == 1  # one TCP connection carried all five


def test_thai_subject_and_sender_survive_the_bytes(tmp_path: Path) -> None:
    with smtp_server(tmp_path) as (rec, port, ca):  # noqa: SIM117 - the session needs the port
        with SmtpTransport(smtp_settings(port), ssl_context=client_ctx(ca)).session() as s:
            s.send(message())
    raw = rec.arrivals[0].raw
    assert max(raw) < 128  # 7-bit clean: no relay needs 8BITMIME or SMTPUTF8
    mail = read_mail(raw)
    h = mail.headers
    assert mail.subject == THAI_SUBJECT
    assert mail.sender == SENDER
    assert h["message-id"] == "<closing_soon.t2.2023-03-28.41ec7f91e8.tracker@bangchakreng.go.th>"
    assert h["auto-submitted"] == "auto-generated"
    assert h["to"] == "palad@example.go.th"
    msg = mail.msg
    assert msg.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    assert "เรียน สำนักปลัดฯ" in msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert rec.arrivals[0].mail_from == "tracker@bangchakreng.go.th"


def test_message_id_is_stable_and_attachment_makes_mixed() -> None:
    a = message(
        attachments=(
            Attachment("meeting-1.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text", "calendar"),
        )
    )
    b = message()
    assert a.message_id == b.message_id
    parsed = read_mail(a.data).msg
    assert parsed.get_content_type() == "multipart/mixed"
    assert parsed.get_body(("plain",)).get_content().startswith("เรียน สำนักปลัดฯ")  # type: ignore[union-attr]
    att = next(parsed.iter_attachments())
    assert att.get_content_type() == "text/calendar" and att.get_filename() == "meeting-1.ics"


@pytest.mark.parametrize(
    "evil",
    [
        "สำนักปลัดฯ\r\nBcc: victim@evil.example",
        "กองคลัง\nX-Injected: yes",
        "title\u2028Bcc: x@evil.example",
    ],
)
def test_no_header_injection(tmp_path: Path, evil: str) -> None:
    with smtp_server(tmp_path) as (rec, port, ca):  # noqa: SIM117 - the session needs the port
        with SmtpTransport(smtp_settings(port), ssl_context=client_ctx(ca)).session() as s:
            s.send(message(subject=f"[ITA] {evil}"))
    arrival = rec.arrivals[0]
    mail = read_mail(arrival.raw)
    assert "bcc" not in mail.headers and "x-injected" not in mail.headers
    assert arrival.rcpt == ["palad@example.go.th"] and mail.to == ["palad@example.go.th"]
    assert "\n" not in mail.subject


def test_bad_recipient_address_refused_before_sending() -> None:
    from tracker.errors import MailError

    with pytest.raises(MailError):
        message(to=("a@b.example\r\nBcc: c@d.example",))


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_implicit_tls(tmp_path: Path) -> None:
    with smtp_server(tmp_path, implicit_tls=True) as (rec, port, ca):  # noqa: SIM117 - the session needs the port
        with SmtpTransport(smtp_settings(port, security="ssl"), ssl_context=client_ctx(ca)).session() as s:
            s.send(message())
    assert len(rec.arrivals) == 1


def test_auth_refused_without_tls(tmp_path: Path) -> None:
    """The server requires STARTTLS first; security=none cannot even log in."""
    with (
        smtp_server(tmp_path) as (rec, port, _ca),
        pytest.raises(TemporaryFailure) as err,
        SmtpTransport(smtp_settings(port, security="none")).session() as s,
    ):
        s.send(message())
    assert err.value.connection
    assert not rec.arrivals


def test_wrong_password_never_shown(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    wrong = "Wr0ng-Secret-Value-77"
    caplog.set_level(logging.DEBUG)
    with smtp_server(tmp_path) as (rec, port, ca):
        t = SmtpTransport(smtp_settings(port, password=wrong), ssl_context=client_ctx(ca))
        with pytest.raises(TemporaryFailure) as err, t.session() as s:
            s.send(message())
        formatted = "".join(traceback.format_exception(err.value))
    forms = [
        wrong,
        base64.b64encode(wrong.encode()).decode(),
        base64.b64encode(f"\0{USER}\0{wrong}".encode()).decode(),
    ]
    for text in (str(err.value), formatted, caplog.text, repr(t)):
        for f in forms:
            assert f not in text
    assert "login refused" in str(err.value)
    assert not rec.arrivals


def test_rejected_recipient_is_permanent_4xx_temporary(tmp_path: Path) -> None:
    with smtp_server(tmp_path) as (rec, port, ca):
        rec.reject_rcpt["gone@example.go.th"] = "550 5.1.1 no such user"
        rec.reject_rcpt["full@example.go.th"] = "452 4.2.2 mailbox full"
        with SmtpTransport(smtp_settings(port), ssl_context=client_ctx(ca)).session() as s:
            with pytest.raises(PermanentFailure):
                s.send(message(to=("gone@example.go.th",)))
            with pytest.raises(TemporaryFailure) as err:
                s.send(message(to=("full@example.go.th",)))
            assert not err.value.connection
            s.send(message())  # the connection is still usable
        assert s.connections == 1
    assert len(rec.arrivals) == 1


def test_data_refused_for_now_is_temporary(tmp_path: Path) -> None:
    with smtp_server(tmp_path) as (rec, port, ca):
        rec.refuse = "451 4.3.0 try again later"
        with (
            pytest.raises(TemporaryFailure),
            SmtpTransport(smtp_settings(port), ssl_context=client_ctx(ca)).session() as s,
        ):
            s.send(message())
        rec.refuse = "554 5.6.0 message refused"
        with (
            pytest.raises(PermanentFailure),
            SmtpTransport(smtp_settings(port), ssl_context=client_ctx(ca)).session() as s,
        ):
            s.send(message())


def test_connection_refused_is_temporary() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(TemporaryFailure) as err, SmtpTransport(smtp_settings(port)).session() as s:
        s.send(message())
    assert err.value.connection
    assert PASSWORD not in str(err.value)


def test_file_transport_private_and_idempotent(tmp_path: Path) -> None:
    folder = tmp_path / "outbox"
    t = FileTransport(folder)
    with t.session() as s:
        s.send(message())
        s.send(message())  # the same reminder again: same file
    files = list(folder.iterdir())
    assert [f.name for f in files] == ["closing_soon.t2.2023-03-28.41ec7f91e8.tracker@bangchakreng.go.th.eml"]
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert read_mail(files[0].read_bytes()).subject == THAI_SUBJECT


def test_console_transport_prints_decoded() -> None:
    out = io.StringIO()
    with ConsoleTransport(out).session() as s:
        s.send(message())
    text = out.getvalue()
    assert THAI_SUBJECT in text and "เรียน สำนักปลัดฯ" in text


def test_cli_never_prints_the_password(run, db_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """`tracker remind -vv` against a server that refuses the login: the
    password appears nowhere in what the command prints."""
    from factories import measure, small_plan

    from tracker.db.connection import open_database
    from tracker.services.importing import import_plan

    secret = "Pw-" + os.urandom(6).hex()
    assert run("init").code == 0
    db = open_database(db_url)
    with db.transaction():
        import_plan(db, small_plan(measure("1", "มาตรการทดสอบ")), source="t", now=NOW, actor="t")
    db.close()
    assert run("unit", "set", "สำนักปลัดฯ", "--email", "palad@example.go.th").code == 0
    with smtp_server(tmp_path) as (rec, port, ca):
        env = {
            "TRACKER_MAIL_TRANSPORT": "smtp",
            "TRACKER_SMTP_HOST": "127.0.0.1",
            "TRACKER_SMTP_PORT": str(port),
            "TRACKER_SMTP_SECURITY": "starttls",
            "TRACKER_SMTP_USER": USER,
            "TRACKER_SMTP_PASSWORD": secret,
            "TRACKER_MAIL_FROM": SENDER,
            "SSL_CERT_FILE": str(ca),
        }
        r = run("remind", "-vv", now="2023-01-04T09:00", env=env)
        s = run("remind", "--status", now="2023-01-04T09:05", env=env)
    assert r.code == 1, r.err  # nothing could be sent: cron must see it
    for text in (r.out, r.err, s.out, s.err):
        assert secret not in text
        assert base64.b64encode(secret.encode()).decode() not in text
    assert "login refused" in r.err + s.out
    assert not rec.arrivals


# ---------------------------------------------------------------- deliver: one message at a time


def _keyed(n: int) -> list[str]:
    return [f"nudge:t{i}:2023-01-16:aa" for i in range(1, n + 1)]


def test_deliver_sends_in_order_and_stops_when_asked(tmp_path: Path) -> None:
    made: list[str] = []

    def mail_of(key: str) -> Mail:
        made.append(key)
        return message(key)

    with smtp_server(tmp_path) as (rec, port, ca):  # noqa: SIM117 - the session needs the port
        with SmtpTransport(smtp_settings(port), ssl_context=client_ctx(ca)).session() as s:
            results = []
            # asked before each new message is made
            for key, error in s.deliver(_keyed(5), mail_of, keep_going=lambda: len(made) < 3):
                results.append((key, error))
    assert results == [(k, None) for k in _keyed(3)]
    assert made == _keyed(3)
    assert rec.sent_keys() == _keyed(3)
    assert s.connections == 1


def test_deliver_a_message_that_cannot_be_made_stops_after_the_one_in_flight(tmp_path: Path) -> None:
    def mail_of(key: str) -> Mail:
        if key.startswith("nudge:t3:"):
            raise RuntimeError("template broken")
        return message(key)

    seen = []

    def send_all() -> None:
        with SmtpTransport(smtp_settings(port), ssl_context=client_ctx(ca)).session() as s:
            for key, error in s.deliver(_keyed(5), mail_of):
                seen.append((key, error))

    with smtp_server(tmp_path) as (rec, port, ca):
        with pytest.raises(RuntimeError, match="template broken"):
            send_all()
        # the server saw two whole messages and a clean end, nothing half-sent
        assert rec.sent_keys() == _keyed(2)
    assert seen == [(k, None) for k in _keyed(2)]


def test_deliver_refused_recipient_fails_that_one_and_goes_on(tmp_path: Path) -> None:
    keys = _keyed(3)
    to = {keys[1]: ("gone@example.go.th",)}
    with smtp_server(tmp_path) as (rec, port, ca):
        rec.reject_rcpt["gone@example.go.th"] = "550 5.1.1 no such user"
        with SmtpTransport(smtp_settings(port), ssl_context=client_ctx(ca)).session() as s:
            results = list(s.deliver(keys, lambda k: message(k, to=to.get(k, ("palad@example.go.th",)))))
        assert rec.sent_keys() == [keys[0], keys[2]]
    assert [k for k, _ in results] == keys
    assert results[0][1] is None and results[2][1] is None
    assert isinstance(results[1][1], PermanentFailure)
    assert s.connections == 1


def test_deliver_stops_when_the_server_closes(tmp_path: Path) -> None:
    keys = _keyed(4)
    with smtp_server(tmp_path) as (rec, port, ca):  # noqa: SIM117 - the session needs the port
        with SmtpTransport(smtp_settings(port), ssl_context=client_ctx(ca)).session() as s:
            results = []
            for key, error in s.deliver(keys, message):
                results.append((key, error))
                if len(results) == 1:
                    rec.refuse = "421 4.3.2 shutting down"
    assert results[0] == (keys[0], None)
    assert len(results) == 2  # the second was refused with 421: nothing more was tried
    assert isinstance(results[1][1], TemporaryFailure) and results[1][1].connection
    assert rec.sent_keys() == keys[:1]
