"""Replacing a file whole: a temporary file in the same folder, renamed over it.

A full disk, an error or a kill half-way leaves the old file as it was; the
new file gets the old one's mode, or for a new file what the umask allows
(as any program that creates a file does). A target that is not a regular
file (`/dev/null`, `NUL`, a pipe) is written into, never renamed over: run as
root, a rename would replace the system's device with a file.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


def new_file_mode(target: Path) -> int:
    """The mode `target` should have after it is replaced."""
    try:
        return os.stat(target).st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)  # the only way to read it; a CLI has one thread here
        os.umask(umask)
        return 0o666 & ~umask


def replace_file(path: Path, data: bytes) -> None:
    """Write `data` to `path` all or nothing. OSError when it cannot."""
    try:
        special = not stat.S_ISREG(os.stat(path).st_mode)
    except FileNotFoundError:
        special = False
    if special:
        with open(path, "wb") as f:
            f.write(data)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = new_file_mode(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
