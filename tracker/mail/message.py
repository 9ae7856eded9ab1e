"""Build the e-mail for a reminder: text + HTML alternatives (and an
invitation's calendar), through the standard library's `EmailMessage` with
`policy.SMTP` (CRLF, lines within 78, non-ASCII headers RFC 2047-encoded
in UTF-8, bodies base64).

Every header value passes through `clean()` first (no CR, LF or other
control character: a unit or measure name cannot smuggle in a header), and
addresses are checked by `email.headerregistry.Address` (which refuses
anything that is not exactly one address). Boundaries come from the
Message-ID, so the same reminder is the same bytes.
"""

from __future__ import annotations

import email.utils
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage, Message
from email.policy import SMTP

from tracker.errors import MailError

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\x85]")
_ID_SAFE = re.compile(r"[^A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]")
_FILENAME_SAFE = re.compile(r"[^A-Za-z0-9._-]")


@dataclass(frozen=True)
class Attachment:
    filename: str  # ASCII: some clients still garble encoded file names
    content: bytes
    maintype: str
    subtype: str
    params: Mapping[str, str] = field(default_factory=dict)  # more Content-Type parameters


def calendar_part(ics: bytes, method: str, filename: str) -> Attachment:
    """An iTIP calendar (RFC 6047): text/calendar with its method and charset."""
    return Attachment(filename, ics, "text", "calendar", {"method": clean(method), "charset": "utf-8"})


@dataclass(frozen=True)
class Mail:
    """One message as it goes on the wire (CRLF, 7-bit), with its envelope."""

    envelope_from: str
    to: tuple[str, ...]
    subject: str
    message_id: str
    data: bytes

    def parsed(self) -> Message:
        """The bytes read back by the standard parser (for showing, not sending)."""
        import email

        return email.message_from_bytes(self.data)


def clean(text: str, limit: int = 900) -> str:
    """One header-safe line: control characters become spaces, runs collapse."""
    flat = " ".join(_CONTROL.sub(" ", text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def parse_sender(sender: str) -> Address:
    """'ชื่อ <a@b>' or 'a@b' from the settings, as one checked Address."""
    name, addr = email.utils.parseaddr(clean(sender))
    try:
        if not addr or "@" not in addr or not addr.isascii():
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


def recipient(address: str) -> str:
    """One checked recipient address (refuses anything that is not one address)."""
    try:
        spec = Address(addr_spec=clean(address)).addr_spec
        if not spec.isascii():  # would need SMTPUTF8, which relays cannot be counted on for
            raise ValueError(spec)
        return spec
    except (ValueError, IndexError):
        raise MailError(f"ที่อยู่ผู้รับไม่ถูกต้อง (bad recipient: {address!r})") from None


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
    calendar: Attachment | None = None,
    reply_to: str | None = None,
) -> Mail:
    """One multipart/alternative message (multipart/mixed around it when there
    are attachments). `calendar`: an invitation (RFC 6047) as the third
    alternative, where Outlook, Gmail and Thunderbird look for it, and again
    as an .ics attachment for the clients that only offer files."""
    rcpt = tuple(recipient(a) for a in to)
    if not rcpt:
        raise MailError("ไม่มีผู้รับ (a message needs at least one recipient)")
    msg_id = clean(msg_id)
    subject = clean(subject, limit=250)
    msg = EmailMessage(policy=SMTP)
    msg["From"] = sender
    msg["To"] = ", ".join(rcpt)
    if reply_to:
        msg["Reply-To"] = recipient(reply_to)  # the clerk: a reminder's reply reaches a person
    if subject.isascii() and "=?" not in subject:  # a literal "=?…?=" would be read as encoded
        msg["Subject"] = subject
    else:
        # folded by email.header, which keeps every space inside an encoded
        # word: policy.SMTP's folding can leave the space between two encoded
        # words outside both, and every reader drops it ("…xxxxxx ก ก" arrives
        # as "…xxxxxxก ก"; CPython gh-144156). Kept as folded (no line is long).
        msg.set_raw("Subject", Header(subject, "utf-8", maxlinelen=78, header_name="Subject")
                    .encode(linesep="\r\n"))
    msg["Date"] = email.utils.format_datetime(date)
    msg["Message-ID"] = msg_id
    # RFC 3834: tells auto-responders (out-of-office) not to answer.
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Auto-Response-Suppress"] = "All"
    if keys:
        # ASCII, folded at the spaces: a digest of a whole plan's measures
        # keeps every key (a test or a script can tell what a mail carried)
        msg["X-Tracker-Reminder"] = clean(" ".join(keys), limit=64000).replace("…", "...")
    msg.set_content(text, cte="base64")
    msg.add_alternative(html, subtype="html", cte="base64")
    if calendar is not None:
        msg.add_alternative(calendar.content, maintype="text", subtype="calendar", cte="base64",
                            params=calendar.params)
    extra = list(attachments)
    if calendar is not None:
        # as Google Calendar sends it: application/ics, so no client shows the
        # invitation twice
        extra.append(Attachment(calendar.filename, calendar.content, "application", "ics"))
    for a in extra:
        msg.add_attachment(a.content, maintype=clean(a.maintype), subtype=clean(a.subtype),
                           filename=_FILENAME_SAFE.sub("_", a.filename), params=a.params)
    tag = hashlib.sha256(msg_id.encode()).hexdigest()[:20]
    for n, part in enumerate(msg.walk()):
        if part.is_multipart():
            part.set_boundary(f"=_{n}_{tag}")  # base64 has no "_": no part can hold it
        if part is not msg:
            del part["MIME-Version"]  # add_alternative/add_attachment give each part one
    return Mail(envelope_from=sender.addr_spec, to=rcpt, subject=subject, message_id=msg_id,
                data=msg.as_bytes())
