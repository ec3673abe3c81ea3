"""The knowledge base as a whole: finding entry files, loading and checking them, and the
fingerprint that tells the index cache when anything changed."""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from flaskref import __version__
from flaskref.entry import Entry, Problem, parse_file

try:  # hashlib's own blake2b, without loading OpenSSL's hashes first (several milliseconds)
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - an interpreter built without it
    from hashlib import blake2b


class KB(NamedTuple):
    entries: tuple[Entry, ...]
    problems: tuple[Problem, ...]

    def by_id(self) -> dict[str, Entry]:
        return {e.id: e for e in self.entries}


def entry_files(dirs: list[Path]) -> list[Path]:
    """Every entry file below the folders, in a stable order (READMEs are documentation)."""
    return [Path(p) for p in _entry_paths([str(root) for root in dirs])]


def _entry_paths(roots: list[str]) -> list[str]:
    """`entry_files` as strings (a lookup's fingerprint makes no `Path` per file)."""
    files: list[str] = []
    for root in roots:
        if not os.path.isdir(root):
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                if name.endswith(".md") and name.lower() != "readme.md":
                    files.append(os.path.join(dirpath, name))
    return files


def fingerprint(dirs: list[Path], schema_version: int) -> str:
    """A digest of every entry file's path, size and mtime, the schema and our version.

    Stat-only, so checking that the cached index is fresh costs well under a millisecond.
    BLAKE2b rather than a checksum: two different KB states must never share a cache folder,
    and blake2b is in the standard library (without OpenSSL's hashes, see the import above).
    """
    parts = [f"{schema_version}:{__version__}"]
    parts += [f"dir:{root}:{root.is_dir()}" for root in dirs]  # a folder appearing counts
    for path in _entry_paths([str(root) for root in dirs]):
        try:
            st = os.stat(path)
        except OSError:
            continue
        parts.append(f"{path}\0{st.st_size}\0{st.st_mtime_ns}")
    data = "\0".join(parts).encode("utf-8", "surrogateescape")
    return blake2b(data, digest_size=16).hexdigest()


def load(dirs: list[Path]) -> KB:
    """Load every entry; a broken file is reported and skipped, never stops the rest.

    A later folder's entry replaces an earlier folder's entry with the same id (a user's own
    KB overrides the bundled one); the same id twice in one folder is a problem.
    """
    problems: list[Problem] = []
    chosen: dict[str, tuple[Path, Entry]] = {}
    for root in dirs:
        if not root.is_dir():
            # A mistyped --kb or $FLASKREF_KB would otherwise leave the user's entries out
            # without a word.
            why = "not a folder" if root.exists() else "no such folder"
            problems.append(Problem(str(root), 1, f"KB folder skipped: {why}"))
            continue
        seen_here: dict[str, Path] = {}
        for path in entry_files([root]):
            entry, found = parse_file(path)
            problems.extend(found)
            if entry is None:
                continue
            if entry.id in seen_here:
                problems.append(
                    Problem(
                        str(path), 1, f"duplicate id '{entry.id}' (also in {seen_here[entry.id]})"
                    )
                )
                continue
            seen_here[entry.id] = path
            chosen[entry.id] = (root, entry)
    entries = tuple(e for _, e in chosen.values())
    ids = {e.id for e in entries}
    for e in entries:
        for other in e.see_also:
            if other not in ids:
                problems.append(
                    Problem(e.path, _line_of(e.path, "see_also"), f"see_also: no entry '{other}'")
                )
    return KB(entries, tuple(problems))


def _line_of(path: str, key: str) -> int:
    try:
        with open(path, encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if line.startswith(f"{key}:"):
                    return n
    except OSError:
        pass
    return 1
