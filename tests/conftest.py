"""Shared fixtures: a real SQLite file, and a real PostgreSQL when
TRACKER_TEST_DATABASE_URL is set (each test gets a fresh schema there)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
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
    need(PG_URL is not None, "TRACKER_TEST_DATABASE_URL not set (PostgreSQL)")
    import sqlalchemy as sa

    assert PG_URL is not None
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_URL)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
    admin.dispose()


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def run(db_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Run the real `tracker` command in a subprocess against this test's database."""

    def _run(
        *args: str, now: str | None = None, input: str | None = None, env: dict[str, str] | None = None
    ) -> Result:
        full_env = {
            **os.environ,
            "TRACKER_DB_URL": db_url,
            "TRACKER_HOME": str(tmp_path / "home"),
            "NO_COLOR": "1",
            "TRACKER_USER": "tester",
        }
        full_env.pop("TRACKER_NOW", None)
        if now:
            full_env["TRACKER_NOW"] = now
        full_env.update(env or {})
        p = subprocess.run(
            [sys.executable, "-m", "tracker", *args],
            capture_output=True,
            text=True,
            env=full_env,
            input=input,
            timeout=120,
        )
        return Result(p.returncode, p.stdout, p.stderr)

    return _run
