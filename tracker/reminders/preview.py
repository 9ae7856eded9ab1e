"""The season ahead: every reminder from FROM to TO, without sending anything.

`simulate` is pure: it runs the same `policy.due` a daily scheduler would run,
one working day after another, and keeps what is new each day, so the
preview is what the real runs will do (given the tasks as they stand now).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from tracker.db.connection import Database
from tracker.reminders import invitations
from tracker.reminders.policy import Policy, Reminder, due


def simulate(
    tasks: Iterable[Mapping[str, Any]],
    meetings: Iterable[Mapping[str, Any]],
    policy: Policy,
    start: date,
    end: date,
    *,
    activity: Mapping[int, datetime] | None = None,
    last_day: Mapping[int, date] | None = None,
) -> list[Reminder]:
    """Reminders that would go out from `start` to `end`, day by day. What was
    due before `start` counts as already sent. `last_day`: by task id, the
    last day its plan's season gives it reminders."""
    tasks, meetings = list(tasks), list(meetings)
    ends = last_day or {}
    before = policy.at(start) - timedelta(microseconds=1)
    seen = {r.key for r in due(tasks, meetings, policy, before, activity=activity,
                               organisations={str(t["plan"]["organisation"]) for t in tasks})}
    out: list[Reminder] = []
    day = start
    while day <= end:
        if policy.calendar.is_working_day(day):
            live = [t for t in tasks if ends.get(int(t["id"]), day) >= day]
            organisations = {str(t["plan"]["organisation"]) for t in live}
            for r in due(live, meetings, policy, policy.at(day), activity=activity,
                         organisations=organisations):
                if r.key not in seen:
                    seen.add(r.key)
                    out.append(r)
        day += timedelta(days=1)
    return out


def preview(
    db: Database, settings: Any, policy: Policy, *, start: date, end: date, now: datetime,
    organisation: str | None = None,
) -> list[dict[str, Any]]:
    """Preview rows: at, kind, task_id / meeting_id, to, unit, subject, key."""
    from tracker.reminders.run import last_activity
    from tracker.services.meetings import list_meetings
    from tracker.services.plans import archived_plan_ids, season_last_days
    from tracker.services.tasks import list_tasks

    tasks = list_tasks(db, now=now, organisation=organisation, with_children=False)
    meetings = list_meetings(db, organisation=organisation)
    plan_ids = sorted({int(t["plan"]["id"]) for t in tasks})
    archived = archived_plan_ids(db, plan_ids)
    tasks = [t for t in tasks if int(t["plan"]["id"]) not in archived]
    meetings = [m for m in meetings if int(m["plan_id"]) not in archived]
    ends = season_last_days(db, plan_ids, grace_days=policy.season_grace_days)
    last_day = {int(t["id"]): ends[int(t["plan"]["id"])] for t in tasks}
    activity = last_activity(db, [t["id"] for t in tasks])
    season = simulate(tasks, meetings, policy, start, end, activity=activity, last_day=last_day)
    reminders = [r for r in season if r.kind != invitations.KIND]
    return describe(db, settings, policy, [*waiting_invitations(db, meetings, now, start, end), *reminders],
                    now=now, season=True)


def waiting_invitations(db: Database, meetings: Iterable[Mapping[str, Any]], now: datetime,
                        start: date, end: date) -> list[Reminder]:
    """The invitations the next run will send (a revision not sent yet), shown
    at `now` when today is in the range: an invitation is not a step of the
    season, it goes out with the next run after the meeting changed."""
    from dataclasses import replace

    from tracker.clock import BANGKOK
    from tracker.reminders.outbox import existing_keys

    if not start <= now.astimezone(BANGKOK).date() <= end:
        return []
    due = [r for m in meetings for r in invitations.invitations(m, now)]
    known = existing_keys(db, [r.key for r in due])
    return [replace(r, at=now) for r in due if r.key not in known]


def describe(
    db: Database, settings: Any, policy: Policy, reminders: Iterable[Reminder], *, now: datetime,
    season: bool = False,
) -> list[dict[str, Any]]:
    """Reminders as the mails a person or a script reads, one row a mail: at,
    kind ("digest" for a mail of several items, with `items`), task_id or
    meeting_id, to (addresses as they stand now), unit, subject, key, keys.
    The items of a day are put in mails as the sender would (`season`: each
    day as a day of its own, nobody mailed yet; else today, as the outbox says)."""
    from itertools import groupby

    from tracker.errors import NotFound
    from tracker.reminders.compose import Composer, by_urgency
    from tracker.services.meetings import get_meeting

    org_ids = {str(r["name"]): int(r["id"]) for r in db.query("SELECT id, name FROM organisations")}
    composer = Composer(db, settings, policy, now)
    meetings: dict[int, dict[str, Any]] = {}
    rows: list[dict[str, Any]] = []
    n = 0  # a stand-in row id for each reminder put in a mail

    def mails(ready: list[tuple[dict[str, Any], dict[str, Any], list[str]]], by_key: dict[str, Reminder],
              ) -> None:
        """One day's task reminders, put in mails as the sender would."""
        for items, to in composer.addressed(ready, mailed=set() if season else None):
            items = by_urgency(items)
            found = [by_key[str(row["key"])] for row, _ctx in items]
            if len(items) == 1:
                rows.append(_row(found[0], to, composer.subject(found[0].kind,
                                                                composer.full_context(items[0][1]))))
                continue
            ctx = composer.digest_context(items, text=False)
            rows.append({
                "at": found[0].at.isoformat(), "kind": "digest", "task_id": None, "meeting_id": None,
                "to": to, "unit": ctx["unit"], "organisation": found[0].organisation,
                "subject": composer.subject("digest", composer.full_context(ctx)), "key": None,
                "keys": [r.key for r in found],
                "items": [{"key": r.key, "kind": r.kind, "task_id": r.task_id, "unit": r.unit}
                          for r in found],
            })

    # a day at a time: its tasks loaded together (a season's catch-up shows thousands)
    for _day, group in groupby(sorted(reminders, key=lambda r: r.on), key=lambda r: r.on):
        day_reminders = list(group)  # sorted() is stable: a day's in the order given
        composer.prefetch([r.task_id for r in day_reminders if r.task_id is not None], only=True)
        ready: list[tuple[dict[str, Any], dict[str, Any], list[str]]] = []
        by_key: dict[str, Reminder] = {}
        for r in day_reminders:
            org_id = org_ids.get(r.organisation)
            ctx: dict[str, Any]
            if r.kind == invitations.KIND and r.meeting_id is not None:
                try:
                    meeting = meetings.get(r.meeting_id) or get_meeting(db, r.meeting_id)
                except NotFound:
                    continue
                meetings[r.meeting_id] = meeting
                dropped = r.detail.get("audience") == "dropped"
                to = composer.uninvited(meeting) if dropped else list(meeting["attendees"])
                ctx = {"kind": r.kind, "meeting": meeting, "d": dict(r.detail), "org": r.organisation,
                       "cancelled": r.detail.get("method") == "CANCEL", "dropped": dropped,
                       "update": composer.invited(r.meeting_id)}
            elif r.kind == "weekly_summary":
                summary = composer.summary(org_id or 0, r.organisation, r.on)
                if summary is None:  # nothing to report that week: not sent
                    continue
                to = composer.role_emails(org_id, "coordinator")
                ctx = {**summary, "kind": r.kind, "d": dict(r.detail)}
            elif r.kind == "meeting_tomorrow" and r.meeting_id is not None:
                try:
                    meeting = meetings.get(r.meeting_id) or get_meeting(db, r.meeting_id)
                except NotFound:
                    continue
                meetings[r.meeting_id] = meeting
                mtasks = composer.meeting_tasks(meeting)
                to = composer.meeting_recipients(meeting, mtasks, org_id)
                ctx = {"kind": r.kind, "meeting": meeting, "tasks": [], "d": dict(r.detail),
                       "org": r.organisation, "attachments": []}
            else:
                task = composer.task(r.task_id) if r.task_id is not None else None
                if task is None or r.unit is None:
                    continue
                ctx = composer.task_context(r.kind, task, r.unit, dict(r.detail))
                to, ctx = composer.route(r.kind, org_id, r.unit, ctx, r.on if season else None)
                ctx["link"] = None
                if to:  # put in mails with the rest of its day
                    n += 1
                    by_key[r.key] = r
                    ready.append(({"id": n, "key": r.key, "kind": r.kind, "organisation_id": org_id or 0},
                                  ctx, to))
                    continue
            # The subject is all a row shows: rendering both bodies of every mail
            # was most of a late-September dry run (2,000 overdue mails).
            rows.append(_row(r, to, composer.subject(r.kind, composer.full_context(ctx))))
        mails(ready, by_key)
    rows.sort(key=lambda row: row["at"])  # stable: a day's mails in the order made
    return rows


def _row(r: Reminder, to: list[str], subject: str) -> dict[str, Any]:
    from tracker.reminders.compose import no_address_reason

    row: dict[str, Any] = {
        "at": r.at.isoformat(), "kind": r.kind, "task_id": r.task_id,
        "meeting_id": r.meeting_id, "to": to, "unit": r.unit, "organisation": r.organisation,
        "subject": subject, "key": r.key, "keys": [r.key],
    }
    if not to:
        row["warning"] = no_address_reason(r.unit)
    return row
