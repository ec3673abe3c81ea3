"""The knowledge base as a whole: finding entry files, loading and checking them, and the
fingerprint that tells the index cache when anything changed."""

from __future__ import annotations

import os
from array import array
from operator import attrgetter

from flaskref import __version__
from flaskref.entry import Entry, Problem, read_entry
from flaskref.paths import StrPath
from flaskref.record import Record

try:  # hashlib's own blake2b, without loading OpenSSL's hashes first (several milliseconds)
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - an interpreter built without it
    from hashlib import blake2b


class KB(Record):
    entries: tuple[Entry, ...]
    problems: tuple[Problem, ...]

    def by_id(self) -> dict[str, Entry]:
        return {e.id: e for e in self.entries}


def entry_files(dirs: list[StrPath]) -> list[str]:
    """Every entry file below the folders, in a stable order (READMEs are documentation)."""
    return [path for path, _ in _files([os.fspath(root) for root in dirs])]


def _files(roots: list[str]) -> list[tuple[str, os.stat_result | None]]:
    """The entry files and their `stat` (None: it failed), in `os.walk`'s order (a folder's
    files by name, then its subfolders by name; hidden folders and links to folders
    skipped)."""
    out: list[tuple[str, os.stat_result | None]] = []
    for root in roots:
        if os.path.isdir(root):
            _walk(root, out)
    return out


#: Where a folder can be listed through an open descriptor and its files stat'ed relative to
#: it: the kernel then resolves one name per file, not the whole path again (at 10,000
#: entries, a tenth of a lookup's fingerprint).
_BY_FD = os.scandir in os.supports_fd and os.stat in os.supports_dir_fd
_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)


def _walk(folder: str, out: list[tuple[str, os.stat_result | None]]) -> None:
    fd = None
    try:
        if _BY_FD:
            fd = os.open(folder, _DIR_FLAGS)
        with os.scandir(folder if fd is None else fd) as it:
            found = sorted(it, key=_name)
        prefix = os.path.join(folder, "")
        folders = []
        for e in found:  # with `fd` open: an entry stats through it
            try:
                is_dir = e.is_dir()
            except OSError:
                is_dir = False
            name = e.name
            if is_dir:
                if name[0] != "." and not e.is_symlink():
                    folders.append(prefix + name)
            elif name.endswith(".md") and name.lower() != "readme.md":
                try:
                    st = e.stat()
                except OSError:
                    st = None
                out.append((prefix + name, st))
    except OSError:
        return
    finally:
        if fd is not None:
            os.close(fd)
    for path in folders:
        _walk(path, out)


_name = attrgetter("name")


def set_key(dirs: list[StrPath], schema_version: int) -> str:
    """Which KB folders these are (and which schema and version read them): one cached index
    per set, updated in place as its files change (`fingerprint` tells when)."""
    parts = [f"{schema_version}:{__version__}", *(os.fspath(root) for root in dirs)]
    data = "\0".join(parts).encode("utf-8", "surrogateescape")
    return blake2b(data, digest_size=16).hexdigest()


def fingerprint(dirs: list[StrPath], schema_version: int) -> str:
    """A digest of every entry file's path, size and mtime, the schema and our version.

    Stat-only: checking that the cached index is fresh costs about a millisecond for the
    bundled KB (one `stat` per file, so about 35 ms at 10,000 entries).
    BLAKE2b rather than a checksum: two different KB states must never share a cache folder,
    and blake2b is in the standard library (without OpenSSL's hashes, see the import above).
    """
    head = [f"{schema_version}:{__version__}"]
    roots = [os.fspath(root) for root in dirs]
    head += [f"dir:{root}:{os.path.isdir(root)}" for root in roots]  # a folder appearing counts
    names: list[str] = []
    figures = array("q")
    for path, st in _files(roots):
        if st is not None:
            names.append(path)
            figures.append(st.st_size)
            figures.append(st.st_mtime_ns)
    digest = blake2b("\0".join(head + names).encode("utf-8", "surrogateescape"), digest_size=16)
    digest.update(figures.tobytes())
    return digest.hexdigest()


class FileRecord(Record):
    """What loading one entry file found, as a cached index keeps it: enough to redo
    `resolve` for a KB where only a few files changed, without parsing the others again."""

    path: str
    root: int
    """Which of the KB folders (its position) the file is in."""
    size: int
    mtime_ns: int
    digest: str | None
    """Of the bytes parsed (None: unreadable), to tell an edited file from a touched one."""
    entry_id: str | None
    see_also: tuple[str, ...]
    problems: tuple[Problem, ...]

    def to_json(self) -> list:
        return [*self[:7], [list(p) for p in self.problems]]

    @classmethod
    def from_json(cls, row: list) -> FileRecord:
        *head, problems = row
        path, root, size, mtime, digest, entry_id, see_also = head
        found = tuple(Problem(*p) for p in problems)
        return cls(path, root, size, mtime, digest, entry_id, tuple(see_also), found)


def load(dirs: list[StrPath]) -> KB:
    """Load every entry; a broken file is reported and skipped, never stops the rest.

    A later folder's entry replaces an earlier folder's entry with the same id (a user's own
    KB overrides the bundled one); the same id twice in one folder is a problem.
    """
    return load_files(dirs)[0]


def load_files(dirs: list[StrPath]) -> tuple[KB, tuple[FileRecord, ...]]:
    """`load`, and what it found in each file (for a cached index's manifest)."""
    records, parsed = scan(dirs)
    winners, problems = resolve(dirs, records)
    return KB(tuple(parsed[w.path] for w in winners), problems), records


def scan(
    dirs: list[StrPath], previous: dict[str, FileRecord] | None = None
) -> tuple[tuple[FileRecord, ...], dict[str, Entry]]:
    """A record of every entry file, and the entries of the files parsed now.

    A file whose `previous` record has the same size and mtime is not read; one with the same
    bytes is not parsed: their records are reused.
    """
    previous = previous or {}
    records: list[FileRecord] = []
    parsed: dict[str, Entry] = {}
    for n, root in enumerate(dirs):
        for path, st in _files([os.fspath(root)]):  # none from a missing folder
            size, mtime = (st.st_size, st.st_mtime_ns) if st is not None else (-1, -1)
            old = previous.get(path)
            if old is not None and old.root == n and (old.size, old.mtime_ns) == (size, mtime):
                records.append(old)
                continue
            entry, problems, data = read_entry(path)
            digest = blake2b(data, digest_size=16).hexdigest() if data is not None else None
            if old is not None and old.root == n and digest is not None and old.digest == digest:
                records.append(old._replace(size=size, mtime_ns=mtime))
                continue
            if entry is not None:
                parsed[path] = entry
            records.append(
                FileRecord(
                    path,
                    n,
                    size,
                    mtime,
                    digest,
                    entry.id if entry is not None else None,
                    entry.see_also if entry is not None else (),
                    tuple(problems),
                )
            )
    return tuple(records), parsed


def resolve(
    dirs: list[StrPath], records: tuple[FileRecord, ...]
) -> tuple[list[FileRecord], tuple[Problem, ...]]:
    """Which file gives each entry (in the order entries are indexed), and every problem.

    A later folder's file replaces an earlier folder's with the same id; the same id twice in
    one folder is a problem, as is a `see_also` naming no entry.
    """
    problems: list[Problem] = []
    chosen: dict[str, FileRecord] = {}
    for n, root in enumerate(dirs):
        if not os.path.isdir(root):
            # A mistyped --kb or $FLASKREF_KB would otherwise leave the user's entries out
            # without a word.
            why = "not a folder" if os.path.exists(root) else "no such folder"
            problems.append(Problem(os.fspath(root), 1, f"KB folder skipped: {why}"))
            continue
        seen_here: dict[str, str] = {}
        for rec in records:
            if rec.root != n:
                continue
            problems.extend(rec.problems)
            if rec.entry_id is None:
                continue
            if rec.entry_id in seen_here:
                problems.append(
                    Problem(
                        rec.path,
                        1,
                        f"duplicate id '{rec.entry_id}' (also in {seen_here[rec.entry_id]})",
                    )
                )
                continue
            seen_here[rec.entry_id] = rec.path
            chosen[rec.entry_id] = rec
    for rec in chosen.values():
        for other in rec.see_also:
            if other not in chosen:
                line = _line_of(rec.path, "see_also")
                problems.append(Problem(rec.path, line, f"see_also: no entry '{other}'"))
    return list(chosen.values()), tuple(problems)


def _line_of(path: str, key: str) -> int:
    try:
        with open(path, encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if line.startswith(f"{key}:"):
                    return n
    except OSError:
        pass
    return 1
