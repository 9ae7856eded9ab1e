"""Units (สำนักปลัดฯ, กองคลัง …) and the addresses that get their reminders."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

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
    name = " ".join(name.split())
    if not name:
        raise InvalidInput("ต้องระบุชื่อหน่วยงาน (the unit name is empty)")
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


def list_units(db: Database, *, organisation: str | None = None) -> list[dict[str, Any]]:
    """Every unit named by a task or given addresses, with its addresses."""
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
    return [{"name": n, "emails": e} for n, e in sorted(known.items())]


def emails_for(db: Database, organisation_id: int, names: list[str]) -> dict[str, list[str]]:
    rows = db.query("SELECT name, emails FROM units WHERE organisation_id = :o", {"o": organisation_id})
    table = {" ".join(r["name"].split()): json.loads(r["emails"]) for r in rows}
    return {n: table.get(" ".join(n.split()), []) for n in names}


def organisations(db: Database) -> list[dict[str, Any]]:
    """Every organisation, by id: {id, name}."""
    return [{"id": int(r["id"]), "name": r["name"]}
            for r in db.query("SELECT id, name FROM organisations ORDER BY id")]


def organisation_name(db: Database, organisation_id: int) -> str:
    name = db.scalar("SELECT name FROM organisations WHERE id = :o", {"o": organisation_id})
    if name is None:
        raise NotFound(f"ไม่พบหน่วยงานหมายเลข {organisation_id} (no organisation {organisation_id})")
    return str(name)
