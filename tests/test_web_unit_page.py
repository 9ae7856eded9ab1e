"""What a unit's page shows: its measures, newest fiscal year first, with
the items, outcome fields and evidence; ticking items moves the progress."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from factories import measure, small_plan
from web_support import PALAD, Site, csrf, make_site

from tracker.services import tasks
from tracker.services.importing import import_plan


def test_newest_fiscal_year_first_and_items_tick(db_url: str, tmp_path: Path) -> None:
    site: Site = make_site(db_url, tmp_path)
    db = site.db()
    with db.transaction():
        plan = dataclasses.replace(small_plan(measure("1", "มาตรการปีถัดไป")), fiscal_year=2567)
        import_plan(db, plan, source="t2", now=site.clock.now, actor="t")
    db.close()
    c = site.app.test_client()
    token = site.token(PALAD)
    html = c.get(f"/u/{token}").data.decode()
    assert html.index("ปีงบประมาณ ๒๕๖๗") < html.index("ปีงบประมาณ ๒๕๖๖")
    assert html.index("มาตรการปีถัดไป") < html.index("มาตรการเปิดเผยข้อมูล")
    first = site.ids[PALAD][0]  # three sub-items
    shown = ["1:0", "2:0", "3:0"]
    items = f"/u/{token}/t/{first}/items"
    r = c.post(items, data={"csrf_token": csrf(html), "shown": shown, "item": ["1", "3"]})
    assert r.status_code == 303
    db = site.db()
    task = tasks.get_task(db, first, now=site.clock.now)
    db.close()
    assert [i["done"] for i in task["items"]] == [True, False, True]
    assert task["progress"] == 67
    assert {h["actor"] for h in task["history"] if h["action"] == "check"} == {PALAD}
    # a stale form (item 1 shown unticked, but it is ticked now) changes only what it changed
    r = c.post(items, data={"csrf_token": csrf(html), "shown": shown, "item": ["2"]})
    assert r.status_code == 303
    db = site.db()
    task = tasks.get_task(db, first, now=site.clock.now)
    db.close()
    assert [i["done"] for i in task["items"]] == [True, True, True]
