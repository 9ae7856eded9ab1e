"""Ways to deliver a message: smtp, file (.eml files, the default), console.

`make_transport(settings)` picks one from MailSettings. Each transport hands
out a *session* for one batch: SMTP opens ONE connection on the first message
and reuses it for the whole batch.

Errors are sorted for the outbox by what they concern: `SessionFailure` (the
connection or the account: 530/535/454 whatever command they answer, TLS,
refused connection, unknown host, timeout, a dropped connection; the batch
stops and every message waits), `TemporaryFailure` (this message, for now:
SMTP 4xx) and `PermanentFailure` (this recipient or message, for good: 550/553
on RCPT, 552/554 on DATA). Their text never contains the
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


def _always() -> bool:
    return True


def _same(mail: Mail) -> Mail:
    return mail


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


class SessionFailure(TemporaryFailure):
    """The connection or the account is refused (login, TLS, host, timeout):
    no message of the batch can go until the settings or the server change,
    so the sender stops and keeps every message waiting. `cause` names the
    reason (a key of CAUSES) so that a run reports one line per cause."""

    def __init__(self, message: str, *, cause: str) -> None:
        super().__init__(message, connection=True)
        self.cause = cause


# Why a session was refused, as a person reads it (Thai first, English gloss).
CAUSES = {
    "auth_required": "เซิร์ฟเวอร์ต้องการการยืนยันตัวตน (530: the server wants AUTH; set [mail] user"
                     " and TRACKER_SMTP_PASSWORD)",
    "tls_required": "เซิร์ฟเวอร์ต้องการ STARTTLS (the server wants TLS; set [mail] security)",
    "auth_refused": "เซิร์ฟเวอร์ไม่รับชื่อผู้ใช้หรือรหัสผ่าน (535: login refused)",
    "auth_unusable": "ชื่อผู้ใช้หรือรหัสผ่านใช้กับ SMTP ไม่ได้ (must be ASCII for SMTP AUTH)",
    "auth_unavailable": "เซิร์ฟเวอร์ไม่เปิดให้ยืนยันตัวตนบนการเชื่อมต่อนี้ (no AUTH offered: it may want"
                        " STARTTLS first; set [mail] security)",
    "tls_unavailable": "เซิร์ฟเวอร์ไม่มี TLS (454 / no STARTTLS: TLS not available)",
    "tls_failed": "ตรวจสอบใบรับรอง TLS ไม่ผ่าน (TLS handshake or certificate failed)",
    "refused": "เซิร์ฟเวอร์ไม่รับการเชื่อมต่อ (connection refused)",
    "unknown_host": "ไม่รู้จักชื่อเครื่องเซิร์ฟเวอร์ (unknown host)",
    "timeout": "เซิร์ฟเวอร์ไม่ตอบภายในเวลา (timeout)",
    "disconnected": "เซิร์ฟเวอร์ตัดการเชื่อมต่อ (the server closed the connection)",
    "session_refused": "เซิร์ฟเวอร์ไม่รับการเชื่อมต่อนี้ (the server refused the session)",
    "unreachable": "เชื่อมต่อเซิร์ฟเวอร์ไม่ได้ (cannot connect)",
    "transport": "ส่งผ่านช่องทางที่ตั้งไว้ไม่ได้ (the mail transport failed, e.g. a folder not writable)",
}

# Reply codes that refuse the session or the account, whatever command they
# answer: 530 authentication/TLS required, 534/538 mechanism or encryption
# needed, 535 credentials invalid, 454 TLS (or AUTH) not available for now.
SESSION_CODES = {530: "auth_required", 534: "auth_refused", 535: "auth_refused",
                 538: "tls_required", 454: "tls_unavailable"}


def session_cause(code: int, text: str) -> str | None:
    """The cause of a reply that refuses the session, or None for one that
    concerns a message or a recipient."""
    cause = SESSION_CODES.get(code)
    if cause == "auth_required" and "tls" in text.lower():
        return "tls_required"  # "530 Must issue a STARTTLS command first"
    if cause == "tls_unavailable" and "auth" in text.lower():
        return "auth_refused"  # "454 Temporary authentication failure"
    return cause


def _os_cause(exc: BaseException) -> str:
    """The cause of a connection that could not be made or broke."""
    if isinstance(exc, socket.gaierror):
        return "unknown_host"
    if isinstance(exc, (TimeoutError, socket.timeout)) or "timed out" in str(exc):
        return "timeout"  # smtplib wraps a read timeout in SMTPServerDisconnected
    if isinstance(exc, ConnectionRefusedError):
        return "refused"
    if isinstance(exc, ssl.SSLError):
        return "tls_failed"
    if isinstance(exc, (smtplib.SMTPServerDisconnected, ConnectionResetError, BrokenPipeError)):
        return "disconnected"
    return "unreachable"


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
            # every message stays waiting (shown by --status) until it works.
            raise SessionFailure(
                self._scrub(f"SMTP login refused by {where} ({exc.smtp_code} {_text(exc.smtp_error)})"),
                cause="auth_refused",
            ) from None
        except UnicodeEncodeError:
            _quit(conn)
            # smtplib encodes AUTH as ASCII; say so without echoing anything.
            raise SessionFailure(
                f"SMTP login to {where}: user name and password must be ASCII for SMTP AUTH",
                cause="auth_unusable",
            ) from None
        except smtplib.SMTPNotSupportedError as exc:
            _quit(conn)
            # STARTTLS asked of a server that does not offer it, or AUTH of
            # one that offers no mechanism (it may want TLS first)
            cause = "tls_unavailable" if "STARTTLS" in str(exc) else "auth_unavailable"
            raise SessionFailure(self._scrub(f"SMTP {where}: {exc}"), cause=cause) from None
        except smtplib.SMTPResponseException as exc:
            _quit(conn)
            text = _text(exc.smtp_error)
            raise SessionFailure(
                self._scrub(f"SMTP {where} refused the session ({exc.smtp_code} {text})"),
                cause=session_cause(exc.smtp_code, text) or "session_refused",
            ) from None
        except (OSError, smtplib.SMTPException) as exc:
            _quit(conn)
            reason = _reason(exc)
            raise SessionFailure(
                self._scrub(f"cannot connect to SMTP {where}: {reason}"), cause=_os_cause(exc)
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
    reply; no PIPELINING).

    Nothing of ours runs between the final "." and the caller's record of
    the reply: the message is made before its MAIL FROM, the server's answer
    is read at once and handed to the caller, which marks the message sent
    before the next one starts. A sender killed in that short span (the
    server's reply and one commit) sends that one message again on the next
    run; see tracker/reminders/outbox.py.
    """

    def __init__(self, transport: SmtpTransport) -> None:
        self.t = transport
        self.conn: smtplib.SMTP | None = None
        self.sent = 0
        self.connections = 0
        self.last_reply = ""  # the server's answer to the last message ("250 2.0.0 Ok: queued as …")

    def send(self, mail: Mail) -> None:
        for _mail, error in self.deliver([mail], _same):
            if error is not None:
                raise error

    def deliver(self, items: Iterable[T], mail_of: Callable[[T], Mail],
                keep_going: Callable[[], bool] = _always) -> Iterator[tuple[T, Exception | None]]:
        """Send each item's mail; yield (item, None) or (item, the failure).

        `mail_of` makes an item's mail before anything of it is sent (its
        errors propagate); `keep_going` is asked before each message. After
        a failure of the connection itself (a `TemporaryFailure` with
        `connection`, a `SessionFailure` when the session or the account is
        refused) nothing more is sent: the items not yielded were not sent.
        """
        for item in items:
            if not keep_going():
                return
            mail = mail_of(item)
            try:
                refused = self._transfer(mail)
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
                if isinstance(failure, TemporaryFailure) and failure.connection:
                    return
                continue
            self.sent += 1
            if refused:
                # Accepted for some recipients: sending again would duplicate it
                # for them, so it counts as sent; the refused ones are logged.
                log.warning("some recipients refused: %s", ", ".join(sorted(refused)))
            yield item, None

    def _transfer(self, mail: Mail) -> dict[str, tuple[int, bytes]]:
        """MAIL, RCPT, DATA with smtplib's own commands (as its sendmail
        does, keeping the server's final reply); the recipients refused when
        others were accepted."""
        if self.conn is None:
            self.conn = self.t._connect()
            self.connections += 1
        conn = self.conn
        code, reply = conn.mail(mail.envelope_from)
        if code != 250:
            raise smtplib.SMTPSenderRefused(code, reply, mail.envelope_from)
        refused: dict[str, tuple[int, bytes]] = {}
        for rcpt in mail.to:
            code, reply = conn.rcpt(rcpt)
            if code not in (250, 251):
                refused[rcpt] = (code, reply)
        if len(refused) == len(mail.to):
            raise smtplib.SMTPRecipientsRefused(refused)
        code, reply = conn.data(mail.data)  # dot-stuffing and the final "." are smtplib's
        if code != 250:
            raise smtplib.SMTPDataError(code, reply)
        self.last_reply = f"{code} {_text(reply)}"
        return refused

    def _failure(self, exc: OSError | smtplib.SMTPException) -> TemporaryFailure | PermanentFailure:
        """What a failed exchange means for the outbox (and the connection).

        A reply that refuses the session or the account (530 authentication
        required, 535, 454 …), whatever command it answers, is a
        `SessionFailure`: every other message would get the same answer.
        Only a refusal of this recipient or this message fails it for good."""
        scrub = self.t._scrub
        if isinstance(exc, smtplib.SMTPRecipientsRefused):
            codes = [code for code, _ in exc.recipients.values()]
            detail = "; ".join(f"{r}: {c} {_text(m)}" for r, (c, m) in exc.recipients.items())
            causes = {session_cause(c, _text(m)) for c, m in exc.recipients.values()}
            if None not in causes:
                self._drop()
                return SessionFailure(scrub(f"recipients refused: {detail}"), cause=sorted(
                    c for c in causes if c)[0])
            self._reset()
            if all(500 <= c < 600 for c in codes):
                return PermanentFailure(scrub(f"recipients refused: {detail}"))
            return TemporaryFailure(scrub(f"recipients refused for now: {detail}"))
        if isinstance(exc, smtplib.SMTPServerDisconnected):
            self._drop()
            return SessionFailure(scrub(f"SMTP server disconnected: {exc}"), cause="disconnected")
        if isinstance(exc, smtplib.SMTPResponseException):
            code = exc.smtp_code
            text = scrub(f"SMTP {code} {_text(exc.smtp_error)}")
            if cause := session_cause(code, _text(exc.smtp_error)):
                self._drop()
                return SessionFailure(text, cause=cause)
            if code == 421:  # the server is closing the connection
                self._drop()
                return SessionFailure(text, cause="disconnected")
            self._reset()
            if 500 <= code < 600:
                return PermanentFailure(text)
            return TemporaryFailure(text)
        self._drop()
        reason = _reason(exc)
        return SessionFailure(scrub(f"SMTP connection failed: {reason}"), cause=_os_cause(exc))

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
        check_sender(settings.sender)
        return SmtpTransport(settings, ssl_context=ssl_context)
    if settings.transport == "file":
        return FileTransport(outbox_folder(settings))
    if settings.transport == "console":
        return ConsoleTransport(stream)
    raise MailError(f"unknown mail transport {settings.transport!r}")


def check_sender(sender: str) -> None:
    """SMTP needs a real sender: relays refuse mail from tracker@localhost (the
    default, fine for mail written to files) or put it in spam."""
    from tracker.mail.message import parse_sender

    domain = parse_sender(sender).domain
    if domain == "localhost" or "." not in domain:
        raise MailError(
            "ต้องตั้งอีเมลผู้ส่ง [mail] from (หรือ TRACKER_MAIL_FROM) เป็นอีเมลจริงของหน่วยงานก่อนส่งผ่าน SMTP "
            f"(set [mail] from to the organisation's real address: relays refuse mail from {sender})"
        )


def outbox_folder(settings: MailSettings) -> Path:
    from tracker.db.connection import default_data_dir

    return settings.outbox_dir or default_data_dir() / "outbox"

