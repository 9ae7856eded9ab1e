"""Settings from the config file and the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.config import MailSettings, Settings, load_settings
from tracker.errors import InvalidInput


def test_file_then_environment(tmp_path: Path) -> None:
    config = tmp_path / "tracker.toml"
    config.write_text(
        '[mail]\ntransport = "smtp"\nhost = "mail.example.go.th"\nsecurity = "starttls"\n'
        'user = "tracker"\npassword = "from-file"\n'
        '[report]\nreporter = "นางสาวสมใจ ใจดี"\n',
        encoding="utf-8",
    )
    s = load_settings(config, {"TRACKER_SMTP_PASSWORD": "from-env", "TRACKER_SMTP_PORT": "2525"})
    assert (s.mail.transport, s.mail.host, s.mail.security) == ("smtp", "mail.example.go.th", "starttls")
    assert s.mail.port == 2525
    assert (s.mail.user, s.mail.password) == ("tracker", "from-env")
    assert s.report == {"reporter": "นางสาวสมใจ ใจดี"} and s.reminders == {} and s.path == config
    # The port follows the security when neither says it.
    assert load_settings(None, {"TRACKER_SMTP_SECURITY": "ssl"}).mail.port == 465
    assert load_settings(None, {}).mail.port == 25


def test_no_password_in_repr() -> None:
    s = Settings(mail=MailSettings(transport="smtp", user="tracker", password="s3cret-Value"))
    assert "s3cret-Value" not in repr(s) and "s3cret-Value" not in str(s.mail)
    assert "password=***" in repr(s.mail) and "user='tracker'" in repr(s.mail)
    assert "password=None" in repr(MailSettings())


def test_settings_are_read_only() -> None:
    s = Settings()
    with pytest.raises(AttributeError):
        s.mail.password = "x"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        s.report = {}  # type: ignore[misc]
    # Each Settings() has its own sections.
    s.report["reporter"] = "a"
    assert Settings().report == {}


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"TRACKER_MAIL_TRANSPORT": "pigeon"}, "transport"),
        ({"TRACKER_SMTP_SECURITY": "tls"}, "security"),
        ({"TRACKER_SMTP_PORT": "๕๘๗x"}, "port"),
    ],
)
def test_bad_values_are_one_clear_error(env: dict[str, str], says: str) -> None:
    with pytest.raises(InvalidInput, match=says):
        load_settings(None, env)


def test_bad_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="not found"):
        load_settings(tmp_path / "missing.toml", {})
    bad = tmp_path / "bad.toml"
    bad.write_text("[mail\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="not valid TOML"):
        load_settings(bad, {})
