"""The texts the HTML report's templates lay out once per measure (`views`,
see templates/report/_measures.html), in the report's language and digits,
and the list of empty fields. The markup itself is in the templates, so a
user's template can change it; Jinja escapes every text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup, escape

from tracker.report.svg import progress_bar
from tracker.report.words import Words


def views(measures: Sequence[Mapping[str, Any]], words: Words) -> list[dict[str, Any]]:
    """Each measure's texts for the templates; `"m"` is the measure itself."""
    out = []
    n = words.n
    for m in measures:
        window = words.window(m["start"], m["end"])
        if m.get("period_unclear"):
            window += f" ⚠ {words('period_unclear')}"
        out.append({
            "m": m,
            "number": n(m["number"]),
            "owners": ", ".join(m["owners"]) or words("none"),
            "window": window,
            "status": words.status(m["status"]),
            "pct": words.pct(m["progress"]),
            "bar": progress_bar(m["progress"], m["status"], words),
            "done": words.date(m["done_on"], style="long") if m["done_on"] else "",
            "items": [{"no": n(i["no"]), "text": i["text"], "done": i["done"]} for i in m["items"]],
            "items_count": f"{n(m['items_done'])}/{n(len(m['items']))}",
            "evidence": [words.evidence(e) for e in m["evidence"]],
            "indicators": ", ".join(f"{n(i['no'])}. {i['name']}" for i in m["indicators"]),
        })  # fmt: skip
    return out


def missing_fields(measures: Sequence[Mapping[str, Any]], words: Words) -> Markup:
    """ "measure 1 (problems, obstacles); measure 4 (results, …)" for every
    measure not cancelled whose outcome fields are not all written."""
    label = words("measure")
    return escape(
        "; ".join(
            f"{label} {words.n(m['number'])} ({words.outcomes(m['missing'])})"
            for m in measures
            if m["missing"] and m["status"] != "cancelled"
        )
    )
