"""A database of N organisations x M measures, fast (bench only).

    .venv/bin/python bench/load/generate.py --db postgresql+psycopg://postgres@127.0.0.1:5432/tracker_scale \
        --orgs 10000 --measures 8 [--create]

`bench/seed.py` goes through the import service (~60 ms an organisation on
PostgreSQL); this writes the same rows directly: plans with their ITA
baseline, monthly follow-up meetings, measures with realistic Thai titles,
owner units, windows spread over the fiscal year and three sub-items each,
and every unit of every organisation with its own e-mail addresses. Ids are
given here, so every table goes in with COPY (PostgreSQL) or executemany
(SQLite) and the sequences are moved past them at the end.

`--create` creates the PostgreSQL database first (dropping nothing).
"""

from __future__ import annotations

import argparse
import io
import json
import random
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from seed import NAMES, TOPICS, UNITS  # noqa: E402

from tracker.clock import BANGKOK  # noqa: E402

# Imported before the fiscal year begins: a stamp inside the season would make
# every row look changed to the daily run until then (reminders/candidates.py).
NOW = datetime(2022, 9, 26, 9, 0, tzinfo=BANGKOK)
STAMP = NOW.astimezone(UTC).isoformat(timespec="microseconds")
PREFIXES = ["เทศบาลตำบล", "องค์การบริหารส่วนตำบล", "เทศบาลเมือง"]
PLACES_A = ["บาง", "หนอง", "ดอน", "ท่า", "โคก", "นา", "ห้วย", "วัง", "บ้าน", "คลอง", "ทุ่ง", "สระ",
            "เขา", "แม่", "ลำ", "หาด", "โพธิ์", "ไทร", "ป่า", "เชียง"]
PLACES_B = ["จะเกร็ง", "แก้ว", "ใหญ่", "ทอง", "สะแก", "ยาง", "หลวง", "เหนือ", "ใต้", "กลาง", "น้อย",
            "ขาม", "สวรรค์", "ศรี", "งาม", "ม่วง", "ตะเคียน", "กระทุ่ม", "พระ", "ชัย"]
PROVINCES = ["สมุทรสงคราม", "เพชรบุรี", "ราชบุรี", "กาญจนบุรี", "นครปฐม", "สุพรรณบุรี", "ขอนแก่น",
             "อุดรธานี", "เชียงใหม่", "ลำปาง", "สงขลา", "นครศรีธรรมราช", "ชลบุรี", "ระยอง",
             "นครราชสีมา", "บุรีรัมย์", "สุรินทร์", "พิษณุโลก", "ลพบุรี", "อยุธยา", "ตรัง", "ยะลา",
             "เลย", "น่าน", "แพร่", "ตาก"]
UNIT_MAIL = ["palad", "finance", "works", "education", "health", "welfare", "audit"]
GROUPS = ["IIT"] * 5 + ["EIT"] * 3 + ["OIT"] * 2
MEETING = "การประชุมพนักงาน/ผู้บริหารประจำเดือน"


def org_name(i: int) -> str:
    """A unique, plausible name for organisation number i (mixed radix)."""
    n = i
    prefix = PREFIXES[n % len(PREFIXES)]
    n //= len(PREFIXES)
    a = PLACES_A[n % len(PLACES_A)]
    n //= len(PLACES_A)
    b = PLACES_B[n % len(PLACES_B)]
    n //= len(PLACES_B)
    prov = PROVINCES[n % len(PROVINCES)]
    extra = n // len(PROVINCES)
    return f"{prefix}{a}{b} จังหวัด{prov}" + (f" ({extra + 1})" if extra else "")


def months_of(fiscal_year: int) -> list[tuple[int, int]]:
    ce = fiscal_year - 543
    return [(ce - 1, 10 + i) if i < 3 else (ce, i - 2) for i in range(12)]


def rows(orgs: int, measures: int, fiscal_year: int, first_org: int = 0) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, with ids, for organisations first_org .. first_org + orgs - 1."""
    out: dict[str, list[tuple[Any, ...]]] = {k: [] for k in (
        "organisations", "plans", "ita_indicators", "meetings", "tasks", "task_items", "units")}
    months = months_of(fiscal_year)
    for o in range(first_org, first_org + orgs):
        rnd = random.Random(o)
        oid = o + 1
        pid = oid  # one plan per organisation
        out["organisations"].append((oid, org_name(o), STAMP))
        out["plans"].append((
            pid, oid, fiscal_year,
            f"มาตรการส่งเสริมคุณธรรมจริยธรรมและความโปร่งใส ประจำปีงบประมาณ พ.ศ.{fiscal_year}",
            "bench/load", None, None, fiscal_year - 1, None, None, "[]", STAMP, STAMP))
        for k in range(10):
            out["ita_indicators"].append((pid * 10 + k, pid, k + 1, NAMES[k], GROUPS[k],
                                          round(rnd.uniform(70, 99), 2)))
        meeting_ids = {}
        for k, (y, m) in enumerate(months):
            mid = pid * 12 + k
            meeting_ids[(y, m)] = mid
            out["meetings"].append((mid, pid, f"{y:04d}-{m:02d} {MEETING}", MEETING, f"{y:04d}-{m:02d}",
                                    None, None, None, "[]", 0, STAMP))
        slug = f"lao{oid:05d}"
        for u, name in enumerate(UNITS):
            out["units"].append((oid * 10 + u, oid, name,
                                 json.dumps([f"{UNIT_MAIL[u]}@{slug}.go.th"]), STAMP))
        for n in range(1, measures + 1):
            tid = (pid - 1) * measures + n  # dense: any number of measures a plan
            first = rnd.randint(0, 8)
            last = min(11, first + rnd.randint(0, 3))
            (y1, m1), (y2, m2) = months[first], months[last]
            end = date.fromordinal(date(y2 + (m2 == 12), m2 % 12 + 1, 1).toordinal() - 1)
            report_month = months[min(11, last + 1)]
            out["tasks"].append((
                tid, pid, str(n), n - 1, f"มาตรการ{rnd.choice(TOPICS)} ลำดับที่ {n}",
                "\n".join(f"{i}) ดำเนินการขั้นตอนที่ {i} ของมาตรการ" for i in range(1, 4)),
                json.dumps([rnd.choice(UNITS)], ensure_ascii=False), "",
                date(y1, m1, 1).isoformat(), end.isoformat(), "รายงานผลในการประชุมประจำเดือน",
                meeting_ids[report_month], 0, STAMP, f"m{n}"))
            for i in range(1, 4):
                out["task_items"].append((tid * 10 + i, tid, str(i), i - 1,
                                          f"ดำเนินการขั้นตอนที่ {i} ของมาตรการ"))
    return out


COLUMNS = {
    "organisations": "id, name, created_at",
    "plans": "id, organisation_id, fiscal_year, title, source, adopted_on, adoption_meeting,"
             " ita_assessed_year, ita_stated_overall, ita_stated_grade, ita_improvements,"
             " imported_at, updated_at",
    "ita_indicators": "id, plan_id, no, name, grp, score",
    "meetings": "id, plan_id, key, title, month, held_on, held_at, place, attendees, sequence, updated_at",
    "tasks": "id, plan_id, number, position, title, actions, owners, period_text, starts_on, ends_on,"
             " followup_text, meeting_id, progress, updated_at, uid_key",
    "task_items": "id, task_id, no, position, text",
    "units": "id, organisation_id, name, emails, updated_at",
}
ORDER = ["organisations", "plans", "ita_indicators", "meetings", "tasks", "task_items", "units"]


def _copy_text(values: list[tuple[Any, ...]]) -> Iterator[str]:
    def field(v: Any) -> str:
        if v is None:
            return "\\N"
        s = str(v)
        return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")

    for row in values:
        yield "\t".join(field(v) for v in row) + "\n"


def load_postgres(url: str, tables: dict[str, list[tuple[Any, ...]]]) -> None:
    import psycopg

    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        for name in ORDER:
            buf = io.StringIO("".join(_copy_text(tables[name])))
            with cur.copy(f"COPY {name} ({COLUMNS[name]}) FROM STDIN") as copy:
                while chunk := buf.read(1 << 20):
                    copy.write(chunk)
        for name in ORDER:
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'),"
                        f" (SELECT MAX(id) FROM {name}))")
        cur.execute("ANALYZE")


def load_other(url: str, tables: dict[str, list[tuple[Any, ...]]]) -> None:
    from tracker.db.connection import open_database

    db = open_database(url)
    with db.transaction():
        for name in ORDER:
            cols = [c.strip() for c in COLUMNS[name].split(",")]
            sql = f"INSERT INTO {name} ({', '.join(cols)}) VALUES ({', '.join(':' + c for c in cols)})"
            db.executemany(sql, [dict(zip(cols, r, strict=True)) for r in tables[name]])
    db.close()


def create_database(url: str) -> None:
    import psycopg

    base, _, name = url.replace("postgresql+psycopg://", "postgresql://").rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True)
    ap.add_argument("--orgs", type=int, default=10000)
    ap.add_argument("--measures", type=int, default=8)
    ap.add_argument("--fiscal-year", type=int, default=2566)
    ap.add_argument("--create", action="store_true")
    args = ap.parse_args()
    if args.create and args.db.startswith("postgresql"):
        create_database(args.db)
    from tracker.db.connection import open_database
    from tracker.db.migrate import ensure_schema

    t0 = time.perf_counter()
    db = open_database(args.db)
    ensure_schema(db, now=NOW)
    if db.scalar("SELECT COUNT(*) FROM organisations"):
        raise SystemExit(f"{args.db} already holds organisations: use an empty database")
    db.close()
    tables = rows(args.orgs, args.measures, args.fiscal_year)
    if args.db.startswith("postgresql"):
        load_postgres(args.db, tables)
    else:
        load_other(args.db, tables)
    print(f"{args.orgs} organisations x {args.measures} measures = {len(tables['tasks'])} tasks"
          f" in {time.perf_counter() - t0:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
