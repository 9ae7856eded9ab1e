"""The report for the terminal (plain text) and for chat (Markdown).

Laid out in Python rather than a template: columns, bars and the timeline
are padded by display width (tracker.textwidth), which Thai needs because
its vowels and tone marks take no cell of their own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from tracker import thai
from tracker.report.words import Words
from tracker.services.tasks import OUTCOME_FIELDS
from tracker.textwidth import pad, printable, truncate, width

WIDTH = 100  # cells; titles are cut in the overview table, never in the details
BAR = 20


# ---------------------------------------------------------------- pieces


def bar(progress: int, cells: int = BAR) -> str:
    filled = round(max(0, min(100, progress)) * cells / 100)
    return "█" * filled + "░" * (cells - filled)


def wrap(text: str, cells: int) -> list[str]:
    """Lines of at most `cells` cells, broken at spaces where possible and
    never between a Thai letter and its marks."""
    lines: list[str] = []
    for para in text.splitlines() or [""]:
        line = ""
        for word in para.split(" "):
            candidate = f"{line} {word}" if line else word
            if width(candidate) <= cells:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = word
            while width(line) > cells:
                head = _cut(line, cells)
                lines.append(head)
                line = line[len(head) :]
        lines.append(line)
    return lines


def _cut(text: str, cells: int) -> str:
    used, end = 0, 0
    for i, ch in enumerate(text):
        w = width(ch)
        if used + w > cells:
            break
        used += w
        end = i + 1
    # Keep following combining marks with their letter.
    while end < len(text) and width(text[end]) == 0:
        end += 1
    return text[: max(end, 1)]


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max([width(h)] + [width(r[i]) for r in rows]) for i, h in enumerate(headers)]
    lines = ["  ".join(pad(h, widths[i]) for i, h in enumerate(headers)).rstrip()]
    lines.append("  ".join("─" * w for w in widths))
    lines += ["  ".join(pad(c, widths[i]) for i, c in enumerate(r)).rstrip() for r in rows]
    return lines


# The plan's own columns a measure's details show when the plan filled them in.
DOCUMENT_KEYS = ("section", "budget", "indicator", "target")


def _field(label: str, value: str, indent: int = 2) -> list[str]:
    head = " " * indent + label + ": "
    body = wrap(value, max(20, WIDTH - width(head)))
    return [head + body[0]] + [" " * width(head) + b for b in body[1:]]


# ---------------------------------------------------------------- timeline


def _months(start: date, end: date) -> list[date]:
    out = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append(date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def timeline(report: Mapping[str, Any], words: Words) -> list[str]:
    """Each window as a bar on a month scale; │ is the report date, ┊ the meeting."""
    months = _months(
        date.fromisoformat(report["timeline"]["start"]),
        date.fromisoformat(report["timeline"]["end"]),
    )
    per = max(3, min(8, 64 // len(months)))
    cells = per * len(months)
    first = months[0]
    last = months[-1]
    stop = date(last.year + (last.month == 12), last.month % 12 + 1, 1)
    span = (stop - first).days

    def col(d: date) -> int:
        return min(cells - 1, (d - first).days * cells // span)

    label_w = max([width(f"{words('measure')} {words.n(m['number'])}") for m in report["measures"]] + [8]) + 2
    names = thai.MONTHS_TH_ABBR if words.lang == "th" else tuple(n[:3] for n in thai.MONTHS_EN)
    head = ""
    for i, mth in enumerate(months):
        name = names[mth.month - 1]
        if width(head) <= i * per and width(name) < per + (per if i + 1 == len(months) else 0):
            head = pad(head, i * per) + name
    as_of = col(date.fromisoformat(report["as_of"]))
    meeting = col(date.fromisoformat(report["meeting"]["day"]))
    # An undated meeting is marked across its whole month, not on a guessed day.
    meeting_from = (
        meeting if report["meeting"]["date"] else col(date.fromisoformat(report["meeting"]["month"] + "-01"))
    )
    lines = [" " * label_w + head.rstrip()]
    for m in report["measures"]:
        a = col(date.fromisoformat(m["start"]))
        b = col(date.fromisoformat(m["end"]))
        filled = a + round((b - a + 1) * m["progress"] / 100)
        row = []
        for c in range(cells):
            if a <= c <= b:
                ch = "█" if c < filled else "░"
            elif c == as_of:
                ch = "│"
            elif meeting_from <= c <= meeting:
                ch = "┊"
            else:
                ch = "·"
            row.append(ch)
        label = pad(f"{words('measure')} {words.n(m['number'])}", label_w)
        lines.append(label + "".join(row) + "  " + words.status(m["status"]))
    marks = [" "] * cells
    for c in range(meeting_from, meeting + 1):
        marks[c] = "┊"
    marks[as_of] = "│"
    when = (
        words.date(report["meeting"]["date"])
        if report["meeting"]["date"]
        else f"{words.month(report['meeting']['month'], style='short')} ({words('meeting_undated')})"
    )
    lines.append(" " * label_w + "".join(marks).rstrip())
    lines.append(
        " " * label_w + f"│ {words('legend_as_of')} {words.date(report['as_of'])}   "
        f"┊ {words('legend_meeting')} {when}"
    )
    return lines


# ---------------------------------------------------------------- text


def _header(report: Mapping[str, Any], words: Words) -> list[str]:
    meeting = report["meeting"]
    return [
        words("title"),
        f"{report['organisation']}  {words('fiscal_year')} {words.fiscal_year(report['fiscal_year'])}",
        f"{words('meeting')}: {meeting['title']}",
        f"{words('meeting_on')}: {words.meeting_when(meeting)}",
        f"{words('as_of')} {words.date(report['as_of'], style='long')}",
    ]


def _counts(report: Mapping[str, Any], words: Words) -> str:
    s = report["summary"]
    parts = [f"{words('measures_total')} {words.n(s['total'])}"]
    parts += [
        f"{words.status(k)} {words.n(s[k])}"
        for k in ("done", "in_progress", "not_started", "overdue", "cancelled")
    ]
    return " · ".join(parts)


def _overview(report: Mapping[str, Any], words: Words) -> list[str]:
    rows = [
        [
            words.n(m["number"]),
            m["title"],
            ", ".join(m["owners"]),
            words.window(m["start"], m["end"]),
            words.status(m["status"]),
            f"{bar(m['progress'], 10)} {words.pct(m['progress'])}",
        ]
        for m in report["measures"]
    ]
    headers = [
        words("no"),
        words("measure"),
        words("owners"),
        words("window"),
        words("status"),
        words("progress"),
    ]
    fixed = sum(max([width(h)] + [width(r[i]) for r in rows]) for i, h in enumerate(headers) if i != 1)
    room = max(16, WIDTH - fixed - 2 * (len(headers) - 1))
    rows = [[r[0], truncate(r[1], room), *r[2:]] for r in rows]
    return table(headers, rows)


def _details(m: Mapping[str, Any], words: Words) -> list[str]:
    out = [f"{words('measure')} {words.n(m['number'])}. {m['title']}"]
    out += _field(words("owners"), ", ".join(m["owners"]) or words("none"))
    unclear = f"  ⚠ {words('period_unclear')}" if m.get("period_unclear") else ""
    out += _field(words("window"), words.window(m["start"], m["end"]) + unclear)
    for key in DOCUMENT_KEYS:
        if m.get(key):
            out += _field(words(key), m[key])
    status = f"{words.status(m['status'])}  {bar(m['progress'])} {words.pct(m['progress'])}"
    out += _field(words("status"), status)
    if m["done_on"]:
        out += _field(words("done_on"), words.date(m["done_on"]))
    if m["items"]:
        out += _field(words("items"), f"{words.n(m['items_done'])}/{words.n(len(m['items']))}")
        for i in m["items"]:
            out += wrap_prefixed(f"    [{'x' if i['done'] else ' '}] {i['no']} ", i["text"])
    if m["evidence"]:
        out.append(f"  {words('evidence')}:")
        for e in m["evidence"]:
            out += wrap_prefixed("    - ", words.evidence(e, "  "))
    else:
        out += _field(words("evidence"), words("no_evidence"))
    for f in OUTCOME_FIELDS:
        value = m["outcome"][f] or f"⚠ {words('missing')}"
        out += _field(words.outcome(f), value)
    if m["indicators"]:
        names = ", ".join(f"{words.n(i['no'])} {i['name']}" for i in m["indicators"])
        out += _field(words("indicators"), names)
    return out


def wrap_prefixed(prefix: str, text: str) -> list[str]:
    body = wrap(text, max(20, WIDTH - width(prefix)))
    return [prefix + body[0]] + [" " * width(prefix) + b for b in body[1:]]


def _ita(report: Mapping[str, Any], words: Words) -> list[str]:
    base = report["ita"]
    if base is None:
        return []
    title = words("ita")
    if base["assessed_year"]:
        title += f" — {words('ita_year')} {words.n(base['assessed_year'])}"
    out = ["", title]
    rows = []
    for g in base["groups"]:
        for i in g["indicators"]:
            rows.append(
                [
                    g["group"],
                    words.n(i["no"]),
                    i["name"],
                    words.score(i["score"]),
                    "⚠" if i["weak"] else "",
                ]
            )
        rows.append(
            [
                g["group"],
                "",
                f"{words('group_mean')} ({words('weight')} {words.n(int(g['weight'] * 100))}%)",
                words.score(g["mean"]),
                "",
            ]
        )
    out += table([words("group"), words("no"), words("indicator"), words("score"), ""], rows)
    out.append(
        f"{words('overall')}: {words.score(base['computed_overall'])}  "
        f"{words('grade')} {base['grade'] or '-'}"
        f"   ({words('stated')}: {words.score(base['stated_overall'])})"
    )
    out += ["", words("weak", threshold=words.n(f"{base['pass_mark']:.0f}"))]
    if not base["weak"]:
        out.append("  " + words("weak_none"))
    for i in base["weak"]:
        out.append(f"  {words.n(i['no'])}. {i['name']} ({words.score(i['score'])})")
        if not i["measures"]:
            out.append(f"     – {words('no_measure')}")
        for m in i["measures"]:
            how = f"{words('via_' + m['via'])} {words('in_' + m['where'])}"
            out += wrap_prefixed(
                "     – ", f"{words('measure')} {words.n(m['number'])}. {m['title']} ({how})"
            )
    return out


def _signature(report: Mapping[str, Any], words: Words) -> list[str]:
    sig = report["signature"]
    dots = "." * 30
    return [
        "",
        f"{words('signature')}  {dots}",
        f"        ({sig['reporter'] or dots})",
        f"{words('position')}  {sig['position'] or dots}",
        "",
        words("executive"),
        f"  [ ] {words('acknowledged')}",
        f"  [ ] {words('orders')} " + "." * 60,
        "      " + "." * 70,
        f"{words('executive_sign')}  {dots}",
        f"        ({sig['executive'] or dots})",
        f"{words('position')}  {sig['executive_position'] or dots}",
        f"{words('date_line')}  {dots}",
    ]


def render_text(report: Mapping[str, Any], words: Words) -> str:
    s = report["summary"]
    out = _header(report, words)
    out += [
        "",
        words("summary"),
        "  " + _counts(report, words),
        f"  {words('overall_progress')}  {bar(s['progress'])} {words.pct(s['progress'])}",
        "",
    ]
    out += _overview(report, words)
    out += ["", words("timeline"), *timeline(report, words)]
    out += ["", words("details")]
    for m in report["measures"]:
        out += ["", *_details(m, words)]
    out += _ita(report, words)
    out += _signature(report, words)
    return printable("\n".join(out) + "\n")  # read on a terminal: nothing typed may drive it


# ---------------------------------------------------------------- markdown

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def md(text: str) -> str:
    """Text a person typed, inert in Markdown (no links, no HTML, no table
    breaks) and on a terminal: cleaned before escaping, as a backslash would
    split an escape sequence the cleaning then could not recognise."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(printable(str(text)).split()))


def render_md(report: Mapping[str, Any], words: Words) -> str:
    s = report["summary"]
    meeting = report["meeting"]
    out = [
        f"# {words('title')}",
        "",
        f"**{md(report['organisation'])}** — {words('fiscal_year')} "
        f"{words.fiscal_year(report['fiscal_year'])}  ",
        f"{words('meeting')}: {md(meeting['title'])}  ",
        f"{words('meeting_on')}: {words.meeting_when(meeting)}  ",
        f"{words('as_of')} {words.date(report['as_of'], style='long')}",
        "",
        f"## {words('summary')}",
        "",
        _counts(report, words) + "  ",
        f"{words('overall_progress')}: `{bar(s['progress'])}` {words.pct(s['progress'])}",
        "",
        "| "
        + " | ".join(
            [
                words("no"),
                words("measure"),
                words("owners"),
                words("window"),
                words("status"),
                words("progress"),
            ]
        )
        + " |",
        "|---|---|---|---|---|---|",
    ]
    for m in report["measures"]:
        out.append(
            "| "
            + " | ".join(
                [
                    words.n(m["number"]),
                    md(m["title"]),
                    md(", ".join(m["owners"])),
                    words.window(m["start"], m["end"]),
                    words.status(m["status"]),
                    f"`{bar(m['progress'], 10)}` {words.pct(m['progress'])}",
                ]
            )
            + " |"
        )
    out += ["", f"## {words('timeline')}", "", "```", *timeline(report, words), "```"]
    out += ["", f"## {words('details')}"]
    for m in report["measures"]:
        out += ["", f"### {words('measure')} {words.n(m['number'])}. {md(m['title'])}", ""]
        out.append(f"- {words('owners')}: {md(', '.join(m['owners']))}")
        out.append(f"- {words('window')}: {words.window(m['start'], m['end'])}")
        out.append(f"- {words('status')}: **{words.status(m['status'])}** {words.pct(m['progress'])}")
        if m["done_on"]:
            out.append(f"- {words('done_on')}: {words.date(m['done_on'])}")
        if m["items"]:
            out.append(f"- {words('items')}: {words.n(m['items_done'])}/{words.n(len(m['items']))}")
            out += [f"  - [{'x' if i['done'] else ' '}] {md(i['no'])} {md(i['text'])}" for i in m["items"]]
        if m["evidence"]:
            out.append(f"- {words('evidence')}:")
            out += [f"  - {md(words.evidence(e))}" for e in m["evidence"]]
        else:
            out.append(f"- {words('evidence')}: {words('no_evidence')}")
        for f in OUTCOME_FIELDS:
            value = md(m["outcome"][f]) if m["outcome"][f] else f"⚠ **{words('missing')}**"
            out.append(f"- {words.outcome(f)}: {value}")
    base = report["ita"]
    if base is not None:
        out += [
            "",
            f"## {words('ita')}",
            "",
            f"| {words('group')} | {words('no')} | {words('indicator')} | {words('score')} |",
            "|---|---|---|---|",
        ]
        for g in base["groups"]:
            for i in g["indicators"]:
                mark = " ⚠" if i["weak"] else ""
                out.append(
                    f"| {g['group']} | {words.n(i['no'])} | {md(i['name'])} | "
                    f"{words.score(i['score'])}{mark} |"
                )
            out.append(f"| {g['group']} | | *{words('group_mean')}* | *{words.score(g['mean'])}* |")
        threshold = words.n(f"{base['pass_mark']:.0f}")
        out += [
            "",
            f"{words('overall')}: **{words.score(base['computed_overall'])}** {words('grade')} "
            f"**{base['grade'] or '-'}** "
            f"({words('stated')}: {words.score(base['stated_overall'])})",
            "",
            f"### {words('weak', threshold=threshold)}",
            "",
        ]
        if not base["weak"]:
            out.append(words("weak_none"))
        for i in base["weak"]:
            out.append(f"- {words.n(i['no'])}. {md(i['name'])} ({words.score(i['score'])})")
            if not i["measures"]:
                out.append(f"  - {words('no_measure')}")
            for m in i["measures"]:
                how = f"{words('via_' + m['via'])} {words('in_' + m['where'])}"
                out.append(f"  - {words('measure')} {words.n(m['number'])}. {md(m['title'])} ({how})")
    # The signature block is a code block (its dotted lines stay put); the
    # configured names in it are made one line each, so none can close it.
    flat = {k: " ".join(str(v).split()) for k, v in report["signature"].items()}
    out += ["", "```", *_signature({**report, "signature": flat}, words)[1:], "```"]
    return printable("\n".join(out) + "\n")
