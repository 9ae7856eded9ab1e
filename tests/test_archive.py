"""`tracker archive PLAN [--reason …]` and `--undo`: a finished plan, in the
history, undoable, shown by `plan list` (text and JSON `archived_at`); the
reminder run leaves it out through plans.archived_plan_ids / quiet_plan_ids.
And the end of season (plans.season_over), a pure function with its
properties checked by hypothesis."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from conftest import SAMPLE, at
from factories import measure, small_plan
from hypothesis import example, given
from hypothesis import strategies as st

from tracker.db.connection import Database, open_database
from tracker.db.migrate import ensure_schema
from tracker.errors import InvalidInput, NotFound
from tracker.services import importing, meetings, plans
from tracker.services.plans import season_over
from tracker.thai import fiscal_year_bounds

NOW = at("2023-10-02T09:00")

# ------------------------------------------------------------ the command


@pytest.fixture
def sample(run: Any) -> Any:
    assert run("import", str(SAMPLE), now="2023-01-03").code == 0
    return run


def plan_json(run: Any, now: str = "2023-10-02") -> dict[str, Any]:
    r = run("plan", "list", "--json", now=now)
    assert r.code == 0, r.err
    (only,) = json.loads(r.out)
    return dict(only)


def test_archive_and_undo_are_in_the_history_and_in_plan_list(sample: Any) -> None:
    assert plan_json(sample)["archived_at"] is None
    r = sample("archive", "1", "--reason", "สิ้นปีงบประมาณ 2566", now="2023-10-02T10:00")
    assert r.code == 0 and r.out.strip() == "แผน 1: เก็บถาวรแล้ว ไม่มีการแจ้งเตือนอีก", r.err
    assert plan_json(sample)["archived_at"] == "2023-10-02T10:00:00+07:00"
    text = sample("plan", "list", now="2023-10-02").out
    assert "เก็บถาวร" in text and "2 ต.ค. 2566" in text
    # importing the same document again keeps it archived
    assert sample("import", str(SAMPLE), now="2023-10-03").code == 0
    assert plan_json(sample)["archived_at"] == "2023-10-02T10:00:00+07:00"
    r = sample("archive", "๑", "--undo", now="2023-10-04")
    assert r.code == 0 and r.out.strip() == "แผน 1: นำกลับมาติดตามแล้ว", r.err
    assert plan_json(sample)["archived_at"] is None
    assert "เก็บถาวร" not in sample("plan", "list", now="2023-10-04").out
    history = json.loads(sample("history", "--json", now="2023-10-04").out)
    done = [(h["action"], h["plan_id"], h["detail"].get("reason"))
            for h in history if "archive" in h["action"]]
    assert done == [("archive", 1, "สิ้นปีงบประมาณ 2566"), ("unarchive", 1, None)]
    assert "เก็บแผนถาวร แผน 1 เหตุผล: สิ้นปีงบประมาณ 2566" in sample("history", now="2023-10-04").out


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("archive", "1", "--undo"), "ไม่ได้ถูกเก็บถาวร"),
        (("archive", "9"), "ไม่พบแผนหมายเลข 9"),
        (("archive", "หนึ่ง"), "ตัวเลขไม่ถูกต้อง"),
    ],
)
def test_slips_are_one_thai_line_and_change_nothing(sample: Any, args: tuple[str, ...], says: str) -> None:
    before = sample("plan", "list", "--json", now="2023-10-02").out
    r = sample(*args, now="2023-10-02")
    assert r.code == 1 and r.err.strip().splitlines() == [r.err.strip()] and says in r.err, r.err
    assert sample("plan", "list", "--json", now="2023-10-02").out == before


def test_archiving_twice_is_refused(sample: Any) -> None:
    assert sample("archive", "1", now="2023-10-02").code == 0
    r = sample("archive", "1", "--reason", "อีกครั้ง", now="2023-10-03")
    assert r.code == 1 and "ถูกเก็บถาวรไว้แล้ว" in r.err
    history = json.loads(sample("history", "--json", now="2023-10-03").out)
    assert [h["action"] for h in history].count("archive") == 1


# ------------------------------------------------------------ for the reminder run


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    d = open_database(db_url)
    ensure_schema(d, now=NOW)
    with d.transaction():
        importing.import_plan(d, small_plan(measure("1", "หนึ่ง")), source="t", now=NOW, actor="c")
        importing.import_plan(d, small_plan(measure("1", "หนึ่ง"), organisation="เทศบาลตำบลท่าสะอ้าน"),
                              source="t", now=NOW, actor="c")
    yield d
    d.close()


def test_archived_plan_ids_and_the_mark_dropped(db: Database) -> None:
    with db.transaction():
        db.execute("INSERT INTO reminder_marks (plan_id, through, run_at, policy)"
                   " VALUES (1, '2023-10-01', :now, 'p')", {"now": NOW})
        plans.archive(db, 1, reason="จบ", now=NOW, actor="c")
    assert plans.archived_plan_ids(db, [1, 2]) == {1}
    assert plans.archived_plan_ids(db, []) == set()
    # the run's mark described the plan before; without it the next run looks at every task again
    assert db.scalar("SELECT COUNT(*) FROM reminder_marks WHERE plan_id = 1") == 0
    with db.transaction():
        plans.unarchive(db, 1, now=NOW, actor="c")
    assert plans.archived_plan_ids(db, [1, 2]) == set()
    with pytest.raises(NotFound), db.transaction():
        plans.archive(db, 7, now=NOW, actor="c")


def test_the_season_ends_after_the_fiscal_year_and_the_last_meeting(db: Database) -> None:
    # FY 2566 ends 30 Sep 2023; the April meeting (by month only) is long over
    assert plans.ended_plan_ids(db, [1, 2], today=date(2023, 9, 30), grace_days=0) == set()
    assert plans.ended_plan_ids(db, [1, 2], today=date(2023, 10, 1), grace_days=0) == {1, 2}
    assert plans.ended_plan_ids(db, [1, 2], today=date(2023, 10, 30), grace_days=30) == set()
    assert plans.ended_plan_ids(db, [1, 2], today=date(2023, 10, 31), grace_days=30) == {1, 2}
    # a follow-up meeting set after the year keeps plan 1's season open
    meeting = next(m for m in meetings.list_meetings(db) if m["plan_id"] == 1)
    with db.transaction():
        meetings.set_meeting(db, meeting["id"], now=NOW, actor="c", on=date(2023, 10, 20))
    assert plans.ended_plan_ids(db, [1, 2], today=date(2023, 10, 20), grace_days=0) == {2}
    assert plans.ended_plan_ids(db, [1, 2], today=date(2023, 10, 21), grace_days=0) == {1, 2}
    # a cancelled meeting does not
    with db.transaction():
        meetings.cancel_meeting(db, meeting["id"], now=NOW, actor="c")
    assert plans.ended_plan_ids(db, [1, 2], today=date(2023, 10, 1), grace_days=0) == {1, 2}
    assert plans.season_last_days(db, [1, 2], grace_days=7) == {1: date(2023, 10, 7), 2: date(2023, 10, 7)}
    with db.transaction():
        plans.archive(db, 2, now=NOW, actor="c")
    assert plans.quiet_plan_ids(db, [1, 2], today=date(2023, 6, 1), grace_days=0) == {2}
    assert plans.quiet_plan_ids(db, [1, 2], today=date(2023, 10, 1), grace_days=0) == {1, 2}
    first = plans.task_ids(db, [1])
    assert plans.task_ids(db, [2]) == [t for t in plans.task_ids(db, [1, 2]) if t not in first]


def test_a_meeting_known_by_its_month_counts_to_the_months_last_day() -> None:
    assert plans.meeting_day_or_month_end(None, "2023-10") == date(2023, 10, 31)
    assert plans.meeting_day_or_month_end(None, "2024-02") == date(2024, 2, 29)
    assert plans.meeting_day_or_month_end("2023-10-05", "2023-10") == date(2023, 10, 5)


# ------------------------------------------------------------ season_over, pure

_fy = st.integers(2560, 2600)
_grace = st.integers(0, 120)


@st.composite
def _season(draw: st.DrawFn) -> tuple[int, list[date], date, int]:
    fy = draw(_fy)
    first, last = fiscal_year_bounds(fy)
    around = st.dates(min_value=first - timedelta(days=60), max_value=last + timedelta(days=200))
    return fy, draw(st.lists(around, max_size=4)), draw(around), draw(_grace)


@given(_season())
@example((2566, [], date(2023, 10, 1), 0))  # the day after the year: over, no grace
@example((2566, [date(2023, 10, 20)], date(2023, 10, 20), 0))  # the meeting day itself: not yet
def test_over_exactly_when_the_year_and_every_meeting_are_more_than_grace_days_behind(
    season: tuple[int, list[date], date, int],
) -> None:
    fy, days, today, grace = season
    ends = date(fy - 543, 9, 30)  # BE N ends on 30 Sep of CE N-543
    assert fiscal_year_bounds(fy) == (date(fy - 544, 10, 1), ends)
    expected = all((today - d).days > grace for d in [ends, *days])
    assert season_over(fy, days, today, grace) is expected
    last = plans.season_last_day(fy, days, grace)
    assert not season_over(fy, days, last, grace) and season_over(fy, days, last + timedelta(days=1), grace)


@given(_season(), st.integers(0, 400))
def test_once_over_it_stays_over(season: tuple[int, list[date], date, int], later: int) -> None:
    fy, days, today, grace = season
    if season_over(fy, days, today, grace):
        assert season_over(fy, days, today + timedelta(days=later), grace)


@given(_season(), st.integers(0, 60), st.dates(min_value=date(2010, 1, 1), max_value=date(2060, 1, 1)))
def test_more_grace_or_another_meeting_never_ends_it_sooner(
    season: tuple[int, list[date], date, int], more: int, meeting: date,
) -> None:
    fy, days, today, grace = season
    over = season_over(fy, days, today, grace)
    assert not season_over(fy, days, today, grace + more) or over
    assert not season_over(fy, [*days, meeting], today, grace) or over
    # meetings inside the fiscal year change nothing
    inside = [d for d in days if d <= fiscal_year_bounds(fy)[1]]
    assert season_over(fy, inside, today, grace) == season_over(fy, [], today, grace)


def test_negative_grace_is_refused() -> None:
    with pytest.raises(InvalidInput, match="ไม่ติดลบ"):
        season_over(2566, [], date(2024, 1, 1), -1)
