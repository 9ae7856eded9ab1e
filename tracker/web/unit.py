"""A unit's page, reached by its signed link: its measures and the forms to
record work on them. Every change goes through tracker.services.tasks, the
same functions the CLI calls, with the unit (and the typed name) as author."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, send_file, session, url_for

from tracker import thai
from tracker.errors import Conflict, InvalidInput, TrackerError
from tracker.services import history, tasks
from tracker.services.units import organisation_name
from tracker.web import links, uploads
from tracker.web.app import base_url, db, local_time, settings, state

bp = Blueprint("unit", __name__, url_prefix="/u")

ACTIONS = ("progress", "items", "note", "outcome", "evidence", "done")
OUTCOME_LABELS = {"result": "ผลการดำเนินงาน", "problems": "ปัญหา", "obstacles": "อุปสรรค",
                  "suggestions": "ข้อเสนอแนะ"}
NAME_MAX = 80


def _link(token: str) -> links.UnitLink:
    return links.verify(state()["settings_key"], token, db(), now=g.now)


def _org(link: links.UnitLink) -> str:
    return organisation_name(db(), link.organisation_id)


def _typed_name() -> str:
    name = request.form.get("by") or session.get("by") or ""
    return " ".join("".join(c for c in str(name) if c.isprintable()).split())[:NAME_MAX]


def _actor(link: links.UnitLink) -> str:
    name = _typed_name()
    return f"{link.unit} ({name})" if name else link.unit


@bp.get("/<token>")
def page(token: str) -> Any:
    link = _link(token)
    return _render(token, link)


def _render(token: str, link: links.UnitLink, *, status: int = 200, error: str | None = None,
            drafts: dict[int, dict[str, str]] | None = None) -> Any:
    organisation = _org(link)
    mine = tasks.unit_tasks(db(), now=g.now, organisation=organisation, unit=link.unit)
    recent = history.recent(db(), [t["id"] for t in mine], per_task=5)
    for t in mine:
        t["recent"] = [{**h, "when": local_time(h["at"])} for h in recent[t["id"]]]
        for e in t["evidence"]:
            e["sha"] = uploads.sha_of(e["ref"])
            e["web"] = e["ref"].startswith(("https://", "http://"))
    feed = links.feed_url(base_url(), links.feed_token(db(), settings(), link.organisation_id, link.unit))
    html = render_template(
        "web/unit.html", token=token, unit=link.unit, organisation=organisation, tasks=mine,
        labels=OUTCOME_LABELS, error=error, drafts=drafts or {}, by=session.get("by", ""),
        expires=link.expires.isoformat(), item_label=tasks.item_label,
        feed=feed, webcal=links.webcal(feed),
    )
    return html, status


@bp.post("/<token>/name")
def name(token: str) -> Any:
    _link(token)
    session["by"] = _typed_name()
    return redirect(url_for(".page", token=token), 303)


@bp.post("/<token>/t/<int:task_id>/<action>")
def act(token: str, task_id: int, action: str) -> Any:
    link = _link(token)
    if action not in ACTIONS:
        abort(404)
    task = tasks.get_task(db(), task_id, now=g.now)
    if task["plan"]["organisation"] != _org(link) or not tasks.owned_by(task, link.unit):
        abort(403, description="มาตรการนี้ไม่ใช่ของหน่วยงานนี้ (this measure belongs to another unit)")
    if request.form.get("by") is not None:
        session["by"] = _typed_name()
    try:
        with db().transaction():
            said = _ACT[action](task, _actor(link))
    except Conflict as exc:
        posted = {f: request.form.get(f, "") for f in OUTCOME_LABELS}
        return _render(token, link, status=409, error=str(exc), drafts={task_id: posted})
    except TrackerError as exc:
        return _render(token, link, status=getattr(exc, "status", 400), error=str(exc))
    flash(said)
    return redirect(url_for(".page", token=token) + f"#t{task_id}", 303)


def _progress(task: dict[str, Any], actor: str) -> str:
    text = (request.form.get("percent") or "").strip().rstrip("%").strip()
    percent = thai.parse_int(text, what="ร้อยละ (percentage)")
    note = (request.form.get("note") or "").strip() or None
    tasks.set_progress(db(), task["id"], percent, now=g.now, actor=actor, note=note)
    number, shown = thai.to_thai_digits(task["number"]), thai.to_thai_digits(str(percent))
    return f"มาตรการที่ {number}: บันทึกความคืบหน้า {shown}% แล้ว"


def _items(task: dict[str, Any], actor: str) -> str:
    ticked = set(request.form.getlist("item"))
    known = {str(i["no"]) for i in task["items"]}
    changed = 0
    for shown in request.form.getlist("shown"):
        no, _, was = shown.rpartition(":")
        if no not in known:  # the form names items exactly as stored; nothing else is guessed at
            raise InvalidInput("ไม่พบข้อย่อยนี้ (no such item)")
        want = no in ticked
        if want != (was == "1"):  # only what this person changed: another's ticks stay
            tasks.check_item(db(), task["id"], no, now=g.now, actor=actor, done=want)
            changed += 1
    if not changed:
        raise InvalidInput("ไม่มีข้อย่อยที่เปลี่ยน (no item was changed)")
    return f"มาตรการที่ {thai.to_thai_digits(task['number'])}: บันทึกข้อย่อยแล้ว"


def _note(task: dict[str, Any], actor: str) -> str:
    tasks.add_note(db(), task["id"], request.form.get("note") or "", now=g.now, actor=actor)
    return f"มาตรการที่ {thai.to_thai_digits(task['number'])}: บันทึกข้อความแล้ว"


def _outcome(task: dict[str, Any], actor: str) -> str:
    fields, expected = {}, {}
    for f in OUTCOME_LABELS:
        value = (request.form.get(f) or "").replace("\r\n", "\n").strip()
        was = (request.form.get(f"was_{f}") or "").replace("\r\n", "\n").strip()
        if value != was:  # only the fields this person changed
            fields[f], expected[f] = value, was
    if not fields:
        raise InvalidInput("ไม่มีช่องที่เปลี่ยน (nothing was changed)")
    tasks.set_outcome(db(), task["id"], fields, now=g.now, actor=actor, expected=expected)
    return f"มาตรการที่ {thai.to_thai_digits(task['number'])}: บันทึกผลการดำเนินงานแล้ว"


def _evidence(task: dict[str, Any], actor: str) -> str:
    url = (request.form.get("url") or "").strip()
    title = (request.form.get("title") or "").strip()
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        stored = uploads.store(upload.stream, upload.filename, state()["uploads"])
        tasks.add_evidence(db(), task["id"], stored.ref, now=g.now, actor=actor,
                           title=title or uploads.display_name(upload.filename))
    elif url:
        if not url.startswith(("https://", "http://")):
            raise InvalidInput(
                "ลิงก์หลักฐานต้องขึ้นต้นด้วย https:// หรือ http:// (the evidence link must be a web address)")
        tasks.add_evidence(db(), task["id"], url, now=g.now, actor=actor, title=title)
    else:
        raise InvalidInput("ใส่ลิงก์หรือเลือกไฟล์ (give a link or choose a file)")
    return f"มาตรการที่ {thai.to_thai_digits(task['number'])}: แนบหลักฐานแล้ว"


def _done(task: dict[str, Any], actor: str) -> str:
    note = (request.form.get("note") or "").strip() or None
    tasks.mark_done(db(), task["id"], now=g.now, actor=actor, note=note)
    return f"มาตรการที่ {thai.to_thai_digits(task['number'])}: บันทึกว่าเสร็จแล้ว"


_ACT = {"progress": _progress, "items": _items, "note": _note, "outcome": _outcome,
        "evidence": _evidence, "done": _done}


@bp.get("/<token>/file/<sha>")
def file(token: str, sha: str) -> Any:
    link = _link(token)
    organisation = _org(link)
    ref = uploads.PREFIX + sha
    if uploads.sha_of(ref) is None:
        abort(404)
    for task_id in tasks.tasks_with_evidence(db(), ref):
        task = tasks.get_task(db(), task_id, now=g.now)
        if task["plan"]["organisation"] == organisation and tasks.owned_by(task, link.unit):
            return send_stored(sha)
    abort(404)


def send_stored(sha: str) -> Any:
    """The stored file, as an attachment named after its hash and kind."""
    path = uploads.path_of(state()["uploads"], sha)
    if not path.is_file():
        abort(404)
    with path.open("rb") as f:
        mime = uploads.kind_of(f.read(8192)) or "application/octet-stream"
    return send_file(path, mimetype=mime, as_attachment=True,
                     download_name=f"evidence-{sha[:12]}.{uploads.extension(mime)}")
