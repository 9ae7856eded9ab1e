"""Reading an .ics file someone hands us, before icalendar sees it.

icalendar reads everything into memory and trusts the structure, so a file
that is huge, has a 1 GB line, nests components 100,000 deep or stops half way
would exhaust memory, recurse, or quietly yield nothing. Here the size is
capped while reading (a sparse or endless file costs at most the cap), then
one linear pass checks lines, nesting and balance. Any problem is one
CalendarError line naming the file and, where it helps, the line.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import BinaryIO

from tracker.errors import CalendarError

MAX_BYTES = 16 * 1024 * 1024  # a 1,000-measure export is about 3 MB
MAX_LINE = 256 * 1024  # one content line, unfolded (RFC 5545 folds at 75 octets)
MAX_DEPTH = 6  # VCALENDAR > VEVENT > VALARM is 3; VTIMEZONE > STANDARD is 3
MAX_COMPONENTS = 200_000


def _fail(name: str, th: str, en: str, line: int | None = None) -> CalendarError:
    where = f"{name}:{line}" if line else name
    return CalendarError(f"{where}: {th} ({en})")


def read_bytes(path: Path) -> bytes:
    """At most MAX_BYTES of the file ("-" is standard input)."""
    name = str(path)
    try:
        if name == "-":
            return _capped(sys.stdin.buffer, name)
        with path.open("rb") as f:
            return _capped(f, name)
    except FileNotFoundError as exc:
        raise _fail(name, "ไม่พบไฟล์", "no such file") from exc
    except IsADirectoryError as exc:
        raise _fail(name, "เป็นโฟลเดอร์ ไม่ใช่ไฟล์", "is a folder, not a file") from exc
    except OSError as exc:
        raise _fail(name, "อ่านไฟล์ไม่ได้", f"cannot read: {exc.strerror}") from exc


def _capped(f: BinaryIO, name: str) -> bytes:
    data = f.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise _fail(
            name,
            f"ไฟล์ใหญ่เกิน {MAX_BYTES // (1024 * 1024)} MB",
            f"file larger than {MAX_BYTES // (1024 * 1024)} MB; not a tracker calendar",
        )
    return data


def decode(data: bytes, name: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not data.strip():
        raise _fail(name, "ไฟล์ว่างเปล่า", "the file is empty")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise _fail(name, "ไม่ใช่ข้อความ UTF-8", "not UTF-8 text; not an iCalendar file", line) from exc
    if "\x00" in text:
        raise _fail(name, "ไม่ใช่ไฟล์ข้อความ", "binary data; not an iCalendar file")
    return text


def check_structure(text: str, name: str) -> None:
    """Lines, nesting depth, component count and BEGIN/END balance."""
    stack: list[tuple[str, int]] = []
    seen_calendar = False
    components = 0
    logical = 0  # length of the current unfolded content line
    # Split on LF as icalendar does (splitlines would also split on U+2028 etc.).
    for number, line in enumerate(text.split("\n"), start=1):
        raw = line.rstrip("\r")
        if len(raw) > MAX_LINE:
            raise _fail(name, "บรรทัดยาวผิดปกติ", f"line longer than {MAX_LINE // 1024} KB", number)
        if raw[:1] in (" ", "\t"):
            logical += len(raw) - 1
            if logical > MAX_LINE:
                raise _fail(name, "บรรทัดยาวผิดปกติ", f"content line longer than {MAX_LINE // 1024} KB", number)
            continue
        if not raw.strip():
            continue  # icalendar folds across blank lines, so they do not end a logical line
        logical = len(raw)
        head, _, value = raw.partition(":")
        key = head.strip().upper()
        if not seen_calendar and not (key == "BEGIN" and value.strip().upper() == "VCALENDAR"):
            raise _fail(
                name,
                "ไม่ใช่ไฟล์ปฏิทิน iCalendar",
                "not an iCalendar file: it must start with BEGIN:VCALENDAR",
                number,
            )
        if key == "BEGIN":
            comp = value.strip().upper()
            if not stack and comp != "VCALENDAR":
                raise _fail(name, "โครงสร้างไฟล์ไม่ถูกต้อง", f"BEGIN:{comp[:40]} outside VCALENDAR", number)
            seen_calendar = True
            stack.append((comp, number))
            components += 1
            if len(stack) > MAX_DEPTH:
                raise _fail(name, "ซ้อนกันลึกผิดปกติ", f"components nested deeper than {MAX_DEPTH}", number)
            if components > MAX_COMPONENTS:
                raise _fail(name, "มีรายการมากผิดปกติ", f"more than {MAX_COMPONENTS} components", number)
        elif key == "END":
            comp = value.strip().upper()
            if not stack or stack[-1][0] != comp:
                open_ = f"BEGIN:{stack[-1][0][:40]}" if stack else "nothing open"
                raise _fail(name, "โครงสร้างไฟล์ไม่ถูกต้อง", f"END:{comp[:40]} does not close {open_}", number)
            stack.pop()
        elif not stack:
            raise _fail(name, "โครงสร้างไฟล์ไม่ถูกต้อง", "a property outside VCALENDAR", number)
    if stack:
        comp, number = stack[-1]
        raise _fail(
            name,
            "ไฟล์ไม่สมบูรณ์ (ถูกตัดท้าย)",
            f"truncated: BEGIN:{comp[:40]} on line {number} never ends",
        )
    if not seen_calendar:
        raise _fail(name, "ไม่ใช่ไฟล์ปฏิทิน iCalendar", "not an iCalendar file: no BEGIN:VCALENDAR")
