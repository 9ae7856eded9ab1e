"""The task store: services against a real SQLite file and a real PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from conftest import at
from factories import measure, small_plan

from tracker.db.connection import Database, open_database
from tracker.db.migrate import ensure_schema
from tracker.errors import InvalidInput, NotFound
from tracker.services import history, importing, meetings, plans, tasks, units

NOW = at("2023-02-01T09:00")


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    d = open_database(db_url)
    ensure_schema(d, now=NOW)
    with d.transaction():
        importing.import_plan(d, small_plan(), source="t", now=NOW, actor="clerk")
    yield d
    d.close()


def ids(db: Database) -> dict[str, int]:
    return {t["number"]: t["id"] for t in tasks.list_tasks(db, now=NOW)}


def test_import_gives_contract_objects(db: Database) -> None:
    found = tasks.list_tasks(db, now=NOW)
    assert [t["number"] for t in found] == ["1", "2"]
    t = found[1]
    assert t["owners"] == ["สำนักปลัดฯ"]
    assert (t["start"], t["end"]) == ("2023-01-01", "2023-03-31")
    assert t["status"] == "not_started" and t["progress"] == 0 and t["done_at"] is None
    assert t["meeting"]["month"] == "2023-04" and t["meeting"]["date"] is None
    assert [i["no"] for i in t["items"]] == ["1", "2", "3"]
    assert t["outcome"] == {"result": "", "problems": "", "obstacles": "", "suggestions": ""}
    assert t["plan"]["fiscal_year"] == 2566 and t["plan"]["organisation"] == "เทศบาลตำบลบางจะเกร็ง"
    assert found[0]["meeting"]["id"] == t["meeting"]["id"]  # one meeting object shared


def test_plan_baseline_recomputed(db: Database) -> None:
    p = plans.get_plan(db, plans.latest_plan_id(db))
    assert p["ita"]["computed_overall"] == pytest.approx(89.95)
    assert p["ita"]["grade"] == "A"
    assert {i["group"] for i in p["ita"]["indicators"]} == {"IIT", "EIT", "OIT"}


def test_status_follows_time(db: Database) -> None:
    tid = ids(db)["1"]

    def status(now_text: str) -> str:
        return tasks.get_task(db, tid, now=at(now_text))["status"]

    assert status("2022-12-20T09:00") == "not_started"
    assert status("2023-03-31T23:59") == "not_started"
    assert status("2023-04-01T00:00") == "overdue"
    with db.transaction():
        tasks.set_progress(db, tid, 40, now=NOW, actor="clerk")
    assert status("2023-02-02T09:00") == "in_progress"


def test_done_then_reopen_keeps_the_record(db: Database) -> None:
    tid = ids(db)["1"]
    with db.transaction():
        tasks.set_progress(db, tid, 30, now=NOW, actor="clerk", note="เริ่มแล้ว")
    with db.transaction():
        tasks.mark_done(
            db,
            tid,
            now=at("2023-03-20T10:00"),
            actor="clerk",
            on=at("2023-03-18T00:00"),
            evidence_ref="https://example.go.th/a",
        )
    t = tasks.get_task(db, tid, now=at("2023-04-03T08:00"))
    assert t["status"] == "done" and t["progress"] == 100
    assert t["done_at"] == "2023-03-18T00:00:00+07:00"
    assert t["evidence"] == [{"ref": "https://example.go.th/a", "title": ""}]
    with db.transaction():
        tasks.reopen(db, tid, now=at("2023-03-21T10:00"), actor="head")
    t = tasks.get_task(db, tid, now=at("2023-03-21T10:00"))
    assert t["status"] == "in_progress" and t["progress"] == 30 and t["done_at"] is None
    actions = [h["action"] for h in t["history"]]
    assert actions == ["create", "progress", "evidence", "done", "reopen"]
    assert [h["actor"] for h in t["history"]][-1] == "head"


def test_done_in_the_future_is_refused(db: Database) -> None:
    with pytest.raises(InvalidInput):
        tasks.mark_done(db, ids(db)["1"], now=NOW, actor="x", on=at("2023-02-05T00:00"))


def test_items_move_progress(db: Database) -> None:
    tid = ids(db)["2"]
    with db.transaction():
        assert tasks.check_item(db, tid, "1", now=NOW, actor="c") == 33
        assert tasks.check_item(db, tid, "3", now=NOW, actor="c") == 67
        assert tasks.check_item(db, tid, "3", now=NOW, actor="c", done=False) == 33
    with pytest.raises(NotFound):
        tasks.check_item(db, tid, "9", now=NOW, actor="c")


def test_done_ticks_the_open_items_and_reopen_opens_just_those(db: Database) -> None:
    """A finished measure shows all its sub-items done (not "เสร็จแล้ว ๑๐๐%"
    beside "๐/๓"); reopening gives back what was ticked by hand only."""
    tid = ids(db)["2"]
    with db.transaction():
        tasks.check_item(db, tid, "2", now=NOW, actor="c")
    with db.transaction():
        tasks.mark_done(db, tid, now=at("2023-03-20T10:00"), actor="c")
    t = tasks.get_task(db, tid, now=at("2023-03-20T10:00"))
    assert [i["done"] for i in t["items"]] == [True, True, True]
    assert t["history"][-1]["action"] == "done" and t["history"][-1]["detail"]["items"] == ["1", "3"]
    with db.transaction():
        tasks.reopen(db, tid, now=at("2023-03-21T10:00"), actor="c")
    t = tasks.get_task(db, tid, now=at("2023-03-21T10:00"))
    assert [i["done"] for i in t["items"]] == [False, True, False]
    assert t["history"][-1]["detail"]["items"] == ["1", "3"]
    assert t["progress"] == 33 and t["status"] != "done"


def test_refusals_change_nothing(db: Database) -> None:
    tid = ids(db)["1"]
    before = tasks.get_task(db, tid, now=NOW)
    for bad in (
        lambda: tasks.set_progress(db, tid, 140, now=NOW, actor="x"),
        lambda: tasks.set_progress(db, 999, 10, now=NOW, actor="x"),
        lambda: tasks.set_outcome(db, tid, {}, now=NOW, actor="x"),
        lambda: tasks.add_evidence(db, tid, "a\r\nBcc: x@y.z", now=NOW, actor="x"),
    ):
        with pytest.raises((InvalidInput, NotFound)), db.transaction():
            bad()
    assert tasks.get_task(db, tid, now=NOW) == before


def test_reimport_keeps_ids_and_progress(db: Database) -> None:
    first = ids(db)
    with db.transaction():
        tasks.check_item(db, first["2"], "2", now=NOW, actor="c")
        tasks.set_outcome(db, first["2"], {"result": "ทำแล้ว"}, now=NOW, actor="c")
        tasks.mark_done(db, first["1"], now=NOW, actor="c")
    changed = small_plan(
        measure("1", "มาตรการการเปิดเผยข้อมูลต่อสาธารณะ (ปรับปรุง)"),
        measure("2", "กำหนดมาตรการด้านการป้องกันการทุจริต", items=4),
        measure("3", "มาตรการใหม่", owners=("กองคลัง",), start=date(2023, 2, 1), end=date(2023, 2, 28)),
    )
    with db.transaction():
        summary = importing.import_plan(db, changed, source="t2", now=NOW, actor="clerk")
    assert summary.created == ["3"] and sorted(summary.updated) == ["1", "2"]
    after = {t["number"]: t for t in tasks.list_tasks(db, now=NOW)}
    assert after["1"]["id"] == first["1"] and after["1"]["status"] == "done"
    assert after["1"]["title"].endswith("(ปรับปรุง)")
    assert [i["done"] for i in after["2"]["items"]] == [False, True, False, False]
    assert after["2"]["outcome"]["result"] == "ทำแล้ว"
    # a measure gone from the document is cancelled, not deleted
    with db.transaction():
        summary = importing.import_plan(db, small_plan(measure("1", "x")), source="t3", now=NOW, actor="c")
    assert sorted(summary.cancelled) == ["2", "3"]
    assert tasks.get_task(db, first["2"], now=NOW)["status"] == "cancelled"


def test_import_is_all_or_nothing(db: Database) -> None:
    before = tasks.list_tasks(db, now=NOW)
    # one old task's title twice, under other numbers: either could be it
    broken = small_plan(
        measure("7", "ก"),
        measure("8", "มาตรการการเปิดเผยข้อมูลต่อสาธารณะ"),
        measure("9", "มาตรการการเปิดเผยข้อมูลต่อสาธารณะ"),
    )
    with pytest.raises(InvalidInput, match=r"ข้อ 8.*ข้อ 9"), db.transaction():
        importing.import_plan(db, broken, source="bad", now=NOW, actor="c")
    assert tasks.list_tasks(db, now=NOW) == before
    assert [h["action"] for h in history.entries(db)].count("import") == 1


def test_units_and_meetings(db: Database) -> None:
    with db.transaction():
        units.set_unit(db, "สำนักปลัดฯ", ["a@example.go.th", "b@example.go.th"], now=NOW, actor="c")
    assert units.list_units(db) == [{"name": "สำนักปลัดฯ", "emails": ["a@example.go.th", "b@example.go.th"],
                                     "stand_ins": []}]
    with pytest.raises(InvalidInput):
        units.set_unit(db, "กองคลัง", ["x@y.z\r\nBcc: evil@example.com"], now=NOW, actor="c")
    m = meetings.list_meetings(db)[0]
    with db.transaction():
        after = meetings.set_meeting(db, m["id"], now=NOW, actor="c", on=date(2023, 4, 20), place="ห้องประชุม")
    assert after["date"] == "2023-04-20" and after["sequence"] == m["sequence"] + 1
    assert history.entries(db)[-1]["action"] == "meeting"


def test_report_tasks_keep_unmeetinged_measures(db_url: str) -> None:
    """A meeting's report shows its own measures and those with no follow-up
    meeting (nowhere else to be reported), not another meeting's."""
    from dataclasses import replace

    from factories import APRIL

    may = replace(APRIL, title="การประชุมประจำเดือนพฤษภาคม ๖๖", month=5)
    d = open_database(db_url)
    ensure_schema(d, now=NOW)
    plan = small_plan(measure("1", "เมษายน"), replace(measure("2", "พฤษภาคม"), meeting=may),
                      replace(measure("3", "ไม่มีการประชุม"), meeting=None))
    with d.transaction():
        importing.import_plan(d, plan, source="t", now=NOW, actor="clerk")
        april = next(m for m in meetings.list_meetings(d) if m["month"] == "2023-04")
        got = tasks.report_tasks(d, now=NOW, plan_id=april["plan_id"], meeting_id=april["id"])
    d.close()
    assert [t["number"] for t in got] == ["1", "3"]
