"""Evidence files: checked by content, stored under their SHA-256.

The name a browser sends is only ever shown (as the evidence title), never
used as a path: a file lives at uploads/<sha256 hex>, and is found again only
through an evidence row `upload:<sha256>` of a task the asker may see.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from tracker.errors import InvalidInput

MAX_BYTES = 20 * 1024 * 1024
PREFIX = "upload:"
_SHA = re.compile(r"[0-9a-f]{64}")

# What the content may be (as the `filetype` package names it), and the file
# name endings that may label each kind: a PNG called report.pdf is refused.
ALLOWED = {
    "application/pdf": ("pdf",),
    "image/jpeg": ("jpg", "jpeg"),
    "image/png": ("png",),
    "image/gif": ("gif",),
    "image/webp": ("webp",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("xlsx",),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ("pptx",),
    "application/msword": ("doc",),
    "application/vnd.ms-excel": ("xls",),
    "application/vnd.ms-powerpoint": ("ppt",),
    "application/vnd.oasis.opendocument.text": ("odt",),
    "application/vnd.oasis.opendocument.spreadsheet": ("ods",),
    "application/vnd.oasis.opendocument.presentation": ("odp",),
}


class UploadRefused(InvalidInput):
    """A file that is too large, empty, or not what it says it is."""

    status = 415


class TooLarge(UploadRefused):
    status = 413


@dataclass(frozen=True)
class Stored:
    sha256: str
    mime: str
    size: int

    @property
    def ref(self) -> str:
        return PREFIX + self.sha256


def kind_of(head: bytes) -> str | None:
    import filetype

    guess = filetype.guess(head)
    return None if guess is None else str(guess.mime)


def display_name(filename: str | None) -> str:
    """The sent name as text to show: its last part, one line, at most 120 characters."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c.isprintable()).strip()
    return name[:120]


def store(stream: IO[bytes], filename: str | None, folder: Path) -> Stored:
    """Check and keep one upload; the same content is kept once."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    digest = hashlib.sha256()
    size = 0
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".part-")
    try:
        with os.fdopen(fd, "wb") as out:
            head = b""
            while chunk := stream.read(1024 * 1024):
                size += len(chunk)
                if size > MAX_BYTES:
                    raise TooLarge(f"ไฟล์ใหญ่เกิน 20 MB (the file is larger than {MAX_BYTES} bytes)")
                if len(head) < 8192:
                    head += chunk[: 8192 - len(head)]
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise UploadRefused("ไฟล์ว่างเปล่า (the file is empty)")
        mime = kind_of(head)
        if mime not in ALLOWED:
            raise UploadRefused(
                "รับเฉพาะไฟล์ PDF รูปภาพ หรือเอกสาร Office (only PDF, image or Office files;"
                f" this one is {mime or 'of an unknown kind'})"
            )
        name = display_name(filename)
        ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if ext and ext not in ALLOWED[mime]:
            raise UploadRefused(
                f"ชื่อไฟล์ไม่ตรงกับเนื้อหา (the file is named .{ext} but its content is {mime})"
            )
        sha = digest.hexdigest()
        os.chmod(tmp, 0o600)
        os.replace(tmp, folder / sha)
        return Stored(sha, mime, size)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def sha_of(ref: str) -> str | None:
    """The hash of an `upload:` evidence ref, None for any other ref."""
    if ref.startswith(PREFIX) and _SHA.fullmatch(ref[len(PREFIX):]):
        return ref[len(PREFIX):]
    return None


def path_of(folder: Path, sha: str) -> Path:
    if not _SHA.fullmatch(sha):
        raise InvalidInput("not a file hash")
    return folder / sha


def extension(mime: str) -> str:
    return ALLOWED.get(mime, ("bin",))[0]
