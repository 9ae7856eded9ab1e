"""Calendar UIDs: derived from what identifies an item in the plan, not from
database ids, so a re-export (even from a database rebuilt from the same plan
document) updates the items already in a calendar instead of duplicating them.

    ita2566-<org>-<key>-window@ita-tracker.invalid   a measure's window (VEVENT)
    ita2566-<org>-<key>-todo@ita-tracker.invalid     the same measure (VTODO)
    ita2566-<org>-meeting-2023-04-<key>@ita-tracker.invalid   a follow-up meeting

<key> is the task's `uid_key`, fixed when the task was created: "m<number>"
with the number the measure had then (so a fresh import gives the UIDs every
earlier version gave), or "t<hash of the title>" when that number was taken
by a task already in the plan (a measure inserted into an edited plan). A
later renumbering changes neither.
<org> is a short hash of the organisation's name (Thai names make poor UIDs),
<key> a short hash of the meeting's import key (month + normalised title).
The domain is under .invalid (RFC 2606) so it can never collide with a real
producer's UIDs.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

DOMAIN = "ita-tracker.invalid"

_UID = re.compile(
    r"^ita(?P<fy>\d{4})-(?P<org>[0-9a-f]{10})-"
    r"(?:(?P<task>[mt][0-9A-Za-z._]+)-(?P<part>window|todo)|meeting-(?P<month>\d{4}-\d{2})-(?P<key>[0-9a-f]{8}))"
    r"@" + re.escape(DOMAIN) + r"$"
)


def _digest(text: str, size: int) -> str:
    norm = unicodedata.normalize("NFC", " ".join(text.split()))
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()[:size]


def org_key(organisation: str) -> str:
    return _digest(organisation, 10)


def _number(number: str) -> str:
    # Measure numbers are Arabic digits ("1", "2.1"); anything else is spelled
    # as _<hex> so the UID stays plain ASCII and reversible.
    return re.sub(r"[^0-9A-Za-z.]", lambda m: f"_{ord(m.group()):x}", number)


def number_key(number: str) -> str:
    """The uid_key of a task created as measure `number`."""
    return f"m{_number(number)}"


def title_key(title: str, taken: set[str]) -> str:
    """A uid_key from the title, for a new measure whose number's key is taken."""
    base = f"t{_digest(title, 10)}"
    key, n = base, 1
    while key in taken:  # the same title twice in one plan
        n += 1
        key = f"{base}.{n}"
    return key


def key_uid(organisation: str, fiscal_year: int, key: str, part: str) -> str:
    """The UID of a task by its stored uid_key; `part` is "window" (the
    all-day VEVENT) or "todo" (the VTODO)."""
    return f"ita{fiscal_year}-{org_key(organisation)}-{key}-{part}@{DOMAIN}"


def task_uid(organisation: str, fiscal_year: int, number: str, part: str) -> str:
    """The UID of a task created as measure `number` (and never re-keyed)."""
    return key_uid(organisation, fiscal_year, number_key(number), part)


def meeting_uid(organisation: str, fiscal_year: int, month: str, key: str) -> str:
    return f"ita{fiscal_year}-{org_key(organisation)}-meeting-{month}-{_digest(key, 8)}@{DOMAIN}"


@dataclass(frozen=True)
class ParsedUid:
    fiscal_year: int
    org: str  # org_key
    kind: str  # "window" | "todo" | "meeting"


def parse_uid(uid: str) -> ParsedUid | None:
    """Which plan a UID of ours belongs to; None for a UID tracker did not make."""
    m = _UID.match(uid.strip())
    if m is None:
        return None
    return ParsedUid(int(m["fy"]), m["org"], m["part"] or "meeting")


def file_name(uid: str) -> str:
    """The vdir file name of an item: its UID without the fixed domain."""
    return uid.split("@", 1)[0] + ".ics"
