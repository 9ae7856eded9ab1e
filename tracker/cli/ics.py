"""The .ics calendar: export for Google / Outlook / Thunderbird / khal, import back."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tracker import thai
from tracker.app import App

pass_app = click.make_pass_decorator(App)


@click.group()
def ics() -> None:
    """ปฏิทิน .ics ส่งออกและนำเข้า (calendar export and import)."""


@ics.command("export")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="เขียนลงไฟล์ (write to FILE; default: standard output)",
)
@click.option(
    "--force",
    is_flag=True,
    help="เขียนผ่านลิงก์สัญลักษณ์ได้ (allow -o to write through a symlink)",
)
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    help="หนึ่งไฟล์ต่อรายการ สำหรับ khal/todoman/vdirsyncer (one .ics per item, a vdir)",
)
@click.option(
    "--owner",
    metavar="UNIT",
    help="เฉพาะงานของหน่วยงานนี้ (only this unit's tasks and their meetings)",
)
@click.option(
    "--todos/--no-todos",
    default=True,
    show_default=True,
    help="รวมรายการสิ่งที่ต้องทำ VTODO (include VTODOs; Google Calendar ignores them)",
)
@click.option("--org", metavar="NAME", help="องค์กร (organisation, when there are several)")
@click.option("--plan", "plan_id", metavar="ID", help="แผน (plan id; default: the latest)")
@pass_app
def export(
    app: App,
    output: Path | None,
    force: bool,
    directory: Path | None,
    owner: str | None,
    todos: bool,
    org: str | None,
    plan_id: str | None,
) -> None:
    """ส่งออกปฏิทิน .ics ของแผน (export the plan's calendar).

    ช่วงเวลาของแต่ละมาตรการเป็นกิจกรรมทั้งวัน พร้อมรายการสิ่งที่ต้องทำ
    และการประชุมติดตามผลพร้อมการเตือนล่วงหน้าหนึ่งวัน นำเข้าซ้ำได้โดยไม่ซ้ำซ้อน
    (windows as all-day events, tasks as to-dos, meetings with an alarm the
    day before; importing a newer export updates instead of duplicating).

    \b
    ตัวอย่าง: tracker ics export -o มาตรการ2566.ics
              tracker ics export --owner กองคลัง --no-todos -o กองคลัง.ics
              tracker ics export --dir ~/.calendars/ita
    """
    from tracker.calendar.export import export_calendar, export_folder
    from tracker.cli.outfile import is_stdout, protected_files, write_output

    if output is not None and directory is not None:
        raise click.UsageError("ใช้ -o หรือ --dir อย่างใดอย่างหนึ่ง (give either -o FILE or --dir DIR)")
    pid = thai.parse_int(plan_id, what="plan id") if plan_id else None
    th = app.lang == "th"
    if directory is not None:
        result = export_folder(
            app.db,
            directory,
            now=app.now,
            plan_id=pid,
            organisation=org,
            owner=owner,
            todos=todos,
            lang=app.lang,
        )
        click.echo(
            f"{directory}: เขียน {len(result.written)} ไฟล์, ไม่เปลี่ยน {len(result.unchanged)}"
            if th
            else f"{directory}: {len(result.written)} written, {len(result.unchanged)} unchanged"
        )
        return
    data = export_calendar(
        app.db, now=app.now, plan_id=pid, organisation=org, owner=owner, todos=todos, lang=app.lang
    )
    if output is None or is_stdout(output):
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    write_output(output, data, protected=protected_files(app), force=force)
    click.echo(f"เขียนปฏิทินแล้ว: {output}" if th else f"calendar written: {output}")


@ics.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--dry-run", is_flag=True, help="แสดงสิ่งที่จะเปลี่ยนโดยไม่บันทึก (show what would change, save nothing)"
)
@pass_app
def import_(app: App, file: Path, dry_run: bool) -> None:
    """นำเข้าสิ่งที่ทำในปฏิทินกลับมา (read a calendar back into tracker).

    รายการที่ทำเครื่องหมายเสร็จ ความคืบหน้า และการประชุมที่ย้ายวัน จะถูกบันทึก
    รายการที่ tracker ไม่ได้สร้างจะถูกข้าม (to-dos marked done, progress and
    moved meetings are recorded; items tracker did not make are left alone).
    FILE อาจเป็นโฟลเดอร์ของ khal/todoman ก็ได้ (FILE may be a vdir folder).

    \b
    ตัวอย่าง: tracker ics import ปฏิทิน.ics --dry-run
              tracker ics import ปฏิทิน.ics
              tracker ics import ~/.calendars/ita
    """
    from tracker.calendar.importer import import_calendar, read_calendar

    calendars = read_calendar(file)
    db = app.db
    with db.transaction():
        report = import_calendar(
            db,
            calendars,
            now=app.now,
            actor=app.actor,
            source=file.name,
            dry_run=dry_run,
            lang=app.lang,
        )
    th = app.lang == "th"
    words = {
        "created": ("สร้างใหม่", "created"),
        "updated": ("ปรับปรุง", "updated"),
        "unchanged": ("ไม่เปลี่ยน", "unchanged"),
        "skipped": ("ข้าม", "skipped"),
    }
    head = ("(ทดลอง ไม่ได้บันทึก) " if th else "(dry run, nothing saved) ") if dry_run else ""
    counts = report.counts()
    click.echo(head + ", ".join(f"{words[k][0 if th else 1]} {n}" for k, n in counts.items()))
    for status in ("updated", "skipped"):
        for o in report.of(status):
            detail = f" — {o.detail}" if o.detail else ""
            click.echo(f"  {words[status][0 if th else 1]}: {o.label}{detail}")


@ics.command("push")
@click.argument("url")
@click.option("--user", envvar="TRACKER_CALDAV_USER", metavar="NAME",
              help="ชื่อผู้ใช้ CalDAV (user; env TRACKER_CALDAV_USER). รหัสผ่านจาก TRACKER_CALDAV_PASSWORD "
                   "หรือถามเมื่อรัน (the password comes from TRACKER_CALDAV_PASSWORD, or is asked for)")
@click.option("--owner", metavar="UNIT",
              help="เฉพาะงานของหน่วยงานนี้ (only this unit's tasks and their meetings)")
@click.option("--todos/--no-todos", default=True, show_default=True,
              help="รวมรายการสิ่งที่ต้องทำ VTODO (include VTODOs; some servers want them in a calendar "
                   "of their own)")
@click.option("--org", metavar="NAME", help="องค์กร (organisation, when there are several)")
@click.option("--plan", "plan_id", metavar="ID", help="แผน (plan id; default: the latest)")
@click.option("--dry-run", is_flag=True, help="แสดงสิ่งที่จะส่งโดยไม่ส่ง (show what would be sent; send nothing)")
@click.option("--json", "as_json", is_flag=True, help="ผลลัพธ์เป็น JSON")
@pass_app
def push(app: App, url: str, user: str | None, owner: str | None, todos: bool, org: str | None,
         plan_id: str | None, dry_run: bool, as_json: bool) -> None:
    """ส่งปฏิทินขึ้นเซิร์ฟเวอร์ CalDAV ให้ตรงกับ tracker (keep a CalDAV calendar in step).

    ใช้กับ Nextcloud, Radicale หรือปฏิทิน CalDAV ของผู้ให้บริการอีเมล: ส่งเฉพาะรายการที่
    เพิ่มหรือเปลี่ยน ลบรายการของมาตรการหรือการประชุมที่ยกเลิก เรียกซ้ำได้ (ไม่เปลี่ยน = ไม่ส่ง)
    มือถือและโปรแกรมปฏิทินที่ซิงก์ CalDAV จะเห็นการเปลี่ยนแปลงเอง

    \b
    ตัวอย่าง: tracker ics push https://cloud.example.go.th/remote.php/dav/calendars/somjai/ita/ --user somjai
              tracker ics push http://127.0.0.1:5232/somjai/ita/ --no-todos --dry-run
    """
    import os

    from tracker.calendar import push as pushing
    from tracker.calendar.caldav_server import CalDavServer
    from tracker.errors import CalendarError, InvalidInput

    if not url.startswith(("http://", "https://")):
        raise InvalidInput(f"URL ของปฏิทินต้องขึ้นต้นด้วย http:// หรือ https:// (not a calendar URL: {url!r})")
    password = os.environ.get("TRACKER_CALDAV_PASSWORD")
    if user and password is None:
        if not sys.stdin.isatty():
            raise InvalidInput("ตั้ง TRACKER_CALDAV_PASSWORD ก่อน "
                               "(set TRACKER_CALDAV_PASSWORD: no terminal to ask on)")
        password = click.prompt("รหัสผ่าน CalDAV (password)", hide_input=True)
    server = CalDavServer(url, user=user, password=password)
    if not dry_run:
        server.check()
    try:
        with app.db.transaction():
            report = pushing.push_plan(
                app.db, server, url, now=app.now, actor=app.actor, owner=owner, organisation=org,
                plan_id=thai.parse_int(plan_id, what="plan id") if plan_id else None,
                todos=todos, lang=app.lang, dry_run=dry_run)
    except pushing.PushError as exc:
        raise CalendarError(f"เซิร์ฟเวอร์ CalDAV ไม่รับ {exc.what} (the server refused {exc.what} "
                            f"{exc.href}: HTTP {exc.status})") from None
    counts = {"created": len(report.created), "updated": len(report.updated),
              "deleted": len(report.deleted), "overwritten": len(report.overwritten),
              "unchanged": report.unchanged}
    if as_json:
        from tracker.cli.output import emit_json

        emit_json({"url": url, "dry_run": dry_run, **counts})
        return
    words = {"created": ("สร้าง", "created"), "updated": ("ปรับปรุง", "updated"), "deleted": ("ลบ", "deleted"),
             "overwritten": ("เขียนทับ", "overwritten"), "unchanged": ("ไม่เปลี่ยน", "unchanged")}
    th = app.lang == "th"
    head = ("(ทดลอง ไม่ได้ส่ง) " if th else "(dry run, nothing sent) ") if dry_run else ""
    click.echo(head + ", ".join(f"{words[k][0 if th else 1]} {n}" for k, n in counts.items()))
    if report.overwritten:
        click.echo("warning: มีรายการที่ถูกแก้บนเซิร์ฟเวอร์และถูกเขียนทับด้วยข้อมูลใน tracker "
                   "(items changed on the server were replaced by tracker's)", err=True)
