"""Plans for the calendar tests, built from tracker.plans.model by hand so the
tests do not wait on the document reader."""

from __future__ import annotations

from datetime import date, datetime

from tracker.db.connection import Database, open_database
from tracker.plans.model import Item, Measure, MeetingRef, Plan
from tracker.services.importing import import_plan

ORG = "เทศบาลตำบลบางจะเกร็ง"
APRIL = MeetingRef(title="การประชุมพนักงาน/ผู้บริหารประจำเดือนเมษายน ๖๖", year=2023, month=4)
JUNE = MeetingRef(title="การประชุมพนักงาน/ผู้บริหารประจำเดือนมิถุนายน ๖๖", year=2023, month=6)

ACTIONS_1 = (
    "๑. เผยแพร่ข้อมูลที่เป็นปัจจุบันบนเว็บไซต์ของหน่วยงาน ให้ครบถ้วนตามตัวชี้วัดการเปิดเผยข้อมูล\n"
    "๒. ตรวจสอบความถูกต้องของข้อมูลข่าวสารที่ต้องเปิดเผยต่อสาธารณะ และปรับปรุงให้ทันสมัยอยู่เสมอ"
)
ACTIONS_2 = (
    "๑. กำหนดมาตรการด้านการป้องกันการทุจริตเพื่อแสดงถึงความพยายามที่จะป้องกันการทุจริต"
    "ภายในหน่วยงาน และเผยแพร่ให้ผู้มีส่วนได้ส่วนเสียรับทราบ"
)


def measure(
    number: str,
    title: str,
    *,
    start: date,
    end: date,
    owners: tuple[str, ...] = ("สำนักปลัดฯ",),
    meeting: MeetingRef | None = APRIL,
    actions: str = ACTIONS_1,
) -> Measure:
    return Measure(
        number=number,
        title=title,
        actions=actions,
        items=tuple(Item(no=str(i + 1), text=line[3:]) for i, line in enumerate(actions.splitlines())),
        owners=owners,
        period_text="ม.ค. - มี.ค. ๖๖",
        start=start,
        end=end,
        followup_text=f"รายงานผลใน{meeting.title}" if meeting else "",
        meeting=meeting,
        line=1,
    )


def sample_plan() -> Plan:
    """Three measures over two units and two meetings (April, June 2566)."""
    return Plan(
        organisation=ORG,
        fiscal_year=2566,
        title="มาตรการส่งเสริมคุณธรรมจริยธรรมและความโปร่งใส ประจำปีงบประมาณ พ.ศ.๒๕๖๖",
        adopted_on=date(2022, 12, 15),
        adoption_meeting=None,
        baseline=None,
        measures=(
            measure("1", "มาตรการการเปิดเผยข้อมูลต่อสาธารณะ", start=date(2023, 1, 1), end=date(2023, 3, 31)),
            measure(
                "2",
                "มาตรการด้านการป้องกันการทุจริต",
                start=date(2023, 1, 1),
                end=date(2023, 3, 31),
                actions=ACTIONS_2,
            ),
            measure(
                "3",
                "มาตรการส่งเสริมความโปร่งใสในการจัดซื้อจัดจ้างและการใช้งบประมาณ",
                start=date(2023, 5, 1),
                end=date(2023, 5, 31),
                owners=("กองคลัง",),
                meeting=JUNE,
            ),
        ),
    )


def big_plan(n: int) -> Plan:
    """n measures, windows spread over the fiscal year, a meeting per month."""
    months = [(2022, m) for m in (10, 11, 12)] + [(2023, m) for m in range(1, 10)]
    meetings = [
        MeetingRef(title=f"การประชุมพนักงาน/ผู้บริหารประจำเดือน {y}-{m:02d}", year=y, month=m) for y, m in months
    ]
    measures = []
    for i in range(n):
        y, m = months[i % 12]
        start = date(y, m, 1)
        end = date(y, m, 28)
        measures.append(
            measure(
                str(i + 1),
                f"มาตรการที่ {i + 1} ส่งเสริมคุณธรรมและความโปร่งใสของหน่วยงาน",
                start=start,
                end=end,
                owners=(("สำนักปลัดฯ",), ("กองคลัง",), ("กองช่าง",))[i % 3],
                meeting=meetings[(i + 1) % 12],
            )
        )
    return Plan(
        organisation=ORG,
        fiscal_year=2566,
        title="แผนทดสอบ",
        adopted_on=None,
        adoption_meeting=None,
        baseline=None,
        measures=tuple(measures),
    )


def seeded(url: str, now: datetime, plan: Plan | None = None) -> Database:
    """An open database holding `plan` (the sample plan by default)."""
    from tracker.db.migrate import ensure_schema

    db = open_database(url)
    ensure_schema(db, now=now)
    with db.transaction():
        import_plan(db, plan or sample_plan(), source="test", now=now, actor="tester")
    return db
