"""Where tracker keeps its files when nothing else is said: the platform's
own folders (platformdirs), or TRACKER_HOME for both.

- data (database, outbox, caches): %LOCALAPPDATA%\\tracker on Windows,
  ~/.local/share/tracker (or $XDG_DATA_HOME) on Linux, ~/Library/Application
  Support/tracker on macOS;
- config: tracker.toml in %LOCALAPPDATA%\\tracker, ~/.config/tracker (or
  $XDG_CONFIG_HOME), ~/Library/Application Support/tracker; read when present
  and no --config / TRACKER_CONFIG names another.
"""

from __future__ import annotations

import os

CONFIG_NAME = "tracker.toml"


def data_dir() -> str:
    if env := os.environ.get("TRACKER_HOME"):
        return env
    import platformdirs

    return platformdirs.user_data_dir("tracker", appauthor=False)


def config_dir() -> str:
    if env := os.environ.get("TRACKER_HOME"):
        return env
    import platformdirs

    return platformdirs.user_config_dir("tracker", appauthor=False)


def default_config_file() -> str | None:
    """The platform's config file if it exists (one stat), else None."""
    path = os.path.join(config_dir(), CONFIG_NAME)
    return path if os.path.isfile(path) else None
