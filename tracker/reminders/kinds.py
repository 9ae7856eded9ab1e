"""Every kind of reminder, once: whom it goes to, where it stands in a
digest, and what people call it.

policy.py decides when each falls due (the rules differ too much for a
table), compose.py renders it from templates/mail/<kind>/, and everything
else (the digest's order, who receives it, the words of `--preview` and
`--status`) reads this table. A new kind: a row here, its rule in
policy.py, its templates.
"""

from __future__ import annotations


class Kind:
    """A plain class: tracker.words reads this table on every command, and a
    dataclass costs start-up time that no command should pay for a table."""

    __slots__ = ("en", "name", "rank", "th", "to")

    def __init__(self, name: str, to: str, rank: int | None, th: str, en: str) -> None:
        self.name = name
        # "unit": the measure's units (or their stand-ins); "coordinator" /
        # "executive": [reminders] coordinator / executive, about a unit's
        # measure; "attendees": the meeting's; "summary": the coordinator, one
        # per organisation
        self.to = to
        self.rank = rank  # place in a digest, most urgent first; None: a mail of its own
        self.th = th
        self.en = en

    @property
    def in_digest(self) -> bool:
        return self.rank is not None

    @property
    def escalation(self) -> bool:
        return self.to in ("coordinator", "executive")


KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("window_opens", "unit", 7, "เริ่มช่วงดำเนินการ", "window opens"),
    Kind("nudge", "unit", 6, "ยังไม่มีความคืบหน้า", "nudge"),
    Kind("closing_soon", "unit", 3, "ใกล้ครบกำหนด", "closing soon"),
    Kind("checkpoint", "unit", 5, "ขอรายงานความคืบหน้า", "progress report"),
    Kind("overdue", "unit", 2, "เกินกำหนด", "overdue"),
    Kind("to_coordinator", "coordinator", 1, "แจ้งผู้ประสานงาน", "to the coordinator"),
    Kind("to_executive", "executive", 0, "แจ้งผู้บริหาร", "to the executive"),
    Kind("meeting_outcome_request", "unit", 4, "ขอผลก่อนประชุม", "outcome request"),
    Kind("weekly_summary", "summary", None, "สรุปประจำสัปดาห์", "weekly summary"),
    Kind("meeting_tomorrow", "attendees", None, "ประชุมพรุ่งนี้", "meeting tomorrow"),
    Kind("meeting_invitation", "attendees", None, "เชิญประชุม", "invitation"),
)}

# the mail that carries several of the above
DIGEST = Kind("digest", "unit", None, "สรุปประจำวัน", "daily digest")
