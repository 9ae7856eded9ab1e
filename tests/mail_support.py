"""A real SMTP server on loopback for the mail tests: aiosmtpd with STARTTLS
(a self-signed certificate made here) and AUTH that is refused before TLS.

`Controller(port=0)` does not report the port the OS picked; `LoopbackController`
reads it back from the listening socket before aiosmtpd's own start-up probe.
"""

from __future__ import annotations

import asyncio
import email.header
import re
import ssl
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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

    @property
    def headers(self) -> dict[str, str]:
        return raw_headers(self.raw)

    @property
    def subject(self) -> str:
        return decode_header_strict(self.headers["subject"])

    @property
    def keys(self) -> list[str]:
        return self.headers.get("x-tracker-reminder", "").split()

    @property
    def text(self) -> str:
        """The plain-text part."""
        import email
        import email.policy

        parsed = email.message_from_bytes(self.raw, policy=email.policy.default)
        return str(parsed.get_body(("plain",)).get_content())  # type: ignore[union-attr]


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


# ---------------------------------------------------------------- reading bytes


def raw_headers(raw: bytes) -> dict[str, str]:
    """Header fields straight from the bytes (unfolded, names lower-cased),
    without Python's email parser (which mangles long Thai names, gh-128110)."""
    head = raw.split(b"\r\n\r\n", 1)[0] if b"\r\n\r\n" in raw else raw.split(b"\n\n", 1)[0]
    text = head.decode("ascii")  # a correct message has 7-bit headers only
    text = re.sub(r"\r?\n[ \t]", " ", text)
    out: dict[str, str] = {}
    for line in text.splitlines():
        name, _, value = line.partition(":")
        out.setdefault(name.strip().lower(), value.strip())
    return out


_EW = re.compile(r"=\?([^?]+)\?([bBqQ])\?([^?]*)\?=")


def decode_header_strict(value: str) -> str:
    """RFC 2047, decoding every encoded word on its own with errors='strict':
    a character split across two words fails here."""
    parts: list[str] = []
    pos = 0
    last_was_ew = False
    for m in _EW.finditer(value):
        between = value[pos : m.start()]
        if not (last_was_ew and between.strip() == ""):
            parts.append(between)
        charset, enc, data = m.groups()
        raw = email.header.decode_header(m.group(0))[0][0]
        assert isinstance(raw, bytes)
        parts.append(raw.decode(charset, "strict"))
        pos = m.end()
        last_was_ew = True
        del enc, data
    parts.append(value[pos:])
    return "".join(parts)


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
