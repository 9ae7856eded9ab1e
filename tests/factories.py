"""Small plans built by hand, so store tests do not depend on the document reader."""

from __future__ import annotations

from datetime import date

from tracker.plans.model import Baseline, Indicator, Item, Measure, MeetingRef, Plan

APRIL = MeetingRef(title="การประชุมพนักงาน/ผู้บริหารประจำเดือนเมษายน ๖๖", year=2023, month=4)


def measure(
    number: str,
    title: str,
    *,
    items: int = 0,
    owners: tuple[str, ...] = ("สำนักปลัดฯ",),
    start: date = date(2023, 1, 1),
    end: date = date(2023, 3, 31),
) -> Measure:
    return Measure(
        number=number,
        title=title,
        actions=title,
        items=tuple(Item(no=str(i), text=f"ขั้นตอนที่ {i}") for i in range(1, items + 1)),
        owners=owners,
        period_text="ม.ค. - มี.ค. ๖๖",
        start=start,
        end=end,
        followup_text="รายงานผลในการประชุมประจำเดือนเมษายน ๖๖",
        meeting=APRIL,
        line=1,
    )


def small_plan(*measures: Measure, organisation: str = "เทศบาลตำบลบางจะเกร็ง") -> Plan:
    names = [
        "การปฏิบัติหน้าที่",
        "การใช้อำนาจ",
        "การแก้ไขปัญหาการทุจริต",
        "การใช้งบประมาณ",
        "การใช้ทรัพย์สินของราชการ",
        "คุณภาพการดำเนินงาน",
        "การปรับปรุงการทำงาน",
        "ประสิทธิภาพการสื่อสาร",
        "การเปิดเผยข้อมูล",
        "การป้องกันการทุจริต",
    ]
    scores = [98.89, 96.98, 96.64, 94.53, 92.53, 96.49, 83.39, 75.44, 84.48, 93.75]
    groups = ["IIT"] * 5 + ["EIT"] * 3 + ["OIT"] * 2
    return Plan(
        organisation=organisation,
        fiscal_year=2566,
        title="มาตรการส่งเสริมคุณธรรมจริยธรรมและความโปร่งใส ประจำปีงบประมาณ พ.ศ.๒๕๖๖",
        adopted_on=date(2022, 12, 9),
        adoption_meeting="การประชุมพนักงานเจ้าหน้าที่และผู้บริหาร",
        baseline=Baseline(
            indicators=tuple(
                Indicator(no=i + 1, name=names[i], group=groups[i], score=scores[i]) for i in range(10)
            ),
            stated_overall=89.95,
            stated_grade="A",
            assessed_year=2565,
        ),
        measures=measures
        or (
            measure("1", "มาตรการการเปิดเผยข้อมูลต่อสาธารณะ"),
            measure("2", "กำหนดมาตรการด้านการป้องกันการทุจริต", items=3),
        ),
    )
