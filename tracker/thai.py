"""Thai digits, Buddhist-Era years, month names; parsing and formatting dates.

Everything a person types or a plan document writes about a day, a month or a
period goes through here. Years: a four-digit year >= 2400 is BE (Gregorian +
543), a two-digit year is 25xx BE, anything else four-digit is Gregorian.
Every parser raises only `InvalidInput`.

Stdlib only, and the regular expressions are compiled on first use: this
module sits on the start-up path of every command.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone
from functools import lru_cache

from tracker.clock import BANGKOK
from tracker.errors import InvalidInput

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
_TO_ARABIC = str.maketrans(THAI_DIGITS, "0123456789")
_TO_THAI = str.maketrans("0123456789", THAI_DIGITS)
BE_OFFSET = 543

MONTHS_TH = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)  # fmt: skip
MONTHS_TH_ABBR = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)  # fmt: skip
MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

# Spellings seen in real documents besides the standard ones: common typos
# (ฏ for ฎ, a missing ์) and the spoken short forms ("เมษา").
_TH_VARIANTS = {
    "กรกฏาคม": 7,
    "กุมภาพันธ": 2,
    "พฤษจิกายน": 11,
    "มกรา": 1, "กุมภา": 2, "มีนา": 3, "เมษา": 4, "พฤษภา": 5, "มิถุนา": 6,
    "กรกฎา": 7, "สิงหา": 8, "กันยา": 9, "ตุลา": 10, "พฤศจิกา": 11, "ธันวา": 12,
}  # fmt: skip


def to_arabic_digits(text: str) -> str:
    return text.translate(_TO_ARABIC)


def to_thai_digits(text: str) -> str:
    return text.translate(_TO_THAI)


def parse_int(text: str, *, what: str = "number") -> int:
    """An integer a person typed, in Thai, Arabic or mixed digits."""
    s = to_arabic_digits(text.strip())
    if not s.isascii() or not s.lstrip("-").isdigit() or len(s) > 18:
        raise InvalidInput(f"ตัวเลขไม่ถูกต้อง (not a {what}: {text!r})")
    return int(s)


# ---------------------------------------------------------------- month names


@lru_cache(maxsize=1)
def _month_lookup() -> dict[str, int]:
    """Every accepted month spelling, without dots and spaces, lower case."""
    table: dict[str, int] = {}
    for i in range(12):
        table[MONTHS_TH[i]] = i + 1
        table[MONTHS_TH_ABBR[i].replace(".", "")] = i + 1
        table[MONTHS_EN[i].lower()] = i + 1
        table[MONTHS_EN[i][:3].lower()] = i + 1
    table["sept"] = 9
    table.update(_TH_VARIANTS)
    return table


def _abbr_pattern(abbr: str) -> str:
    """'มี.ค.' -> a pattern that also accepts 'มีค', 'มี.ค', 'มี. ค.'."""
    head, tail = abbr.rstrip(".").split(".")
    return re.escape(head) + r"\.?\s?" + re.escape(tail) + r"\.?"


@lru_cache(maxsize=1)
def _month_alternation() -> str:
    """One regex alternation of every month spelling, longest forms first."""
    words = sorted(
        set(MONTHS_TH) | set(_TH_VARIANTS) | {m for m in MONTHS_EN} | {"Sept"},
        key=len,
        reverse=True,
    )
    parts = [re.escape(w) for w in words]
    parts += [_abbr_pattern(a) for a in MONTHS_TH_ABBR]
    parts += [re.escape(m[:3]) + r"\.?" for m in MONTHS_EN]
    return "(?:" + "|".join(parts) + ")"


def month_number(name: str) -> int | None:
    """1..12 for any accepted month spelling ("เม.ย.", "เมษายน", "Apr"), else None."""
    key = re.sub(r"[.\s]", "", name).lower()
    return _month_lookup().get(key)


# ---------------------------------------------------------------- years


_ERA = r"(?:พ\.?\s?ศ\.?|ค\.?\s?ศ\.?|B\.?\s?E\.?|A\.?\s?D\.?|C\.?\s?E\.?)"


def _year_to_ce(digits: str, era: str | None, source: str) -> int:
    """The Gregorian year a written year means (see the module docstring)."""
    n = int(digits)
    era_key = re.sub(r"[.\s]", "", era or "").upper()
    if era_key in ("พศ", "BE"):
        ce = n + 2500 - BE_OFFSET if len(digits) <= 2 else n - BE_OFFSET
    elif era_key in ("คศ", "AD", "CE"):
        ce = n + 2000 if len(digits) <= 2 else n
    elif len(digits) <= 2:
        ce = n + 2500 - BE_OFFSET
    else:
        ce = n - BE_OFFSET if n >= 2400 else n
    if not 1 <= ce <= 9999:
        raise InvalidInput(f"ปีไม่ถูกต้อง (year out of range in {source!r})")
    return ce


def _fiscal_month_year(month: int, fiscal_year: int | None, source: str) -> int:
    """The Gregorian year of `month` inside BE fiscal year `fiscal_year`."""
    if fiscal_year is None:
        raise InvalidInput(f"วันที่ไม่มีปี เช่น '5 เม.ย. 2566' (no year in {source!r})")
    ce = fiscal_year - BE_OFFSET
    if not 2 <= ce <= 9999:
        raise InvalidInput(f"ปีงบประมาณไม่ถูกต้อง (fiscal year out of range: {fiscal_year})")
    return ce - 1 if month >= 10 else ce


def _make_date(y: int, m: int, d: int, source: str) -> date:
    try:
        return date(y, m, d)
    except ValueError:
        raise InvalidInput(f"ไม่มีวันที่นี้ในปฏิทิน (no such date: {source!r})") from None


def _last_day(y: int, m: int) -> int:
    if m == 12:
        return 31
    return (date(y, m + 1, 1) - timedelta(days=1)).day


# ---------------------------------------------------------------- normalising


# Zero-width space, non-joiner, joiner, byte-order mark, soft hyphen.
INVISIBLE = "\u200b\u200c\u200d\ufeff\xad"
_INVISIBLE = str.maketrans(dict.fromkeys(INVISIBLE, ""))


def tidy(text: str) -> str:
    """No invisible characters, single spaces, one 'ำ'; digits as written.

    Word and PDF conversions often write sara am as nikhahit + sara aa and
    scatter zero-width spaces; both would defeat matching.
    """
    s = text.translate(_INVISIBLE).replace("\u0e4d\u0e32", "\u0e33")
    return " ".join(s.split())


def normalize(text: str) -> str:
    """`tidy`, with Arabic digits: the form every parser here works on."""
    return to_arabic_digits(tidy(text))


def _clean(text: str) -> str:
    """`normalize` plus the filler words around dates ("วันที่", "เดือน")."""
    s = normalize(text)
    s = re.sub(r"^วัน(?:จันทร์|อังคาร|พุธ|พฤหัสบดี|พฤหัส|ศุกร์|เสาร์|อาทิตย์)?\s*ที่", "", s)
    s = s.replace("วันที่", " ").replace("เดือน", " ")
    return " ".join(s.split())


# ---------------------------------------------------------------- dates


@lru_cache(maxsize=1)
def _date_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    month = _month_alternation()
    iso = re.compile(r"([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})")
    dmy = re.compile(r"([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4}|[0-9]{2})")
    text = re.compile(
        rf"([0-9]{{1,2}})\s*({month})\s*,?\s*(?:({_ERA})\s*)?([0-9]{{4}}|[0-9]{{2}})?",
        re.IGNORECASE,
    )
    month_first = re.compile(
        rf"({month})\s*([0-9]{{1,2}})(?:\s*,\s*|\s+)(?:({_ERA})\s*)?([0-9]{{4}}|[0-9]{{2}})",
        re.IGNORECASE,
    )
    return iso, dmy, text, month_first


def _date_or_none(s: str, fiscal_year: int | None, source: str) -> date | None:
    """The date `s` (already cleaned) names in full, None if it is no date form."""
    iso, dmy, text, month_first = _date_patterns()
    if m := iso.fullmatch(s):
        y = _year_to_ce(m[1], None, source)
        return _make_date(y, int(m[2]), int(m[3]), source)
    if m := dmy.fullmatch(s):
        y = _year_to_ce(m[3], None, source)
        return _make_date(y, int(m[2]), int(m[1]), source)
    if m := text.fullmatch(s):
        mon = month_number(m[2])
        if mon is None:
            return None
        if m[4]:
            y = _year_to_ce(m[4], m[3], source)
        elif m[3]:
            return None
        else:
            y = _fiscal_month_year(mon, fiscal_year, source)
        return _make_date(y, mon, int(m[1]), source)
    if m := month_first.fullmatch(s):
        mon = month_number(m[1])
        if mon is None:
            return None
        return _make_date(_year_to_ce(m[4], m[3], source), mon, int(m[2]), source)
    return None


def parse_date(text: str, *, fiscal_year: int | None = None) -> date:
    """A date as people write it: ISO "2023-04-05", BE ISO "2566-04-05",
    "5/4/2566", "๕ เม.ย. ๖๖", "5 เมษายน พ.ศ. 2566", "5 Apr 2023".

    A missing year is taken from `fiscal_year` (BE; Oct-Dec belong to the
    year before). Raises InvalidInput for anything else.
    """
    if not isinstance(text, str) or len(text) > 200:
        raise InvalidInput(f"วันที่ไม่ถูกต้อง (not a date: {str(text)[:40]!r})")
    d = _date_or_none(_clean(text), fiscal_year, text)
    if d is None:
        raise InvalidInput(
            f"วันที่ไม่ถูกต้อง เขียนเช่น 2023-04-05, 2566-04-05 หรือ 5 เม.ย. 2566 (not a date: {text!r})"
        )
    return d


# ---------------------------------------------------------------- times


@lru_cache(maxsize=1)
def _time_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    clock = r"([0-9]{1,2})(?:[:.]([0-9]{2})(?::([0-9]{2})(?:\.([0-9]{1,6})[0-9]*)?)?)?"
    alone = re.compile(rf"(?:เวลา\s*)?{clock}\s*(?:น\.?|นาฬิกา)?")
    # A time at the end of a date-time, after "T" or a space, with an offset.
    tail = re.compile(
        r"(?:^|(?<=[0-9])T|\s)(?:เวลา\s*)?([0-9]{1,2})[:.]([0-9]{2})"
        r"(?::([0-9]{2})(?:\.([0-9]{1,6})[0-9]*)?)?\s*(?:น\.?|นาฬิกา)?\s*"
        r"(Z|[+-][0-9]{2}(?::?[0-9]{2})?)?$",
        re.IGNORECASE,
    )
    return alone, tail


def _make_time(h: str, m: str | None, s: str | None, frac: str | None, source: str) -> time:
    try:
        micro = int((frac or "0").ljust(6, "0"))
        return time(int(h), int(m or 0), int(s or 0), micro)
    except ValueError:
        raise InvalidInput(f"ไม่มีเวลานี้ (no such time: {source!r})") from None


def parse_time(text: str) -> time:
    """A time of day: "08:30", "8.30 น.", "๘.๓๐", "08:30:15"."""
    if not isinstance(text, str) or len(text) > 60:
        raise InvalidInput(f"เวลาไม่ถูกต้อง (not a time: {str(text)[:40]!r})")
    alone, _ = _time_patterns()
    m = alone.fullmatch(normalize(text))
    if m is None:
        raise InvalidInput(f"เวลาไม่ถูกต้อง เขียนเช่น 08:30 หรือ 8.30 น. (not a time: {text!r})")
    return _make_time(m[1], m[2], m[3], m[4], text)


def _offset(text: str, source: str) -> timezone:
    if text.upper() == "Z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if hours > 23 or minutes > 59:
        raise InvalidInput(f"bad time-zone offset in {source!r}")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _plain_iso_date(text: str) -> date | None:
    """A CE date written "2023-09-01", read without the patterns (compiling
    them is a tenth of a start-up, and `--now` is usually written so); None
    for anything else, which the full parser reads (a BE year, Thai digits)."""
    if len(text) != 10 or text[4] != "-" or text[7] != "-" or not text.isascii():
        return None
    y, m, d = text[:4], text[5:7], text[8:]
    if not (y.isdigit() and m.isdigit() and d.isdigit()) or not 1 <= int(y) < 2400:
        return None
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        return None


def parse_datetime(text: str) -> datetime:
    """A date or date-time as a person types it; aware, in Asia/Bangkok.

    Accepts every parse_date form (midnight), optionally followed by a time
    ("T08:30", " 08:30", " 8.30 น.") and an offset ("+07:00", "Z"); a time
    with an offset is converted to Bangkok time (the same instant).
    """
    if not isinstance(text, str) or len(text) > 200:
        raise InvalidInput(f"วันเวลาไม่ถูกต้อง (not a date-time: {str(text)[:40]!r})")
    iso = _plain_iso_date(text)
    if iso is not None:
        return datetime.combine(iso, time(0), BANGKOK)
    s = normalize(text)
    _, tail = _time_patterns()
    m = tail.search(s)
    if m is not None and m.start() > 0:
        day = _date_or_none(_clean(s[: m.start()]), None, text)
        if day is not None:
            t = _make_time(m[1], m[2], m[3], m[4], text)
            zone = _offset(m[5], text) if m[5] else BANGKOK
            try:
                return datetime.combine(day, t, zone).astimezone(BANGKOK)
            except (OverflowError, ValueError):
                raise InvalidInput(f"วันเวลาเกินขอบเขต (date-time out of range: {text!r})") from None
    day = _date_or_none(_clean(s), None, text)
    if day is None:
        raise InvalidInput(
            f"วันเวลาไม่ถูกต้อง เขียนเช่น 2023-04-05 08:30 หรือ 5 เม.ย. 2566 8.30 น. (not a date-time: {text!r})"
        )
    return datetime.combine(day, time(0), BANGKOK)


# ---------------------------------------------------------------- formatting


def _digits(text: str, digits: str) -> str:
    if digits == "thai":
        return to_thai_digits(text)
    if digits == "arabic":
        return text
    raise InvalidInput(f"digits must be 'thai' or 'arabic', not {digits!r}")


def format_date(d: date, *, lang: str = "th", digits: str = "arabic", style: str = "short") -> str:
    """ "5 เม.ย. 2566" (th short), "5 เมษายน 2566" (th long), "5 Apr 2023",
    "5 April 2023" (en), "2023-04-05" (iso). parse_date reads every one back."""
    if style == "iso":
        text = d.isoformat()
    elif lang == "th" and style in ("short", "long"):
        names = MONTHS_TH_ABBR if style == "short" else MONTHS_TH
        text = f"{d.day} {names[d.month - 1]} {d.year + BE_OFFSET}"
    elif lang == "en" and style in ("short", "long"):
        name = MONTHS_EN[d.month - 1]
        text = f"{d.day} {name[:3] if style == 'short' else name} {d.year}"
    else:
        raise InvalidInput(f"unknown date format: lang={lang!r} style={style!r}")
    return _digits(text, digits)


def format_month(
    year: int, month: int, *, lang: str = "th", digits: str = "arabic", style: str = "long"
) -> str:
    """A month of Gregorian `year`: "เมษายน 2566" / "เม.ย. 2566" / "April 2023"."""
    if not 1 <= month <= 12:
        raise InvalidInput(f"no such month: {month}")
    if lang == "th":
        names = MONTHS_TH_ABBR if style == "short" else MONTHS_TH
        text = f"{names[month - 1]} {year + BE_OFFSET}"
    elif lang == "en":
        name = MONTHS_EN[month - 1]
        text = f"{name[:3] if style == 'short' else name} {year}"
    else:
        raise InvalidInput(f"unknown language: {lang!r}")
    return _digits(text, digits)


# ---------------------------------------------------------------- fiscal years


def fiscal_year_of(d: date) -> int:
    """The BE fiscal year `d` falls in (1 Oct - 30 Sep, named by the year it ends in)."""
    return d.year + BE_OFFSET + (1 if d.month >= 10 else 0)


def fiscal_year_bounds(be: int) -> tuple[date, date]:
    """First and last day of BE fiscal year `be`: 2566 -> 2022-10-01, 2023-09-30."""
    ce = be - BE_OFFSET
    if not 2 <= ce <= 9999:
        raise InvalidInput(f"ปีงบประมาณไม่ถูกต้อง (fiscal year out of range: {be})")
    return date(ce - 1, 10, 1), date(ce, 9, 30)


# ---------------------------------------------------------------- periods


@lru_cache(maxsize=1)
def _period_patterns() -> dict[str, re.Pattern[str]]:
    month = _month_alternation()
    year = rf"(?:({_ERA})\s*)?([0-9]{{4}}|[0-9]{{2}})"
    return {
        "whole": re.compile(
            rf"(?:(?:ตลอด(?:ทั้ง)?|ทั้ง)\s*ปี(?:งบประมาณ|งบ)?|ปีงบประมาณ|ปีงบ"
            rf"|(?:whole|entire|all)?\s*(?:fiscal\s+year|FY))\s*(?:{year})?",
            re.IGNORECASE,
        ),
        "quarter": re.compile(
            rf"(?:ไตรมาส\s*(?:ที่)?|Q|quarter)\s*([1-4])"
            rf"(?:\s*/?\s*(?:ของ)?\s*(?:ปีงบประมาณ|ปีงบ|fiscal\s+year|FY)?\s*{year})?",
            re.IGNORECASE,
        ),
        "endpoint": re.compile(
            rf"(?:([0-9]{{1,2}})\s*)?({month})\s*,?\s*(?:{year})?", re.IGNORECASE
        ),
        "sep": re.compile(r"\s*(?:จนถึง|ถึง|–|—|-|\bto\b|\buntil\b)\s*", re.IGNORECASE),
        "lead": re.compile(r"^(?:ตั้งแต่|ระหว่าง|ภายใน|ช่วง|from)\s*", re.IGNORECASE),
        "parts": re.compile(r"\s*(?:,|;|\s+และ\s*|\s+and\s+)\s*", re.IGNORECASE),
    }


# An end of a range: a whole date, or (day, month, Gregorian year) with any of
# day / year missing; a bare day ("1 - 15 มี.ค.") has no month.
_Point = date | tuple[int | None, int | None, int | None]


def _point(s: str, source: str) -> _Point | None:
    iso, dmy, _, _ = _date_patterns()
    if iso.fullmatch(s) or dmy.fullmatch(s):
        return _date_or_none(s, None, source)
    if m := _period_patterns()["endpoint"].fullmatch(s):
        if m[3] and not m[4]:
            return None
        y = _year_to_ce(m[4], m[3], source) if m[4] else None
        return (int(m[1]) if m[1] else None, month_number(m[2]), y)
    if re.fullmatch(r"[0-9]{1,2}", s):
        return (int(s), None, None)
    return None


def _resolve(left: _Point, right: _Point, fiscal_year: int, source: str) -> tuple[date, date]:
    """Fill in missing years and days of a range's two ends."""
    if isinstance(left, date) and isinstance(right, date):
        return left, right
    ld: int | None
    lm: int | None
    ly: int | None
    rd: int | None
    rm: int | None
    ry: int | None
    if isinstance(left, date):
        ld, lm, ly = left.day, left.month, left.year
    else:
        ld, lm, ly = left
    if isinstance(right, date):
        rd, rm, ry = right.day, right.month, right.year
    else:
        rd, rm, ry = right
    if rm is None:
        raise InvalidInput(f"no month at the end of {source!r}")
    if lm is None:  # "1 - 15 มี.ค. 66": the left end shares the right's month
        lm, ly = rm, ry
    if ly is None:
        if ry is None:  # noqa: SIM108 - two cases read better than a nested conditional
            ly = _fiscal_month_year(lm, fiscal_year, source)
        else:
            ly = ry if lm <= rm else ry - 1
    if ry is None:
        ry = ly if rm >= lm else ly + 1
    start = _make_date(ly, lm, ld or 1, source)
    end = _make_date(ry, rm, rd or _last_day(ry, rm), source)
    return start, end


def _single(s: str, fiscal_year: int, source: str) -> tuple[date, date] | None:
    p = _point(s, source)
    if p is None:
        return None
    if isinstance(p, date):
        return p, p
    day, mon, y = p
    if mon is None:
        return None
    if y is None:
        y = _fiscal_month_year(mon, fiscal_year, source)
    if day is not None:
        d = _make_date(y, mon, day, source)
        return d, d
    return date(y, mon, 1), date(y, mon, _last_day(y, mon))


def _range(s: str, fiscal_year: int, source: str) -> tuple[date, date] | None:
    """A single month/day or a range "X - Y" (any separator), else None."""
    pats = _period_patterns()
    s = pats["lead"].sub("", s).strip()
    if not s:
        return None
    single = _single(s, fiscal_year, source)
    if single is not None:
        return single
    for sep in pats["sep"].finditer(s):
        left, right = _point(s[: sep.start()], source), _point(s[sep.end() :], source)
        if left is not None and right is not None:
            return _resolve(left, right, fiscal_year, source)
    return None


def _fiscal_from(era: str | None, digits: str | None, fiscal_year: int, source: str) -> int:
    """The BE fiscal year a written year names (the plan's own when none)."""
    if not digits:
        return fiscal_year
    return _year_to_ce(digits, era, source) + BE_OFFSET


def _whole_or_quarter(s: str, fiscal_year: int, source: str) -> tuple[date, date] | None:
    pats = _period_patterns()
    if m := pats["whole"].fullmatch(s):
        return fiscal_year_bounds(_fiscal_from(m[1], m[2], fiscal_year, source))
    if m := pats["quarter"].fullmatch(s):
        first, _ = fiscal_year_bounds(_fiscal_from(m[2], m[3], fiscal_year, source))
        q = int(m[1])
        y, mon = (first.year, 10) if q == 1 else (first.year + 1, 3 * q - 5)
        return date(y, mon, 1), date(y, mon + 2, _last_day(y, mon + 2))
    return None


def _period_or_none(s: str, fiscal_year: int, source: str) -> tuple[date, date] | None:
    if found := _whole_or_quarter(s, fiscal_year, source) or _range(s, fiscal_year, source):
        return found
    if "(" in s:
        # "ไตรมาสที่ ๒ (ม.ค. - มี.ค. ๒๕๖๗)": the months in the brackets are
        # the most explicit; the text outside them is the fallback.
        inner = " ".join(re.findall(r"\(([^()]*)\)", s))
        outer = " ".join(re.sub(r"\([^()]*\)", " ", s).split())
        for part in (inner, outer):
            if found := _period_or_none(part, fiscal_year, source) if part != s else None:
                return found
    return None


def parse_period(text: str, *, fiscal_year: int) -> tuple[date, date]:
    """The window a period cell names, first and last day included.

    "ม.ค. - มี.ค. ๖๖" -> 2023-01-01..2023-03-31; "เมษายน ๖๖" -> one month;
    "1 ม.ค. - 15 มี.ค. 2566" -> exact days; "ต.ค. ๖๕ - มี.ค. ๖๖" and
    "พ.ย. - ก.พ." cross the new year (a missing year comes from the BE
    `fiscal_year`: Oct-Dec belong to the year before); "ไตรมาสที่ ๒" is a
    fiscal quarter (Q1 = Oct-Dec); "ตลอดปีงบประมาณ [พ.ศ. ๒๕๖๗]" is the whole
    fiscal year. Separators "-", "–", "—", "ถึง". Several periods joined by
    "และ" or commas give the span from the first start to the last end.
    """
    if not isinstance(text, str) or len(text) > 300:
        raise InvalidInput(f"ระยะเวลาไม่ถูกต้อง (not a period: {str(text)[:40]!r})")
    s = _clean(text)
    found = _period_or_none(s, fiscal_year, text)
    if found is None:
        parts = [p for p in _period_patterns()["parts"].split(s) if p]
        if len(parts) > 1:
            spans = [_period_or_none(p, fiscal_year, text) for p in parts]
            if all(spans):
                found = (min(sp[0] for sp in spans if sp), max(sp[1] for sp in spans if sp))
    if found is None:
        raise InvalidInput(
            f"ไม่เข้าใจระยะเวลา (period not understood: {text!r}; "
            "write e.g. 'ม.ค. - มี.ค. 2566', 'เมษายน 2566', 'ไตรมาสที่ 2', 'ตลอดปีงบประมาณ')"
        )
    if found[0] > found[1]:
        raise InvalidInput(f"ระยะเวลาสิ้นสุดก่อนเริ่ม (period ends before it starts: {text!r})")
    return found


@lru_cache(maxsize=1)
def _month_ref_pattern() -> re.Pattern[str]:
    full = sorted(set(MONTHS_TH) | set(_TH_VARIANTS) | set(MONTHS_EN), key=len, reverse=True)
    # Abbreviations only with a dot: undotted "มค" or "กพ" hide inside words.
    dotted = [
        re.escape(h) + r"\.\s?" + re.escape(t) + r"\.?"
        for h, t in (a.rstrip(".").split(".") for a in MONTHS_TH_ABBR)
    ]
    year = rf"\s*(?:({_ERA})\s*)?([0-9]{{4}}|[0-9]{{2}})?(?![0-9])"
    return re.compile(
        rf"([0-9]{{4}})-([0-9]{{1,2}})(?![0-9])"
        rf"|({'|'.join(map(re.escape, full))}){year}"
        rf"|(?<![\u0e01-\u0e4e])({'|'.join(dotted)}){year}",
        re.IGNORECASE,
    )


def parse_month_ref(
    text: str, *, fiscal_year: int, after: date | None = None
) -> tuple[int, int] | None:
    """The (Gregorian year, month) a follow-up cell names, or None.

    "รายงานผล…ในการประชุมพนักงาน/ผู้บริหารประจำเดือนเมษายน ๖๖" -> (2023, 4).
    Without a written year the month is placed in the BE `fiscal_year`, or, if
    `after` is given, at its first occurrence not before `after`'s month.
    """
    if not isinstance(text, str):
        return None
    s = normalize(text[:2000])
    for m in _month_ref_pattern().finditer(s):
        try:
            if m[1]:
                y, mon = _year_to_ce(m[1], None, text), int(m[2])
                if 1 <= mon <= 12:
                    return y, mon
                continue
            name, era, digits = (m[3], m[4], m[5]) if m[3] else (m[6], m[7], m[8])
            mon_no = month_number(name)
            if mon_no is None:
                continue
            if m[6] and not digits and not re.search(r"(?:เดือน|[0-9])\s*$", s[: m.start()]):
                continue  # a bare "ก.พ." is as likely the Civil Service Commission
            if digits:
                return _year_to_ce(digits, era, text), mon_no
            y = _fiscal_month_year(mon_no, fiscal_year, text)
            if after is not None and (y, mon_no) < (after.year, after.month):
                y += 1
            return y, mon_no
        except InvalidInput:
            continue
    return None


__all__ = [
    "BE_OFFSET",
    "MONTHS_EN",
    "MONTHS_TH",
    "MONTHS_TH_ABBR",
    "THAI_DIGITS",
    "fiscal_year_bounds",
    "fiscal_year_of",
    "format_date",
    "format_month",
    "month_number",
    "normalize",
    "parse_date",
    "parse_datetime",
    "parse_int",
    "parse_month_ref",
    "parse_period",
    "parse_time",
    "tidy",
    "to_arabic_digits",
    "to_thai_digits",
]
