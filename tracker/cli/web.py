"""`tracker serve`, `tracker link`, `tracker user`: the web pages and their keys."""

from __future__ import annotations

import sys

import click

from tracker.app import App
from tracker.errors import InvalidInput

pass_app = click.make_pass_decorator(App)
DEFAULT_BASE = "http://127.0.0.1:8080"


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="ที่อยู่ที่รับการเชื่อมต่อ (address to listen on)")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(1, 65535), help="พอร์ต (port)")
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 64),
              help="จำนวนเธรด (worker threads)")
@pass_app
def serve(app: App, host: str, port: int, threads: int) -> None:
    """เปิดหน้าเว็บ: หน่วยงานบันทึกผลผ่านลิงก์ เจ้าหน้าที่ลงชื่อเข้าใช้ (run the web pages).

    ใช้เซิร์ฟเวอร์ waitress ทั้งบน Linux และ Windows; ตั้ง [web] base_url ในไฟล์ตั้งค่า
    เป็นที่อยู่ที่ผู้ใช้เปิด (เช่น https://ita.example.go.th) เพื่อให้อีเมลแนบลิงก์ได้

    \b
    ตัวอย่าง: tracker serve
              tracker serve --host 0.0.0.0 --port 8080
    """
    import waitress

    from tracker.clock import running
    from tracker.web.app import create_app

    app.db  # noqa: B018 - create or check the schema before the first visitor
    web = create_app(app.settings, db_url=app.db_url, clock=running(app.now))
    shown = app.settings.web.get("base_url") or f"http://{host}:{port}"
    click.echo(f"tracker serve: {shown} (ฟังที่ {host}:{port}; Ctrl+C เพื่อหยุด)", err=True)
    waitress.serve(web, host=host, port=port, threads=threads, ident="tracker",
                   max_request_body_size=web.config["MAX_CONTENT_LENGTH"])


@click.command()
@click.argument("unit", required=False)
@click.option("--calendar", is_flag=True,
              help="ลิงก์ปฏิทินสำหรับสมัครรับใน Google/Outlook/Thunderbird (a calendar feed URL; "
                   "without UNIT: the whole organisation)")
@click.option("--revoke", is_flag=True, help="ยกเลิกลิงก์เดิมและออกลิงก์ใหม่ (revoke the old link, print a new one)")
@click.option("--org", metavar="NAME", help="หน่วยงาน (organisation, when there are several)")
@pass_app
def link(app: App, unit: str | None, calendar: bool, revoke: bool, org: str | None) -> None:
    """พิมพ์ลิงก์ส่วนตัวของหน่วยงาน หรือลิงก์ปฏิทิน (print or renew a unit's link or a calendar feed).

    ลิงก์เปิดหน้าของหน่วยงานได้โดยไม่ต้องมีรหัสผ่าน จึงควรส่งให้หัวหน้าหน่วยงานเท่านั้น
    --calendar พิมพ์ที่อยู่ปฏิทินที่อัปเดตเอง (ใส่ใน Google Calendar "From URL",
    Outlook "Subscribe from web", Thunderbird "On the Network")
    --revoke ทำให้ลิงก์ที่เคยส่งไปทั้งหมดใช้ไม่ได้ทันที

    \b
    ตัวอย่าง: tracker link "สำนักปลัดฯ"
              tracker link "กองคลัง" --revoke
              tracker link --calendar                 (ปฏิทินของทั้งหน่วยงาน)
              tracker link "กองคลัง" --calendar --revoke
    """
    from tracker.services import links as versions
    from tracker.services.units import organisation_id
    from tracker.web import links

    if unit is None and not calendar:  # a unit's page needs its unit
        raise InvalidInput("ระบุชื่อหน่วยงาน หรือใช้ --calendar (give a UNIT, or --calendar for the whole "
                           "organisation's calendar)")
    base = app.settings.web.get("base_url") or DEFAULT_BASE
    with app.db.transaction():
        org_id = organisation_id(app.db, org)
        name = versions.known_unit(app.db, org_id, unit) if unit is not None else None
        if calendar:
            from tracker.services import feed_links

            if revoke:
                feed_links.renew(app.db, org_id, name, now=app.now, actor=app.actor)
            url = links.feed_url(base, links.feed_token(app.db, app.settings, org_id, name))
        elif name is not None:
            if revoke:
                versions.renew(app.db, org_id, name, now=app.now, actor=app.actor)
            url = links.unit_url(base, links.unit_token(app.db, app.settings, org_id, name, now=app.now))
    click.echo(url)
    if calendar:
        click.echo(f"({links.webcal(url)} สำหรับ Outlook / Apple Calendar)", err=True)
    if revoke:
        click.echo("ลิงก์เดิมใช้ไม่ได้แล้ว (the earlier links no longer work)", err=True)


@click.group()
def user() -> None:
    """ผู้ใช้ที่ลงชื่อเข้าหน้าเว็บของเจ้าหน้าที่ (the clerks' sign-ins)."""


@user.command("add")
@click.argument("name")
@click.option("--password-stdin", is_flag=True,
              help="อ่านรหัสผ่านจาก stdin หนึ่งบรรทัด (read the password from stdin, for scripts)")
@pass_app
def user_add(app: App, name: str, password_stdin: bool) -> None:
    """เพิ่มผู้ใช้ หรือตั้งรหัสผ่านใหม่ (add a clerk's sign-in, or set a new password).

    รหัสผ่านถูกเก็บแบบแฮช (scrypt) ไม่เก็บตัวรหัสผ่าน

    \b
    ตัวอย่าง: tracker user add somjai
    """
    from tracker.services import users

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("รหัสผ่าน (password)", hide_input=True,
                                confirmation_prompt="ยืนยันรหัสผ่าน (again)")
    if not password:
        raise InvalidInput("รหัสผ่านว่างเปล่า (the password is empty)")
    with app.db.transaction():
        new = users.add_user(app.db, name, password, now=app.now, actor=app.actor)
    click.echo(f"เพิ่มผู้ใช้ {name} แล้ว" if new else f"ตั้งรหัสผ่านใหม่ของ {name} แล้ว")
