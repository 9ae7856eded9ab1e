"""Setting up: init, import, plan, unit, meeting."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from tracker import thai
from tracker.app import App
from tracker.cli import params
from tracker.cli.output import emit_json, table
from tracker.cli.show import fmt_date

if TYPE_CHECKING:
    from tracker.services.importing import Change, ImportSummary

pass_app = click.make_pass_decorator(App)


class _Rollback(Exception):
    """Raised inside a transaction to undo it (dry runs)."""


@click.command()
@pass_app
def init(app: App) -> None:
    """สร้างหรือปรับปรุงฐานข้อมูล เรียกซ้ำได้ (create or upgrade the database; idempotent).

    ก่อนปรับปรุงไฟล์ SQLite จะสำรองไฟล์เดิมไว้ข้าง ๆ (a SQLite file is backed up first).
    """
    from tracker.db.migrate import upgrade

    before, after, backup = upgrade(app.db_url, now=app.now)
    th = app.lang == "th"
    if before == after:
        click.echo(f"ฐานข้อมูลเป็นรุ่นล่าสุดแล้ว ({after})" if th else f"database is up to date ({after})")
    elif before is None:
        click.echo(f"สร้างฐานข้อมูลแล้ว ({after})" if th else f"database created ({after})")
    else:
        click.echo(
            (f"ปรับปรุงฐานข้อมูล {before} → {after}" if th else f"database upgraded {before} → {after}")
            + (f" (backup: {backup})" if backup else "")
        )


@click.command("copy-to")
@click.argument("target_url", metavar="URL")
@pass_app
def copy_to(app: App, target_url: str) -> None:
    """คัดลอกฐานข้อมูลทั้งหมดไปยังฐานข้อมูลใหม่ เช่น จาก SQLite ไป PostgreSQL
    (copy the whole database into another, empty one; ids are kept).

    \b
    ตัวอย่าง: tracker copy-to postgresql+psycopg://tracker@dbhost/tracker
    """
    from tracker.db.connection import open_database
    from tracker.db.transfer import copy_database

    target = open_database(target_url)
    try:
        copied = copy_database(app.db, target, now=app.now)
    finally:
        target.close()
    click.echo(", ".join(f"{name} {n}" for name, n in copied.items() if n))


@click.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--dry-run", is_flag=True, help="แสดงสิ่งที่จะเกิดขึ้นโดยไม่บันทึก (show what would change, save nothing)"
)
@pass_app
def import_(app: App, file: Path, dry_run: bool) -> None:
    """นำเข้าแผนมาตรการ: Word (.docx), หน้าเว็บ (.html), Excel (.xlsx), ข้อความ หรือ CSV
    (import a plan document; the format is found from the content).

    นำเข้าซ้ำได้: ข้อมูลเดิมจะถูกปรับปรุงโดยความคืบหน้าที่บันทึกไว้ยังอยู่
    (importing again updates the plan and keeps recorded progress).

    \b
    ตัวอย่าง: tracker import มาตรการ2567.docx --dry-run
              tracker import มาตรการ2567.docx
    """
    from tracker.plans.reader import read_plan
    from tracker.services.importing import import_plan

    plan = read_plan(file)
    app.creates = True
    db = app.db
    try:
        with db.transaction():
            summary = import_plan(db, plan, source=file.name, now=app.now, actor=app.actor)
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    th = app.lang == "th"
    for p in plan.problems:
        click.echo(f"warning: {file.name}:{p.line}: {p.message}", err=True)
    head = "(ทดลอง ไม่ได้บันทึก) " if dry_run and th else "(dry run, nothing saved) " if dry_run else ""
    click.echo(
        f"{head}{plan.organisation} ปีงบประมาณ {plan.fiscal_year}"
        if th
        else f"{head}{plan.organisation}, fiscal year {plan.fiscal_year}"
    )
    for line in import_lines(app, summary):
        click.echo(line)
    for ref in {m.meeting for m in plan.measures if m.meeting is not None}:
        when = thai.format_month(ref.year, ref.month, lang=app.lang)
        click.echo(f"  {'ติดตามผล' if th else 'follow-up'}: {ref.title} ({when})")


def import_lines(app: App, summary: ImportSummary) -> list[str]:
    """The import's changes, one diff line each (what `--dry-run` is for):
    new, renamed, renumbered, owner changed, window moved, cancelled, then how
    many stayed as they were and which periods need `tracker edit`."""
    th = app.lang == "th"
    out: list[str] = []
    for c in summary.changes:
        if c.kind == "new" and (m := c.measure) is not None:
            out.append(
                f"  {'ใหม่' if th else 'new'}: {c.number}. {c.title} — {', '.join(m.owners)} — "
                f"{fmt_date(app, m.start.isoformat())} – {fmt_date(app, m.end.isoformat())}"
            )
        elif c.kind == "cancelled":
            out.append(f"  {'ยกเลิก (ไม่อยู่ในแผนแล้ว)' if th else 'cancelled'}: {c.number}. {c.title}")
        elif c.kind == "updated":
            out += _diff_lines(app, c)
    unchanged = len(summary.unchanged)
    out.append(f"  {'ไม่เปลี่ยน' if th else 'unchanged'}: {unchanged} {'มาตรการ' if th else 'measures'}")
    mark = "ต้องระบุช่วงเวลา" if th else "period needs fixing"
    for c in summary.changes:
        if c.unclear:
            out.append(f"  {mark}: #{c.task_id} {c.number}. {c.title} — tracker edit {c.task_id} --period …")
    return out


def _diff_lines(app: App, c: Change) -> list[str]:
    th = app.lang == "th"
    head = f"  #{c.task_id} {c.number}."
    d = c.diffs
    lines = []
    if "title" in d:
        lines.append(f"{head} {'เปลี่ยนชื่อ' if th else 'renamed'}: {d['title'][0]} → {d['title'][1]}")
    if "number" in d:
        lines.append(f"{head} {'เปลี่ยนลำดับ' if th else 'renumbered'}: {d['number'][0]} → {d['number'][1]}"
                     f"  {c.title}")
    if "owners" in d:
        lines.append(f"{head} {'เปลี่ยนผู้รับผิดชอบ' if th else 'owner changed'}: "
                     f"{', '.join(d['owners'][0])} → {', '.join(d['owners'][1])}")
    if "window" in d:
        (a, b), (x, y) = d["window"]
        lines.append(f"{head} {'เลื่อนช่วงเวลา' if th else 'window moved'}: "
                     f"{fmt_date(app, a)} – {fmt_date(app, b)} → {fmt_date(app, x)} – {fmt_date(app, y)}")
    if not lines:
        lines.append(f"{head} {'ปรับปรุงรายละเอียด' if th else 'details updated'}: {c.title}")
    return lines


@click.group()
def plan() -> None:
    """แผนที่นำเข้าและผลการประเมิน ITA (imported plans and their ITA baseline)."""


@plan.command("list")
@click.option("--json", "as_json", is_flag=True, help="ผลลัพธ์เป็น JSON")
@click.option("--org", metavar="NAME", help="เฉพาะองค์กรนี้ (only this organisation)")
@pass_app
def plan_list(app: App, as_json: bool, org: str | None) -> None:
    """รายการแผน (imported plans)."""
    from tracker.services.plans import list_plans

    found = list_plans(app.db, organisation=org)
    if as_json:
        emit_json(found)
        return
    th = app.lang == "th"
    headers = (
        ["รหัส", "หน่วยงาน", "ปีงบประมาณ", "มาตรการ", "ITA"]
        if th
        else ["id", "organisation", "fiscal year", "measures", "ITA"]
    )
    rows = [
        [str(p["id"]), p["organisation"], str(p["fiscal_year"]), str(p["measures"]), _ita_short(p["ita"])]
        for p in found
    ]
    if any(p["archived_at"] for p in found):
        headers.append("เก็บถาวร" if th else "archived")
        for row, p in zip(rows, found, strict=True):
            row.append(fmt_date(app, p["archived_at"]) if p["archived_at"] else "-")
    click.echo(table(headers, rows, shrink=1))


@click.command()
@click.argument("plan_id", metavar="PLAN")
@click.option("--reason", default="", metavar="TEXT", help="เหตุผล (why: kept in the history)")
@click.option("--undo", is_flag=True, help="นำแผนที่เก็บถาวรกลับมาติดตาม (unarchive the plan)")
@pass_app
def archive(app: App, plan_id: str, reason: str, undo: bool) -> None:
    """เก็บแผนที่จบแล้วถาวร: มาตรการของแผนไม่มีการแจ้งเตือนอีก (archive a finished plan:
    its measures get no more reminders).

    PLAN คือรหัสแผนตามที่ tracker plan list แสดง ข้อมูลของแผนยังอยู่ครบ ดูและออกรายงานได้
    ใช้ --undo เพื่อนำกลับมาติดตาม (PLAN is the id `tracker plan list` shows; the plan's
    data stays, for the report; --undo brings it back).

    \b
    ตัวอย่าง: tracker archive 1 --reason "สิ้นปีงบประมาณ 2566"
              tracker archive 1 --undo
    """
    from tracker.services import plans

    pid = thai.parse_int(plan_id.lstrip("#"), what="plan id (รหัสแผน)")
    with app.db.transaction():
        if undo:
            plans.unarchive(app.db, pid, now=app.now, actor=app.actor)
        else:
            plans.archive(app.db, pid, reason=reason, now=app.now, actor=app.actor)
    th = app.lang == "th"
    if undo:
        click.echo(f"แผน {pid}: นำกลับมาติดตามแล้ว" if th else f"plan {pid}: unarchived")
    else:
        click.echo(f"แผน {pid}: เก็บถาวรแล้ว ไม่มีการแจ้งเตือนอีก" if th
                   else f"plan {pid}: archived, no more reminders")


def _ita_short(ita: dict[str, Any]) -> str:
    score = ita["computed_overall"] if ita["computed_overall"] is not None else ita["stated_overall"]
    return "-" if score is None else f"{score:.2f} ({ita['grade']})"


@plan.command("show")
@click.argument("plan_id", required=False)
@click.option("--json", "as_json", is_flag=True, help="ผลลัพธ์เป็น JSON")
@click.option("--org", metavar="NAME", help="องค์กร (organisation, when there are several)")
@pass_app
def plan_show(app: App, plan_id: str | None, as_json: bool, org: str | None) -> None:
    """แผนหนึ่งแผนพร้อมคะแนน ITA รายตัวชี้วัด (one plan with its ITA scores).

    \b
    ตัวอย่าง: tracker plan show
    """
    from tracker.services.plans import get_plan, latest_plan_id

    pid = thai.parse_int(plan_id, what="plan id") if plan_id else latest_plan_id(app.db, organisation=org)
    p = get_plan(app.db, pid)
    if as_json:
        emit_json(p)
        return
    th = app.lang == "th"
    ita = p["ita"]
    out = [
        f"#{p['id']} {p['organisation']} — {'ปีงบประมาณ' if th else 'fiscal year'} {p['fiscal_year']}",
        p["title"],
    ]
    if p["adopted_on"]:
        out.append(f"{'รับรองเมื่อ' if th else 'adopted on'} {fmt_date(app, p['adopted_on'])}")
    out.append(f"{'มาตรการ' if th else 'measures'}: {p['measures']}")
    if ita["indicators"]:
        out.append("")
        out.append(
            table(
                [
                    "ข้อ" if th else "no",
                    "ตัวชี้วัด" if th else "indicator",
                    "กลุ่ม" if th else "group",
                    "คะแนน" if th else "score",
                ],
                [
                    [str(i["no"]), i["name"], i["group"], "-" if i["score"] is None else f"{i['score']:.2f}"]
                    for i in ita["indicators"]
                ],
            )
        )
    stated = ita["stated_overall"]
    computed = ita["computed_overall"]
    out.append("")
    out.append(
        f"{'คะแนนรวม (คำนวณ)' if th else 'overall (computed)'}: "
        f"{'-' if computed is None else f'{computed:.2f}'}  {'ระดับ' if th else 'grade'} {ita['grade'] or '-'}"
    )
    if stated is not None:
        out.append(
            f"{'คะแนนรวมตามเอกสาร' if th else 'overall (stated)'}: {stated:.2f} {ita['stated_grade'] or ''}"
        )
        if computed is not None and abs(stated - computed) >= 0.01:
            click.echo(
                f"warning: คะแนนรวมในเอกสาร {stated:.2f} ไม่ตรงกับที่คำนวณได้ {computed:.2f} "
                f"(stated overall {stated:.2f} differs from computed {computed:.2f})",
                err=True,
            )
    click.echo("\n".join(out))


@click.group()
def unit() -> None:
    """หน่วยงานผู้รับผิดชอบและอีเมลที่รับการแจ้งเตือน (units and who gets their reminders)."""


@unit.command("set")
@click.argument("name")
@click.option("--email", "emails", multiple=True, metavar="ADDR",
              help="อีเมลของหน่วยงาน (the unit's e-mail; repeatable)")
@click.option("--stand-in", "stand_in", multiple=True, metavar="ADDR",
              help="ผู้ปฏิบัติหน้าที่แทน: รับอีเมลแทนในช่วง --from ถึง --until (a stand-in's e-mail; repeatable)")
@click.option("--from", "starts", metavar="DATE", help="วันแรกที่ปฏิบัติหน้าที่แทน (first day; default today)")
@click.option("--until", "ends", metavar="DATE", help="วันสุดท้ายที่ปฏิบัติหน้าที่แทน (last day, inclusive)")
@click.option("--no-stand-in", "no_stand_in", is_flag=True,
              help="ยกเลิกผู้ปฏิบัติหน้าที่แทน ทั้งหมด หรือเฉพาะช่วง --from/--until (remove stand-ins)")
@click.option("--org", metavar="NAME", help="องค์กร (organisation, when there are several)")
@pass_app
def unit_set(
    app: App, name: str, emails: tuple[str, ...], stand_in: tuple[str, ...], starts: str | None,
    ends: str | None, no_stand_in: bool, org: str | None,
) -> None:
    """กำหนดอีเมลของหน่วยงาน และผู้ปฏิบัติหน้าที่แทนเมื่อหัวหน้าหน่วยงานไม่อยู่
    (set a unit's e-mail addresses, and a stand-in while its head is away).

    ระหว่าง --from ถึง --until (นับทั้งสองวัน) อีเมลแจ้งเตือนของหน่วยงานส่งถึงผู้ปฏิบัติหน้าที่แทน
    และสำเนาถึงอีเมลของหน่วยงาน (from --from to --until, both days included, the unit's
    reminders go to the stand-in with the unit's own addresses copied).

    \b
    ตัวอย่าง: tracker unit set สำนักปลัดฯ --email clerk@bangchakreng.go.th
              tracker unit set กองคลัง --stand-in somsri@bangchakreng.go.th \\
                  --from "๙ ม.ค. ๖๖" --until "๒๐ ม.ค. ๖๖"
              tracker unit set กองคลัง --no-stand-in
    """
    from tracker.services.units import period_groups, update_unit
    from tracker.textwidth import printable

    with app.db.transaction():
        change = update_unit(
            app.db, name, emails=list(emails), stand_in=list(stand_in),
            starts_on=params.user_date(starts) if starts else None,
            ends_on=params.user_date(ends) if ends else None,
            no_stand_in=no_stand_in, now=app.now, actor=app.actor, organisation=org,
        )
    th = app.lang == "th"
    shown = printable(change.name)
    if change.emails is not None:
        click.echo(f"{shown}: {', '.join(change.emails)}")
    if change.added:
        first = change.added[0]  # one period, one or more addresses
        period = {"addresses": [s.address for s in change.added], "from": first.starts_on.isoformat(),
                  "until": first.ends_on.isoformat()}
        click.echo(f"{shown}: {'ผู้ปฏิบัติหน้าที่แทน' if th else 'stand-in'} {_stand_in_text(app, [period])}")
    elif stand_in:
        click.echo(f"{shown}: {'บันทึกไว้แล้ว ไม่เปลี่ยนแปลง' if th else 'already recorded, nothing changed'}")
    for period in period_groups(change.removed, None):
        click.echo(f"{shown}: {'ยกเลิกผู้ปฏิบัติหน้าที่แทน' if th else 'stand-in removed'} "
                   f"{_stand_in_text(app, [period])}")
    unused = change.near
    if unused is not None:
        near_th = f" หมายถึง {' หรือ '.join(unused)} หรือไม่" if unused else ""
        near_en = f"; did you mean {' or '.join(unused)}?" if unused else ""
        click.echo(f"warning: ไม่มีมาตรการใดที่ {shown} รับผิดชอบ จึงยังไม่มีใครได้รับการแจ้งเตือนที่อีเมลนี้"
                   f"{near_th} (no measure names this unit, so these addresses get no reminder{near_en})",
                   err=True)


def _stand_in_text(app: App, periods: list[dict[str, Any]]) -> str:
    """Stand-in periods as `unit list` shows them: "a@x 9 ม.ค. 2566 - 20 ม.ค. 2566"."""
    now = " (ตอนนี้)" if app.lang == "th" else " (now)"
    return "; ".join(
        f"{', '.join(p['addresses'])} {fmt_date(app, p['from'])} - {fmt_date(app, p['until'])}"
        + (now if p.get("active") else "")
        for p in periods
    )


@unit.command("list")
@click.option("--json", "as_json", is_flag=True, help="ผลลัพธ์เป็น JSON")
@click.option("--org", metavar="NAME", help="องค์กร (organisation, when there are several)")
@pass_app
def unit_list(app: App, as_json: bool, org: str | None) -> None:
    """หน่วยงานทั้งหมด อีเมล และผู้ปฏิบัติหน้าที่แทน (every unit, its addresses and stand-ins)."""
    from tracker.clock import BANGKOK
    from tracker.services.units import list_units

    found = list_units(app.db, organisation=org, today=app.now.astimezone(BANGKOK).date())
    if as_json:
        emit_json(found)
        return
    th = app.lang == "th"
    missing = "— ยังไม่มีอีเมล" if th else "— no address yet"
    headers = ["หน่วยงาน" if th else "unit", "อีเมล" if th else "e-mail"]
    rows = [[u["name"], ", ".join(u["emails"]) or missing] for u in found]
    if any(u["stand_ins"] for u in found):
        headers.append("ผู้ปฏิบัติหน้าที่แทน" if th else "stand-in")
        for row, u in zip(rows, found, strict=True):
            row.append(_stand_in_text(app, u["stand_ins"]) or "-")
    click.echo(table(headers, rows))


@click.group()
def meeting() -> None:
    """การประชุมติดตามผล (follow-up meetings)."""


@meeting.command("list")
@click.option("--json", "as_json", is_flag=True, help="ผลลัพธ์เป็น JSON")
@click.option("--org", metavar="NAME", help="เฉพาะองค์กรนี้ (only this organisation)")
@pass_app
def meeting_list(app: App, as_json: bool, org: str | None) -> None:
    """รายการประชุมติดตามผล (follow-up meetings)."""
    from tracker.services.meetings import list_meetings

    found = list_meetings(app.db, organisation=org)
    if as_json:
        emit_json(found)
        return
    th = app.lang == "th"
    headers = (
        ["รหัส", "การประชุม", "เดือน", "วันที่", "เวลา", "สถานที่", "งาน"]
        if th
        else ["id", "meeting", "month", "date", "time", "place", "tasks"]
    )
    rows = []
    cancelled = " (ยกเลิกแล้ว)" if th else " (cancelled)"
    for m in found:
        year, month = (int(x) for x in m["month"].split("-"))
        rows.append(
            [
                str(m["id"]),
                m["title"],
                thai.format_month(year, month, lang=app.lang),
                fmt_date(app, m["date"]) + (cancelled if m["cancelled_at"] else ""),
                m["time"] or "-",
                m["place"] or "-",
                str(m["tasks"]),
            ]
        )
    click.echo(table(headers, rows, shrink=1))


@meeting.command("set")
@click.argument("meeting_id")
@click.option("--date", "on", metavar="DATE", help='วันประชุม (e.g. "20 เม.ย. 66")')
@click.option("--time", "at", metavar="HH:MM", help="เวลา (e.g. 10:00)")
@click.option("--place", metavar="TEXT", help="สถานที่ (where)")
@click.option("--attendee", "attendees", multiple=True, metavar="ADDR", help="ผู้เข้าประชุม (e-mail; repeatable)")
@pass_app
def meeting_set(
    app: App, meeting_id: str, on: str | None, at: str | None, place: str | None, attendees: tuple[str, ...]
) -> None:
    """กำหนดวัน เวลา สถานที่ และผู้เข้าประชุม (set a meeting's date, time, place, attendees).

    \b
    ตัวอย่าง: tracker meeting set 1 --date "20 เม.ย. 66" --time 10:00 --place "ห้องประชุมเทศบาล"
    """
    from tracker.services.meetings import set_meeting

    mid = thai.parse_int(meeting_id, what="meeting id")
    with app.db.transaction():
        m = set_meeting(
            app.db,
            mid,
            now=app.now,
            actor=app.actor,
            on=params.user_date(on) if on else None,
            at=params.user_time(at) if at else None,
            place=place,
            attendees=list(attendees) if attendees else None,
        )
    click.echo(
        f"#{m['id']} {m['title']}: {fmt_date(app, m['date'])} {m['time'] or ''} {m['place'] or ''}".rstrip()
    )


@meeting.command("cancel")
@click.argument("meeting_id")
@click.option("--reason", default="", metavar="TEXT", help="เหตุผล (why, kept in the history)")
@pass_app
def meeting_cancel(app: App, meeting_id: str, reason: str) -> None:
    """ยกเลิกการประชุม: ผู้เข้าประชุมได้รับการแจ้งยกเลิกในปฏิทิน (cancel a meeting).

    การแจ้งยกเลิก (METHOD:CANCEL) ส่งไปกับการเรียก tracker remind ครั้งถัดไป
    ปฏิทินที่สมัครรับ (tracker link --calendar) แสดงว่ายกเลิกแล้ว
    tracker meeting set ... กำหนดวันใหม่ได้ภายหลัง

    \b
    ตัวอย่าง: tracker meeting cancel 1 --reason "เลื่อนไม่มีกำหนด"
    """
    from tracker.services.meetings import cancel_meeting

    mid = thai.parse_int(meeting_id, what="meeting id")
    with app.db.transaction():
        m = cancel_meeting(app.db, mid, now=app.now, actor=app.actor, reason=reason)
    click.echo(f"#{m['id']} {m['title']}: ยกเลิกแล้ว (cancelled)" if app.lang == "th"
               else f"#{m['id']} {m['title']}: cancelled")
