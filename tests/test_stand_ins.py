"""Stand-ins: `tracker unit set NAME --stand-in ADDR --from DATE --until DATE`
sends the unit's mail to the stand-in for that period (both days included)
with the unit's own addresses copied; `--no-stand-in` takes it away. Both are
in the history; slips are one Thai line and store nothing. The routing the
reminder run calls (units.recipients / recipients_for / route) is checked
against both databases, and as a pure function."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from conftest import SAMPLE, at
from factories import measure, small_plan
from hypothesis import given
from hypothesis import strategies as st

from tracker.db.connection import Database, open_database
from tracker.db.migrate import ensure_schema
from tracker.errors import InvalidInput
from tracker.services import history, importing, units
from tracker.services.units import StandIn, route

NOW = at("2023-01-03T09:00")
PALAD = "สำนักปลัดฯ"
HEAD = "palad@bangchakreng.go.th"
DEPUTY = "somsri@bangchakreng.go.th"


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    d = open_database(db_url)
    ensure_schema(d, now=NOW)
    with d.transaction():
        importing.import_plan(d, small_plan(measure("1", "หนึ่ง"), measure("2", "สอง", owners=("กองคลัง",))),
                              source="t", now=NOW, actor="clerk")
        units.set_unit(d, PALAD, [HEAD], now=NOW, actor="clerk")
        units.set_unit(d, "กองคลัง", ["klang@bangchakreng.go.th"], now=NOW, actor="clerk")
    yield d
    d.close()


def stand_in(db: Database, *addresses: str, starts: date | None, ends: date | None, unit: str = PALAD
             ) -> list[StandIn]:
    with db.transaction():
        return units.add_stand_in(db, unit, list(addresses), starts_on=starts, ends_on=ends, now=NOW,
                                  actor="clerk")


def test_the_stand_in_gets_the_mail_on_every_day_of_the_period_and_the_unit_is_copied(db: Database) -> None:
    stand_in(db, DEPUTY, starts=date(2023, 1, 9), ends=date(2023, 1, 20))
    org = units.organisation_id(db, None)
    assert units.recipients(db, org, PALAD, date(2023, 1, 8)) == ([HEAD], [])
    assert units.recipients(db, org, PALAD, date(2023, 1, 9)) == ([DEPUTY], [HEAD])
    assert units.recipients(db, org, PALAD, date(2023, 1, 20)) == ([DEPUTY], [HEAD])
    assert units.recipients(db, org, PALAD, date(2023, 1, 21)) == ([HEAD], [])
    # a batch: every unit at once, spaces in a name as one, a unit nobody set
    many = units.recipients_for(db, org, [" สำนักปลัดฯ ", "กองคลัง", "กองช่าง"], date(2023, 1, 10))
    assert many == {" สำนักปลัดฯ ": ([DEPUTY], [HEAD]), "กองคลัง": (["klang@bangchakreng.go.th"], []),
                    "กองช่าง": ([], [])}


def test_a_unit_with_no_address_of_its_own_can_have_a_stand_in(db: Database) -> None:
    stand_in(db, DEPUTY, "kasem@bangchakreng.go.th", unit="กองช่าง", starts=None, ends=date(2023, 1, 31))
    org = units.organisation_id(db, None)
    assert units.recipients(db, org, "กองช่าง", NOW.date()) == ([DEPUTY, "kasem@bangchakreng.go.th"], [])
    listed = {u["name"]: u for u in units.list_units(db, today=NOW.date())}
    assert listed["กองช่าง"]["emails"] == []
    assert listed["กองช่าง"]["stand_ins"] == [{"addresses": [DEPUTY, "kasem@bangchakreng.go.th"],
                                                "from": "2023-01-03", "until": "2023-01-31", "active": True}]


def test_the_same_stand_in_again_changes_nothing_and_an_overlap_is_refused(db: Database) -> None:
    first, last = date(2023, 1, 9), date(2023, 1, 20)
    assert len(stand_in(db, DEPUTY, starts=first, ends=last)) == 1
    assert stand_in(db, DEPUTY, starts=first, ends=last) == []
    with pytest.raises(InvalidInput, match="มีผู้ปฏิบัติหน้าที่แทนช่วงนี้อยู่แล้ว"):
        stand_in(db, "other@bangchakreng.go.th", starts=date(2023, 1, 20), ends=date(2023, 1, 25))
    after = stand_in(db, "other@bangchakreng.go.th", starts=date(2023, 1, 21), ends=date(2023, 1, 25))
    assert len(after) == 1
    actions = [h["action"] for h in history.entries(db)]
    assert actions.count("stand_in") == 2


def test_removing_every_stand_in_or_those_of_a_range(db: Database) -> None:
    stand_in(db, DEPUTY, starts=date(2023, 1, 9), ends=date(2023, 1, 20))
    stand_in(db, "other@bangchakreng.go.th", starts=date(2023, 2, 1), ends=date(2023, 2, 3))
    with db.transaction():
        gone = units.remove_stand_ins(db, PALAD, starts_on=date(2023, 1, 25), now=NOW, actor="clerk")
    assert [s.address for s in gone] == ["other@bangchakreng.go.th"]
    with db.transaction():
        gone = units.remove_stand_ins(db, PALAD, now=NOW, actor="clerk")
    assert [s.address for s in gone] == [DEPUTY]
    with pytest.raises(InvalidInput, match="ไม่มีผู้ปฏิบัติหน้าที่แทนที่จะยกเลิก"), db.transaction():
        units.remove_stand_ins(db, PALAD, now=NOW, actor="clerk")
    last = history.entries(db)[-1]
    assert last["action"] == "stand_in_removed"
    assert last["detail"]["removed"] == [{"addresses": [DEPUTY], "from": "2023-01-09", "until": "2023-01-20",
                                          "active": False}]


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        ({}, "ไม่มีอะไรให้ตั้งค่า"),
        ({"stand_in": [DEPUTY]}, "--until"),
        ({"stand_in": [DEPUTY], "ends_on": date(2023, 1, 2)}, "ผ่านไปแล้ว"),
        ({"stand_in": [DEPUTY], "starts_on": date(2023, 2, 2), "ends_on": date(2023, 2, 1)}, "อยู่ก่อนวันเริ่ม"),
        ({"stand_in": ["somsri at bangchakreng"], "ends_on": date(2023, 2, 1)}, "อีเมลไม่ถูกต้อง"),
        ({"stand_in": [DEPUTY], "no_stand_in": True, "ends_on": date(2023, 2, 1)}, "พร้อมกันไม่ได้"),
        ({"emails": ["new@bangchakreng.go.th"], "ends_on": date(2023, 2, 1)}, "--from และ --until"),
    ],
)
def test_update_unit_refuses_and_writes_nothing(db: Database, kwargs: dict[str, Any], says: str) -> None:
    before = (units.list_units(db), len(history.entries(db)))
    with pytest.raises(InvalidInput, match=says), db.transaction():
        units.update_unit(db, PALAD, now=NOW, actor="clerk", **kwargs)
    assert (units.list_units(db), len(history.entries(db))) == before


def test_a_refused_stand_in_leaves_the_addresses_given_with_it_unset(db: Database) -> None:
    with pytest.raises(InvalidInput), db.transaction():
        units.update_unit(db, PALAD, emails=["new@bangchakreng.go.th"], stand_in=[DEPUTY],
                          ends_on=date(2022, 12, 31), now=NOW, actor="clerk")
    assert units.recipients(db, units.organisation_id(db, None), PALAD, NOW.date()) == ([HEAD], [])


# ------------------------------------------------------------ route, pure

_addr = st.sampled_from(["a@x.go.th", "b@x.go.th", "c@x.go.th", "A@x.go.th"])
_day = st.dates(min_value=date(2023, 1, 1), max_value=date(2023, 3, 31))


@st.composite
def _stand_ins(draw: st.DrawFn) -> list[StandIn]:
    out = []
    for _ in range(draw(st.integers(0, 3))):
        first = draw(_day)
        out.append(StandIn("u", draw(_addr), first, first + timedelta(days=draw(st.integers(0, 20)))))
    return out


@given(st.lists(_addr, max_size=3), _stand_ins(), _day)
def test_route_sends_to_whoever_is_on_duty_and_loses_no_address(
    emails: list[str], stand_ins: list[StandIn], on: date
) -> None:
    to, cc = route(emails, stand_ins, on)
    on_duty = [s.address for s in stand_ins if s.starts_on <= on <= s.ends_on]
    if on_duty:
        assert to == list(dict.fromkeys(on_duty))
        # the unit is copied, less an address already in `to`
        assert cc == [a for a in dict.fromkeys(emails) if a.lower() not in {t.lower() for t in to}]
    else:
        assert (to, cc) == (list(dict.fromkeys(emails)), [])
    assert len(to) == len(set(to)) and len(cc) == len(set(cc))


# ------------------------------------------------------------ the command


@pytest.fixture
def sample(run: Any) -> Any:
    assert run("import", str(SAMPLE), now="2023-01-03").code == 0
    assert run("unit", "set", PALAD, "--email", HEAD, now="2023-01-03").code == 0
    return run


def units_json(run: Any, now: str = "2023-01-03") -> dict[str, Any]:
    r = run("unit", "list", "--json", now=now)
    assert r.code == 0, r.err
    return {u["name"]: u for u in json.loads(r.out)}


def test_unit_set_stand_in_with_thai_dates_keeps_the_addresses_and_shows_in_list(sample: Any) -> None:
    r = sample("unit", "set", PALAD, "--stand-in", DEPUTY, "--from", "๙ ม.ค. ๖๖", "--until", "2566-01-20",
               now="2023-01-03")
    assert r.code == 0, r.err
    assert r.out.strip() == f"{PALAD}: ผู้ปฏิบัติหน้าที่แทน {DEPUTY} 9 ม.ค. 2566 - 20 ม.ค. 2566"
    palad = units_json(sample, now="2023-01-10")[PALAD]
    assert palad["emails"] == [HEAD] and palad["name"] == PALAD
    assert palad["stand_ins"] == [{"addresses": [DEPUTY], "from": "2023-01-09", "until": "2023-01-20",
                                   "active": True}]
    text = sample("unit", "list", now="2023-01-10").out
    assert "ผู้ปฏิบัติหน้าที่แทน" in text and f"{DEPUTY} 9 ม.ค. 2566 - 20 ม.ค. 2566 (ตอนนี้)" in text
    history = json.loads(sample("history", "--json", now="2023-01-10").out)
    assert history[-1]["action"] == "stand_in"
    assert history[-1]["detail"] == {"unit": PALAD, "addresses": [DEPUTY], "starts_on": "2023-01-09",
                                     "ends_on": "2023-01-20"}
    assert "ผู้ปฏิบัติหน้าที่แทน หน่วยงาน: สำนักปลัดฯ" in sample("history", now="2023-01-10").out


def test_no_stand_in_takes_it_away_in_the_history(sample: Any) -> None:
    r = sample("unit", "set", PALAD, "--stand-in", DEPUTY, "--until", "20 ม.ค. 2566", now="2023-01-03")
    assert r.code == 0, r.err
    r = sample("unit", "set", PALAD, "--no-stand-in", now="2023-01-05")
    assert r.code == 0 and r.out.strip() == f"{PALAD}: ยกเลิกผู้ปฏิบัติหน้าที่แทน {DEPUTY} 3 ม.ค. 2566 - 20 ม.ค. 2566"
    assert units_json(sample)[PALAD]["stand_ins"] == []
    history = json.loads(sample("history", "--json", now="2023-01-05").out)
    assert [h["action"] for h in history][-2:] == ["stand_in", "stand_in_removed"]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        ((), "ไม่มีอะไรให้ตั้งค่า"),
        (("--stand-in", DEPUTY, "--until", "31 ก.พ. 66"), "ไม่มีวันที่นี้ในปฏิทิน"),
        (("--stand-in", DEPUTY, "--from", "พรุ่งนี้", "--until", "20 ม.ค. 66"), "วันที่ไม่ถูกต้อง"),
        (("--stand-in", DEPUTY, "--from", "20 ม.ค. 66", "--until", "9 ม.ค. 66"), "อยู่ก่อนวันเริ่ม"),
        (("--stand-in", "somsri", "--until", "20 ม.ค. 66"), "อีเมลไม่ถูกต้อง"),
        (("--stand-in", DEPUTY, "--until", "20 ม.ค. 65"), "ผ่านไปแล้ว"),
        (("--no-stand-in",), "ไม่มีผู้ปฏิบัติหน้าที่แทน"),
        (("--email", "new@bangchakreng.go.th", "--stand-in", DEPUTY), "--until"),
    ],
)
def test_slips_are_one_thai_line_and_store_nothing(sample: Any, args: tuple[str, ...], says: str) -> None:
    before = (units_json(sample), sample("history", "--json", now="2023-01-03").out)
    r = sample("unit", "set", PALAD, *args, now="2023-01-03")
    assert r.code == 1, r.err
    line = r.err.strip()
    assert line.splitlines() == [line] and says in line and line.startswith("error: ") and "(" in line, line
    assert "\u0e00" <= line[len("error: ")] <= "\u0e7f", line  # Thai first
    assert (units_json(sample), sample("history", "--json", now="2023-01-03").out) == before


def test_email_alone_still_works_and_replaces_the_addresses(sample: Any) -> None:
    r = sample("unit", "set", PALAD, "--email", "new@bangchakreng.go.th", now="2023-01-03")
    assert r.code == 0 and r.out.strip() == f"{PALAD}: new@bangchakreng.go.th", r.err
    assert units_json(sample)[PALAD]["emails"] == ["new@bangchakreng.go.th"]


def test_addresses_and_a_stand_in_in_one_command(sample: Any) -> None:
    r = sample("unit", "set", "กองคลัง", "--email", "klang@bangchakreng.go.th", "--stand-in", DEPUTY,
               "--stand-in", "kasem@bangchakreng.go.th", "--from", "1 ก.พ. 66", "--until", "๓ ก.พ. ๖๖",
               now="2023-01-03")
    assert r.code == 0, r.err
    assert r.out.strip().splitlines() == [
        "กองคลัง: klang@bangchakreng.go.th",
        f"กองคลัง: ผู้ปฏิบัติหน้าที่แทน {DEPUTY}, kasem@bangchakreng.go.th 1 ก.พ. 2566 - 3 ก.พ. 2566"]
    klang = units_json(sample)["กองคลัง"]
    assert klang["emails"] == ["klang@bangchakreng.go.th"]
    assert klang["stand_ins"] == [{"addresses": [DEPUTY, "kasem@bangchakreng.go.th"], "from": "2023-02-01",
                                   "until": "2023-02-03", "active": False}]
    # removing only what overlaps a range
    r = sample("unit", "set", "กองคลัง", "--no-stand-in", "--from", "2 ก.พ. 66", "--until", "2 ก.พ. 66",
               now="2023-01-03")
    assert r.code == 0, r.err
    assert units_json(sample)["กองคลัง"]["stand_ins"] == []
