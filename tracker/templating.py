"""The one Jinja2 environment for mails and reports.

Autoescape for HTML, StrictUndefined (a missing value is a bug, not a blank),
an optional user folder in front of the bundled templates (a letterhead), and
a `default:` prefix so a user template can extend the one it replaces.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jinja2

PACKAGE = Path(__file__).resolve().parent


def bundled_templates() -> Path:
    """templates/ inside an installed wheel, or beside the package in a checkout."""
    for candidate in (PACKAGE / "templates", PACKAGE.parent / "templates"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("tracker's templates folder is missing from this installation")


def fonts_dir() -> Path:
    return PACKAGE / "fonts"


@cache
def environment(user_dir: str | None = None) -> jinja2.Environment:
    import jinja2

    default = jinja2.FileSystemLoader(str(bundled_templates()))
    loaders: list[jinja2.BaseLoader] = []
    if user_dir:
        loaders.append(jinja2.FileSystemLoader(user_dir))
    loaders += [default, jinja2.PrefixLoader({"default": default}, delimiter=":")]
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(["html", "htm", "xml", "svg"], default_for_string=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
