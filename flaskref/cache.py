"""The index cache folder: trusted before use, built under a lock, replaced atomically.

Whoosh unpickles part of an index when it opens one, so an index is code we run: it is opened
only from a folder the user owns and nobody else may write to. Otherwise (or when the folder
cannot be made) the index is built in memory and one warning says why: cache problems cost
time, never the answer.

Builds run under a lock (`filelock`) in a `building-*` folder and are renamed into place;
an index already in place is moved aside first, never deleted from under a reader. Only
folders carrying our marker file are ever removed.

No Whoosh here: `index.py` decides what goes into the folders. A warm lookup only checks the
folder (two `stat` calls); what builds need is imported when a build starts.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: In every folder flaskref creates below the cache folder; nothing else is ever removed.
MARKER = ".flaskref-cache"
#: How long a lookup waits for another process's build before building in memory itself.
LOCK_TIMEOUT = 60.0
#: Indexes of other KB folder sets kept beside the current one.
KEEP_OLD = 3
_CHECKS = os.name == "posix"  # owner and mode bits mean something only there
_warned: set[str] = set()


def usable(base: Path) -> Path | None:
    """The cache folder, created (mode 0700) if missing; None once it is found unsafe."""
    try:
        _make_dirs(base)
    except OSError as exc:
        _warn_once(
            f"cannot create the index cache folder {base} ({exc.strerror or exc}); "
            "the index is built in memory on every lookup"
        )
        return None
    problem = _untrusted(base, follow=True)
    if problem:
        _warn_once(
            f"not using the index cache folder {base}: {problem}; the index is built in "
            f"memory on every lookup (make it yours with mode 700, or set FLASKREF_CACHE_DIR)"
        )
        return None
    return base


def is_ours(folder: Path) -> bool:
    """A folder flaskref made: a real folder (no link), private, with our marker."""
    return _untrusted(folder, follow=False) is None and (folder / MARKER).is_file()


def identity(folder: Path) -> tuple[int, int, int] | None:
    """Which folder is at this path now (None: none), to tell a replaced one from the same."""
    try:
        st = os.lstat(folder)
    except OSError:
        return None
    return (st.st_dev, st.st_ino, st.st_mtime_ns)


@contextmanager
def build_lock(base: Path) -> Iterator[None]:
    """One build at a time per cache folder; raises OSError (`Timeout`) after LOCK_TIMEOUT."""
    from filelock import FileLock

    lock = FileLock(base / ".lock", timeout=LOCK_TIMEOUT)
    with lock:
        yield


def new_build(base: Path) -> Path:
    """An empty private folder to build an index in (`building-*`, marked as ours)."""
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="building-", dir=base))
    (folder / MARKER).touch()
    return folder


def publish(build: Path, target: Path) -> None:
    """Rename a finished build to `target`; a folder already there is moved aside first.

    Readers that have the old index open keep reading it (POSIX keeps open files); the moved
    folder is removed only if it is ours.
    """
    if not os.path.lexists(target):
        try:
            os.rename(build, target)
            return
        except OSError:
            if not os.path.lexists(target):
                raise
    import tempfile

    aside = Path(tempfile.mkdtemp(prefix="stale-", dir=target.parent))
    (aside / MARKER).touch()
    old = aside / target.name
    os.rename(target, old)
    os.rename(build, target)
    if is_ours(old):
        remove(aside)
    else:  # not ours after all: kept (moved aside), and never pruned
        (aside / MARKER).unlink()


def remove(folder: Path) -> None:
    import shutil

    shutil.rmtree(folder, ignore_errors=True)  # rmtree never follows a link out of the tree


def prune(base: Path, keep: Path) -> None:
    """Under the build lock: remove our unfinished builds and all but a few old indexes."""
    try:
        ours = [p for p in base.iterdir() if is_ours(p)]
    except OSError:
        return
    old = []
    for p in ours:
        if p.name.startswith(("building-", "stale-")):
            remove(p)  # no build runs while we hold the lock: these were interrupted
        elif p.name.startswith("index-") and p != keep:
            old.append(p)
    old.sort(key=lambda p: p.lstat().st_mtime, reverse=True)
    for p in old[KEEP_OLD:]:
        remove(p)


def _make_dirs(path: Path) -> None:
    """`mkdir -p` where every folder made is 0700 whatever the umask (parents included)."""
    missing = []
    while not os.path.lexists(path):
        missing.append(path)
        if path.parent == path:
            break
        path = path.parent
    for folder in reversed(missing):
        try:
            os.mkdir(folder, 0o700)
        except FileExistsError:
            pass


def _untrusted(folder: Path, *, follow: bool) -> str | None:
    """Why a folder may not hold an index we open, or None if it may."""
    try:
        st = os.stat(folder, follow_symlinks=follow)
    except OSError as exc:
        return f"cannot read it ({exc.strerror or exc})"
    if not stat.S_ISDIR(st.st_mode):
        return "not a folder"
    if _CHECKS and st.st_uid != os.geteuid():
        return f"it belongs to another user (uid {st.st_uid})"
    if _CHECKS and st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return f"other users may write to it (mode {stat.S_IMODE(st.st_mode):o})"
    return None


def _warn_once(message: str) -> None:
    if message in _warned:
        return
    _warned.add(message)
    from flaskref.streams import say

    say(f"warning: {message}")
