"""`tracker scheduler` as a real process: it sends, beats, stops cleanly on
SIGTERM, and a SIGKILL in the middle of a batch loses nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.factories import measure, small_plan
from tests.mail_support import PASSWORD, SENDER, USER, smtp_server
from tracker.app import App
from tracker.clock import BANGKOK
from tracker.services.importing import import_plan
from tracker.services.units import set_unit

START = datetime(2022, 12, 1, 9, 0, tzinfo=BANGKOK)
ROOT = Path(__file__).resolve().parent.parent


def seed(db_url: str, n: int) -> None:
    """n measures, each of a unit of its own with its own address: on 4
    January, n mails (each unit's digest holds its one window_opens)."""
    app = App(now=START, db_url=db_url)
    with app.db.transaction():
        import_plan(
            app.db,
            small_plan(*[measure(str(i), f"มาตรการที่ {i}", owners=(f"กองที่ {i}",)) for i in range(1, n + 1)]),
            source="t",
            now=START,
            actor="t",
        )
        for i in range(1, n + 1):
            set_unit(app.db, f"กองที่ {i}", [f"unit{i}@bangchakreng.go.th"], now=START, actor="t")
    app.close()


def window_opens_keys(n: int) -> set[str]:
    from tracker.reminders.policy import unit_tag

    return {f"window_opens:t{i}:2023-01-04:{unit_tag(f'กองที่ {i}')}" for i in range(1, n + 1)}


def env_for(db_url: str, tmp_path: Path, port: int, now: str) -> dict[str, str]:
    return {
        **os.environ,
        "TRACKER_DB_URL": db_url,
        "TRACKER_HOME": str(tmp_path / "home"),
        "TRACKER_NOW": now,
        "TRACKER_MAIL_TRANSPORT": "smtp",
        "TRACKER_SMTP_HOST": "127.0.0.1",
        "TRACKER_SMTP_PORT": str(port),
        "TRACKER_SMTP_SECURITY": "starttls",
        "TRACKER_SMTP_USER": USER,
        "TRACKER_SMTP_PASSWORD": PASSWORD,
        "TRACKER_MAIL_FROM": SENDER,
        "SSL_CERT_FILE": str(tmp_path / "cert.pem"),
        "NO_COLOR": "1",
    }


def wait_for(cond: Any, timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            raise AssertionError("timed out")
        time.sleep(0.05)


@pytest.fixture
def daemon(tmp_path: Path) -> Iterator[Any]:
    procs: list[subprocess.Popen[str]] = []

    def start(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
        p = subprocess.Popen(
            [sys.executable, "-m", "tracker", "scheduler", "--sweep-seconds", "0.2", *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        procs.append(p)
        return p

    yield start
    for p in procs:
        if p.poll() is None:
            p.kill()
            p.wait()


def test_sigterm_stops_cleanly(db_url: str, tmp_path: Path, daemon: Any, run: Any) -> None:
    seed(db_url, 2)
    with smtp_server(tmp_path) as (rec, port, _ca):
        p = daemon(env_for(db_url, tmp_path, port, "2023-01-04T09:00"), "--name", "alpha")
        wait_for(lambda: len(rec.arrivals) == 2)
        status = run("remind", "--status", "--json", now="2023-01-04T09:01")
        assert status.code == 0
        import json

        beats = json.loads(status.out)["schedulers"]
        assert [(b["name"], b["state"]) for b in beats] == [("alpha", "running")]
        p.send_signal(signal.SIGTERM)
        out, err = p.communicate(timeout=20)
    assert p.returncode == 0, err
    assert "stopping" in err and "stopped" in err
    assert PASSWORD not in out + err
    status = run("remind", "--status", now="2023-01-04T09:02")
    assert "alpha: หยุดแล้ว" in status.out  # the state word, Thai by default
    assert "alpha: stopped" in run("--lang", "en", "remind", "--status", now="2023-01-04T09:02").out
    assert sorted(k.split(":")[0] for k in rec.sent_keys()) == ["window_opens", "window_opens"]


def test_sigint_too(db_url: str, tmp_path: Path, daemon: Any) -> None:
    seed(db_url, 1)
    with smtp_server(tmp_path) as (rec, port, _ca):
        p = daemon(env_for(db_url, tmp_path, port, "2023-01-04T09:00"))
        wait_for(lambda: len(rec.arrivals) == 1)
        p.send_signal(signal.SIGINT)
        _out, err = p.communicate(timeout=20)
    assert p.returncode == 0, err


# Windows has neither signal.sigwait nor signal.pthread_sigmask; CI cannot run
# Windows, so the daemon runs here with both removed before it starts.
WITHOUT_SIGWAIT = (
    "import signal, sys; del signal.sigwait, signal.pthread_sigmask; "
    "sys.argv = ['tracker', *sys.argv[1:]]; from tracker.cli.main import main; main()"
)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "stop"])
def test_stops_cleanly_where_there_is_no_sigwait(db_url: str, tmp_path: Path, run: Any, signum: int) -> None:
    seed(db_url, 1)
    with smtp_server(tmp_path) as (rec, port, _ca):
        p = subprocess.Popen(
            [sys.executable, "-c", WITHOUT_SIGWAIT, "scheduler", "--sweep-seconds", "0.2", "--name", "win"],
            env=env_for(db_url, tmp_path, port, "2023-01-04T09:00"),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        try:
            wait_for(lambda: len(rec.arrivals) == 1)
            p.send_signal(signum)
            _out, err = p.communicate(timeout=20)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
    assert p.returncode == 0, err
    assert "stopping" in err and "Traceback" not in err
    assert "win: หยุดแล้ว" in run("remind", "--status", now="2023-01-04T09:02").out


def test_sigkill_mid_batch_loses_nothing(db_url: str, tmp_path: Path, daemon: Any, run: Any) -> None:
    """Slow server; kill -9 after a few messages; the next run (after the
    lease) sends the rest. At most the one message in flight may come twice."""
    n = 30
    seed(db_url, n)
    with smtp_server(tmp_path) as (rec, port, _ca):
        rec.delay = 0.05
        env = env_for(db_url, tmp_path, port, "2023-01-04T09:00")
        p = daemon(env, "--batch", "50")
        env = {k: v for k, v in env.items() if k != "TRACKER_NOW"}  # `run` sets it per call
        wait_for(lambda: len(rec.arrivals) >= 5)
        p.kill()
        p.wait(10)
        before = len(rec.sent_keys())
        assert before < n  # really mid-batch
        # within the lease nobody else may take the killed daemon's rows …
        r = run("remind", now="2023-01-04T09:01", env=env)
        assert r.code == 0, r.err
        assert len(rec.sent_keys()) == before
        # … after it, they go out
        r = run("remind", now="2023-01-04T09:10", env=env)
        assert r.code == 0, r.err
        status = run("remind", "--status", "--json", now="2023-01-04T09:11", env=env)
    keys = Counter(rec.sent_keys())
    assert set(keys) == window_opens_keys(n)
    assert sum(keys.values()) - len(keys) <= 1  # the at-least-once window: one message at most
    import json

    counts = json.loads(status.out)["counts"]
    assert counts["pending"] == 0 and counts["sent"] == n


@pytest.mark.parametrize("daemons", [3])
def test_several_daemons_share_the_work(db_url: str, tmp_path: Path, daemon: Any, daemons: int) -> None:
    """Three daemons (separate processes) against one database: every
    reminder exactly once (PostgreSQL: SKIP LOCKED; SQLite: serialised claims)."""
    n = 40
    seed(db_url, n)
    with smtp_server(tmp_path) as (rec, port, _ca):
        rec.delay = 0.01
        env = env_for(db_url, tmp_path, port, "2023-01-04T09:00")
        procs = [daemon(env, "--batch", "3", "--name", f"d{i}") for i in range(daemons)]
        try:
            wait_for(lambda: len(rec.arrivals) >= n, timeout=60)
        except AssertionError:
            for p in procs:
                p.kill()
            logs = "\n".join(p.communicate(timeout=20)[1][-3000:] for p in procs)
            raise AssertionError(f"{len(rec.arrivals)} of {n} arrived; daemons said:\n{logs}") from None
        time.sleep(0.5)  # a duplicate would show up now
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            _out, err = p.communicate(timeout=20)
            assert p.returncode == 0, err[-3000:]
    keys = Counter(rec.sent_keys())
    assert len(keys) == n and set(keys.values()) == {1}


def seed_season(db_url: str, orgs: int, measures: int) -> None:
    """`orgs` organisations x `measures` measures (bench/load's generator:
    Thai titles, 7 units with their own addresses per organisation, windows
    over the fiscal year, monthly meetings)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("load_generate", ROOT / "bench" / "load" / "generate.py")
    assert spec is not None and spec.loader is not None
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    App(now=START, db_url=db_url).db.close()  # creates the schema
    generate.load_other(db_url, generate.rows(orgs, measures, 2566))


def expected_keys(db_url: str, now: datetime) -> set[str]:
    """Every reminder the pure policy says is due at `now`."""
    from tracker.reminders.policy import Policy
    from tracker.reminders.run import plans_due

    app = App(now=now, db_url=db_url)
    keys = set()
    for row in app.db.query("SELECT id FROM plans"):
        keys |= {r.key for r in plans_due(app.db, Policy(), now, [int(row["id"])]).reminders}
    app.close()
    return keys


def test_three_daemons_a_season_of_many_organisations_one_killed(
    db_url: str, tmp_path: Path
) -> None:
    """Issue 7: three `tracker scheduler` processes, 30 organisations x 10
    measures, a real SMTP server; one daemon is SIGKILLed half-way. Every
    reminder the pure policy says is due arrives, in its unit's digest,
    each digest exactly once by its Message-ID, save at most the one the
    killed daemon had in flight (the documented at-least-once window)."""
    now = START.replace(year=2023, month=1, day=16)  # a Monday of the season
    seed_season(db_url, 30, 10)
    expected = expected_keys(db_url, now)
    assert len(expected) >= 100  # hundreds, not a handful (stale catch-up mail is skipped)
    config = tmp_path / "tracker.toml"
    config.write_text("[reminders]\nlease_seconds = 3\n", encoding="utf-8")
    logs: list[Path] = []
    procs: list[subprocess.Popen[bytes]] = []
    with smtp_server(tmp_path) as (rec, port, _ca):
        rec.delay = 0.005
        env = {**env_for(db_url, tmp_path, port, now.isoformat()), "TRACKER_CONFIG": str(config)}
        try:
            for i in range(3):
                log = tmp_path / f"d{i}.log"
                logs.append(log)
                # stderr to a file: hundreds of log lines would fill a pipe and block the daemon
                with log.open("wb") as err:
                    procs.append(subprocess.Popen(
                        [sys.executable, "-m", "tracker", "scheduler", "--sweep-seconds", "0.2",
                         "--batch", "5", "--name", f"d{i}"],
                        env=env, stdout=subprocess.DEVNULL, stderr=err))
            wait_for(lambda: len(rec.sent_keys()) >= len(expected) // 3, timeout=60)
            procs[0].kill()
            procs[0].wait(10)

            def ids() -> Counter[str]:
                with rec.lock:
                    return Counter(a.mail.headers["message-id"] for a in rec.arrivals)

            try:
                wait_for(lambda: expected <= set(rec.sent_keys()), timeout=60)
            except AssertionError:
                tails = "\n".join(p.read_text(errors="replace")[-2000:] for p in logs)
                missing = len(expected - set(rec.sent_keys()))
                raise AssertionError(f"{missing} of {len(expected)} never arrived:\n{tails}") from None
            time.sleep(0.5)  # a duplicate would show up now
            for p in procs[1:]:
                p.send_signal(signal.SIGTERM)
            for p in procs[1:]:
                assert p.wait(20) == 0, logs[procs.index(p)].read_text(errors="replace")[-3000:]
        finally:
            for p in procs:
                if p.poll() is None:
                    p.kill()
                    p.wait()
        got = ids()
    assert set(rec.sent_keys()) == expected
    twice = [m for m, n in got.items() if n > 1]
    assert len(twice) <= 1 and all(got[m] == 2 for m in twice), twice
    shares = [log.read_text(errors="replace").count(": sent ") for log in logs]
    assert sum(1 for n in shares if n) >= 2, shares  # the work was shared
