"""`tracker`: the entry point, global options, and the one error handler.

Subcommands live in sibling modules and are imported only when run, so
`tracker --help`, completion and the everyday commands stay fast.
"""

from __future__ import annotations

import os
import sys
from importlib import import_module
from typing import TYPE_CHECKING, Any

import click

from tracker.errors import TrackerError

if TYPE_CHECKING:
    from pathlib import Path

# name -> (module, attribute, one-line help shown by `tracker --help`)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "init": ("tracker.cli.setup", "init", "สร้างหรือปรับปรุงฐานข้อมูล (create or upgrade the database)"),
    "copy-to": ("tracker.cli.setup", "copy_to", "คัดลอกฐานข้อมูลไปที่ใหม่ (copy the database, e.g. to PostgreSQL)"),
    "import": ("tracker.cli.setup", "import_", "นำเข้าแผนมาตรการ (import a plan document)"),
    "plan": ("tracker.cli.setup", "plan", "แผนที่นำเข้าและผล ITA (imported plans, ITA baseline)"),
    "list": ("tracker.cli.show", "list_", "รายการงาน (list tasks)"),
    "show": ("tracker.cli.show", "show", "รายละเอียดงาน (one task in full)"),
    "history": ("tracker.cli.show", "history", "ประวัติการเปลี่ยนแปลง (who changed what, when)"),
    "start": ("tracker.cli.work", "start", "เริ่มดำเนินการ (mark a task started)"),
    "progress": ("tracker.cli.work", "progress", "บันทึกความคืบหน้า (record progress, 0-100)"),
    "note": ("tracker.cli.work", "note", "บันทึกข้อความ (add a note)"),
    "check": ("tracker.cli.work", "check", "ทำเครื่องหมายข้อย่อย (tick a sub-item)"),
    "evidence": ("tracker.cli.work", "evidence", "แนบหลักฐาน (attach a URL or file reference)"),
    "done": ("tracker.cli.work", "done", "ดำเนินการเสร็จ (finish a task)"),
    "reopen": ("tracker.cli.work", "reopen", "ยกเลิกสถานะเสร็จ (undo done)"),
    "cancel": ("tracker.cli.work", "cancel", "ยกเลิกมาตรการ หยุดแจ้งเตือน (cancel a measure; --undo)"),
    "archive": ("tracker.cli.setup", "archive", "เก็บแผนที่จบแล้วถาวร หยุดแจ้งเตือน (archive a plan; --undo)"),
    "edit": ("tracker.cli.edit", "edit", "แก้ไขสิ่งที่เอกสารแผนเขียนผิด (correct what the plan got wrong)"),
    "outcome": ("tracker.cli.work", "outcome", "ผล/ปัญหา/อุปสรรค/ข้อเสนอแนะ (the report's four fields)"),
    "unit": ("tracker.cli.setup", "unit", "หน่วยงานและอีเมล (units and their e-mail)"),
    "meeting": ("tracker.cli.setup", "meeting", "การประชุมติดตามผล (follow-up meetings)"),
    "remind": ("tracker.cli.remind", "remind", "ส่งอีเมลแจ้งเตือน (send due reminders)"),
    "scheduler": ("tracker.cli.remind", "scheduler", "ตัวจัดตารางส่งอีเมล (the reminder daemon)"),
    "ics": ("tracker.cli.ics", "ics", "ปฏิทิน .ics (calendar export and import)"),
    "report": ("tracker.cli.report", "report", "รายงานเสนอที่ประชุม (the meeting status report)"),
    "demo": ("tracker.cli.demo", "demo", "สาธิตทั้งฤดูกาลกับแผนตัวอย่าง (the whole season on the sample)"),
    "mail": ("tracker.cli.mail", "mail", "ทดสอบการส่งอีเมล (tracker mail test ADDR)"),
    "serve": ("tracker.cli.web", "serve", "เปิดหน้าเว็บสำหรับหน่วยงานและเจ้าหน้าที่ (the web pages)"),
    "link": ("tracker.cli.web", "link", "ลิงก์ส่วนตัวของหน่วยงาน (print or renew a unit's link)"),
    "user": ("tracker.cli.web", "user", "ผู้ใช้หน้าเว็บของเจ้าหน้าที่ (the clerks' sign-ins)"),
}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        module, attr, _ = entry
        command: click.Command = getattr(import_module(module), attr)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, help_) for name, (_, _, help_) in COMMANDS.items()]
        with formatter.section("คำสั่ง (Commands)"):
            formatter.write_dl(rows)

    def shell_complete(self, ctx: click.Context, incomplete: str) -> list[Any]:
        from click.shell_completion import CompletionItem

        items = [CompletionItem(n, help=h) for n, (_, _, h) in COMMANDS.items() if n.startswith(incomplete)]
        return items + list(click.Command.shell_complete(self, ctx, incomplete))


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "db_url",
    envvar="TRACKER_DB_URL",
    metavar="URL",
    help="ฐานข้อมูล (database URL; default: a SQLite file in your data folder).",
)
@click.option(
    "--config",
    "config_path",
    envvar="TRACKER_CONFIG",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="ไฟล์ตั้งค่า (config file, TOML).",
)
@click.option(
    "--now",
    envvar="TRACKER_NOW",
    metavar="DATETIME",
    help='ทำเสมือนว่าเป็นเวลานี้ (act as if it were this time), e.g. "2023-04-03" or "๓ เม.ย. ๖๖".',
)
@click.option(
    "--by",
    "actor",
    envvar="TRACKER_USER",
    metavar="NAME",
    help="ผู้บันทึก (who records the change; default: your login name).",
)
@click.option(
    "--lang",
    type=click.Choice(["th", "en"]),
    envvar="TRACKER_LANG",
    default="th",
    show_default=True,
    help="ภาษาที่แสดง (language of the output).",
)
@click.version_option(package_name="tracker", message="tracker %(version)s")
@click.pass_context
def cli(
    ctx: click.Context,
    db_url: str | None,
    config_path: str | None,
    now: str | None,
    actor: str | None,
    lang: str,
) -> None:
    """tracker — ติดตามมาตรการส่งเสริมคุณธรรมและความโปร่งใส (ITA)

    Follow-up of an organisation's yearly ITA integrity measures.

    \b
    ตัวอย่าง (examples):
      tracker import plan.txt
      tracker list
      tracker progress 1 60 --note "อัปเดตเว็บไซต์แล้ว"
      tracker done 2
      tracker report --format pdf -o report.pdf
    """
    from tracker.app import App
    from tracker.clock import system_now
    from tracker.db.connection import default_url

    if now:  # --now / TRACKER_NOW: any date form tracker accepts
        from tracker.thai import parse_datetime

        moment = parse_datetime(now)
    else:
        moment = system_now()
    app = App(
        now=moment,
        db_url=db_url or default_url(),
        config_path=_config_file(config_path),
        actor_override=actor,
        lang=lang,
        creates=False,
    )
    ctx.obj = app
    ctx.call_on_close(app.close)


def _config_file(named: str | None) -> Path | None:
    """The file named by --config / TRACKER_CONFIG, which must exist (for every
    command, not only those that read it), else the platform's own if present."""
    import os

    from tracker.folders import default_config_file

    if named and not os.path.isfile(named):
        from tracker.errors import InvalidInput

        raise InvalidInput(f"ไม่พบไฟล์ตั้งค่า {named} (config file not found)")
    path = named or default_config_file()
    if not path:
        return None
    from pathlib import Path  # only when there is a config file: pathlib costs start-up time

    return Path(path)


def main() -> None:
    """Run the CLI; every TrackerError becomes one `error:` line and its exit code."""
    from tracker.cli import streams

    streams.prepare()
    try:
        cli.main(prog_name="tracker", standalone_mode=False)
    except TrackerError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("error: ยกเลิก (aborted)", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("error: ยกเลิก (interrupted)", err=True)
        sys.exit(130)
    except BrokenPipeError:
        # `tracker list | head`: the reader left; that is not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
