"""Editing an entry: which file to open, and the editor command from $VISUAL / $EDITOR.

A bundled entry lives inside the installed package (site-packages), where edits are lost on
the next upgrade or fail for lack of permission. So editing one opens a copy in the user's own
KB folder, which wins the id clash with the bundled entry; the user's own entries are edited
where they are. Every way the editor setting can be wrong is a notification, never an
exception.
"""

from __future__ import annotations

import shlex
import shutil
from collections.abc import Mapping
from pathlib import Path

from flaskref import paths
from flaskref.sanitize import sanitize


class EditError(Exception):
    """Why the entry cannot be edited; the message is shown to the user as it is."""


def file_to_edit(entry_path: str, topic: str) -> tuple[Path, bool]:
    """The file to open for an entry, and whether it is a new copy of a bundled one."""
    if not entry_path:
        raise EditError("This result has no entry file to edit.")
    source = Path(entry_path)
    if not source.is_file():
        raise EditError(f"The entry's file is gone: {source}")
    bundled = Path(paths.bundled_kb_dir()).resolve()
    if not source.resolve().is_relative_to(bundled):
        return source, False
    target = Path(paths.user_kb_dir()) / (topic or "misc") / source.name
    if target.exists():
        return target, False
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    except OSError as exc:
        raise EditError(f"Could not copy the entry to {target}: {exc.strerror or exc}") from None
    return target, True


def editor_command(environ: Mapping[str, str]) -> list[str]:
    """The user's editor command, checked before anything is copied or suspended."""
    name = "VISUAL" if environ.get("VISUAL", "").strip() else "EDITOR"
    raw = environ.get(name, "")
    if not raw.strip():
        raise EditError("Set $EDITOR (or $VISUAL) to open entries in your editor.")
    try:
        argv = shlex.split(raw)
    except ValueError as exc:
        raise EditError(f"${name} is not a valid command ({exc}): {raw}") from None
    if not argv:
        raise EditError(f"${name} is empty.")
    if shutil.which(argv[0]) is None:
        raise EditError(f"Editor not found: {argv[0]} (from ${name}).")
    return argv


def edit(app, entry, kb_dirs: list[str] | None) -> bool:
    """Open the entry in the user's editor, the app suspended; whether the KB may have changed.

    Every failure is a notification. A new copy's folder joins `kb_dirs` (right after the
    bundled KB) so that the reopened index finds it.
    """
    import os
    import subprocess

    from textual.app import SuspendNotSupported

    try:
        editor = editor_command(os.environ)
        path, copied = file_to_edit(entry.path, getattr(entry, "topic", ""))
    except EditError as exc:
        app.notify(sanitize(str(exc)), severity="warning", markup=False, timeout=8)
        return False
    if copied:
        user_kb = paths.user_kb_dir()
        if kb_dirs is not None and user_kb not in kb_dirs:
            kb_dirs.insert(1 if kb_dirs else 0, user_kb)
        app.notify(sanitize(f"Editing your own copy: {path}"), markup=False, timeout=8)
    try:
        with app.suspend():
            status = subprocess.call([*editor, str(path)])
    except SuspendNotSupported:
        app.notify("This terminal cannot hand over to an editor.", severity="warning")
        return copied
    except OSError as exc:
        message = f"Could not start {editor[0]}: {exc.strerror or exc}"
        app.notify(sanitize(message), severity="error", markup=False)
        return copied
    if status:
        app.notify(f"The editor exited with status {status}.", severity="warning")
    return True
