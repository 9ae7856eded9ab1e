"""The head of a plan document: its title, organisation, fiscal year and the
meeting that adopted it.

Every reader (text, Word, web page, spreadsheet) hands over the lines before
the first measure table as (1-based line/paragraph/row number, text), a table
row's cells joined by tabs, web-page HTML still in them. Agencies write the
head in many orders:

* the title on one line or two ("มาตรการส่งเสริมคุณธรรมจริยธรรมและความโปร่งใส"
  / "ภายในหน่วยงาน ประจำปีงบประมาณ พ.ศ. ๒๕๖๗"), sometimes after
  "ประกาศเทศบาลตำบล… เรื่อง";
* the organisation on the title line, on the next line, on a line of its own
  before the title, or only in a sentence ("ผลการประเมิน ITA ของ…");
* the adoption in a sentence: "…การประชุม… เมื่อวันที่ ๙ ธันวาคม ๒๕๖๕",
  "…เมื่อวันพฤหัสบดีที่ ๓๐ ตุลาคม ๒๕๖๘", "ในการประชุม… ครั้งที่ ๑/๒๕๖๘
  วันที่ …"; or only as the announcement's "ประกาศ ณ วันที่ …".

The meeting's date wins over the announcement's: the meeting adopted the
plan, the announcement only published it (often days later). The
announcement's date stands in when no meeting is dated.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from tracker.errors import InvalidInput
from tracker.plans.html import cell_text
from tracker.plans.model import Problem
from tracker.thai import normalize, parse_date, tidy, to_arabic_digits


@dataclass(frozen=True)
class Head:
    title: str  # the plan's title, a title on two lines joined with one space
    organisation: str  # "" when not found
    fiscal_year: int | None  # BE
    adopted_on: date | None
    adoption_meeting: str | None


ORG_PREFIXES = (
    "เทศบาล", "องค์การบริหารส่วน", "อบต", "อบจ", "ทต", "ทม", "ทน", "สำนักงาน", "กรม",
    "กระทรวง", "มหาวิทยาลัย", "โรงพยาบาล", "โรงเรียน", "สถาบัน", "การไฟฟ้า", "การประปา",
    "องค์การ", "เมืองพัทยา", "กรุงเทพมหานคร", "ศาล", "สภา", "กองทุน", "ธนาคาร", "บริษัท",
    "จังหวัด", "ที่ทำการ", "ศูนย์",
)  # fmt: skip
# How a title's second line begins: it carries on the first.
_CONTINUES = ("ภายใน", "ของ", "ประจำปี", "ปีงบประมาณ", "พ.ศ", "และ", "เพื่อ", "ใน", "ด้าน", "(")
_WEEKDAY = r"(?:จันทร์|อังคาร|พุธ|พฤหัสบดี|พฤหัส|ศุกร์|เสาร์|อาทิตย์)"
# The NACC and its provincial offices are named in heads without being the plan's organisation.
_NOT_THE_ORGANISATION = ("ป.ป.ช", "ปปช", "ป.ป.ท", "ปปท")


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    prefixes = "|".join(re.escape(p) for p in ORG_PREFIXES)
    return {
        "fy": re.compile(r"(?:ปีงบประมาณ|ประจำปี)\s*(?:พ\.?\s?ศ\.?)?\s*([0-9]{4}|[0-9]{2})(?![0-9])"),
        "title_phrase": re.compile(r"^.*?(?:โปร่งใส|ความโปร่งใส)(?:ภายใน|ของ)?(?:หน่วยงาน)?"),
        "year_phrase": re.compile(r"(?:ประจำ)?ปี(?:งบประมาณ)?\s*(?:พ\.?\s?ศ\.?)?\s*[0-9๐-๙]{2,4}(?![0-9๐-๙])"),
        # An address after a name; "เขต ๑" of an education area office is part of its name.
        "place": re.compile(
            r"\s+(?:อำเภอ|อ\.|จังหวัด|จ\.|ตำบล|ต\.|แขวง|เขต(?!\s*[0-9๐-๙]))|\s+(?:เรื่อง|ประจำปี|ปีงบประมาณ)"
        ),
        "org_in": re.compile(rf"(?:^|(?<=\s)|(?<=ของ)|(?<=ประกาศ))(?:{prefixes})"),
        "org_of": re.compile(rf"(?:ITA|ประเมิน)\s*(?:ของ)?\s*((?:{prefixes})\S+)"),
        "date": re.compile(
            rf"(?:วัน{_WEEKDAY}?\s*ที่|เมื่อ)\s*([0-9]{{1,2}}\s*\S+\s*(?:พ\.?\s?ศ\.?\s*)?[0-9]{{2,4}})"
        ),
        "announced": re.compile(r"ประกาศ\s*ณ\s*(?:วันที่)?"),
    }


def read_head(lines: Sequence[tuple[int, str]], problems: list[Problem]) -> Head:
    """The head of a plan from the lines before its first measure table.

    Nothing raises: what is not found is "" or None, and a missing
    organisation is added to `problems`.
    """
    texts = [(n, t) for n, raw in lines if (t := _plain(raw))]
    if not texts:
        problems.append(Problem(1, _NO_ORGANISATION))
        return Head("", "", None, None, None)
    at = _title_at(texts)
    title_lines = 2 if _continues(texts, at) else 1
    before, title = _split_announcement(" ".join(t for _, t in texts[at : at + title_lines]))
    fiscal_year = _fiscal_year(title) or _nearby_fiscal_year(texts, at, title_lines)
    organisation = _organisation(texts, at, title_lines, title, before)
    if not organisation:
        problems.append(Problem(texts[at][0], _NO_ORGANISATION))
    rest = texts[:at] + texts[at + title_lines :]
    adopted_on, meeting = _adoption(rest, fiscal_year)
    return Head(title, organisation, fiscal_year, adopted_on, meeting)


_NO_ORGANISATION = (
    "ไม่พบชื่อหน่วยงานที่หัวเอกสาร เช่น 'เทศบาลตำบล…' ใต้ชื่อมาตรการ"
    " (no organisation found in the document's head)"
)


def _plain(raw: str) -> str:
    """A line as text: HTML removed, cells joined by one space, spaces tidied."""
    return tidy(" ".join(cell_text(cell, " ") for cell in raw.split("\t")))


def _title_at(texts: list[tuple[int, str]]) -> int:
    """Where the title is: the first line naming the measures (มาตรการ), else
    the first naming integrity or transparency, else the first line. A
    numbered line ("๒. มาตรการ…") is a section heading inside the document,
    not its title ("แผนปฏิบัติการส่งเสริมคุณธรรม…" then "๒. มาตรการ…")."""
    unnumbered = [
        (k, t) for k, (_, t) in enumerate(texts) if not to_arabic_digits(t.strip())[:1].isdigit()
    ]
    for candidates in (unnumbered, list(enumerate(t for _, t in texts))):
        for words in (("มาตรการ",), ("คุณธรรม", "โปร่งใส")):
            for k, text in candidates:
                if any(w in text for w in words):
                    return k
    return 0


def _continues(texts: list[tuple[int, str]], at: int) -> bool:
    """Does the title go on on the next line?"""
    if at + 1 >= len(texts):
        return False
    nxt = texts[at + 1][1]
    if len(nxt) > 120 or "ประชุม" in nxt or "ITA" in nxt or re.match(r"[0-9๐-๙]+[.)]", nxt):
        return False
    # "ประจำปี…" after a title that already has its year starts something else.
    return nxt.startswith(_CONTINUES) and (
        _fiscal_year(texts[at][1]) is None or nxt.startswith(("ภายใน", "ของ"))
    )


def _split_announcement(title: str) -> tuple[str, str]:
    """"ประกาศเทศบาลตำบล… เรื่อง มาตรการ…" -> ("ประกาศเทศบาลตำบล…", "มาตรการ…")."""
    before, sep, after = title.partition("เรื่อง")
    if sep and "มาตรการ" in after and "มาตรการ" not in before:
        return before.strip(), after.strip()
    return "", title


def _fiscal_year(text: str) -> int | None:
    """The BE fiscal year a phrase names: "ประจำปีงบประมาณ พ.ศ. ๒๕๖๗", "ปีงบประมาณ 2567",
    "ประจำปี พ.ศ. ๒๕๖๗", "ปีงบประมาณ ๖๗"; a CE year is converted."""
    m = _patterns()["fy"].search(normalize(text))
    if m is None:
        return None
    year = int(m[1])
    if len(m[1]) == 2:
        year += 2500
    elif 1900 <= year < 2200:
        year += 543
    return year if 2400 <= year <= 2800 else None


def _nearby_fiscal_year(texts: list[tuple[int, str]], at: int, title_lines: int) -> int | None:
    """The fiscal year on a line of its own just before or after the title,
    never the assessed year a sentence about the ITA result names."""
    near = texts[max(0, at - 2) : at] + texts[at + title_lines : at + title_lines + 2]
    for _, text in near:
        if not any(w in text for w in ("ประเมิน", "ITA", "ผล")) and (fy := _fiscal_year(text)):
            return fy
    return None


def _name_at_start(text: str) -> str:
    """The organisation `text` begins with ("ของ", "ประกาศ" skipped), its address cut off."""
    s = text.strip().removeprefix("ประกาศ").strip().removeprefix("ของ").strip()
    if not s.startswith(ORG_PREFIXES):
        return ""
    name = _patterns()["place"].split(s, maxsplit=1)[0].strip(" -–,:")
    return name if len(name) < 120 and not any(w in name for w in _NOT_THE_ORGANISATION) else ""


def _organisation(
    texts: list[tuple[int, str]], at: int, title_lines: int, title: str, before: str
) -> str:
    """The organisation, looked for from the most to the least telling place."""
    pats = _patterns()
    rest = pats["year_phrase"].sub(" ", pats["title_phrase"].sub("", title, count=1))
    rest = " ".join(rest.split())
    if (m := pats["org_in"].search(rest)) and (name := _name_at_start(rest[m.start() :])):
        return name
    if name := _name_at_start(before):
        return name
    after = texts[at + title_lines : at + title_lines + 1]
    nearest_first = after + texts[:at][::-1] + texts[at + title_lines + 1 :]
    for k, (_, text) in enumerate(nearest_first):
        # Away from the title a line must be no more than the name (and its address).
        name = _name_at_start(text)
        if name and (k < len(after) or (len(name) <= 60 and name.count(" ") <= 2)):
            return name
    whole = normalize(" ".join(text for _, text in texts))
    if m := pats["org_of"].search(whole):
        return _name_at_start(m[1])
    return ""


def _adoption(texts: list[tuple[int, str]], fiscal_year: int | None) -> tuple[date | None, str | None]:
    """The date and wording of the meeting that adopted the plan, else the
    announcement's date with no meeting."""
    # The texts are tidy already: only the digits change, one to one, so
    # positions in `arabic` are positions in the text.
    arabic = [to_arabic_digits(text) for _, text in texts]
    for k, (_, text) in enumerate(texts):
        if "ประชุม" not in text:
            continue
        if found := _meeting_date(text, arabic[k], fiscal_year):
            return found
        if k + 1 < len(texts):  # a sentence broken over two lines: the date on the next
            joined = f"{text} {texts[k + 1][1]}"
            if found := _meeting_date(joined, f"{arabic[k]} {arabic[k + 1]}", fiscal_year):
                return found
    for line in arabic:
        m = _patterns()["announced"].search(line)
        if m and (day := _first_date(line[m.end() :], fiscal_year)) is not None:
            return day, None
    return None, None


def _meeting_date(line: str, arabic: str, fiscal_year: int | None) -> tuple[date, str] | None:
    for m in _patterns()["date"].finditer(arabic):
        try:
            day = parse_date(m[1], fiscal_year=fiscal_year)
        except InvalidInput:
            continue
        start = next((k for w in ("การประชุม", "ประชุม") if 0 <= (k := line.find(w)) < m.start()), 0)
        return day, line[start : m.end()]
    return None


def _first_date(text: str, fiscal_year: int | None) -> date | None:
    """The date `text` begins with: "๑๕ พฤศจิกายน พ.ศ. ๒๕๖๖"."""
    m = re.match(r"\s*([0-9]{1,2}\s*\S+\s*(?:พ\.?\s?ศ\.?\s*)?[0-9]{2,4})", text)
    if m is None:
        return None
    try:
        return parse_date(m[1], fiscal_year=fiscal_year)
    except InvalidInput:
        return None
