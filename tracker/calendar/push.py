"""Keep a calendar on a CalDAV server in step with tracker (`tracker ics push`).

Each item (a measure's window, its to-do, a meeting) is one resource named by
its UID, as in the vdir export. A push compares what it would send with what
it sent last time (table `caldav_items`: per calendar URL and UID, the
resource's address, the server's ETag and a digest of the data without
DTSTAMP), then:

- PUTs a new item with If-None-Match: * and a changed one with If-Match: its
  ETag, so it never silently overwrites a change it has not seen;
- DELETEs (If-Match) the items of cancelled measures and meetings, and those
  no longer in the plan;
- sends nothing at all for an item unchanged since the last push.

When a precondition fails (someone edited or removed the item on the server,
or the stored state was lost), tracker's version is put again without one:
tracker is where these items are kept; the report counts it as overwritten.
Talking HTTP is the `Server`'s business (tracker/calendar/caldav_server.py):
this module decides.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from tracker.calendar import export, source
from tracker.calendar.uids import file_name
from tracker.db.connection import Database, ts

_DTSTAMP = re.compile(rb"^DTSTAMP[;:].*\r\n", re.MULTILINE)


@dataclass(frozen=True)
class Reply:
    status: int
    etag: str | None = None


class Server(Protocol):
    def put(self, href: str, data: bytes, headers: dict[str, str]) -> Reply: ...
    def delete(self, href: str, headers: dict[str, str]) -> Reply: ...


@dataclass
class PushReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    overwritten: list[str] = field(default_factory=list)  # a server-side change was replaced
    unchanged: int = 0

    @property
    def requests(self) -> int:
        return len(self.created) + len(self.updated) + len(self.deleted) + len(self.overwritten)


def digest(data: bytes) -> str:
    return hashlib.sha256(_DTSTAMP.sub(b"", data)).hexdigest()


def resources(src: source.CalendarSource, *, now: datetime, todos: bool, lang: str) -> dict[str, bytes]:
    """UID → the resource's bytes (no METHOD, as CalDAV wants), for every item
    that should be on the server: cancelled measures and meetings are not."""
    cancelled = {e.task["id"] for e in src.tasks if e.cancelled}
    keep = source.CalendarSource(
        plan=src.plan,
        tasks=[e for e in src.tasks if e.task["id"] not in cancelled],
        meetings=[m for m in src.meetings if not m.meeting.get("cancelled_at")],
        plan_updated_at=src.plan_updated_at,
    )
    out: dict[str, bytes] = {}
    for comp in export.components(keep, now=now, todos=todos, lang=lang):
        out[str(comp["uid"])] = export.resource(comp)
    return out


class PushError(Exception):
    """The server refused a request (status and what was asked)."""

    def __init__(self, status: int, what: str, href: str) -> None:
        super().__init__(f"{what} {href}: HTTP {status}")
        self.status, self.what, self.href = status, what, href


def _ok(reply: Reply) -> bool:
    return 200 <= reply.status < 300


def push(db: Database, server: Server, calendar_url: str, wanted: dict[str, bytes], *,
         now: datetime, dry_run: bool = False) -> PushReport:
    """Bring the calendar at `calendar_url` to `wanted` (UID → bytes)."""
    base = calendar_url.rstrip("/") + "/"
    stored = {r["uid"]: r for r in db.query(
        "SELECT uid, href, etag, digest FROM caldav_items WHERE calendar = :c", {"c": base})}
    report = PushReport()
    for uid, data in sorted(wanted.items()):
        sum_ = digest(data)
        old = stored.get(uid)
        if old is not None and old["digest"] == sum_:
            report.unchanged += 1
            continue
        href = old["href"] if old is not None else base + file_name(uid)
        (report.updated if old is not None else report.created).append(uid)
        if dry_run:
            continue
        # create only, never replacing what someone else put there; change only
        # the version we put (a server that gave no ETag leaves nothing to check)
        cond = {"If-None-Match": "*"} if old is None else {"If-Match": old["etag"]} if old["etag"] else {}
        reply = server.put(href, data, cond)
        if reply.status == 412:  # changed or removed on the server, or our record was lost
            (report.updated if old is not None else report.created).remove(uid)
            report.overwritten.append(uid)
            reply = server.put(href, data, {})
        if not _ok(reply):
            raise PushError(reply.status, "PUT", href)
        _remember(db, base, uid, href, reply.etag, sum_, now=now)
    for uid, old in sorted(stored.items()):
        if uid in wanted:
            continue
        report.deleted.append(uid)
        if dry_run:
            continue
        reply = server.delete(old["href"], {"If-Match": old["etag"]} if old["etag"] else {})
        if reply.status == 412:
            reply = server.delete(old["href"], {})
        if not (_ok(reply) or reply.status in (404, 410)):  # already gone is as good
            raise PushError(reply.status, "DELETE", old["href"])
        db.execute("DELETE FROM caldav_items WHERE calendar = :c AND uid = :u", {"c": base, "u": uid})
    return report


def _remember(db: Database, base: str, uid: str, href: str, etag: str | None, sum_: str, *,
              now: datetime) -> None:
    params = {"c": base, "u": uid, "h": href, "e": etag, "d": sum_, "now": ts(now)}
    if not db.execute("UPDATE caldav_items SET href = :h, etag = :e, digest = :d, pushed_at = :now"
                      " WHERE calendar = :c AND uid = :u", params):
        db.execute("INSERT INTO caldav_items (calendar, uid, href, etag, digest, pushed_at)"
                   " VALUES (:c, :u, :h, :e, :d, :now)", params)


def push_plan(db: Database, server: Server, calendar_url: str, *, now: datetime, actor: str,
              plan_id: int | None = None, organisation: str | None = None, owner: str | None = None,
              todos: bool = True, lang: str = "th", dry_run: bool = False) -> PushReport:
    """`tracker ics push`: one plan (the latest unless `plan_id`) onto the calendar.
    Call inside a transaction; a push that changed something is in the history."""
    from tracker.services import history

    src = source.load(db, now=now, plan_id=plan_id, organisation=organisation, owner=owner)
    wanted = resources(src, now=now, todos=todos, lang=lang)
    report = push(db, server, calendar_url, wanted, now=now, dry_run=dry_run)
    if report.requests and not dry_run:
        history.record(db, now=now, actor=actor, action="caldav_push", plan_id=int(src.plan["id"]),
                       created=len(report.created), updated=len(report.updated),
                       deleted=len(report.deleted), overwritten=len(report.overwritten))
    return report
