"""`tracker cancel ID --reason …` and `--undo`: a measure the organisation
dropped gets no more mail (not even what was queued), stays cancelled when the
same document is imported again, and comes back with --undo; the history
keeps both, with the reason."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import SAMPLE


@pytest.fixture
def sample(run: Any) -> Any:
    assert run("import", str(SAMPLE), now="2023-01-03").code == 0
    assert run("unit", "set", "สำนักปลัดฯ", "--email", "palad@bangchakreng.go.th", now="2023-01-03").code == 0
    return run


def sent_tasks(r: Any) -> list[int]:
    assert r.code == 0, r.err
    return [s["task_id"] for s in json.loads(r.out)["sent"]]


def test_a_cancelled_measure_gets_no_mail_and_stays_cancelled(sample: Any) -> None:
    # the windows open on 4 Jan: both measures' mail is queued, then 2 is cancelled
    assert sample("remind", "--dry-run", now="2023-01-04T08:00").code == 0
    r = sample("cancel", "2", "--reason", "ที่ประชุมมีมติยกเลิก", now="2023-01-04T08:00")
    assert r.code == 0 and r.out.strip() == "งาน 2: ยกเลิกแล้ว ไม่มีการแจ้งเตือนอีก", r.err
    assert sent_tasks(sample("remind", "--json", now="2023-01-04T09:00")) == [1]
    # all season long: nothing for 2 (its closing and overdue mail included)
    for day in ("2023-03-17T09:00", "2023-03-31T09:00", "2023-04-03T09:00", "2023-04-10T09:00"):
        assert 2 not in sent_tasks(sample("remind", "--json", now=day)), day
    again = sample("import", str(SAMPLE), now="2023-04-11T09:00")
    assert again.code == 0, again.err
    task = json.loads(sample("show", "2", "--json", now="2023-04-11T09:00").out)
    assert task["status"] == "cancelled"
    history = [(h["action"], h["detail"].get("reason")) for h in task["history"]]
    assert ("cancel", "ที่ประชุมมีมติยกเลิก") in history
    report = sample("report", now="2023-04-11T09:00").out
    assert "ยกเลิก" in report


def test_undo_brings_it_back(sample: Any) -> None:
    assert sample("cancel", "2", "--reason", "ซ้ำกับมาตรการ 1", now="2023-01-04T08:00").code == 0
    r = sample("cancel", "2", "--undo", now="2023-01-05T08:00")
    assert r.code == 0 and r.out.strip() == "งาน 2: นำกลับมาติดตามแล้ว"
    task = json.loads(sample("show", "2", "--json", now="2023-01-05T08:00").out)
    assert task["status"] == "not_started"
    assert [h["action"] for h in task["history"]][-2:] == ["cancel", "restore"]
    assert 2 in sent_tasks(sample("remind", "--json", now="2023-01-05T09:00"))


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("cancel", "2"), "ต้องระบุเหตุผลด้วย --reason"),
        (("cancel", "2", "--reason", "   "), "ต้องระบุเหตุผลที่ยกเลิก"),
        (("cancel", "2", "--undo"), "ไม่ได้ถูกยกเลิก"),
        (("cancel", "99", "--reason", "x"), "ไม่พบงานหมายเลข 99"),
    ],
)
def test_slips_are_one_thai_line_and_change_nothing(sample: Any, args: tuple[str, ...], says: str) -> None:
    before = sample("show", "2", "--json", now="2023-01-04T08:00").out
    r = sample(*args, now="2023-01-04T08:00")
    assert r.code == 1 and r.err.strip().splitlines() == [r.err.strip()] and says in r.err, r.err
    assert sample("show", "2", "--json", now="2023-01-04T08:00").out == before
