"""Build the e-mail for a reminder: text + HTML alternatives, Thai-safe headers.

Every header value passes through `clean()` (no CR, LF or other control
characters: a unit or measure name cannot smuggle in a header), addresses are
checked by `email.headerregistry.Address` (which refuses anything that is not
exactly one address), and non-ASCII header text is RFC 2047-encoded in
UTF-8 by `email.header.Header`, which never splits a Thai character across two
encoded words.

Why the classic `email.mime` classes and not `EmailMessage` with the modern
policy: the modern header folder costs about 5 ms per message on a long Thai
subject (pure-Python refolding of every header), which alone caps a batch at
~150 messages/second; this builds the same bytes in well under a millisecond.
The tests read the bytes with an independent decoder.
"""

from __future__ import annotations

import email.policy
import email.utils
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from email import encoders
from email.header import Header
from email.headerregistry import Address
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import Compat32
from functools import lru_cache

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


class _Wire(Compat32):
    """compat32 on the wire (CRLF), writing a short ASCII header as it is.

    compat32 wraps every header in a `Header` to fold it (~40 µs each); ours
    are ASCII lines (the sender's Thai name already encoded) except Subject,
    a `Header` that is encoded and folded at 78 characters.
    """

    def fold_binary(self, name: str, value: object) -> bytes:
        # RFC 5322's hard limit is 998 characters a line; 78 is a "should".
        if isinstance(value, str) and value.isascii() and len(name) + len(value) < 990 \
                and not _CONTROL.search(value):
            return f"{name}: {value}{self.linesep}".encode("ascii")
        return super().fold_binary(name, value)  # type: ignore[arg-type]


WIRE = _Wire(linesep="\r\n")


def to_bytes(msg: Message) -> bytes:
    """The message as it goes on the wire (CRLF, 7-bit)."""
    return msg.as_bytes(policy=WIRE)


def _address(addr: Address) -> str:
    return _formataddr(addr.display_name, addr.addr_spec)


@lru_cache(maxsize=32)
def _formataddr(name: str, addr_spec: str) -> str:
    # the same sender on every message of a batch: encode its name once
    return email.utils.formataddr((name, addr_spec), charset="utf-8")


def _text(body: str, subtype: str) -> MIMEText:
    # utf-8 bodies go out base64: 7-bit clean for any relay, no 8BITMIME needed
    return MIMEText(body, subtype, "utf-8")


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
) -> Message:
    """One multipart/alternative message (multipart/mixed around it when there
    are attachments)."""
    try:
        rcpt = [Address(addr_spec=clean(a)).addr_spec for a in to]
    except (ValueError, IndexError):
        raise MailError(f"ที่อยู่ผู้รับไม่ถูกต้อง (bad recipient in {list(to)!r})") from None
    alt = MIMEMultipart("alternative")
    alt.attach(_text(text, "plain"))
    alt.attach(_text(html, "html"))
    root: MIMEMultipart = alt
    extra = list(attachments)
    if extra:
        root = MIMEMultipart("mixed")
        root.attach(alt)
        for a in extra:
            part = MIMEBase(a.maintype, a.subtype)
            part.set_payload(a.content)
            encoders.encode_base64(part)
            part.add_header("Content-Disposition", "attachment", filename=clean(a.filename))
            root.attach(part)
    root["From"] = _address(sender)
    root["To"] = ", ".join(rcpt)
    # a Header object: compat32 encodes it (RFC 2047, whole characters) and folds it
    root["Subject"] = Header(clean(subject, limit=250), "utf-8", header_name="Subject")  # type: ignore[assignment]
    root["Date"] = email.utils.format_datetime(date)
    root["Message-ID"] = clean(msg_id)
    # RFC 3834: tells auto-responders (out-of-office) not to answer.
    root["Auto-Submitted"] = "auto-generated"
    root["X-Auto-Response-Suppress"] = "All"
    if keys:
        root["X-Tracker-Reminder"] = clean(" ".join(keys), limit=900)
    return root
