"""What people read in their calendar: summaries and descriptions, Thai first.

Only stored facts go in (never the status derived at "now", such as overdue),
so an unchanged database exports unchanged text.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from tracker import thai
from tracker.clock import BANGKOK

_LABELS = {
    "th": {
        "measure": "มาตรการ",
        "owners": "ผู้รับผิดชอบ",
        "period": "ระยะเวลาดำเนินการ",
        "actions": "วิธีการดำเนินการ",
        "followup": "การติดตามผล",
        "progress": "ความคืบหน้า",
        "done": "ดำเนินการเสร็จเมื่อ",
        "cancelled": "ยกเลิกแล้ว (ไม่อยู่ในแผนฉบับล่าสุด)",
        "plan": "แผน",
        "fiscal_year": "ปีงบประมาณ",
        "calname": "มาตรการ ITA",
        "meeting_intro": "ประชุมติดตามผลการดำเนินงานตามมาตรการส่งเสริมคุณธรรมและความโปร่งใส",
        "meeting_ask": (
            "ขอให้หน่วยงานผู้รับผิดชอบเตรียมรายงานผลการดำเนินงาน / ปัญหา / อุปสรรค / ข้อเสนอแนะ ของแต่ละมาตรการ"
        ),
        "when": "วันเวลา",
        "month_only": "ยังไม่กำหนดวัน ภายในเดือน",
        "place": "สถานที่",
        "not_set": "ยังไม่กำหนดวัน",
        "alarm": "พรุ่งนี้",
        "alarm_month": "เดือนหน้ามีประชุมติดตามผล (ยังไม่กำหนดวัน)",
        "time_suffix": "น.",
        "meeting_cancelled": "ยกเลิกการประชุม",
    },
    "en": {
        "measure": "Measure",
        "owners": "Responsible",
        "period": "Period",
        "actions": "Actions",
        "followup": "Follow-up",
        "progress": "Progress",
        "done": "Done on",
        "cancelled": "Cancelled (no longer in the plan)",
        "plan": "Plan",
        "fiscal_year": "fiscal year",
        "calname": "ITA measures",
        "meeting_intro": "Follow-up of the integrity and transparency (ITA) measures",
        "meeting_ask": "Units: bring each measure's results / problems / obstacles / suggestions",
        "when": "When",
        "month_only": "date not set yet, during",
        "place": "Place",
        "not_set": "date not set",
        "alarm": "Tomorrow",
        "alarm_month": "Follow-up meeting next month (date not set yet)",
        "time_suffix": "",
        "meeting_cancelled": "Cancelled",
    },
}


def _l(lang: str) -> dict[str, str]:
    return _LABELS["en" if lang == "en" else "th"]


def _date(d: date, lang: str) -> str:
    return thai.format_date(d, lang=lang)


def calendar_name(organisation: str, fiscal_year: int, *, lang: str, owner: str | None = None) -> str:
    lb = _l(lang)
    name = f"{lb['calname']} {organisation} {lb['fiscal_year']} {fiscal_year}"
    return f"{name} — {owner}" if owner else name


def task_summary(task: dict[str, Any], owners: list[str], *, lang: str) -> str:
    who = f" — {', '.join(owners)}" if owners else ""
    return f"{_l(lang)['measure']} {task['number']}: {task['title']}{who}"


def task_description(
    task: dict[str, Any], owners: list[str], *, lang: str, done_at: datetime | None, cancelled: bool
) -> str:
    lb = _l(lang)
    start, end = date.fromisoformat(task["start"]), date.fromisoformat(task["end"])
    lines = [
        f"{lb['measure']} {task['number']}: {task['title']}",
        f"{lb['owners']}: {', '.join(owners) or '-'}",
        f"{lb['period']}: {_date(start, lang)} – {_date(end, lang)}",
    ]
    if task["actions"].strip():
        lines += [f"{lb['actions']}:", task["actions"].strip()]
    if task["meeting"]:
        year, month = (int(x) for x in task["meeting"]["month"].split("-"))
        month_name = thai.format_month(year, month, lang=lang)
        lines.append(f"{lb['followup']}: {task['meeting']['title']} ({month_name})")
    if cancelled:
        lines.append(lb["cancelled"])
    elif done_at is not None:
        lines.append(f"{lb['done']} {_date(done_at.astimezone(BANGKOK).date(), lang)}")
    else:
        lines.append(f"{lb['progress']}: {task['progress']}%")
    p = task["plan"]
    lines.append(f"{lb['plan']}: {p['organisation']} {lb['fiscal_year']} {p['fiscal_year']}")
    return "\n".join(lines)


def meeting_summary(meeting: dict[str, Any], *, lang: str) -> str:
    title = str(meeting["title"])
    if meeting.get("cancelled_at"):
        return f"[{_l(lang)['meeting_cancelled']}] {title}"
    if meeting["date"] is None:
        return f"{title} ({_l(lang)['not_set']})"
    return title


def _when(meeting: dict[str, Any], lang: str) -> str:
    lb = _l(lang)
    if meeting["date"] is None:
        year, month = (int(x) for x in meeting["month"].split("-"))
        return f"{lb['month_only']} {thai.format_month(year, month, lang=lang)}"
    text = _date(date.fromisoformat(meeting["date"]), lang)
    if meeting["time"]:
        text += f" {meeting['time']} {lb['time_suffix']}".rstrip()
    return text


def meeting_description(meeting: dict[str, Any], *, lang: str) -> str:
    lb = _l(lang)
    lines = [
        meeting["title"],
        f"{lb['meeting_intro']} — {meeting['organisation']} {lb['fiscal_year']} {meeting['fiscal_year']}",
        f"{lb['when']}: {_when(meeting, lang)}",
    ]
    if meeting["place"]:
        lines.append(f"{lb['place']}: {meeting['place']}")
    lines.append(lb["meeting_ask"])
    return "\n".join(lines)


def alarm_text(meeting: dict[str, Any], *, lang: str) -> str:
    if meeting["date"] is None:
        return f"{_l(lang)['alarm_month']}: {meeting['title']}"
    return f"{_l(lang)['alarm']}: {meeting['title']} — {_when(meeting, lang)}"
