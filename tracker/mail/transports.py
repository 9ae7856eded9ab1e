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
import re
import smtplib
import socket
import ssl
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from pathlib import Path
from typing import IO, Protocol, TypeVar

from tracker.config import MailSettings
from tracker.errors import MailError
from tracker.mail.message import Mail


def decoded(value: object) -> str:
    """A header as a person reads it (encoded words decoded)."""
    from email.header import decode_header, make_header

    return str(make_header(decode_header(str(value))))

log = logging.getLogger(__name__)


T = TypeVar("T")
_LEADING_DOT = re.compile(rb"(?m)^\.")


def _always() -> bool:
    return True


def _same(mail: Mail) -> Mail:
    return mail


def _take(source: Iterator[T], mail_of: Callable[[T], Mail],
          keep_going: Callable[[], bool]) -> tuple[T, Mail] | None:
    """The next item and its mail, or None when there is none or we stop."""
    if keep_going():
        for item in source:
            return item, mail_of(item)
    return None


def _reason(exc: BaseException) -> str:
    """What went wrong with a connection, in a few words."""
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


class OneAtATime:
    """A session with nothing to overlap: `deliver` makes a mail, sends it,
    then the next (the file and console transports)."""

    def send(self, mail: Mail) -> None:
        raise NotImplementedError

    def deliver(self, items: Iterable[T], mail_of: Callable[[T], Mail],
                keep_going: Callable[[], bool] = _always) -> Iterator[tuple[T, Exception | None]]:
        for item in items:
            if not keep_going():
                return
            mail = mail_of(item)
            try:
                self.send(mail)
            except Exception as exc:
                yield item, exc
                if isinstance(exc, TemporaryFailure) and exc.connection:
                    return
                continue
            yield item, None


class TemporaryFailure(Exception):
    """Try again later. `connection`: the connection itself failed, so the rest
    of the batch would fail the same way."""

    def __init__(self, message: str, *, connection: bool = False) -> None:
        super().__init__(message)
        self.connection = connection


class PermanentFailure(Exception):
    """The server refused this message for good (5xx)."""


class Session(Protocol):
    def send(self, mail: Mail) -> None: ...

    def deliver(self, items: Iterable[T], mail_of: Callable[[T], Mail],
                keep_going: Callable[[], bool] = ...) -> Iterator[tuple[T, Exception | None]]: ...


class Transport(Protocol):
    name: str

    def session(self) -> AbstractContextManager[Session]: ...


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
            reason = _reason(exc)
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
    """One connection for a batch, the plain SMTP dialogue (one command, one
    reply; no PIPELINING), with our own work slotted into the server's:

    - while the server takes in a message (after the final "."), the next
      message is rendered;
    - once it has answered 250, the next MAIL FROM goes out at once, and the
      caller records the message as sent while the server answers that.

    A sender that dies between the 250 and its record sends that one message
    again on the next run: the same window as without the overlap (see
    tracker/reminders/outbox.py).
    """

    def __init__(self, transport: SmtpTransport) -> None:
        self.t = transport
        self.conn: smtplib.SMTP | None = None
        self.sent = 0
        self.connections = 0
        self._open = False  # a MAIL FROM went out whose reply is not read yet
        self._lost: str | None = None  # the connection broke after the last message

    def send(self, mail: Mail) -> None:
        for _mail, error in self.deliver([mail], _same):
            if error is not None:
                raise error

    def deliver(self, items: Iterable[T], mail_of: Callable[[T], Mail],
                keep_going: Callable[[], bool] = _always) -> Iterator[tuple[T, Exception | None]]:
        """Send each item's mail; yield (item, None) or (item, the failure).

        `mail_of` makes an item's mail (its errors propagate, after the
        message in flight is settled); `keep_going` is asked before each new
        message. After a failure of the connection itself nothing more is
        sent: the items not yielded were not sent.
        """
        source = iter(items)
        ahead: tuple[T, Mail] | None = None  # the next message, made (and maybe opened)
        while True:
            if ahead is None:
                ahead = _take(source, mail_of, keep_going)
                if ahead is None:
                    return
            item, mail = ahead
            ahead = None
            made: BaseException | None = None
            try:
                refused = self._transfer(mail)
                # The server is taking the message in: make the next one meanwhile.
                try:
                    ahead = _take(source, mail_of, keep_going)
                except Exception as exc:
                    made = exc
                assert self.conn is not None
                code, reply = self.conn.getreply()
                if code != 250:
                    raise smtplib.SMTPDataError(code, reply)
            except TemporaryFailure as exc:  # could not connect
                yield item, exc
                return
            except Exception as exc:
                if isinstance(exc, (OSError, smtplib.SMTPException)):
                    failure: Exception = self._failure(exc)
                else:  # a bug or an odd reply: the dialogue's state is unknown, start afresh
                    self._drop()
                    failure = exc
                yield item, failure
                if made is not None:
                    raise made from None
                if isinstance(failure, TemporaryFailure) and failure.connection:
                    return
                continue
            self.sent += 1
            if refused:
                # Accepted for some recipients: sending again would duplicate it
                # for them, so it counts as sent; the refused ones are logged.
                log.warning("some recipients refused: %s", ", ".join(sorted(refused)))
            if ahead is not None:
                self._open_next(ahead[1])
            yield item, None
            if made is not None:
                raise made

    def _transfer(self, mail: Mail) -> dict[str, tuple[int, bytes]]:
        """MAIL, RCPT, DATA and the message; the caller reads the final reply."""
        if self._lost is not None:
            lost, self._lost = self._lost, None
            raise smtplib.SMTPServerDisconnected(lost)
        if self.conn is None:
            self.conn = self.t._connect()
            self.connections += 1
        conn = self.conn
        if not self._open:
            conn.putcmd("mail", f"FROM:<{mail.envelope_from}>")
        self._open = False
        code, reply = conn.getreply()
        if code != 250:
            raise smtplib.SMTPSenderRefused(code, reply, mail.envelope_from)
        refused: dict[str, tuple[int, bytes]] = {}
        for rcpt in mail.to:
            conn.putcmd("rcpt", f"TO:<{rcpt}>")
            code, reply = conn.getreply()
            if code not in (250, 251):
                refused[rcpt] = (code, reply)
        if len(refused) == len(mail.to):
            raise smtplib.SMTPRecipientsRefused(refused)
        conn.putcmd("data")
        code, reply = conn.getreply()
        if code != 354:
            raise smtplib.SMTPDataError(code, reply)
        # the message ends with CRLF; a line that starts with "." gets another
        conn.send(_LEADING_DOT.sub(b"..", mail.data) + b".\r\n")
        return refused

    def _open_next(self, mail: Mail) -> None:
        assert self.conn is not None
        try:
            self.conn.putcmd("mail", f"FROM:<{mail.envelope_from}>")
            self._open = True
        except OSError as exc:
            self._drop()
            self._lost = _reason(exc)

    def _failure(self, exc: OSError | smtplib.SMTPException) -> TemporaryFailure | PermanentFailure:
        """What a failed exchange means for the outbox (and the connection)."""
        scrub = self.t._scrub
        if isinstance(exc, smtplib.SMTPRecipientsRefused):
            codes = [code for code, _ in exc.recipients.values()]
            detail = "; ".join(f"{r}: {c} {_text(m)}" for r, (c, m) in exc.recipients.items())
            self._reset()
            if all(500 <= c < 600 for c in codes):
                return PermanentFailure(scrub(f"recipients refused: {detail}"))
            return TemporaryFailure(scrub(f"recipients refused for now: {detail}"))
        if isinstance(exc, smtplib.SMTPServerDisconnected):
            self._drop()
            return TemporaryFailure(scrub(f"SMTP server disconnected: {exc}"), connection=True)
        if isinstance(exc, smtplib.SMTPResponseException):
            code = exc.smtp_code
            self._reset()
            text = scrub(f"SMTP {code} {_text(exc.smtp_error)}")
            if 500 <= code < 600:
                return PermanentFailure(text)
            return TemporaryFailure(text, connection=code == 421)
        self._drop()
        reason = _reason(exc)
        return TemporaryFailure(scrub(f"SMTP connection failed: {reason}"), connection=True)

    def _reset(self) -> None:
        if self.conn is not None:
            try:
                self.conn.rset()
            except (OSError, smtplib.SMTPException):
                self._drop()

    def _drop(self) -> None:
        conn, self.conn = self.conn, None
        self._open = False
        if conn is not None:
            with suppress(OSError):
                conn.close()

    def close(self) -> None:
        # QUIT ends an opened MAIL transaction too: nothing was sent for it
        conn, self.conn = self.conn, None
        if conn is not None and self._open:
            with suppress(OSError, smtplib.SMTPException):
                conn.getreply()
        self._open = False
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


class FileSession(OneAtATime):
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.sent = 0
        self.paths: list[Path] = []

    def send(self, mail: Mail) -> None:
        mid = mail.message_id.strip("<>") or f"message-{self.sent}"
        name = "".join(c if c.isalnum() or c in "._@-" else "_" for c in mid) + ".eml"
        path = self.folder / name
        tmp = self.folder / f".{name}.{os.getpid()}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(mail.data)
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


class ConsoleSession(OneAtATime):
    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.sent = 0

    def send(self, mail: Mail) -> None:
        msg = mail.parsed()
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
            f"To: {', '.join(mail.to)}",
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
