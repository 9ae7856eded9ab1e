"""The .ics calendar: tracker's plan out to Google, Outlook, Thunderbird and
vdir clients (export), and what people ticked there back in (importer).

Loaded only by `tracker ics`, `tracker demo` and the reminder mailer, so
icalendar stays off the everyday path.
"""

from __future__ import annotations

from tracker.calendar.export import export_calendar, export_folder, meeting_ics
from tracker.calendar.importer import import_calendar, read_calendar

__all__ = ["export_calendar", "export_folder", "import_calendar", "meeting_ics", "read_calendar"]
