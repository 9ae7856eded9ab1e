"""A real SMTP server on loopback for the mail tests: aiosmtpd with STARTTLS
(a self-signed certificate made here) and AUTH that is refused before TLS.

`Controller(port=0)` does not report the port the OS picked; `LoopbackController`
reads it back from the listening socket before aiosmtpd's own start-up probe.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import ssl
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from functools import cached_property
from pathlib import Path
from typing import Any

import fast_mail_parser
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tracker.config import MailSettings

USER = "tracker"
PASSWORD = "s3cret-Zq9x!pw"  # ASCII: smtplib sends AUTH as ASCII
SENDER = "ระบบติดตามมาตรการ ITA เทศบาลตำบลบางจะเกร็ง <tracker@bangchakreng.go.th>"


def smtp_settings(port: int, **kw: object) -> MailSettings:
    """Mail settings for the loopback server: STARTTLS, the test login, `kw` on top."""
    base: dict[str, object] = dict(
        transport="smtp",
        host="127.0.0.1",
        port=port,
        security="starttls",
        user=USER,
        password=PASSWORD,
        sender=SENDER,
    )
    base.update(kw)
    return MailSettings(**base)  # type: ignore[arg-type]


def make_cert(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 / localhost (openssl CLI)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    if not cert.exists():
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=localhost",
                "-addext",
                "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "-keyout",
                str(key),
                "-out",
                str(cert),
            ],
            check=True,
            capture_output=True,
        )
    return cert, key


class LoopbackController(Controller):
    def _trigger_server(self) -> None:
        assert self.server is not None
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@dataclass
class Arrival:
    raw: bytes
    rcpt: list[str]
    mail_from: str
    peer: Any
    label: Any  # what the test said "now" was when it arrived

    @cached_property
    def mail(self) -> ReadMail:
        return read_mail(self.raw)

    @property
    def subject(self) -> str:
        return self.mail.subject

    @property
    def keys(self) -> list[str]:
        return self.mail.headers.get("x-tracker-reminder", "").split()

    @property
    def text(self) -> str:
        """The plain-text part."""
        return self.mail.text


@dataclass
class Recorder:
    """The handler: keeps every message's bytes; can refuse or go slow."""

    arrivals: list[Arrival] = field(default_factory=list)
    label: Any = None
    refuse: str | None = None  # e.g. "451 4.3.0 try again later"
    reject_rcpt: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        if address in self.reject_rcpt:
            return self.reject_rcpt[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.refuse:
            return self.refuse
        with self.lock:
            self.arrivals.append(
                Arrival(
                    raw=bytes(envelope.original_content),
                    rcpt=list(envelope.rcpt_tos),
                    mail_from=envelope.mail_from,
                    peer=session.peer,
                    label=self.label,
                )
            )
        return "250 OK queued"

    def sent_keys(self) -> list[str]:
        with self.lock:
            return [k for a in self.arrivals for k in a.keys]


def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == USER.encode()
        and auth_data.password == PASSWORD.encode()
    )
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535


@contextmanager
def smtp_server(folder: Path, *, implicit_tls: bool = False) -> Iterator[tuple[Recorder, int, Path]]:
    """(recorder, port, CA file) of a STARTTLS + AUTH server (implicit TLS if asked)."""
    cert, key = make_cert(folder)
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    recorder = Recorder()
    kwargs: dict[str, Any] = dict(
        hostname="127.0.0.1",
        port=0,
        authenticator=authenticator,
        auth_require_tls=True,
        auth_required=True,
    )
    if implicit_tls:
        # aiosmtpd cannot tell that an implicit-TLS session is encrypted and
        # would hide AUTH; the whole connection is TLS here anyway.
        kwargs.update(ssl_context=ctx, auth_require_tls=False)
    else:
        kwargs.update(tls_context=ctx, require_starttls=True)
    controller = LoopbackController(recorder, **kwargs)
    controller.start()
    try:
        yield recorder, controller.port, cert
    finally:
        controller.stop()


# ---------------------------------------------------------------- reading a mail


def _their_addresses(other: fast_mail_parser.PyMail, name: str) -> list[str] | None:
    """The addresses of an address header as the independent parser read them
    (None: not an address header)."""
    found = {"from": [other.from_] if other.from_ else [], "to": other.to, "cc": other.cc,
             "bcc": other.bcc, "reply-to": other.reply_to}.get(name)
    return None if found is None else [a.address for a in found]


@dataclass(frozen=True)
class ReadMail:
    """One message read by two parsers that share no code, which must agree.

    `msg` is the standard library's reading with `email.policy.strict` (a
    defect in the structure raises); `other` is fast_mail_parser's (the Rust
    `mailparse` crate, strict: any repair it had to make raises). The
    independent parser decodes each RFC 2047 encoded word on its own, so a
    character split across two words comes back as U+FFFD there and the two
    readings of the header differ.

    Address headers are the exception: the standard library mangles long Thai
    display names (CPython gh-128110: a space between adjacent encoded words
    of a folded address header, "ภ าพ"), so for those the independent parser
    is the judge of the text, and the standard library only has to agree on
    the addresses.
    """

    raw: bytes
    msg: EmailMessage
    other: fast_mail_parser.PyMail
    headers: dict[str, str]  # lower-cased name -> the judged text (the first of repeated ones)

    @property
    def subject(self) -> str:
        return self.headers["subject"]

    @property
    def sender(self) -> str:
        return self.headers["from"]

    @property
    def to(self) -> list[str]:
        return [a.address for a in self.other.to]

    @property
    def text(self) -> str:
        return _content(self.msg, "plain")

    @property
    def html(self) -> str:
        return _content(self.msg, "html")


def _content(msg: EmailMessage, kind: str) -> str:
    part = msg.get_body((kind,))
    assert part is not None, f"no text/{kind} part"
    text = part.get_content()
    assert isinstance(text, str)
    return text


def _left_encoded(value: str) -> bool:
    """Does a decoded header still hold one of our encoded words?"""
    return "=?utf-8?b?" in value.lower() or "=?utf-8?q?" in value.lower()


def read_mail(raw: bytes) -> ReadMail:
    """`raw` parsed by both parsers, every header, part and payload compared."""
    assert raw.partition(b"\r\n\r\n")[0].isascii()  # 7-bit headers: RFC 2047 words, no raw UTF-8
    msg = email.message_from_bytes(raw, policy=email.policy.strict)
    assert isinstance(msg, EmailMessage)
    other = fast_mail_parser.parse_email(raw, strict=True)
    assert not other.warnings, [(w.kind, w.detail) for w in other.warnings]
    # the same header fields, decoded to the same text
    mine = [(name.lower(), value) for name, value in msg.items()]
    theirs = [(name.lower(), v) for name, values in other.headers.items() for v in values]
    assert sorted(n for n, _ in mine) == sorted(n for n, _ in theirs)
    judged: dict[str, str] = {}
    for name, v in theirs:
        judged.setdefault(name, v.strip())  # a folded value may start with the fold's space
    for name, value in mine:
        assert not value.defects, (name, value.defects)
        addresses = _their_addresses(other, name)
        if addresses is not None:  # gh-128110: the addresses only, see ReadMail
            assert [a.addr_spec for a in value.addresses] == addresses, (name, addresses)
        else:
            got = [v for n, v in theirs if n == name and not _left_encoded(v)]
            if len(got) < len([v for n, v in theirs if n == name]):
                # mailparse reads from a literal "=?" in the text to the next
                # "?=" and then leaves the whole run undecoded ("=? =?utf-8?b?
                # 4LiB?=" for "=? ก", which RFC 2047 allows): for such a header
                # the standard library's reading is the judge.
                assert not _left_encoded(str(value)), (name, str(value))
                judged[name] = str(value).strip()
                continue
            assert str(value) in got, (name, str(value), theirs)
    for name, values in other.headers.items():
        for v in values:
            assert "\ufffd" not in v, (name, v)  # an encoded word that does not decode on its own
    # the same MIME tree: types, file names, dispositions and decoded payloads
    tree = list(fast_mail_parser.walk(fast_mail_parser.parse_email_tree(raw)))
    parts = list(msg.walk())
    assert [n.content_type for n in tree] == [p.get_content_type() for p in parts]
    for node, part in zip(tree, parts, strict=True):
        assert (node.filename or None) == part.get_filename(), (node.filename, part.get_filename())
        assert node.disposition == part.get_content_disposition()
        if part.is_multipart():
            assert node.content is None
        else:
            assert node.content == part.get_payload(decode=True), part.get_content_type()
    texts = [p for p in parts if p.get_content_type() in ("text/plain", "text/html")
             and p.get_content_disposition() != "attachment"]
    for kind, bodies in (("text/plain", other.text_plain), ("text/html", other.text_html)):
        assert [p.get_content() for p in texts if p.get_content_type() == kind] == bodies
    return ReadMail(raw=raw, msg=msg, other=other, headers=judged)


def mail_env(port: int, ca: Path, **over: str) -> dict[str, str]:
    env = {
        "TRACKER_MAIL_TRANSPORT": "smtp",
        "TRACKER_SMTP_HOST": "127.0.0.1",
        "TRACKER_SMTP_PORT": str(port),
        "TRACKER_SMTP_SECURITY": "starttls",
        "TRACKER_SMTP_USER": USER,
        "TRACKER_SMTP_PASSWORD": PASSWORD,
        "TRACKER_MAIL_FROM": SENDER,
        "SSL_CERT_FILE": str(ca),
    }
    env.update(over)
    return env
