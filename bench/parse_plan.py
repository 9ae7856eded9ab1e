"""Time reading a generated 200-measure plan (text and CSV).

    .venv/bin/python bench/parse_plan.py [--measures 200] [--runs 20]

Prints the median and the slowest run of each; the target is well under a
second per document.
"""

from __future__ import annotations

import argparse
import csv
import io
import statistics
import time

from tracker.plans.reader import parse_plan_text

PERIODS = ["ม.ค. - มี.ค. ๖๖", "ตลอดปีงบประมาณ", "ไตรมาสที่ ๓", "ต.ค. ๖๕ - มี.ค. ๖๖", "เมษายน 2566"]
OWNERS = ["สำนักปลัดฯ", "<p>กองคลัง</p><p>กองช่าง</p>", "กองการศึกษา ศาสนาและวัฒนธรรม, กองคลัง"]
HEADER = ["ที่", "มาตรการ /แนวทาง", "วิธีการดำเนินการ", "ผู้รับผิดชอบ", "ระยะเวลาดำเนินการ", "การติดตามผล"]


def rows(n: int) -> list[list[str]]:
    out = []
    for i in range(1, n + 1):
        actions = "<p>เปิดเผยข้อมูลดังต่อไปนี้</p>" + "".join(
            f"<p>{k}) หัวข้อ {k}</p><p>({k}) รายละเอียด {k}</p><p>({k + 1}) อีกข้อ</p>"
            for k in range(1, 4)
        )
        out.append([
            str(i),
            f"{i}. มาตรการที่ทดสอบความเร็วลำดับ {i}",
            actions,
            OWNERS[i % len(OWNERS)],
            PERIODS[i % len(PERIODS)],
            f"รายงานผลในการประชุมพนักงาน/ผู้บริหารประจำเดือน{'เมษายน' if i % 2 else 'ตุลาคม'} ๖๖",
        ])  # fmt: skip
    return out


def text_document(n: int) -> str:
    lines = [
        "มาตรการส่งเสริมคุณธรรมจริยธรรมและความโปร่งใส ประจำปีงบประมาณ พ.ศ.๒๕๖๖",
        "เทศบาลตำบลทดสอบ อำเภอเมือง จังหวัดทดสอบ",
        "",
    ]
    for i, r in enumerate(rows(n)):
        if i % 20 == 0:  # a page break repeats the header
            lines += ["", "\t".join(HEADER)]
        lines.append("\t".join(r))
    return "\n".join(lines) + "\n"


def csv_document(n: int) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerows([["organisation", "เทศบาลตำบลทดสอบ"], ["fiscal_year", "2566"]])
    w.writerow(["number", "title", "actions", "owners", "period", "followup"])
    for r in rows(n):
        w.writerow([r[0], r[1], r[2], r[3].replace(",", ";"), r[4], r[5]])
    return buf.getvalue()


def timed(text: str, runs: int, n: int) -> list[float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        plan = parse_plan_text(text)
        times.append(time.perf_counter() - t0)
        if len(plan.measures) != n:
            raise SystemExit(f"expected {n} measures, got {len(plan.measures)}")
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--measures", type=int, default=200)
    ap.add_argument("--runs", type=int, default=20)
    args = ap.parse_args()
    for name, text in (
        ("text", text_document(args.measures)),
        ("csv", csv_document(args.measures)),
    ):
        t = timed(text, args.runs, args.measures)
        print(
            f"{name}: {args.measures} measures, {len(text.encode()) // 1024} kB: "
            f"median {statistics.median(t) * 1000:.1f} ms, max {max(t) * 1000:.1f} ms "
            f"({args.runs} runs)"
        )


if __name__ == "__main__":
    main()
