"""What the web pages refuse, each on both backends: tampered, expired and
revoked links, another unit's measure, a form without its CSRF token, an
oversized or mislabelled upload, wrong passwords (and the lock after
several), and hostile text, which always comes back as text."""

from __future__ import annotations

import io
import os
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from web_support import KLANG, PALAD, PDF, PNG, Site, csrf, make_site

from tracker.services import links as versions
from tracker.services import tasks, users

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def site(db_url: str, tmp_path: Path) -> Site:
    return make_site(db_url, tmp_path)


def _page(site: Site, client, token: str):  # type: ignore[no-untyped-def]
    r = client.get(f"/u/{token}")
    assert r.status_code == 200, r.data[:400]
    return r


def _post(site: Site, client, token: str, task_id: int, action: str, **form):  # type: ignore[no-untyped-def]
    page = _page(site, client, token)
    return client.post(f"/u/{token}/t/{task_id}/{action}", data={"csrf_token": csrf(page.data), **form},
                       content_type="multipart/form-data" if "file" in form else None)


def _task(site: Site, task_id: int) -> dict:  # type: ignore[type-arg]
    db = site.db()
    try:
        return tasks.get_task(db, task_id, now=site.clock.now)
    finally:
        db.close()


def test_unit_page_lists_only_its_measures_and_records_with_the_unit_as_author(site: Site) -> None:
    c = site.app.test_client()
    token = site.token(PALAD)
    html = _page(site, c, token).data.decode()
    assert "มาตรการเปิดเผยข้อมูล" in html and "มาตรการป้องกันการทุจริต" in html
    assert "มาตรการของกองคลัง" not in html
    first = site.ids[PALAD][0]
    r = _post(site, c, token, first, "progress", percent="๖๐", note="ทำไปแล้ว", by="นางสาวสมใจ")
    assert r.status_code == 303
    task = _task(site, first)
    assert task["progress"] == 60
    assert task["history"][-1]["actor"] == f"{PALAD} (นางสาวสมใจ)"
    assert task["history"][-1]["detail"]["note"] == "ทำไปแล้ว"


def test_tampered_link_refused(site: Site) -> None:
    c = site.app.test_client()
    token = site.token(PALAD)
    payload, sig = token.rsplit(".", 1)
    bad = payload + "." + ("A" if sig[0] != "A" else "B") + sig[1:]
    assert c.get(f"/u/{bad}").status_code == 403
    # the payload re-signed by nobody: another unit's name in it
    other = site.token(KLANG).rsplit(".", 1)[0] + "." + sig
    assert c.get(f"/u/{other}").status_code == 403
    assert c.get("/u/not-a-token").status_code == 403


def test_expired_link_refused(site: Site) -> None:
    c = site.app.test_client()
    token = site.token(PALAD)
    site.clock.now += timedelta(days=399)
    assert c.get(f"/u/{token}").status_code == 200
    site.clock.now += timedelta(days=2)
    r = c.get(f"/u/{token}")
    assert r.status_code == 403
    assert "หมดอายุ" in r.data.decode()


def test_revoked_link_refused_and_the_new_one_works(site: Site) -> None:
    c = site.app.test_client()
    old = site.token(PALAD)
    assert c.get(f"/u/{old}").status_code == 200
    db = site.db()
    with db.transaction():
        versions.renew(db, site.org_id, PALAD, now=site.clock.now, actor="clerk")
    db.close()
    r = c.get(f"/u/{old}")
    assert r.status_code == 403 and "ยกเลิก" in r.data.decode()
    assert c.get(f"/u/{site.token(PALAD)}").status_code == 200
    # the other unit's link is untouched
    assert c.get(f"/u/{site.token(KLANG)}").status_code == 200


def test_another_units_measure_refused(site: Site) -> None:
    c = site.app.test_client()
    token = site.token(PALAD)
    theirs = site.ids[KLANG][0]
    for action, form in (("progress", {"percent": "50"}), ("done", {}), ("note", {"note": "x"}),
                         ("outcome", {"result": "x"})):
        r = _post(site, c, token, theirs, action, **form)
        assert r.status_code == 403, action
    task = _task(site, theirs)
    assert task["progress"] == 0 and task["done_at"] is None and task["outcome"]["result"] == ""
    assert [h["action"] for h in task["history"]] == ["create"]


def test_form_without_csrf_token_refused(site: Site) -> None:
    c = site.app.test_client()
    token = site.token(PALAD)
    _page(site, c, token)
    first = site.ids[PALAD][0]
    r = c.post(f"/u/{token}/t/{first}/progress", data={"percent": "50"})
    assert r.status_code == 400
    r = c.post(f"/u/{token}/t/{first}/progress", data={"percent": "50", "csrf_token": "forged"})
    assert r.status_code == 400
    # a token from another session does not do either
    other = site.app.test_client()
    stolen = csrf(_page(site, other, token).data)
    c2 = site.app.test_client()
    r = c2.post(f"/u/{token}/t/{first}/progress", data={"percent": "50", "csrf_token": stolen})
    assert r.status_code == 400
    assert _task(site, first)["progress"] == 0
    # the clerk's sign-in form too
    assert site.app.test_client().post("/signin", data={"name": "a", "password": "b"}).status_code == 400


def test_upload_checked_by_size_and_content(site: Site) -> None:
    c = site.app.test_client()
    token = site.token(PALAD)
    first = site.ids[PALAD][0]

    def upload(data: bytes, name: str):  # type: ignore[no-untyped-def]
        return _post(site, c, token, first, "evidence", file=(io.BytesIO(data), name), title="")

    big = PDF + b"0" * (20 * 1024 * 1024)
    assert upload(big, "big.pdf").status_code == 413
    assert upload(b"<html><script>alert(1)</script></html>", "report.pdf").status_code == 415
    assert upload(PNG, "scan.pdf").status_code == 415  # a real image, labelled as a PDF
    assert upload(b"MZ\x90\x00" + b"\0" * 100, "tool.exe").status_code == 415
    assert not _task(site, first)["evidence"]
    r = upload(PDF, "../../etc/รายงาน<b>.pdf")
    assert r.status_code == 303
    evidence = _task(site, first)["evidence"]
    import hashlib

    sha = hashlib.sha256(PDF).hexdigest()
    assert evidence == [{"ref": f"upload:{sha}", "title": "รายงาน<b>.pdf"}]
    stored = site.folder / "data" / "uploads" / sha
    assert stored.read_bytes() == PDF
    if os.name != "nt":
        assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    got = c.get(f"/u/{token}/file/{sha}")
    assert got.status_code == 200 and got.data == PDF and got.mimetype == "application/pdf"
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in got.headers["Content-Disposition"]
    # not through another unit's link, nor with no sign-in
    assert c.get(f"/u/{site.token(KLANG)}/file/{sha}").status_code == 404
    assert site.app.test_client().get(f"/clerk/file/{sha}").status_code == 303
    assert c.get(f"/u/{token}/file/..%2F..%2Fweb-secret.key").status_code == 404


def test_wrong_password_and_the_lock_after_several(site: Site) -> None:
    db = site.db()
    with db.transaction():
        users.add_user(db, "somjai", "correct horse 1", now=site.clock.now, actor="t")
    db.close()
    c = site.app.test_client()

    def sign_in(password: str, name: str = "somjai"):  # type: ignore[no-untyped-def]
        token = csrf(c.get("/signin").data)
        return c.post("/signin", data={"csrf_token": token, "name": name, "password": password})

    assert c.get("/clerk").status_code == 303  # to the sign-in page
    assert sign_in("wrong", name="nobody").status_code == 401
    for _ in range(users.FREE_TRIES):
        assert sign_in("wrong").status_code == 401
    r = sign_in("correct horse 1")
    assert r.status_code == 429, "locked: even the right password waits"
    site.clock.now += timedelta(minutes=1, seconds=1)
    assert sign_in("correct horse 1").status_code == 303
    assert c.get("/clerk").status_code == 200
    db = site.db()
    assert db.scalar("SELECT failed FROM web_users WHERE name = 'somjai'") == 0
    assert "correct horse" not in str(db.query("SELECT * FROM history"))
    db.close()


def test_hostile_text_comes_back_as_text(site: Site) -> None:
    c = site.app.test_client()
    token = site.token(PALAD)
    first = site.ids[PALAD][0]
    assert _post(site, c, token, first, "outcome", result=HOSTILE, problems=HOSTILE, obstacles=HOSTILE,
                 suggestions=HOSTILE, by=HOSTILE).status_code == 303
    assert _post(site, c, token, first, "note", note=HOSTILE).status_code == 303
    assert _post(site, c, token, first, "evidence", url="https://example.go.th/?q=" + HOSTILE,
                 title=HOSTILE).status_code == 303
    assert _post(site, c, token, first, "evidence", url="javascript:alert(1)").status_code == 400
    for action, form in (("progress", {"percent": HOSTILE}),
                         ("items", {"shown": f"{HOSTILE}:0", "item": HOSTILE}),
                         ("note", {"note": " "}), ("evidence", {"title": HOSTILE})):
        refused = _post(site, c, token, first, action, **form)
        assert refused.status_code == 400, action
        assert "<script>" not in refused.data.decode() and "<img src=x" not in refused.data.decode()
    db = site.db()
    with db.transaction():  # what the CLI may store, shown on the page too
        tasks.add_evidence(db, first, "javascript:alert(1)", now=site.clock.now, actor="t", title=HOSTILE)
    db.close()
    html = _page(site, c, token).data.decode()
    assert "<script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert 'href="javascript:' not in html
    db = site.db()
    with db.transaction():
        users.add_user(db, "somjai", "correct horse 1", now=site.clock.now, actor="t")
    db.close()
    clerk = site.app.test_client()
    clerk.post("/signin", data={"csrf_token": csrf(clerk.get("/signin").data), "name": "somjai",
                                "password": "correct horse 1"})
    html = clerk.get("/clerk").data.decode()
    assert "<script>" not in html and "<img src=x" not in html


def test_secure_headers_and_cookie(site: Site, tmp_path: Path) -> None:
    c = site.app.test_client()
    r = c.get(f"/u/{site.token(PALAD)}")
    assert "script-src" not in r.headers["Content-Security-Policy"]
    assert "default-src 'none'" in r.headers["Content-Security-Policy"]
    assert r.headers["Referrer-Policy"] == "no-referrer"
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    secure = make_site_https(site, tmp_path)
    cookie = secure.test_client().get(f"/u/{site.token(PALAD)}").headers["Set-Cookie"]
    assert "Secure" in cookie
    key = site.folder / "data" / "web-secret.key"
    if os.name != "nt":
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
    db = site.db()
    stored = str([db.query(f"SELECT * FROM {t}") for t in ("history", "unit_links", "web_users")])
    assert key.read_text().strip() not in stored
    db.close()


def make_site_https(site: Site, tmp_path: Path):  # type: ignore[no-untyped-def]
    from tracker.config import Settings
    from tracker.web.app import create_app

    settings = Settings(web={"base_url": "https://ita.example.go.th", "data_dir": str(site.folder / "data")})
    return create_app(settings, db_url=site.db_url, clock=site.clock, testing=True)


def test_clerk_session_ends_and_report_downloads(site: Site) -> None:
    db = site.db()
    with db.transaction():
        users.add_user(db, "somjai", "correct horse 1", now=site.clock.now, actor="t")
    db.close()
    c = site.app.test_client()
    assert c.get("/clerk/report.html").status_code == 303  # not signed in
    c.post("/signin?next=//evil.example/x", data={"csrf_token": csrf(c.get("/signin").data),
                                                   "name": "somjai", "password": "correct horse 1"})
    html = c.get("/clerk")
    assert html.status_code == 200
    text = html.data.decode()
    assert PALAD in text and KLANG in text and "/u/" in text
    r = c.get("/clerk/report.html")
    assert r.status_code == 200 and "มาตรการเปิดเผยข้อมูล" in r.data.decode()
    site.clock.now += timedelta(hours=13)
    assert c.get("/clerk").status_code == 303, "a sign-in lasts a working day"


def test_sign_in_never_redirects_off_site(site: Site) -> None:
    db = site.db()
    with db.transaction():
        users.add_user(db, "somjai", "correct horse 1", now=site.clock.now, actor="t")
    db.close()
    c = site.app.test_client()
    r = c.post("/signin?next=//evil.example/x", data={"csrf_token": csrf(c.get("/signin").data),
                                                       "name": "somjai", "password": "correct horse 1"})
    assert r.status_code == 303 and r.headers["Location"] == "/clerk"


def test_an_error_is_logged_without_the_link(site: Site, monkeypatch: pytest.MonkeyPatch,
                                             caplog: pytest.LogCaptureFixture) -> None:
    token = site.token(PALAD)

    def broken(*_a: object, **_k: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(tasks, "unit_tasks", broken)
    site.app.config["PROPAGATE_EXCEPTIONS"] = False
    r = site.app.test_client().get(f"/u/{token}")
    assert r.status_code == 500
    assert "boom" not in r.data.decode()
    logged = "\n".join(rec.getMessage() for rec in caplog.records)
    assert "/u/<token>" in logged
    assert token not in caplog.text
