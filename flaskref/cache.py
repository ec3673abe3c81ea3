"""The index cache folder: trusted before use, built under a lock, replaced atomically.

Whoosh unpickles part of an index when it opens one, so an index is code we run: it is opened
only from a folder the user owns and nobody else may write to. Otherwise (or when the folder
cannot be made) the index is built in memory and one warning says why: cache problems cost
time, never the answer.

Builds run under a lock (`filelock`) in a `building-*` folder and are renamed into place;
an index already in place is moved aside first, never deleted from under a reader. Only
folders carrying our marker file are ever removed.

No Whoosh here: `index.py` decides what goes into the folders. A warm lookup only checks the
folder (two `stat` calls); what builds need is imported when a build starts. Paths are
strings (see `paths.py`); the functions take path objects too.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager

from flaskref.paths import StrPath

#: In every folder flaskref creates below the cache folder; nothing else is ever removed.
MARKER = ".flaskref-cache"
#: How long a lookup waits for another process's build before building in memory itself.
LOCK_TIMEOUT = 60.0
#: Indexes of other KB folder sets kept beside the current one.
KEEP_OLD = 3
_CHECKS = os.name == "posix"  # owner and mode bits mean something only there
_warned: set[str] = set()


def usable(base: StrPath) -> str | None:
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
    return os.fspath(base)


def is_ours(folder: StrPath) -> bool:
    """A folder flaskref made: a real folder (no link), private, with our marker."""
    return _untrusted(folder, follow=False) is None and os.path.isfile(os.path.join(folder, MARKER))


def identity(folder: StrPath) -> tuple[int, int, int] | None:
    """Which folder is at this path now (None: none), to tell a replaced one from the same."""
    try:
        st = os.lstat(folder)
    except OSError:
        return None
    return (st.st_dev, st.st_ino, st.st_mtime_ns)


@contextmanager
def build_lock(base: StrPath) -> Iterator[None]:
    """One build at a time per cache folder; raises OSError (`Timeout`) after LOCK_TIMEOUT."""
    from filelock import FileLock

    lock = FileLock(os.path.join(base, ".lock"), timeout=LOCK_TIMEOUT)
    with lock:
        yield


def new_build(base: StrPath) -> str:
    """An empty private folder to build an index in (`building-*`, marked as ours)."""
    import tempfile

    folder = tempfile.mkdtemp(prefix="building-", dir=base)
    _touch(os.path.join(folder, MARKER))
    return folder


def publish(build: StrPath, target: StrPath) -> None:
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

    target = os.fspath(target)
    aside = tempfile.mkdtemp(prefix="stale-", dir=os.path.dirname(target))
    _touch(os.path.join(aside, MARKER))
    old = os.path.join(aside, os.path.basename(target))
    os.rename(target, old)
    os.rename(build, target)
    if is_ours(old):
        remove(aside)
    else:  # not ours after all: kept (moved aside), and never pruned
        os.unlink(os.path.join(aside, MARKER))


def remove(folder: StrPath) -> None:
    import shutil

    shutil.rmtree(folder, ignore_errors=True)  # rmtree never follows a link out of the tree


def prune(base: StrPath, keep: StrPath) -> None:
    """Under the build lock: remove our unfinished builds and all but a few old indexes."""
    try:
        with os.scandir(base) as it:
            ours = [e for e in it if is_ours(e.path)]
    except OSError:
        return
    old = []
    for e in ours:
        if e.name.startswith(("building-", "stale-")):
            remove(e.path)  # no build runs while we hold the lock: these were interrupted
        elif e.name.startswith("index-") and e.name != os.path.basename(keep):
            old.append(e)
    old.sort(key=_mtime, reverse=True)
    for e in old[KEEP_OLD:]:
        remove(e.path)


def _mtime(e: os.DirEntry) -> float:
    try:
        return e.stat(follow_symlinks=False).st_mtime
    except OSError:
        return 0.0


def _touch(path: str) -> None:
    with open(path, "a"):
        pass


def _make_dirs(path: StrPath) -> None:
    """`mkdir -p` where every folder made is 0700 whatever the umask (parents included)."""
    path = os.fspath(path)
    missing = []
    while path and not os.path.lexists(path):
        missing.append(path)
        parent = os.path.dirname(path.rstrip(os.sep))
        if parent == path:
            break
        path = parent
    for folder in reversed(missing):
        try:
            os.mkdir(folder, 0o700)
        except FileExistsError:
            pass


def _untrusted(folder: StrPath, *, follow: bool) -> str | None:
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
