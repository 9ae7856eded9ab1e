"""Recording work: start, progress, note, check, evidence, done, reopen, outcome."""

from __future__ import annotations

from datetime import datetime

import click

from tracker.app import App
from tracker.cli import params
from tracker.errors import InvalidInput
from tracker.services import tasks

pass_app = click.make_pass_decorator(App)


def _set_actor(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value:
        ctx.find_object(App).actor_override = value  # type: ignore[union-attr]


by_option = click.option(
    "--by",
    metavar="NAME",
    expose_value=False,
    callback=_set_actor,
    help="ผู้บันทึก (who records this; default: your login name)",
)


def _ok(app: App, th: str, en: str) -> None:
    click.echo(th if app.lang == "th" else en)


def _confirm_done_date(app: App, tid: int, when: datetime) -> None:
    """A typed date that looks like a slip is said, and asked about; with no
    one at the keyboard (a script, a pipe) it is refused unless --yes."""
    import sys

    from tracker.errors import InvalidInput

    doubts = tasks.done_date_doubts(app.db, tid, when)
    if not doubts:
        return
    th, en = doubts[0]
    why = th if app.lang == "th" else en
    if not sys.stdin.isatty():
        raise InvalidInput(f"{th} ถ้าถูกต้องให้ใส่ --yes ({en}; add --yes if it is right)")
    click.echo(why, err=True)
    if not click.confirm("บันทึกวันที่นี้หรือไม่" if app.lang == "th" else "Record this date?", default=False):
        raise InvalidInput("ไม่ได้บันทึก (nothing recorded)")


@click.command()
@by_option
@click.argument("task")
@pass_app
def start(app: App, task: str) -> None:
    """เริ่มดำเนินการงาน (mark a task as started).

    \b
    ตัวอย่าง: tracker start 1
    """
    tid = params.task_id(task)
    with app.db.transaction():
        tasks.start(app.db, tid, now=app.now, actor=app.actor)
    _ok(app, f"งาน {tid}: เริ่มดำเนินการ", f"task {tid}: started")


@click.command(context_settings={"ignore_unknown_options": True})  # "-5" is a percentage, not an option
@by_option
@click.argument("task")
@click.argument("percent")
@click.option("--note", help="บันทึกสั้น ๆ (a short note)")
@pass_app
def progress(app: App, task: str, percent: str, note: str | None) -> None:
    """บันทึกความคืบหน้าเป็นร้อยละ 0-100 (record progress).

    100 หมายถึงเสร็จ (100 marks the task done).

    \b
    ตัวอย่าง: tracker progress 1 60 --note "อัปเดตเว็บไซต์แล้ว"
    """
    tid, pct = params.task_id(task), params.percent(percent)
    with app.db.transaction():
        tasks.set_progress(app.db, tid, pct, now=app.now, actor=app.actor, note=note)
    _ok(app, f"งาน {tid}: ความคืบหน้า {pct}%", f"task {tid}: progress {pct}%")


@click.command()
@by_option
@click.argument("task")
@click.argument("text")
@pass_app
def note(app: App, task: str, text: str) -> None:
    """บันทึกข้อความลงในประวัติของงาน (add a note to a task's history).

    \b
    ตัวอย่าง: tracker note 1 "ประสานงานกับกองคลังแล้ว"
    """
    tid = params.task_id(task)
    with app.db.transaction():
        tasks.add_note(app.db, tid, text, now=app.now, actor=app.actor)
    _ok(app, f"งาน {tid}: บันทึกแล้ว", f"task {tid}: note added")


@click.command()
@by_option
@click.argument("task")
@click.argument("item")
@click.option("--undo", is_flag=True, help="ยกเลิกเครื่องหมาย (untick)")
@pass_app
def check(app: App, task: str, item: str, undo: bool) -> None:
    """ทำเครื่องหมายข้อย่อยว่าทำแล้ว ความคืบหน้าเปลี่ยนตาม (tick a sub-item).

    \b
    ตัวอย่าง: tracker check 2 1.3      (ดูหมายเลขข้อย่อยด้วย tracker show 2)
    """
    tid = params.task_id(task)
    with app.db.transaction():
        pct = tasks.check_item(app.db, tid, params.item_no(item), now=app.now, actor=app.actor, done=not undo)
    _ok(
        app,
        f"งาน {tid}: ข้อ {item} {'ยกเลิกแล้ว' if undo else 'ทำแล้ว'} (ความคืบหน้า {pct}%)",
        f"task {tid}: item {item} {'unticked' if undo else 'ticked'} (progress {pct}%)",
    )


@click.command()
@by_option
@click.argument("task")
@click.argument("ref")
@click.option("--title", help="คำอธิบายหลักฐาน (what the evidence is)")
@pass_app
def evidence(app: App, task: str, ref: str, title: str | None) -> None:
    """แนบหลักฐาน: URL หรือชื่อไฟล์ (attach evidence: a URL or file reference).

    \b
    ตัวอย่าง: tracker evidence 1 https://example.go.th/ita/o1 --title "หน้าเว็บ"
    """
    tid = params.task_id(task)
    with app.db.transaction():
        tasks.add_evidence(app.db, tid, ref, now=app.now, actor=app.actor, title=title)
    _ok(app, f"งาน {tid}: แนบหลักฐานแล้ว", f"task {tid}: evidence attached")


@click.command()
@by_option
@click.argument("task")
@click.option("--note", help="บันทึกสั้น ๆ (a short note)")
@click.option("--evidence", "evidence_ref", metavar="REF", help="หลักฐาน (URL or file reference)")
@click.option("--on", "on", metavar="DATE", help='วันที่เสร็จจริง ถ้าเสร็จก่อนวันนี้ (e.g. "20 มี.ค. 66")')
@click.option("--yes", "-y", is_flag=True, help="ไม่ต้องถามยืนยันวันที่ (do not ask about an odd --on date)")
@pass_app
def done(app: App, task: str, note: str | None, evidence_ref: str | None, on: str | None, yes: bool) -> None:
    """บันทึกว่างานเสร็จแล้ว (mark a task done).

    \b
    ตัวอย่าง: tracker done 2
              tracker done 2 --on "20 มี.ค. 66" --evidence https://example.go.th/report.pdf
    """
    tid = params.task_id(task)
    when = params.user_datetime(on) if on else None
    if when is not None and not yes:
        _confirm_done_date(app, tid, when)
    with app.db.transaction():
        tasks.mark_done(
            app.db, tid, now=app.now, actor=app.actor, note=note, evidence_ref=evidence_ref, on=when
        )
    _ok(app, f"งาน {tid}: เสร็จแล้ว", f"task {tid}: done")


@click.command()
@by_option
@click.argument("task")
@pass_app
def reopen(app: App, task: str) -> None:
    """ยกเลิกสถานะเสร็จ เมื่อบันทึกผิด (undo a mistaken done; the history keeps it).

    \b
    ตัวอย่าง: tracker reopen 2
    """
    tid = params.task_id(task)
    with app.db.transaction():
        tasks.reopen(app.db, tid, now=app.now, actor=app.actor)
    _ok(app, f"งาน {tid}: เปิดใหม่แล้ว", f"task {tid}: reopened")


@click.command()
@by_option
@click.argument("task")
@click.option("--reason", help="เหตุผลที่ยกเลิก (why: kept in the history)")
@click.option("--undo", is_flag=True, help="นำมาตรการที่ยกเลิกกลับมาติดตาม (restore a cancelled measure)")
@pass_app
def cancel(app: App, task: str, reason: str | None, undo: bool) -> None:
    """ยกเลิกมาตรการ: หยุดการแจ้งเตือน แสดงว่ายกเลิกในรายงานและปฏิทิน (cancel a measure:
    its reminders stop; the report and calendars show it cancelled).

    การนำเข้าแผนฉบับเดิมอีกครั้งไม่ทำให้กลับมา ใช้ --undo เพื่อนำกลับมา
    (importing the same document again keeps it cancelled; --undo restores it).

    \b
    ตัวอย่าง: tracker cancel 4 --reason "ที่ประชุมมีมติยกเลิก"
              tracker cancel 4 --undo
    """
    tid = params.task_id(task)
    with app.db.transaction():
        if undo:
            tasks.restore(app.db, tid, now=app.now, actor=app.actor)
        else:
            if reason is None:
                raise InvalidInput("ต้องระบุเหตุผลด้วย --reason (give the reason: --reason TEXT)")
            tasks.cancel(app.db, tid, reason=reason, now=app.now, actor=app.actor)
    if undo:
        _ok(app, f"งาน {tid}: นำกลับมาติดตามแล้ว", f"task {tid}: restored")
    else:
        _ok(app, f"งาน {tid}: ยกเลิกแล้ว ไม่มีการแจ้งเตือนอีก", f"task {tid}: cancelled, no more reminders")


@click.command()
@by_option
@click.argument("task")
@click.option("--result", help="ผลการดำเนินงาน (results)")
@click.option("--problems", help="ปัญหา (problems)")
@click.option("--obstacles", help="อุปสรรค (obstacles)")
@click.option("--suggestions", help="ข้อเสนอแนะ (suggestions)")
@pass_app
def outcome(
    app: App,
    task: str,
    result: str | None,
    problems: str | None,
    obstacles: str | None,
    suggestions: str | None,
) -> None:
    """บันทึกผล ปัญหา อุปสรรค ข้อเสนอแนะ สำหรับรายงาน (the report's four fields).

    \b
    ตัวอย่าง: tracker outcome 1 --result "เผยแพร่ข้อมูลครบ 33 รายการ" --problems "ไม่มี"
    """
    tid = params.task_id(task)
    given = {"result": result, "problems": problems, "obstacles": obstacles, "suggestions": suggestions}
    with app.db.transaction():
        tasks.set_outcome(
            app.db, tid, {k: v for k, v in given.items() if v is not None}, now=app.now, actor=app.actor
        )
    _ok(app, f"งาน {tid}: บันทึกผลแล้ว", f"task {tid}: outcome saved")
