"""Turn claimed outbox rows into messages, from the database as it is *now*.

A row is rendered at send time, not when it was queued: a task done since is
cancelled instead of sent, an outcome field filled in since is no longer asked
for, a unit given an address since gets its mail. Rows that cannot go out say
why (`Skip`): held (no address yet) or cancelled (done, cancelled, expired).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache, partial
from typing import Any

from tracker import thai
from tracker.clock import BANGKOK
from tracker.config import Settings
from tracker.db.connection import Database, Row, from_ts
from tracker.errors import NotFound
from tracker.mail.message import (
    Attachment,
    Mail,
    build,
    calendar_part,
    clean,
    message_id,
    parse_sender,
    recipient,
)
from tracker.reminders import invitations, outbox
from tracker.reminders.kinds import KINDS
from tracker.reminders.policy import Policy, meeting_day, midnight
from tracker.services.tasks import OUTCOME_FIELDS
from tracker.textwidth import printable
from tracker.words import STATUS

log = logging.getLogger(__name__)

FIELD_LABELS = {
    "th": {"result": "ผลการดำเนินงาน", "problems": "ปัญหา", "obstacles": "อุปสรรค",
           "suggestions": "ข้อเสนอแนะ"},
    "en": {"result": "results", "problems": "problems", "obstacles": "obstacles",
           "suggestions": "suggestions"},
}
REPORT_TYPES = {"html": ("text", "html"), "pdf": ("application", "pdf"),
                "md": ("text", "markdown"), "text": ("text", "plain")}


# (row, template context, recipients): a row ready to be rendered
Ready = tuple[Row, dict[str, Any], list[str]]


@dataclass
class Outgoing:
    """One message and the outbox rows it settles.

    The message is rendered on first use (`mail()`), by the sender just
    before it sends it: everything that needs the database was decided when
    the batch was composed, so rendering never holds a lock."""

    rows: list[Row]
    to: list[str]
    msg_id: str
    keys: list[str]
    make: Callable[[], Mail]
    _mail: Mail | None = None

    def mail(self) -> Mail:
        if self._mail is None:
            self._mail = self.make()
        return self._mail

    @property
    def subject(self) -> str:
        return self.mail().subject


@dataclass
class Skip:
    row: Row
    status: str  # "held" | "cancelled" | "sent" (every address reached before a stop)
    reason: str


def no_address_reason(unit: str | None) -> str:
    who = unit or "ผู้เข้าร่วมประชุม"
    return (f"{who} ยังไม่มีอีเมล ใช้ tracker unit set \"{who}\" --email ... "
            f"({who} has no e-mail address: use `tracker unit set`)")


@lru_cache(maxsize=8)
def _environment(templates: str | None, stamp: tuple[float, int]) -> Any:
    """One template environment per folder while its files stay as they are.

    The daemon composes a batch every sweep: a fresh environment would compile
    every template again each time, and Jinja2's own reload check stats each
    template file on every render (seven files a mail). Instead `stamp` (the
    newest change time and the number of files under the folders) is taken
    once per batch: an edited template is used from the next batch on."""
    from tracker.templating import environment

    return environment(templates).overlay(auto_reload=False)


def _stamp(templates: str | None) -> tuple[float, int]:
    from tracker.templating import bundled_templates

    newest, count = 0.0, 0
    for folder in (templates, str(bundled_templates() / "mail")):
        if not folder:
            continue
        for path, _dirs, files in os.walk(folder):
            for name in files:
                try:
                    newest = max(newest, os.stat(os.path.join(path, name)).st_mtime)
                except OSError:  # removed while we look: the count still changes
                    continue
                count += 1
    return newest, count


def clerk_contact(settings: Settings) -> str:
    """Whom a unit tells its results when the mail has no link: [web] contact,
    else the report's reporter, else the sender's address."""
    if contact := str(settings.web.get("contact") or "").strip():
        return contact
    reporter = str(settings.report.get("reporter") or "").strip()
    position = str(settings.report.get("position") or "").strip()
    if reporter:
        return f"{reporter} {position}".strip()
    return str(parse_sender(settings.mail.sender).addr_spec)


class Composer:
    """Renders mails with one template environment and per-batch caches."""

    def __init__(self, db: Database, settings: Settings, policy: Policy, now: datetime) -> None:
        self.db = db
        self.settings = settings
        self.policy = policy
        self.now = now
        self.lang = policy.lang
        self.env = _environment(policy.templates, _stamp(policy.templates))
        self.sender = parse_sender(settings.mail.sender)
        if settings.mail.reply_to:
            recipient(settings.mail.reply_to)  # a bad address is a setting to fix: said before any mail
        self._tasks: dict[int, dict[str, Any] | None] = {}
        self._routes: dict[tuple[int, date], dict[str, tuple[list[str], list[str]]]] = {}
        self._archived: dict[int, bool] = {}
        self._links: dict[tuple[int, str], str | None] = {}
        self.contact = clerk_contact(settings)
        # per row id: the addresses it must reach, the ones reached, and
        # whether some wait for tomorrow's digest
        self.targets: dict[int, list[str]] = {}
        self.delivered: dict[int, list[str]] = {}
        self.deferred: set[int] = set()

    def unit_link(self, org_id: int | None, unit: str) -> str | None:
        """The unit's personal page ([web] base_url set), else None: the mail
        then names the clerk to tell instead."""
        base = str(self.settings.web.get("base_url") or "")
        if not base or org_id is None:
            return None
        key = (int(org_id), " ".join(unit.split()))
        if key not in self._links:
            from tracker.web.links import unit_token, unit_url

            token = unit_token(self.db, self.settings, key[0], key[1], now=self.now)
            self._links[key] = unit_url(base, token)
        return self._links[key]

    # ------------------------------------------------------------ data

    def task(self, task_id: int) -> dict[str, Any] | None:
        if task_id not in self._tasks:
            from tracker.services.tasks import get_task

            try:
                self._tasks[task_id] = get_task(self.db, task_id, now=self.now)
            except NotFound:
                self._tasks[task_id] = None
        return self._tasks[task_id]

    def unit_emails(self, org_id: int | None, unit: str, on: date | None = None) -> list[str]:
        """Where a unit's mail of the day `on` (default: today) goes: its
        addresses, or its stand-in's with its own (`tracker unit set
        --stand-in`: the holder is kept informed)."""
        if org_id is None:
            return []
        day = on or self.now.astimezone(BANGKOK).date()
        if (org_id, day) not in self._routes:
            from tracker.services.units import routes

            self._routes[(org_id, day)] = routes(self.db, org_id, day)
        to, cc = self._routes[(org_id, day)].get(" ".join(unit.split()), ([], []))
        return [*to, *cc]

    def route(self, kind: str, org_id: int | None, unit: str, ctx: dict[str, Any], on: date | None = None,
              ) -> tuple[list[str], dict[str, Any]]:
        """Where a task's reminder goes on `on` (default today), and its context
        as the recipient reads it: a unit's to the unit (or its stand-in), an
        escalation to the coordinator or the executive, about the unit."""
        if kind in ESCALATIONS:
            role = ESCALATIONS[kind]
            return (self.role_emails(org_id, role, on),
                    {**ctx, "unit": ROLE_LABELS[self.lang][role], "late_unit": unit, "role": role})
        return self.unit_emails(org_id, unit, on), ctx

    def role_emails(self, org_id: int | None, role: str, on: date | None = None) -> list[str]:
        """The coordinator's or the executive's addresses in an organisation:
        the addresses of `[reminders] coordinator` / `executive`, and the
        addresses of the units it names."""
        out: list[str] = []
        for who in getattr(self.policy, role):
            out += [who] if "@" in who else self.unit_emails(org_id, who, on)
        return list(dict.fromkeys(out))

    def summary(self, org_id: int, organisation: str, today: date) -> dict[str, Any] | None:
        """What the coordinator's weekly summary says on `today`, or None when
        it has nothing to say: by unit, the measures past their window and not
        done; by meeting in the next SUMMARY_MEETING_DAYS days, the measures
        whose outcome fields are still empty."""
        from tracker.services.plans import quiet_plan_ids
        from tracker.services.tasks import list_tasks

        tasks = [t for t in list_tasks(self.db, now=self.now, organisation=organisation, with_children=False)
                 if t["status"] not in ("done", "cancelled")]
        quiet = quiet_plan_ids(self.db, sorted({int(t["plan"]["id"]) for t in tasks}), today=today,
                               grace_days=self.policy.season_grace_days)
        tasks = [t for t in tasks if int(t["plan"]["id"]) not in quiet]
        late: dict[str, list[dict[str, Any]]] = {}
        for t in tasks:
            if t["end"] < today.isoformat():
                days_late = (today - date.fromisoformat(t["end"])).days
                for unit in t["owners"]:
                    late.setdefault(unit, []).append({**t, "days_late": days_late})
        meetings: dict[int, dict[str, Any]] = {}
        horizon = today + timedelta(days=SUMMARY_MEETING_DAYS)
        for t in tasks:
            m = t.get("meeting")
            if not m or m.get("cancelled_at"):
                continue
            day, assumed = meeting_day(str(m["month"]), m.get("date"), self.policy)
            missing = [x["label"] for x in self.missing(t)]
            if today < day <= horizon and missing:
                entry = meetings.setdefault(int(m["id"]), {"title": m["title"], "date": day.isoformat(),
                                                           "assumed": assumed, "tasks": []})
                entry["tasks"].append({**t, "missing_labels": missing})
        if not late and not meetings:
            return None
        return {"late": sorted(late.items()), "meetings": sorted(meetings.values(), key=lambda m: m["date"]),
                "late_count": len({t["id"] for ts in late.values() for t in ts}), "today": today,
                "org": organisation, "unit": ROLE_LABELS[self.lang]["coordinator"], "n": self.number}

    def _summary_row(self, row: Row, detail: dict[str, Any]) -> Skip | Outgoing:
        from tracker.services.units import organisation_name

        org_id = int(row["organisation_id"])
        ctx = self.summary(org_id, organisation_name(self.db, org_id), self.now.astimezone(BANGKOK).date())
        if ctx is None:
            return Skip(row, "cancelled", "ไม่มีเรื่องค้างที่ต้องสรุป (nothing to report this week)")
        to = self.role_emails(org_id, "coordinator")
        if not to:
            return Skip(row, "held", no_address_reason(ctx["unit"]))
        rendered = self.render("weekly_summary", {**ctx, "kind": "weekly_summary", "d": detail})
        return self._message([row], to, lambda: rendered)

    def archived(self, plan_id: int) -> bool:
        if plan_id not in self._archived:
            from tracker.services.plans import archived_plan_ids

            self._archived[plan_id] = bool(archived_plan_ids(self.db, [plan_id]))
        return self._archived[plan_id]

    def meeting_recipients(self, meeting: Mapping[str, Any], tasks: Sequence[Mapping[str, Any]],
                           org_id: int | None) -> list[str]:
        """The attendees; when none are set, every address of the owner units."""
        if meeting.get("attendees"):
            return list(dict.fromkeys(meeting["attendees"]))
        out: list[str] = []
        for t in tasks:
            for unit in t["owners"]:
                out += self.unit_emails(org_id, " ".join(unit.split()))
        return list(dict.fromkeys(out))

    def meeting_tasks(self, meeting: Mapping[str, Any]) -> list[dict[str, Any]]:
        from tracker.services.tasks import list_tasks

        tasks = list_tasks(self.db, now=self.now, plan_id=int(meeting["plan_id"]), with_children=False)
        return [t for t in tasks if (t["meeting"] or {}).get("id") == meeting["id"]
                and t["status"] != "cancelled"]

    # ------------------------------------------------------------ text

    def fdate(self, value: str | date) -> str:
        day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
        return thai.format_date(day, lang=self.lang, digits=self.policy.digits, style="long")

    def _name(self, kind: str, part: str) -> str:
        suffix = ".en" if self.lang == "en" else ""
        stem, ext = part.rsplit(".", 1)
        return f"mail/{kind}/{stem}{suffix}.{ext}"

    def render(self, kind: str, context: Mapping[str, Any]) -> tuple[str, str, str]:
        """(subject, text, html) of one kind."""
        ctx = self.full_context(context)
        subject = self.subject(kind, ctx)
        # Read in a terminal mail reader too (mutt): nothing typed may drive it.
        text = printable(self.env.get_template(self._name(kind, "body.txt")).render(ctx))
        html = self.env.get_template(self._name(kind, "body.html")).render({**ctx, "subject": subject})
        return subject, text, html

    def full_context(self, context: Mapping[str, Any]) -> dict[str, Any]:
        """What every template of a mail sees, around the reminder's own context."""
        return {"lang": self.lang, "fdate": self.fdate, "contact": self.contact, "link": None,
                "n": self.number, "fday": self.fday, **context}

    def subject(self, kind: str, context: Mapping[str, Any]) -> str:
        ctx = {"lang": self.lang, "fdate": self.fdate, "n": self.number, "fday": self.fday, **context}
        return clean(self.env.get_template(self._name(kind, "subject.txt")).render(ctx), 250)

    def missing(self, task: Mapping[str, Any]) -> list[dict[str, str]]:
        labels = FIELD_LABELS[self.lang]
        return [{"field": f, "option": f, "label": labels[f]} for f in OUTCOME_FIELDS
                if not str(task["outcome"].get(f) or "").strip()]

    def task_context(self, kind: str, task: Mapping[str, Any], unit: str,
                     detail: Mapping[str, Any]) -> dict[str, Any]:
        title = clean(str(task["title"]))
        return {
            "kind": kind, "task": task, "unit": unit, "d": detail,
            "org": task["plan"]["organisation"], "missing": self.missing(task),
            "short_title": title if len(title) <= 70 else title[:69] + "…",
        }

    # ------------------------------------------------------------ rows

    def prefetch(self, task_ids: Sequence[int], *, only: bool = False) -> None:
        """Load a batch's tasks with a query per 500 instead of several per row
        (`only`: forget the ones loaded before, so memory follows the batch)."""
        from tracker.services.tasks import list_tasks

        if only:
            self._tasks.clear()
        wanted = sorted({int(t) for t in task_ids} - set(self._tasks))
        for i in range(0, len(wanted), 500):
            for t in list_tasks(self.db, now=self.now, ids=wanted[i : i + 500], with_children=False):
                self._tasks.setdefault(int(t["id"]), t)
        for tid in wanted:
            self._tasks.setdefault(tid, None)  # gone since it was queued

    def compose(self, rows: Sequence[Row]) -> tuple[list[Outgoing], list[Skip]]:
        """Messages for claimed rows (digested per unit when the policy says so)."""
        self.prefetch([r["task_id"] for r in rows if r["task_id"] is not None])
        outgoing: list[Outgoing] = []
        skips: list[Skip] = []
        ready: list[Ready] = []
        for row in rows:
            result = self._one(row)
            if isinstance(result, Skip):
                skips.append(result)
            elif isinstance(result, Outgoing):
                outgoing.append(result)
            else:
                ready.append(result)
        for rows_, to in self.addressed(ready):
            if len(rows_) == 1:
                row, ctx = rows_[0]
                outgoing.append(self._message([row], to, partial(self.render, row["kind"], ctx)))
            else:
                outgoing.append(self._digest(rows_, to))
        return outgoing, skips

    def addressed(self, ready: Sequence[Ready], *, mailed: set[tuple[int, str]] | None = None,
                   ) -> list[tuple[list[tuple[Row, dict[str, Any]]], list[str]]]:
        """Who gets which items: with `digest`, one message per address of an
        organisation carrying everything due for it (the addresses that would
        get the very same items share the message), except an address that
        has had today's mail already (`mailed`; None: as the outbox says):
        its items wait for the next working day's (`deferred`). Without
        `digest`, a message per item."""
        if not self.policy.digest:
            return [([(row, ctx)], to) for row, ctx, to in ready]
        if mailed is None:
            mailed = outbox.mailed_since(self.db, [int(r["organisation_id"]) for r, _c, _t in ready],
                                         midnight(self.now.astimezone(BANGKOK).date()))
        per_address: dict[tuple[int, str], list[tuple[Row, dict[str, Any]]]] = {}
        for row, ctx, to in ready:
            for address in to:
                if (int(row["organisation_id"]), address) in mailed:
                    self.deferred.add(int(row["id"]))
                else:
                    per_address.setdefault((int(row["organisation_id"]), address), []).append((row, ctx))
        shared: dict[tuple[int, ...], tuple[list[tuple[Row, dict[str, Any]]], list[str]]] = {}
        for (_org, address), items in per_address.items():
            ids = tuple(sorted(int(r["id"]) for r, _c in items))
            shared.setdefault(ids, (items, []))[1].append(address)
        return list(shared.values())

    def next_digest(self) -> datetime:
        """When the items of an address already mailed today go: the next working day's hour."""
        today = self.now.astimezone(BANGKOK).date()
        return self.policy.at(self.policy.calendar.next_working_day(today + timedelta(days=1)))

    def reached(self, out: Outgoing) -> list[tuple[int, list[str], bool]]:
        """`out` went out: per row, every address it has reached so far and
        whether that is all of them (the row is then sent)."""
        got = []
        for row in out.rows:
            rid = int(row["id"])
            done = self.delivered.setdefault(rid, [])
            done += [a for a in out.to if a not in done]
            got.append((rid, list(done), set(self.targets.get(rid, ())) <= set(done)))
        return got

    def _one(self, row: Row) -> Skip | Outgoing | Ready:
        detail = json.loads(row["detail"] or "{}")
        if row["expires_at"] and from_ts(row["expires_at"]) <= self.now:
            why = "หมดเวลาก่อนส่งได้ (expired before it could be sent)"
            if row.get("last_error") and row["attempts"]:
                why += f"; last error: {row['last_error']}"
            return Skip(row, "cancelled", why)
        own = {"meeting_tomorrow": self._meeting_row, invitations.KIND: self._invitation_row,
               "weekly_summary": self._summary_row}  # the kinds that are a mail of their own
        if row["kind"] in own:
            return own[row["kind"]](row, detail)
        task = self.task(int(row["task_id"])) if row["task_id"] is not None else None
        if task is None:
            return Skip(row, "cancelled", "ไม่พบงานแล้ว (the task no longer exists)")
        if task["status"] == "cancelled":
            return Skip(row, "cancelled", "งานถูกยกเลิก (task cancelled)")
        if task["done_at"]:
            return Skip(row, "cancelled", "งานเสร็จแล้ว (task done)")
        if self.archived(int(task["plan"]["id"])):
            return Skip(row, "cancelled", "แผนถูกเก็บถาวร (plan archived)")
        unit = str(row["unit"])
        ctx = self.task_context(row["kind"], task, unit, detail)
        if row["kind"] == "meeting_outcome_request" and not ctx["missing"]:
            return Skip(row, "cancelled", "กรอกข้อมูลครบแล้ว (outcome fields all filled in)")
        if row["kind"] == "meeting_outcome_request" and self.meeting_cancelled(row["meeting_id"]):
            return Skip(row, "cancelled", "การประชุมถูกยกเลิก (the meeting was cancelled)")
        to, ctx = self.route(row["kind"], row["organisation_id"], unit, ctx)
        if not to:
            return Skip(row, "held", no_address_reason(ctx["unit"]))
        # a run stopped between two digests: the addresses reached keep it
        reached = [str(a) for a in json.loads(row.get("recipients") or "[]")]
        self.delivered[int(row["id"])] = reached
        self.targets[int(row["id"])] = [*reached, *(a for a in to if a not in reached)]
        to = [a for a in to if a not in reached]
        if not to:
            return Skip(row, "sent", "ส่งถึงทุกที่อยู่แล้ว (every address has it)")
        # a unit's page is the unit's: the coordinator follows up from the clerk's page
        ctx["link"] = None if row["kind"] in ESCALATIONS else self.unit_link(row["organisation_id"], unit)
        return row, ctx, to

    def _meeting_row(self, row: Row, detail: dict[str, Any]) -> Skip | Outgoing:
        from tracker.services.meetings import get_meeting

        try:
            meeting = get_meeting(self.db, int(row["meeting_id"]))
        except NotFound:
            return Skip(row, "cancelled", "ไม่พบการประชุมแล้ว (the meeting no longer exists)")
        if meeting["cancelled_at"]:
            return Skip(row, "cancelled", "การประชุมถูกยกเลิก (the meeting was cancelled)")
        if self.archived(int(meeting["plan_id"])):
            return Skip(row, "cancelled", "แผนถูกเก็บถาวร (plan archived)")
        tasks = self.meeting_tasks(meeting)
        if not tasks:
            return Skip(row, "cancelled", "ไม่มีมาตรการที่ต้องรายงาน (no measure to report)")
        to = self.meeting_recipients(meeting, tasks, row["organisation_id"])
        if not to:
            return Skip(row, "held", no_address_reason(None))
        labels = STATUS[self.lang]
        rows = [{**t, "status_label": labels[t["status"]],
                 "missing": [m["label"] for m in self.missing(t)]} for t in tasks]
        attachments = self.meeting_attachments(int(meeting["id"]))
        ctx = {"kind": "meeting_tomorrow", "meeting": meeting, "tasks": rows, "d": detail,
               "org": meeting["organisation"], "attachments": [a.filename for a in attachments]}
        rendered = self.render("meeting_tomorrow", ctx)  # now: it is not the common case
        return self._message([row], to, lambda: rendered, attachments)

    def _invitation_row(self, row: Row, detail: dict[str, Any]) -> Skip | Outgoing:
        """The meeting's invitation (REQUEST) or its cancellation (CANCEL), as
        the meeting stands now; a revision overtaken since is not sent (the
        newer one is queued by the same run)."""
        from tracker.services.meetings import get_meeting

        try:
            meeting = get_meeting(self.db, int(row["meeting_id"]))
        except NotFound:
            return Skip(row, "cancelled", "ไม่พบการประชุมแล้ว (the meeting no longer exists)")
        if int(meeting["sequence"]) != int(detail.get("sequence", -1)):
            return Skip(row, "cancelled", "มีการแก้ไขการประชุมครั้งใหม่กว่า (a newer revision of the meeting)")
        dropped = detail.get("audience") == "dropped"
        method = "CANCEL" if dropped else invitations.method(meeting)
        if method == "CANCEL" and not self.invited(int(meeting["id"])):
            return Skip(row, "cancelled", "ยังไม่เคยส่งคำเชิญ จึงไม่ต้องแจ้งยกเลิก (no invitation was ever sent)")
        to = self.uninvited(meeting) if dropped else list(dict.fromkeys(meeting["attendees"]))
        if not meeting["date"] or not to:
            return Skip(row, "cancelled", "ไม่มีผู้ที่ต้องแจ้ง (nobody to tell: no date, or no attendee invited)")
        ics = self.invitation(int(meeting["id"]), method, to)
        ctx = {"kind": invitations.KIND, "meeting": meeting, "d": {**detail, "method": method},
               "org": meeting["organisation"], "cancelled": method == "CANCEL", "dropped": dropped,
               "update": int(meeting["sequence"]) > 0 and self.invited(int(meeting["id"]))}
        part = calendar_part(ics, method, f"meeting-{meeting['id']}.ics")
        return self._message([row], to, partial(self.render, invitations.KIND, ctx), calendar=part)

    def meeting_cancelled(self, meeting_id: int | None) -> bool:
        if meeting_id is None:
            return False
        found = self.db.scalar("SELECT cancelled_at FROM meetings WHERE id = :m", {"m": meeting_id})
        return found is not None

    def invited(self, meeting_id: int) -> bool:
        """Has a REQUEST for this meeting gone out (so a CANCEL means something)?"""
        return bool(self.db.scalar(
            "SELECT COUNT(*) FROM outbox WHERE meeting_id = :m AND kind = :k AND status = 'sent'"
            " AND detail LIKE :req",
            {"m": meeting_id, "k": invitations.KIND, "req": '%"method": "REQUEST"%'}))

    def uninvited(self, meeting: Mapping[str, Any]) -> list[str]:
        """The dropped attendees whose last invitation sent was a REQUEST (not
        yet told that they are off the list)."""
        last: dict[str, str] = {}
        for r in self.db.query(
            "SELECT recipients, detail FROM outbox WHERE meeting_id = :m AND kind = :k AND status = 'sent'"
            " ORDER BY sent_at, id", {"m": int(meeting["id"]), "k": invitations.KIND},
        ):
            method = str(json.loads(r["detail"] or "{}").get("method") or "")
            for address in json.loads(r["recipients"] or "[]"):
                last[str(address)] = method
        return [a for a in meeting.get("dropped") or [] if last.get(a) == "REQUEST"]

    def invitation(self, meeting_id: int, method: str, attendees: Sequence[str]) -> bytes:
        from tracker.calendar.export import invitation_ics

        return invitation_ics(self.db, meeting_id, now=self.now, method=method, lang=self.lang,
                              organizer=(self.sender.display_name, self.sender.addr_spec),
                              attendees=attendees)

    def meeting_attachments(self, meeting_id: int) -> list[Attachment]:
        """The draft report and the meeting's .ics, when those modules can make them.

        Both come from other parts of tracker; a failure there must not stop
        the reminder, so it is logged and the mail goes without that part.
        """
        out: list[Attachment] = []
        fmt = self.policy.report_format
        if fmt != "none":
            try:
                from tracker.report.render import render_report
            except ImportError:
                log.info("tracker.report is not available: the mail goes without the draft report")
            else:
                try:
                    data = render_report(self.db, meeting_id=meeting_id, fmt=fmt, lang=self.lang,
                                         digits=self.policy.digits, now=self.now, settings=self.settings)
                    main, sub = REPORT_TYPES[fmt]
                    ext = {"text": "txt"}.get(fmt, fmt)
                    out.append(Attachment(f"report-meeting-{meeting_id}.{ext}", bytes(data), main, sub))
                except Exception as exc:  # another module's failure: log, send the rest
                    log.warning("draft report for meeting %s failed: %s: %s", meeting_id,
                                type(exc).__name__, exc)
        try:
            from tracker.calendar.export import meeting_ics
        except ImportError:
            log.info("tracker.calendar is not available: the mail goes without the .ics")
        else:
            try:
                from tracker.services.meetings import get_meeting

                meeting = get_meeting(self.db, meeting_id)
                if meeting["date"] and meeting["attendees"]:
                    # the invitation itself: same UID and SEQUENCE as the one sent
                    # when the meeting got its day, so a calendar keeps one event
                    ics = self.invitation(meeting_id, "REQUEST", meeting["attendees"])
                    out.append(calendar_part(ics, "REQUEST", f"meeting-{meeting_id}.ics"))
                else:  # a month-only meeting, or nobody invited: published, not an invitation
                    ics = meeting_ics(self.db, meeting_id, now=self.now)
                    out.append(Attachment(f"meeting-{meeting_id}.ics", bytes(ics), "text", "calendar",
                                          {"method": "PUBLISH", "charset": "utf-8"}))
            except Exception as exc:  # see above
                log.warning("meeting .ics for meeting %s failed: %s: %s", meeting_id,
                            type(exc).__name__, exc)
        return out

    def _message(self, rows: list[Row], to: list[str], render: Callable[[], tuple[str, str, str]],
                 attachments: Sequence[Attachment] = (), calendar: Attachment | None = None) -> Outgoing:
        keys = [str(r["key"]) for r in rows]
        mid = message_id(keys, self.sender)

        def make() -> Mail:
            subject, text, html = render()
            return build(sender=self.sender, to=to, subject=subject, text=text, html=html, msg_id=mid,
                         date=self.now.astimezone(BANGKOK), keys=keys, attachments=attachments,
                         calendar=calendar, reply_to=self.settings.mail.reply_to)

        return Outgoing(rows=rows, to=to, msg_id=mid, keys=keys, make=make)

    def _digest(self, items: Sequence[tuple[Row, dict[str, Any]]], to: list[str]) -> Outgoing:
        items = by_urgency(items)
        return self._message([row for row, _ctx in items], to,
                             lambda: self.render("digest", self.digest_context(items)))

    def digest_context(self, items: Sequence[tuple[Row, dict[str, Any]]], *, text: bool = True,
                       ) -> dict[str, Any]:
        """What the digest templates see (`text`: with each measure's lines;
        the subject needs none)."""
        part = self.env.get_template("mail/_task.en.txt" if self.lang == "en" else "mail/_task.txt")
        listed = [{"kind": row["kind"], "d": ctx["d"], "missing": ctx["missing"], "task": ctx["task"],
                   "late_unit": ctx.get("late_unit"),
                   "text": part.render(self.full_context(ctx)).strip() if text else ""}
                  for row, ctx in items]
        units: dict[str, dict[str, Any]] = {}
        for _row, ctx in items:
            units.setdefault(ctx["unit"], {"name": ctx["unit"], "link": ctx["link"], "role": ctx.get("role")})
        return {"units": list(units.values()),
                "unit": " / ".join(units), "org": items[0][1]["org"], "items": listed,
                "groups": groups(listed), "n": self.number, "fday": self.fday,
                "today": self.now.astimezone(BANGKOK).date()}

    def number(self, n: int) -> str:
        return thai.to_thai_digits(str(n)) if self.policy.digits == "thai" else str(n)

    def fday(self, value: str | date) -> str:
        """A day without its year, for a subject: "20 เม.ย." / "20 April"."""
        day = date.fromisoformat(str(value)[:10])
        style = "short" if self.lang == "th" else "long"
        return thai.format_date(day, lang=self.lang, digits=self.policy.digits, style=style).rsplit(" ", 1)[0]


# the reminders that go to a role about a unit's late measure: kind → role
ESCALATIONS = {k.name: k.to for k in KINDS.values() if k.escalation}
ROLE_LABELS = {"th": {"coordinator": "ผู้ประสานงานการติดตามมาตรการ", "executive": "ผู้บริหาร"},
               "en": {"coordinator": "the plan's coordinator", "executive": "the executive"}}
SUMMARY_MEETING_DAYS = 30


def urgency(kind: str, detail: Mapping[str, Any], task: Mapping[str, Any]) -> tuple[Any, ...]:
    """Most urgent first (kinds.py's ranks: what is late, what closes soonest,
    what the meeting needs, then the gentler asks), then the nearest day."""
    rank = KINDS[kind].rank if kind in KINDS and KINDS[kind].rank is not None else len(KINDS)
    within = -int(detail.get("days_late") or 0) if kind == "overdue" else int(detail.get("days_left") or 0)
    return rank, within, str(detail.get("meeting_date") or ""), str(task.get("number") or ""), int(task["id"])


def by_urgency(items: Sequence[tuple[Row, dict[str, Any]]]) -> list[tuple[Row, dict[str, Any]]]:
    """A digest's (row, context) items, most urgent first."""
    return sorted(items, key=lambda it: urgency(str(it[0]["kind"]), it[1]["d"], it[1]["task"]))


def groups(items: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """What a digest's subject says, per kind in the items' order: how many
    measures, and the nearest day left or meeting."""
    out: dict[str, dict[str, Any]] = {}
    for it in items:
        g = out.setdefault(it["kind"], {"kind": it["kind"], "count": 0, "days_left": None,
                                        "meeting_date": None})
        g["count"] += 1
        d = it["d"]
        if d.get("days_left") is not None and (g["days_left"] is None or d["days_left"] < g["days_left"]):
            g["days_left"] = int(d["days_left"])
        if d.get("meeting_date") and (g["meeting_date"] is None or d["meeting_date"] < g["meeting_date"]):
            g["meeting_date"] = str(d["meeting_date"])
    return list(out.values())
