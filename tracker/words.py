"""The words people read for the codes the program stores.

Each code (a status, a reminder kind, a history action, a field of a history
entry) is named here once, in Thai and English; tables, mails and reports
look their words up here. `--json` keeps the codes themselves.
"""

from __future__ import annotations

from tracker.reminders.kinds import DIGEST, KINDS

STATUS = {
    "th": {
        "not_started": "ยังไม่เริ่ม",
        "in_progress": "กำลังดำเนินการ",
        "done": "เสร็จแล้ว",
        "overdue": "เกินกำหนด",
        "cancelled": "ยกเลิก",
    },
    "en": {
        "not_started": "not started",
        "in_progress": "in progress",
        "done": "done",
        "overdue": "overdue",
        "cancelled": "cancelled",
    },
}

# the reminder kinds' names, from their table (reminders/kinds.py)
KIND = {lang: {k.name: getattr(k, lang) for k in (*KINDS.values(), DIGEST)} for lang in ("th", "en")}

# A scheduler's heartbeat state (reminders/heartbeat.py).
SCHEDULER_STATE = {
    "th": {"running": "กำลังทำงาน", "stale": "ขาดการติดต่อ", "stopped": "หยุดแล้ว"},
    "en": {"running": "running", "stale": "stale", "stopped": "stopped"},
}

# history.action as the services record it.
ACTION = {
    "th": {
        "create": "สร้าง",
        "import": "นำเข้า",
        "update": "ปรับตามแผน",
        "start": "เริ่มดำเนินการ",
        "progress": "ความคืบหน้า",
        "note": "บันทึก",
        "check": "ทำเครื่องหมาย",
        "evidence": "แนบหลักฐาน",
        "done": "เสร็จ",
        "reopen": "ยกเลิกสถานะเสร็จ",
        "outcome": "ผลการดำเนินงาน",
        "edit": "แก้ไข",
        "cancel": "ยกเลิก",
        "restore": "นำกลับมาติดตาม",
        "unit": "หน่วยงาน",
        "meeting": "การประชุม",
        "mail_retry": "ส่งอีเมลใหม่",
        "uncheck": "ยกเลิกเครื่องหมาย",
        "link_renewed": "ออกลิงก์ใหม่",
        "feed_renewed": "ออกลิงก์ปฏิทินใหม่",
        "meeting_cancelled": "ยกเลิกการประชุม",
        "caldav_push": "ส่งปฏิทินขึ้น CalDAV",
        "user_added": "เพิ่มผู้ใช้",
        "user_password": "ตั้งรหัสผ่านใหม่",
        "stand_in": "ผู้ปฏิบัติหน้าที่แทน",
        "stand_in_removed": "ยกเลิกผู้ปฏิบัติหน้าที่แทน",
        "archive": "เก็บแผนถาวร",
        "unarchive": "นำแผนกลับมาติดตาม",
    },
    "en": {
        "create": "created",
        "import": "imported",
        "update": "updated from the plan",
        "start": "started",
        "progress": "progress",
        "note": "note",
        "check": "ticked",
        "evidence": "evidence",
        "done": "done",
        "reopen": "reopened",
        "outcome": "outcome",
        "edit": "edited",
        "cancel": "cancelled",
        "restore": "restored",
        "unit": "unit",
        "meeting": "meeting",
        "mail_retry": "mail queued again",
        "uncheck": "unticked",
        "link_renewed": "link renewed",
        "feed_renewed": "calendar link renewed",
        "meeting_cancelled": "meeting cancelled",
        "caldav_push": "pushed to CalDAV",
        "user_added": "user added",
        "user_password": "password set",
        "stand_in": "stand-in",
        "stand_in_removed": "stand-in removed",
        "archive": "plan archived",
        "unarchive": "plan unarchived",
    },
}

# The keys of a history entry's detail, and of the changes it lists.
FIELD = {
    "th": {
        "note": "หมายเหตุ",
        "item": "ข้อ",
        "items": "ข้อย่อย",
        "ref": "หลักฐาน",
        "done_at": "เสร็จเมื่อ",
        "was_done_at": "เดิมเสร็จเมื่อ",
        "reason": "เหตุผล",
        "title": "ชื่อ",
        "number": "ลำดับ",
        "owners": "ผู้รับผิดชอบ",
        "window": "ระยะเวลา",
        "period_text": "ระยะเวลาตามแผน",
        "starts_on": "เริ่ม",
        "ends_on": "สิ้นสุด",
        "meeting_id": "การประชุม",
        "unit": "หน่วยงาน",
        "addresses": "อีเมล",
        "removed": "ที่ยกเลิก",
        "plan": "แผน",
    },
    "en": {
        "note": "note",
        "item": "item",
        "items": "items",
        "ref": "ref",
        "done_at": "done at",
        "was_done_at": "was done at",
        "reason": "reason",
        "title": "title",
        "number": "number",
        "owners": "owners",
        "window": "window",
        "period_text": "period",
        "starts_on": "start",
        "ends_on": "end",
        "meeting_id": "meeting",
        "unit": "unit",
        "addresses": "e-mail",
        "removed": "removed",
        "plan": "plan",
    },
}


def word(table: dict[str, dict[str, str]], code: str, lang: str) -> str:
    """The word for `code`; a code this table does not know yet is shown as it is."""
    return table.get(lang, table["en"]).get(code, code)
