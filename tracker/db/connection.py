"""Open a database and speak portable SQL to it.

`open_database(url)` returns a `Database`: SQLite through the standard
library's sqlite3 (fast start), anything else through SQLAlchemy. Both take SQL
with :named parameters and return rows as dicts; dates and timestamps come
back as canonical ISO text from either backend, so services never branch on
the backend except where SQL itself differs (`db.dialect`).
"""

from __future__ import annotations

import os
import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from tracker.db import SCHEMA_REVISION
from tracker.errors import DatabaseError, DatabaseMissing

if TYPE_CHECKING:
    from pathlib import Path

Row = dict[str, Any]
Params = Mapping[str, Any]

# oldest first; the last one is SCHEMA_REVISION
KNOWN_REVISIONS = ("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009")


def ts(dt: datetime) -> str:
    """A timestamp as stored: UTC, fixed width, so text order is time order."""
    return dt.astimezone(UTC).isoformat(timespec="microseconds")


def from_ts(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _norm(value: Any) -> Any:
    if isinstance(value, datetime):
        return ts(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


class Database(ABC):
    """What services use. Subclasses differ only in how they reach the server."""

    dialect: str
    url: str

    @abstractmethod
    def query(self, sql: str, params: Params | None = None) -> list[Row]:
        """Rows as dicts; dates and timestamps as canonical ISO text."""

    @abstractmethod
    def rows(self, sql: str, params: Params | None = None) -> list[tuple[Any, ...]]:
        """Rows as tuples, in the order of the select list; dates and
        timestamps as in `query`. For the reads of a thousand rows, where
        building a dict per row costs more than the query."""

    @abstractmethod
    def execute(self, sql: str, params: Params | None = None) -> int:
        """Run a statement; the number of rows it changed."""

    @abstractmethod
    def executemany(self, sql: str, params: list[dict[str, Any]]) -> None:
        """Run one statement for each parameter set."""

    _depth = 0

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One unit of work: committed when the block ends, rolled back on an error.
        A transaction opened inside another joins it."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._depth = 1
        try:
            with self._outermost():
                yield
        finally:
            self._depth = 0

    @abstractmethod
    def _outermost(self) -> AbstractContextManager[None]:
        """Begin, then commit or roll back, the outermost transaction."""

    @abstractmethod
    def close(self) -> None:
        """Release the connection."""

    @abstractmethod
    def revision(self) -> str | None:
        """The schema revision stored in the database, or None for a new one."""

    # conveniences shared by both backends
    def one(self, sql: str, params: Params | None = None) -> Row | None:
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def scalar(self, sql: str, params: Params | None = None) -> Any:
        row = self.one(sql, params)
        return None if row is None else next(iter(row.values()))

    def insert(self, sql: str, params: Params | None = None) -> int:
        """Run an INSERT … RETURNING id; the new id."""
        row = self.one(sql, params)
        if row is None:
            raise DatabaseError("INSERT returned no row")
        return int(row["id"])


class SqliteDatabase(Database):
    dialect = "sqlite"

    def __init__(self, path: str, url: str, *, create: bool = True, read_only: bool = False) -> None:
        self.url = url
        self.path = path
        if read_only:
            create = False
        if not create and not os.path.exists(path):
            raise DatabaseMissing(
                f"ไม่พบฐานข้อมูล {path} ตรวจชื่อไฟล์ใน --db หรือสร้างด้วย tracker init / tracker import แผน "
                f"(no database there: check --db, or create it with `tracker init` or `tracker import PLAN`)"
            )
        try:
            if create:
                # private by default: the database holds names, addresses and notes
                os.makedirs(os.path.dirname(os.path.abspath(path)), mode=0o700, exist_ok=True)
                if not os.path.exists(path):  # SQLite gives its -wal/-shm files the same mode
                    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
            # isolation_level=None: we issue BEGIN ourselves (IMMEDIATE for
            # writes, so two writers queue on the busy timeout instead of
            # failing on a lock upgrade).
            target = f"file:{path}?mode=ro" if read_only else path
            self.conn = sqlite3.connect(target, isolation_level=None, timeout=busy_timeout(), uri=read_only)
            self.conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as exc:
            raise DatabaseError(f"เปิดฐานข้อมูลไม่ได้ (cannot open database {path}: {exc})") from exc

    def _run(self, sql: str, params: Params | None) -> sqlite3.Cursor:
        try:
            return self.conn.execute(sql, dict(params or {}))
        except sqlite3.OperationalError as exc:
            raise _sqlite_error(exc, self.path) from exc
        except sqlite3.IntegrityError as exc:
            raise DatabaseError(f"ข้อมูลขัดแย้งกับที่มีอยู่ (conflicting data: {exc})") from exc

    def query(self, sql: str, params: Params | None = None) -> list[Row]:
        cur = self._run(sql, params)
        if cur.description is None:
            return []
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

    def rows(self, sql: str, params: Params | None = None) -> list[tuple[Any, ...]]:
        return self._run(sql, params).fetchall()

    def execute(self, sql: str, params: Params | None = None) -> int:
        return self._run(sql, params).rowcount

    def executemany(self, sql: str, params: list[dict[str, Any]]) -> None:
        try:
            self.conn.executemany(sql, params)
        except sqlite3.OperationalError as exc:
            raise _sqlite_error(exc, self.path) from exc

    @contextmanager
    def _outermost(self) -> Iterator[None]:
        self._run("BEGIN IMMEDIATE", None)
        try:
            yield
        except BaseException:
            self.conn.rollback()
            raise
        try:
            self.conn.commit()
        except sqlite3.OperationalError as exc:
            raise _sqlite_error(exc, self.path) from exc

    def close(self) -> None:
        self.conn.close()

    def revision(self) -> str | None:
        try:
            row = self.conn.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return None
            raise _sqlite_error(exc, self.path) from exc
        except sqlite3.DatabaseError as exc:
            raise DatabaseError(f"ไฟล์นี้ไม่ใช่ฐานข้อมูลของ tracker (not a tracker database: {self.path})") from exc
        return None if row is None else str(row[0])


def busy_timeout() -> float:
    """Seconds a command waits for another writer (the scheduler, a second clerk)."""
    try:
        return float(os.environ.get("TRACKER_DB_TIMEOUT", "10"))
    except ValueError:
        return 10.0


def _sqlite_error(exc: sqlite3.Error, path: str) -> DatabaseError:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return DatabaseError(
            f"ฐานข้อมูลกำลังถูกใช้งานโดยโปรแกรมอื่น ลองใหม่อีกครั้ง (database is locked by another program: {path})"
        )
    if "readonly" in text or "read-only" in text:
        return DatabaseError(f"ฐานข้อมูลเป็นแบบอ่านอย่างเดียว (database is read-only: {path})")
    if "no such table" in text:
        return DatabaseError(f"ฐานข้อมูลยังไม่ได้สร้าง ใช้ tracker init (database not initialised: {path})")
    return DatabaseError(f"ฐานข้อมูลผิดพลาด (database error: {text})")


class SqlAlchemyDatabase(Database):
    """PostgreSQL (or anything SQLAlchemy reaches), for the multi-user case."""

    def __init__(self, url: str) -> None:
        import sqlalchemy as sa

        self._sa = sa
        self.url = url
        try:
            self.engine = sa.create_engine(url, pool_pre_ping=True)
            self.conn = self.engine.connect()
        except Exception as exc:  # driver errors vary; the password stays out of the text
            raise DatabaseError(
                f"เชื่อมต่อฐานข้อมูลไม่ได้ (cannot connect to {_safe_url(url)}: {type(exc).__name__})"
            ) from exc
        self.dialect = self.engine.dialect.name

    def _run(self, sql: str, params: Params | None) -> Any:
        from sqlalchemy.exc import DBAPIError, IntegrityError

        try:
            return self.conn.execute(self._sa.text(sql), dict(params or {}))
        except IntegrityError as exc:
            raise DatabaseError(f"ข้อมูลขัดแย้งกับที่มีอยู่ (conflicting data: {exc.orig})") from exc
        except DBAPIError as exc:
            raise DatabaseError(f"ฐานข้อมูลผิดพลาด (database error: {exc.orig})") from exc

    def query(self, sql: str, params: Params | None = None) -> list[Row]:
        result = self._run(sql, params)
        if not result.returns_rows:
            return []
        return [{k: _norm(v) for k, v in m.items()} for m in result.mappings().all()]

    def rows(self, sql: str, params: Params | None = None) -> list[tuple[Any, ...]]:
        result = self._run(sql, params)
        if not result.returns_rows:
            return []
        return [tuple(_norm(v) for v in r) for r in result.all()]

    def execute(self, sql: str, params: Params | None = None) -> int:
        return int(self._run(sql, params).rowcount)

    def executemany(self, sql: str, params: list[dict[str, Any]]) -> None:
        if params:
            self.conn.execute(self._sa.text(sql), params)

    @contextmanager
    def _outermost(self) -> Iterator[None]:
        if self.conn.in_transaction():  # an implicit read transaction: end it
            self.conn.rollback()
        with self.conn.begin():
            yield

    def close(self) -> None:
        self.conn.close()
        self.engine.dispose()

    def revision(self) -> str | None:
        insp = self._sa.inspect(self.conn)
        if not insp.has_table("alembic_version"):
            return None
        value = self.conn.execute(self._sa.text("SELECT version_num FROM alembic_version")).scalar()
        self.conn.rollback()
        return None if value is None else str(value)


def _safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}" if ":" in creds else f"{scheme}://{user}@{host}"
    return url


def _data_dir() -> str:
    from tracker.folders import data_dir

    return data_dir()


def default_data_dir() -> Path:
    """Where tracker keeps its database and outbox when nothing else is said."""
    from pathlib import Path

    return Path(_data_dir())


def default_url() -> str:
    return f"sqlite:///{os.path.join(_data_dir(), 'tracker.db')}"


def _sqlite_file(url: str) -> str | None:
    if url.startswith("sqlite:///"):
        return url[len("sqlite:///") :].split("?", 1)[0]
    if "://" not in url:
        return url
    return None


def sqlite_path(url: str) -> Path | None:
    """The file of a sqlite:/// URL (a plain path is taken as one too)."""
    from pathlib import Path

    file = _sqlite_file(url)
    return None if file is None else Path(file)


def open_database(url: str, *, create: bool = True) -> Database:
    path = _sqlite_file(url)
    if path is not None:
        if path in ("", ":memory:"):
            raise DatabaseError("ต้องระบุไฟล์ฐานข้อมูล (a SQLite URL needs a file path)")
        read_only = url.endswith("?mode=ro")  # e.g. a copy on a read-only share
        return SqliteDatabase(
            path, url if "://" in url else f"sqlite:///{path}", create=create, read_only=read_only
        )
    if url.startswith("sqlite"):
        raise DatabaseError(f"รูปแบบ URL ไม่ถูกต้อง (use sqlite:///PATH, not {url})")
    return SqlAlchemyDatabase(url)


def check_revision(db: Database) -> str | None:
    """Refuse a database from a newer tracker; None means it needs creating."""
    rev = db.revision()
    if rev is None:
        return None
    if rev not in KNOWN_REVISIONS:
        raise DatabaseError(
            f"ฐานข้อมูลนี้สร้างโดย tracker รุ่นที่ใหม่กว่า กรุณาปรับรุ่นโปรแกรม "
            f"(database schema {rev} is newer than this program's {SCHEMA_REVISION})"
        )
    return rev
