"""Reminders: `tracker remind` (send what is due, preview, status) and
`tracker scheduler` (the daemon)."""

from __future__ import annotations

import logging
import sys
from datetime import datetime
from typing import Any

import click

from tracker.app import App
from tracker.cli import params
from tracker.cli.output import emit_json, table

pass_app = click.make_pass_decorator(App)


def _logging(verbose: int) -> None:
    """Our own loggers only: library loggers (SQLAlchemy would print every
    statement at DEBUG) stay at WARNING."""
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    level = logging.DEBUG if verbose >= 2 else logging.INFO if verbose else logging.WARNING
    logging.getLogger("tracker").setLevel(level)
    if verbose >= 3:
        logging.getLogger("apscheduler").setLevel(logging.INFO)


def _clock(app: App) -> Any:
    """A sender's clock: the command's "now" (the system time, or --now) moving
    forward in real time, so that its leases end when they really do."""
    from tracker.clock import running

    return running(app.now)


def _outbox_id(text: str) -> int:
    from tracker import thai

    return thai.parse_int(text.lstrip("#"), what="outbox id (หมายเลขอีเมล)")


def _when(iso: str | None) -> str:
    if not iso:
        return "-"
    from tracker.clock import BANGKOK

    return datetime.fromisoformat(iso).astimezone(BANGKOK).strftime("%Y-%m-%d %H:%M")


@click.command()
@click.option("--dry-run", is_flag=True, help="แสดงสิ่งที่จะส่งโดยไม่ส่งจริง (show what would go; send nothing)")
@click.option("--json", "as_json", is_flag=True, help="ผลลัพธ์เป็น JSON")
@click.option("--preview", nargs=2, metavar="FROM TO",
              help="ทุกอีเมลที่จะส่งในช่วงวันที่นี้ ไม่ส่งจริง (every reminder of that range; sends nothing)")
@click.option("--status", is_flag=True,
              help="สถานะคิวอีเมลและตัวจัดตาราง (outbox counts, failures, scheduler heartbeats)")
@click.option("--org", metavar="NAME", help="เฉพาะองค์กรนี้ (only this organisation)")
@click.option("--retry", is_flag=True,
              help="นำอีเมลที่ส่งไม่สำเร็จ (หมายเลข ID…) กลับเข้าคิว (put failed mail ID… back in the queue)")
@click.option("--all-failed", is_flag=True,
              help="กับ --retry: ทุกฉบับที่ส่งไม่สำเร็จ (with --retry: every failed mail)")
@click.option("-v", "--verbose", count=True, help="บันทึกการทำงานละเอียด (log more; -vv for debug)")
@click.argument("ids", nargs=-1, metavar="[ID]...")
@pass_app
def remind(app: App, dry_run: bool, as_json: bool, preview: tuple[str, str] | None, status: bool,
           org: str | None, retry: bool, all_failed: bool, verbose: int, ids: tuple[str, ...]) -> None:
    """ส่งอีเมลแจ้งเตือนที่ถึงกำหนด ณ เวลานี้ (send every reminder due now).

    ใช้กับ cron หรือ systemd timer ได้ เรียกซ้ำได้โดยไม่ส่งซ้ำ
    (safe to run from cron as often as you like: nothing is sent twice).

    \b
    ตัวอย่าง (examples):
      tracker remind --dry-run
      tracker remind --preview 2023-01-01 2023-04-30
      tracker remind --status
      tracker remind --retry 12 13        (อีเมลหมายเลข 12, 13 จาก --status)
      tracker remind --retry --all-failed
      tracker --now "2023-03-29 08:30" remind
    """
    if sum(map(bool, (dry_run, preview, status, retry))) > 1:
        raise click.UsageError("ใช้ได้ทีละอย่าง (use only one of --dry-run, --preview, --status, --retry)")
    if retry and bool(ids) == all_failed:
        raise click.UsageError(
            "--retry ต้องระบุหมายเลขในคิวหรือ --all-failed (--retry needs outbox IDs or --all-failed)"
        )
    if (ids or all_failed) and not retry:
        raise click.UsageError(
            "หมายเลขในคิวและ --all-failed ใช้กับ --retry (outbox IDs and --all-failed go with --retry)"
        )
    _logging(verbose)
    from tracker.reminders import run

    if retry:
        _retry(app, None if all_failed else [_outbox_id(i) for i in ids], as_json)
        return
    policy = run.load_policy(app.settings)
    if preview:
        _preview(app, policy, preview, org, as_json)
    elif status:
        _status(app, policy, as_json)
    elif dry_run:
        _dry_run(app, policy, org, as_json)
    else:
        _send(app, policy, org, as_json)


def _preview(app: App, policy: Any, span: tuple[str, str], org: str | None, as_json: bool) -> None:
    from tracker.errors import InvalidInput
    from tracker.reminders.preview import preview

    start, end = params.user_date(span[0]), params.user_date(span[1])
    if end < start:
        raise InvalidInput(f"วันที่สิ้นสุดอยู่ก่อนวันเริ่ม (TO {end} is before FROM {start})")
    with app.db.transaction():
        rows = preview(app.db, app.settings, policy, start=start, end=end, now=app.now, organisation=org)
    if as_json:
        emit_json(rows)
        return
    _print_rows(app, rows)
    for r in rows:
        if r.get("warning"):
            click.echo(f"warning: {r['warning']}", err=True)
            break


def _print_rows(app: App, rows: list[dict[str, Any]]) -> None:
    th = app.lang == "th"
    headers = (["เวลา", "ประเภท", "งาน", "ถึง", "เรื่อง"] if th
               else ["at", "kind", "task", "to", "subject"])
    click.echo(table(headers, [
        [_when(r["at"]), _kind(r["kind"], app.lang), _about(r),
         ", ".join(r["to"]) or ("(ไม่มีอีเมล)" if th else "(no address)"), r["subject"]]
        for r in rows], shrink=4))
    click.echo(f"{len(rows)} ฉบับ" if th else f"{len(rows)} message(s)")


def _about(row: dict[str, Any]) -> str:
    """The task(s) or the meeting a mail is about: "3", "1, 2, 5", "m1"."""
    if row.get("items"):
        return ", ".join(dict.fromkeys(str(i["task_id"]) for i in row["items"]))
    return str(row["task_id"] or f"m{row['meeting_id']}")


def _dry_run(app: App, policy: Any, org: str | None, as_json: bool) -> None:
    from tracker.reminders import outbox, run
    from tracker.reminders.preview import describe

    org_id = _org_id(app, org)
    report = run.enqueue_due(app.db, policy, app.now, organisation=org, dry_run=True)
    with app.db.transaction():
        queued = outbox.claimable(app.db, now=app.now, organisation_id=org_id)
        rows = describe(app.db, app.settings, policy, report.added, now=app.now)
        rows += describe(app.db, app.settings, policy, outbox.as_reminders(app.db, queued), now=app.now)
    today = app.now.date()
    closed = None if policy.calendar.is_working_day(today) else (
        policy.calendar.holiday_name(today) or "weekend")
    if as_json:
        emit_json({"now": app.now.isoformat(), "would_send": rows, "not_working_day": closed})
        return
    if closed:
        click.echo(f"วันนี้ไม่ใช่วันทำการ ({_closed_word(closed, app.lang)}): จะยังไม่ส่ง" if app.lang == "th"
                   else f"not a working day ({closed}): nothing would go out today")
    click.echo("(ทดลอง ไม่ได้ส่ง)" if app.lang == "th" else "(dry run, nothing sent)")
    _print_rows(app, rows)
    for r in rows:
        if r.get("warning"):
            click.echo(f"warning: {r['warning']}", err=True)


def _org_id(app: App, org: str | None) -> int | None:
    """--org: that organisation's id (an unknown name is an error); else None, all of them."""
    if org is None:
        return None
    from tracker.services.units import organisation_id

    with app.db.transaction():
        return organisation_id(app.db, org)


def _send(app: App, policy: Any, org: str | None, as_json: bool) -> None:
    from tracker.errors import Interrupted, MailError
    from tracker.reminders import heartbeat, outbox, run
    from tracker.reminders.interrupt import finishing_in_flight

    org_id = _org_id(app, org)
    enq = run.enqueue_due(app.db, policy, app.now, organisation=org)
    with app.db.transaction():
        outbox.wake_held(app.db, now=app.now)
    worker = run.worker_name("remind")
    with finishing_in_flight() as interrupt:
        report = run.send_due(app.db, app.settings, policy, clock=_clock(app), worker=worker,
                              organisation_id=org_id, stop=interrupt)
    run.write(app.db, lambda: heartbeat.forget(app.db, worker))  # a clean end: nothing to watch
    if as_json:
        emit_json({"now": app.now.isoformat(), "queued": [r.key for r in enq.added],
                   **run.summary_json(report),
                   **({"interrupted": interrupt.name} if interrupt.is_set() else {})})
    else:
        _print_sent(app, enq, report)
    for h in report.held:
        click.echo(f"warning: {h['reason']}", err=True)
    if interrupt.signum is not None:
        waiting = run.write(app.db, lambda: outbox.count_due(app.db, now=app.now, organisation_id=org_id))
        raise Interrupted(f"หยุดตามคำสั่ง ({interrupt.name}) ก่อนส่งครบ: ฉบับที่กำลังส่งส่งจบแล้ว"
                          f" อีก {waiting} เรื่องรอรอบถัดไป (stopped by {interrupt.name}: the mail"
                          f" in flight was finished, {waiting} reminder(s) wait for the next run)",
                          signum=interrupt.signum)
    lines = run.failure_lines(report)
    if report.stopped is None and (report.sent or not lines):
        for n, what, cause in lines:  # some went out: the rest is a warning, the run succeeded
            click.echo(f"warning: ส่งไม่ได้ {n} {what}: {cause}", err=True)
        return
    # nothing could be sent, or the server refused the connection or the
    # account: one line per cause, and a non-zero exit for cron to see
    texts = [f"ส่งไม่ได้ {n} {what}: {cause}" for n, what, cause in lines]
    for text in texts[:-1]:
        click.echo(f"error: {text}", err=True)
    raise MailError(texts[-1])


def _closed_word(reason: str, lang: str) -> str:
    """Why today is not a working day, for people: a holiday's own name, or
    the weekend ("weekend" stays the code in --json)."""
    return "วันหยุดสุดสัปดาห์" if reason == "weekend" and lang == "th" else reason


def _print_sent(app: App, enq: Any, report: Any) -> None:
    th = app.lang == "th"
    if report.not_working_day:
        click.echo(f"วันนี้ไม่ใช่วันทำการ ({_closed_word(report.not_working_day, app.lang)}): ยังไม่ส่ง" if th
                   else f"not a working day ({report.not_working_day}): nothing sent")
    for s in report.sent:
        click.echo(f"{'ส่งแล้ว' if th else 'sent'}: {_kind(s['kind'], app.lang)} {_subject(s, th)}"
                   f" → {', '.join(s['to'])}")
    waiting = report.stopped["waiting"] if report.stopped else 0
    mails = len({s["message_id"] for s in report.sent})
    click.echo(f"คิวใหม่ {len(enq.added)} · ส่งแล้ว {len(report.sent)} เรื่อง ใน {mails} ฉบับ"
               f" · รอส่งใหม่ {len(report.retrying)} · ล้มเหลว {len(report.failed)} · ระงับ {len(report.held)}"
               f" · ค้างในคิว {waiting}" if th else
               f"queued {len(enq.added)} · sent {len(report.sent)} in {mails} mail(s)"
               f" · to retry {len(report.retrying)} · failed {len(report.failed)} · held {len(report.held)}"
               f" · waiting {waiting}")
    if report.deferred:
        click.echo(f"อีก {report.deferred} เรื่องรวมไว้ในอีเมลสรุปของวันทำการถัดไป"
                   " (ผู้รับได้อีเมลของวันนี้ไปแล้ว)" if th else
                   f"{report.deferred} more go in the next working day's digest"
                   " (their person has had today's mail)")


def _kind(code: str, lang: str) -> str:
    from tracker.words import KIND, word

    return word(KIND, code, lang)


def _subject(s: dict[str, Any], th: bool) -> str:
    """What a sent mail was about: "งาน 1" / "task 1", "การประชุม 2" / "meeting 2"."""
    if s["task_id"]:
        return f"{'งาน' if th else 'task'} {s['task_id']}"
    return f"{'การประชุม' if th else 'meeting'} {s['meeting_id']}"


def _retry(app: App, ids: list[int] | None, as_json: bool) -> None:
    from tracker.reminders import run

    with app.db.transaction():
        rows = run.requeue_failed(app.db, ids, now=app.now, actor=app.actor)
    if as_json:
        emit_json({"requeued": [{"id": r["id"], "key": r["key"], "error": r["last_error"]} for r in rows]})
        return
    th = app.lang == "th"
    click.echo(f"นำกลับเข้าคิว {len(rows)} ฉบับ จะส่งในรอบถัดไป" if th
               else f"{len(rows)} mail(s) back in the queue, sent on the next run")


def _status(app: App, policy: Any, as_json: bool) -> None:
    from datetime import timedelta

    from tracker.reminders import heartbeat, outbox

    with app.db.transaction():
        info = outbox.summary(app.db, now=app.now)
        beats = heartbeat.listing(app.db, now=app.now,
                                  stale_after=timedelta(seconds=max(3 * policy.sweep_seconds, 180)))
        owners = outbox.claims(app.db, now=app.now)
        last = heartbeat.last_beats(app.db, [o["owner"] for o in owners])
    for o in owners:
        o["last_beat"] = last.get(o["owner"])
    if as_json:
        emit_json({**info, "schedulers": beats, "claims": owners})
        return
    th = app.lang == "th"
    c = info["counts"]
    click.echo((f"รอส่ง {c['pending']} · ระงับ (ไม่มีอีเมล) {c['held']} · ส่งแล้ว {c['sent']}"
                f" · ล้มเหลว {c['failed']} · ยกเลิก {c['cancelled']}"
                f" · ข้าม (ล้าสมัย) {c['skipped']}") if th else
               (f"pending {c['pending']} · held (no address) {c['held']} · sent {c['sent']}"
                f" · failed {c['failed']} · cancelled {c['cancelled']}"
                f" · skipped (stale) {c['skipped']}"))
    for title_th, title_en, key in (("ล้มเหลว", "failed", "failed"), ("ระงับ", "held", "held"),
                                    ("กำลังลองใหม่", "retrying", "retrying"),
                                    ("หมดเวลาหลังส่งไม่สำเร็จ", "expired after failures", "expired")):
        rows = info[key]
        if not rows:
            continue
        click.echo(f"\n{title_th if th else title_en}:")
        headers = (["id", "ประเภท", "งาน/การประชุม", "หน่วยงาน", "ครั้งที่ส่ง", "ข้อผิดพลาด"] if th
                   else ["id", "kind", "task/meeting", "unit", "attempts", "error"])
        click.echo(table(headers, [
            [str(r["id"]), _kind(r["kind"], app.lang), str(r["task_id"] or f"m{r['meeting_id']}"),
             r["unit"] or "-",
             str(r["attempts"]), r["last_error"] or "-"] for r in rows], shrink=5))
    _print_claims(th, owners)
    click.echo("\n" + ("ตัวจัดตาราง (schedulers):" if th else "schedulers:"))
    if not beats:
        click.echo("  ไม่มี (none has run)" if th else "  none has run")
    for b in beats:
        from tracker.words import SCHEDULER_STATE, word

        sent, state = b["detail"].get("sent", 0), word(SCHEDULER_STATE, b["state"], app.lang)
        click.echo(f"  {b['name']}: {state}, ทำงานล่าสุด {_when(b['beat_at'])}"
                   f", เริ่ม {_when(b['started_at'])}, ส่งแล้ว {sent}" if th else
                   f"  {b['name']}: {state}, last beat {_when(b['beat_at'])}"
                   f", started {_when(b['started_at'])}, sent {sent}")


def _print_claims(th: bool, owners: list[dict[str, Any]]) -> None:
    """Rows a sender holds: a live lease, or a dead sender's until it ends."""
    if not owners:
        return
    from tracker.db.connection import from_ts

    click.echo("\n" + ("กำลังส่ง (claimed):" if th else "claimed:"))
    for o in owners:
        until = _when(from_ts(o["until"]).isoformat())
        state = ("ถือสิทธิ์ถึง" if th else "lease until") if o["live"] else (
            "สิทธิ์หมดแล้ว ผู้ส่งอื่นรับต่อได้ (lease ended at)" if th else "lease ended at")
        click.echo(f"  {o['owner']}: {o['rows']} {'ฉบับ' if th else 'row(s)'}, {state} {until}"
                   f", {'ทำงานล่าสุด' if th else 'last beat'} {_when(o['last_beat'])}")


@click.command()
@click.option("--sweep-seconds", type=float, metavar="S",
              help="ส่งทุก ๆ S วินาที (sweep the outbox every S seconds; default 60 or config)")
@click.option("--batch", type=click.IntRange(min=1), metavar="N",
              help="จำนวนต่อรอบ (reminders claimed at a time; default 100)")
@click.option("--name", metavar="NAME", help="ชื่อในรายงานสถานะ (heartbeat name; default host:pid)")
@click.option("-v", "--verbose", count=True, help="บันทึกการทำงานละเอียด (log more; -vv for debug)")
@pass_app
def scheduler(app: App, sweep_seconds: float | None, batch: int | None, name: str | None,
              verbose: int) -> None:
    """ตัวจัดตารางส่งอีเมลแจ้งเตือน ทำงานต่อเนื่อง (the reminder daemon).

    ทุกวันทำการตามเวลาที่ตั้งไว้จะเข้าคิวอีเมลที่ถึงกำหนด และส่งคิวทุกนาที
    หยุดด้วย Ctrl+C หรือ SIGTERM. รันหลายตัวพร้อมกันบน PostgreSQL ได้โดยไม่ส่งซ้ำ
    (queues what is due every working day at the configured hour and sends
    the queue every minute; stop with Ctrl+C or SIGTERM; several daemons on one
    PostgreSQL database never send anything twice).

    \b
    ตัวอย่าง: tracker scheduler -v
    """
    if sweep_seconds is not None and sweep_seconds <= 0:
        raise click.BadParameter("must be > 0", param_hint="--sweep-seconds")
    from tracker.errors import DatabaseError, DatabaseMissing

    try:
        app.db  # noqa: B018 - a mistyped --db stops here; a server that is down is waited for
    except DatabaseMissing:
        raise
    except DatabaseError:
        app.close()
    _logging(max(verbose, 1))
    from jobs.scheduler import serve
    from tracker.reminders.run import worker_name

    code = serve(app, clock=_clock(app), name=name or worker_name("scheduler"),
                 sweep_seconds=sweep_seconds, batch=batch)
    sys.exit(code)
