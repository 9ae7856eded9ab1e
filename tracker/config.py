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
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker.errors import InvalidInput


@dataclass(frozen=True)
class MailSettings:
    transport: str = "file"
    host: str = "localhost"
    port: int = 25
    security: str = "none"
    user: str | None = None
    password: str | None = field(default=None, repr=False)  # never printed
    sender: str = "tracker@localhost"
    outbox_dir: Path | None = None  # the file transport's folder; default: data dir/outbox


@dataclass(frozen=True)
class Settings:
    mail: MailSettings = field(default_factory=MailSettings)
    reminders: dict[str, Any] = field(default_factory=dict)  # read by tracker.reminders.policy
    report: dict[str, Any] = field(default_factory=dict)  # reporter, position, templates
    path: Path | None = None


_MAIL_ENV = {
    "transport": "TRACKER_MAIL_TRANSPORT",
    "host": "TRACKER_SMTP_HOST",
    "port": "TRACKER_SMTP_PORT",
    "security": "TRACKER_SMTP_SECURITY",
    "user": "TRACKER_SMTP_USER",
    "password": "TRACKER_SMTP_PASSWORD",
    "from": "TRACKER_MAIL_FROM",
    "outbox": "TRACKER_MAIL_OUTBOX",
}


def load_settings(path: Path | None, environ: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ if environ is None else environ)
    data: dict[str, Any] = {}
    if path is not None:
        import tomllib  # only with a file to read: a tenth of a bare start-up

        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise InvalidInput(f"ไม่พบไฟล์ตั้งค่า (config file not found: {path})") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInput(f"อ่านไฟล์ตั้งค่าไม่ได้ (cannot read config {path}: {exc})") from None
        except tomllib.TOMLDecodeError as exc:
            raise InvalidInput(f"ไฟล์ตั้งค่าผิดรูปแบบ (config {path} is not valid TOML: {exc})") from None
    mail = dict(data.get("mail", {}))
    for key, var in _MAIL_ENV.items():
        if var in env and env[var] != "":
            mail[key] = env[var]
    transport = str(mail.get("transport", "file"))
    if transport not in ("smtp", "file", "console"):
        raise InvalidInput(f"mail transport must be smtp, file or console, not {transport!r}")
    security = str(mail.get("security", "none"))
    if security not in ("starttls", "ssl", "none"):
        raise InvalidInput(f"mail security must be starttls, ssl or none, not {security!r}")
    try:
        port = int(mail.get("port", 465 if security == "ssl" else 587 if security == "starttls" else 25))
    except ValueError:
        raise InvalidInput(f"mail port must be a number, not {mail.get('port')!r}") from None
    settings_mail = MailSettings(
        transport=transport,
        host=str(mail.get("host", "localhost")),
        port=port,
        security=security,
        user=str(mail["user"]) if mail.get("user") else None,
        password=str(mail["password"]) if mail.get("password") else None,
        sender=str(mail.get("from", "tracker@localhost")),
        outbox_dir=Path(mail["outbox"]) if mail.get("outbox") else None,
    )
    return Settings(
        mail=settings_mail,
        reminders=dict(data.get("reminders", {})),
        report=dict(data.get("report", {})),
        path=path,
    )
