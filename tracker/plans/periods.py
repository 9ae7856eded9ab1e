"""A plan's period cell (ระยะเวลาดำเนินการ) read as a window and its checkpoints.

`read_period` never refuses a cell: one odd period must not stop a whole
import. What it does not understand becomes the whole fiscal year, marked
`understood=False`, for a person to correct later.

A cell is read as [noise] [cadence] [window] [(window)] [ปีงบประมาณ YYYY]:
- a cadence ("ทุกไตรมาส", "ปีละ ๒ ครั้ง", "ทุก ๖ เดือน", "ต่อเนื่อง") sets the
  checkpoints: the end of every fiscal block of 1, 3 or 6 months inside the
  window (monthly: each month's last day; quarterly: 31 Dec, 31 Mar, 30 Jun,
  30 Sep; half-yearly: 31 Mar, 30 Sep). A continuous or once-a-year cadence
  has no checkpoints: like a plain window, its only due date is its end;
- the window is the whole fiscal year when the cadence stands alone, else a
  quarter list ("ไตรมาสที่ ๒-๓": each quarter's end is a checkpoint), a
  deadline ("ภายใน ๓๐ เม.ย. ๖๗": from the fiscal year's first day, or the day
  the plan was adopted if later), an open end ("ตั้งแต่ ม.ค. ๖๗ เป็นต้นไป": to
  the fiscal year's last day), several months or ranges ("มี.ค. และ ก.ย. ๖๗":
  their span, each part's end a checkpoint) or whatever
  `tracker.thai.parse_period` reads (a plain window, no checkpoints);
- a trailing "ปีงบประมาณ ๒๕๖๗" names the fiscal year the rest is read in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise

from tracker.errors import InvalidInput
from tracker.thai import fiscal_year_bounds, fiscal_year_of, normalize, parse_date, parse_period


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    checkpoints: tuple[date, ...]  # dates inside the window at which progress is due; () for a plain window
    understood: bool  # False: the text was not understood; start/end = the whole fiscal year


def read_period(text: str, *, fiscal_year: int, adopted_on: date | None = None) -> Period:
    """The window and checkpoints a period cell names; never raises for a str.

    `fiscal_year` is the plan's BE fiscal year (1 Oct - 30 Sep, named by the
    year it ends in); only a value no date can hold (outside 545..10542)
    raises InvalidInput, as that is the caller's mistake, not the document's.
    """
    first, last = fiscal_year_bounds(fiscal_year)
    try:
        found = _read(normalize(text), fiscal_year, adopted_on)
    except (InvalidInput, ValueError, OverflowError):
        # thai's parsers raise InvalidInput; a year at the edge of what a
        # date holds (9999) can still overflow in date arithmetic.
        found = None
    return found or Period(first, last, (), False)


# ---------------------------------------------------------------- the cell as a whole

_NOISE = re.compile(r"^(?:ช่วง(?:เวลา)?|ระยะเวลา(?:ดำเนินการ|ดำเนินงาน)?|ดำเนินการ|[:\-–—])\s*")
_FISCAL_TAIL = re.compile(
    r"\s*\(?\s*(?:ประจำ)?\s*ปีงบ(?:ประมาณ)?\s*(?:พ\.?\s?ศ\.?\s*)?(?:[0-9]{4}|[0-9]{2})\s*\)?$"
)


def _every(m: re.Match[str]) -> int | None:
    """ "ทุก ๖ เดือน" -> every 6 months; None for "ทุก ๐ เดือน"."""
    return int(m[1]) or None


def _per_year(m: re.Match[str]) -> int | None:
    """ "ปีละ ๒ ครั้ง" -> every 6 months; None for a count that divides no year."""
    times = int(m[1])
    return 12 // times if times and 12 % times == 0 else None


# Fiscal months per checkpoint block; 0: no checkpoints (continuous, yearly).
_CADENCES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], int | None]], ...] = (
    (re.compile(r"(?:ทุก|ราย|รอบ)\s*(?:ๆ\s*)?([0-9]{1,2})\s*เดือน(?:\s*ต่อ\s*ครั้ง)?"), _every),
    (re.compile(r"ปีละ\s*([0-9]{1,2})\s*ครั้ง"), _per_year),
    (re.compile(r"(?:ทุก|ราย)\s*ครึ่งปี|ครึ่งปีละ\s*(?:1\s*)?ครั้ง"), lambda m: 6),
    (re.compile(r"(?:ทุก|ราย)\s*(?:ๆ\s*)?ไตรมาส|ไตรมาสละ\s*(?:1\s*)?ครั้ง"), lambda m: 3),
    (re.compile(r"(?:ทุก|ราย)\s*(?:ๆ\s*)?เดือน|เดือนละ\s*(?:1\s*)?ครั้ง"), lambda m: 1),
    (re.compile(r"(?:ดำเนินการ)?\s*(?:อย่าง|โดย)?\s*ต่อเนื่อง"), lambda m: 0),
)


def _read(s: str, fiscal_year: int, adopted_on: date | None) -> Period | None:
    months, s = _cadence(_strip_noise(s))
    s, fiscal_year = _fiscal_tail(_strip_noise(s), fiscal_year)
    if not s and months is None:
        return None
    window = _window(s or "ตลอดปีงบประมาณ", fiscal_year, adopted_on)
    if window is None or not months:
        return window
    return _period(window.start, window.end, (*window.checkpoints, *_block_ends(window, months)))


def _strip_noise(s: str) -> str:
    while m := _NOISE.match(s):
        s = s[m.end() :]
    return s.strip()


def _cadence(s: str) -> tuple[int | None, str]:
    """(fiscal months per checkpoint, the text without the cadence words);
    None when the text names no cadence. InvalidInput for a cadence that
    divides no year ("ทุก ๕ เดือน")."""
    for pattern, months_of in _CADENCES:
        if m := pattern.search(s):
            months = months_of(m)
            if months not in (0, 1, 2, 3, 4, 6, 12):
                raise InvalidInput(f"no such cadence: {m[0]!r}")
            rest = " ".join((s[: m.start()] + " " + s[m.end() :]).split())
            return (0 if months == 12 else months), rest.strip(" ,;:")
    return None, s


def _fiscal_tail(s: str, fiscal_year: int) -> tuple[str, int]:
    """ "ม.ค. - มี.ค. ปีงบประมาณ ๒๕๖๗" -> ("ม.ค. - มี.ค.", 2567)."""
    m = _FISCAL_TAIL.search(s)
    head = s[: m.start()].strip() if m else ""
    if m is None or not head or re.search(r"(?:ตลอด|ทั้ง)$", head):
        return s, fiscal_year  # "ตลอดปีงบประมาณ ๒๕๖๗" is parse_period's
    _, end = parse_period(m[0].strip(" ()"), fiscal_year=fiscal_year)
    return head, fiscal_year_of(end)


def _block_ends(window: Period, months: int) -> Iterable[date]:
    """Last days of the fiscal blocks of `months` months inside the window."""
    y, m = window.start.year, window.start.month
    while (y, m) <= (window.end.year, window.end.month):
        if ((m - 10) % 12 + 1) % months == 0:
            yield _month_end(y, m)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)


# ---------------------------------------------------------------- windows


def _window(s: str, fiscal_year: int, adopted_on: date | None) -> Period | None:
    if "(" in s and (found := _brackets(s, fiscal_year, adopted_on)):
        return found
    for reader in (_quarters, _deadline, _onwards, _several, _plain):
        if found := reader(s, fiscal_year, adopted_on):
            return found
    return None


def _brackets(s: str, fiscal_year: int, adopted_on: date | None) -> Period | None:
    """ "ไตรมาสที่ ๒-๓ (ม.ค. - มิ.ย. ๖๗)": the dates in brackets are the most
    explicit window; the words outside may still give the checkpoints."""
    inner = " ".join(re.findall(r"\(([^()]*)\)", s))
    outer = " ".join(re.sub(r"\([^()]*\)", " ", s).split())
    got_in = _window(inner, fiscal_year, adopted_on) if inner else None
    got_out = _window(outer, fiscal_year, adopted_on) if outer and outer != s else None
    if got_in and got_out:
        inside = [c for c in got_out.checkpoints if got_in.start <= c <= got_in.end]
        return _period(got_in.start, got_in.end, inside or got_in.checkpoints)
    return got_in or got_out


_QUARTERS = re.compile(
    r"(?:ไตรมาส|Q)\s*(?:ที่)?\s*([1-4](?:\s*(?:-|–|—|ถึง|,|และ)\s*(?:(?:ไตรมาส|Q)\s*(?:ที่)?\s*)?[1-4])+)",
    re.IGNORECASE,
)


def _quarters(s: str, fiscal_year: int, _: date | None) -> Period | None:
    """ "ไตรมาสที่ ๑-๔", "ไตรมาส ๒ และ ๔": their span, each quarter's end a checkpoint."""
    m = _QUARTERS.fullmatch(s)
    if m is None:
        return None
    numbers = [int(n) for n in re.findall(r"[1-4]", m[1])]
    joins = re.findall(r"[1-4]\s*(-|–|—|ถึง|,|และ)", m[1])
    chosen: set[int] = {numbers[0]}
    for join, (a, b) in zip(joins, pairwise(numbers), strict=True):
        if join not in (",", "และ"):  # a range: every quarter from a to b
            if b < a:
                return None
            chosen.update(range(a, b + 1))
        chosen.add(b)
    ends = [_quarter_bounds(fiscal_year, q) for q in sorted(chosen)]
    return _period(ends[0][0], ends[-1][1], [end for _, end in ends])


def _quarter_bounds(fiscal_year: int, q: int) -> tuple[date, date]:
    first, _ = fiscal_year_bounds(fiscal_year)
    y, m = (first.year, 10) if q == 1 else (first.year + 1, 3 * q - 5)
    return date(y, m, 1), _month_end(y, m + 2)


def _deadline(s: str, fiscal_year: int, adopted_on: date | None) -> Period | None:
    """ "ภายใน ๓๐ เม.ย. ๖๗", "ภายในเดือน มี.ค. ๖๗": up to that day or month's end."""
    m = re.fullmatch(r"ภายใน\s*(.+)", s)
    point = _point(m[1], fiscal_year) if m else None
    if point is None:
        return None
    first, _ = fiscal_year_bounds(fiscal_year)
    if adopted_on is not None and adopted_on > first:
        first = adopted_on
    return _period(min(first, point[1]), point[1], ())


def _onwards(s: str, fiscal_year: int, _: date | None) -> Period | None:
    """ "ตั้งแต่ ม.ค. ๖๗ (เป็นต้นไป)", "๑ ก.พ. ๖๗ เป็นต้นไป": to the fiscal year's end."""
    m = re.fullmatch(r"(?:นับ\s*)?ตั้งแต่\s*(.+?)(?:\s*เป็นต้นไป)?|(.+?)\s*เป็นต้นไป", s)
    point = _point(m[1] or m[2], fiscal_year) if m else None
    if point is None:
        return None
    _, last = fiscal_year_bounds(fiscal_year)
    return _period(point[0], max(last, point[1]), ())


_PARTS = re.compile(r"\s*(?:,|;|และ|\band\b|&)\s*", re.IGNORECASE)


def _several(s: str, fiscal_year: int, _: date | None) -> Period | None:
    """ "มี.ค., ก.ย. ๖๗", "ธ.ค. ๖๖ และ มิ.ย. ๖๗", "ม.ค. - มี.ค. และ ก.ค. - ก.ย. ๖๖"."""
    parts = [p for p in _PARTS.split(s) if p]
    if len(parts) < 2 or "(" in s:
        return None
    windows = []
    for part in parts:
        found = _part(part, parts[-1], fiscal_year)
        if found is None:
            return None
        windows.append(found)
    return _period(min(w[0] for w in windows), max(w[1] for w in windows), [w[1] for w in windows])


def _part(part: str, last: str, fiscal_year: int) -> tuple[date, date] | None:
    """One part of a list; a month or day without a year takes the year
    from the last part, as a range's first end does ("มี.ค., ก.ย. ๖๗")."""
    point = _point(part, fiscal_year)
    if point is None:
        return _span(part, fiscal_year)
    if part == last or not _has_year(last) or _has_year(part) or _point(last, fiscal_year) is None:
        return point
    ranged = _span(f"{part} - {last}", fiscal_year)
    if ranged is None:
        return point
    start = ranged[0]
    return (start, start) if point[0] == point[1] else (start, _month_end(start.year, start.month))


def _plain(s: str, fiscal_year: int, _: date | None) -> Period | None:
    found = _span(s, fiscal_year)
    return _period(found[0], found[1], ()) if found else None


# ---------------------------------------------------------------- small helpers


def _span(s: str, fiscal_year: int) -> tuple[date, date] | None:
    try:
        return parse_period(s, fiscal_year=fiscal_year)
    except InvalidInput:
        return None


def _point(s: str, fiscal_year: int) -> tuple[date, date] | None:
    """A single day (d, d) or a single month (first, last day), else None."""
    try:
        d = parse_date(s, fiscal_year=fiscal_year)
        return d, d
    except InvalidInput:
        pass
    found = _span(s, fiscal_year)
    if found and found[0].day == 1 and found[1] == _month_end(found[0].year, found[0].month):
        return found
    return None


def _has_year(s: str) -> bool:
    """Does `s` write its own year? (The fiscal year then changes nothing.)"""
    early = _point(s, 2500)
    return early is not None and early == _point(s, 2600)


def _month_end(y: int, m: int) -> date:
    return date(y, 12, 31) if m == 12 else date(y, m + 1, 1) - timedelta(days=1)


def _period(start: date, end: date, checkpoints: Iterable[date]) -> Period | None:
    """An understood Period, its checkpoints sorted, unique and inside the window."""
    if start > end:
        return None
    inside = sorted({c for c in checkpoints if start <= c <= end})
    return Period(start, end, tuple(inside), True)


__all__ = ["Period", "read_period"]
