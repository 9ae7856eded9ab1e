"""The one place that builds what a command needs: settings, clock, database.

Nothing is opened at import; each part is made on first use, so a command
pays only for what it touches.
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import TYPE_CHECKING

from tracker.db.connection import Database, default_url, open_database

if TYPE_CHECKING:
    from pathlib import Path

    from tracker.config import Settings


class App:
    """What one command run works with. A plain class, not a dataclass: making a
    dataclass costs a millisecond of start-up that every command would pay."""

    def __init__(
        self,
        now: datetime,
        db_url: str | None = None,
        config_path: Path | None = None,
        actor_override: str | None = None,
        lang: str = "th",
        settings: Settings | None = None,
        creates: bool = True,
    ) -> None:
        self.now = now
        self.db_url = db_url or default_url()
        self.config_path = config_path
        self.actor_override = actor_override
        self.lang = lang
        # May a missing database be created on first use? The CLI says no but
        # for the commands that make one (import, demo; init has its own
        # path): any other on a mistyped --db would create an empty one and
        # answer "no tasks", and the clerk would think the data gone.
        self.creates = creates
        self._db: Database | None = None
        self._settings = settings  # None: read from config_path on first use

    @property
    def db(self) -> Database:
        if self._db is None:
            from tracker.db import SCHEMA_REVISION
            from tracker.db.connection import check_revision

            db = open_database(self.db_url, create=self.creates)
            rev = check_revision(db)
            if rev is None and not self.creates:
                db.close()
                from tracker.db.migrate import refuse_uncreated

                refuse_uncreated(self.db_url)
            if rev != SCHEMA_REVISION:
                # A brand-new database is created on first use by the commands
                # that may (slow path, once); an outdated one is refused until
                # `tracker init`.
                from tracker.db.migrate import ensure_schema

                ensure_schema(db, now=self.now)
            self._db = db
        return self._db

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            from tracker.config import load_settings

            self._settings = load_settings(self.config_path)
        return self._settings

    @property
    def actor(self) -> str:
        """Who is making a change: --by, TRACKER_USER, or the OS user."""
        if self.actor_override:
            return self.actor_override
        if env := os.environ.get("TRACKER_USER"):
            return env
        import getpass

        try:
            return getpass.getuser()
        except (OSError, KeyError):
            return "unknown"

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
