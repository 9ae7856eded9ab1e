"""Settings from the config file and the environment."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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


def test_a_notepad_file_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    config = tmp_path / "tracker.toml"
    config.write_text('[report]\nreporter = "นางสาวสมใจ ใจดี"\n', encoding="utf-8-sig")
    assert config.read_bytes().startswith(b"\xef\xbb\xbf")
    assert load_settings(config, {}).report == {"reporter": "นางสาวสมใจ ใจดี"}


def test_misspelt_tables_and_keys_are_named_with_the_nearest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "tracker.toml"
    config.write_text(
        '[reminder]\nhour = "07:00"\n[reminders]\nhours = "07:30"\nlocal_holidays = ["2023-05-05"]\n'
        '[mail]\nhots = "x"\n[colour]\nx = 1\n',
        encoding="utf-8",
    )
    s = load_settings(config, {})
    err = capsys.readouterr().err
    assert "[reminder]" in err and "หมายถึง [reminders] หรือไม่" in err and "did you mean [reminders]?" in err
    assert "hours" in err and "หมายถึง hour หรือไม่" in err
    assert "hots" in err and "host" in err
    assert "[colour]" in err and "ไม่รู้จักตาราง" in err
    assert len(err.strip().splitlines()) == 4
    # What is known still applies; what is not never reaches the settings.
    assert s.reminders == {"local_holidays": ["2023-05-05"]} and s.mail.host == "localhost"


def test_a_named_config_file_that_is_missing_stops_every_command(run: Any, tmp_path: Path) -> None:
    for args in (["list"], ["show", "1"], ["remind", "--status"], ["report"]):
        r = run("--config", str(tmp_path / "missing.toml"), *args)
        assert r.code != 0, args
        assert r.err.startswith("error: ไม่พบไฟล์ตั้งค่า") and "missing.toml" in r.err, r.err
        assert "Traceback" not in r.err and len(r.err.strip().splitlines()) == 1
    r = run("list", env={"TRACKER_CONFIG": str(tmp_path / "missing.toml")})
    assert r.code != 0 and "ไม่พบไฟล์ตั้งค่า" in r.err


def test_the_platform_config_file_is_read_when_none_is_named(run: Any, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "tracker.toml").write_text('[report]\nreporter = "นางสาวสมใจ ใจดี"\n', encoding="utf-8")
    plan = Path(__file__).resolve().parent.parent / "tracker" / "data" / "bangchakreng-2566.txt"
    assert run("import", str(plan), now="2023-01-04").code == 0
    assert "นางสาวสมใจ ใจดี" in run("report", "--format", "text", now="2023-01-04").out


def test_windows_folders(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """CI has no Windows: platformdirs' Windows rules, fed from the environment
    as on a Windows desktop without the shell API, and a user named in Thai."""
    import platformdirs
    import platformdirs.windows as windows

    from tracker import folders
    from tracker.db.connection import default_url

    local = tmp_path / "Users" / "สมใจ" / "AppData" / "Local"
    (local / "tracker").mkdir(parents=True)
    monkeypatch.delenv("TRACKER_HOME", raising=False)
    monkeypatch.setenv("LOCALAPPDATA", str(local))
    monkeypatch.setattr(windows, "_RESOLVE_WIN_FOLDER", windows.get_win_folder_from_env_vars)
    monkeypatch.setattr(platformdirs, "PlatformDirs", windows.Windows)
    assert folders.data_dir() == str(local / "tracker")
    assert folders.config_dir() == str(local / "tracker")
    assert default_url() == f"sqlite:///{local / 'tracker' / 'tracker.db'}"
    assert folders.default_config_file() is None
    (local / "tracker" / "tracker.toml").write_text("", encoding="utf-8")
    assert folders.default_config_file() == str(local / "tracker" / "tracker.toml")
    # TRACKER_HOME still wins, for both.
    monkeypatch.setenv("TRACKER_HOME", str(tmp_path / "elsewhere"))
    assert folders.data_dir() == folders.config_dir() == str(tmp_path / "elsewhere")
