"""Writing an output file named by `-o`: the one way `report` and `ics export` do it.

A report written over the database, the config file or the plan document
destroys what it was made from, so those are refused; a symlink is refused
unless --force (it may point anywhere); the data goes to a temporary file in
the same folder and is renamed over the target, so a full disk or a kill
leaves the old file whole.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from tracker.app import App
from tracker.db.connection import sqlite_path
from tracker.errors import InvalidInput
from tracker.files import replace_file


def is_stdout(path: Path | None) -> bool:
    return path is None or str(path) == "-"


def protected_files(app: App) -> list[Path]:
    """The files tracker reads and keeps: never an output's target."""
    files: list[Path] = []
    db = sqlite_path(app.db_url)
    if db is not None:
        files += [db, *(db.with_name(db.name + s) for s in ("-wal", "-shm", "-journal"))]
    if app.config_path is not None:
        files.append(app.config_path)
    # A plan keeps the name of the document it came from; where that document
    # is at hand, it is not to be overwritten by its own report.
    for row in app.db.query("SELECT DISTINCT source FROM plans"):
        if row["source"] and Path(row["source"]).is_file():
            files.append(Path(row["source"]))
    return files


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet)
        return os.path.realpath(a) == os.path.realpath(b)


def write_output(path: Path, data: bytes, *, protected: Iterable[Path], force: bool = False) -> Path:
    """Replace `path` whole with `data`; the file actually written."""
    if path.is_symlink():
        if not force:
            raise InvalidInput(
                f"{path} เป็นลิงก์ไปยังไฟล์อื่น ใช้ --force หากต้องการเขียนทับปลายทาง "
                f"(refusing to write through the symlink {path}; use --force)"
            )
        path = Path(os.path.realpath(path))
    for keep in protected:
        if _same(path, keep):
            raise InvalidInput(
                f"ไม่เขียนทับไฟล์ที่ tracker ใช้อยู่ (refusing to overwrite {keep}: tracker reads it)"
            )
    try:
        replace_file(path, data)
    except OSError as exc:
        raise InvalidInput(f"เขียนไฟล์ไม่ได้ (cannot write {path}: {exc.strerror or exc})") from None
    return path
