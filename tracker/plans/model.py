"""What a plan document says, as plain values: the importer's input."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Indicator:
    no: int  # 1..10, the ITA indicator number (matched by name, not by row)
    name: str  # canonical Thai name, e.g. "การใช้ทรัพย์สินของราชการ"
    group: str  # "IIT" | "EIT" | "OIT"
    score: float | None


@dataclass(frozen=True)
class Baseline:
    """The ITA result the plan responds to."""

    indicators: tuple[Indicator, ...]
    stated_overall: float | None
    stated_grade: str | None
    assessed_year: int | None  # BE fiscal year of the assessment, e.g. 2565
    improvements: tuple[str, ...] = ()  # the assessor's improvement points, as text


@dataclass(frozen=True)
class MeetingRef:
    """The follow-up meeting a measure is reported at."""

    title: str  # as written, HTML removed, e.g. "การประชุมพนักงาน/ผู้บริหารประจำเดือนเมษายน ๖๖"
    year: int  # Gregorian
    month: int  # 1..12


@dataclass(frozen=True)
class Item:
    """A numbered sub-item of a measure's actions: a checklist entry."""

    no: str  # Arabic digits / label as a string: "1", "1.2", "1)(3)"
    text: str


@dataclass(frozen=True)
class Measure:
    number: str  # Arabic digits, "1"
    title: str
    actions: str  # the actions cell as plain text (HTML removed), lines kept
    items: tuple[Item, ...]
    owners: tuple[str, ...]  # unit names as written
    period_text: str
    start: date
    end: date
    followup_text: str
    meeting: MeetingRef | None
    line: int  # 1-based line (or row) of the document the measure starts on
    # Read from the period: the dates inside the window at which progress is
    # due ("ทุกไตรมาส" gives each quarter's last day); empty for a plain window.
    checkpoints: tuple[date, ...] = ()
    # The period was not understood: the window is the whole fiscal year
    # until someone fixes it (`tracker edit ID --period …`).
    period_unclear: bool = False
    section: str = ""  # the group row above the measure ("ด้านที่ ๑ …"), as written
    budget: str = ""  # งบประมาณ: an amount or "ไม่ใช้งบประมาณ", as written
    indicator: str = ""  # ตัวชี้วัด
    target: str = ""  # เป้าหมาย
    result: str = ""  # ผลการดำเนินการ, when the document already reports it
    remarks: str = ""  # หมายเหตุ
    # Any other column the reader did not know: (header as written, cell text).
    extra: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Problem:
    """Something the reader skipped or guessed; shown to the user with its line."""

    line: int
    message: str


@dataclass(frozen=True)
class Plan:
    organisation: str  # e.g. "เทศบาลตำบลบางจะเกร็ง"
    fiscal_year: int  # BE, e.g. 2566
    title: str  # the title line as written
    adopted_on: date | None  # date of the meeting that adopted the plan
    adoption_meeting: str | None
    baseline: Baseline | None
    measures: tuple[Measure, ...]
    problems: tuple[Problem, ...] = field(default=())
