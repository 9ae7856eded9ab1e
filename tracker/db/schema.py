"""The database schema: the one place tables are defined.

Migrations (migrations/versions) are written from these tables, and the
services' SQL names the same tables and columns. Timestamps are stored as
timezone-aware UTC (text in canonical ISO form on SQLite), dates as ISO dates.
"""

from __future__ import annotations

import sqlalchemy as sa

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING)
TS = sa.DateTime(timezone=True)

organisations = sa.Table(
    "organisations",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(300), nullable=False, unique=True),
    sa.Column("created_at", TS, nullable=False),
)

plans = sa.Table(
    "plans",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("organisation_id", sa.ForeignKey("organisations.id"), nullable=False),
    sa.Column("fiscal_year", sa.Integer, nullable=False),  # BE
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("adopted_on", sa.Date),
    sa.Column("adoption_meeting", sa.Text),
    sa.Column("ita_assessed_year", sa.Integer),
    sa.Column("ita_stated_overall", sa.Float),
    sa.Column("ita_stated_grade", sa.String(4)),
    sa.Column("ita_improvements", sa.Text),  # JSON list of text
    sa.Column("imported_at", TS, nullable=False),
    sa.Column("updated_at", TS, nullable=False),
    # `tracker archive PLAN` (0007): a finished plan whose measures get no
    # more reminders; NULL again after `--undo`
    sa.Column("archived_at", TS),
    sa.UniqueConstraint("organisation_id", "fiscal_year"),
)

ita_indicators = sa.Table(
    "ita_indicators",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("plan_id", sa.ForeignKey("plans.id", ondelete="CASCADE"), nullable=False),
    sa.Column("no", sa.Integer, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("grp", sa.String(3), nullable=False),
    sa.Column("score", sa.Float),
    sa.UniqueConstraint("plan_id", "no"),
)

meetings = sa.Table(
    "meetings",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("plan_id", sa.ForeignKey("plans.id", ondelete="CASCADE"), nullable=False),
    sa.Column("key", sa.Text, nullable=False),  # month + normalised title: stable across imports
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("month", sa.String(7), nullable=False),  # YYYY-MM
    sa.Column("held_on", sa.Date),
    sa.Column("held_at", sa.String(5)),  # HH:MM, Asia/Bangkok
    sa.Column("place", sa.Text),
    sa.Column("attendees", sa.Text, nullable=False, server_default="[]"),  # JSON list
    sa.Column("sequence", sa.Integer, nullable=False, server_default="0"),
    sa.Column("updated_at", TS, nullable=False),
    # `tracker meeting cancel` (0005): the invitation becomes a METHOD:CANCEL
    sa.Column("cancelled_at", TS),
    # attendees taken off the list (0005): they are told with a METHOD:CANCEL of their own
    sa.Column("dropped", sa.Text, nullable=False, server_default="[]"),  # JSON list
    sa.UniqueConstraint("plan_id", "key"),
)

tasks = sa.Table(
    "tasks",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("plan_id", sa.ForeignKey("plans.id", ondelete="CASCADE"), nullable=False),
    sa.Column("number", sa.String(20), nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("actions", sa.Text, nullable=False, server_default=""),
    sa.Column("owners", sa.Text, nullable=False, server_default="[]"),  # JSON list
    sa.Column("period_text", sa.Text, nullable=False, server_default=""),
    sa.Column("starts_on", sa.Date, nullable=False),
    sa.Column("ends_on", sa.Date, nullable=False),
    sa.Column("followup_text", sa.Text, nullable=False, server_default=""),
    sa.Column("meeting_id", sa.ForeignKey("meetings.id", ondelete="SET NULL")),
    sa.Column("progress", sa.Integer, nullable=False, server_default="0"),
    sa.Column("started_at", TS),
    sa.Column("done_at", TS),
    sa.Column("cancelled_at", TS),
    sa.Column("result", sa.Text, nullable=False, server_default=""),
    sa.Column("problems", sa.Text, nullable=False, server_default=""),
    sa.Column("obstacles", sa.Text, nullable=False, server_default=""),
    sa.Column("suggestions", sa.Text, nullable=False, server_default=""),
    sa.Column("sequence", sa.Integer, nullable=False, server_default="0"),
    sa.Column("updated_at", TS, nullable=False),
    # What the document says beside the five classic columns (0002).
    sa.Column("checkpoints", sa.Text, nullable=False, server_default="[]"),  # JSON list of ISO dates
    # 0/1, not BOOLEAN: the same value on both backends, for copy-to and the
    # sqlite3 fast path alike
    sa.Column("period_unclear", sa.Integer, nullable=False, server_default="0"),
    sa.Column("section", sa.Text, nullable=False, server_default=""),
    sa.Column("budget", sa.Text, nullable=False, server_default=""),
    sa.Column("indicator", sa.Text, nullable=False, server_default=""),
    sa.Column("target", sa.Text, nullable=False, server_default=""),
    sa.Column("remarks", sa.Text, nullable=False, server_default=""),
    sa.Column("extra", sa.Text, nullable=False, server_default="[]"),  # JSON list of [header, text]
    # The calendar identity, fixed when the task is created ("m3" for the
    # measure first imported as number 3): the number may change on a later
    # import, the UID must not. Unique per plan; the number no longer is (an
    # edited plan renumbers, a sectioned one restarts its numbering).
    sa.Column("uid_key", sa.String(80), nullable=False),
    # What `tracker edit` corrected, as {field: the document's value then}: a
    # re-import of the same mistaken document keeps the correction; a document
    # that now says something else wins again.
    sa.Column("edited", sa.Text, nullable=False, server_default="{}"),
    sa.UniqueConstraint("plan_id", "uid_key", name="uq_tasks_uid_key"),
    sa.CheckConstraint("progress BETWEEN 0 AND 100", name="progress_range"),
)
sa.Index("ix_tasks_ends_on", tasks.c.ends_on)
# A meeting's measures (meeting lists count them): without it each count
# reads every task of every organisation.
sa.Index("ix_tasks_meeting", tasks.c.meeting_id)

task_items = sa.Table(
    "task_items",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("task_id", sa.ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False),
    sa.Column("no", sa.String(40), nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("done_at", TS),
    sa.UniqueConstraint("task_id", "no"),
)

evidence = sa.Table(
    "evidence",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("task_id", sa.ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False),
    sa.Column("ref", sa.Text, nullable=False),
    sa.Column("title", sa.Text, nullable=False, server_default=""),
    sa.Column("added_at", TS, nullable=False),
)
sa.Index("ix_evidence_task", evidence.c.task_id)

history = sa.Table(
    "history",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", TS, nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("plan_id", sa.ForeignKey("plans.id", ondelete="CASCADE")),
    sa.Column("task_id", sa.ForeignKey("tasks.id", ondelete="CASCADE")),
    sa.Column("meeting_id", sa.ForeignKey("meetings.id", ondelete="CASCADE")),
    sa.Column("detail", sa.Text, nullable=False, server_default="{}"),  # JSON object
)
sa.Index("ix_history_task", history.c.task_id)

units = sa.Table(
    "units",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("organisation_id", sa.ForeignKey("organisations.id"), nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("emails", sa.Text, nullable=False, server_default="[]"),  # JSON list
    sa.Column("updated_at", TS, nullable=False),
    sa.UniqueConstraint("organisation_id", "name"),
)

# Stand-ins (0007): while a unit's head is away, from starts_on to ends_on
# (both inclusive, Bangkok dates), the unit's mail goes to `address` with the
# unit's own addresses copied. One row per address and period; a unit may have
# several periods (leave in January, training in March), so they are rows of
# their own, not columns on `units` (a unit may also have a stand-in before it
# has any address of its own). Keyed by unit name like unit_links.
unit_stand_ins = sa.Table(
    "unit_stand_ins",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("organisation_id", sa.ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False),
    sa.Column("unit", sa.Text, nullable=False),
    sa.Column("address", sa.Text, nullable=False),
    sa.Column("starts_on", sa.Date, nullable=False),
    sa.Column("ends_on", sa.Date, nullable=False),
    sa.Column("created_at", TS, nullable=False),
    sa.CheckConstraint("starts_on <= ends_on", name="period_order"),
)
sa.Index("ix_unit_stand_ins_unit", unit_stand_ins.c.organisation_id, unit_stand_ins.c.unit)

# The reminder outbox (tracker/reminders/outbox.py). One row per reason to
# write (`key`); `thread` groups the rows that replace one another. A row is
# claimed by setting claimed_by/claimed_until (a lease), never by a status
# change, so a killed sender's rows return by themselves when the lease ends.
outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("key", sa.String(200), nullable=False, unique=True),  # one row per reason
    sa.Column("thread", sa.String(200), nullable=False),  # key without the day
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("organisation_id", sa.ForeignKey("organisations.id")),
    sa.Column("task_id", sa.ForeignKey("tasks.id", ondelete="CASCADE")),
    sa.Column("meeting_id", sa.ForeignKey("meetings.id", ondelete="CASCADE")),
    sa.Column("unit", sa.Text),
    sa.Column("recipients", sa.Text, nullable=False, server_default="[]"),  # JSON list, as sent
    sa.Column("detail", sa.Text, nullable=False, server_default="{}"),  # JSON: the policy's why
    sa.Column("due_at", TS, nullable=False),
    sa.Column("expires_at", TS),
    # pending | held (no address yet) | sent | failed (permanent) | cancelled
    sa.Column("status", sa.String(12), nullable=False, server_default="pending"),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("next_attempt_at", TS, nullable=False),
    sa.Column("claimed_by", sa.String(200)),
    sa.Column("claimed_until", TS),
    sa.Column("sent_at", TS),
    sa.Column("last_error", sa.Text),
    sa.Column("subject", sa.Text),
    sa.Column("message_id", sa.String(300)),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("updated_at", TS, nullable=False),
)
# What `--status` shows and the held rows the sweep wakes: the few rows a
# person must look at, not the season's (every index is written on each new
# row and on each row a newer one cancels: forty thousand on a busy day).
_attention = sa.text("status IN ('failed', 'held', 'skipped') OR attempts > 0")
sa.Index("ix_outbox_attention", outbox.c.status, outbox.c.updated_at,
         postgresql_where=_attention, sqlite_where=_attention)
# The claim: the oldest due rows still to send, in order, stopping at LIMIT;
# partial, so its size follows what is waiting, not the season's history.
_waiting = sa.text("status IN ('pending', 'held')")
sa.Index("ix_outbox_waiting", outbox.c.next_attempt_at, outbox.c.id,
         postgresql_where=_waiting, sqlite_where=_waiting)
# A new row cancels the older unsent rows of its thread: the newest row in one
# step, the rows to cancel among the waiting ones (a thread keeps every row).
sa.Index("ix_outbox_thread_due", outbox.c.thread, outbox.c.due_at)
sa.Index("ix_outbox_thread_waiting", outbox.c.thread, postgresql_where=_waiting, sqlite_where=_waiting)
# The daily run looks again at a task whose opening or nudge mail waits (it
# may have gone stale, reminders/candidates.py): just those rows.
_may_go_stale = sa.text("status IN ('pending', 'held') AND kind IN ('window_opens', 'nudge')")
sa.Index("ix_outbox_may_go_stale", outbox.c.task_id, postgresql_where=_may_go_stale,
         sqlite_where=_may_go_stale)
sa.Index("ix_outbox_task", outbox.c.task_id)
# Whom a unit's reminder reached today (one digest an address a day): today's rows only.
_sent = sa.text("sent_at IS NOT NULL")
sa.Index("ix_outbox_sent", outbox.c.sent_at, postgresql_where=_sent, sqlite_where=_sent)

# How far the daily reminder run has decided each plan: every reminder due up
# to `through` was queued (or skipped) by the run at `run_at` under the policy
# whose fingerprint is `policy`. The next run then looks again only at the
# tasks that changed since, or that have a step after `through` (issue 20).
reminder_marks = sa.Table(
    "reminder_marks",
    metadata,
    sa.Column("plan_id", sa.ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("through", sa.Date, nullable=False),
    sa.Column("run_at", TS, nullable=False),
    sa.Column("policy", sa.String(64), nullable=False),
)

# One row per scheduler process (name = host:pid), updated every sweep.
heartbeats = sa.Table(
    "heartbeats",
    metadata,
    sa.Column("name", sa.String(200), primary_key=True),  # host:pid of a scheduler
    sa.Column("started_at", TS, nullable=False),
    sa.Column("beat_at", TS, nullable=False),
    sa.Column("stopped_at", TS),
    sa.Column("detail", sa.Text, nullable=False, server_default="{}"),  # JSON: last sweep figures
)

# The web pages (0004). A unit's personal link carries `version`; renewing or
# revoking a link moves it, and every link signed with an older one is refused.
unit_links = sa.Table(
    "unit_links",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("organisation_id", sa.ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False),
    sa.Column("unit", sa.Text, nullable=False),
    sa.Column("version", sa.Integer, nullable=False, server_default="1"),
    sa.Column("updated_at", TS, nullable=False),
    sa.UniqueConstraint("organisation_id", "unit", name="uq_unit_links_unit"),
)

# The clerks who sign in to the web pages. The password is a werkzeug KDF hash;
# failed sign-ins are counted here (not in the process), so a restart or a
# second server does not reset the slowdown.
web_users = sa.Table(
    "web_users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("failed", sa.Integer, nullable=False, server_default="0"),
    sa.Column("locked_until", TS),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("updated_at", TS, nullable=False),
)

# Calendar feeds (0005): like unit_links, a version per feed that revoking
# moves on; unit "" is the whole organisation's feed.
calendar_links = sa.Table(
    "calendar_links",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("organisation_id", sa.ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False),
    sa.Column("unit", sa.Text, nullable=False),
    sa.Column("version", sa.Integer, nullable=False, server_default="1"),
    sa.Column("updated_at", TS, nullable=False),
    sa.UniqueConstraint("organisation_id", "unit", name="uq_calendar_links_unit"),
)

# What `tracker ics push` last put on a CalDAV calendar (0005): per calendar
# URL and UID, the resource's address, the server's ETag and a digest of what
# was sent (DTSTAMP left out), so a push with nothing changed sends nothing.
caldav_items = sa.Table(
    "caldav_items",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("calendar", sa.Text, nullable=False),
    sa.Column("uid", sa.Text, nullable=False),
    sa.Column("href", sa.Text, nullable=False),
    sa.Column("etag", sa.Text),
    sa.Column("digest", sa.String(64), nullable=False),
    sa.Column("pushed_at", TS, nullable=False),
    sa.UniqueConstraint("calendar", "uid", name="uq_caldav_items_uid"),
)
