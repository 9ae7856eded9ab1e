"""Showing work: list, show, history."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Any

import click

from tracker import thai
from tracker.app import App
from tracker.cli import params
from tracker.cli.output import emit_json, shown, status_text, table
from tracker.clock import BANGKOK
from tracker.services import tasks

pass_app = click.make_pass_decorator(App)


def fmt_date(app: App, iso: str | None) -> str:
    return _fmt_date(iso[:10] if iso else None, app.lang)


@lru_cache(maxsize=1024)  # a plan's windows share a few dozen dates
def _fmt_date(day: str | None, lang: str) -> str:
    return thai.format_date(date.fromisoformat(day), lang=lang) if day else "-"


def fmt_when(app: App, iso: str | None) -> str:
    if not iso:
        return "-"
    dt = datetime.fromisoformat(iso).astimezone(BANGKOK)
    return f"{thai.format_date(dt.date(), lang=app.lang)} {dt:%H:%M}"


def fmt_meeting_date(app: App, iso: str | None, month: str) -> str:
    """The meeting's date, or its month while the date is not set."""
    if iso:
        return fmt_date(app, iso)
    year, mon = (int(x) for x in month.split("-"))
    return thai.format_month(year, mon, lang=app.lang)


def window(app: App, task: dict[str, Any]) -> str:
    return f"{fmt_date(app, task['start'])} – {fmt_date(app, task['end'])}"


def unclear_mark(app: App) -> str:
    """Beside a window that is only the whole fiscal year because the plan's
    period was not understood (fix it with `tracker edit ID --period …`)."""
    return "ต้องระบุช่วงเวลา" if app.lang == "th" else "period needs fixing"


@click.command("list")
@click.option("--json", "as_json", is_flag=True, help="ผลลัพธ์เป็น JSON (for scripts)")
@click.option("--status", type=click.Choice(tasks.STATUSES), help="เฉพาะสถานะนี้ (only this status)")
@click.option("--owner", metavar="UNIT", help="เฉพาะหน่วยงานนี้ (only tasks of this unit)")
@click.option("--org", metavar="NAME", help="เฉพาะองค์กรนี้ (only this organisation)")
@pass_app
def list_(app: App, as_json: bool, status: str | None, owner: str | None, org: str | None) -> None:
    """รายการงานทั้งหมดพร้อมสถานะ (list tasks with their status).

    \b
    ตัวอย่าง: tracker list
              tracker list --status overdue --owner สำนักปลัดฯ
    """
    found = tasks.list_tasks(
        app.db, now=app.now, status=status, owner=owner, organisation=org, brief=not as_json
    )
    if as_json:
        emit_json(found)
        return
    if not found:
        click.echo("ไม่มีงาน (no tasks)" if app.lang == "th" else "no tasks")
        return
    click.echo(task_table(app, found))


def task_table(app: App, found: list[dict[str, Any]]) -> str:
    """One line per task, aligned for Thai."""
    headers = (
        ["รหัส", "ที่", "มาตรการ", "ผู้รับผิดชอบ", "ช่วงเวลา", "สถานะ", "คืบหน้า"]
        if app.lang == "th"
        else ["id", "no", "measure", "owner", "window", "status", "progress"]
    )
    # A plan's tasks share five statuses and a few dozen windows: format each once.
    statuses = {s: status_text(s, app.lang) for s in tasks.STATUSES}
    windows: dict[tuple[str | None, str | None, bool], str] = {}
    rows = []
    for t in found:
        span = (t["start"], t["end"], t.get("period_unclear", False))
        win = windows.get(span)
        if win is None:
            win = windows[span] = window(app, t) + (f" ({unclear_mark(app)})" if span[2] else "")
        rows.append(
            [
                str(t["id"]),
                t["number"],
                t["title"],
                ", ".join(t["owners"]),
                win,
                statuses[t["status"]],
                f"{t['progress']}%",
            ]
        )
    return table(headers, rows, shrink=2)


@click.command()
@click.argument("task")
@click.option("--json", "as_json", is_flag=True, help="ผลลัพธ์เป็น JSON (for scripts)")
@pass_app
def show(app: App, task: str, as_json: bool) -> None:
    """รายละเอียดของงาน: ข้อย่อย ผล หลักฐาน ประวัติ (one task in full).

    \b
    ตัวอย่าง: tracker show 1
    """
    t = tasks.get_task(app.db, params.task_id(task), now=app.now)
    if as_json:
        emit_json(t)
        return
    th = app.lang == "th"
    labels = (
        (
            "มาตรการ",
            "ผู้รับผิดชอบ",
            "ช่วงเวลา",
            "สถานะ",
            "เสร็จเมื่อ",
            "ติดตามผล",
            "วิธีการดำเนินการ",
            "ข้อย่อย",
            "หลักฐาน",
            "ประวัติ",
            "ยังไม่ได้บันทึก",
        )
        if th
        else (
            "measure",
            "owners",
            "window",
            "status",
            "done at",
            "follow-up",
            "actions",
            "items",
            "evidence",
            "history",
            "not recorded yet",
        )
    )
    out = [
        f"#{t['id']}  {labels[0]} {t['number']}. {t['title']}",
        f"{labels[1]}: {', '.join(t['owners'])}",
        f"{labels[2]}: {window(app, t)}  ({t['period']})"
        + (f"  [{unclear_mark(app)}: tracker edit {t['id']} --period …]" if t["period_unclear"] else ""),
        f"{labels[3]}: {status_text(t['status'], app.lang)}  {t['progress']}%",
    ]
    out += _document_lines(app, t)
    if t["done_at"]:
        out.append(f"{labels[4]}: {fmt_when(app, t['done_at'])}")
    if t["meeting"]:
        m = t["meeting"]
        out.append(f"{labels[5]}: {m['title']} (#{m['id']}, {fmt_meeting_date(app, m['date'], m['month'])})")
    if t["items"]:
        out.append(f"{labels[7]}:")
        out += [
            f"  [{'x' if i['done'] else ' '}] {tasks.item_label(i['no'])} {i['text']}" for i in t["items"]
        ]
    elif t["actions"]:
        out.append(f"{labels[6]}: {t['actions']}")
    names = (
        ("ผลการดำเนินงาน", "ปัญหา", "อุปสรรค", "ข้อเสนอแนะ")
        if th
        else ("results", "problems", "obstacles", "suggestions")
    )
    for name, key in zip(names, tasks.OUTCOME_FIELDS, strict=True):
        out.append(f"{name}: {t['outcome'][key] or '— ' + labels[10]}")
    if t["evidence"]:
        out.append(f"{labels[8]}:")
        out += [f"  - {e['ref']}" + (f"  ({e['title']})" if e["title"] else "") for e in t["evidence"]]
    out.append(f"{labels[9]}:")
    out += [f"  {fmt_when(app, h['at'])}  {h['actor']}  {_describe(h, app)}" for h in t["history"]]
    click.echo(shown("\n".join(out)))  # nothing typed or imported drives the terminal


def _document_lines(app: App, t: dict[str, Any]) -> list[str]:
    """The plan's other columns, those it filled in."""
    th = app.lang == "th"
    names = (
        ("section", "ด้าน", "section"),
        ("budget", "งบประมาณ", "budget"),
        ("indicator", "ตัวชี้วัด", "indicator"),
        ("target", "เป้าหมาย", "target"),
        ("remarks", "หมายเหตุ", "remarks"),
    )
    out = [f"{th_name if th else en_name}: {t[key]}" for key, th_name, en_name in names if t[key]]
    out += [f"{e['header']}: {e['text']}" for e in t["extra"] if e["text"]]
    if t["checkpoints"]:
        days = ", ".join(fmt_date(app, d) for d in t["checkpoints"])
        out.append(f"{'กำหนดรายงานความคืบหน้า' if th else 'checkpoints'}: {days}")
    return out


def _describe(h: dict[str, Any], app: App) -> str:
    """One history entry in words: the action and its details named in `lang`."""
    from tracker.words import ACTION, FIELD, word

    d, lang = h["detail"], app.lang
    bits = [word(ACTION, h["action"], lang)]
    for key in ("after", "note", "item", "items", "ref", "done_at", "was_done_at", "reason"):
        if d.get(key) not in (None, ""):
            # progress: "ความคืบหน้า 30%" says it all; other details are named
            value = _when_text(app, d[key]) if key.endswith("done_at") else d[key]
            if isinstance(value, list):  # the sub-items a done ticked (or a reopen opened)
                value = ", ".join(str(v) for v in value)
            bits.append(f"{d[key]}%" if key == "after" else f"{word(FIELD, key, lang)}: {value}")
    for key, (old, new) in (d.get("changes") or {}).items():  # edit, import: old → new
        bits.append(f"{word(FIELD, key, lang)}: {_plain(old)} → {_plain(new)}")
    if h["action"] in ("stand_in", "stand_in_removed"):
        bits += _stand_in_bits(d, app)
    if h["action"] in ("archive", "unarchive") and h.get("plan_id") is not None:
        bits.insert(1, f"{word(FIELD, 'plan', lang)} {h['plan_id']}")
    return " ".join(str(b) for b in bits)


def _stand_in_bits(d: dict[str, Any], app: App) -> list[str]:
    """A stand-in entry's unit, addresses and period (or the periods removed)."""
    from tracker.words import FIELD, word

    lang = app.lang
    bits = [f"{word(FIELD, 'unit', lang)}: {d.get('unit', '-')}"]
    if d.get("addresses"):
        bits.append(f"{', '.join(d['addresses'])} {fmt_date(app, d.get('starts_on'))} - "
                    f"{fmt_date(app, d.get('ends_on'))}")
    removed = [f"{', '.join(p['addresses'])} {fmt_date(app, p['from'])} - {fmt_date(app, p['until'])}"
               for p in d.get("removed") or []]
    if removed:
        bits.append("; ".join(removed))
    return bits


def _when_text(app: App, iso: Any) -> str:
    try:
        return fmt_when(app, str(iso))
    except ValueError:  # an entry written by an older version: show what it holds
        return str(iso)


def _plain(value: Any) -> str:
    if isinstance(value, list):
        return "/".join(_plain(v) for v in value)
    return "-" if value is None else str(value)


@click.command()
@click.argument("task", required=False)
@click.option("--json", "as_json", is_flag=True, help="ผลลัพธ์เป็น JSON (for scripts)")
@pass_app
def history(app: App, task: str | None, as_json: bool) -> None:
    """ประวัติการเปลี่ยนแปลง ใคร ทำอะไร เมื่อไร (who changed what, when).

    \b
    ตัวอย่าง: tracker history      (ทั้งหมด)
              tracker history 2    (เฉพาะงาน 2)
    """
    from tracker.services import history as history_service  # JSON of every entry: not on list's path

    tid = params.task_id(task) if task else None
    if tid is not None:
        tasks.get_task(app.db, tid, now=app.now)  # unknown id: a clear error, not an empty list
    rows = history_service.entries(app.db, task_id=tid)
    for r in rows:
        r["at"] = tasks.local_iso(r["at"])
    if as_json:
        emit_json(rows)
        return
    headers = ["เวลา", "ผู้บันทึก", "งาน", "รายการ"] if app.lang == "th" else ["when", "by", "task", "what"]
    click.echo(
        table(
            headers,
            [[fmt_when(app, r["at"]), r["actor"], str(r["task_id"] or "-"), _describe(r, app)]
             for r in rows],
            shrink=3,
        )
    )
