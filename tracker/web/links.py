"""Signed personal links of units, and the secret key that signs them.

A link names an organisation, a unit, the unit's link version (stored in the
database: `tracker link UNIT --revoke` moves it) and the day it stops
working. The expiry is a date inside the signed payload, compared with the
caller's `now`, instead of itsdangerous' timestamp signer, which reads the
system clock itself and so would not follow `--now`.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker.clock import BANGKOK
from tracker.errors import TrackerError

if TYPE_CHECKING:
    from tracker.config import Settings
    from tracker.db.connection import Database

SALT = "tracker.unit-link.v1"
CALENDAR_SALT = "tracker.calendar-feed.v1"  # a feed token is never a page token, nor the reverse
SECRET_FILE = "web-secret.key"
DEFAULT_LINK_DAYS = 400  # a fiscal year and its follow-up meeting; every mail carries a fresh one


class LinkRefused(TrackerError):
    """A link that is tampered with, expired or revoked."""


@dataclass(frozen=True)
class UnitLink:
    organisation_id: int
    unit: str
    version: int
    expires: date


def data_dir(settings: Settings) -> Path:
    """Where the secret key and uploaded evidence live: [web] data_dir or the data folder."""
    from tracker.db.connection import default_data_dir

    configured = settings.web.get("data_dir")
    return Path(str(configured)) if configured else default_data_dir()


def secret_key(folder: Path) -> bytes:
    """The key that signs links and sessions: made on first use, mode 0600,
    kept in the data folder (never in the database, never logged)."""
    path = folder / SECRET_FILE
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except FileNotFoundError:
        pass
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = secrets.token_bytes(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(key.hex() + "\n")
    return key


def _serializer(key: bytes, salt: str = SALT) -> Any:
    from itsdangerous import URLSafeSerializer

    return URLSafeSerializer(key, salt=salt)


def link_days(settings: Settings) -> int:
    try:
        return max(1, int(settings.web.get("link_days", DEFAULT_LINK_DAYS)))
    except (TypeError, ValueError):
        return DEFAULT_LINK_DAYS


def sign(key: bytes, link: UnitLink) -> str:
    return str(_serializer(key).dumps(
        {"o": link.organisation_id, "u": link.unit, "v": link.version, "x": link.expires.isoformat()}))


def verify(key: bytes, token: str, db: Database, *, now: datetime) -> UnitLink:
    """The unit a token names, or LinkRefused (tampered, expired, revoked)."""
    from itsdangerous import BadSignature

    from tracker.services import links

    try:
        data = _serializer(key).loads(token)
        link = UnitLink(int(data["o"]), str(data["u"]), int(data["v"]), date.fromisoformat(data["x"]))
    except (BadSignature, KeyError, TypeError, ValueError):
        raise LinkRefused("ลิงก์ไม่ถูกต้อง (the link is not valid)") from None
    if now.astimezone(BANGKOK).date() > link.expires:
        raise LinkRefused("ลิงก์หมดอายุแล้ว ขอลิงก์ใหม่จากผู้ดูแลระบบ (the link has expired)")
    if links.version(db, link.organisation_id, link.unit) != link.version:
        raise LinkRefused("ลิงก์นี้ถูกยกเลิกแล้ว ขอลิงก์ใหม่จากผู้ดูแลระบบ (the link was revoked)")
    return link


def unit_token(db: Database, settings: Settings, organisation_id: int, unit: str, *, now: datetime) -> str:
    from tracker.services import links

    name = " ".join(unit.split())
    expires = now.astimezone(BANGKOK).date() + timedelta(days=link_days(settings))
    version = links.version(db, organisation_id, name)
    return sign(secret_key(data_dir(settings)), UnitLink(organisation_id, name, version, expires))


def unit_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/u/{token}"


# ---------------------------------------------------------------- calendar feeds
#
# A feed URL has no expiry: it is pasted once into Google Calendar or Outlook,
# which cannot be told a new one. It is revoked instead (`--revoke`).


@dataclass(frozen=True)
class FeedLink:
    organisation_id: int
    unit: str | None  # None: the whole organisation
    version: int


def feed_token(db: Database, settings: Settings, organisation_id: int, unit: str | None) -> str:
    from tracker.services import feed_links

    name = " ".join(unit.split()) if unit else None
    version = feed_links.version(db, organisation_id, name)
    return str(_serializer(secret_key(data_dir(settings)), CALENDAR_SALT).dumps(
        {"o": organisation_id, "u": name, "v": version}))


def verify_feed(key: bytes, token: str, db: Database) -> FeedLink:
    """The feed a token names, or LinkRefused (tampered or revoked)."""
    from itsdangerous import BadSignature

    from tracker.services import feed_links

    try:
        data = _serializer(key, CALENDAR_SALT).loads(token)
        unit = data["u"]
        link = FeedLink(int(data["o"]), None if unit is None else str(unit), int(data["v"]))
    except (BadSignature, KeyError, TypeError, ValueError):
        raise LinkRefused("ลิงก์ปฏิทินไม่ถูกต้อง (the calendar link is not valid)") from None
    if feed_links.version(db, link.organisation_id, link.unit) != link.version:
        raise LinkRefused("ลิงก์ปฏิทินนี้ถูกยกเลิกแล้ว (the calendar link was revoked)")
    return link


def feed_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/cal/{token}.ics"


def webcal(url: str) -> str:
    """The same feed as a webcal:// address (opens the subscribe dialog of
    Apple Calendar and Outlook; the scheme stands for http or https alike)."""
    return "webcal://" + url.split("://", 1)[1]
