"""Thai digits, Buddhist-Era years, month names; parsing and formatting dates.

(Skeleton: the plan-reader work fills in parsing; the signatures are the contract.)
"""

from __future__ import annotations

from datetime import date, datetime

from tracker.errors import InvalidInput

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
_TO_ARABIC = str.maketrans(THAI_DIGITS, "0123456789")
_TO_THAI = str.maketrans("0123456789", THAI_DIGITS)
BE_OFFSET = 543


def to_arabic_digits(text: str) -> str:
    return text.translate(_TO_ARABIC)


def to_thai_digits(text: str) -> str:
    return text.translate(_TO_THAI)


def parse_int(text: str, *, what: str = "number") -> int:
    """An integer a person typed, in Thai, Arabic or mixed digits."""
    s = to_arabic_digits(text.strip())
    if not s.isascii() or not s.lstrip("-").isdigit():
        raise InvalidInput(f"not a {what}: {text!r}")
    return int(s)


def parse_date(text: str, *, fiscal_year: int | None = None) -> date:
    """ISO, BE ISO (year >= 2400 is BE) or Thai forms ("๕ เม.ย. ๖๖")."""
    raise NotImplementedError


def parse_datetime(text: str) -> datetime:
    """A date or date-time as a person types it; aware, Asia/Bangkok if no offset."""
    raise NotImplementedError


def format_date(d: date, *, lang: str = "th", digits: str = "arabic", style: str = "short") -> str:
    raise NotImplementedError
