"""The report's fonts inside the HTML itself.

An HTML report goes by mail, on a USB stick and onto the organisation's web
site: a `file:` URL to this machine's package folder works on none of them
(and names the install path), and a reader without Thai fonts would see
boxes. So each face the stylesheet declares is embedded as a WOFF data URL,
subset (fontTools) to the characters the page holds, which keeps the three
faces near 50 KB for a sample-sized report.

Subsetting costs a few hundred milliseconds; the result is kept in the data
folder's cache under the hash of the characters, so a report printed again
(the same plan, a little more text) costs a file read.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
import string
from pathlib import Path

from tracker.templating import fonts_dir

FACES = {"regular": "Sarabun-Regular.ttf", "bold": "Sarabun-Bold.ttf", "italic": "Sarabun-Italic.ttf"}
PLACEHOLDER = "tracker-font:"
_ASCII_RUNS = re.compile("[\x00-\x7f]+")  # what the first rendering carries where a font's URL goes


def file_sources() -> dict[str, str]:
    """The shipped files by URL (for WeasyPrint, which subsets by itself)."""
    folder = fonts_dir()
    return {"format": "truetype", **{face: (folder / name).as_uri() for face, name in FACES.items()}}


def placeholder_sources() -> dict[str, str]:
    return {"format": "woff", **{face: PLACEHOLDER + face for face in FACES}}


def embed(html: str) -> str:
    """`html` rendered with placeholder_sources(), its fonts made data URLs
    subset to the characters it holds."""
    # Every printable ASCII letter anyway (a few KB), so that only the rest
    # of a long page has to be looked through.
    used = set(_ASCII_RUNS.sub("", html)) | set(string.printable)
    if "\u0e33" in used:  # HarfBuzz draws ำ as nikhahit + sara aa, found by the cmap
        used |= {"\u0e4d", "\u0e32"}
    chars = "".join(sorted(used))
    for face, name in FACES.items():
        mark = PLACEHOLDER + face
        if mark in html:
            data = _subset(fonts_dir() / name, chars)
            html = html.replace(mark, "data:font/woff;base64," + base64.b64encode(data).decode("ascii"))
    return html


def _subset(path: Path, chars: str) -> bytes:
    key = hashlib.sha256(f"{path.name}\0{path.stat().st_size}\0{chars}".encode()).hexdigest()[:32]
    cache = _cache_folder()
    cached = cache / f"{key}.woff" if cache else None
    if cached is not None and cached.is_file():
        return cached.read_bytes()
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.layout_features = ["*"]  # Thai shaping: ccmp, the sara-am swap, mark, mkmk, kern
    options.name_IDs = ["*"]  # the OFL notice and the font's names travel with it
    options.name_languages = ["*"]
    options.notdef_outline = True
    font = TTFont(str(path))
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(font)
    font.flavor = "woff"
    out = io.BytesIO()
    font.save(out)
    data = out.getvalue()
    if cached is not None:
        _keep(cached, data)
    return data


def _keep(path: Path, data: bytes) -> None:
    """Into the cache whole or not at all (mode 0600 from mkstemp; no umask
    juggling, which the web server's threads would race on). A full or
    read-only disk: the font is subset again next time."""
    import os
    import tempfile

    try:
        fd, tmp = tempfile.mkstemp(prefix=".font.", dir=path.parent)
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except OSError:
        Path(tmp).unlink(missing_ok=True)


def _cache_folder() -> Path | None:
    from tracker.db.connection import default_data_dir

    folder = default_data_dir() / "cache" / "fonts"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return None
    return folder
