"""The ITA section of a plan document: indicator scores, overall score, grade.

Read from the lines before the first measure table, in any of the shapes
agencies write it: "๕. การใช้ทรัพย์สินของราชการ ๙๒.๕๓ คะแนน" in one cell,
the score in a cell of its own, a leading row-number column, or two years'
scores side by side under year headings ("ปี ๒๕๖๖ | ปี ๒๕๖๗"). Indicators
are matched by name (tracker.ita), never by their row number.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from tracker import ita
from tracker.plans.html import cell_lines
from tracker.plans.model import Baseline, Indicator, Problem
from tracker.thai import to_arabic_digits, to_thai_digits

_SCORE = r"[0-9]{1,3}(?:\.[0-9]{1,3})?"


def _loose(word: str) -> str:
    """A regex for `word` as a PDF copy may write it: stray spaces between
    letters, and "ำ" where "า" was typed."""
    return r"\s?".join("[าำ]" if c == "า" else re.escape(c) for c in word)


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    strong = ("คะแนนรวม", "ภาพรวม", "คะแนนเฉลี่ยรวม")
    weak = ("ผลคะแนน", "ได้รับคะแนน", "ได้คะแนน", "คะแนนITA", "คะแนน ITA", "คะแนนการประเมิน", "คะแนนเฉลี่ย")
    return {
        "trailing_score": re.compile(rf"(?<![0-9.])({_SCORE})\s*(?:คะแนน)?\s*$"),
        "score": re.compile(rf"^({_SCORE})\s*(?:คะแนน)?$"),
        "not_a_score": re.compile(r"^(?:[+\-−–]\s*[0-9.]*|[0-9.]+\s*%|n/?a|ไม่มี)$", re.IGNORECASE),
        "strong": re.compile("|".join(_loose(w) for w in strong)),
        "weak": re.compile("|".join(_loose(w) for w in weak)),
        "number": re.compile(r"(?<![0-9.])([0-9]+(?:\.[0-9]+)?)(?![0-9])"),
        "overall_before": re.compile(r"([0-9]{2,3}(?:\.[0-9]{1,3})?)\s*คะแนน"),
        "grade": re.compile(r"(?:ระดับ|เกรด)\s*(?:คะแนน\s*)?(AA|A|B|C|D|E|F)(?![A-Za-z])"),
        "year": re.compile(r"ปี(?:งบประม[าำ]ณ)?\s*(?:พ\.?\s?ศ\.?)?\s*(2[4-9][0-9]{2})(?![0-9])"),
        # A first cell that only numbers the row: "๕", "(5)", "ตัวชี้วัดที่ ๕", empty.
        "row_number": re.compile(r"(?:ตัวชี้วัด\s*(?:ที่)?)?[0-9().\s]*"),
        "one_indicator": re.compile(r"ตัวชี้วัด(?:ย่อย)?\s*ที่\s*[0-9]"),
        "group": re.compile(r"(?<![A-Za-z])[IEO]IT(?![A-Za-z])"),
        "heading_year": re.compile(r"(?<![0-9])(25[0-9]{2})(?![0-9])"),
        "total": re.compile(r"^(?:ผล)?(?:การประเมิน)?(?:คะแนน)?(?:เฉลี่ย)?(?:รวม|ภาพรวม|เฉลี่ย)"),
        "edge_score": re.compile(
            r"^\s*[0-9]{1,3}\.[0-9]{2}\s*(?:คะแนน)?\s+|\s+[0-9]{1,3}\.[0-9]{2}\s*(?:คะแนน)?\s*$"
        ),
    }


# How the headings over a baseline table's columns read: a short cell that
# holds one of the first words or begins with one of the second.
_HEADING_HOLDS = ("ประเด็น", "ข้อเสนอแนะ", "แก้ไขปรับปรุง")
_HEADING_STARTS = (
    "คะแนน", "ผลคะแนน", "ผลการประเมิน", "ผลต่าง", "หมายเหตุ", "ระดับ", "ตัวชี้วัดของ",
    "ตัวชี้วัดการประเมิน", "เพิ่มขึ้น", "ลดลง",
)  # fmt: skip
_HEADING_IS = ("ตัวชี้วัด", "ที่", "ลำดับ", "ลำดับที่", "ข้อ")
# A column of differences between the two years, not a score.
_DIFFERENCE = ("ผลต่าง", "เพิ่ม", "ลด", "เปลี่ยนแปลง", "+/-", "±")


def _is_heading(cell: str) -> bool:
    """A column heading (over the scores or the assessor's points), not content.
    `cell` is normalised already."""
    s = cell.replace(" ", "")
    return len(s) < 40 and (
        any(w in s for w in _HEADING_HOLDS)
        or s.startswith(_HEADING_STARTS)
        or s in _HEADING_IS
        or bool(re.fullmatch(r"(?:ปี|งบประมาณ|พ\.?ศ\.?|ITA)*25[0-9]{2}", s))
    )


@dataclass
class _Columns:
    """The year headings of the table being read: column index -> BE year,
    and the columns that hold differences."""

    years: dict[int, int] = field(default_factory=dict)
    skip: set[int] = field(default_factory=set)


def _year_heading(cells: list[str]) -> _Columns | None:
    """The year headings of a row such as "ตัวชี้วัด | ปี ๒๕๖๖ | ปี ๒๕๖๗", or None."""
    cols = _Columns()
    for k, cell in enumerate(cells):
        s = cell.replace(" ", "")
        if len(s) > 40 or re.search(r"[0-9]\.[0-9]", s):
            return None  # a sentence or a score: content, not a heading
        if any(w in s for w in _DIFFERENCE):
            cols.skip.add(k)
        elif m := _patterns()["heading_year"].search(s):
            cols.years[k] = int(m[1])
    # A line of prose with one year ("ปีงบประมาณ พ.ศ. ๒๕๖๕") heads no columns.
    if len(cells) < 2 and len(_patterns()["heading_year"].findall(cells[0])) < 2:
        return None
    return cols if cols.years else None


def _scores(cells: list[str], at: int, cols: _Columns) -> tuple[str, list[tuple[int, float]]]:
    """The name in cell `at` without its trailing scores, and every score of
    the row in order, each with its column (a score in the name cell counts
    as that cell's)."""
    pats = _patterns()
    name = cells[at]
    inline: list[tuple[int, float]] = []
    # At most three trailing scores: "ชื่อ ๘๕.๐๐ ๘๗.๕๐" gives two years in one cell.
    while len(inline) < 3 and (m := pats["trailing_score"].search(name)) and m.start() > 0:
        inline.insert(0, (at, float(m[1])))
        name = name[: m.start()].rstrip()
    found = list(inline)
    for k in range(at + 1, len(cells)):
        if k not in cols.skip and (m := pats["score"].match(cells[k].strip())):
            found.append((k, float(m[1])))
    return name, found


def _pick(
    found: list[tuple[int, float]], cols: _Columns, target: int | None
) -> tuple[float, int | None] | None:
    """The assessed year's score among a row's scores, and that year if headed.

    Under year headings: the target year's column, else the latest year up
    to it. Without them (or when they do not line up): the last score.
    """
    if not found:
        return None
    years = [cols.years[k] for k, _ in found if k in cols.years]
    if cols.years and len(years) != len(found) and len(found) == len(cols.years):
        years = [cols.years[k] for k in sorted(cols.years)]  # scores in one cell, by order
    if years and len(years) == len(found):
        wanted = [y for y in years if target is None or y <= target]
        year = target if target in years else max(wanted or years)
        return found[years.index(year)][1], year
    return found[-1][1], None


_GRADES = frozenset(("AA", "A", "B", "C", "D", "E", "F"))


@dataclass
class _Reading:
    grade: str | None = None  # from a grade row of the score table
    found: dict[int, Indicator] = field(default_factory=dict)
    lines: dict[int, int] = field(default_factory=dict)
    improvements: list[str] = field(default_factory=list)
    prose: list[str] = field(default_factory=list)
    table_total: float | None = None
    years: list[int] = field(default_factory=list)


def read_baseline(
    lines: Sequence[tuple[int, str]], problems: list[Problem], *, fiscal_year: int | None = None
) -> Baseline | None:
    """The ITA baseline in `lines` (line number, raw line), or None if absent.

    `fiscal_year` is the plan's (BE): its year before is the assessed year,
    whose column is read when a table gives two years' scores. Every other
    cell that is no heading and no score is one of the assessor's points.
    """
    target = fiscal_year - 1 if fiscal_year else None
    r = _Reading()
    cols = _Columns()
    for lineno, raw in lines:
        split = [cell_lines(c) for c in raw.split("\t")]
        texts = ["\n".join(parts) for parts in split]  # digits as written, for the points
        cells = [to_arabic_digits(" ".join(parts)) for parts in split]  # cell_lines tidied them
        if (heading := _year_heading(cells)) is not None and not _indicator_at(cells, target):
            cols = heading
            continue
        _read_row(r, lineno, cells, texts, cols, target, problems)
    return _baseline(r, problems, target)


def _indicator_at(cells: list[str], target: int | None) -> int | None:
    """The cell naming an indicator: the first, or the one after a row number."""
    for k in range(min(2, len(cells))):
        if k == 1 and not _patterns()["row_number"].fullmatch(cells[0]):
            break
        if len(cells[k]) > 120:  # a sentence, not a name and its scores
            continue
        name, _ = _scores(cells, k, _Columns())
        if len(name) <= 80 and ita.match_indicator(name, year=target):
            return k
    return None


def _read_row(
    r: _Reading, lineno: int, cells: list[str], texts: list[str], cols: _Columns,
    target: int | None, problems: list[Problem],
) -> None:  # fmt: skip
    pats = _patterns()
    at = _indicator_at(cells, target)
    if at is None:
        first = cells[0]
        # The label of a total row, after an empty or row-number cell.
        k = 1 if len(cells) > 1 and pats["row_number"].fullmatch(first) else 0
        label = cells[k].replace(" ", "")
        # a total over 100 is no score ("คะแนนรวม 999": a typo or a count)
        if len(label) < 30 and pats["total"].match(label) and (
                found := [(c, v) for c, v in _scores(cells, k, cols)[1] if v <= 100]):
            picked = _pick(found, cols, target)
            r.table_total = picked[0] if picked else None
            if picked and picked[1]:
                r.years.append(picked[1])
            r.prose.append(" ".join(cells))  # its year and grade, if any, still count
            return
        grades = [(j, c.strip()) for j, c in enumerate(cells) if j > k and c.strip() in _GRADES]
        if grades and len(label) < 30 and any(w in label for w in ("ระดับ", "เกรด")):
            # "ระดับผลการประเมิน | B | A": the grade in the assessed year's column.
            picked = _pick([(j, float(n)) for n, (j, _) in enumerate(grades)], cols, target)
            r.grade = grades[int(picked[0])][1] if picked else None
            return
        if first:
            r.prose.append(first)
        _improvements(r, cells[1:], texts[1:])
        return
    name, found = _scores(cells, at, cols)
    if (hit := ita.match_indicator(name, year=target)) is None:
        return  # not reached: _indicator_at matched this very name
    picked = _pick(found, cols, target)
    score = picked[0] if picked else None
    if picked and picked[1]:
        r.years.append(picked[1])
    indicator = Indicator(hit[0], hit[1], hit[2], score)
    if not 0 <= (score or 0) <= 100:
        problems.append(
            Problem(lineno, f"คะแนน ITA ต้องอยู่ระหว่าง 0-100: {cells[at]!r} (ITA score out of range)")
        )
    elif indicator.no in r.found and r.found[indicator.no].score is not None:
        problems.append(Problem(lineno, f"ตัวชี้วัด ITA ซ้ำ: {indicator.name} (ITA indicator repeated)"))
    else:
        r.found[indicator.no] = indicator
        r.lines.setdefault(indicator.no, lineno)
    scored = {k for k, _ in found}
    rest = [(c, t) for k, (c, t) in enumerate(zip(cells, texts, strict=True)) if k > at and k not in scored]
    _improvements(r, [c for c, _ in rest], [t for _, t in rest])


def _improvements(r: _Reading, cells: list[str], texts: list[str]) -> None:
    """The assessor's points among `cells`: no headings, scores or differences."""
    pats = _patterns()
    for cell, text in zip(cells, texts, strict=True):
        s = cell.strip()
        if not s or _is_heading(s) or pats["score"].match(s) or pats["not_a_score"].match(s):
            continue
        r.improvements.append(pats["edge_score"].sub("", text).strip())


def _baseline(r: _Reading, problems: list[Problem], target: int | None) -> Baseline | None:
    stated = r.table_total if r.table_total is not None else _stated_overall(r.prose)
    if not r.found and stated is None:
        return None
    pats = _patterns()
    text = "\n".join(r.prose)
    grade = r.grade or (m[1] if (m := pats["grade"].search(text)) else None)
    years = r.years or [int(y) for y in pats["year"].findall(text)]
    # The plan's own year (a title's second line) or a later one was not assessed yet.
    years = [y for y in years if target is None or y <= target]
    year = target if target in years else (years[0] if years else None)
    if r.found and len(r.found) < len(ita.catalogue(target)):
        problems.append(_missing(r, target))
    return Baseline(
        indicators=tuple(r.found[k] for k in sorted(r.found)),
        stated_overall=stated,
        stated_grade=grade,
        assessed_year=year,
        improvements=tuple(r.improvements),
    )


def _missing(r: _Reading, target: int | None) -> Problem:
    """Which indicators the table lacks, by name: the reason a computed
    overall would differ from the document's."""
    missing = [e for e in ita.catalogue(target) if e.no not in r.found]
    th = ", ".join(f"{to_thai_digits(str(e.no))} {e.names[0]}" for e in missing)
    en = ", ".join(str(e.no) for e in missing)
    return Problem(
        min(r.lines.values()),
        f"พบตัวชี้วัด ITA {len(r.found)} จาก {len(ita.catalogue(target))} ตัว ไม่พบ: {th}"
        f" (ITA indicators not found: {en})",
    )


def _stated_overall(prose: list[str]) -> float | None:
    """The overall score a sentence states, wherever it puts it: "คะแนนรวม ๘๗.๕๐",
    "ได้คะแนน ๘๙.๙๕ คะแนน", "ผลคะแนน ITA ภาพรวม ปี 2566 เท่ากับ 87.50"."""
    pats = _patterns()
    # Group rows ("แบบวัด… (IIT) 96.00") carry a group's score, not the overall.
    lines = [p for p in prose if not p.startswith("แบบวัด") and not pats["group"].search(p)]
    for kind in ("strong", "weak"):
        for line in lines:
            for m in pats[kind].finditer(line):
                if kind == "weak" and pats["one_indicator"].search(line, max(0, m.start() - 40), m.start()):
                    continue  # "ตัวชี้วัดที่ ๘ มีผลคะแนน …": one indicator's score, not the overall
                if (value := _number_after(line, m.end())) is not None:
                    return value
    for line in lines:
        if (hit := pats["overall_before"].search(line)) and float(hit[1]) <= 100:
            return float(hit[1])
    return None


def _number_after(line: str, start: int) -> float | None:
    """The first score within a short reach after `start`: a decimal or a
    number followed by "คะแนน"; years, item and meeting numbers are passed over."""
    end = start + 100
    if (k := line.find("ตัวชี้วัด", start, end)) >= 0:
        end = k  # what follows is about an indicator
    for m in _patterns()["number"].finditer(line, start, end):
        before, after = line[max(0, m.start() - 6) : m.start()], line[m.end() : m.end() + 8]
        if float(m[1]) > 100 or after.startswith("/") or re.search(r"(?:ที่|ข้อ|ครั้ง)\s*$", before):
            continue
        if "." in m[1] or after.lstrip().startswith("คะแนน"):
            return float(m[1])
    return None
