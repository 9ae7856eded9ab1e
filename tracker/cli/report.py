"""`tracker report`: the status report for the follow-up meeting."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tracker import thai
from tracker.app import App
from tracker.errors import InvalidInput

pass_app = click.make_pass_decorator(App)
MAX_WARNINGS = 10


@click.command()
@click.option(
    "--meeting",
    "meeting",
    metavar="ID",
    help="การประชุมที่จะรายงาน (meeting id; default: the next meeting, else the latest)",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "html", "pdf", "md", "json", "docx", "xlsx", "csv"]),
    default="text",
    show_default=True,
    help="รูปแบบ (output format)",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="เขียนลงไฟล์ (write to this file, - for standard output; needed for pdf on a terminal)",
)
@click.option(
    "--force",
    is_flag=True,
    help="เขียนผ่านลิงก์สัญลักษณ์ได้ (allow -o to write through a symlink)",
)
@click.option(
    "--lang",
    type=click.Choice(["th", "en"]),
    default=None,
    help="ภาษาของรายงาน (report language; default: the global --lang)",
)
@click.option(
    "--digits",
    type=click.Choice(["thai", "arabic"]),
    default=None,
    help="ตัวเลขไทยหรืออารบิก (digits; default: thai for a Thai html/pdf, arabic otherwise)",
)
@click.option("--memo", is_flag=True,
              help="ขึ้นต้นด้วยบันทึกข้อความเสนอผู้บริหาร (open with the official memo; html/pdf)")
@click.option("--publish", is_flag=True,
              help="ฉบับเผยแพร่บนเว็บไซต์หน่วยงาน (the web site's variant, ITA evidence; html/pdf)")
@click.option("--org", metavar="NAME", help="เฉพาะองค์กรนี้ (only this organisation's meetings)")
@pass_app
def report(
    app: App,
    meeting: str | None,
    fmt: str,
    output: Path | None,
    force: bool,
    lang: str | None,
    digits: str | None,
    memo: bool,
    publish: bool,
    org: str | None,
) -> None:
    """รายงานผลการดำเนินงานเสนอที่ประชุมติดตามผล (the meeting status report).

    ข้อมูล ณ วันที่ตาม --now (as of --now). ช่องผล/ปัญหา/อุปสรรค/ข้อเสนอแนะ
    ที่ยังว่างจะแจ้งเตือนทาง stderr (empty outcome fields are warned about).

    \b
    ตัวอย่าง: tracker report
              tracker report --format pdf -o รายงาน.pdf
              tracker report --format pdf --memo -o เสนอผู้บริหาร.pdf
              tracker report --format html --publish -o ita-o43.html
              tracker --now 2023-04-03 report --format html -o report.html
    """
    from tracker.cli.outfile import is_stdout, protected_files, write_output
    from tracker.cli.streams import write_document
    from tracker.report.render import load_report, render, warnings

    if is_stdout(output):
        output = None
    if fmt in ("pdf", "docx", "xlsx") and output is None and sys.stdout.isatty():
        raise InvalidInput(f"{fmt.upper()} ต้องระบุไฟล์ด้วย -o (a {fmt.upper()} file needs -o FILE,"
                           f" or pipe it: > report.{fmt})")
    language = lang or app.lang
    meeting_id = (
        thai.parse_int(meeting.lstrip("#"), what="meeting id (หมายเลขการประชุม)")
        if meeting
        else None
    )
    value = load_report(
        app.db, meeting_id=meeting_id, now=app.now, settings=app.settings, organisation=org
    )
    data = render(value, fmt=fmt, lang=language, digits=digits, settings=app.settings, memo=memo,
                  publish=publish)
    if output is None:
        write_document(data, textual=fmt in ("text", "md"))
    else:
        write_output(output, data, protected=protected_files(app), force=force)
        click.echo(f"เขียนรายงานแล้ว: {output}" if language == "th" else f"report written: {output}")
    # Last, so they are the final lines a person sees: nobody prints an incomplete report unawares.
    # Name the first few; a plan of hundreds of measures must not bury the
    # terminal (the document itself marks every empty field).
    lines = warnings(value, language, limit=MAX_WARNINGS)
    for line in lines:
        click.echo(f"warning: {line}", err=True)
    more = value["summary"]["incomplete_outcomes"] - len(lines)
    if more > 0:
        click.echo(f"warning: และอีก {more} มาตรการที่ยังบันทึกไม่ครบ" if language == "th"
                   else f"warning: and {more} more measures with empty fields", err=True)
