"""Units (สำนักปลัดฯ, กองคลัง …) and the addresses that get their reminders."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from tracker.clock import BANGKOK
from tracker.db.connection import Database, ts
from tracker.errors import NO_PLAN_YET, InvalidInput, NotFound
from tracker.services import history

# Deliberately plain: one local@domain, no display name, nothing that could
# smuggle a header line into a message.
_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")


def check_email(addr: str) -> str:
    addr = addr.strip()
    if not _EMAIL.fullmatch(addr):
        raise InvalidInput(f"อีเมลไม่ถูกต้อง (not an e-mail address: {addr!r})")
    return addr


def organisation_id(db: Database, name: str | None) -> int:
    """The organisation named, or the only one there is."""
    if name is not None:
        row = db.one("SELECT id FROM organisations WHERE name = :n", {"n": name})
        if row is None:
            raise NotFound(f"ไม่พบหน่วยงาน {name} (no organisation named {name!r})")
        return int(row["id"])
    rows = db.query("SELECT id, name FROM organisations ORDER BY id LIMIT 2")
    if not rows:
        raise NotFound(NO_PLAN_YET)
    if len(rows) > 1:
        raise InvalidInput("มีหลายหน่วยงาน ระบุ --org (several organisations: say which with --org)")
    return int(rows[0]["id"])


def set_unit(
    db: Database, name: str, emails: list[str], *, now: datetime, actor: str, organisation: str | None = None
) -> list[str] | None:
    """Give unit `name` these addresses. None when a measure names the unit;
    else the owner names closest to it (maybe none): a unit no measure names
    gets no reminder, and a clerk who typed "สำนักปลัด" for "สำนักปลัดฯ"
    should hear of it."""
    name = _unit_name(name)
    clean = [check_email(e) for e in emails]
    org = organisation_id(db, organisation)
    value = json.dumps(clean, ensure_ascii=False)
    if (
        db.execute(
            "UPDATE units SET emails = :e, updated_at = :now WHERE organisation_id = :o AND name = :n",
            {"e": value, "now": ts(now), "o": org, "n": name},
        )
        == 0
    ):
        db.execute(
            "INSERT INTO units (organisation_id, name, emails, updated_at) VALUES (:o, :n, :e, :now)",
            {"e": value, "now": ts(now), "o": org, "n": name},
        )
    history.record(db, now=now, actor=actor, action="unit", unit=name, emails=clean)
    return _nearest(db, org, name)


def _unit_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise InvalidInput("ต้องระบุชื่อหน่วยงาน (the unit name is empty)")
    return name


def _nearest(db: Database, org: int, name: str) -> list[str] | None:
    """None when a measure names the unit; else the owner names closest to it."""
    owners = _owner_names(db, org)
    if name in owners:
        return None
    import difflib

    return difflib.get_close_matches(name, sorted(owners), n=3, cutoff=0.5)


def _owner_names(db: Database, organisation_id: int) -> set[str]:
    """Every unit name the organisation's measures give as an owner (spaces as one)."""
    names: set[str] = set()
    for r in db.query(
        "SELECT t.owners FROM tasks t JOIN plans p ON p.id = t.plan_id WHERE p.organisation_id = :o",
        {"o": organisation_id},
    ):
        names.update(" ".join(o.split()) for o in json.loads(r["owners"]))
    return names


def list_units(
    db: Database, *, organisation: str | None = None, today: date | None = None
) -> list[dict[str, Any]]:
    """Every unit named by a task, given addresses or given a stand-in, with
    its addresses and its stand-in periods (`stand_ins`: {addresses, from,
    until, active}, `active` when `today` falls in the period)."""
    org = organisation_id(db, organisation)
    known = {
        r["name"]: json.loads(r["emails"])
        for r in db.query("SELECT name, emails FROM units WHERE organisation_id = :o", {"o": org})
    }
    for r in db.query(
        "SELECT t.owners FROM tasks t JOIN plans p ON p.id = t.plan_id WHERE p.organisation_id = :o",
        {"o": org},
    ):
        for owner in json.loads(r["owners"]):
            known.setdefault(owner, [])
    periods = stand_ins_for(db, org)
    named = {" ".join(n.split()) for n in known}
    for unit in periods.keys() - named:  # a stand-in for a unit with no address and no measure
        known[unit] = []
    return [
        {"name": n, "emails": e, "stand_ins": period_groups(periods.get(" ".join(n.split()), []), today)}
        for n, e in sorted(known.items())
    ]


def _emails_table(db: Database, organisation_id: int) -> dict[str, list[str]]:
    """Every unit's addresses, by name (spaces as one)."""
    rows = db.query("SELECT name, emails FROM units WHERE organisation_id = :o", {"o": organisation_id})
    return {" ".join(r["name"].split()): json.loads(r["emails"]) for r in rows}


# ------------------------------------------------------------ stand-ins


@dataclass(frozen=True)
class StandIn:
    """Who receives a unit's mail from `starts_on` to `ends_on` (inclusive)."""

    unit: str
    address: str
    starts_on: date
    ends_on: date

    def covers(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


def route(emails: Sequence[str], stand_ins: Sequence[StandIn], on: date) -> tuple[list[str], list[str]]:
    """(to, cc) of a unit's mail sent on `on` (a Bangkok date): the stand-ins
    whose period covers the day as `to` and the unit's own addresses as `cc`
    (less any that is also a stand-in); without one, the unit's addresses as
    `to` and no `cc`. Pure: a season's preview loads the stand-ins once
    (`stand_ins_for`) and routes each day's mail with this."""
    to = list(dict.fromkeys(s.address for s in stand_ins if s.covers(on)))
    own = list(dict.fromkeys(emails))
    if not to:
        return own, []
    taken = {a.lower() for a in to}
    return to, [a for a in own if a.lower() not in taken]


def stand_ins_for(
    db: Database, organisation_id: int, names: Sequence[str] | None = None
) -> dict[str, list[StandIn]]:
    """The stand-ins of these units (all of the organisation's when None), by
    unit name (spaces as one), in order of period; one query."""
    wanted = None if names is None else {" ".join(n.split()) for n in names}
    out: dict[str, list[StandIn]] = {}
    for unit, address, starts, ends in db.rows(
        "SELECT unit, address, starts_on, ends_on FROM unit_stand_ins WHERE organisation_id = :o"
        " ORDER BY starts_on, ends_on, id",
        {"o": organisation_id},
    ):
        key = " ".join(str(unit).split())
        if wanted is None or key in wanted:
            first, last = date.fromisoformat(str(starts)[:10]), date.fromisoformat(str(ends)[:10])
            out.setdefault(key, []).append(StandIn(key, str(address), first, last))
    return out


def recipients(db: Database, organisation_id: int, unit: str, on: date) -> tuple[list[str], list[str]]:
    """(to, cc) for unit `unit`'s mail sent on `on`: see `route`."""
    return recipients_for(db, organisation_id, [unit], on)[unit]


def recipients_for(
    db: Database, organisation_id: int, names: Sequence[str], on: date
) -> dict[str, tuple[list[str], list[str]]]:
    """`recipients` of many units at once: {name as given: (to, cc)}."""
    every = routes(db, organisation_id, on)
    return {n: every.get(" ".join(n.split()), ([], [])) for n in names}


def routes(db: Database, organisation_id: int, on: date) -> dict[str, tuple[list[str], list[str]]]:
    """(to, cc) of every unit that has addresses or stand-ins, for its mail
    sent on `on`, by name (spaces as one), in two queries: a reminder run
    looks its units up here once a day, not once a mail."""
    emails = _emails_table(db, organisation_id)
    periods = stand_ins_for(db, organisation_id)
    return {n: route(emails.get(n, []), periods.get(n, []), on) for n in emails.keys() | periods.keys()}


@dataclass
class UnitChange:
    """What `update_unit` did, for the command to say."""

    name: str
    emails: list[str] | None = None  # the new addresses, when set
    added: list[StandIn] = field(default_factory=list)
    removed: list[StandIn] = field(default_factory=list)
    near: list[str] | None = None  # as set_unit: None when a measure names the unit


def update_unit(
    db: Database,
    name: str,
    *,
    emails: Sequence[str] = (),
    stand_in: Sequence[str] = (),
    starts_on: date | None = None,
    ends_on: date | None = None,
    no_stand_in: bool = False,
    now: datetime,
    actor: str,
    organisation: str | None = None,
) -> UnitChange:
    """`tracker unit set`: the unit's addresses (when `emails` are given, as
    set_unit), and a stand-in for a period (`stand_in` addresses, from
    `starts_on`, today when None, to `ends_on`) or the removal of stand-ins
    (`no_stand_in`: every one, or those overlapping starts_on..ends_on when
    either is given). Refuses a call with nothing to set, or that mixes
    them up; a refusal part-way raises inside the caller's transaction, so
    nothing of the call is stored."""
    name = _unit_name(name)
    if not emails and not stand_in and not no_stand_in:
        raise InvalidInput(
            "ไม่มีอะไรให้ตั้งค่า ระบุ --email หรือ --stand-in หรือ --no-stand-in "
            "(nothing to set: give --email, --stand-in or --no-stand-in)"
        )
    if stand_in and no_stand_in:
        raise InvalidInput(
            "ใช้ --stand-in กับ --no-stand-in พร้อมกันไม่ได้ (--stand-in and --no-stand-in cannot go together)"
        )
    if not stand_in and not no_stand_in and (starts_on or ends_on):
        raise InvalidInput(
            "--from และ --until ใช้กับ --stand-in หรือ --no-stand-in เท่านั้น "
            "(--from and --until go with --stand-in or --no-stand-in)"
        )
    change = UnitChange(name)
    if emails:
        change.emails = [check_email(e) for e in emails]
        set_unit(db, name, change.emails, now=now, actor=actor, organisation=organisation)
    if stand_in:
        change.added = add_stand_in(db, name, stand_in, starts_on=starts_on, ends_on=ends_on, now=now,
                                    actor=actor, organisation=organisation)
    if no_stand_in:
        change.removed = remove_stand_ins(db, name, starts_on=starts_on, ends_on=ends_on, now=now,
                                          actor=actor, organisation=organisation)
    change.near = _nearest(db, organisation_id(db, organisation), name)
    return change


def add_stand_in(
    db: Database,
    name: str,
    addresses: Sequence[str],
    *,
    starts_on: date | None,
    ends_on: date | None,
    now: datetime,
    actor: str,
    organisation: str | None = None,
) -> list[StandIn]:
    """From `starts_on` (today when None) to `ends_on`, both inclusive, unit
    `name`'s mail goes to `addresses`, its own addresses copied. The same
    stand-in for the same period again changes nothing (and returns []); a
    period overlapping another stand-in of the unit is refused, naming it:
    which of two should be on duty is the clerk's to say (--no-stand-in first)."""
    name = _unit_name(name)
    clean = list(dict.fromkeys(check_email(a) for a in addresses))
    if not clean:
        raise InvalidInput("ต้องระบุอีเมลของผู้ปฏิบัติหน้าที่แทน (--stand-in ADDR: the stand-in's address)")
    org = organisation_id(db, organisation)
    today = now.astimezone(BANGKOK).date()
    starts = starts_on or today
    if ends_on is None:
        raise InvalidInput(
            "ต้องระบุวันสุดท้ายที่ปฏิบัติหน้าที่แทนด้วย --until (give the last day with --until DATE)"
        )
    if not _check_period(db, org, name, clean, starts, ends_on, today):
        return []
    db.executemany(
        "INSERT INTO unit_stand_ins (organisation_id, unit, address, starts_on, ends_on, created_at)"
        " VALUES (:o, :u, :a, :s, :e, :now)",
        [{"o": org, "u": name, "a": a, "s": starts.isoformat(), "e": ends_on.isoformat(), "now": ts(now)}
         for a in clean],
    )
    history.record(db, now=now, actor=actor, action="stand_in", unit=name, addresses=clean,
                   starts_on=starts.isoformat(), ends_on=ends_on.isoformat())
    return [StandIn(name, a, starts, ends_on) for a in clean]


def _check_period(
    db: Database, org: int, name: str, addresses: list[str], starts: date, ends: date, today: date
) -> bool:
    """Refuse a stand-in period that cannot be meant; False when exactly this
    stand-in is recorded already."""
    from tracker.thai import format_date

    # only --until, in the past: the year is the likely slip, not the order
    if ends < today <= starts:
        raise InvalidInput(
            f"วันสุดท้าย {format_date(ends)} ผ่านไปแล้ว ตรวจปีที่พิมพ์ "
            f"(--until {ends.isoformat()} is over: check the year)"
        )
    if ends < starts:
        raise InvalidInput(
            f"วันสุดท้าย {format_date(ends)} อยู่ก่อนวันเริ่ม {format_date(starts)} "
            f"(--until {ends.isoformat()} is before --from {starts.isoformat()})"
        )
    if ends < today:
        raise InvalidInput(
            f"ช่วง {format_date(starts)} - {format_date(ends)} สิ้นสุดไปแล้ว ตรวจปีที่พิมพ์ "
            f"(the period {starts.isoformat()} to {ends.isoformat()} is over: check the year)"
        )
    mine = stand_ins_for(db, org, [name]).get(name, [])
    clash = [s for s in mine if s.starts_on <= ends and starts <= s.ends_on]
    if clash and {(s.starts_on, s.ends_on) for s in clash} == {(starts, ends)} \
            and {s.address for s in clash} == set(addresses):
        return False  # recorded already, as it is
    if clash:
        c = clash[0]
        raise InvalidInput(
            f"{name} มีผู้ปฏิบัติหน้าที่แทนช่วงนี้อยู่แล้ว: {c.address} {format_date(c.starts_on)} - "
            f"{format_date(c.ends_on)} ยกเลิกก่อนด้วย tracker unit set {name} --no-stand-in "
            f"(the unit already has a stand-in then: {c.address} {c.starts_on} to {c.ends_on}; "
            "remove it first with --no-stand-in)"
        )
    return True


def remove_stand_ins(
    db: Database,
    name: str,
    *,
    starts_on: date | None = None,
    ends_on: date | None = None,
    now: datetime,
    actor: str,
    organisation: str | None = None,
) -> list[StandIn]:
    """Take away unit `name`'s stand-ins: every one, or (with `starts_on` and
    or `ends_on`) those whose period overlaps that range. What was removed is
    in the history (to set it again); none to remove is refused."""
    from tracker.thai import format_date

    name = _unit_name(name)
    if starts_on and ends_on and ends_on < starts_on:
        raise InvalidInput(
            f"วันสุดท้าย {format_date(ends_on)} อยู่ก่อนวันเริ่ม {format_date(starts_on)} "
            f"(--until {ends_on.isoformat()} is before --from {starts_on.isoformat()})"
        )
    org = organisation_id(db, organisation)
    gone = [
        s for s in stand_ins_for(db, org, [name]).get(name, [])
        if (starts_on is None or s.ends_on >= starts_on) and (ends_on is None or s.starts_on <= ends_on)
    ]
    if not gone:
        raise InvalidInput(f"{name} ไม่มีผู้ปฏิบัติหน้าที่แทนที่จะยกเลิก (the unit has no stand-in to remove)")
    for s in gone:
        db.execute(
            "DELETE FROM unit_stand_ins WHERE organisation_id = :o AND unit = :u AND address = :a"
            " AND starts_on = :s AND ends_on = :e",
            {"o": org, "u": name, "a": s.address, "s": s.starts_on.isoformat(), "e": s.ends_on.isoformat()},
        )
    history.record(db, now=now, actor=actor, action="stand_in_removed", unit=name,
                   removed=period_groups(gone, None))
    return gone


def period_groups(stand_ins: Sequence[StandIn], today: date | None) -> list[dict[str, Any]]:
    """Stand-ins grouped by period: [{addresses, from, until, active}] (ISO dates)."""
    groups: dict[tuple[date, date], list[str]] = {}
    for s in stand_ins:
        groups.setdefault((s.starts_on, s.ends_on), []).append(s.address)
    return [
        {"addresses": addresses, "from": a.isoformat(), "until": b.isoformat(),
         "active": today is not None and a <= today <= b}
        for (a, b), addresses in sorted(groups.items())
    ]


def organisations(db: Database) -> list[dict[str, Any]]:
    """Every organisation, by id: {id, name}."""
    return [{"id": int(r["id"]), "name": r["name"]}
            for r in db.query("SELECT id, name FROM organisations ORDER BY id")]


def organisation_name(db: Database, organisation_id: int) -> str:
    name = db.scalar("SELECT name FROM organisations WHERE id = :o", {"o": organisation_id})
    if name is None:
        raise NotFound(f"ไม่พบหน่วยงานหมายเลข {organisation_id} (no organisation {organisation_id})")
    return str(name)
