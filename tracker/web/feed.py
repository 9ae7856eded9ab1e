"""The calendar feeds: GET /cal/<token>.ics, for Google Calendar, Outlook,
Thunderbird and phones to subscribe to.

A feed answers with ETag and Last-Modified and honours If-None-Match and
If-Modified-Since (304), so an hourly poll costs a digest, not a download.
A token that is tampered with or revoked answers 404: nothing tells a
stranger that the address once worked.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, g, request

from tracker.web import app as web_app
from tracker.web import links

bp = Blueprint("feed", __name__)


@bp.get("/cal/<token>.ics")
def calendar(token: str) -> Any:
    from tracker.calendar import feed

    db = web_app.db()
    try:
        link = links.verify_feed(web_app.state()["settings_key"], token, db)
    except links.LinkRefused:
        abort(404)
    built = feed.build(db, link.organisation_id, link.unit, now=g.now)
    response = Response(built.body, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.set_etag(built.etag)
    response.last_modified = built.last_modified
    # Clients and caches may keep it, but must ask again (a conditional GET) each time.
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["Content-Disposition"] = 'inline; filename="calendar.ics"'
    return response.make_conditional(request)
