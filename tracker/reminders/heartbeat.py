"""Sender heartbeats: one row per daemon (and per `tracker remind` while it
sends), so `tracker remind --status` can say which senders are alive, when
they last swept the outbox, and whose claimed rows belong to a dead one."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from tracker.db.connection import Database, from_ts, ts


def beat(
    db: Database, name: str, *, started: datetime, now: datetime, detail: dict[str, Any]
) -> None:
    """Record that scheduler `name` is alive (call inside a transaction)."""
    db.execute(
        "INSERT INTO heartbeats (name, started_at, beat_at, stopped_at, detail)"
        " VALUES (:name, :started, :now, NULL, :detail)"
        " ON CONFLICT (name) DO UPDATE SET beat_at = excluded.beat_at, stopped_at = NULL,"
        " detail = excluded.detail, started_at = excluded.started_at",
        {"name": name, "started": ts(started), "now": ts(now),
         "detail": json.dumps(detail, ensure_ascii=False, sort_keys=True)},
    )


def touch(db: Database, name: str, *, now: datetime) -> None:
    """A sender is alive (each claim and lease extension): the beat only, the
    detail a daemon keeps is left as it is (call inside a transaction)."""
    db.execute(
        "INSERT INTO heartbeats (name, started_at, beat_at, stopped_at, detail)"
        " VALUES (:name, :now, :now, NULL, '{}')"
        " ON CONFLICT (name) DO UPDATE SET beat_at = excluded.beat_at, stopped_at = NULL",
        {"name": name, "now": ts(now)},
    )


def forget(db: Database, name: str) -> None:
    """A `tracker remind` that ended cleanly leaves no row (cron runs often)."""
    db.execute("DELETE FROM heartbeats WHERE name = :name", {"name": name})


def last_beats(db: Database, names: list[str]) -> dict[str, str]:
    """name → its last beat (ISO), for the names that have one."""
    if not names:
        return {}
    from tracker.reminders.outbox import member

    where, params = member(db, "name", names, "n")
    return {str(r["name"]): from_ts(r["beat_at"]).isoformat()
            for r in db.query(f"SELECT name, beat_at FROM heartbeats WHERE {where}", params)}


def stopped(db: Database, name: str, *, now: datetime) -> None:
    db.execute(
        "UPDATE heartbeats SET stopped_at = :now, beat_at = :now WHERE name = :name",
        {"name": name, "now": ts(now)},
    )


def prune(db: Database, *, now: datetime, older_than: timedelta = timedelta(days=30)) -> int:
    """Forget schedulers silent for a month (each restart gets a new name)."""
    return db.execute("DELETE FROM heartbeats WHERE beat_at < :t", {"t": ts(now - older_than)})


def listing(db: Database, *, now: datetime, stale_after: timedelta) -> list[dict[str, Any]]:
    """Every scheduler known, newest first, with `state`: running, stale or stopped."""
    out = []
    for r in db.query(
        "SELECT name, started_at, beat_at, stopped_at, detail FROM heartbeats ORDER BY beat_at DESC"
    ):
        beat_at = from_ts(r["beat_at"])
        if r["stopped_at"]:
            state = "stopped"
        elif now - beat_at > stale_after:
            state = "stale"  # killed, or the machine is off
        else:
            state = "running"
        out.append({
            "name": r["name"],
            "state": state,
            "started_at": from_ts(r["started_at"]).isoformat(),
            "beat_at": beat_at.isoformat(),
            "stopped_at": from_ts(r["stopped_at"]).isoformat() if r["stopped_at"] else None,
            "detail": json.loads(r["detail"] or "{}"),
        })
    return out
