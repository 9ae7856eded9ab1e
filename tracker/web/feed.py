"""The calendar feeds: GET /cal/<token>.ics, for Google Calendar, Outlook,
Thunderbird and phones to subscribe to.

A feed answers with ETag and Last-Modified and honours If-None-Match and
If-Modified-Since: while nothing changed the answer is 304, decided before
the calendar is built (tracker/calendar/feed.py), so an hourly poll costs a
few queries. A token that is tampered with or revoked answers 404: nothing
tells a stranger that the address once worked.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, g, request
from werkzeug.http import is_resource_modified

from tracker.web import app as web_app
from tracker.web import links

bp = Blueprint("feed", __name__)


def _validators(response: Response, etag: str, last_modified: Any) -> Response:
    response.set_etag(etag)
    response.last_modified = last_modified
    # Clients and caches may keep it, but must ask again (a conditional GET) each time.
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.get("/cal/<token>.ics")
def calendar(token: str) -> Any:
    from tracker.calendar import feed

    db = web_app.db()
    try:
        link = links.verify_feed(web_app.state()["settings_key"], token, db)
    except links.LinkRefused:
        abort(404)
    rev = feed.revision(db, link.organisation_id, link.unit)
    if not is_resource_modified(request.environ, etag=rev.etag, last_modified=rev.last_modified):
        return _validators(Response(status=304), rev.etag, rev.last_modified)
    built = feed.build(db, link.organisation_id, link.unit, now=g.now, rev=rev)
    response = Response(built.body, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = 'inline; filename="calendar.ics"'
    return _validators(response, rev.etag, rev.last_modified)
