"""The web application: `create_app` builds it from the settings, the
database URL and a clock; `tracker serve` hands it to waitress.

One database connection per server thread (waitress serves from a fixed pool
of threads), opened on its first request. Every request reads "now" once from
the clock it was given, so `tracker --now … serve` acts at that time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import Flask, g, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from tracker import thai
from tracker.app import App
from tracker.clock import BANGKOK
from tracker.config import Settings
from tracker.db.connection import Database, SqlAlchemyDatabase
from tracker.errors import NotFound, TrackerError
from tracker.templating import bundled_templates, fonts_dir
from tracker.web import links, uploads
from tracker.words import ACTION, STATUS

# Content-Security-Policy: no script at all, styles and fonts from here only;
# no Referer leaves the page (a unit's link is in its address).
_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; font-src 'self'; img-src 'self';"
    " form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


class _Flask(Flask):
    def log_exception(self, exc_info: Any) -> None:
        """Flask logs the request's path; a unit's path holds its link. Name
        the route instead (``/u/<token>/…``), never the token."""
        self.logger.error("Exception on %s [%s]", request.url_rule, request.method, exc_info=exc_info)


class _PerThread(threading.local):
    app: App | None = None


def create_app(
    settings: Settings,
    *,
    db_url: str,
    clock: Callable[[], datetime],
    testing: bool = False,
) -> Flask:
    """The Flask application over the same services and database as the CLI."""
    templates = bundled_templates()
    web = _Flask(
        "tracker.web",
        template_folder=str(templates),
        static_folder=str(templates / "web" / "static"),
        static_url_path="/static",
    )
    folder = links.data_dir(settings)
    base_url = str(settings.web.get("base_url") or "")
    web.config.update(
        SECRET_KEY=links.secret_key(folder),
        SESSION_COOKIE_NAME="tracker_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=base_url.startswith("https://"),
        # The CSRF token lives as long as the session: Flask-WTF's time limit
        # reads the system clock (not --now), and a unit head may leave a
        # form open all morning.
        WTF_CSRF_TIME_LIMIT=None,
        # Flask-WTF's strict mode on https also wants a same-site Referer; these
        # pages ask browsers to send none (a unit's link is in the address), so
        # the token and the SameSite=Lax cookie are the protection.
        WTF_CSRF_SSL_STRICT=False,
        MAX_CONTENT_LENGTH=uploads.MAX_BYTES + 1024 * 1024,  # the file plus the form around it
        TESTING=testing,
    )
    web.jinja_env.undefined = __import__("jinja2").StrictUndefined
    web.jinja_env.globals.update(fdate=_fdate, status_label=STATUS["th"], action_label=ACTION["th"],
                                 thai_digits=thai.to_thai_digits)
    web.extensions["tracker"] = {
        "settings": settings, "db_url": db_url, "clock": clock, "local": _PerThread(),
        "uploads": folder / "uploads", "settings_key": web.config["SECRET_KEY"],
    }
    CSRFProtect(web)

    @web.before_request
    def _now() -> None:
        g.now = clock()

    @web.after_request
    def _headers(response: Any) -> Any:
        for name, value in _HEADERS.items():
            response.headers.setdefault(name, value)
        if not request.path.startswith(("/static", "/cal/")):  # feeds set their own
            response.headers["Cache-Control"] = "no-store"
        return response

    @web.teardown_request
    def _end_read(_exc: BaseException | None) -> None:
        # PostgreSQL: a read opened an implicit transaction; end it, so the
        # thread's connection does not sit "idle in transaction".
        state: _PerThread = web.extensions["tracker"]["local"]
        database = state.app._db if state.app is not None else None
        if isinstance(database, SqlAlchemyDatabase) and database.conn.in_transaction():
            database.conn.rollback()

    @web.get("/fonts/<name>")
    def font(name: str) -> Any:
        from flask import abort, send_from_directory

        if name not in ("Sarabun-Regular.ttf", "Sarabun-Bold.ttf"):
            abort(404)
        return send_from_directory(fonts_dir(), name, max_age=86400)

    @web.get("/")
    def index() -> Any:
        from flask import redirect, url_for

        return redirect(url_for("clerk.overview"))

    from tracker.web import clerk, feed, unit

    web.register_blueprint(unit.bp)
    web.register_blueprint(clerk.bp)
    web.register_blueprint(feed.bp)
    _errors(web)
    return web


def _errors(web: Flask) -> None:
    @web.errorhandler(CSRFError)
    def _csrf(exc: CSRFError) -> Any:
        return refused(400, "แบบฟอร์มนี้ไม่มีรหัสยืนยันที่ถูกต้อง กรุณาเปิดหน้าใหม่แล้วลองอีกครั้ง",
                       "the form's CSRF token is missing or wrong")

    @web.errorhandler(RequestEntityTooLarge)
    def _too_large(exc: RequestEntityTooLarge) -> Any:
        return refused(413, f"ไฟล์ใหญ่เกิน {uploads.MAX_BYTES // (1024 * 1024)} MB",
                       "the upload is too large")

    @web.errorhandler(links.LinkRefused)
    def _link(exc: links.LinkRefused) -> Any:
        return refused(403, str(exc), "link refused")

    @web.errorhandler(NotFound)
    def _missing(exc: NotFound) -> Any:
        return refused(404, str(exc), "not found")

    @web.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Any:
        return refused(exc.code or 500, exc.name, exc.description or "")


def refused(status: int, message: str, detail: str = "") -> Any:
    return render_template("web/refused.html", status=status, message=message, detail=detail), status


def state() -> dict[str, Any]:
    from flask import current_app

    value: dict[str, Any] = current_app.extensions["tracker"]
    return value


def db() -> Database:
    """This thread's database connection (opened, and checked, on first use)."""
    s = state()
    local: _PerThread = s["local"]
    if local.app is None:
        local.app = App(now=g.now, db_url=s["db_url"], settings=s["settings"])
    local.app.now = g.now
    return local.app.db


def settings() -> Settings:
    value: Settings = state()["settings"]
    return value


def base_url() -> str:
    """[web] base_url, else the address this request came to."""
    return str(settings().web.get("base_url") or request.host_url).rstrip("/")


def _fdate(value: str | None, style: str = "short") -> str:
    if not value:
        return "-"
    from datetime import date

    return thai.format_date(date.fromisoformat(str(value)[:10]), lang="th", digits="thai", style=style)


def local_time(stored_iso: str | None) -> str:
    if not stored_iso:
        return ""
    moment = datetime.fromisoformat(stored_iso).astimezone(BANGKOK)
    return thai.to_thai_digits(f"{_fdate(moment.date().isoformat())} {moment:%H:%M} น.")


def service_error(exc: TrackerError) -> str:
    return str(exc)
