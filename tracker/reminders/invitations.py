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
Attendees taken off the list get a CANCEL of their own, keyed
`…:<sequence>:dropped` (thread `meeting_invitation:m<id>:dropped`); the
composer sends it only to those whose last invitation was a REQUEST.
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


def invitations(meeting: Mapping[str, Any], now: datetime) -> list[Any]:
    """The meeting's current invitations as policy Reminders: one to its
    attendees (none without a day or attendees, before the revision was made
    at `now`, or once the meeting has begun) and, when attendees were taken
    off the list, a CANCEL to them (`…:<sequence>:dropped`, its own thread)."""
    from tracker.reminders.policy import Reminder

    if not meeting.get("date") or not meeting.get("updated_at"):
        return []
    made = datetime.fromisoformat(str(meeting["updated_at"])).astimezone(BANGKOK)
    ends = starts_at(meeting)
    if made > now or ends <= now:
        return []
    mid, seq = int(meeting["id"]), int(meeting["sequence"])
    detail = {"sequence": seq, "meeting_date": str(meeting["date"])[:10],
              "meeting_title": str(meeting.get("title") or "")}
    out = []
    for audience, method_, suffix in (("attendees", method(meeting), ""), ("dropped", "CANCEL", ":dropped")):
        if meeting.get(audience):
            out.append(Reminder(
                key=key(mid, seq) + suffix, kind=KIND, on=made.date(), at=made,
                organisation=str(meeting["organisation"]), meeting_id=mid, expires=ends,
                detail={**detail, "method": method_, "audience": audience},
            ))
    return out


def invitation(meeting: Mapping[str, Any], now: datetime) -> Any | None:
    """The invitation to the attendees alone (see `invitations`)."""
    return next((r for r in invitations(meeting, now) if r.detail["audience"] == "attendees"), None)
