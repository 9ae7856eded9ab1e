"""The report value, built from plain dicts: no database, no rendering."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

import pytest
from conftest import at
from hypothesis import given
from hypothesis import strategies as st

from tracker import ita
from tracker.report.data import (
    PASS_MARK,
    _letters,
    build_report,
    choose_meeting,
    incomplete,
    indicator_mentions,
    meeting_day,
)
from tracker.report.text import wrap
from tracker.textwidth import width
from tracker.thai import normalize

NOW = at("2023-04-03T08:30")
MEETING = {
    "id": 7,
    "plan_id": 1,
    "title": "การประชุมประจำเดือนเมษายน ๖๖",
    "month": "2023-04",
    "date": None,
    "time": None,
    "place": None,
}
SCORES = [
    (1, "การปฏิบัติหน้าที่", "IIT", 98.89), (2, "การใช้งบประมาณ", "IIT", 94.53),
    (3, "การใช้อำนาจ", "IIT", 96.98), (4, "การใช้ทรัพย์สินของราชการ", "IIT", 92.53),
    (5, "การแก้ไขปัญหาการทุจริต", "IIT", 96.64), (6, "คุณภาพการดำเนินงาน", "EIT", 96.49),
    (7, "ประสิทธิภาพการสื่อสาร", "EIT", 75.44), (8, "การปรับปรุงการทำงาน", "EIT", 83.39),
    (9, "การเปิดเผยข้อมูล", "OIT", 84.48), (10, "การป้องกันการทุจริต", "OIT", 93.75),
]  # fmt: skip
PLAN = {
    "id": 1, "organisation": "เทศบาลตำบลบางจะเกร็ง", "fiscal_year": 2566, "title": "แผน",
    "ita": {"assessed_year": 2565, "stated_overall": 89.95, "stated_grade": "A",
            "indicators": [{"no": n, "name": name, "group": g, "score": s}
                           for n, name, g, s in SCORES]},
}  # fmt: skip


def task(number: str, **over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": int(number), "number": number, "title": f"มาตรการที่ {number}", "actions": "",
        "owners": ["สำนักปลัดฯ"], "period": "ม.ค. - มี.ค. ๖๖", "start": "2023-01-01",
        "end": "2023-03-31", "status": "not_started", "progress": 0, "done_at": None,
        "meeting": {"id": 7}, "items": [], "evidence": [],
        "outcome": {"result": None, "problems": None, "obstacles": None, "suggestions": None},
    }  # fmt: skip
    base.update(over)
    return base


def report(*tasks: dict[str, Any], **kw: Any) -> dict[str, Any]:
    return build_report(
        tasks=tasks,
        plan=kw.pop("plan", PLAN),
        meeting=kw.pop("meeting", MEETING),
        now=kw.pop("now", NOW),
        report_settings=kw.pop("settings", None),
    )


def test_sample_shape_one_done_one_overdue() -> None:
    r = report(
        task(
            "1",
            status="done",
            progress=100,
            done_at="2023-03-20T00:00:00+07:00",
            title="มาตรการการเปิดเผยข้อมูลต่อสาธารณะ",
        ),
        task(
            "2",
            status="overdue",
            items=[{"no": "1", "text": "ก", "done": True}, {"no": "2", "text": "ข", "done": False}],
            progress=50,
        ),
    )
    assert r["organisation"] == "เทศบาลตำบลบางจะเกร็ง"
    assert r["fiscal_year"] == 2566
    assert r["as_of"] == "2023-04-03"
    assert r["meeting"]["title"] == MEETING["title"]
    assert r["meeting"]["date"] is None
    s = r["summary"]
    assert (s["total"], s["done"], s["overdue"], s["in_progress"], s["not_started"]) == (
        2,
        1,
        1,
        0,
        0,
    )
    assert s["progress"] == 75
    one, two = r["measures"]
    assert one["done_on"] == "2023-03-20"
    assert two["done_on"] is None
    assert two["items_done"] == 1
    assert one["missing"] == ["result", "problems", "obstacles", "suggestions"]
    assert r["timeline"] == {"start": "2023-01-01", "end": "2023-04-30"}
    json.dumps(r)  # the value is the JSON format as it is


def test_done_date_is_the_bangkok_day() -> None:
    # 23:30 UTC on 19 March is already 20 March in Bangkok.
    r = report(task("1", status="done", progress=100, done_at="2023-03-19T23:30:00+00:00"))
    assert r["measures"][0]["done_on"] == "2023-03-20"


def test_missing_outcome_fields_listed_and_blank_counts_as_missing() -> None:
    r = report(
        task(
            "1",
            outcome={
                "result": "เผยแพร่แล้ว",
                "problems": "  ",
                "obstacles": "ไม่มี",
                "suggestions": None,
            },
        ),
        task("2", outcome={"result": "ก", "problems": "ข", "obstacles": "ค", "suggestions": "ง"}),
        task("3", status="cancelled"),
    )
    assert r["measures"][0]["missing"] == ["problems", "suggestions"]
    assert r["measures"][1]["missing"] == []
    # A cancelled measure is not reported as incomplete.
    assert list(incomplete(r)) == [("1", ["problems", "suggestions"])]
    assert r["summary"]["incomplete_outcomes"] == 1
    assert r["summary"]["incomplete_outcomes"] == 1


def test_cancelled_measures_do_not_pull_progress_down() -> None:
    r = report(task("1", status="done", progress=100), task("2", status="cancelled", progress=0))
    assert r["summary"]["progress"] == 100
    assert r["summary"]["cancelled"] == 1


def test_no_measures_is_a_valid_empty_report() -> None:
    r = report()
    assert r["summary"]["total"] == 0
    assert r["summary"]["progress"] == 0


def test_signature_from_settings() -> None:
    r = report(settings={"reporter": "นางสาวสมใจ ใจดี", "position": "นักจัดการงานทั่วไป"})
    assert r["signature"]["reporter"] == "นางสาวสมใจ ใจดี"
    assert r["signature"]["position"] == "นักจัดการงานทั่วไป"
    assert report()["signature"]["reporter"] == ""


def test_ita_baseline_recomputed_grouped_and_weak_indicators() -> None:
    r = report(
        task("1", title="มาตรการการเปิดเผยข้อมูลต่อสาธารณะ"),
        task("2", title="อบรม", actions="พัฒนาตามตัวชี้วัดที่ ๘ ของ ITA"),
    )
    base = r["ita"]
    assert base["computed_overall"] == 89.95
    assert base["grade"] == "A"
    assert [g["group"] for g in base["groups"]] == ["IIT", "EIT", "OIT"]
    assert [len(g["indicators"]) for g in base["groups"]] == [5, 3, 2]
    assert base["groups"][1]["mean"] == pytest.approx(85.11, abs=0.01)
    assert [i["no"] for i in base["weak"]] == [7, 8, 9]
    assert all(i["score"] < PASS_MARK for i in base["weak"])
    weak = {i["no"]: i for i in base["weak"]}
    assert weak[7]["measures"] == []  # nothing in the plan names it: shown as a gap
    assert weak[8]["measures"] == [
        {"number": "2", "title": "อบรม", "via": "number", "where": "actions"}
    ]
    assert weak[9]["measures"][0]["via"] == "name"
    assert weak[9]["measures"][0]["where"] == "title"


def test_plan_without_baseline_has_no_ita_section() -> None:
    assert report(plan={**PLAN, "ita": {"indicators": []}})["ita"] is None


@pytest.mark.parametrize(
    ("title", "actions", "expected"),
    [
        ("มาตรการการเปิดเผยข้อมูลต่อสาธารณะ", "", [9]),
        ("อบรม", "ตามตัวชี้วัดที่ ๔ การใช้ทรัพย์สินของราชการ", [4]),
        ("อบรม", "ตัวชี้วัดย่อยที่ ๙.๓ การบริหารเงินงบประมาณ", [9]),
        ("อบรม", "ตัวชี้วัดที่ 1๐", [10]),
        # Written with spaces, zero-width spaces and decomposed sara am, as PDFs copy it.
        ("การ ใช้\u200bอํานาจ", "", [3]),
        # Related topics are not mentions: the report claims only what the plan says.
        ("ประชาสัมพันธ์ช่องทางร้องเรียน", "สื่อสารกับประชาชนผ่านเว็บไซต์", []),
        ("อบรม", "ตัวชี้วัดที่ ๑๑ และข้อ ๑๐", []),
        ("ปรับปรุงการทำงานของศูนย์", "", []),
    ],
)
def test_indicator_mentions_only_explicit(title: str, actions: str, expected: list[int]) -> None:
    assert [m["no"] for m in indicator_mentions(title, actions)] == expected


def reference_letters(text: str) -> str:
    """What name matching compares, spelt out on the str: invisible characters
    removed, nikhahit + sara aa read as sara am, then Thai letters only."""
    tidied = re.sub("[\u200b\u200c\u200d\ufeff\xad]", "", text).replace("\u0e4d\u0e32", "\u0e33")
    return re.sub("[^\u0e01-\u0e3a\u0e3f-\u0e4e]+", "", tidied)  # U+0E3B..U+0E3E are unassigned


# Thai, the characters copies of a plan put between letters, and anything else.
thai_letters = st.characters(min_codepoint=0x0E01, max_codepoint=0x0E5B)
between = st.sampled_from(list(" \t\n.,-()0123456789๑๒\u200b\u200c\u200d\ufeff\xad\xa0“”…€"))
thai_text = st.lists(st.one_of(thai_letters, between, st.characters()), max_size=60).map("".join)


@given(thai_text)
def test_letters_are_the_thai_letters_of_the_text(text: str) -> None:
    assert _letters(text) == reference_letters(text)


gaps = st.lists(st.sampled_from(["", " ", "\u200b", "\xad", "  "]), min_size=30, max_size=30)


@given(st.sampled_from(SCORES), gaps)
def test_indicator_name_found_however_spaced(score: tuple[int, str, str, float], gaps: list[str]) -> None:
    no, name = score[0], score[1]
    # Gaps between characters, and sara am written as a PDF copy writes it (nikhahit + sara aa).
    pieces = zip(name.replace("\u0e33", "\t"), gaps[: len(name)], strict=True)
    spaced = "".join(c + gap for c, gap in pieces).replace("\t", "\u0e4d\u0e32")
    assert [m["no"] for m in indicator_mentions(f"มาตรการ {spaced} ประจำปี", "")] == [no]


def reference_mentions(title: str, actions: str) -> list[dict[str, Any]]:
    """indicator_mentions spelt out one text at a time, on the str."""
    found: dict[int, dict[str, Any]] = {}
    for where, text in (("title", title), ("actions", actions)):
        letters = reference_letters(text)
        for no, name, _group in ita.INDICATORS:
            if no not in found and reference_letters(name) in letters:
                found[no] = {"no": no, "name": name, "via": "name", "where": where}
        if reference_letters("ตัวชี้วัด") not in letters:
            continue
        for m in re.finditer(r"ตัวชี้วัด(?:ย่อย)?\s*ที่\s*([0-9]{1,2})(?![0-9])", normalize(text)):
            no = int(m[1])
            if 1 <= no <= len(ita.INDICATORS) and no not in found:
                found[no] = {"no": no, "name": ita.INDICATORS[no - 1][1], "via": "number", "where": where}
    return [found[k] for k in sorted(found)]


# Texts made of what plans hold: indicator names (sara am written either
# way), "indicator N", Thai words, spacing, invisible characters, NUL.
pieces = st.sampled_from(
    [name for _no, name, _group in ita.INDICATORS]
    + [name.replace("\u0e33", "\u0e4d\u0e32") for _no, name, _group in ita.INDICATORS]
    + ["การ", "ใช้", "อำนาจ", "ข้อมูล", "ตัวชี้วัด", "ที่ ", "ตัวชี้วัดที่ ๔", "ตัวชี้วัดย่อยที่ 9.3", "ตัวชี้วัดที่ 1๐",
       "๑๑", " ", "\n", "\u200b", "\xad", "\x00", "(", ")", "2566"]
)
plan_text = st.lists(st.one_of(pieces, thai_text), max_size=8).map("".join)


@given(st.lists(st.tuples(plan_text, plan_text), max_size=8))
def test_mentions_are_what_the_reference_finds(pairs: list[tuple[str, str]]) -> None:
    """No name is found across the title and the actions, and each measure
    gets what the reference gets."""
    assert [indicator_mentions(t, a) for t, a in pairs] == [reference_mentions(t, a) for t, a in pairs]


def test_choose_meeting_next_else_latest() -> None:
    march = {**MEETING, "id": 1, "month": "2023-03", "date": "2023-03-28"}
    april = {**MEETING, "id": 2, "month": "2023-04"}
    june = {**MEETING, "id": 3, "month": "2023-06", "date": "2023-06-05"}
    ms = [june, march, april]
    assert choose_meeting(ms, date(2023, 3, 28))["id"] == 1  # type: ignore[index]
    assert choose_meeting(ms, date(2023, 3, 29))["id"] == 2  # type: ignore[index]
    # An undated April meeting is still the next one on 30 April.
    assert choose_meeting(ms, date(2023, 4, 30))["id"] == 2  # type: ignore[index]
    assert choose_meeting(ms, date(2023, 5, 1))["id"] == 3  # type: ignore[index]
    assert choose_meeting(ms, date(2023, 9, 1))["id"] == 3  # type: ignore[index]
    assert choose_meeting([], date(2023, 9, 1)) is None
    assert meeting_day({"date": None, "month": "2024-02"}) == date(2024, 2, 29)


statuses = st.sampled_from(["done", "in_progress", "not_started", "overdue", "cancelled"])


@given(st.lists(st.tuples(statuses, st.integers(0, 100)), max_size=30))
def test_summary_counts_add_up(rows: list[tuple[str, int]]) -> None:
    r = report(*(task(str(i + 1), status=s, progress=p) for i, (s, p) in enumerate(rows)))
    s = r["summary"]
    assert (
        sum(s[k] for k in ("done", "in_progress", "not_started", "overdue", "cancelled"))
        == s["total"]
    )
    assert 0 <= s["progress"] <= 100


# Words that start with a letter: a line that starts with a mark was cut in the wrong place.
syllable = st.tuples(
    st.sampled_from(list("กขคงจนมยรลวสอ")), st.sampled_from(["", "่", "้", "ั", "ิ่", "ี้", "ำ", "ุ", "า"])
)
word = st.lists(syllable, min_size=1, max_size=12).map(lambda ps: "".join(a + b for a, b in ps))


@given(st.lists(word, max_size=12).map(" ".join), st.integers(4, 40))
def test_wrap_keeps_marks_with_their_letter(text: str, cells: int) -> None:
    lines = wrap(text, cells)
    assert all(width(line) <= cells for line in lines)
    assert all(width(line[:1]) == 1 for line in lines if line)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
