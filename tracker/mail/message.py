"""Build the e-mail for a reminder: text + HTML alternatives, Thai-safe headers.

Every header value passes through `clean()` (no CR, LF or other control
characters: a unit or measure name cannot smuggle in a header), addresses go
through `email.headerregistry.Address` (which refuses anything that is not one
address), and non-ASCII text in headers is RFC 2047-encoded by the `email`
package's SMTP policy.
"""

from __future__ import annotations

import email.policy
import email.utils
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage

from tracker.errors import MailError

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\x85]")
_ID_SAFE = re.compile(r"[^A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]")


@dataclass(frozen=True)
class Attachment:
    filename: str  # ASCII: some clients still garble encoded file names
    content: bytes
    maintype: str
    subtype: str


def clean(text: str, limit: int = 900) -> str:
    """One header-safe line: control characters become spaces, runs collapse."""
    flat = " ".join(_CONTROL.sub(" ", text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def parse_sender(sender: str) -> Address:
    """'ชื่อ <a@b>' or 'a@b' from the settings, as one checked Address."""
    name, addr = email.utils.parseaddr(clean(sender))
    try:
        if not addr or "@" not in addr:
            raise ValueError(addr)
        return Address(display_name=clean(name), addr_spec=addr)
    except (ValueError, IndexError):
        raise MailError(f"ที่อยู่ผู้ส่งไม่ถูกต้อง (mail 'from' is not an address: {sender!r})") from None


def message_id(keys: Sequence[str], sender: Address) -> str:
    """The same reminder key(s) always give the same Message-ID."""
    domain = sender.domain or "tracker.invalid"
    if len(keys) == 1:
        left = _ID_SAFE.sub(".", keys[0].replace(":", "."))
    else:
        digest = hashlib.sha256("\n".join(sorted(keys)).encode()).hexdigest()[:24]
        left = f"digest.{digest}"
    return f"<{left}.tracker@{domain}>"


def build(
    *,
    sender: Address,
    to: Sequence[str],
    subject: str,
    text: str,
    html: str,
    msg_id: str,
    date: datetime,
    keys: Sequence[str] = (),
    attachments: Iterable[Attachment] = (),
) -> EmailMessage:
    """One multipart/alternative message (multipart/mixed around it when there
    are attachments)."""
    msg = EmailMessage(policy=email.policy.SMTP)
    msg["From"] = sender
    try:
        msg["To"] = [Address(addr_spec=clean(a)) for a in to]
    except (ValueError, IndexError):
        raise MailError(f"ที่อยู่ผู้รับไม่ถูกต้อง (bad recipient in {list(to)!r})") from None
    msg["Subject"] = clean(subject, limit=250)
    msg["Date"] = email.utils.format_datetime(date)
    msg["Message-ID"] = msg_id
    # RFC 3834: tells auto-responders (out-of-office) not to answer.
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Auto-Response-Suppress"] = "All"
    if keys:
        msg["X-Tracker-Reminder"] = clean(" ".join(keys), limit=900)
    # base64 keeps Thai text 7-bit clean for any relay, with no 8BITMIME needed.
    msg.set_content(text, subtype="plain", charset="utf-8", cte="base64")
    msg.add_alternative(html, subtype="html", charset="utf-8", cte="base64")
    for a in attachments:
        msg.add_attachment(
            a.content, maintype=a.maintype, subtype=a.subtype, filename=clean(a.filename)
        )
    return msg
