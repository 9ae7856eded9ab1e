"""Make a database with many measures, for benchmarks.

    .venv/bin/python bench/seed.py --db sqlite:///tmp/bench.db --measures 1000 [--orgs 1]

Measures get realistic Thai titles, units, windows across the fiscal year and a
monthly follow-up meeting; imported through the same service `tracker import` uses.
"""

from __future__ import annotations

import argparse
import random
from datetime import date, datetime

from tracker.clock import BANGKOK
from tracker.db.connection import open_database
from tracker.db.migrate import ensure_schema
from tracker.plans.model import Baseline, Indicator, Item, Measure, MeetingRef, Plan
from tracker.services.importing import import_plan

UNITS = [
    "สำนักปลัดฯ",
    "กองคลัง",
    "กองช่าง",
    "กองการศึกษา ศาสนาและวัฒนธรรม",
    "กองสาธารณสุขและสิ่งแวดล้อม",
    "กองสวัสดิการสังคม",
    "หน่วยตรวจสอบภายใน",
]
TOPICS = [
    "การเปิดเผยข้อมูลต่อสาธารณะ",
    "การป้องกันการทุจริต",
    "การบริหารงานบุคคลอย่างโปร่งใส",
    "การใช้ทรัพย์สินของราชการ",
    "การจัดซื้อจัดจ้าง",
    "การรับเรื่องร้องเรียน",
    "การสร้างวัฒนธรรมองค์กรสุจริต",
    "การประเมินความเสี่ยงการทุจริต",
]
NAMES = [
    "การปฏิบัติหน้าที่",
    "การใช้งบประมาณ",
    "การใช้อำนาจ",
    "การใช้ทรัพย์สินของราชการ",
    "การแก้ไขปัญหาการทุจริต",
    "คุณภาพการดำเนินงาน",
    "ประสิทธิภาพการสื่อสาร",
    "การปรับปรุงการทำงาน",
    "การเปิดเผยข้อมูล",
    "การป้องกันการทุจริต",
]
GROUPS = ["IIT"] * 5 + ["EIT"] * 3 + ["OIT"] * 2


def make_plan(organisation: str, measures: int, fiscal_year: int = 2566, seed: int = 1) -> Plan:
    rnd = random.Random(seed)
    ce = fiscal_year - 543
    out = []
    for n in range(1, measures + 1):
        first = rnd.randint(0, 8)
        last = min(11, first + rnd.randint(0, 3))
        months = [(ce - 1, 10 + i) if i < 3 else (ce, i - 2) for i in range(12)]
        (y1, m1), (y2, m2) = months[first], months[last]
        end = date(y2 + (m2 == 12), m2 % 12 + 1, 1).toordinal() - 1
        ry, rm = months[min(11, last + 1)]
        out.append(
            Measure(
                number=str(n),
                title=f"มาตรการ{rnd.choice(TOPICS)} ลำดับที่ {n}",
                actions="\n".join(f"{i}) ดำเนินการขั้นตอนที่ {i} ของมาตรการ" for i in range(1, 4)),
                items=tuple(Item(no=str(i), text=f"ดำเนินการขั้นตอนที่ {i} ของมาตรการ") for i in range(1, 4)),
                owners=(rnd.choice(UNITS),),
                period_text="",
                start=date(y1, m1, 1),
                end=date.fromordinal(end),
                followup_text="รายงานผลในการประชุมประจำเดือน",
                meeting=MeetingRef(title="การประชุมพนักงาน/ผู้บริหารประจำเดือน", year=ry, month=rm),
                line=n,
            )
        )
    baseline = Baseline(
        indicators=tuple(
            Indicator(no=i + 1, name=NAMES[i], group=GROUPS[i], score=round(rnd.uniform(70, 99), 2))
            for i in range(10)
        ),
        stated_overall=None,
        stated_grade=None,
        assessed_year=fiscal_year - 1,
    )
    return Plan(
        organisation=organisation,
        fiscal_year=fiscal_year,
        title=f"มาตรการส่งเสริมคุณธรรมจริยธรรมและความโปร่งใส ประจำปีงบประมาณ พ.ศ.{fiscal_year}",
        adopted_on=None,
        adoption_meeting=None,
        baseline=baseline,
        measures=tuple(out),
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--measures", type=int, default=1000)
    ap.add_argument("--orgs", type=int, default=1)
    args = ap.parse_args()
    now = datetime(2023, 1, 15, 9, 0, tzinfo=BANGKOK)
    db = open_database(args.db)
    ensure_schema(db, now=now)
    for o in range(args.orgs):
        name = "เทศบาลตำบลทดสอบ" if args.orgs == 1 else f"เทศบาลตำบลทดสอบที่ {o + 1}"
        with db.transaction():
            import_plan(db, make_plan(name, args.measures, seed=o), source="bench", now=now, actor="bench")
    db.close()


if __name__ == "__main__":
    main()
