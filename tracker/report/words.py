"""The report's words and numbers in the reader's language and digits.

The report value (data.py) holds codes, ISO dates and Arabic numbers; only
here do they become "เกินกำหนด", "๓ เม.ย. ๒๕๖๖" or "3 Apr 2023". Digits are
converted only in what the report itself writes (dates, counts, scores), never
in what people typed (titles, URLs, outcome text).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from tracker import thai
from tracker.errors import InvalidInput
from tracker.words import STATUS

OUTCOME = {
    "th": {
        "result": "ผลการดำเนินงาน",
        "problems": "ปัญหา",
        "obstacles": "อุปสรรค",
        "suggestions": "ข้อเสนอแนะ",
    },
    "en": {
        "result": "Results",
        "problems": "Problems",
        "obstacles": "Obstacles",
        "suggestions": "Suggestions",
    },
}

LABELS = {
    "th": {
        "title": "รายงานผลการดำเนินงานตามมาตรการส่งเสริมคุณธรรมและความโปร่งใส",
        "fiscal_year": "ประจำปีงบประมาณ พ.ศ.",
        "meeting": "เสนอต่อที่ประชุม",
        "meeting_on": "วันที่ประชุม",
        "meeting_undated": "ยังไม่กำหนดวัน",
        "as_of": "ข้อมูล ณ วันที่",
        "summary": "สรุปภาพรวม",
        "measures_total": "มาตรการทั้งหมด",
        "overall_progress": "ความคืบหน้าเฉลี่ย",
        "timeline": "ช่วงเวลาดำเนินการเทียบกับวันที่รายงานและวันประชุม",
        "details": "รายละเอียดรายมาตรการ",
        "no": "ที่",
        "measure": "มาตรการ",
        "owners": "ผู้รับผิดชอบ",
        "window": "ระยะเวลาดำเนินการ",
        "period_unclear": "ต้องระบุช่วงเวลา",
        "section": "ด้าน",
        "budget": "งบประมาณ",
        "target": "เป้าหมาย",
        "status": "สถานะ",
        "progress": "ความคืบหน้า",
        "done_on": "วันที่แล้วเสร็จ",
        "items": "ข้อย่อยที่ดำเนินการแล้ว",
        "actions": "วิธีการดำเนินการ",
        "evidence": "หลักฐาน",
        "no_evidence": "ยังไม่มีหลักฐาน",
        "uploaded_file": "ไฟล์ที่แนบผ่านหน้าเว็บ",
        "memo": "บันทึกข้อความ",
        "memo_department": "ส่วนราชการ",
        "memo_number": "ที่",
        "memo_date": "วันที่",
        "memo_subject": "เรื่อง",
        "memo_to": "เรียน",
        "memo_opening": "ตามที่{organisation}ได้จัดทำ{plan} เพื่อยกระดับผลการประเมินคุณธรรมและความโปร่งใส"
        "ในการดำเนินงานของหน่วยงานภาครัฐ (ITA) นั้น",
        "memo_summary": "บัดนี้ ได้ติดตามผลการดำเนินงาน ณ วันที่ {as_of} แล้ว จากมาตรการทั้งหมด {total} มาตรการ"
        " ดำเนินการแล้วเสร็จ {done} มาตรการ อยู่ระหว่างดำเนินการ {in_progress} มาตรการ ยังไม่เริ่ม"
        " {not_started} มาตรการ และเกินกำหนด {overdue} มาตรการ รายละเอียดปรากฏตามรายงานที่แนบมาพร้อมนี้"
        " เพื่อเสนอต่อ{meeting}",
        "memo_closing": "จึงเรียนมาเพื่อโปรดทราบ",
        "publish_title": "รายงานผลการดำเนินการเพื่อส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน",
        "publish_item": "ข้อมูลประกอบการประเมิน ITA ข้อ {item}",
        "missing": "ยังไม่ได้บันทึก",
        "missing_note": "ช่องที่ยังไม่ได้บันทึก",
        "indicators": "ตัวชี้วัด ITA ที่มาตรการนี้ระบุ",
        "ita": "ผลการประเมิน ITA ปีที่ผ่านมา (ข้อมูลฐาน)",
        "ita_year": "ผลการประเมินปีงบประมาณ พ.ศ.",
        "group": "กลุ่ม",
        "indicator": "ตัวชี้วัด",
        "score": "คะแนน",
        "group_mean": "เฉลี่ยกลุ่ม",
        "weight": "น้ำหนัก",
        "overall": "คะแนนรวม (คำนวณใหม่)",
        "stated": "คะแนนรวมตามเอกสาร",
        "grade": "ระดับ",
        "weak": "ตัวชี้วัดที่ต่ำกว่าเกณฑ์ผ่าน ({threshold} คะแนน) และมาตรการที่ระบุถึง",
        "weak_none": "ไม่มีตัวชี้วัดที่ต่ำกว่าเกณฑ์ผ่าน",
        "no_measure": "ไม่มีมาตรการใดในแผนที่ระบุถึงตัวชี้วัดนี้",
        "via_name": "ระบุชื่อตัวชี้วัด",
        "via_number": "ระบุเลขตัวชี้วัด",
        "in_title": "ในชื่อมาตรการ",
        "in_actions": "ในวิธีการดำเนินการ",
        "signature": "ผู้รายงาน",
        "position": "ตำแหน่ง",
        "executive": "ความเห็น / ข้อสั่งการของผู้บริหาร",
        "acknowledged": "ทราบ",
        "orders": "ข้อสั่งการ",
        "executive_sign": "ผู้บริหาร",
        "date_line": "วันที่",
        "page": "หน้า",
        "legend_as_of": "วันที่รายงาน",
        "legend_meeting": "วันประชุม",
        "none": "-",
        "warning": "มาตรการ {number} ยังไม่ได้บันทึก: {fields}",
    },
    "en": {
        "title": "Integrity and Transparency Measures: Status Report",
        "fiscal_year": "Fiscal year",
        "meeting": "For the meeting",
        "meeting_on": "Meeting date",
        "meeting_undated": "date not set",
        "as_of": "As of",
        "summary": "Summary",
        "measures_total": "Measures",
        "overall_progress": "Average progress",
        "timeline": "Windows against the report date and the meeting",
        "details": "Measures in detail",
        "no": "No.",
        "measure": "Measure",
        "owners": "Responsible",
        "window": "Window",
        "period_unclear": "period to be set",
        "section": "Section",
        "budget": "Budget",
        "target": "Target",
        "status": "Status",
        "progress": "Progress",
        "done_on": "Done on",
        "items": "Sub-items done",
        "actions": "Actions",
        "evidence": "Evidence",
        "no_evidence": "no evidence yet",
        "uploaded_file": "a file uploaded on the web page",
        "memo": "Memorandum",
        "memo_department": "From",
        "memo_number": "Ref.",
        "memo_date": "Date",
        "memo_subject": "Subject",
        "memo_to": "To",
        "memo_opening": "{organisation} adopted the {plan} to raise its Integrity and Transparency"
        " Assessment (ITA) result.",
        "memo_summary": "As of {as_of}, of its {total} measures {done} are done, {in_progress} in progress,"
        " {not_started} not started and {overdue} overdue; the report attached gives the details, for the"
        " {meeting}.",
        "memo_closing": "Submitted for your information.",
        "publish_title": "Report on the measures to promote integrity and transparency",
        "publish_item": "evidence for ITA item {item}",
        "missing": "not recorded yet",
        "missing_note": "Missing",
        "indicators": "ITA indicators this measure names",
        "ita": "Last ITA assessment (baseline)",
        "ita_year": "Assessment of fiscal year",
        "group": "Group",
        "indicator": "Indicator",
        "score": "Score",
        "group_mean": "Group mean",
        "weight": "Weight",
        "overall": "Overall (recomputed)",
        "stated": "Overall as stated",
        "grade": "Grade",
        "weak": "Indicators below the pass mark ({threshold}) and the measures that name them",
        "weak_none": "No indicator is below the pass mark",
        "no_measure": "no measure in the plan names this indicator",
        "via_name": "names the indicator",
        "via_number": "gives the indicator's number",
        "in_title": "in its title",
        "in_actions": "in its actions",
        "signature": "Reported by",
        "position": "Position",
        "executive": "Executive's acknowledgement / orders",
        "acknowledged": "Acknowledged",
        "orders": "Orders",
        "executive_sign": "Executive",
        "date_line": "Date",
        "page": "Page",
        "legend_as_of": "report date",
        "legend_meeting": "meeting",
        "none": "-",
        "warning": "measure {number} has empty fields: {fields}",
    },
}

# Indicator groups as the NACC names them.
GROUPS = {
    "th": {
        "IIT": "IIT การรับรู้ของผู้มีส่วนได้ส่วนเสียภายใน",
        "EIT": "EIT การรับรู้ของผู้มีส่วนได้ส่วนเสียภายนอก",
        "OIT": "OIT การเปิดเผยข้อมูลสาธารณะ",
    },
    "en": {
        "IIT": "IIT internal stakeholders",
        "EIT": "EIT external stakeholders",
        "OIT": "OIT open data",
    },
}


class Words:
    """Labels, numbers and dates for one language and one choice of digits."""

    def __init__(self, lang: str, digits: str) -> None:
        if lang not in LABELS:
            raise InvalidInput(f"ภาษาไม่รองรับ (language must be th or en, not {lang!r})")
        if digits not in ("thai", "arabic"):
            raise InvalidInput(f"digits must be thai or arabic, not {digits!r}")
        self.lang = lang
        self.digits = digits

    def __call__(self, key: str, **values: str) -> str:
        text = LABELS[self.lang][key]
        return text.format(**values) if values else text

    def n(self, value: object) -> str:
        """A number (or text made of our own digits) in the chosen digits."""
        text = str(value)
        return thai.to_thai_digits(text) if self.digits == "thai" else text

    def score(self, value: float | None) -> str:
        return self("none") if value is None else self.n(f"{value:.2f}")

    def pct(self, value: int) -> str:
        return self.n(f"{value}%")

    def date(self, iso: str | None, *, style: str = "short") -> str:
        if not iso:
            return self("none")
        return thai.format_date(date.fromisoformat(iso[:10]), lang=self.lang, digits=self.digits, style=style)

    def window(self, start: str, end: str) -> str:
        return f"{self.date(start)} – {self.date(end)}"

    def month(self, ym: str, *, style: str = "long") -> str:
        year, month = (int(p) for p in ym.split("-"))
        return thai.format_month(year, month, lang=self.lang, digits=self.digits, style=style)

    def meeting_when(self, meeting: dict[str, object]) -> str:
        """The meeting's date, or its month and "date not set"."""
        if meeting.get("date"):
            text = self.date(str(meeting["date"]), style="long")
            if meeting.get("time"):
                text += f" {self.n(meeting['time'])}" + (" น." if self.lang == "th" else "")
            return text
        return f"{self.month(str(meeting['month']))} ({self('meeting_undated')})"

    def evidence(self, e: Mapping[str, str], sep: str = " ") -> str:
        """A piece of evidence as a reader knows it: a link or reference with
        its title; a file uploaded on a unit's page by its title (its stored
        name, "upload:<hash>", means nothing on paper)."""
        if e["ref"].startswith("upload:"):
            return e["title"] or self("uploaded_file")
        return e["ref"] + (f"{sep}({e['title']})" if e["title"] else "")

    def status(self, code: str) -> str:
        return STATUS[self.lang][code]

    def outcome(self, field: str) -> str:
        return OUTCOME[self.lang][field]

    def outcomes(self, fields: Iterable[str]) -> str:
        """Outcome fields' names, comma-separated."""
        return ", ".join(OUTCOME[self.lang][f] for f in fields)

    def group(self, code: str) -> str:
        return GROUPS[self.lang].get(code, code)

    def fiscal_year(self, be: int) -> str:
        # Named by its BE year in Thai; English readers get the CE year it ends in too.
        if self.lang == "th":
            return self.n(be)
        return self.n(f"{be - thai.BE_OFFSET} (BE {be})")
