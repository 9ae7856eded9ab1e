"""Settings: the config file (TOML), each mail value overridable by the
environment. Loaded only by the commands that need it.

Example config (tracker.toml):

    [mail]
    transport = "smtp"          # smtp | file | console
    host = "mail.example.go.th"
    port = 587
    security = "starttls"       # starttls | ssl | none
    user = "tracker"
    password = "..."            # better: TRACKER_SMTP_PASSWORD in the environment
    from = "ITA tracker <tracker@example.go.th>"

    [reminders]
    hour = "08:30"
    local_holidays = ["2023-05-05"]

    [report]
    reporter = "นางสาวสมใจ ใจดี"
    position = "นักจัดการงานทั่วไป"
    templates = "/path/to/letterhead-templates"

    [web]
    base_url = "http://10.0.0.5:8080"   # how people reach `tracker serve`; turns on links in mail
    contact = "สำนักปลัด โทร. 0 2xxx xxxx"  # who to tell, said in mail when there is no base_url
    link_days = 400             # how long a unit's link works (renewed in every mail)
    data_dir = "/srv/tracker"   # secret key and uploaded evidence; default: the data folder
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, NoReturn

from tracker.errors import InvalidInput


def _init(obj: object, **values: Any) -> None:
    for name, value in values.items():
        object.__setattr__(obj, name, value)


def _repr(self: Any) -> str:
    shown = (
        f"{k}={'***' if k == 'password' and getattr(self, k) else repr(getattr(self, k))}"
        for k in self.__slots__
    )
    return f"{type(self).__name__}({', '.join(shown)})"


def _read_only(self: object, name: str, *value: object) -> NoReturn:
    raise AttributeError(f"{type(self).__name__} is read-only ({name})")


class MailSettings:
    """How mail leaves: transport, server, account, sender, the file
    transport's folder. Read-only; `repr` never shows the password.

    A plain class: the two dataclasses cost every command more start-up time
    than all the rest of this module (the dataclasses import and the methods
    it compiles per class)."""

    __slots__ = ("host", "outbox_dir", "password", "port", "reply_to", "security", "sender", "transport",
                 "user")
    transport: str
    host: str
    port: int
    security: str
    user: str | None
    password: str | None
    sender: str
    outbox_dir: Path | None
    reply_to: str | None

    def __init__(
        self,
        transport: str = "file",
        host: str = "localhost",
        port: int = 25,
        security: str = "none",
        user: str | None = None,
        password: str | None = None,
        sender: str = "tracker@localhost",
        outbox_dir: Path | None = None,  # the file transport's folder; default: data dir/outbox
        reply_to: str | None = None,  # where a reply goes (the clerk), when not to the sender
    ) -> None:
        _init(self, transport=transport, host=host, port=port, security=security, user=user,
              password=password, sender=sender, outbox_dir=outbox_dir, reply_to=reply_to)  # fmt: skip

    __repr__ = _repr
    __setattr__ = __delattr__ = _read_only


class Settings:
    """The config file's sections: mail, reminders (read by tracker.reminders.policy),
    report (reporter, position, templates), web (base_url, contact, link_days,
    data_dir); `path` is the file they came from."""

    __slots__ = ("mail", "path", "reminders", "report", "web")
    mail: MailSettings
    reminders: dict[str, Any]
    report: dict[str, Any]
    web: dict[str, Any]
    path: Path | None

    def __init__(
        self,
        mail: MailSettings | None = None,
        reminders: dict[str, Any] | None = None,
        report: dict[str, Any] | None = None,
        path: Path | None = None,
        web: dict[str, Any] | None = None,
    ) -> None:
        _init(self, mail=mail or MailSettings(), reminders=reminders if reminders is not None else {},
              report=report if report is not None else {}, path=path,
              web=web if web is not None else {})  # fmt: skip

    __repr__ = _repr
    __setattr__ = __delattr__ = _read_only


_MAIL_ENV = {
    "transport": "TRACKER_MAIL_TRANSPORT",
    "host": "TRACKER_SMTP_HOST",
    "port": "TRACKER_SMTP_PORT",
    "security": "TRACKER_SMTP_SECURITY",
    "user": "TRACKER_SMTP_USER",
    "password": "TRACKER_SMTP_PASSWORD",
    "from": "TRACKER_MAIL_FROM",
    "outbox": "TRACKER_MAIL_OUTBOX",
    "reply_to": "TRACKER_MAIL_REPLY_TO",
}


_WARNED: set[str] = set()


def _warn_if_readable(path: Path) -> None:
    """Say once (on stderr, never the password) that others can read a config
    file holding the mail password: the file is as secret as the password."""
    if os.name == "nt" or str(path) in _WARNED:
        return
    try:
        mode = path.stat().st_mode & 0o777
    except OSError:
        return
    if mode & 0o044:
        _WARNED.add(str(path))
        import sys

        sys.stderr.write(
            f"warning: ไฟล์ตั้งค่า {path} มีรหัสผ่านและผู้อื่นอ่านได้ ควรใช้ chmod 600 "
            f"(the config file holds the mail password and is readable by others: mode {mode:04o})\n"
        )


_REPORT_KEYS = ("reporter", "position", "executive", "executive_position", "templates",
                "memo_department", "memo_number", "memo_to", "logo", "publish_names")
_WEB_KEYS = ("base_url", "contact", "link_days", "data_dir")


def _known_keys(table: str) -> tuple[str, ...] | None:
    if table == "mail":
        return tuple(_MAIL_ENV)
    if table == "report":
        return _REPORT_KEYS
    if table == "web":
        return _WEB_KEYS
    if table == "reminders":
        from tracker.reminders.policy import Policy  # only with a [reminders] table to check

        return Policy.known_keys()
    return None


def _known_only(data: dict[str, Any], path: Path | None) -> dict[str, Any]:
    """Drop the tables and keys tracker does not know, each named in a warning
    with the nearest known name: a misspelt `[reminder]` would otherwise be
    silently ignored, and the sending hour and local holidays with it."""
    import difflib
    import sys

    def warn(what_th: str, what_en: str, name: str, known: tuple[str, ...]) -> None:
        near = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint_th = f" หมายถึง {near[0]} หรือไม่" if near else ""
        hint_en = f"; did you mean {near[0]}?" if near else ""
        sys.stderr.write(f"warning: {path}: ไม่รู้จัก{what_th} {name} จะไม่ใช้ค่านี้{hint_th} "
                         f"(unknown {what_en} {name}, ignored{hint_en})\n")

    tables = ("mail", "reminders", "report", "web")
    kept: dict[str, Any] = {}
    for table, values in data.items():
        known = _known_keys(table)
        if known is None or not isinstance(values, dict):
            warn("ตาราง", "table", f"[{table}]", tuple(f"[{t}]" for t in tables))
            continue
        kept[table] = {}
        for key, value in values.items():
            if key in known:
                kept[table][key] = value
            else:
                warn(f"ค่า [{table}]", f"key in [{table}]:", key, known)
    return kept


def load_settings(path: Path | None, environ: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ if environ is None else environ)
    data: dict[str, Any] = {}
    if path is not None:
        import tomllib  # only with a file to read: a tenth of a bare start-up

        try:
            # utf-8-sig: Notepad saves UTF-8 with a byte-order mark
            data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
        except FileNotFoundError:
            raise InvalidInput(f"ไม่พบไฟล์ตั้งค่า (config file not found: {path})") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInput(f"อ่านไฟล์ตั้งค่าไม่ได้ (cannot read config {path}: {exc})") from None
        except tomllib.TOMLDecodeError as exc:
            raise InvalidInput(f"ไฟล์ตั้งค่าผิดรูปแบบ (config {path} is not valid TOML: {exc})") from None
    if data:
        data = _known_only(data, path)
    mail = dict(data.get("mail", {}))
    if path is not None and mail.get("password"):
        _warn_if_readable(path)
    for key, var in _MAIL_ENV.items():
        if var in env and env[var] != "":
            mail[key] = env[var]
    transport = str(mail.get("transport", "file"))
    if transport not in ("smtp", "file", "console"):
        raise InvalidInput(
            "วิธีส่งอีเมลต้องเป็น smtp, file หรือ console "
            f"(mail transport must be smtp, file or console, not {transport!r})"
        )
    security = str(mail.get("security", "none"))
    if security not in ("starttls", "ssl", "none"):
        raise InvalidInput(
            "การเข้ารหัสต้องเป็น starttls, ssl หรือ none "
            f"(mail security must be starttls, ssl or none, not {security!r})"
        )
    try:
        port = int(mail.get("port", 465 if security == "ssl" else 587 if security == "starttls" else 25))
    except ValueError:
        raise InvalidInput(
            f"พอร์ตอีเมลต้องเป็นตัวเลข ไม่ใช่ {mail.get('port')!r} (mail port must be a number)"
        ) from None
    settings_mail = MailSettings(
        transport=transport,
        host=str(mail.get("host", "localhost")),
        port=port,
        security=security,
        user=str(mail["user"]) if mail.get("user") else None,
        password=str(mail["password"]) if mail.get("password") else None,
        sender=str(mail.get("from", "tracker@localhost")),
        outbox_dir=Path(mail["outbox"]) if mail.get("outbox") else None,
        reply_to=str(mail["reply_to"]) if mail.get("reply_to") else None,
    )
    web = dict(data.get("web", {}))
    if env.get("TRACKER_WEB_BASE_URL"):
        web["base_url"] = env["TRACKER_WEB_BASE_URL"]
    base_url = str(web.get("base_url") or "").strip().rstrip("/")
    if base_url and not base_url.startswith(("http://", "https://")):
        raise InvalidInput(f"[web] base_url ต้องขึ้นต้นด้วย http:// หรือ https:// (not {base_url!r})")
    web["base_url"] = base_url
    return Settings(
        mail=settings_mail,
        reminders=dict(data.get("reminders", {})),
        report=dict(data.get("report", {})),
        path=path,
        web=web,
    )
