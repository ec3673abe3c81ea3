"""Where the bundled KB, the user's own KB folders, the index cache and settings live.

Paths are strings: `pathlib` (with the `urllib.parse` and `ipaddress` it imports) costs a
lookup more than finding the index does.
"""

from __future__ import annotations

import os
import posixpath
import sys

#: A folder or file as the functions of the package take it: a string, as this module gives
#: them, or any path object (a caller's `pathlib.Path`).
StrPath = str | os.PathLike[str]

#: Folders of the user's own entries, separated like PATH; they win an id clash with the bundled KB.
KB_ENV = "FLASKREF_KB"
#: Overrides the index cache folder (tests and read-only homes use it).
CACHE_ENV = "FLASKREF_CACHE_DIR"


def bundled_kb_dir() -> str:
    """The KB shipped with the package.

    A wheel carries it as `flaskref/kb` (hatch force-include); an editable install imports
    `flaskref` from the checkout, where the KB is the top-level `kb/` beside the package.
    """
    here = os.path.dirname(os.path.realpath(__file__))
    shipped = os.path.join(here, "kb")
    if os.path.isdir(shipped):
        return shipped
    return os.path.join(os.path.dirname(here), "kb")


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


def user_kb_dir() -> str:
    """The user's own entries; the TUI's "edit" copies a bundled entry here (made on demand)."""
    found = _linux_user_dir("XDG_DATA_HOME", "~/.local/share")
    if found is None:
        from platformdirs import user_data_dir

        found = user_data_dir("flaskref", appauthor=False)
    return os.path.join(found, "kb")


def kb_dirs(extra: list[str] | None = None) -> list[str]:
    """Bundled KB first, then the user's own, `$FLASKREF_KB`, folders given on the command line.

    The user's own folder counts once it exists (the TUI creates it on the first edit); the
    others were asked for, so a missing one is reported.
    """
    user = user_kb_dir()
    dirs = [bundled_kb_dir(), *([user] if os.path.isdir(user) else [])]
    for raw in os.environ.get(KB_ENV, "").split(os.pathsep):
        if raw.strip():
            dirs.append(_folder(raw))
    for raw in extra or []:
        dirs.append(_folder(raw))
    return dirs


def _folder(raw: str) -> str:
    """A folder as the user wrote it, `~` expanded (an empty one is the current folder)."""
    return os.path.expanduser(raw) or "."


def cache_dir() -> str:
    """The per-user folder the index is cached in."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return _folder(override)
    found = _linux_user_dir("XDG_CACHE_HOME", "~/.cache")
    if found is None:
        from platformdirs import user_cache_dir

        found = user_cache_dir("flaskref", appauthor=False)
    return found


def config_dir() -> str:
    """The per-user folder for settings (the TUI's theme)."""
    from platformdirs import user_config_dir

    return user_config_dir("flaskref", appauthor=False)
