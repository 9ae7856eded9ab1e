"""The clerk's pages, behind a sign-in: every measure with what is still
missing, who has not reported, the units' links, the meetings, the report."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import wraps
from typing import Any

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, session, url_for

from tracker.clock import BANGKOK
from tracker.errors import TrackerError
from tracker.services import links as link_versions
from tracker.services import meetings, tasks, units, users
from tracker.web import links, uploads
from tracker.web.app import base_url, db, refused, settings
from tracker.web.unit import OUTCOME_LABELS, send_stored

bp = Blueprint("clerk", __name__)


SESSION_HOURS = 12  # a working day: a sign-in left on a shared desk ends by itself


def signed_in(view: Callable[..., Any]) -> Callable[..., Any]:
    """The clerk's pages: signed in today (by the server's clock), as a user who still exists."""

    @wraps(view)
    def inner(*args: Any, **kwargs: Any) -> Any:
        name, since = session.get("clerk"), session.get("since")
        fresh = False
        if name and since:
            try:
                age = g.now - datetime.fromisoformat(since)
                fresh = timedelta(0) <= age <= timedelta(hours=SESSION_HOURS)
            except (TypeError, ValueError):
                fresh = False
        if not fresh or not users.exists(db(), str(name)):
            session.pop("clerk", None)
            return redirect(url_for("clerk.signin", next=request.path), 303)
        return view(*args, **kwargs)

    return inner


@bp.route("/signin", methods=["GET", "POST"])
def signin() -> Any:
    error = None
    status = 200
    if request.method == "POST":
        name = request.form.get("name") or ""
        password = request.form.get("password") or ""
        try:
            with db().transaction():
                result = users.sign_in(db(), name, password, now=g.now)
        except users.Locked as exc:
            error, status = str(exc), 429
        else:
            if result.ok:
                session.clear()
                session["clerk"] = result.name
                session["since"] = g.now.isoformat()
                target = request.args.get("next") or ""
                # only a path of this site: never an open redirect
                if not target.startswith("/") or target.startswith("//"):
                    target = url_for("clerk.overview")
                return redirect(target, 303)
            error, status = "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง (wrong name or password)", 401
    return render_template("web/signin.html", error=error), status


@bp.post("/signout")
def signout() -> Any:
    session.clear()
    return redirect(url_for("clerk.signin"), 303)


def missing_of(task: dict[str, Any], today: date) -> list[str]:
    """What a measure still lacks for the report, in Thai."""
    if task["status"] == "cancelled":
        return []
    out = []
    if task["status"] != "done" and task["progress"] == 0 and date.fromisoformat(task["start"]) <= today:
        out.append("ความคืบหน้า")
    out += [label for f, label in OUTCOME_LABELS.items() if not str(task["outcome"][f] or "").strip()]
    if not task["evidence"]:
        out.append("หลักฐาน")
    return out


@bp.get("/clerk")
@signed_in
def overview() -> Any:
    today = g.now.astimezone(BANGKOK).date()
    orgs = []
    for org in units.organisations(db()):
        all_tasks = tasks.list_tasks(db(), now=g.now, organisation=org["name"])
        lacking: dict[str, list[str]] = {}
        for t in all_tasks:
            t["missing"] = missing_of(t, today)
            if t["missing"]:
                for owner in t["owners"]:
                    lacking.setdefault(" ".join(owner.split()), []).append(t["number"])
        unit_rows = []
        for u in units.list_units(db(), organisation=org["name"]):
            token = links.unit_token(db(), settings(), org["id"], u["name"], now=g.now)
            unit_rows.append({"name": u["name"], "emails": u["emails"],
                              "url": links.unit_url(base_url(), token),
                              "lacking": lacking.get(" ".join(u["name"].split()), [])})
        feed = links.feed_url(base_url(), links.feed_token(db(), settings(), org["id"], None))
        orgs.append({**org, "tasks": all_tasks, "units": unit_rows,
                     "feed": feed, "webcal": links.webcal(feed),
                     "not_reported": [u for u in unit_rows if u["lacking"]],
                     "meetings": meetings.list_meetings(db(), organisation=org["name"])})
    return render_template("web/clerk.html", orgs=orgs, clerk=session["clerk"])


@bp.post("/clerk/link")
@signed_in
def renew_link() -> Any:
    try:
        org_id = int(request.form.get("organisation") or "0")
        unit = link_versions.known_unit(db(), org_id, request.form.get("unit") or "")
        with db().transaction():
            link_versions.renew(db(), org_id, unit, now=g.now, actor=f"web:{session['clerk']}")
    except (TrackerError, ValueError) as exc:
        return refused(400, str(exc))
    flash(f"ออกลิงก์ใหม่ให้ {unit} แล้ว ลิงก์เดิมใช้ไม่ได้อีก")
    return redirect(url_for("clerk.overview") + "#units", 303)


@bp.get("/clerk/report.<fmt>")
@signed_in
def report(fmt: str) -> Any:
    from tracker.report.render import load_report, render

    if fmt not in ("html", "pdf"):
        abort(404)
    meeting = request.args.get("meeting")
    organisation = request.args.get("org") or None
    try:
        value = load_report(db(), meeting_id=int(meeting) if meeting else None, now=g.now,
                            settings=settings(), organisation=organisation)
        data = render(value, fmt=fmt, lang="th", digits=None, settings=settings())
    except (TrackerError, ValueError) as exc:
        return refused(400, str(exc))
    mime = "application/pdf" if fmt == "pdf" else "text/html; charset=utf-8"
    response = Response(bytes(data), mimetype=mime)
    response.headers["Content-Disposition"] = f'attachment; filename="report.{fmt}"'
    # the report's own HTML carries its inline styles and fonts
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; font-src data:; img-src data:")
    return response


@bp.get("/clerk/file/<sha>")
@signed_in
def file(sha: str) -> Any:
    ref = uploads.PREFIX + sha
    if uploads.sha_of(ref) is None or not tasks.tasks_with_evidence(db(), ref):
        abort(404)
    return send_stored(sha)


@bp.get("/clerk/unit/<int:organisation>/<path:unit>")
@signed_in
def unit_page(organisation: int, unit: str) -> Any:
    """Open a unit's page as the clerk: to its link (the clerk may fill it in on a unit's behalf)."""
    name = link_versions.known_unit(db(), organisation, unit)
    token = links.unit_token(db(), settings(), organisation, name, now=g.now)
    return redirect(url_for("unit.page", token=token))
