"""The outbox: reminders waiting to be sent, claimed, sent, retried or given up.

A row per reason to write (its `key`, unique). Rows move:

    pending ──claim──▶ (claimed: claimed_by + claimed_until, a lease, extended
       ▲                 │                      while the sender is still at it)
       │                 │ sent                → sent
       │                 │ session refused     → pending, attempts unchanged, the run
       │                 │   (530, 535, 454, TLS, stops; every message of the batch
       │                 │    refused connection, waits for the next run or sweep
       │                 │    unknown host, timeout)
       │                 │ temporary failure   → pending, attempts+1, next_attempt_at
       │                 │   (SMTP 4xx for this  = now + 1, 2, 4 … 60 minutes
       │                 │    message)
       │                 │ permanent failure   → failed (550/553 on RCPT, 552/554 on
       │                 │                       DATA), shown by --status;
       │                 │                       `tracker remind --retry` queues it again
       │                 │ unit has no address → held, looked at again hourly and on
       │                 │                       every `tracker remind`
       │                 │ task done/cancelled,
       │                 │   or expired        → cancelled
       └──lease ends─────┘ (the sender was killed: any other sender takes it over)

A newer reminder of the same thread (kind + task/meeting + unit) cancels an
older one not yet sent, so a server down for a week yields one catch-up.

Claiming: on PostgreSQL one statement picks due rows with
`SELECT … FOR UPDATE SKIP LOCKED` and stamps the lease, so several daemons
share the work without waiting on each other; on SQLite the same UPDATE runs
inside BEGIN IMMEDIATE (one writer at a time) and re-checks the lease in its
WHERE clause (compare-and-set). Every later write names `claimed_by = me`, so
a sender that lost its lease cannot overwrite the new owner's result. The
claim query reads only rows due now through the partial index of waiting
rows (ix_outbox_waiting): its cost follows the number of due rows, not the
number of tasks.

Delivery guarantee — at-least-once, with one narrow window: each message
is marked sent in its own transaction right after the server's final reply,
before anything else is done (it was rendered before its MAIL command). If
the sender dies between the server's "250 OK" and that commit (well under a
millisecond on SQLite, one round trip on PostgreSQL), the row's lease runs
out and that one message is sent again by the next sender; receivers see the
same Message-ID (derived from the key) both times, so mail clients thread or
drop the copy. Nothing is ever lost: a row leaves pending
only as sent, failed (shown), held (shown) or cancelled (with its reason).
The file transport names each .eml after the Message-ID, so a repeat
overwrites the same file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from tracker.db.connection import Database, Row, ts
from tracker.reminders.policy import Reminder

STATUSES = ("pending", "held", "sent", "failed", "cancelled", "skipped")
RETRY_FIRST = timedelta(minutes=1)
RETRY_MAX = timedelta(hours=1)
HELD_RECHECK = timedelta(hours=1)

_CLAIMED_COLUMNS = (
    "id, key, thread, kind, organisation_id, task_id, meeting_id, unit, detail, due_at,"
    " expires_at, status, attempts, last_error, claimed_until, recipients, message_id, subject"
)


def backoff(attempts: int) -> timedelta:
    """Wait after the n-th failed attempt: 1, 2, 4 … minutes, at most an hour."""
    wait: timedelta = RETRY_FIRST * (2 ** max(0, attempts - 1))
    return min(wait, RETRY_MAX)


def member(db: Database, column: str, values: Sequence[Any], name: str) -> tuple[str, dict[str, Any]]:
    """`column` is one of `values`, as SQL and parameters.

    PostgreSQL gets one array parameter (`= ANY(:name)`): the statement text
    is the same for any list, so SQLAlchemy's compiled-statement cache holds
    one entry instead of one per list (a daemon's memory grew with the number
    of tasks through that cache). SQLite gets one placeholder a value.
    """
    if db.dialect == "postgresql":
        return f"{column} = ANY(:{name})", {name: list(values)}
    names = [f"{name}{i}" for i in range(len(values))]
    return f"{column} IN ({', '.join(':' + n for n in names)})", dict(zip(names, values, strict=True))


def existing_keys(db: Database, keys: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(keys), 500):
        chunk = keys[i : i + 500]
        where, params = member(db, "key", chunk, "k")
        found |= {r["key"] for r in db.query(f"SELECT key FROM outbox WHERE {where}", params)}
    return found


def enqueue(
    db: Database, reminders: Iterable[Reminder], *, org_ids: Mapping[str, int], now: datetime
) -> list[Reminder]:
    """Store due reminders not stored yet; the ones that were new.

    Idempotent (INSERT … ON CONFLICT (key) DO NOTHING): any number of
    schedulers may run this at once. A new row cancels the older unsent rows
    of its thread. Set-wise: one batched INSERT and one UPDATE for any number
    of reminders (the daily run queues thousands at a time). When two
    schedulers store the same key at the same moment, the row exists once; on
    SQLite both may count it as theirs (a log figure only).
    """
    todo = list({r.key: r for r in reminders}.values())
    if db.dialect == "postgresql":  # the INSERT itself says which rows were new
        stored = _insert(db, [(r, "pending", None) for r in todo], org_ids=org_ids, now=now)
        added = [r for r in todo if r.key in stored]
    else:
        known = existing_keys(db, [r.key for r in todo])
        added = [r for r in todo if r.key not in known]
        _insert(db, [(r, "pending", None) for r in added], org_ids=org_ids, now=now)
    if not added:
        return []
    _supersede(db, {r.thread for r in added}, now=now,
               why="'superseded by ' || (SELECT n.key FROM outbox n WHERE n.thread = outbox.thread"
                   " ORDER BY n.due_at DESC LIMIT 1)")
    return added


ANALYZE_AFTER = 5000  # new rows in one daily run; ANALYZE samples a fixed number of rows, ~50 ms


def refresh_statistics(db: Database, added: int) -> None:
    """After a daily run that queued many rows (`added`), refresh the outbox's
    statistics: the claim's plan depends on them, and after the first day of a
    province's season (tens of thousands of new rows) they are stale until
    autovacuum comes round, and the claim is 10x slower. Per run, not per
    batch: a run queues a busy day's rows a few thousand a batch."""
    if added >= ANALYZE_AFTER:
        db.execute("ANALYZE outbox")


def skip(
    db: Database, stale: Iterable[tuple[Reminder, str]], *, org_ids: Mapping[str, int], now: datetime
) -> int:
    """Record reminders that went stale unsent as 'skipped' (never sent later:
    the key now exists, so no later run can queue it); older unsent rows of
    the same thread are cancelled as `enqueue` does. The number recorded."""
    rows = {r.key: (r, why) for r, why in stale}
    known = existing_keys(db, list(rows))
    new = [(r, why) for key, (r, why) in rows.items() if key not in known]
    stamp = ts(now)
    if known:
        # queued while current but still unsent (held for an address, waiting
        # on a refusing server): once stale it is skipped, not sent late
        db.executemany(
            "UPDATE outbox SET status = 'skipped', last_error = :why, updated_at = :now"
            " WHERE key = :key AND status IN ('pending', 'held')"
            " AND (claimed_until IS NULL OR claimed_until <= :now)",
            [{"key": k, "why": rows[k][1], "now": stamp} for k in sorted(known)],
        )
    if not new:
        return 0
    _insert(db, [(r, "skipped", why) for r, why in new], org_ids=org_ids, now=now)
    _supersede(db, {r.thread for r, _ in new}, now=now, why="'stale'")
    return len(new)


_INSERT = (
    "INSERT INTO outbox (key, thread, kind, organisation_id, task_id, meeting_id, unit, detail,"
    " due_at, expires_at, status, attempts, next_attempt_at, last_error, created_at, updated_at)"
)


def _insert(db: Database, rows: Sequence[tuple[Reminder, str, str | None]], *,
            org_ids: Mapping[str, int], now: datetime) -> set[str]:
    """New outbox rows (reminder, status, last_error); a key stored meanwhile
    is left alone. PostgreSQL: the keys stored (SQLite: none are told)."""
    if not rows:
        return set()
    stamp = ts(now)
    values = [
        {
            "key": r.key, "thread": r.thread, "kind": r.kind,
            "org": org_ids.get(r.organisation), "task": r.task_id, "meeting": r.meeting_id,
            "unit": r.unit, "detail": json.dumps(dict(r.detail), ensure_ascii=False),
            "due": ts(r.at), "expires": ts(r.expires) if r.expires else None,
            "status": status, "why": why, "now": stamp,
        }
        for r, status, why in rows
    ]
    if db.dialect == "postgresql":
        # One statement over one JSON parameter: a province's busy day stores
        # tens of thousands of rows, and one INSERT a row (or twelve arrays
        # that the driver dumps value by value) cost more than the rows.
        columns = {"key": "text", "thread": "text", "kind": "text", "org": "int", "task": "int",
                   "meeting": "int", "unit": "text", "detail": "text", "due": "timestamptz",
                   "expires": "timestamptz", "status": "text", "why": "text"}
        types = ", ".join(f"{c} {t}" for c, t in columns.items())
        stored = db.query(
            _INSERT + " SELECT key, thread, kind, org, task, meeting, unit, detail, due, expires,"
            " status, 0, due, why, CAST(:now AS timestamptz), CAST(:now AS timestamptz)"
            f" FROM json_to_recordset(CAST(:rows AS json)) AS v({types})"
            " ON CONFLICT (key) DO NOTHING RETURNING key",
            {"rows": json.dumps(values, ensure_ascii=False), "now": stamp},
        )
        return {str(r["key"]) for r in stored}
    db.executemany(
        _INSERT + " VALUES (:key, :thread, :kind, :org, :task, :meeting, :unit, :detail, :due,"
        " :expires, :status, 0, :due, :why, :now, :now) ON CONFLICT (key) DO NOTHING",
        values,
    )
    return set()


def _supersede(db: Database, threads: set[str], *, now: datetime, why: str) -> None:
    """Cancel the older unsent rows of these threads (`why`: an SQL expression)."""
    ordered = sorted(threads)
    for i in range(0, len(ordered), 500):
        where, params = member(db, "thread", ordered[i : i + 500], "h")
        db.execute(
            f"UPDATE outbox SET status = 'cancelled', updated_at = :now, last_error = {why}"
            f" WHERE {where} AND status IN ('pending', 'held')"
            " AND (claimed_until IS NULL OR claimed_until <= :now)"
            " AND due_at < (SELECT MAX(n.due_at) FROM outbox n WHERE n.thread = outbox.thread)",
            {**params, "now": ts(now)},
        )


def cancel_for_tasks(db: Database, task_ids: Sequence[int], *, now: datetime, reason: str) -> int:
    """Cancel the unsent rows of tasks that are done or cancelled."""
    ids = [int(t) for t in task_ids]
    n = 0
    for i in range(0, len(ids), 500):
        where, params = member(db, "task_id", ids[i : i + 500], "t")
        n += db.execute(
            f"UPDATE outbox SET status = 'cancelled', last_error = :why, updated_at = :now"
            f" WHERE {where} AND status IN ('pending', 'held')"
            " AND (claimed_until IS NULL OR claimed_until <= :now)",
            {**params, "why": reason, "now": ts(now)},
        )
    return n


def claim(
    db: Database, *, worker: str, now: datetime, lease: timedelta, limit: int,
    organisation_id: int | None = None, whole_organisations: bool = False,
) -> list[Row]:
    """Take up to `limit` due rows for `worker` until now + lease.

    Call inside a transaction. PostgreSQL: FOR UPDATE SKIP LOCKED, so two
    claimers never wait for or take the same row; SQLite: the write lock of
    BEGIN IMMEDIATE serialises claimers and the outer WHERE re-checks.
    `organisation_id`: only that organisation's rows.
    `whole_organisations`: also every other due unit row of the organisations
    taken, whatever `limit` says, so that a person's daily digest is made of
    all that is due for them, not of what one batch happened to hold.
    """
    rows = _claim(db, worker=worker, now=now, lease=lease, limit=limit,
                  only="" if organisation_id is None else " AND organisation_id = :org",
                  org=organisation_id)
    if whole_organisations and rows:
        orgs = sorted({int(r["organisation_id"]) for r in rows if r["organisation_id"] is not None
                       and r["unit"] is not None})
        if orgs:
            where, params = member(db, "organisation_id", orgs, "og")
            rows += _claim(db, worker=worker, now=now, lease=lease, limit=None,
                           only=f" AND unit IS NOT NULL AND {where}", **params)
    rows.sort(key=lambda r: (r["organisation_id"] or 0, r["unit"] or "", r["due_at"], r["id"]))
    return rows


def _claim(db: Database, *, worker: str, now: datetime, lease: timedelta, limit: int | None,
           only: str, **more: Any) -> list[Row]:
    free = "status IN ('pending', 'held') AND (claimed_until IS NULL OR claimed_until <= :now)"
    params = {"me": worker, "until": ts(now + lease), "now": ts(now), **more}
    pick = (f"SELECT id FROM outbox WHERE {free} AND next_attempt_at <= :now{only}"
            " ORDER BY next_attempt_at, id")
    if limit is not None:
        pick += " LIMIT :limit"
        params["limit"] = int(limit)
    if db.dialect == "postgresql":
        # A materialised CTE runs the locking SELECT exactly once; inside
        # `id IN (…)` the planner may re-run it, and with SKIP LOCKED each run
        # returns other rows, so one claim could exceed its LIMIT.
        rows = db.query(
            f"WITH picked AS MATERIALIZED ({pick} FOR UPDATE SKIP LOCKED)"
            f" UPDATE outbox SET claimed_by = :me, claimed_until = :until, updated_at = :now"
            " FROM picked WHERE outbox.id = picked.id AND outbox.status IN ('pending', 'held')"
            " AND (outbox.claimed_until IS NULL OR outbox.claimed_until <= :now)"
            f" RETURNING {', '.join('outbox.' + c.strip() for c in _CLAIMED_COLUMNS.split(','))}",
            params,
        )
    else:
        rows = db.query(
            f"UPDATE outbox SET claimed_by = :me, claimed_until = :until, updated_at = :now"
            f" WHERE id IN ({pick}) AND {free} RETURNING {_CLAIMED_COLUMNS}",
            params,
        )
    return rows


def mark_delivered(
    db: Database, deliveries: Sequence[tuple[int, Sequence[str], bool]], *, worker: str,
    now: datetime, message_id: str, subject: str,
) -> int:
    """A message went out: per row (id, every address it has reached so far,
    complete). A complete row is sent; a row that still has an address to
    reach (a unit's second address gets another digest) keeps its claim and
    records whom it reached, so that a later run never mails them the item
    again. The number of rows still ours. One statement per set of rows
    alike (a digest's rows usually all are): this is the span in which a
    killed sender sends the message again."""
    alike: dict[tuple[str, bool], list[int]] = {}
    for row_id, recipients, complete in deliveries:
        alike.setdefault((json.dumps(list(recipients)), complete), []).append(int(row_id))
    n = 0
    for (to, complete), ids in alike.items():
        where, params = member(db, "id", ids, "i")
        status = "'sent', claimed_by = NULL, claimed_until = NULL" if complete else "status"
        n += db.execute(
            f"UPDATE outbox SET status = {status}, sent_at = :now,"
            " attempts = attempts + :one, recipients = :to, message_id = :mid, subject = :subject,"
            f" last_error = NULL, updated_at = :now WHERE {where} AND claimed_by = :me",
            {**params, "now": ts(now), "to": to, "mid": message_id, "subject": subject, "me": worker,
             "one": int(complete)},
        )
    return n


def defer(db: Database, ids: Sequence[int], *, worker: str, now: datetime, until: datetime) -> int:
    """Give claimed rows back to wait until `until` (their person has had
    today's digest: the items go in the next one)."""
    if not ids:
        return 0
    where, params = member(db, "id", [int(i) for i in ids], "i")
    return db.execute(
        f"UPDATE outbox SET claimed_by = NULL, claimed_until = NULL, next_attempt_at = :next,"
        f" updated_at = :now WHERE {where} AND claimed_by = :me",
        {**params, "next": ts(until), "now": ts(now), "me": worker},
    )


def mailed_since(db: Database, organisation_ids: Sequence[int], since: datetime) -> set[tuple[int, str]]:
    """(organisation, address) pairs that a unit's reminder reached from `since` on."""
    if not organisation_ids:
        return set()
    where, params = member(db, "organisation_id", sorted({int(o) for o in organisation_ids}), "o")
    found: set[tuple[int, str]] = set()
    for r in db.query(f"SELECT DISTINCT organisation_id, recipients FROM outbox WHERE {where}"
                      " AND unit IS NOT NULL AND sent_at >= :since AND recipients IS NOT NULL",
                      {**params, "since": ts(since)}):
        found.update((int(r["organisation_id"]), str(a)) for a in json.loads(r["recipients"]))
    return found


def mark_retry(db: Database, row: Row, *, worker: str, now: datetime, error: str) -> int:
    attempts = int(row["attempts"]) + 1
    return db.execute(
        "UPDATE outbox SET status = 'pending', attempts = :n, next_attempt_at = :next,"
        " last_error = :error, claimed_by = NULL, claimed_until = NULL, updated_at = :now"
        " WHERE id = :id AND claimed_by = :me",
        {"n": attempts, "next": ts(now + backoff(attempts)), "error": error, "now": ts(now),
         "id": row["id"], "me": worker},
    )


def mark_failed(db: Database, ids: Sequence[int], *, worker: str, now: datetime, error: str) -> int:
    where, params = member(db, "id", [int(i) for i in ids], "i")
    return db.execute(
        f"UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = :error,"
        f" claimed_by = NULL, claimed_until = NULL, updated_at = :now"
        f" WHERE {where} AND claimed_by = :me",
        {**params, "error": error, "now": ts(now), "me": worker},
    )


def mark_held(db: Database, row_id: int, *, worker: str, now: datetime, reason: str) -> int:
    return db.execute(
        "UPDATE outbox SET status = 'held', last_error = :why, next_attempt_at = :next,"
        " claimed_by = NULL, claimed_until = NULL, updated_at = :now"
        " WHERE id = :id AND claimed_by = :me",
        {"why": reason, "next": ts(now + HELD_RECHECK), "now": ts(now), "id": row_id, "me": worker},
    )


def mark_cancelled(db: Database, row_id: int, *, worker: str, now: datetime, reason: str) -> int:
    return db.execute(
        "UPDATE outbox SET status = 'cancelled', last_error = :why,"
        " claimed_by = NULL, claimed_until = NULL, updated_at = :now"
        " WHERE id = :id AND claimed_by = :me",
        {"why": reason, "now": ts(now), "id": row_id, "me": worker},
    )


def postpone(db: Database, ids: Sequence[int], *, worker: str, now: datetime, error: str) -> int:
    """Give claimed rows back, still pending and with no attempt counted, with
    the reason they wait: the connection or the account was refused, which
    says nothing about these messages (the next run or sweep tries again)."""
    if not ids:
        return 0
    where, params = member(db, "id", [int(i) for i in ids], "i")
    return db.execute(
        f"UPDATE outbox SET claimed_by = NULL, claimed_until = NULL, last_error = :error,"
        f" updated_at = :now WHERE {where} AND claimed_by = :me",
        {**params, "error": error, "now": ts(now), "me": worker},
    )


def extend(db: Database, ids: Sequence[int], *, worker: str, now: datetime, until: datetime) -> int:
    """Keep the claim on rows still being sent until `until`; the number of rows
    still ours (a row another sender took over is not extended)."""
    if not ids:
        return 0
    where, params = member(db, "id", [int(i) for i in ids], "i")
    return db.execute(
        f"UPDATE outbox SET claimed_until = :until, updated_at = :now"
        f" WHERE {where} AND claimed_by = :me AND status IN ('pending', 'held')",
        {**params, "until": ts(until), "now": ts(now), "me": worker},
    )


def failed_rows(db: Database, ids: Sequence[int] | None) -> list[Row]:
    """Failed rows: these ids, or all of them (None)."""
    cols = "o.id, o.key, o.kind, o.task_id, o.meeting_id, o.last_error, o.attempts, t.plan_id"
    base = f"SELECT {cols} FROM outbox o LEFT JOIN tasks t ON t.id = o.task_id WHERE o.status = 'failed'"
    if ids is None:
        return db.query(base + " ORDER BY o.id")
    found: list[Row] = []
    wanted = [int(i) for i in ids]
    for i in range(0, len(wanted), 500):
        where, params = member(db, "o.id", wanted[i : i + 500], "i")
        found += db.query(f"{base} AND {where} ORDER BY o.id", params)
    return found


def requeue(db: Database, ids: Sequence[int], *, now: datetime) -> int:
    """Failed rows back to pending, due now, with their attempts counted afresh."""
    n = 0
    for i in range(0, len(ids), 500):
        where, params = member(db, "id", [int(x) for x in ids[i : i + 500]], "i")
        n += db.execute(
            f"UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = :now,"
            f" claimed_by = NULL, claimed_until = NULL, updated_at = :now"
            f" WHERE {where} AND status = 'failed'",
            {**params, "now": ts(now)},
        )
    return n


def count_due(db: Database, *, now: datetime, organisation_id: int | None = None) -> int:
    """How many rows are waiting to go now (claimed or not)."""
    only = "" if organisation_id is None else " AND organisation_id = :org"
    [r] = db.query(
        f"SELECT COUNT(*) AS n FROM outbox WHERE status = 'pending' AND next_attempt_at <= :now{only}",
        {"now": ts(now), "org": organisation_id},
    )
    return int(r["n"])


def claims(db: Database, *, now: datetime) -> list[dict[str, Any]]:
    """Who holds rows, how many and until when, with `live` False once the
    lease has ended (its sender was killed: any sender takes them over)."""
    out = []
    for r in db.query(
        "SELECT claimed_by, COUNT(*) AS n, MAX(claimed_until) AS until FROM outbox"
        " WHERE status IN ('pending', 'held') AND claimed_by IS NOT NULL"
        " GROUP BY claimed_by ORDER BY claimed_by"
    ):
        out.append({"owner": str(r["claimed_by"]), "rows": int(r["n"]), "until": str(r["until"]),
                    "live": str(r["until"]) > ts(now)})
    return out


def release(db: Database, ids: Sequence[int], *, worker: str, now: datetime) -> int:
    """Give claimed rows back untouched (a clean stop, a lease about to end)."""
    if not ids:
        return 0
    where, params = member(db, "id", [int(i) for i in ids], "i")
    return db.execute(
        f"UPDATE outbox SET claimed_by = NULL, claimed_until = NULL, updated_at = :now"
        f" WHERE {where} AND claimed_by = :me",
        {**params, "now": ts(now), "me": worker},
    )


def wake_held(db: Database, *, now: datetime) -> int:
    """Look at held rows again now (a unit may have been given an address)."""
    return db.execute(
        "UPDATE outbox SET next_attempt_at = :now WHERE status = 'held' AND next_attempt_at > :now",
        {"now": ts(now)},
    )


def claimable(
    db: Database, *, now: datetime, limit: int = 1000, organisation_id: int | None = None
) -> list[Row]:
    """What a sender would claim now, without claiming (for --dry-run)."""
    only = "" if organisation_id is None else " AND organisation_id = :org"
    return db.query(
        f"SELECT {_CLAIMED_COLUMNS} FROM outbox WHERE status IN ('pending', 'held')"
        f" AND (claimed_until IS NULL OR claimed_until <= :now) AND next_attempt_at <= :now{only}"
        " ORDER BY next_attempt_at, id LIMIT :limit",
        {"now": ts(now), "limit": limit, "org": organisation_id},
    )


def as_reminders(db: Database, rows: Sequence[Row]) -> list[Reminder]:
    """Queued rows back as Reminder values (to show them like the preview does)."""
    from tracker.clock import BANGKOK
    from tracker.db.connection import from_ts

    names = {int(r["id"]): str(r["name"]) for r in db.query("SELECT id, name FROM organisations")}
    out = []
    for r in rows:
        at = from_ts(str(r["due_at"])).astimezone(BANGKOK)
        out.append(Reminder(
            key=str(r["key"]), kind=str(r["kind"]), on=at.date(), at=at,
            organisation=names.get(int(r["organisation_id"] or 0), ""), task_id=r["task_id"],
            meeting_id=r["meeting_id"], unit=r["unit"],
            expires=from_ts(str(r["expires_at"])) if r["expires_at"] else None,
            detail=json.loads(r["detail"] or "{}"),
        ))
    return out


def summary(db: Database, *, now: datetime, limit: int = 50) -> dict[str, Any]:
    """Counts by status and the rows a person must look at (for --status)."""
    counts = {s: 0 for s in STATUSES}
    for r in db.query("SELECT status, COUNT(*) AS n FROM outbox GROUP BY status"):
        counts[str(r["status"])] = int(r["n"])
    cols = (
        "id, key, kind, task_id, meeting_id, unit, status, attempts, last_error, due_at,"
        " next_attempt_at, updated_at, claimed_by, claimed_until"
    )

    def rows(where: str) -> list[Row]:
        return db.query(
            f"SELECT {cols} FROM outbox WHERE {where} ORDER BY updated_at DESC, id DESC LIMIT :n",
            {"n": limit, "now": ts(now)},
        )

    return {
        "counts": counts,
        "failed": rows("status = 'failed'"),
        "held": rows("status = 'held'"),
        "retrying": rows("status = 'pending' AND attempts > 0"),
        # held by a sender, live or with its lease ended (killed): shown with
        # its owner so that nothing waiting is hidden from --status
        "claimed": rows("status IN ('pending', 'held') AND claimed_by IS NOT NULL"),
        # gave up because it went stale while the server kept refusing
        "expired": rows("status = 'cancelled' AND attempts > 0"),
        # went stale before it could be sent (catch-up after downtime or a
        # mid-season import): recorded, never sent
        "skipped": rows("status = 'skipped'"),
    }
