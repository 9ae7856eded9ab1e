"""The reminder policy, pure: no database, no clock."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.clock import BANGKOK
from tracker.errors import InvalidInput
from tracker.reminders.policy import Policy, due, due_and_stale, meeting_day, meeting_schedule, task_schedule
from tracker.reminders.preview import simulate

POLICY = Policy()
ORG = "เทศบาลตำบลบางจะเกร็ง"


def task(
    tid: int = 1,
    *,
    start: str = "2023-01-01",
    end: str = "2023-03-31",
    owners: list[str] | None = None,
    done_at: str | None = None,
    status: str = "not_started",
    meeting_date: str | None = None,
    outcome: dict[str, str] | None = None,
) -> dict[str, Any]:
    return {
        "id": tid,
        "number": str(tid),
        "title": f"มาตรการที่ {tid}",
        "start": start,
        "end": end,
        "owners": owners if owners is not None else ["สำนักปลัดฯ"],
        "status": status,
        "done_at": done_at,
        "progress": 0,
        "plan": {"organisation": ORG, "fiscal_year": 2566, "id": 1},
        "meeting": {"id": 1, "title": "การประชุมประจำเดือนเมษายน ๖๖", "month": "2023-04", "date": meeting_date},
        "outcome": outcome or {"result": "", "problems": "", "obstacles": "", "suggestions": ""},
    }


MEETING = {
    "id": 1,
    "plan_id": 1,
    "title": "การประชุมประจำเดือนเมษายน ๖๖",
    "month": "2023-04",
    "date": None,
    "time": None,
    "attendees": [],
    "organisation": ORG,
    "tasks": 2,
}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BANGKOK)


def test_the_sample_season() -> None:
    """The sample's window (Jan-Mar 2566) and April meeting, day by day."""
    got = [
        (r.on.isoformat(), r.kind)
        for r in simulate([task()], [MEETING], POLICY, date(2022, 12, 1), date(2023, 4, 30))
    ]
    assert got == [
        ("2023-01-04", "window_opens"),  # 1-3 Jan are holidays
        ("2023-01-16", "nudge"),
        ("2023-01-30", "nudge"),
        ("2023-02-13", "nudge"),
        ("2023-02-27", "nudge"),
        ("2023-03-13", "closing_soon"),
        ("2023-03-22", "closing_soon"),
        ("2023-03-28", "closing_soon"),
        ("2023-03-29", "meeting_outcome_request"),  # 10 working days before 18 April
        ("2023-03-30", "closing_soon"),
        ("2023-04-03", "overdue"),
        ("2023-04-10", "meeting_outcome_request"),
        ("2023-04-10", "overdue"),
        ("2023-04-12", "meeting_tomorrow"),  # the working day before the (assumed) meeting
        ("2023-04-18", "overdue"),  # 17 April (Songkran in lieu) moves the weekly overdue
        ("2023-04-24", "overdue"),
    ]


def test_a_quarterly_measure_is_asked_for_each_quarters_progress() -> None:
    """ "ไตรมาสที่ ๑-๔" over the fiscal year: the reader gives each quarter's
    end as a checkpoint; three working days before each one inside the window
    the unit is asked for that quarter's progress (the year's end is the
    closing reminders'). Nudges off to keep the list short."""
    t = {**task(start="2022-10-01", end="2023-09-30"),
         "checkpoints": ["2022-12-31", "2023-03-31", "2023-06-30", "2023-09-30"]}
    got = [(r.on.isoformat(), r.detail.get("checkpoint"))
           for r in simulate([t], [], Policy(nudge_every_days=0, before_meeting=()), date(2022, 10, 1),
                             date(2023, 9, 30)) if r.kind == "checkpoint"]
    assert got == [
        ("2022-12-27", "2022-12-31"),  # 30 Dec a holiday: 29, 28, 27
        ("2023-03-28", "2023-03-31"),
        ("2023-06-27", "2023-06-30"),
    ]
    off = simulate([t], [], Policy(before_checkpoint=0), date(2022, 10, 1), date(2023, 9, 30))
    assert off and all(r.kind != "checkpoint" for r in off)


def test_unknown_meeting_day_is_the_15th_or_next_working_day() -> None:
    assert meeting_day("2023-04", None, POLICY) == (date(2023, 4, 18), True)  # 15th is Songkran
    assert meeting_day("2023-05", None, POLICY) == (date(2023, 5, 15), True)
    assert meeting_day("2023-04", "2023-04-20", POLICY) == (date(2023, 4, 20), False)
    r = meeting_schedule({**MEETING, "date": "2023-04-20"}, POLICY, until=date(2023, 12, 31))
    assert [(x.on, x.detail["assumed"]) for x in r] == [(date(2023, 4, 19), False)]


def test_catch_up_is_one_per_kind() -> None:
    """Down from 20 to 28 March: on the 29th only the latest of each kind, and
    only what is still useful: the January window-opened mail and the
    month-old nudge are stale (recorded as skipped, not sent)."""
    got, stale = due_and_stale([task()], [MEETING], POLICY, at("2023-03-29T08:30"))
    assert [(r.kind, r.on.isoformat()) for r in got] == [
        ("closing_soon", "2023-03-28"),
        ("meeting_outcome_request", "2023-03-29"),
    ]
    assert [(r.kind, r.on.isoformat()) for r, _why in stale] == [
        ("window_opens", "2023-01-04"),
        ("nudge", "2023-02-27"),
    ]
    # after the window, what only made sense inside it is gone
    later = due([task()], [MEETING], POLICY, at("2023-04-04T08:30"))
    assert {r.kind for r in later} == {"overdue", "meeting_outcome_request"}


def test_not_before_the_hour() -> None:
    assert due([task()], [], POLICY, at("2023-01-04T08:29")) == []
    assert [r.kind for r in due([task()], [], POLICY, at("2023-01-04T08:30"))] == ["window_opens"]


def test_done_and_cancelled_get_nothing() -> None:
    assert due([task(done_at="2023-02-01T10:00:00+07:00")], [], POLICY, at("2023-03-29T09:00")) == []
    assert due([task(status="cancelled")], [], POLICY, at("2023-03-29T09:00")) == []
    # done later than the moment asked about: still reminded then
    assert due([task(done_at="2023-05-01T10:00:00+07:00")], [], POLICY, at("2023-03-29T09:00"))


def test_nudge_only_when_nothing_recorded() -> None:
    quiet = [r.on for r in task_schedule(task(), POLICY, until=date(2023, 3, 31)) if r.kind == "nudge"]
    busy = [
        r.on
        for r in task_schedule(task(), POLICY, until=date(2023, 3, 31), activity=at("2023-01-25T10:00"))
        if r.kind == "nudge"
    ]
    assert quiet == [date(2023, 1, 16), date(2023, 1, 30), date(2023, 2, 13), date(2023, 2, 27)]
    # work on 25 Jan: no nudge on 30 Jan (5 days later); 13 Feb is 19 days later, so
    # it comes; 16 Jan was before the work and stays.
    assert busy == [date(2023, 1, 16), date(2023, 2, 13), date(2023, 2, 27)]


def test_outcome_request_lists_missing_and_stops_when_complete() -> None:
    partial = task(outcome={"result": "ทำแล้ว", "problems": "", "obstacles": "", "suggestions": "-"})
    rs = [
        r
        for r in task_schedule(partial, POLICY, until=date(2023, 4, 30))
        if r.kind == "meeting_outcome_request"
    ]
    assert rs and all(r.detail["missing"] == ["problems", "obstacles"] for r in rs)
    full = task(outcome={k: "x" for k in ("result", "problems", "obstacles", "suggestions")})
    assert not [
        r for r in task_schedule(full, POLICY, until=date(2023, 4, 30)) if r.kind == "meeting_outcome_request"
    ]


def test_one_reminder_per_owner_unit() -> None:
    rs = due([task(owners=["สำนักปลัดฯ", "กองคลัง", "สำนักปลัดฯ "])], [], POLICY, at("2023-01-04T09:00"))
    assert sorted(r.unit for r in rs) == ["กองคลัง", "สำนักปลัดฯ"]
    assert len({r.key for r in rs}) == 2


def test_policy_from_settings() -> None:
    p = Policy.from_settings(
        {
            "hour": "07:45",
            "before_close": [1, 7, 3],
            "digest": True,
            "lang": "en",
            "overdue_repeat_days": 0,
            "nudge_every_days": 0,
        }
    )
    assert p.hour == time(7, 45) and p.before_close == (7, 3, 1) and p.digest and p.lang == "en"
    kinds = [r.kind for r in task_schedule(task(), p, until=date(2023, 6, 30))]
    assert "nudge" not in kinds and kinds.count("overdue") == 1
    for bad in (
        {"hour": "25:00"},
        {"before_close": [0]},
        {"digest": "yes"},
        {"lang": "fr"},
        {"colour": "red"},
        {"unknown_meeting_day": 31},
    ):
        with pytest.raises(InvalidInput):
            Policy.from_settings(bad)


# ---------------------------------------------------------------- properties

UNITS = ["สำนักปลัดฯ", "กองคลัง", "กองช่าง", "กองการศึกษา ศาสนาและวัฒนธรรม", "unit\r\nBcc: x@y"]


@st.composite
def tasks(draw: st.DrawFn) -> list[dict[str, Any]]:
    out = []
    for tid in range(1, draw(st.integers(1, 6)) + 1):
        start = draw(st.dates(date(2022, 10, 1), date(2023, 9, 1)))
        end = start + timedelta(days=draw(st.integers(0, 200)))
        done = draw(st.one_of(st.none(), st.datetimes(datetime(2022, 10, 1), datetime(2024, 3, 1))))
        out.append(
            task(
                tid,
                start=start.isoformat(),
                end=end.isoformat(),
                owners=draw(st.lists(st.sampled_from(UNITS), min_size=1, max_size=3)),
                done_at=done.replace(tzinfo=BANGKOK).isoformat() if done else None,
                status=draw(st.sampled_from(["not_started", "in_progress", "cancelled"])),
            )
        )
    return out


policies = st.builds(
    Policy,
    hour=st.times(),
    nudge_every_days=st.integers(0, 20),
    before_close=st.lists(st.integers(1, 20), max_size=4).map(lambda v: tuple(sorted(set(v), reverse=True))),
    overdue_repeat_days=st.integers(0, 10),
    before_meeting=st.lists(st.integers(1, 15), max_size=3).map(
        lambda v: tuple(sorted(set(v), reverse=True))
    ),
)
moments = st.datetimes(datetime(2022, 10, 1), datetime(2024, 3, 1)).map(lambda d: d.replace(tzinfo=BANGKOK))


@settings(max_examples=150, deadline=None)
@given(tasks(), policies, moments)
def test_properties_of_due(ts: list[dict[str, Any]], policy: Policy, now: datetime) -> None:
    got = due(ts, [MEETING], policy, now)
    by_id = {t["id"]: t for t in ts}
    assert len({r.key for r in got}) == len(got)  # keys unique
    assert len({r.thread for r in got}) == len(got)  # one (the latest) per thread
    assert due(ts, [MEETING], policy, now) == got  # idempotent
    for r in got:
        assert policy.calendar.is_working_day(r.on)  # never on weekends or holidays
        assert r.at == datetime.combine(r.on, policy.hour, BANGKOK) and r.at <= now
        assert r.expires is None or r.expires > now
        if r.task_id is not None:
            t = by_id[r.task_id]
            assert t["status"] != "cancelled"
            assert not (t["done_at"] and datetime.fromisoformat(t["done_at"]) <= now)  # never for done tasks
            assert "\n" not in (r.unit or "") and r.key.isascii()


@settings(max_examples=30, deadline=None)
@given(tasks(), policies)
def test_simulated_season_never_repeats_or_lands_on_a_holiday(
    ts: list[dict[str, Any]], policy: Policy
) -> None:
    season = simulate(ts, [MEETING], policy, date(2023, 1, 1), date(2023, 6, 30))
    assert len({r.key for r in season}) == len(season)
    assert all(policy.calendar.is_working_day(r.on) for r in season)
    assert not [r for r in season if date(2023, 4, 13) <= r.on <= date(2023, 4, 17)]
