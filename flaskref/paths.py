"""Where the bundled KB, the user's own KB folders, the index cache and settings live."""

from __future__ import annotations

import os
import posixpath
import sys
from pathlib import Path

#: Folders of the user's own entries, separated like PATH; they win an id clash with the bundled KB.
KB_ENV = "FLASKREF_KB"
#: Overrides the index cache folder (tests and read-only homes use it).
CACHE_ENV = "FLASKREF_CACHE_DIR"


def bundled_kb_dir() -> Path:
    """The KB shipped with the package.

    A wheel carries it as `flaskref/kb` (hatch force-include); an editable install imports
    `flaskref` from the checkout, where the KB is the top-level `kb/` beside the package.
    """
    here = Path(__file__).resolve().parent
    shipped = here / "kb"
    if shipped.is_dir():
        return shipped
    return here.parent / "kb"


def _linux_user_dir(env: str, default: str) -> str | None:
    """platformdirs' answer for flaskref's folder on Linux, read as it reads it ($XDG_*_HOME
    if absolute, else the default below an absolute $HOME), without importing it (several
    milliseconds of every lookup); None where only platformdirs knows (other systems,
    Android, no usable $HOME). A test holds the two equal."""
    if sys.platform != "linux" or hasattr(sys, "getandroidapilevel"):
        return None
    if os.environ.get("ANDROID_DATA") == "/data" and os.environ.get("ANDROID_ROOT") == "/system":
        return None
    value = os.environ.get(env, "")
    if posixpath.isabs(value):
        return os.path.join(value, "flaskref")
    home = os.environ.get("HOME")
    if home is None or not posixpath.isabs(home):
        return None
    return os.path.join(os.path.expanduser(default), "flaskref")


def user_kb_dir() -> Path:
    """The user's own entries; the TUI's "edit" copies a bundled entry here (made on demand)."""
    found = _linux_user_dir("XDG_DATA_HOME", "~/.local/share")
    if found is None:
        from platformdirs import user_data_dir

        found = user_data_dir("flaskref", appauthor=False)
    return Path(found) / "kb"


def kb_dirs(extra: list[str] | None = None) -> list[Path]:
    """Bundled KB first, then the user's own, `$FLASKREF_KB`, folders given on the command line.

    The user's own folder counts once it exists (the TUI creates it on the first edit); the
    others were asked for, so a missing one is reported.
    """
    user = user_kb_dir()
    dirs = [bundled_kb_dir(), *([user] if user.is_dir() else [])]
    for raw in os.environ.get(KB_ENV, "").split(os.pathsep):
        if raw.strip():
            dirs.append(Path(raw).expanduser())
    for raw in extra or []:
        dirs.append(Path(raw).expanduser())
    return dirs


def cache_dir() -> Path:
    """The per-user folder the index is cached in."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override).expanduser()
    found = _linux_user_dir("XDG_CACHE_HOME", "~/.cache")
    if found is None:
        from platformdirs import user_cache_dir

        found = user_cache_dir("flaskref", appauthor=False)
    return Path(found)


def config_dir() -> Path:
    """The per-user folder for settings (the TUI's theme)."""
    from platformdirs import user_config_dir

    return Path(user_config_dir("flaskref", appauthor=False))
