"""Several organisations in one database (issue 7): units and their addresses,
reminders, lists, reports and calendars stay inside their organisation."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import at
from tests.factories import measure, small_plan
from tracker.app import App
from tracker.services.importing import import_plan

A = "เทศบาลตำบลบางจะเกร็ง"
B = "องค์การบริหารส่วนตำบลบ้านปรก"
UNIT = "สำนักปลัดฯ"  # the same unit name in both


@pytest.fixture
def two(db_url: str, run: Any) -> Callable[..., Any]:
    """Two organisations, each with a plan whose measures are owned by a
    unit of the same name, each unit with its own address."""
    now = at("2022-12-20T09:00")
    app = App(now=now, db_url=db_url)
    with app.db.transaction():
        for org, tag in ((A, "ก"), (B, "ข")):
            import_plan(
                app.db,
                small_plan(
                    measure("1", f"มาตรการ{tag} เปิดเผยข้อมูล", start=date(2023, 1, 1), end=date(2023, 1, 31)),
                    measure("2", f"มาตรการ{tag} ป้องกันการทุจริต", start=date(2022, 10, 1),
                            end=date(2022, 12, 31)),
                    organisation=org,
                ),
                source="t", now=now, actor="t",
            )
    app.close()
    for org, addr in ((A, "palad@bangchakreng.go.th"), (B, "palad@banprok.go.th")):
        r = run("unit", "set", UNIT, "--email", addr, "--org", org)
        assert r.code == 0, r.err
    return run  # type: ignore[no-any-return]


ADDR = {A: "palad@bangchakreng.go.th", B: "palad@banprok.go.th"}
TAG = {A: "ก", B: "ข"}


def org_of_tasks(run: Any) -> dict[int, str]:
    r = run("list", "--json")
    assert r.code == 0, r.err
    return {t["id"]: t["plan"]["organisation"] for t in json.loads(r.out)}


def test_same_unit_name_own_addresses(two: Any) -> None:
    for org in (A, B):
        r = two("unit", "list", "--org", org, "--json")
        assert r.code == 0, r.err
        units = {u["name"]: u["emails"] for u in json.loads(r.out)}
        assert units[UNIT] == [ADDR[org]]
    r = two("unit", "set", UNIT, "--email", "x@y.go.th")  # which one? must say
    assert r.code == 1 and "--org" in r.err


def test_list_and_report_per_organisation(two: Any) -> None:
    for org in (A, B):
        r = two("list", "--org", org, "--json", now="2023-01-10T09:00")
        assert r.code == 0, r.err
        tasks = json.loads(r.out)
        assert len(tasks) == 2 and {t["plan"]["organisation"] for t in tasks} == {org}
        r = two("report", "--org", org, "--format", "text", now="2023-03-20T09:00")
        assert r.code == 0, r.err
        other = B if org == A else A
        assert org in r.out and f"มาตรการ{TAG[org]} เปิดเผยข้อมูล" in r.out
        assert other not in r.out and f"มาตรการ{TAG[other]}" not in r.out


def test_calendar_per_organisation(two: Any, tmp_path: Path) -> None:
    for org in (A, B):
        out = tmp_path / f"{TAG[org]}.ics"
        r = two("ics", "export", "--org", org, "-o", str(out))
        assert r.code == 0, r.err
        from icalendar import Calendar

        cal = Calendar.from_ical(out.read_bytes())
        summaries = [str(c.get("summary")) for c in cal.walk() if c.name in ("VEVENT", "VTODO")]
        other = B if org == A else A
        assert any(f"มาตรการ{TAG[org]}" in s for s in summaries)
        assert not any(f"มาตรการ{TAG[other]}" in s for s in summaries)


def test_reminders_never_cross_organisations(two: Any, tmp_path: Path) -> None:
    """Sent through the file transport: every mail goes only to the address of
    the unit of its own task's organisation; the preview says the same."""
    orgs = org_of_tasks(two)
    r = two("remind", "--preview", "2023-01-01", "2023-02-28", "--json")
    assert r.code == 0, r.err
    rows = json.loads(r.out)
    assert rows and all(row["to"] == [ADDR[orgs[row["task_id"]]]] for row in rows if row["task_id"])
    env = {"TRACKER_MAIL_TRANSPORT": "file"}
    # --org A sends A's mail only, even with B's already queued by a dry run elsewhere
    r = two("remind", "--org", A, "--json", now="2023-01-04T09:00", env=env)
    assert r.code == 0, r.err
    sent = json.loads(r.out)["sent"]
    assert sent, r.out + r.err
    assert all(orgs[s["task_id"]] == A and s["to"] == [ADDR[A]] for s in sent)
    r = two("remind", "--json", now="2023-01-04T09:05", env=env)
    assert r.code == 0, r.err
    sent = json.loads(r.out)["sent"]
    assert sent and all(s["to"] == [ADDR[orgs[s["task_id"]]]] for s in sent)
    assert {orgs[s["task_id"]] for s in sent} == {B}  # A's went out already, once


def test_remind_unknown_org_is_an_error(two: Any) -> None:
    r = two("remind", "--org", "เทศบาลที่ไม่มี", now="2023-01-03T09:00")
    assert r.code == 1 and "error:" in r.err


def test_report_without_org_asks_which(two: Any) -> None:
    r = two("report", "--format", "text", now="2023-03-20T09:00")
    assert r.code == 1
    assert r.err.startswith("error: ")
    assert "--org" in r.err
