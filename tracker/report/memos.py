"""The official memo (บันทึกข้อความ) that carries the report to the executive,
and the publication variant for the organisation's web site.

The memo head follows the government's correspondence rules (ระเบียบ
สำนักนายกรัฐมนตรีว่าด้วยงานสารบรรณ): the emblem or logo at the top left,
"บันทึกข้อความ" as the title, then ส่วนราชการ, ที่ and วันที่ on one line,
เรื่อง, and เรียน, followed by a short body that sums the report up and asks
the executive to take note. What only the organisation knows (its
department line, its document number, whom it addresses, its logo) comes
from `[report]`; what is missing is left as a dotted line to write in.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tracker.errors import InvalidInput
from tracker.report.words import Words

LOGO_TYPES = {"png": "image/png", "jpg": "image/jpeg", "gif": "image/gif"}
LOGO_LIMIT = 2 * 1024 * 1024

# The ITA's item for the published results report, by the plan's fiscal
# year (ITA.md: O43 "carrying the measures out" in the 2565-2566 lists; O26,
# the previous fiscal year's results report, in the 2569 one). Years not
# known here print no item number rather than a guessed one.
RESULTS_ITEM = {2565: "O43", 2566: "O43", 2568: "O26"}


def memo_head(report: Mapping[str, Any], conf: Mapping[str, Any], words: Words) -> dict[str, Any]:
    s = report["summary"]
    org = report["organisation"]
    return {
        "department": str(conf.get("memo_department") or org),
        "number": str(conf.get("memo_number") or ""),
        "date": words.date(report["as_of"], style="long"),
        "subject": f"{words('title')} {words('fiscal_year')} {words.fiscal_year(report['fiscal_year'])}",
        "to": str(conf.get("memo_to") or ""),
        "logo": logo_data_url(conf.get("logo")),
        "body": [
            words("memo_opening", organisation=org, plan=report["plan"]["title"]),
            words("memo_summary", as_of=words.date(report["as_of"], style="long"), total=words.n(s["total"]),
                  done=words.n(s["done"]), in_progress=words.n(s["in_progress"]),
                  not_started=words.n(s["not_started"]), overdue=words.n(s["overdue"]),
                  meeting=report["meeting"]["title"]),
        ],
        "closing": words("memo_closing"),
    }


def logo_data_url(path: object) -> str | None:
    """`[report] logo` as a data URL (PNG, JPEG or GIF, up to 2 MB), so the
    page carries it wherever it goes; None when none is set."""
    if not path:
        return None
    import filetype

    file = Path(str(path)).expanduser()
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise InvalidInput(
            f"อ่านไฟล์ตราหรือโลโก้ไม่ได้: {file} ([report] logo cannot be read: {exc.strerror})"
        ) from None
    kind = filetype.guess_extension(data)
    if kind not in LOGO_TYPES or len(data) > LOGO_LIMIT:
        raise InvalidInput(f"ตราหรือโลโก้ต้องเป็นไฟล์ PNG, JPEG หรือ GIF ไม่เกิน 2 MB: {file} "
                           f"([report] logo must be a PNG, JPEG or GIF image up to 2 MB)")
    return f"data:{LOGO_TYPES[kind]};base64,{base64.b64encode(data).decode('ascii')}"


def publication(report: Mapping[str, Any], conf: Mapping[str, Any]) -> dict[str, Any]:
    """The report for the web site: people's names left out when
    `[report] publish_names = false` (the positions stay)."""
    out = dict(report)
    if conf.get("publish_names", True) is False:
        out["signature"] = {**report["signature"], "reporter": "", "executive": ""}
    return out


def results_item(fiscal_year: int) -> str | None:
    return RESULTS_ITEM.get(fiscal_year)
