"""Shared fixtures: a real SQLite file, and a real PostgreSQL when
TRACKER_TEST_DATABASE_URL is set (each test gets a fresh schema there)."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import traceback
import uuid
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from tracker.clock import BANGKOK

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tracker" / "data" / "bangchakreng-2566.txt"
PG_URL = os.environ.get("TRACKER_TEST_DATABASE_URL")
# CI sets this so that a missing tool or server fails instead of skipping.
REQUIRE_ALL = os.environ.get("TRACKER_TEST_REQUIRE_ALL") == "1"


def need(condition: bool, reason: str) -> None:
    """Skip when a real dependency is missing here; fail instead in CI."""
    if not condition:
        if REQUIRE_ALL:
            pytest.fail(f"required in CI: {reason}")
        pytest.skip(reason)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BANGKOK)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database URL of each backend, empty and private to the test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'tracker.db'}"
        return
    with pg_schema() as url:
        yield url


@contextmanager
def pg_schema() -> Iterator[str]:
    """The URL of a new, empty PostgreSQL schema, dropped afterwards (skips
    the test where no PostgreSQL is set)."""
    need(PG_URL is not None, "TRACKER_TEST_DATABASE_URL not set (PostgreSQL)")
    import sqlalchemy as sa

    assert PG_URL is not None
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_URL)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


@dataclass
class Result:
    code: int
    out: str
    err: str


def tracker_process(
    args: Sequence[str], env: Mapping[str, str | None], *, input: str | None = None, timeout: float = 120
) -> Result:
    """The real `tracker` command in a subprocess: for what only a process
    shows (a crash, a signal, a pipe's encoding, what gets imported, the daemon)."""
    full = {**os.environ, **env}
    p = subprocess.run(
        [sys.executable, "-m", "tracker", *args],
        capture_output=True,
        text=True,
        env={k: v for k, v in full.items() if v is not None},
        input=input,
        timeout=timeout,
    )
    return Result(p.returncode, p.stdout, p.stderr)


def tracker_in_process(
    args: Sequence[str],
    env: Mapping[str, str | None],
    *,
    input: str | None = None,
    cwd: Path | None = None,
    umask: int | None = None,
) -> Result:
    """`tracker` run in this process through its own entry point (`main()`:
    the one error handler, its exit codes, its stdout/stderr set-up), with
    click's CliRunner isolation for the streams and the environment. What a
    new process would start without is reset: tracker's functools caches, the
    root logger's handlers and the loggers' levels (so `logging.basicConfig`
    writes to this run's stderr), the warnings filters (a warning is printed
    on stderr as a fresh interpreter prints it)."""
    from click.testing import CliRunner

    from tracker.cli.main import main

    root = logging.getLogger()
    handlers = root.handlers[:]
    levels = {name: lg.level for name, lg in logging.root.manager.loggerDict.items()
              if isinstance(lg, logging.Logger)}
    levels[""] = root.level
    argv = sys.argv
    before = os.getcwd()
    old_mask = os.umask(umask) if umask is not None else None
    code: int = 0
    with CliRunner().isolation(input=input, env=dict(env)) as (out, err, _), warnings.catch_warnings(
        record=True
    ) as caught:
        warnings.resetwarnings()
        for category in (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning):
            warnings.simplefilter("ignore", category)
        root.handlers = []
        sys.argv = ["tracker", *args]
        _forget_caches()
        try:
            if cwd is not None:
                os.chdir(cwd)
            main()
        except SystemExit as exc:
            if isinstance(exc.code, str):
                print(exc.code, file=sys.stderr)
            code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
        except Exception:
            traceback.print_exc()  # as the interpreter does for an uncaught error
            code = 1
        finally:
            for w in caught:
                sys.stderr.write(warnings.formatwarning(w.message, w.category, w.filename, w.lineno, w.line))
            sys.stdout.flush()
            sys.stderr.flush()
            sys.argv = argv
            os.chdir(before)
            if old_mask is not None:
                os.umask(old_mask)
            for handler in root.handlers:
                handler.close()
            root.handlers = handlers
            root.setLevel(levels[""])
            for name, logger in list(logging.root.manager.loggerDict.items()):  # `remind -v` sets levels
                if isinstance(logger, logging.Logger):
                    logger.setLevel(levels.get(name, logging.NOTSET))
            _forget_caches()
        stdout, stderr = out.getvalue(), err.getvalue()
    # as `text=True` reads a pipe: UTF-8 here, universal newlines
    return Result(code, _text(stdout), _text(stderr))


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n")


def _forget_caches() -> None:
    """Clear every functools cache of tracker's own modules, as a new process
    would start without them (a template environment bound to another test's
    folders, a holiday table of another configuration)."""
    for name, module in list(sys.modules.items()):
        if module is None or not (name == "tracker" or name.startswith(("tracker.", "jobs."))):
            continue
        for value in list(vars(module).values()):
            if getattr(value, "__module__", None) == name and callable(getattr(value, "cache_clear", None)):
                value.cache_clear()


@pytest.fixture
def run(db_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Run a `tracker` command in this process against this test's database
    and home, without colour, as user "tester", `now` as TRACKER_NOW (unset
    when not given), then `env` on top."""

    def _run(
        *args: str, now: str | None = None, input: str | None = None, env: dict[str, str] | None = None
    ) -> Result:
        over: dict[str, str | None] = {
            "TRACKER_DB_URL": db_url,
            "TRACKER_HOME": str(tmp_path / "home"),
            "NO_COLOR": "1",
            "TRACKER_USER": "tester",
            "TRACKER_NOW": now or None,
            **(env or {}),
        }
        return tracker_in_process(args, over, input=input)

    return _run
