"""The meeting report in each format: text, md, json, html, pdf.

`load_report` gathers the report value from the database, `render` turns a
value into bytes, `render_report` does both (the reminder engine attaches
its result to the meeting mail), `warnings` lists what is still missing.
Jinja2 is imported only for html/pdf, WeasyPrint only for pdf.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from datetime import datetime
from itertools import islice
from typing import TYPE_CHECKING, Any

from tracker.clock import BANGKOK
from tracker.db.connection import Database
from tracker.errors import InvalidInput, NotFound, TrackerError
from tracker.report.data import build_report, choose_meeting, incomplete
from tracker.report.words import Words
from tracker.services.tasks import OUTCOME_FIELDS

if TYPE_CHECKING:
    import jinja2

    from tracker.config import Settings

FORMATS = ("text", "html", "pdf", "md", "json", "docx", "xlsx", "csv")
TEMPLATE = "report/report.html"


def default_digits(fmt: str, lang: str = "th") -> str:
    """Thai digits on a Thai paper (html/pdf/docx), Arabic where people copy,
    paste and compute (text, md, xlsx, csv) and in English (--digits thai asks
    for them)."""
    return "thai" if fmt in ("html", "pdf", "docx") and lang == "th" else "arabic"


def load_report(
    db: Database,
    *,
    meeting_id: int | None,
    now: datetime,
    settings: Settings | None = None,
    organisation: str | None = None,
) -> dict[str, Any]:
    """The report value of a meeting (None: the next one at `now`, else the latest)."""
    from tracker.services import meetings, plans, tasks

    if meeting_id is None:
        if organisation is None:
            # With several organisations "the next meeting" is ambiguous: the
            # same rule as `unit set` (the only one, or say which).
            from tracker.services.units import organisation_id

            organisation_id(db, None)
        found = meetings.list_meetings(db, organisation=organisation)
        meeting = choose_meeting(found, now.astimezone(BANGKOK).date())
        if meeting is None:
            where = f" ของ {organisation}" if organisation else ""
            raise NotFound(
                f"ยังไม่มีการประชุมติดตามผล{where} นำเข้าแผนก่อน "
                "(no follow-up meeting yet: run `tracker import FILE`)"
            )
    else:
        meeting = meetings.get_meeting(db, meeting_id)
    plan = plans.get_plan(db, int(meeting["plan_id"]))
    chosen = tasks.report_tasks(db, now=now, plan_id=int(plan["id"]), meeting_id=int(meeting["id"]))
    return build_report(
        tasks=chosen,
        plan=plan,
        meeting=meeting,
        now=now,
        report_settings=settings.report if settings is not None else None,
    )


def warnings(report: Mapping[str, Any], lang: str, limit: int | None = None) -> list[str]:
    """One line per measure whose outcome fields are still empty (the first
    `limit` of them; the summary's "incomplete_outcomes" counts them all)."""
    words = Words(lang, "arabic")
    return [
        words("warning", number=number, fields=words.outcomes(fields))
        for number, fields in islice(incomplete(report), limit)
    ]


def render(
    report: Mapping[str, Any],
    *,
    fmt: str,
    lang: str,
    digits: str | None = None,
    settings: Settings | None = None,
    memo: bool = False,
    publish: bool = False,
) -> bytes:
    """The report value in one format, as the bytes to write. `memo`: opened
    by the official memo head; `publish`: the web site's variant (both for
    the page formats: html, pdf)."""
    if fmt not in FORMATS:
        raise InvalidInput(f"รูปแบบไม่รองรับ (format must be one of {', '.join(FORMATS)}, not {fmt!r})")
    if (memo or publish) and fmt not in ("html", "pdf"):
        flag = "--memo" if memo else "--publish"
        raise InvalidInput(f"{flag} ใช้ได้กับ --format html หรือ pdf ({flag} is for the html and pdf formats)")
    words = Words(lang, digits or default_digits(fmt, lang))
    if fmt == "json":
        # Data, not a document: ISO dates and Arabic digits whatever --digits says.
        return (json.dumps(report, ensure_ascii=False, indent=2) + "\n").encode()
    if fmt == "text":
        from tracker.report.text import render_text

        return render_text(report, words).encode()
    if fmt == "md":
        from tracker.report.text import render_md

        return render_md(report, words).encode()
    if fmt in ("docx", "xlsx", "csv"):
        from tracker.report import office

        return {"docx": office.render_docx, "xlsx": office.render_xlsx,
                "csv": office.render_csv}[fmt](report, words)
    if fmt == "html":
        from tracker.report import fonts

        page = render_html(report, words, settings, fonts.placeholder_sources(), memo=memo, publish=publish)
        return fonts.embed(page).encode()
    return html_to_pdf(render_html(report, words, settings, memo=memo, publish=publish))


def render_report(
    db: Database,
    *,
    meeting_id: int | None,
    fmt: str,
    lang: str,
    digits: str | None,
    now: datetime,
    settings: Settings | None,
    organisation: str | None = None,
) -> bytes:
    """Load and render in one call (what the meeting reminder attaches)."""
    report = load_report(db, meeting_id=meeting_id, now=now, settings=settings, organisation=organisation)
    return render(report, fmt=fmt, lang=lang, digits=digits, settings=settings)


def render_html(report: Mapping[str, Any], words: Words, settings: Settings | None,
                font_sources: Mapping[str, str] | None = None, *, memo: bool = False,
                publish: bool = False) -> str:
    """The report page; its fonts by `font_sources` (default: the shipped
    files by URL, as WeasyPrint reads them)."""
    from tracker.report import html, memos, svg
    from tracker.report.fonts import file_sources
    from tracker.report.words import LABELS, OUTCOME
    from tracker.templating import environment

    user_dir = settings.report.get("templates") if settings is not None else None
    env = environment(str(user_dir) if user_dir else None)
    _cache_compiled_templates(env)
    template = env.get_template(TEMPLATE)
    conf = settings.report if settings is not None else {}
    if publish:
        report = memos.publication(report, conf)
    return template.render(
        report=report,
        views=html.views(report["measures"], words),
        missing_fields=html.missing_fields(report["measures"], words),
        w=words,
        L=LABELS[words.lang],
        O=OUTCOME[words.lang],
        lang=words.lang,
        timeline=svg.timeline(report, words),
        overall_bar=svg.progress_bar(report["summary"]["progress"], "in_progress", words),
        colours=svg.COLOUR,
        fonts=font_sources or file_sources(),
        outcome_fields=OUTCOME_FIELDS,
        memo=memos.memo_head(report, conf, words) if memo else None,
        publish=publish,
        results_item=memos.results_item(int(report["fiscal_year"])),
    )


def _cache_compiled_templates(env: jinja2.Environment) -> None:
    """Keep compiled templates in the data folder: compiling the report's
    templates costs more than rendering a small plan. Jinja checks each
    entry against the template's source, so an edited template is recompiled."""
    if env.bytecode_cache is not None:
        return
    import jinja2

    from tracker.db.connection import default_data_dir

    folder = default_data_dir() / "cache" / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return  # a read-only home: compile every time
    if os.access(folder, os.W_OK):
        env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(folder))


def html_to_pdf(html: str) -> bytes:
    """A4 PDF from the report HTML, the Sarabun files embedded (subset)."""
    _load_weasyprint()
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from tracker.templating import bundled_templates

    # The stylesheet's @font-face rules are only honoured with a FontConfiguration.
    # The text goes as typed: the shipped Sarabun gives the sara aa of ำ glyphs
    # of its own, so the text layer reads ำ and า right (tools/sarabun_sara_am.py).
    document = HTML(string=html, base_url=str(bundled_templates()))
    pdf: bytes = document.write_pdf(font_config=FontConfiguration())
    return pdf


def _load_weasyprint() -> None:
    """Import WeasyPrint without a search for its C libraries.

    WeasyPrint names each library several ways ("libpango-1.0-0", "pango-1.0",
    "libpango-1.0.so.0", ...: one per platform) and cffi hands every name that
    does not load as it is to ctypes.util.find_library, which on Linux runs
    ldconfig, gcc and ld for it: some 200 processes, a third of a second of
    every PDF. Each list also holds the file name the system's loader finds by
    itself (.so.0, .dylib, .dll), so while WeasyPrint loads, no name is
    searched for; should that fail somewhere, the import is done again the
    ordinary way. WeasyPrint prints its "could not import" advice on stdout,
    where a PDF may be going: it goes to stderr. Without Pango, one line.
    """
    if "weasyprint" in sys.modules:
        return
    import contextlib
    import ctypes.util
    from importlib import import_module

    with contextlib.redirect_stdout(sys.stderr):
        search = ctypes.util.find_library
        ctypes.util.find_library = lambda name: None
        try:
            import_module("weasyprint")
            return
        except OSError:
            for name in [m for m in sys.modules if m == "weasyprint" or m.startswith("weasyprint.")]:
                del sys.modules[name]
        finally:
            ctypes.util.find_library = search
        try:
            import_module("weasyprint")
        except OSError:
            raise TrackerError(pango_missing(sys.platform)) from None


def pango_missing(platform: str) -> str:
    """One line: the PDF needs Pango, how to get it on this platform, and the
    way that needs nothing (the HTML report, printed to PDF by the browser)."""
    if platform == "win32":
        fix = ("ติดตั้ง MSYS2 แล้วสั่ง pacman -S mingw-w64-x86_64-pango และตั้ง "
               "WEASYPRINT_DLL_DIRECTORIES=C:\\msys64\\mingw64\\bin")
        fix_en = "install MSYS2, run pacman -S mingw-w64-x86_64-pango, set WEASYPRINT_DLL_DIRECTORIES"
    elif platform == "darwin":
        fix = fix_en = "brew install pango"
    else:
        fix = fix_en = "sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0"
    return (
        f"ทำ PDF ไม่ได้เพราะเครื่องนี้ไม่มีไลบรารี Pango: {fix} หรือใช้ --format html "
        "แล้วสั่งพิมพ์เป็น PDF จากเบราว์เซอร์ "
        f"(the PDF needs Pango: {fix_en}; or --format html and print to PDF from the browser)"
    )
