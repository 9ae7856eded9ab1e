"""The parts of the HTML report that repeat once per measure, as markup:
the overview rows, the list of empty fields and each measure's section.

Built as text here, like the pictures in svg.py: through Jinja every `{{ }}`
is a call to escape and a new Markup, and a thousand measures made ~60,000 of
them (over a third of `tracker report --format html`). Here each value is
escaped once, with `escape`, so nothing a person typed reaches the markup raw;
the texts that repeat (owners, windows, statuses, dates) are escaped once per
report (`Escaped`).

The page around them stays in templates/report/; a user template can lay the
measures out itself from `views` (see _measures.html).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup, escape

from tracker.report.data import OUTCOME_FIELDS
from tracker.report.words import Words


def escape_text(text: str) -> str:
    """`str(escape(text))` of a plain str, without making a Markup (a Python
    call) when there is nothing to escape, as in most Thai text. Five substring
    tests are several times faster than one regular expression over Thai text."""
    if "&" in text or "<" in text or ">" in text or '"' in text or "'" in text:
        return str(escape(text))
    return text


class Prebuilt:
    """Markup built here, every text in it escaped: the overview rows, the
    measures' sections.

    The bundled templates print it inside {% autoescape false %}, where
    `str()` is the text itself. As Markup it was copied whole twice on its
    way to the page (made from the joined text, then again by escape() when
    printed): megabytes each for a thousand measures, and a sixth of the
    report's memory. A user's template that prints it the ordinary way,
    autoescaped, gets it through `__html__` as Markup."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __str__(self) -> str:
        return self.text

    def __html__(self) -> str:
        return self.text


class Escaped(dict[str, str]):
    """`escape` of plain text, each distinct text escaped once: `esc[text]`.

    Only for `str` keys (a Markup key would find the entry of the equal str).
    The values are plain `str`: a Markup in an f-string is formatted through
    its class, several times slower than a str."""

    def __missing__(self, text: str) -> str:
        value = self[text] = escape_text(text)
        return value


def measures(
    measures: Sequence[Mapping[str, Any]], words: Words, labels: Mapping[str, str], outcome: Mapping[str, str]
) -> tuple[list[dict[str, Any]], Prebuilt, Prebuilt]:
    """In one pass over the measures: each one's texts for a user template
    (`views`: see _measures.html), its overview row (number, title, owners,
    window, status, progress) and its section (fields, sub-items, evidence,
    indicators and the four outcome fields; an empty one says so)."""
    esc = Escaped()
    L = {key: esc[text] for key, text in labels.items()}
    th = {f: f"    <tr><th>{esc[outcome[f]]}</th>\n" for f in OUTCOME_FIELDS}
    none = words("none")
    n = words.n
    # A plan's measures share a few (status, progress) pairs: each one's words
    # and markup are made once (windows are kept by `words`, texts by `esc`).
    looks: dict[tuple[str, int], tuple[str, str, Markup, str, str]] = {}
    views = []
    rows = []
    sections = []
    for m in measures:
        items = m["items"]
        window_text = words.window(m["start"], m["end"])
        owners_text = ", ".join(m["owners"]) or none
        if m.get("period_unclear"):
            window_text += f" ⚠ {words('period_unclear')}"
        window, owners = esc[window_text], esc[owners_text]
        look_key = (m["status"], m["progress"])
        if look_key not in looks:
            looks[look_key] = _look(*look_key, words, esc, L["status"])
        status_text, pct_text, bar, cells, status_field = looks[look_key]
        v: dict[str, Any] = {
            "m": m,
            "number": n(m["number"]),
            "owners": owners_text,
            "window": window_text,
            "status": status_text,
            "pct": pct_text,
            "bar": bar,
            "done": words.date(m["done_on"], style="long") if m["done_on"] else "",
            "items": [{"no": n(i["no"]), "text": i["text"], "done": i["done"]} for i in items],
            "items_count": f"{n(m['items_done'])}/{n(len(items))}",
            "indicators": ", ".join(f"{n(i['no'])}. {i['name']}" for i in m["indicators"]),
            "evidence": [words.evidence(e) for e in m["evidence"]],
        }
        views.append(v)
        number, title = esc[v["number"]], esc[m["title"]]
        rows.append(
            "  <tr>\n"
            f'    <td class="num">{number}</td>\n'
            f'    <td class="title">{title}</td>\n'
            f"    <td>{owners}</td>\n"
            f"    <td>{window}</td>\n"
            f"{cells}"
            "  </tr>\n"
        )  # fmt: skip
        sections.append(
            f'<section class="measure" id="measure-{int(m["id"])}">\n'
            f"  <h3>{L['measure']} {number}. {title}</h3>\n"
            '  <div class="fields">\n'
            f'    <div class="field"><span class="label">{L["owners"]}</span><span>{owners}</span></div>\n'
            f'    <div class="field"><span class="label">{L["window"]}</span><span>{window}</span></div>\n'
            f"{status_field}"
            + _rest(v, L, th, esc)
        )
    return views, Prebuilt("".join(rows)), Prebuilt("\n".join(sections))


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


def _look(
    status: str, progress: int, words: Words, esc: Escaped, label: str
) -> tuple[str, str, Markup, str, str]:
    """A (status, progress) pair in words and markup: its status, percentage
    and bar, its overview cells and its section's status line."""
    from tracker.report.svg import progress_bar

    status_text, pct_text = words.status(status), words.pct(progress)
    bar = progress_bar(progress, status, words)
    code, name, pct = esc[status], esc[status_text], f'<span class="pct">{esc[pct_text]}</span>'
    cells = (f'    <td class="status status-{code}">{name}</td>\n'
             f'    <td class="progress">{bar} {pct}</td>\n')  # fmt: skip
    line = _field(label, f'<span class="status status-{code}">{name}</span> {bar} {pct}')
    return status_text, pct_text, bar, cells, line


def _field(label: str, value: str) -> str:
    return f'    <div class="field"><span class="label">{label}</span><span>{value}</span></div>\n'


def _rest(v: Mapping[str, Any], L: Mapping[str, str], th: Mapping[str, str], esc: Escaped) -> str:
    """A section after its status line."""
    m = v["m"]
    parts: list[str] = []
    add = parts.append
    for key in ("section", "budget", "indicator", "target"):
        if m.get(key):
            add(_field(L[key], esc[m[key]]))
    if v["done"]:
        add(_field(L["done_on"], esc[v["done"]]))
    if v["items"]:
        add(
            f'    <div class="field"><span class="label">{L["items"]}</span><span>{esc[v["items_count"]]}\n'
            '      <ul class="items">\n'
        )
        for i in v["items"]:
            ticked = " ticked" if i["done"] else ""
            add(f'<li><span class="box{ticked}"></span>{esc[i["no"]]} {esc[i["text"]]}</li>')
        add("      </ul></span></div>\n")
    elif m["actions"]:
        add(_field(L["actions"], esc[m["actions"]]))
    add(f'    <div class="field"><span class="label">{L["evidence"]}</span><span>\n')
    if m["evidence"]:
        add('<ul class="evidence">')
        for e in v["evidence"]:
            add(f"<li>{esc[e]}</li>")
        add("</ul>\n</span></div>\n")
    else:
        add(f"{L['no_evidence']}</span></div>\n")
    if v["indicators"]:
        add(_field(L["indicators"], esc[v["indicators"]]))
    add('  </div>\n  <table class="outcome">\n')
    for f in OUTCOME_FIELDS:
        text = m["outcome"][f]
        add(th[f])
        add(f"<td>{esc[text]}</td></tr>\n" if text else f'<td class="missing">{L["missing"]}</td></tr>\n')
    add("  </table>\n</section>")
    return "".join(parts)
