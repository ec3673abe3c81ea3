"""Where the bundled KB, the user's own KB folders, the index cache and settings live."""

from __future__ import annotations

import os
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


def user_kb_dir() -> Path:
    """The user's own entries; the TUI's "edit" copies a bundled entry here (made on demand)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("flaskref", appauthor=False)) / "kb"


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
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("flaskref", appauthor=False))


def config_dir() -> Path:
    """The per-user folder for settings (the TUI's theme)."""
    from platformdirs import user_config_dir

    return Path(user_config_dir("flaskref", appauthor=False))
