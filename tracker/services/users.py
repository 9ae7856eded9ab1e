"""The clerks who sign in to the web pages, and the slowdown of wrong passwords.

Failed attempts are counted in the database with the caller's `now`: after
FREE_TRIES wrong passwords in a row the account is locked for a while that
doubles with every further failure (capped), whatever the password typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tracker.db.connection import Database, from_ts, ts
from tracker.errors import InvalidInput, TrackerError
from tracker.services import history

FREE_TRIES = 5
MAX_LOCK = timedelta(hours=1)
MIN_PASSWORD = 8
# Checked when the name is unknown, so that a wrong name costs the same time
# as a wrong password (the response does not tell which names exist).
_DUMMY_HASH: str | None = None


class Locked(TrackerError):
    """Too many wrong passwords: sign-in refused until `until`."""

    def __init__(self, until: datetime) -> None:
        self.until = until
        super().__init__(f"ลงชื่อเข้าใช้ผิดหลายครั้ง กรุณารอถึง {until:%H:%M} น. (locked until {until:%H:%M})")


@dataclass(frozen=True)
class SignIn:
    ok: bool
    name: str


def _hash(password: str) -> str:
    from werkzeug.security import generate_password_hash

    return generate_password_hash(password, method="scrypt")


def add_user(db: Database, name: str, password: str, *, now: datetime, actor: str) -> bool:
    """Create a clerk's sign-in, or set a new password. True if the user is new."""
    name = " ".join(name.split())
    if not name or len(name) > 200:
        raise InvalidInput("ชื่อผู้ใช้ต้องมี 1-200 ตัวอักษร (the user name must be 1-200 characters)")
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(
            f"รหัสผ่านต้องยาวอย่างน้อย {MIN_PASSWORD} ตัวอักษร (the password needs {MIN_PASSWORD}+ characters)"
        )
    hashed = _hash(password)
    changed = db.execute(
        "UPDATE web_users SET password_hash = :h, failed = 0, locked_until = NULL, updated_at = :now"
        " WHERE name = :n",
        {"h": hashed, "now": ts(now), "n": name},
    )
    if not changed:
        db.execute(
            "INSERT INTO web_users (name, password_hash, failed, created_at, updated_at)"
            " VALUES (:n, :h, 0, :now, :now)",
            {"h": hashed, "now": ts(now), "n": name},
        )
    # the hash stays out of the history
    action = "user_password" if changed else "user_added"
    history.record(db, now=now, actor=actor, action=action, user=name)
    return not changed


def exists(db: Database, name: str) -> bool:
    return db.scalar("SELECT 1 FROM web_users WHERE name = :n", {"n": name}) is not None


def sign_in(db: Database, name: str, password: str, *, now: datetime) -> SignIn:
    """Check a password; count a failure; raise Locked while the account is locked."""
    from werkzeug.security import check_password_hash

    global _DUMMY_HASH
    name = " ".join(name.split())
    row = db.one("SELECT id, password_hash, failed, locked_until FROM web_users WHERE name = :n", {"n": name})
    if row is None:
        if _DUMMY_HASH is None:
            _DUMMY_HASH = _hash("not a password of anyone")
        check_password_hash(_DUMMY_HASH, password)
        return SignIn(False, name)
    if row["locked_until"] and from_ts(row["locked_until"]) > now:
        raise Locked(from_ts(row["locked_until"]).astimezone(now.tzinfo))
    if check_password_hash(row["password_hash"], password):
        db.execute("UPDATE web_users SET failed = 0, locked_until = NULL WHERE id = :id", {"id": row["id"]})
        return SignIn(True, name)
    failed = int(row["failed"]) + 1
    until = None
    if failed >= FREE_TRIES:
        until = ts(now + min(timedelta(minutes=2 ** (failed - FREE_TRIES)), MAX_LOCK))
    db.execute(
        "UPDATE web_users SET failed = :f, locked_until = :u WHERE id = :id",
        {"f": failed, "u": until, "id": row["id"]},
    )
    return SignIn(False, name)
