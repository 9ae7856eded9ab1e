"""Raw measure rows (cell texts and a line number) → `Measure` values.

Both readers collect `RawRow`s; everything a cell means is decided here, so a
text plan and a CSV plan with the same words give the same measures.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from tracker.errors import InvalidInput, PlanError
from tracker.plans.cells import checklist, meeting_ref, number_cell, split_owners, split_title
from tracker.plans.html import cell_lines, cell_text
from tracker.plans.model import Item, Measure, Problem
from tracker.plans.periods import read_period
from tracker.thai import fiscal_year_bounds, parse_date

PERIOD_HINT = "write e.g. 'ม.ค. - มี.ค. ๒๕๖๖', 'เมษายน ๒๕๖๖', 'ไตรมาสที่ ๒' or 'ตลอดปีงบประมาณ'"


@dataclass
class RawRow:
    """The cells of one measure row as written (HTML still in them)."""

    line: int
    number: str = ""
    title: str = ""
    actions: str = ""
    owners: str = ""
    period: str = ""
    followup: str = ""
    start: str = ""  # explicit dates instead of a period (CSV, a "เริ่ม | สิ้นสุด" header)
    end: str = ""
    budget: str = ""
    indicator: str = ""
    target: str = ""
    result: str = ""
    remarks: str = ""
    section: str = ""  # the group row above the measure
    periods: tuple[str, ...] = ()  # each row's own period, for a measure over several rows
    action_rows: tuple[str, ...] = ()  # each row's own actions, likewise
    extra: tuple[tuple[str, str], ...] = ()  # (header, text) of columns no kind names

    def is_blank(self) -> bool:
        return not any(
            cell_lines(c)
            for c in (self.number, self.title, self.actions, self.owners, self.period,
                      self.followup, self.start, self.end)
        )  # fmt: skip


def _join(a: str, b: str, sep: str = "\n") -> str:
    return f"{a}{sep}{b}" if a.strip() and b.strip() else a + b


def merge_rows(rows: list[RawRow], *, source: str) -> list[RawRow]:
    """Fold rows without a number and title into the measure above them.

    Word tables often merge a measure's title cell over several rows, one
    per action; the export leaves those cells empty.
    """
    out: list[RawRow] = []
    for row in rows:
        if row.is_blank():
            continue
        if cell_lines(row.title) or cell_lines(row.number):
            out.append(row)
            continue
        if not out:
            raise PlanError(
                "แถวมาตรการไม่มีชื่อมาตรการและไม่มีมาตรการอยู่ด้านบน (a measure row has no title "
                "and no measure above it)",
                line=row.line,
                source=source,
            )
        prev = out[-1]
        periods = [p for p in (prev.period, row.period) if cell_lines(p)]
        out[-1] = replace(
            prev,
            actions=_join(prev.actions, row.actions),
            owners=_join(prev.owners, row.owners),
            period=" และ ".join(dict.fromkeys(cell_text(p, " ") for p in periods)),
            followup=prev.followup if cell_lines(prev.followup) else row.followup,
            periods=(*(prev.periods or (prev.period,)), row.period)
            if cell_lines(row.period)
            else prev.periods,
            action_rows=(*(prev.action_rows or (prev.actions,)), row.actions),
        )
    return out


def _window(
    texts: tuple[str, ...], *, fiscal_year: int, adopted_on: date | None
) -> tuple[date, date, tuple[date, ...], bool]:
    """(start, end, checkpoints, unclear) of a measure's period cells.

    A measure over several rows spans its rows' periods; each row's period
    ends at a checkpoint. One row's period not understood leaves the others'.
    """
    read = [read_period(" ".join(t.split()), fiscal_year=fiscal_year, adopted_on=adopted_on)
            for t in texts]  # fmt: skip
    known = [p for p in read if p.understood] or read[:1]
    if len(known) == 1:
        p = known[0]
        return p.start, p.end, p.checkpoints, not p.understood
    checkpoints = sorted({d for p in known for d in (*p.checkpoints, p.end)})
    return min(p.start for p in known), max(p.end for p in known), tuple(checkpoints), False


def _row_items(cells: tuple[str, ...]) -> tuple[Item, ...]:
    """The items of a measure over several rows.

    Rows that each start with a list marker are one list, numbered as
    written; otherwise each row is an item, and a row with a list of its
    own gives its entries as sub-items ("2.1", "2.2").
    """
    rows = [cell_lines(c) for c in cells]
    if all(not lines or checklist(lines[:1]) for lines in rows):
        return checklist([line for lines in rows for line in lines])  # numbered as written
    items: list[Item] = []
    for k, lines in enumerate(rows, 1):
        sub = checklist(lines)
        if len(sub) > 1:
            items += [Item(no=f"{k}.{i.no.strip('().')}", text=i.text) for i in sub]
        elif sub:
            items.append(Item(no=str(k), text=sub[0].text))
        elif lines:
            items.append(Item(no=str(k), text=" ".join(lines)))
    return tuple(items)


def build_measure(
    row: RawRow,
    *,
    seq: int,
    fiscal_year: int,
    source: str,
    problems: list[Problem],
    owner_separators: str = ",;、",
    adopted_on: date | None = None,
) -> Measure:
    """One measure; PlanError (with the row's line) for what cannot be guessed."""
    title_no, title = split_title(cell_text(row.title, " "))
    number = number_cell(row.number) if cell_lines(row.number) else None
    if cell_lines(row.number) and number is None:
        problems.append(
            Problem(row.line, f"ไม่เข้าใจเลขที่มาตรการ {row.number!r} (measure number not understood)")
        )
    number = number or title_no or str(seq)
    if not title:
        raise PlanError("แถวมาตรการไม่มีชื่อมาตรการ (a measure row has no title)", line=row.line, source=source)

    period_text = cell_text(row.period, " ")
    checkpoints: tuple[date, ...] = ()
    unclear = False
    try:
        if cell_lines(row.start) or cell_lines(row.end):
            start = parse_date(cell_text(row.start or row.end, " "), fiscal_year=fiscal_year)
            end = parse_date(cell_text(row.end or row.start, " "), fiscal_year=fiscal_year)
            period_text = period_text or f"{cell_text(row.start, ' ')} - {cell_text(row.end, ' ')}"
            if start > end:
                raise InvalidInput(f"the window ends before it starts: {period_text!r}")
        else:
            # A period not understood (or none) never stops the import: the
            # measure gets the whole fiscal year and is marked until edited.
            start, end, checkpoints, unclear = _window(
                row.periods or (period_text,), fiscal_year=fiscal_year, adopted_on=adopted_on
            )
    except InvalidInput as e:
        raise PlanError(f"มาตรการ {number} (measure {number}): {e}", line=row.line, source=source) from None
    if unclear:
        problems.append(
            Problem(
                row.line,
                f"มาตรการ {number}: ต้องระบุช่วงเวลา ไม่เข้าใจระยะเวลา {period_text or '(ว่าง)'!r} "
                f"จึงใช้ทั้งปีงบประมาณ แก้ด้วย tracker edit ID --period … (period not understood; "
                f"the whole fiscal year until edited; {PERIOD_HINT})",
            )
        )
    first, last = fiscal_year_bounds(fiscal_year)
    if start < first or end > last:
        problems.append(
            Problem(
                row.line,
                f"มาตรการ {number}: ระยะเวลา {period_text!r} อยู่นอกปีงบประมาณ {fiscal_year} "
                f"(lies outside the fiscal year)",
            )
        )

    owners = split_owners(cell_lines(row.owners), separators=owner_separators)
    if not owners:
        problems.append(Problem(row.line, f"มาตรการ {number} ไม่มีผู้รับผิดชอบ (no responsible unit)"))

    followup = cell_text(row.followup, " ")
    meeting = meeting_ref(followup, fiscal_year=fiscal_year, after=start) if followup else None
    if followup and meeting is None:
        problems.append(
            Problem(
                row.line,
                f"มาตรการ {number}: การติดตามผล {followup!r} ไม่ระบุเดือนประชุม "
                "(no meeting month in the follow-up)",
            )
        )
    lines = cell_lines(row.actions)
    items = _row_items(row.action_rows) if len(row.action_rows) > 1 else checklist(lines)
    return Measure(
        number=number,
        title=title,
        actions="\n".join(lines),
        items=items,
        owners=owners,
        period_text=period_text,
        start=start,
        end=end,
        followup_text=followup,
        meeting=meeting,
        line=row.line,
        checkpoints=checkpoints,
        period_unclear=unclear,
        section=row.section,
        budget=cell_text(row.budget, " "),
        indicator=cell_text(row.indicator),
        target=cell_text(row.target),
        result=cell_text(row.result),
        remarks=cell_text(row.remarks),
        extra=tuple((h, cell_text(t)) for h, t in row.extra if cell_text(t)),
    )


def build_measures(
    rows: list[RawRow],
    *,
    fiscal_year: int,
    source: str,
    problems: list[Problem],
    owner_separators: str = ",;、",
    adopted_on: date | None = None,
) -> tuple[Measure, ...]:
    """Every measure of `rows` (merged first); numbers made unique."""
    merged = merge_rows(rows, source=source)
    measures = [
        build_measure(
            row,
            seq=i,
            fiscal_year=fiscal_year,
            source=source,
            problems=problems,
            owner_separators=owner_separators,
            adopted_on=adopted_on,
        )
        for i, row in enumerate(merged, 1)
    ]
    numbers = [m.number for m in measures]
    if len(set(numbers)) < len(numbers):
        # The importer keys tasks by number; document order is the only
        # numbering that is both unique and stable from one import to the next.
        dup = next(m for i, m in enumerate(measures) if m.number in numbers[:i])
        problems.append(
            Problem(
                dup.line,
                f"เลขที่มาตรการ {dup.number} ซ้ำ จึงเรียงเลขใหม่ ๑, ๒, … ตามลำดับ (measure number "
                f"{dup.number} repeats; measures numbered 1, 2, … in order)",
            )
        )
        measures = [replace(m, number=str(i)) for i, m in enumerate(measures, 1)]
    return tuple(measures)
