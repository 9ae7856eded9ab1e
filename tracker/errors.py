"""Typed errors. Each carries its exit status; the CLI maps them in one place."""

from __future__ import annotations


class TrackerError(Exception):
    """Bad input or a refused action: one line on stderr, exit 1."""

    exit_code = 1


class NotFound(TrackerError):
    """An id that names nothing."""


# Said wherever a command needs a plan and the database has none yet.
NO_PLAN_YET = "ยังไม่มีแผนในฐานข้อมูล ใช้ tracker import ก่อน (no plan imported yet: run `tracker import FILE`)"


class InvalidInput(TrackerError):
    """A value a person typed that cannot be understood (date, percentage, id)."""


class PlanError(TrackerError):
    """A plan document that cannot be read; `line` is 1-based where known."""

    LEAD = "อ่านแผนไม่ได้ (cannot read the plan): "

    def __init__(self, message: str, *, line: int | None = None, source: str | None = None):
        # A reader that re-raises another PlanError's text with its own place
        # would say the lead twice: keep only what follows the inner lead.
        if self.LEAD in message:
            message = message.split(self.LEAD, 1)[1]
        self.detail = message
        self.line = line
        self.source = source
        where = ""
        if source and line:
            where = f"{source}:{line}: "
        elif line:
            where = f"line {line}: "
        elif source:
            where = f"{source}: "
        # The reader's details are in English; the lead says in Thai what failed.
        super().__init__(f"{where}{self.LEAD}{message}")


class DatabaseError(TrackerError):
    """The database cannot be used: locked, read-only, newer than this program."""


class CalendarError(TrackerError):
    """An .ics file that cannot be read."""


class MailError(TrackerError):
    """Mail settings that cannot work (the password is never part of the message)."""


class DatabaseMissing(DatabaseError):
    """No database at all where one was named (a missing file, an empty one):
    unlike a server that is down, waiting will not bring it."""


class Conflict(TrackerError):
    """Someone else changed what this change was based on; nothing was overwritten."""

    def __init__(self, message: str, *, fields: dict[str, str] | None = None) -> None:
        self.fields = fields or {}  # field -> the value stored now
        super().__init__(message)


class Interrupted(TrackerError):
    """Stopped by a signal before the work was done: exit 128 + the signal's
    number, as a shell reports a process the signal ended."""

    def __init__(self, message: str, *, signum: int) -> None:
        self.exit_code = 128 + signum
        super().__init__(message)
