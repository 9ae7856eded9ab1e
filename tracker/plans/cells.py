"""What one cell of a measure row means: number, owners, checklist items, meeting.

Shared by the text and CSV readers, so both turn the same words into the same
values.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from tracker.plans.model import Item, MeetingRef
from tracker.thai import normalize, parse_month_ref, tidy, to_arabic_digits

# How the name of a responsible unit starts. " และ ", "/" split a cell only
# when both sides start like this, because many unit names contain "และ"
# ("กองการศึกษา ศาสนาและวัฒนธรรม", "กองสาธารณสุขและสิ่งแวดล้อม").
UNIT_PREFIXES = (
    "สำนัก", "กอง", "งาน", "ฝ่าย", "ส่วน", "หน่วย", "ศูนย์", "ทุก", "กลุ่ม", "แผนก",
    "คณะ", "ปลัด", "รองปลัด", "นายก", "รองนายก", "ผู้อำนวยการ", "ผอ.", "หัวหน้า",
    "เจ้าหน้าที่", "เจ้าพนักงาน", "พนักงาน", "ผู้บริหาร", "โรงเรียน", "ศพด", "นิติกร",
    "เลขานุการ", "สภา", "ห้อง", "โรงพยาบาล", "สถานี", "ผู้ตรวจ", "คณะกรรมการ",
)  # fmt: skip


def looks_like_unit(text: str) -> bool:
    """Does `text` start like a unit name and say more than the prefix?"""
    s = text.strip()
    return any(s.startswith(p) and len(s) > len(p) for p in UNIT_PREFIXES)


def _split_outside_brackets(text: str, seps: str) -> list[str]:
    """Split on any character of `seps` not inside (…) or […]."""
    parts: list[str] = []
    cur: list[str] = []
    depth = 0
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]" and depth:
            depth -= 1
        if ch in seps and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return parts


@lru_cache(maxsize=1)
def _owner_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    bullet = re.compile(r"^(?:[-•*·●○▪–]+|\(?[0-9๐-๙]{1,2}[.)])\s*")
    conj = re.compile(r"(\s+และ\s*|(?<=ฯ)\s*และ\s*|\s*และ\s+)")
    slash = re.compile(r"(\s*/\s*)")
    return bullet, conj, slash


def _split_pairwise(part: str, sep: re.Pattern[str]) -> list[str]:
    """Split `part` at `sep` only where both neighbours look like unit names."""
    pieces = sep.split(part)  # the pattern captures: text, sep, text, sep, …
    out = [pieces[0]]
    for between, piece in zip(pieces[1::2], pieces[2::2], strict=True):
        if looks_like_unit(out[-1]) and looks_like_unit(piece):
            out.append(piece)
        else:
            out[-1] = f"{out[-1]}{between}{piece}"
    return out


def split_owners(lines: list[str], *, separators: str = ",;、") -> tuple[str, ...]:
    """The unit names of an owners cell, in order, each once, as written.

    Lines (`<p>`, line breaks) and `separators` always split; " และ " and
    "/" split only between two unit names; a "(sub-section)" stays with its
    unit, also when it starts the next line.
    """
    bullet, conj, slash = _owner_patterns()
    entries: list[str] = []
    for raw in lines:
        line = bullet.sub("", tidy(raw))
        if not line:
            continue
        if entries and (line.startswith("(") or line.startswith("และ")):
            entries[-1] = f"{entries[-1]} {line}"
        else:
            entries.append(line)
    owners: list[str] = []
    for entry in entries:
        for part in _split_outside_brackets(entry, separators):
            for piece in _split_pairwise(part.strip(), conj):
                for unit in _split_pairwise(piece.strip(), slash):
                    unit = bullet.sub("", unit.strip()).strip()
                    if unit and unit not in owners:
                        owners.append(unit)
    return tuple(owners)


# ---------------------------------------------------------------- numbers


@lru_cache(maxsize=1)
def _number_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    title = re.compile(r"^\(?([0-9]{1,3}(?:\.[0-9]{1,3})*)(?:\.|\)|\s)\s*")
    numbered = re.compile(r"^มาตรการ(?:ที่)?\s*([0-9]{1,3}(?:\.[0-9]{1,3})*)(?![0-9])")
    return title, numbered


def number_cell(text: str) -> str | None:
    """The measure number a ที่ cell holds ("๒", "2.", "(2)", "1.1"), else None."""
    s = normalize(text).strip().lstrip("(").rstrip(".)").strip()
    return s if re.fullmatch(r"[0-9]{1,3}(?:\.[0-9]{1,3})*", s) else None


def split_title(title: str) -> tuple[str | None, str]:
    """("2", "กำหนดมาตรการ…") from "๒. กำหนดมาตรการ…"; the number may be None.

    "มาตรการที่ ๒ …" gives its number but keeps the title as written.
    """
    pat_title, pat_numbered = _number_patterns()
    arabic = to_arabic_digits(title)
    if m := pat_title.match(arabic):
        rest = title[m.end() :].strip()
        if rest:
            return m[1], rest
    if m := pat_numbered.match(arabic):
        return m[1], title
    return None, title


# ---------------------------------------------------------------- checklist


@lru_cache(maxsize=1)
def _item_patterns() -> list[tuple[str, re.Pattern[str]]]:
    return [
        ("(n)", re.compile(r"^\(([0-9]{1,3})\)\s*")),
        ("n.n", re.compile(r"^([0-9]{1,3}(?:\.[0-9]{1,3})+)\.?(?:\s+|(?=[^\s0-9.]))")),
        ("n)", re.compile(r"^([0-9]{1,3})\)\s*")),
        ("n.", re.compile(r"^([0-9]{1,3})\.(?![0-9])\s*")),
        ("(k)", re.compile(r"^\(([ก-ฮ])\)\s*")),
        ("k.", re.compile(r"^([ก-ฮ])[.)]\s+")),
        ("-", re.compile(r"^([-•*·●○▪–])\s*")),
    ]


def _marker(line: str) -> tuple[str, str, str] | None:
    """(style, label, text) when `line` starts with a list marker."""
    arabic = to_arabic_digits(line)
    for style, pat in _item_patterns():
        if m := pat.match(arabic):
            text = line[m.end() :].strip()
            return (style, m[1], text) if text else None
    return None


def _label(style: str, raw: str, seq: int) -> str:
    if style in ("(n)", "(k)"):
        return f"({raw})"
    if style == "n)":
        return f"{raw})"
    if style == "-":
        return str(seq)
    return raw  # "n." -> "1", "n.n" -> "1.2", "k." -> "ก"


def _join(path: list[str]) -> str:
    out = path[0]
    for part in path[1:]:
        if part.startswith(out + "."):  # "1." then "1.2": the child says it all
            out = part
        elif out[-1].isalnum() and part[0].isalnum():
            out = f"{out}.{part}"
        else:
            out += part
    return out


def checklist(lines: list[str]) -> tuple[Item, ...]:
    """The checklist of an actions cell: its numbered leaves, in order.

    Each marker style ("1.", "1)", "(1)", "1.1", "ก.", "-") is a level; a
    style not yet open nests under the current item, one already open closes
    the levels below it. Only leaves become items, labelled by their whole
    path in Arabic digits: "๑) … (๒) …" gives "1)(2)", "1." then "-" gives
    "1.1". A parent's own text stays in `actions` only. Unmarked lines before
    the first marker are an introduction and are skipped; later ones continue
    the item above.
    """
    entries: list[tuple[int, str, str]] = []  # depth, label path, text
    stack: list[tuple[str, str]] = []  # (style, label) per open level
    counters: list[int] = []
    for line in lines:
        mk = _marker(line)
        if mk is None:
            if entries:
                depth, label, text = entries[-1]
                entries[-1] = (depth, label, f"{text} {line}")
            continue
        style, raw, text = mk
        styles = [s for s, _ in stack]
        if style in styles:
            k = styles.index(style)
            del stack[k:]
            counters[k + 1 :] = []
            counters[k] += 1
        else:
            counters.append(1)
        stack.append((style, _label(style, raw, counters[len(stack)])))
        entries.append((len(stack), _join([lb for _, lb in stack]), text))
    items: list[Item] = []
    seen: set[str] = set()
    for i, (depth, label, text) in enumerate(entries):
        if i + 1 < len(entries) and entries[i + 1][0] > depth:
            continue  # a parent: its children are the checklist
        no, n = label, 2
        while no in seen:  # a document that repeats a number; keep both items
            no, n = f"{label}#{n}", n + 1
        seen.add(no)
        items.append(Item(no=no, text=text))
    return tuple(items)


# ---------------------------------------------------------------- meeting


def meeting_ref(text: str, *, fiscal_year: int, after: date | None = None) -> MeetingRef | None:
    """The follow-up meeting a follow-up cell names, or None without a month.

    The title is the cell from "การประชุม…" on (the whole cell if it names no
    meeting), whitespace and HTML already normalised, so equal wording gives
    equal values and the importer makes one meeting.
    """
    found = parse_month_ref(text, fiscal_year=fiscal_year, after=after)
    if found is None:
        return None
    s = tidy(text)
    for word in ("การประชุม", "ที่ประชุม", "ประชุม"):
        if (i := s.find(word)) >= 0:
            s = s[i:]
            break
    return MeetingRef(title=s, year=found[0], month=found[1])
