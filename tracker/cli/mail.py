"""`tracker mail test ADDR`: one message through the configured mail settings,
and what the server said, before a season's reminders depend on them."""

from __future__ import annotations

import click

from tracker.app import App

pass_app = click.make_pass_decorator(App)


@click.group()
def mail() -> None:
    """อีเมลที่ระบบส่ง (the mail tracker sends)."""


@mail.command("test")
@click.argument("address")
@pass_app
def test(app: App, address: str) -> None:
    """ส่งอีเมลทดสอบหนึ่งฉบับด้วยค่าที่ตั้งไว้ (send one test message with the mail settings).

    บอกว่าเซิร์ฟเวอร์ตอบอย่างไร หรือเหตุที่ส่งไม่ได้ในหนึ่งบรรทัด
    (says what the server answered, or in one line why it could not be sent).

    \b
    ตัวอย่าง: tracker mail test somjai@bangchakreng.go.th
    """
    from tracker.errors import MailError
    from tracker.mail import message
    from tracker.mail.transports import (
        CAUSES,
        PermanentFailure,
        SessionFailure,
        TemporaryFailure,
        make_transport,
    )
    from tracker.textwidth import printable

    settings = app.settings.mail
    sender = message.parse_sender(settings.sender)
    stamp = app.now.strftime("%Y%m%d%H%M%S")
    text = ("อีเมลฉบับนี้ส่งจาก tracker เพื่อทดสอบการตั้งค่าการส่งอีเมล ถ้าได้รับแสดงว่าการแจ้งเตือนจะส่งถึงได้\n"
            "(a test message from tracker: if it arrived, reminders will too)\n")
    mail_ = message.build(
        sender=sender, to=[address], subject="ทดสอบการส่งอีเมลจาก tracker (test message)",
        text=text, html=f"<p>{text.splitlines()[0]}</p><p>{text.splitlines()[1]}</p>",
        msg_id=message.message_id([f"mail-test.{stamp}"], sender), date=app.now,
    )
    transport = make_transport(settings)
    try:
        with transport.session() as session:
            session.send(mail_)
    except SessionFailure as exc:
        raise MailError(f"ส่งไม่ได้: {CAUSES.get(exc.cause, exc.cause)} ({printable(str(exc))})") from None
    except (TemporaryFailure, PermanentFailure) as exc:
        raise MailError(f"ส่งไม่ได้ (not sent): {printable(str(exc))}") from None
    said = getattr(session, "last_reply", "")
    where = {"smtp": f"{settings.host}:{settings.port}", "file": "ไฟล์ (file)", "console": "หน้าจอ (console)"}
    th = f"ส่งอีเมลทดสอบถึง {address} ทาง {where.get(settings.transport, settings.transport)} แล้ว"
    en = f"test message to {address} handed over"
    if said:
        th += f" เซิร์ฟเวอร์ตอบ: {printable(said)}"
        en += f"; the server said: {printable(said)}"
    paths = getattr(session, "paths", [])
    if paths:
        th += f" ไฟล์: {paths[-1]}"
        en += f"; file: {paths[-1]}"
    click.echo(f"{th} ({en})")
