"""Pictures for the HTML/PDF report, as inline SVG: a timeline of every
window against the report date and the meeting, and a progress bar.

Built as text here: the shapes are geometry, not prose a user's template
would change. Every attribute and text goes through `escape`, so nothing a
person typed reaches the markup raw.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from markupsafe import Markup, escape

from tracker import thai
from tracker.report.words import Words

COLOUR = {
    "done": "#2e7d32",
    "overdue": "#c62828",
    "in_progress": "#ef8f00",
    "not_started": "#757575",
    "cancelled": "#b0b0b0",
}
AS_OF_COLOUR = "#1565c0"
MEETING_COLOUR = "#6a1b9a"
FONT = "Sarabun, sans-serif"

# Timeline geometry in viewBox units (the page scales it to the text width).
WIDTH = 640
LABEL = 92  # the measure-number column
RIGHT = 8
HEAD = 40  # month names and years
ROW = 20
FOOT = 38  # the two marker captions
ROWS_PER_PICTURE = 30  # one picture must fit on a page; a long plan gets several


def _el(tag: str, text: str | None = None, /, **attrs: object) -> str:
    """One SVG element; attribute names use _ for - (font_size -> font-size)."""
    # Numbers are ours and need no escaping; only text is escaped (a thousand
    # measures make tens of thousands of attributes).
    parts = "".join(
        f' {k.replace("_", "-")}="{v if isinstance(v, int | float) else escape(str(v))}"'
        for k, v in attrs.items()
    )
    if text is None:
        return f"<{tag}{parts}/>"
    return f"<{tag}{parts}>{escape(text)}</{tag}>"


def progress_bar(progress: int, status: str, words: Words) -> Markup:
    """A small bar, filled to `progress` percent in the status colour."""
    p = max(0, min(100, int(progress)))
    return _bar(p, COLOUR.get(status, "#757575"), f"{words.pct(p)} {words.status(status)}")


def _bar(p: int, colour: str, text: str) -> Markup:
    label = escape(text)
    return Markup(
        f'<svg class="bar" viewBox="0 0 100 10" width="100" height="10" role="img" aria-label="{label}">'
        f'<rect width="100" height="10" rx="2" fill="#e6e6e6"/>'
        f'<rect width="{p}" height="10" rx="2" fill="{colour}"/></svg>'
    )


def _months(start: date, end: date) -> list[date]:
    firsts = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        firsts.append(date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return firsts


class _Scale:
    """Days to x: whole months from the first window's to the last's."""

    def __init__(self, start: date, end: date) -> None:
        self.months = _months(start, end)
        last = self.months[-1]
        self.stop = date(last.year + (last.month == 12), last.month % 12 + 1, 1)
        self.first = self.months[0]
        self.days = (self.stop - self.first).days

    def x(self, d: date) -> float:
        return round(LABEL + (d - self.first).days / self.days * (WIDTH - LABEL - RIGHT), 1)


def _axis(scale: _Scale, words: Words, bottom: float) -> list[str]:
    names = thai.MONTHS_TH_ABBR if words.lang == "th" else tuple(n[:3] for n in thai.MONTHS_EN)
    grid = {"stroke": "#d0d0d0", "stroke_width": 0.5}
    out = []
    for i, first in enumerate(scale.months):
        x0 = scale.x(first)
        nxt = scale.months[i + 1] if i + 1 < len(scale.months) else scale.stop
        mid = round((x0 + scale.x(nxt)) / 2, 1)
        out.append(_el("line", x1=x0, y1=HEAD - 4, x2=x0, y2=bottom, **grid))
        out.append(
            _el(
                "text",
                names[first.month - 1],
                x=mid,
                y=16,
                font_size=13,
                text_anchor="middle",
                font_family=FONT,
            )
        )
        if i == 0 or first.month == 1:
            year = first.year + (thai.BE_OFFSET if words.lang == "th" else 0)
            out.append(
                _el(
                    "text",
                    words.n(year),
                    x=mid,
                    y=31,
                    font_size=11,
                    fill="#555",
                    text_anchor="middle",
                    font_family=FONT,
                )
            )
    x_end = scale.x(scale.stop)
    out.append(_el("line", x1=x_end, y1=HEAD - 4, x2=x_end, y2=bottom, **grid))
    return out


def _marker(x: float, bottom: float, caption: str, colour: str, caption_y: float, dashed: bool) -> list[str]:
    # Captions lean away from the nearer edge so they never leave the picture.
    anchor = "start" if x < (WIDTH + LABEL) / 2 else "end"
    line = {"stroke": colour, "stroke_width": 1.2}
    if dashed:
        line["stroke_dasharray"] = "3 2"
    return [
        _el("line", x1=x, y1=HEAD - 4, x2=x, y2=bottom, **line),
        _el(
            "text",
            caption,
            x=x + (2 if anchor == "start" else -2),
            y=caption_y,
            font_size=12,
            fill=colour,
            text_anchor=anchor,
            font_family=FONT,
        ),
    ]


def _geometry(m: Mapping[str, Any], scale: _Scale) -> tuple[str, str, str]:
    """A measure's bar as written: x, width and the done part's width ("" for none)."""
    x1 = scale.x(date.fromisoformat(m["start"]))
    # A window ends at the end of its last day.
    x2 = scale.x(date.fromisoformat(m["end"]) + timedelta(days=1))
    w = max(1.0, round(x2 - x1, 1))
    done_w = round(w * max(0, min(100, m["progress"])) / 100, 1)
    return str(x1), str(w), str(done_w) if done_w > 0 else ""


class _Rows:
    """What the rows of a plan share: the scale, the words, the word "measure"."""

    def __init__(self, scale: _Scale, words: Words) -> None:
        self.scale = scale
        self.words = words
        self.measure = words("measure")


def _row(m: Mapping[str, Any], y: int, shared: _Rows) -> str:
    # Only the title and the label are text; both are escaped.
    x1, w, done_w = _geometry(m, shared.scale)
    colour = COLOUR.get(m["status"], "#757575")
    window = shared.words.window(m["start"], m["end"])
    tip = escape(f"{m['number']}. {m['title']} — {window} — {shared.words.status(m['status'])}")
    label = escape(f"{shared.measure} {shared.words.n(m['number'])}")
    done = (f'<rect x="{x1}" y="{y + 4}" width="{done_w}" height="12" rx="2" fill="{colour}"/>'
            if done_w else "")  # fmt: skip
    return (
        f"<g><title>{tip}</title>"
        f'<text x="2" y="{y + 14}" font-size="12.5" font-family="{FONT}">{label}</text>'
        f'<rect x="{x1}" y="{y + 4}" width="{w}" height="12" rx="2" fill="{colour}" fill-opacity="0.3"/>'
        f"{done}</g>"
    )


def _meeting(report: Mapping[str, Any], scale: _Scale, words: Words, bottom: float) -> list[str]:
    meeting = report["meeting"]
    day = date.fromisoformat(meeting["day"])
    if meeting["date"]:
        caption = f"{words('legend_meeting')} {words.date(meeting['date'])}"
        return _marker(scale.x(day), bottom, caption, MEETING_COLOUR, bottom + 32, True)
    # An undated meeting is shaded across its month rather than put on a guessed day.
    month = words.month(meeting["month"], style="short")
    caption = f"{words('legend_meeting')} {month} ({words('meeting_undated')})"
    x0 = scale.x(date.fromisoformat(meeting["month"] + "-01"))
    x1 = scale.x(day + timedelta(days=1))
    band = _el(
        "rect",
        x=x0,
        y=HEAD - 4,
        width=round(x1 - x0, 1),
        height=bottom - HEAD + 4,
        fill=MEETING_COLOUR,
        fill_opacity=0.12,
    )
    return [band, *_marker(x0, bottom, caption, MEETING_COLOUR, bottom + 32, True)]


def timeline(report: Mapping[str, Any], words: Words) -> list[Markup]:
    """The timeline, cut into pictures of at most ROWS_PER_PICTURE measures."""
    measures: Sequence[Mapping[str, Any]] = report["measures"]
    span = report["timeline"]
    scale = _Scale(date.fromisoformat(span["start"]), date.fromisoformat(span["end"]))
    as_of = date.fromisoformat(report["as_of"])
    step = ROWS_PER_PICTURE
    chunks = [measures[i : i + step] for i in range(0, len(measures), step)] or [[]]
    as_of_caption = f"{words('legend_as_of')} {words.date(report['as_of'])}"
    pictures = []
    # The axis and the markers depend only on a picture's height: every full
    # picture shares one drawing of them.
    around: dict[int, tuple[str, str]] = {}
    shared = _Rows(scale, words)
    for chunk in chunks:
        bottom = HEAD + ROW * len(chunk)
        if bottom not in around:
            markers = _meeting(report, scale, words, bottom)
            markers += _marker(scale.x(as_of), bottom, as_of_caption, AS_OF_COLOUR, bottom + 15, False)
            around[bottom] = ("".join(_axis(scale, words, bottom)), "".join(markers))
        axis, markers_drawn = around[bottom]
        rows = (_row(m, HEAD + r * ROW, shared) for r, m in enumerate(chunk))
        parts = [axis, *rows, markers_drawn]
        head = _el(
            "svg",
            None,
            **{
                "class": "timeline",
                "viewBox": f"0 0 {WIDTH} {bottom + FOOT}",
                "width": "100%",
                "role": "img",
                "aria-label": words("timeline"),
                "xmlns": "http://www.w3.org/2000/svg",
            },
        )
        pictures.append(Markup(head[:-2] + ">" + "".join(parts) + "</svg>"))
    return pictures
