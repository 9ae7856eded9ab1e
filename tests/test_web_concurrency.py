"""Two people saving the same measure at once, through the real waitress
server: every change is in the history, and no one's text is overwritten
without them being told."""

from __future__ import annotations

import threading
from pathlib import Path

from web_support import PALAD, Browserless, csrf, live, make_site

from tracker.services import tasks


def _together(*calls):  # type: ignore[no-untyped-def]
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)  # type: ignore[type-arg]

    def go(i: int) -> None:
        barrier.wait()
        results[i] = calls[i]()

    threads = [threading.Thread(target=go, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_two_saves_at_once(db_url: str, tmp_path: Path) -> None:
    site = make_site(db_url, tmp_path)
    token = site.token(PALAD)
    task_id = site.ids[PALAD][1]
    with live(site.app) as base:
        a, b = Browserless(base), Browserless(base)
        ta = csrf(a.request("GET", f"/u/{token}")[1])
        tb = csrf(b.request("GET", f"/u/{token}")[1])
        path = f"/u/{token}/t/{task_id}"
        p = f"{path}/progress"
        empty = {f"was_{f}": "" for f in tasks.OUTCOME_FIELDS}

        # both write a note and a progress at the same moment: all four are kept
        for _ in range(3):
            _together(
                lambda: a.request("POST", f"{path}/note", {"csrf_token": ta, "note": "โน้ตของเอ", "by": "เอ"}),
                lambda: b.request("POST", f"{path}/note", {"csrf_token": tb, "note": "โน้ตของบี", "by": "บี"}),
                lambda: a.request("POST", p, {"csrf_token": ta, "percent": "30", "by": "เอ"}),
                lambda: b.request("POST", p, {"csrf_token": tb, "percent": "40", "by": "บี"}),
            )
        # each fills a different field from the same empty form: both are kept
        ra, rb = _together(
            lambda: a.request("POST", f"{path}/outcome", {"csrf_token": ta, **empty, "result": "ผลของเอ"}),
            lambda: b.request("POST", f"{path}/outcome", {"csrf_token": tb, **empty, "problems": "ปัญหาของบี"}),
        )
        assert (ra[0], rb[0]) == (303, 303)
        # both fill the same field from the same form: one is saved, the other is
        # told (409) and gets back their own text to merge, nothing overwritten
        fa = {"csrf_token": ta, **empty, "obstacles": "อุปสรรคของเอ"}
        fb = {"csrf_token": tb, **empty, "obstacles": "อุปสรรคของบี"}
        ra, rb = _together(
            lambda: a.request("POST", f"{path}/outcome", fa),
            lambda: b.request("POST", f"{path}/outcome", fb),
        )
    assert sorted([ra[0], rb[0]]) == [303, 409]
    loser, loser_text = (ra, "อุปสรรคของเอ") if ra[0] == 409 else (rb, "อุปสรรคของบี")
    winner_text = "อุปสรรคของบี" if loser_text == "อุปสรรคของเอ" else "อุปสรรคของเอ"
    assert loser_text in loser[1] and winner_text in loser[1]
    assert "มีผู้อื่นแก้ไข" in loser[1]

    db = site.db()
    task = tasks.get_task(db, task_id, now=site.clock.now)
    db.close()
    assert task["outcome"]["result"] == "ผลของเอ"
    assert task["outcome"]["problems"] == "ปัญหาของบี"
    assert task["outcome"]["obstacles"] == winner_text
    notes = [h for h in task["history"] if h["action"] == "note"]
    progress = [h for h in task["history"] if h["action"] == "progress"]
    assert len(notes) == 6 and {h["actor"] for h in notes} == {f"{PALAD} (เอ)", f"{PALAD} (บี)"}
    assert len(progress) == 6 and {h["detail"]["after"] for h in progress} == {30, 40}
    assert task["progress"] in (30, 40)
    assert len([h for h in task["history"] if h["action"] == "outcome"]) == 3
