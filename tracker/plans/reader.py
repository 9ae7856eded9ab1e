"""Open a plan document: check it, decode it, hand it to the right reader."""

from __future__ import annotations

from pathlib import Path

from tracker.errors import PlanError
from tracker.plans.model import Plan

MAX_BYTES = 10 * 1024 * 1024  # a real plan is a few kB; anything this big is a mistake

# Signatures of files people save by mistake instead of text.
_BINARY = (
    (b"PK\x03\x04", "a Word .docx or other zip file; save it as plain text (.txt) or CSV"),
    (b"\xd0\xcf\x11\xe0", "an old Word .doc or Excel .xls file; save it as plain text or CSV"),
    (b"%PDF", "a PDF file; save the plan as plain text (.txt) or CSV"),
    (b"{\\rtf", "an RTF file; save it as plain text (.txt)"),
)


def decode(data: bytes, *, source: str = "<bytes>") -> str:
    """The text of a plan file: UTF-8 (BOM or not), UTF-16 (BOM), or TIS-620.

    Raises PlanError for empty, binary or undecodable input.
    """
    if not data.strip():
        raise PlanError("the file is empty", source=source)
    for magic, what in _BINARY:
        if data.startswith(magic):
            raise PlanError(f"this is {what}", source=source)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = _try(data, "utf-16")
    elif data.startswith(b"\xef\xbb\xbf"):
        text = _try(data, "utf-8-sig")
    elif _looks_utf16le(data):
        text = _try(data, "utf-16-le")
    else:
        # UTF-8 first: valid UTF-8 Thai is never valid TIS-620 text by
        # accident, while TIS-620 bytes are almost never valid UTF-8.
        text = _try(data, "utf-8") or _try(data, "cp874")
    if text is None:
        raise PlanError(
            "cannot read the text: save the plan as UTF-8 (or TIS-620) text", source=source
        )
    control = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\t\n\r\x0b\x0c")
    if "\x00" in text or control > len(text[:4096]) // 100:
        raise PlanError("this is a binary file, not a plan document", source=source)
    return text.removeprefix("\ufeff")


def _try(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _looks_utf16le(data: bytes) -> bool:
    """UTF-16 without a BOM: every other byte of Thai or ASCII text is the same."""
    sample = data[:512]
    if len(sample) < 8 or len(sample) % 2:
        return False
    high = sample[1::2]
    return all(b in (0x00, 0x0E) for b in high) and b"\x00" in high


def parse_plan_text(text: str, *, source: str = "<text>") -> Plan:
    """A plan from its text: CSV if it looks like the CSV layout, else a Word export."""
    from tracker.plans.csvplan import looks_like_csv, parse_csv
    from tracker.plans.text import has_measure_header, parse_text

    if not has_measure_header(text) and looks_like_csv(text):
        return parse_csv(text, source=source)
    return parse_text(text, source=source)


def read_plan(path: Path) -> Plan:
    """The plan in the file at `path` (.txt from Word, or .csv).

    Raises PlanError for a missing, unreadable, empty, binary or too large
    file, and for a document without a measure table.
    """
    source = str(path)
    try:
        with open(path, "rb") as f:
            # Read one byte past the cap: the size is known without reading
            # (or holding) a huge file.
            data = f.read(MAX_BYTES + 1)
    except IsADirectoryError:
        raise PlanError("is a directory, not a plan document", source=source) from None
    except OSError as e:
        raise PlanError(f"cannot read the file: {e.strerror or e}", source=source) from None
    if len(data) > MAX_BYTES:
        raise PlanError(
            f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB; a plan document is a "
            "few kB of text",
            source=source,
        )
    text = decode(data, source=source)
    from tracker.plans.csvplan import parse_csv

    if path.suffix.lower() == ".csv":
        return parse_csv(text, source=source)
    return parse_plan_text(text, source=source)
