"""The head of a plan document (stand-in until the full reader lands)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from tracker.plans.html import cell_text
from tracker.plans.model import Problem
from tracker.thai import normalize, tidy


@dataclass(frozen=True)
class Head:
    title: str
    organisation: str
    fiscal_year: int | None
    adopted_on: date | None
    adoption_meeting: str | None


def read_head(lines: Sequence[tuple[int, str]], problems: list[Problem]) -> Head:
    from tracker.plans.text import _adoption, _organisation, _patterns

    pre = list(lines)
    title_at = next((k for k, (_, line) in enumerate(pre) if "มาตรการ" in line), 0)
    title = tidy(cell_text(pre[title_at][1], " ")) if pre else ""
    following = [tidy(cell_text(line, " ")) for _, line in pre[title_at + 1 : title_at + 2]]
    fiscal_year = None
    if m := _patterns()["fy"].search(normalize(title)):
        fiscal_year = int(m[1]) + (2500 if len(m[1]) == 2 else 0)
    organisation = _organisation(title, following) or ""
    if not organisation:
        whole = normalize(" ".join(line for _, line in pre))
        m = _patterns()["org_of"].search(whole)
        organisation = m[1] if m else ""
        if not organisation:
            problems.append(Problem(1, "no organisation (หน่วยงาน) found on or after the title line"))
    adopted_on, meeting = _adoption(pre[title_at + 1 :], fiscal_year or 2500)
    return Head(title, organisation, fiscal_year, adopted_on, meeting)
