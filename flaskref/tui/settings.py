"""The TUI's remembered settings (the theme), a small JSON file in the user's config folder.

A missing or broken file means defaults, never a failed start; a file that cannot be written
means the setting lasts for this session only.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

from flaskref import paths

FILE_NAME = "tui.json"


def settings_file() -> Path:
    return Path(paths.config_dir()) / FILE_NAME


def load() -> tuple[dict[str, str], str | None]:
    """The saved settings, and a problem to report (a file that is not valid JSON)."""
    path = settings_file()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}, None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return {}, f"Ignored the settings in {path}: {exc}"
    if not isinstance(data, dict):
        return {}, f"Ignored the settings in {path}: not a JSON object"
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}, None


def save(settings: dict[str, str]) -> str | None:
    """Write the settings (atomically); returns a problem to report, or None."""
    import tempfile  # only when the theme changes

    path = settings_file()
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tui-", suffix=".json", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(settings, fh, indent=2, sort_keys=True)
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        return f"Could not save the settings to {path}: {exc.strerror or exc}"
    return None


class Themes:
    """The theme chosen last, and the last light and the last dark one (F6 switches them)."""

    def __init__(self) -> None:
        self._values, self.problem = load()
        """`problem`: why the saved settings were ignored, to report once."""

    @property
    def theme(self) -> str | None:
        return self._values.get("theme")

    def chosen(self, name: str, dark: bool) -> str | None:
        """A theme was chosen (F6, the palette): remember it; returns a problem, or None."""
        self._values["theme"] = name
        self._values["dark" if dark else "light"] = name
        return save(self._values)

    def switch(self, dark_now: bool, available) -> str:
        """The theme F6 switches to: the last one of the other kind, else Textual's."""
        want = "light" if dark_now else "dark"
        name = self._values.get(want, f"textual-{want}")
        return name if name in available else f"textual-{want}"
