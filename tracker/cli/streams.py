"""Standard output and error that never fail on an encoding.

The clerks run `tracker remind >> log` under Windows' Task Scheduler, where
the streams are files in the ANSI code page (cp874 on a Thai Windows, cp1252
on an English one), or set PYTHONIOENCODING themselves. The CLI entry point
calls `prepare()` once; no command needs to think about it.
"""

from __future__ import annotations

import codecs
import sys
from typing import TextIO

# Our tables and bars use a few symbols that cp874 lacks (it has Thai, but
# no box drawing): each gets the ASCII a line printer would have used.
ASCII_FALLBACK = {
    "─": "-",
    "━": "-",
    "│": "|",
    "┃": "|",
    "┊": ":",
    "═": "=",
    "⚠": "!",
    "•": "*",
    "█": "#",
    "▓": "#",
    "░": ".",
    "·": ".",
    "→": "->",
    "←": "<-",
    "…": "...",
    "–": "-",
    "—": "-",
    "✓": "v",
    "✔": "v",
    "✗": "x",
    "“": '"',
    "”": '"',
    "‘": "'",
    "’": "'",
    "\u00a0": " ",
}

_HANDLER = "tracker-ascii"


def _fallback(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    bad = exc.object[exc.start : exc.end]
    # Anything not in the table becomes "?": one unreadable sign, never a traceback.
    return "".join(ASCII_FALLBACK.get(ch, "?") for ch in bad), exc.end


codecs.register_error(_HANDLER, _fallback)


def _has_thai(encoding: str) -> bool:
    try:
        "ภาษาไทย".encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def prepare_stream(stream: TextIO | None) -> None:
    """Make `stream` write whatever it is given.

    An encoding that holds Thai (UTF-8, cp874, TIS-620) is kept, and the few
    symbols it lacks fall back to ASCII. One that holds no Thai at all
    (cp1252, ASCII) is switched to UTF-8: every message is in Thai, and "?"
    in place of each letter would leave a log of question marks, while UTF-8
    keeps the whole text, which Notepad and any editor open as it is.
    """
    reconfigure = getattr(stream, "reconfigure", None)
    encoding = getattr(stream, "encoding", None)
    if reconfigure is None or not encoding:
        return  # replaced by a caller (a test's capture): theirs to decide
    if _has_thai(encoding):
        reconfigure(errors=_HANDLER)
    else:
        reconfigure(encoding="utf-8", errors=_HANDLER)


def prepare() -> None:
    prepare_stream(sys.stdout)
    prepare_stream(sys.stderr)


def write_utf8(text: str) -> None:
    """Write `text` to stdout as UTF-8 whatever the stream's encoding (the
    JSON contract: one UTF-8 document), after what was already written."""
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # a text-only stream (a test's capture): it takes str
        sys.stdout.write(text)
        return
    sys.stdout.flush()
    buffer.write(text.encode("utf-8"))
    buffer.flush()


def write_document(data: bytes, *, textual: bool) -> None:
    """Write a rendered document to stdout. Text meant for reading on the
    spot (the text and Markdown report) goes through the stream's encoding
    like every other line; a file format (PDF, HTML, JSON) goes byte for byte."""
    if textual:
        sys.stdout.write(data.decode("utf-8"))
        sys.stdout.flush()
        return
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
