"""`tracker demo`: the whole season of the bundled sample plan, on the
embedded defaults (a SQLite file, mail written as files), in a folder."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import click

from tracker.app import App
from tracker.clock import BANGKOK
from tracker.templating import PACKAGE

SAMPLE = PACKAGE / "data" / "bangchakreng-2566.txt"


def _fixed(moment: datetime) -> Callable[[], datetime]:
    return lambda: moment


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BANGKOK)


@click.command()
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    help="โฟลเดอร์ผลลัพธ์ (where to put the demo; default: a new temporary folder)",
)
@click.pass_obj
def demo(outer: App, directory: Path | None) -> None:
    """สาธิตทั้งฤดูกาลด้วยแผนตัวอย่างของเทศบาลตำบลบางจะเกร็ง (the whole season on the sample plan).

    สร้างฐานข้อมูลใหม่ในโฟลเดอร์ นำเข้าแผน บันทึกความคืบหน้า แล้วแสดงรายการงาน
    (a fresh database in the folder, the sample imported, progress recorded, the task list shown).

    \b
    ตัวอย่าง: tracker demo --dir ./demo
    """
    from tracker.plans.reader import read_plan
    from tracker.services import importing, meetings, tasks, units

    folder = directory or Path(tempfile.mkdtemp(prefix="tracker-demo-"))
    folder.mkdir(parents=True, exist_ok=True)
    db_file = folder / "tracker.db"
    if db_file.exists():
        db_file.unlink()  # a demo always starts from nothing
    from tracker.config import MailSettings, Settings

    # The embedded defaults, whatever the user's config says: mail as .eml files.
    outbox_dir = folder / "outbox"
    app = App(
        now=_at("2022-12-15T09:00"),
        db_url=f"sqlite:///{db_file}",
        lang=outer.lang,
        actor_override="demo",
        settings=Settings(
            mail=MailSettings(transport="file", outbox_dir=outbox_dir, sender="tracker@bangchakreng.example")
        ),
    )
    th = app.lang == "th"

    def step(th_text: str, en_text: str) -> None:
        click.echo("\n" + click.style(f"▶ {th_text if th else en_text}", bold=True))

    step(f"นำเข้าแผนตัวอย่าง {SAMPLE.name}", f"importing the sample plan {SAMPLE.name}")
    plan = read_plan(SAMPLE)
    app.creates = True
    db = app.db
    with db.transaction():
        summary = importing.import_plan(db, plan, source=SAMPLE.name, now=app.now, actor="demo")
        units.set_unit(db, "สำนักปลัดฯ", ["palad@bangchakreng.example"], now=app.now, actor="demo")
        meeting_id = meetings.list_meetings(db)[0]["id"]
        meetings.set_meeting(
            db,
            meeting_id,
            now=app.now,
            actor="demo",
            on=_at("2023-04-20T00:00").date(),
            at=_at("2023-04-20T10:00").timetz().replace(tzinfo=None),
            place="ห้องประชุมเทศบาลตำบลบางจะเกร็ง",
            attendees=["mayor@bangchakreng.example", "palad@bangchakreng.example"],
        )
    click.echo(
        f"{plan.organisation} {'ปีงบประมาณ' if th else 'fiscal year'} {plan.fiscal_year}: "
        f"{len(summary.created)} {'มาตรการ' if th else 'measures'}"
    )
    ids = {t["number"]: t["id"] for t in tasks.list_tasks(db, now=app.now, with_children=False)}

    from tracker.cli.remind import _print_rows
    from tracker.reminders import run
    from tracker.reminders.preview import preview

    policy = run.load_policy(app.settings)
    step("อีเมลแจ้งเตือนที่จะส่งทั้งฤดูกาล (ธ.ค. 2565 – เม.ย. 2566)", "every reminder of the season (Dec – Apr)")
    with db.transaction():
        rows = preview(
            db,
            app.settings,
            policy,
            start=_at("2022-12-15T00:00").date(),
            end=_at("2023-04-30T00:00").date(),
            now=app.now,
        )
    _print_rows(app, rows)

    step(
        "จำลองฤดูกาล: บันทึกงานและส่งอีเมลทุกวันทำการ 08:30 (ม.ค. – เม.ย. 2566)",
        "the season, day by day: work recorded, reminders sent at 08:30 on working days",
    )
    work: list[tuple[str, Callable[[datetime], object]]] = [
        ("2023-01-05T09:10", lambda now: tasks.start(db, ids["1"], now=now, actor="สำนักปลัดฯ")),
        (
            "2023-02-01T14:00",
            lambda now: tasks.set_progress(
                db, ids["1"], 60, now=now, actor="สำนักปลัดฯ", note="อัปเดตเว็บไซต์แล้ว"
            ),
        ),
        ("2023-02-10T10:00", lambda now: tasks.check_item(db, ids["2"], "1.1", now=now, actor="สำนักปลัดฯ")),
        (
            "2023-03-20T15:30",
            lambda now: tasks.mark_done(
                db, ids["1"], now=now, actor="สำนักปลัดฯ", evidence_ref="https://bangchakreng.example/ita/o1"
            ),
        ),
        (
            "2023-03-21T09:00",
            lambda now: tasks.set_outcome(
                db,
                ids["1"],
                {
                    "result": "เผยแพร่ข้อมูลที่เป็นปัจจุบันบนเว็บไซต์ครบทุกหัวข้อ",
                    "problems": "ข้อมูลบางส่วนต้องรอจากกองคลัง",
                    "obstacles": "เจ้าหน้าที่ดูแลเว็บไซต์มีคนเดียว",
                    "suggestions": "กำหนดผู้รับผิดชอบสำรองในแต่ละกอง",
                },
                now=now,
                actor="สำนักปลัดฯ",
            ),
        ),
    ]
    # Replay the season in time order: the day's reminder run at 08:30, and
    # the work recorded at the times it happened.
    day = _at("2022-12-15T08:30")
    sent = 0
    pending = list(work)
    while day <= _at("2023-04-21T08:30"):
        while pending and _at(pending[0][0]) < day:
            when, action = pending.pop(0)
            with db.transaction():
                action(_at(when))
        run.enqueue_due(db, policy, day)
        sent += len(run.send_due(db, app.settings, policy, clock=_fixed(day), worker="demo").sent)
        day += timedelta(days=1)
    click.echo(f"{'ส่งอีเมลแล้ว' if th else 'mails sent'} {sent} → {outbox_dir}")

    as_of = _at("2023-04-03T09:00")
    step("รายการงาน ณ วันที่ 3 เม.ย. 2566", "the task list on 3 April 2023")
    from tracker.cli.show import task_table

    click.echo(task_table(app, tasks.list_tasks(db, now=as_of, brief=True)))

    step("ปฏิทิน .ics สำหรับ Google Calendar / Outlook / Thunderbird", "the .ics calendar")
    from tracker.calendar.export import export_calendar

    ics = folder / "tracker.ics"
    ics.write_bytes(export_calendar(db, now=as_of, lang=app.lang))
    click.echo(str(ics))

    step("รายงานเสนอที่ประชุมประจำเดือนเมษายน 2566", "the report for the April 2023 meeting")
    from tracker.report.render import load_report, render, warnings

    report = load_report(db, meeting_id=meeting_id, now=as_of, settings=app.settings)
    click.echo(render(report, fmt="text", lang=app.lang, digits=None, settings=app.settings).decode())
    for line in warnings(report, app.lang):
        click.echo(f"warning: {line}", err=True)
    for fmt in ("html", "pdf"):
        out = folder / f"report-2566-04.{fmt}"
        out.write_bytes(render(report, fmt=fmt, lang=app.lang, digits=None, settings=app.settings))
        click.echo(str(out))

    step("ผลลัพธ์อยู่ที่", "everything is in")
    click.echo(str(folder))
    app.close()
