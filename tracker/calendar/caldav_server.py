"""The CalDAV server `tracker ics push` talks to, through the caldav library.

Only what push.py needs: check that the URL is a calendar, PUT and DELETE
one resource with the preconditions push.py chose. Every failure of the
connection or the account becomes one CalendarError line (Thai first); the
password is never part of it.
"""

from __future__ import annotations

import re
from typing import Any

from tracker.calendar.push import Reply
from tracker.errors import CalendarError

_PROPFIND = (b'<?xml version="1.0" encoding="utf-8"?>'
             b'<d:propfind xmlns:d="DAV:"><d:prop><d:resourcetype/></d:prop></d:propfind>')


def _why(exc: BaseException) -> str:
    """The operating system's words from inside urllib3's long message
    ("[Errno 111] Connection refused"), else the exception's name."""
    found = _ERRNO.findall(str(exc))
    return found[-1].strip() if found else type(exc).__name__


_ERRNO = re.compile(r"\[Errno -?\d+\] ([^'\")\]]+)")


class CalDavServer:
    def __init__(self, url: str, *, user: str | None, password: str | None, timeout: int = 30) -> None:
        from caldav.davclient import DAVClient

        self.url = url.rstrip("/") + "/"
        # The URL is the calendar itself: no RFC 6764 discovery through DNS.
        self.client: Any = DAVClient(url=self.url, username=user, password=password, timeout=timeout,
                                       enable_rfc6764=False)

    def _call(self, method: str, href: str, body: bytes = b"", headers: dict[str, str] | None = None) -> Any:
        from caldav.lib import error

        try:
            return self.client.request(href, method, body, headers or {})
        except error.AuthorizationError:
            raise CalendarError(f"เซิร์ฟเวอร์ CalDAV ไม่ยอมรับชื่อผู้ใช้หรือรหัสผ่าน (CalDAV login refused: {self.url})"
                                ) from None
        except error.DAVError as exc:
            raise CalendarError(f"เซิร์ฟเวอร์ CalDAV ตอบผิดพลาด (CalDAV error at {self.url}: "
                                f"{type(exc).__name__})") from None
        except Exception as exc:  # niquests' connection errors are not all OSErrors
            if isinstance(exc, OSError) or type(exc).__module__.split(".")[0] in (
                    "niquests", "urllib3", "urllib3_future", "requests"):
                raise CalendarError(f"ติดต่อเซิร์ฟเวอร์ CalDAV ไม่ได้ (cannot reach {self.url}: {_why(exc)})"
                                    ) from None
            raise

    def check(self) -> None:
        """The URL must name an existing calendar collection."""
        r = self._call("PROPFIND", self.url, _PROPFIND,
                       {"Depth": "0", "Content-Type": "application/xml; charset=utf-8"})
        body = str(r.raw or "")
        if r.status == 404:
            raise CalendarError(
                f"ไม่พบปฏิทินที่ {self.url} (no calendar at that URL: create it on the server first)")
        if r.status != 207 or "calendar" not in body:
            raise CalendarError(f"{self.url} ไม่ใช่ปฏิทิน CalDAV (not a CalDAV calendar: HTTP {r.status})")

    def put(self, href: str, data: bytes, headers: dict[str, str]) -> Reply:
        r = self._call("PUT", href, data, {"Content-Type": "text/calendar; charset=utf-8", **headers})
        return Reply(int(r.status), r.headers.get("ETag"))

    def delete(self, href: str, headers: dict[str, str]) -> Reply:
        r = self._call("DELETE", href, b"", headers)
        return Reply(int(r.status), None)
