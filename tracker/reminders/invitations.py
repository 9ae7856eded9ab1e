"""The follow-up meeting as a real invitation: which revision is due to go.

Pure, like policy.py. A meeting with a day and attendees has one invitation
per revision (its `sequence`): METHOD:REQUEST, or METHOD:CANCEL once it is
cancelled. The revision is due from the moment it was made (the meeting's
`updated_at`), not at the reminder hour and not the day before: the next
`tracker remind` run (or scheduler sweep) sends it. Keyed

    meeting_invitation:m<meeting id>:<sequence>

so the outbox's unique key sends each revision once, and the thread
(`meeting_invitation:m<id>`) lets a newer revision replace an older one not
yet sent (a meeting moved twice before the run gets one mail, the latest).
An invitation is worth sending until the meeting begins.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from tracker.clock import BANGKOK

KIND = "meeting_invitation"


def starts_at(meeting: Mapping[str, Any]) -> datetime:
    """Until when an invitation is news: the meeting's start (an all-day
    meeting: the end of its day)."""
    day = date.fromisoformat(str(meeting["date"])[:10])
    if meeting.get("time"):
        hh, mm = (int(x) for x in str(meeting["time"]).split(":"))
        return datetime.combine(day, time(hh, mm), BANGKOK)
    return datetime.combine(day + timedelta(days=1), time(0), BANGKOK)


def method(meeting: Mapping[str, Any]) -> str:
    return "CANCEL" if meeting.get("cancelled_at") else "REQUEST"


def key(meeting_id: int, sequence: int) -> str:
    return f"{KIND}:m{int(meeting_id)}:{int(sequence)}"


def invitation(meeting: Mapping[str, Any], now: datetime) -> Any | None:
    """The meeting's current invitation as a policy Reminder, or None (no day,
    no attendees, not yet made at `now`, or the meeting has begun)."""
    from tracker.reminders.policy import Reminder

    if not meeting.get("date") or not meeting.get("attendees") or not meeting.get("updated_at"):
        return None
    made = datetime.fromisoformat(str(meeting["updated_at"])).astimezone(BANGKOK)
    ends = starts_at(meeting)
    if made > now or ends <= now:
        return None
    mid, seq = int(meeting["id"]), int(meeting["sequence"])
    return Reminder(
        key=key(mid, seq), kind=KIND, on=made.date(), at=made, organisation=str(meeting["organisation"]),
        meeting_id=mid, expires=ends,
        detail={"method": method(meeting), "sequence": seq, "meeting_date": str(meeting["date"])[:10],
                "meeting_title": str(meeting.get("title") or "")},
    )
