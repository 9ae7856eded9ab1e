"""Reminder mail throughput: 1,000 reminders through the outbox to a local
aiosmtpd server over ONE SMTP connection.

    .venv/bin/python bench/mail_throughput.py [--runs 5] [--n 1000] [--db URL]

Each run: 1,000 queued rows (a plan of 1,000 measures, one unit with an
address) are claimed in one batch, rendered from the templates, sent over
one connection and marked sent, exactly what a sweep does. The server runs
in its own process so it does not share our interpreter. Prints the median
messages/second of the runs (target: >= 50/s; an organisation sends a few
dozen a season, a province office a few thousand a day), the server's own limit
measured after each run (smtplib alone sending one ready-made message as
fast as the server answers; a shared machine's load moves both alike), and
the floor (`python -I -c "import sqlite3"`) measured in the same run, for scale.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SERVER = r"""
import sys, time
from aiosmtpd.controller import Controller
class Sink:
    count = 0
    async def handle_DATA(self, server, session, envelope):
        Sink.count += 1
        return "250 OK"
class C(Controller):
    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()
c = C(Sink(), hostname="127.0.0.1", port=0)
c.start()
print(c.port, flush=True)
sys.stdin.read()
c.stop()
"""


def floor_seconds() -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-I", "-c", "import sqlite3"], check=True)
    return time.perf_counter() - t


def sample_message(db, settings, policy, now):  # type: ignore[no-untyped-def]
    """One of the batch's messages, as bytes, for the bare-SMTP comparison."""
    from tracker.reminders.compose import Composer

    row = db.one("SELECT * FROM outbox ORDER BY id LIMIT 1")
    outgoing, _ = Composer(db, settings, policy, now).compose([row])
    return outgoing[0].mail()


def bare_smtp_rate(port: int, n: int, mail) -> float:  # type: ignore[no-untyped-def]
    """What the server allows: smtplib alone, the same bytes n times, one connection."""
    import smtplib

    with smtplib.SMTP("127.0.0.1", port) as conn:
        conn.ehlo()
        t = time.perf_counter()
        for _ in range(n):
            conn.sendmail(mail.envelope_from, list(mail.to), mail.data)
        return n / (time.perf_counter() - t)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--db", help="database URL (default: a fresh SQLite file)")
    args = ap.parse_args()

    from tests.factories import measure, small_plan
    from tracker.app import App
    from tracker.clock import BANGKOK
    from tracker.config import MailSettings, Settings
    from tracker.mail.transports import SmtpTransport
    from tracker.reminders import run
    from tracker.reminders.policy import Policy
    from tracker.services.importing import import_plan
    from tracker.services.units import set_unit

    server = subprocess.Popen(
        [sys.executable, "-c", SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert server.stdout is not None
    port = int(server.stdout.readline())
    start = datetime(2022, 12, 1, 9, 0, tzinfo=BANGKOK)
    now = datetime(2023, 1, 4, 9, 0, tzinfo=BANGKOK)
    url = args.db or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    app = App(now=start, db_url=url)
    db = app.db
    with db.transaction():
        import_plan(
            db,
            small_plan(*[measure(str(i), f"มาตรการทดสอบความเร็วที่ {i}") for i in range(1, args.n + 1)]),
            source="bench",
            now=start,
            actor="bench",
        )
        set_unit(db, "สำนักปลัดฯ", ["palad@bangchakreng.go.th"], now=start, actor="bench")
    policy = Policy(batch=args.n)
    mail = MailSettings(
        transport="smtp",
        host="127.0.0.1",
        port=port,
        security="none",
        sender="ระบบติดตาม ITA <tracker@bangchakreng.go.th>",
    )
    settings = Settings(mail=mail)
    run.enqueue_due(db, policy, now)
    sample = sample_message(db, settings, policy, now)
    rates: list[float] = []
    bare: list[float] = []
    for i in range(args.runs):
        with db.transaction():
            db.execute(
                "UPDATE outbox SET status = 'pending', sent_at = NULL, claimed_by = NULL,"
                " claimed_until = NULL"
            )
        transport = SmtpTransport(mail)
        usage = resource.getrusage(resource.RUSAGE_SELF)
        t = time.perf_counter()
        report = run.send_due(
            db, settings, policy, clock=lambda: now, worker=f"bench{i}", transport=transport
        )
        elapsed = time.perf_counter() - t
        after = resource.getrusage(resource.RUSAGE_SELF)
        user, system = after.ru_utime - usage.ru_utime, after.ru_stime - usage.ru_stime
        assert len(report.sent) == args.n, (len(report.sent), report.retrying[:1])
        assert report.connections == 1
        rates.append(args.n / elapsed)
        bare.append(bare_smtp_rate(port, args.n, sample))
        print(
            f"run {i + 1}: {args.n} messages in {elapsed:.3f}s = {args.n / elapsed:.0f}/s "
            f"over {report.connections} connection; our CPU a message: "
            f"{user / args.n * 1000:.2f} ms user + {system / args.n * 1000:.2f} ms system"
        )
    server.communicate("")
    floors = [floor_seconds() for _ in range(5)]
    median = statistics.median(rates)
    print(f"median: {median:.0f} messages/s ({db.dialect}; target >= 50/s)")
    print(
        f"the server's own limit (smtplib sending one ready-made message {args.n} times, "
        f"after each run): median {statistics.median(bare):.0f}/s; tracker reaches "
        f"{statistics.median(r / b for r, b in zip(rates, bare, strict=True)):.0%} of it"
    )
    print(
        f"floor (python -I -c 'import sqlite3'): {statistics.median(floors) * 1000:.1f} ms; "
        f"one message costs {1000 / median:.2f} ms = {1 / median / statistics.median(floors):.3f}x the floor"
    )
    app.close()


if __name__ == "__main__":
    main()
