"""`tracker edit`: correct what the plan document got wrong."""

from __future__ import annotations

import click

from tracker import thai
from tracker.app import App
from tracker.cli import params
from tracker.cli.show import fmt_date
from tracker.cli.work import by_option

pass_app = click.make_pass_decorator(App)


@click.command()
@by_option
@click.argument("task")
@click.option("--title", help="ชื่อมาตรการที่ถูกต้อง (the right title)")
@click.option(
    "--owner",
    "owners",
    multiple=True,
    metavar="UNIT",
    help="ผู้รับผิดชอบ ระบุได้หลายครั้ง (a responsible unit; repeat for several)",
)
@click.option(
    "--period", metavar="P", help='ระยะเวลาดำเนินการ เช่น "ม.ค. - มิ.ย. ๖๖" (the period, as a plan writes it)'
)
@click.option("--start", metavar="D", help='วันเริ่ม เช่น "1 ม.ค. 2566" หรือ 2023-01-01 (first day)')
@click.option("--end", metavar="D", help="วันสิ้นสุด (last day)")
@click.option(
    "--meeting",
    "meeting",
    metavar="ID",
    help="การประชุมติดตามผล (follow-up meeting id, see tracker meeting list)",
)
@pass_app
def edit(
    app: App,
    task: str,
    title: str | None,
    owners: tuple[str, ...],
    period: str | None,
    start: str | None,
    end: str | None,
    meeting: str | None,
) -> None:
    """แก้ไขสิ่งที่เอกสารแผนเขียนผิด: ชื่อ ผู้รับผิดชอบ ช่วงเวลา การประชุม (correct a task).

    ทุกการแก้ไขบันทึกในประวัติ (every change goes into the history).

    \b
    ตัวอย่าง: tracker edit 3 --period "ม.ค. - มิ.ย. ๖๖"
              tracker edit 3 --start "๑ ก.พ. ๖๖" --end 2023-05-31
              tracker edit 3 --owner กองคลัง --owner สำนักปลัดฯ
    """
    from tracker.services.editing import Edit, edit_task

    tid = params.task_id(task)
    wanted = Edit(
        title=title,
        owners=owners or None,
        period=period,
        start=params.user_date(start) if start else None,
        end=params.user_date(end) if end else None,
        meeting_id=thai.parse_int(meeting.lstrip("#"), what="meeting id (หมายเลขการประชุม)")
        if meeting
        else None,
    )
    with app.db.transaction():
        changes = edit_task(app.db, tid, wanted, now=app.now, actor=app.actor)
    th = app.lang == "th"
    if not changes:
        click.echo(f"งาน {tid}: ไม่มีอะไรเปลี่ยน" if th else f"task {tid}: nothing to change")
        return
    click.echo(f"งาน {tid}: แก้ไขแล้ว" if th else f"task {tid}: corrected")
    for column, (old, new) in changes.items():
        th_name, en_name = _NAMES.get(column, (column, column))
        click.echo(f"  {th_name if th else en_name}: {_text(app, column, old)} → {_text(app, column, new)}")


_NAMES = {
    "title": ("ชื่อมาตรการ", "title"),
    "owners": ("ผู้รับผิดชอบ", "owners"),
    "period_text": ("ระยะเวลาดำเนินการ", "period"),
    "starts_on": ("วันเริ่ม", "start"),
    "ends_on": ("วันสิ้นสุด", "end"),
    "meeting_id": ("การประชุมติดตามผล", "meeting"),
}


def _text(app: App, column: str, value: object) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if value is None:
        return "-"
    if column in ("starts_on", "ends_on"):
        return fmt_date(app, str(value))  # BE in Thai, as everywhere a date is shown
    return f"#{value}" if column == "meeting_id" else str(value)
