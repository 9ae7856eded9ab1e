"""Build the e-mail for a reminder: text + HTML alternatives, Thai-safe headers.

Every header value passes through `clean()` (no CR, LF or other control
characters: a unit or measure name cannot smuggle in a header), addresses are
checked by `email.headerregistry.Address` (which refuses anything that is not
exactly one address), and non-ASCII header text is RFC 2047-encoded in UTF-8
in words of whole characters (a strict decoder reads every word on its own).

Why the bytes are written here and not by `email.generator`: a reminder has
one fixed shape (multipart/alternative of two UTF-8 parts, base64, and on the
day before a meeting multipart/mixed around it), and the standard library's
generator spends about a millisecond per message re-parsing and refolding
what we already know is clean, which alone kept a batch under 500 messages a
second. The tests read the bytes with independent decoders (a strict RFC 2047
reader and `email.policy.default`) and a property test checks every shape a
subject can take.
"""

from __future__ import annotations

import base64
import email.utils
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import Message
from functools import lru_cache

from tracker.errors import MailError

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\x85]")
_ID_SAFE = re.compile(r"[^A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]")
_FILENAME_SAFE = re.compile(r"[^A-Za-z0-9._-]")
CRLF = b"\r\n"
# 42 bytes of UTF-8 (14 Thai characters) make 56 base64 characters: with the
# 12 of "=?utf-8?b??=" and "Subject: " in front, every line stays within 78.
_WORD_BYTES = 42


@dataclass(frozen=True)
class Attachment:
    filename: str  # ASCII: some clients still garble encoded file names
    content: bytes
    maintype: str
    subtype: str
    params: str = ""  # more Content-Type parameters, e.g. 'method=REQUEST; charset="utf-8"'

    @property
    def content_type(self) -> str:
        head = f"{clean(self.maintype)}/{clean(self.subtype)}"
        return f"{head}; {clean(self.params)}" if self.params else head


def calendar_part(ics: bytes, method: str, filename: str) -> Attachment:
    """An iTIP calendar (RFC 6047): text/calendar with its method and charset."""
    return Attachment(filename, ics, "text", "calendar", f'method={clean(method)}; charset="utf-8"')


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


def encode_words(text: str) -> str:
    """RFC 2047 encoded words (UTF-8, base64) of whole characters, folded:
    the value of a header that starts "Subject: "."""
    raw = text.encode()
    words = []
    start = 0
    while start < len(raw):
        end = min(start + _WORD_BYTES, len(raw))
        while end < len(raw) and raw[end] & 0xC0 == 0x80:  # inside a character: cut before it
            end -= 1
        words.append(raw[start:end])
        start = end
    return "\r\n ".join(f"=?utf-8?b?{base64.b64encode(w).decode('ascii')}?=" for w in words or [b""])


def header_text(text: str) -> str:
    """A free-text header value: as it is when short plain ASCII, else encoded."""
    if text.isascii() and len(text) <= 66 and "=?" not in text:
        return text
    return encode_words(text)


@lru_cache(maxsize=32)
def _formataddr(name: str, addr_spec: str) -> str:
    """'name <addr>' for From (the same sender on every message of a batch:
    encoded once); a Thai name as folded encoded words, the address on a line
    of its own."""
    if name.isascii() and len(name) + len(addr_spec) < 60:
        return email.utils.formataddr((name, addr_spec))
    return f"{encode_words(name)}\r\n <{addr_spec}>"


@lru_cache(maxsize=1024)
def recipient(address: str) -> str:
    """One checked recipient address (refuses anything that is not one address)."""
    try:
        spec = Address(addr_spec=clean(address)).addr_spec
        if not spec.isascii():  # would need SMTPUTF8, which relays cannot be counted on for
            raise ValueError(spec)
        return spec
    except (ValueError, IndexError):
        raise MailError(f"ที่อยู่ผู้รับไม่ถูกต้อง (bad recipient: {address!r})") from None


@lru_cache(maxsize=4)
def _date(date: datetime) -> str:
    return email.utils.format_datetime(date)


def _base64(data: bytes) -> bytes:
    # 76-character lines, as RFC 2045 asks
    flat = base64.b64encode(data)
    return b"".join([flat[i : i + 76] + CRLF for i in range(0, len(flat), 76)])


def _part(head: str, body: bytes) -> bytes:
    return head.encode("ascii") + CRLF + b"Content-Transfer-Encoding: base64" + CRLF + CRLF + _base64(body)


def _multipart(boundary: str, parts: Iterable[bytes]) -> bytes:
    # base64 has no "_", so a boundary with one cannot occur in any part
    sep = b"--" + boundary.encode("ascii")
    out = b"".join(sep + CRLF + p for p in parts)
    return out + sep + b"--" + CRLF


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
    tag = hashlib.sha256(msg_id.encode()).hexdigest()[:20]
    alternatives = [
        _part('Content-Type: text/plain; charset="utf-8"', text.encode()),
        _part('Content-Type: text/html; charset="utf-8"', html.encode()),
    ]
    if calendar is not None:
        alternatives.append(_part(f"Content-Type: {calendar.content_type}", calendar.content))
    body = _multipart(f"=_alt_{tag}", alternatives)
    content_type = f'multipart/alternative; boundary="=_alt_{tag}"'
    extra = list(attachments)
    if calendar is not None:
        # as Google Calendar sends it: application/ics, so no client shows the
        # invitation twice
        extra.append(Attachment(calendar.filename, calendar.content, "application", "ics"))
    if extra:
        inner = f"Content-Type: {content_type}".encode("ascii") + CRLF + CRLF + body
        files = [_part(f"Content-Type: {a.content_type}\r\n"
                       f'Content-Disposition: attachment; filename="{_FILENAME_SAFE.sub("_", a.filename)}"',
                       a.content) for a in extra]
        body = _multipart(f"=_mix_{tag}", [inner, *files])
        content_type = f'multipart/mixed; boundary="=_mix_{tag}"'
    head = [
        f"From: {_formataddr(sender.display_name, sender.addr_spec)}",
        f"To: {', '.join(rcpt)}",
        f"Subject: {header_text(subject)}",
        f"Date: {_date(date)}",
        f"Message-ID: {msg_id}",
        # RFC 3834: tells auto-responders (out-of-office) not to answer.
        "Auto-Submitted: auto-generated",
        "X-Auto-Response-Suppress: All",
    ]
    if keys:
        # keys are ASCII; a long digest's list is cut with "..." to stay so
        head.append(f"X-Tracker-Reminder: {clean(' '.join(keys), limit=900).replace('…', '...')}")
    head += ["MIME-Version: 1.0", f"Content-Type: {content_type}"]
    data = "\r\n".join(head).encode("ascii") + CRLF + CRLF + body
    return Mail(envelope_from=sender.addr_spec, to=rcpt, subject=subject, message_id=msg_id, data=data)
