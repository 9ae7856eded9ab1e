"""Ways to deliver a message: smtp, file (.eml files, the default), console.

`make_transport(settings)` picks one from MailSettings. Each transport hands
out a *session* for one batch: SMTP opens ONE connection on the first message
and reuses it for the whole batch.

Errors are sorted for the outbox: `TemporaryFailure` (try again later: SMTP
4xx, refused connection, timeout, a login the server refuses) and
`PermanentFailure` (SMTP 5xx for this message). Their text never contains the
password: smtplib's debug output (which would print the AUTH exchange) is
never switched on, and every error text is scrubbed of the password before
it is raised.
"""

from __future__ import annotations

import logging
import os
import smtplib
import socket
import ssl
import sys
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, suppress
from email.message import Message
from functools import lru_cache
from pathlib import Path
from typing import IO, Protocol

from tracker.config import MailSettings
from tracker.errors import MailError
from tracker.mail.message import to_bytes


def decoded(value: object) -> str:
    """A header as a person reads it (encoded words decoded)."""
    from email.header import decode_header, make_header

    return str(make_header(decode_header(str(value))))

log = logging.getLogger(__name__)


class TemporaryFailure(Exception):
    """Try again later. `connection`: the connection itself failed, so the rest
    of the batch would fail the same way."""

    def __init__(self, message: str, *, connection: bool = False) -> None:
        super().__init__(message)
        self.connection = connection


class PermanentFailure(Exception):
    """The server refused this message for good (5xx)."""


class Session(Protocol):
    def send(self, msg: Message, to: Sequence[str]) -> None: ...


class Transport(Protocol):
    name: str

    def session(self) -> AbstractContextManager[Session]: ...


def _envelope_from(msg: Message) -> str:
    return _addr_spec(str(msg["From"]))


@lru_cache(maxsize=32)
def _addr_spec(header: str) -> str:
    import email.utils

    return email.utils.parseaddr(header)[1]


# ---------------------------------------------------------------- SMTP


class SmtpTransport:
    """SMTP with STARTTLS, implicit TLS (ssl) or none; AUTH when a user is set."""

    name = "smtp"

    def __init__(
        self, settings: MailSettings, *, ssl_context: ssl.SSLContext | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.host = settings.host
        self.port = settings.port
        self.security = settings.security
        self.user = settings.user
        self._password = settings.password
        self._ssl_context = ssl_context
        self.timeout = timeout

    def __repr__(self) -> str:  # the password is not part of it
        who = f"{self.user}@" if self.user else ""
        return f"SmtpTransport({self.security}://{who}{self.host}:{self.port})"

    def _scrub(self, text: str) -> str:
        if self._password:
            text = text.replace(self._password, "***")
        return text

    def _context(self) -> ssl.SSLContext:
        if self._ssl_context is None:
            # Honours SSL_CERT_FILE / SSL_CERT_DIR for a private CA.
            self._ssl_context = ssl.create_default_context()
        return self._ssl_context

    def _connect(self) -> smtplib.SMTP:
        where = f"{self.host}:{self.port}"
        conn: smtplib.SMTP | None = None
        try:
            if self.security == "ssl":
                conn = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                        context=self._context())
            else:
                conn = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            conn.ehlo()
            if self.security == "starttls":
                conn.starttls(context=self._context())
                conn.ehlo()
            if self.user:
                conn.login(self.user, self._password or "")
            return conn
        except smtplib.SMTPAuthenticationError as exc:
            _quit(conn)
            # A refused login is a setting to fix, not a reason to drop mail:
            # keep retrying (shown by --status) until it works.
            raise TemporaryFailure(
                self._scrub(f"SMTP login refused by {where} ({exc.smtp_code} {_text(exc.smtp_error)})"),
                connection=True,
            ) from None
        except UnicodeEncodeError:
            _quit(conn)
            # smtplib encodes AUTH as ASCII; say so without echoing anything.
            raise TemporaryFailure(
                f"SMTP login to {where}: user name and password must be ASCII for SMTP AUTH",
                connection=True,
            ) from None
        except smtplib.SMTPNotSupportedError as exc:
            _quit(conn)
            raise TemporaryFailure(self._scrub(f"SMTP {where}: {exc}"), connection=True) from None
        except smtplib.SMTPResponseException as exc:
            _quit(conn)
            raise TemporaryFailure(
                self._scrub(f"SMTP {where} refused the session ({exc.smtp_code} {_text(exc.smtp_error)})"),
                connection=True,
            ) from None
        except (OSError, smtplib.SMTPException) as exc:
            _quit(conn)
            reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
            raise TemporaryFailure(
                self._scrub(f"cannot connect to SMTP {where}: {reason}"), connection=True
            ) from None

    @contextmanager
    def session(self) -> Iterator[SmtpSession]:
        s = SmtpSession(self)
        try:
            yield s
        finally:
            s.close()


class SmtpSession:
    def __init__(self, transport: SmtpTransport) -> None:
        self.t = transport
        self.conn: smtplib.SMTP | None = None
        self.sent = 0
        self.connections = 0

    def send(self, msg: Message, to: Sequence[str]) -> None:
        if self.conn is None:
            self.conn = self.t._connect()
            self.connections += 1
        scrub = self.t._scrub
        try:
            refused = self.conn.sendmail(_envelope_from(msg), list(to), to_bytes(msg))
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            detail = "; ".join(f"{r}: {c} {_text(m)}" for r, (c, m) in exc.recipients.items())
            self._reset()
            if all(500 <= c < 600 for c in codes):
                raise PermanentFailure(scrub(f"recipients refused: {detail}")) from None
            raise TemporaryFailure(scrub(f"recipients refused for now: {detail}")) from None
        except smtplib.SMTPServerDisconnected as exc:
            self._drop()
            raise TemporaryFailure(scrub(f"SMTP server disconnected: {exc}"), connection=True) from None
        except smtplib.SMTPResponseException as exc:
            code = exc.smtp_code
            self._reset()
            text = scrub(f"SMTP {code} {_text(exc.smtp_error)}")
            if 500 <= code < 600:
                raise PermanentFailure(text) from None
            raise TemporaryFailure(text, connection=code == 421) from None
        except (OSError, smtplib.SMTPException) as exc:
            self._drop()
            reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
            raise TemporaryFailure(scrub(f"SMTP connection failed: {reason}"), connection=True) from None
        if refused:
            # Accepted for some recipients: sending again would duplicate it
            # for them, so it counts as sent; the refused ones are logged.
            log.warning("some recipients refused: %s", ", ".join(sorted(refused)))
        self.sent += 1

    def _reset(self) -> None:
        if self.conn is not None:
            try:
                self.conn.rset()
            except (OSError, smtplib.SMTPException):
                self._drop()

    def _drop(self) -> None:
        conn, self.conn = self.conn, None
        if conn is not None:
            with suppress(OSError):
                conn.close()

    def close(self) -> None:
        conn, self.conn = self.conn, None
        _quit(conn)


def _quit(conn: smtplib.SMTP | None) -> None:
    if conn is None:
        return
    try:
        conn.quit()
    except (OSError, smtplib.SMTPException):
        with suppress(OSError):
            conn.close()


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


# ---------------------------------------------------------------- file


class FileTransport:
    """Each message as <Message-ID>.eml in a private folder (0700, files 0600).

    The name comes from the Message-ID, so sending the same reminder again
    replaces the file instead of adding a second one.
    """

    name = "file"

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def __repr__(self) -> str:
        return f"FileTransport({self.folder})"

    @contextmanager
    def session(self) -> Iterator[FileSession]:
        try:
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise TemporaryFailure(f"cannot create {self.folder}: {exc.strerror}", connection=True) from None
        yield FileSession(self.folder)


class FileSession:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.sent = 0
        self.paths: list[Path] = []

    def send(self, msg: Message, to: Sequence[str]) -> None:
        mid = str(msg["Message-ID"] or "").strip("<>") or f"message-{self.sent}"
        name = "".join(c if c.isalnum() or c in "._@-" else "_" for c in mid) + ".eml"
        path = self.folder / name
        tmp = self.folder / f".{name}.{os.getpid()}.tmp"
        data = to_bytes(msg)
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except OSError as exc:
            raise TemporaryFailure(f"cannot write {path}: {exc.strerror}", connection=True) from None
        self.sent += 1
        self.paths.append(path)


# ---------------------------------------------------------------- console


class ConsoleTransport:
    """Print each message (headers decoded, the text part) for a person to read."""

    name = "console"

    def __init__(self, stream: IO[str] | None = None) -> None:
        self.stream = stream

    def __repr__(self) -> str:
        return "ConsoleTransport()"

    @contextmanager
    def session(self) -> Iterator[ConsoleSession]:
        yield ConsoleSession(self.stream or sys.stdout)


class ConsoleSession:
    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.sent = 0

    def send(self, msg: Message, to: Sequence[str]) -> None:
        text, files = "", []
        for part in msg.walk():
            if part.get_filename():
                files.append(part.get_filename())
            elif part.get_content_type() == "text/plain" and not text:
                raw = part.get_payload(decode=True)
                text = raw.decode(part.get_content_charset() or "utf-8") if isinstance(raw, bytes) else ""
        lines = [
            "─" * 60,
            f"From: {decoded(msg['From'])}",
            f"To: {', '.join(to)}",
            f"Subject: {decoded(msg['Subject'])}",
            f"Date: {msg['Date']}",
            f"Message-ID: {msg['Message-ID']}",
        ]
        lines += [f"Attachment: {name}" for name in files]
        self.stream.write("\n".join(lines) + "\n\n" + text.rstrip() + "\n")
        self.stream.flush()
        self.sent += 1


# ---------------------------------------------------------------- choosing


AnyTransport = SmtpTransport | FileTransport | ConsoleTransport


def make_transport(
    settings: MailSettings, *, ssl_context: ssl.SSLContext | None = None,
    stream: IO[str] | None = None,
) -> AnyTransport:
    if settings.transport == "smtp":
        return SmtpTransport(settings, ssl_context=ssl_context)
    if settings.transport == "file":
        return FileTransport(outbox_folder(settings))
    if settings.transport == "console":
        return ConsoleTransport(stream)
    raise MailError(f"unknown mail transport {settings.transport!r}")


def outbox_folder(settings: MailSettings) -> Path:
    from tracker.db.connection import default_data_dir

    return settings.outbox_dir or default_data_dir() / "outbox"


def hostname() -> str:
    return socket.gethostname() or "localhost"
