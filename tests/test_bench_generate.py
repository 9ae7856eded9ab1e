"""bench/load/generate.py builds plans of any size (ids once collided past 99
measures a plan)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tracker.db.connection import open_database

ROOT = Path(__file__).resolve().parents[1]


def test_plans_of_more_than_99_measures(db_url: str) -> None:
    r = subprocess.run(
        [sys.executable, str(ROOT / "bench/load/generate.py"), "--db", db_url,
         "--orgs", "3", "--measures", "150"],
        capture_output=True, text=True, timeout=120,
    )
    assert r.returncode == 0, r.stderr
    db = open_database(db_url)
    try:
        per_plan = db.query("SELECT plan_id, COUNT(*) AS n FROM tasks GROUP BY plan_id ORDER BY plan_id")
        assert [(row["plan_id"], row["n"]) for row in per_plan] == [(1, 150), (2, 150), (3, 150)]
        assert db.scalar("SELECT COUNT(*) FROM task_items") == 450 * 3
    finally:
        db.close()


def test_the_season_bench_runs_a_small_province(tmp_path: Path) -> None:
    """bench/load/season.py fills a database and runs its season (here every
    30th day, one run each of the first and last day), as README shows."""
    url = f"sqlite:///{tmp_path / 'season.db'}"
    r = subprocess.run(
        [sys.executable, str(ROOT / "bench/load/season.py"), "--db", url, "--orgs", "2",
         "--measures", "20", "--every", "30", "--runs", "2", "--sent"],
        capture_output=True, text=True, timeout=300,
    )
    assert r.returncode == 0, r.stderr
    assert "2022-10-03 (2 fresh processes)" in r.stdout and "2023-09-29 (2 fresh processes)" in r.stdout
    assert "last / first (medians)" in r.stdout
    assert not list(tmp_path.glob("*.copy*"))  # the copies for the repeated runs are gone
    db = open_database(url)
    try:
        assert db.scalar("SELECT COUNT(*) FROM outbox WHERE status = 'sent'") > 0
        assert db.scalar("SELECT COUNT(*) FROM reminder_marks") == 2
    finally:
        db.close()
