"""Which index a lookup reads: the cached one for this KB set (updated in place when entry
files changed), or a new build.

A cached index is read through its compact store (`store.py`), which needs no Whoosh; Whoosh
is imported only to build or update, for fuzzy terms, and when a store cannot be read. Folders
are trusted, locked, replaced and pruned by `cache.py`; every file the lookup unpickles or
unmarshals has its digest in the manifest, which is written last.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager

from flaskref import cache, kb, paths
from flaskref.entry import Problem
from flaskref.paths import StrPath

#: Bump when the schema, the analyzer or the folder's layout changes: it is part of the cache
#: key. (6: manifest.json with the TOC digests replaced problems.json; 7: each entry's names;
#: 8: where the libraries print each entry's messages; 9: the compact store beside it; 10: one
#: folder per KB set, updated in place.)
SCHEMA_VERSION = 10
#: Written last into each cached index: the KB problems found while building it, a digest of
#: each table of contents, which Whoosh unpickles, and of the store's header, which a lookup
#: unmarshals: a damaged one is never read. Also the fingerprint of the KB files it holds.
MANIFEST = "manifest.json"
#: What was found in each KB file when the index was last built or updated (read to update).
FILES = "files.json"
#: An update touching more entries than this share of them is a full build instead.
MAX_CHANGED = 0.25


def open_index(dirs: list[StrPath] | None = None, *, rebuild: bool = False):
    """The index for these KB folders: the cached one, updated if entries changed, else a new
    one.

    One cache folder per set of KB folders; a fingerprint of the KB files (their paths, sizes
    and mtimes) tells whether it is fresh. When some entries were edited, added or removed,
    only those are updated in the index (see `_update`); a full build happens only the
    first time, when many changed, or when the store would drift from a fresh build's
    scores. If the cache cannot be used (not safe, not writable, locked for too long), the
    index is built in memory and the lookup still answers.
    """
    dirs = dirs if dirs is not None else paths.kb_dirs()
    fp = kb.fingerprint(dirs, SCHEMA_VERSION)
    base = cache.usable(paths.cache_dir())
    if base is None:
        return _build_in_memory(dirs)
    target = os.path.join(base, f"index-{kb.set_key(dirs, SCHEMA_VERSION)}")
    if not rebuild:
        index = _open_cached(target, dirs, fp)
        if index is not None:
            return index
    return _build_cached(dirs, target, fp, replace=cache.identity(target) if rebuild else None)


def _open_cached(target: str, dirs: list[StrPath], fp: str, *, whoosh_only: bool = False):
    """The index in `target`, if it is ours, intact, holds the KB as `fp` says, and opens;
    None if it must be updated or (re)built.

    Through its store, unless `whoosh_only` (the Whoosh index replacing a damaged one).
    """
    if not cache.is_ours(target):
        return None
    seen = cache.identity(target)
    try:
        manifest = _read_manifest(target)
        if manifest.get("fingerprint") != fp:
            return None
        problems = tuple(Problem(**p) for p in manifest["problems"])
        store_digest = manifest.get("store")
        if whoosh_only or store_digest is None:
            return _open_whoosh(target, problems, dirs, fp, seen)
        from flaskref.store import HEAD, Store
        from flaskref.store_index import StoreIndex

        return StoreIndex(
            Store(target, store_digest, manifest.get("head", HEAD)),
            problems,
            target,
            whoosh=lambda: _open_whoosh(target, problems, dirs, fp, seen),
            reopen=lambda: _build_cached(dirs, target, fp, replace=seen),
        )
    except Exception:  # damaged: Whoosh, zlib, struct, pickle, marshal, EOF errors and more
        return None


def _open_whoosh(target: str, problems: tuple[Problem, ...], dirs: list[StrPath], fp: str, seen):
    from flaskref.index import Index, open_dir

    return Index(
        open_dir(target),
        problems,
        target,
        reopen=lambda: _build_cached(dirs, target, fp, replace=seen, whoosh_only=True),
    )


def _build_cached(
    dirs: list[StrPath],
    target: str,
    fp: str,
    *,
    replace: tuple[int, int, int] | None = None,
    whoosh_only: bool = False,
):
    """Update or build the index in the cache under the build lock, and open it.

    While this process waited for the lock another may have built or updated the index: that
    one is used, unless it is the very folder `replace` names (found damaged, or `--rebuild`),
    which is built anew.
    """
    from flaskref import index as whoosh_index

    base = os.path.dirname(target)
    loaded: kb.KB | None = None
    try:
        with cache.build_lock(base):
            current = cache.identity(target)
            if current is not None and current != replace:
                found = _open_cached(target, dirs, fp, whoosh_only=whoosh_only)
                if (
                    found is None
                    and replace is None
                    and not whoosh_only
                    and _update(target, dirs, fp)
                ):
                    found = _open_cached(target, dirs, fp)
                if found is not None:
                    return found
            with _collecting():
                loaded, records = kb.load_files(dirs)
            build = cache.new_build(base)
            try:
                with _collecting():
                    store_digest = whoosh_index.build_in(build, loaded.entries)
                indexed = {e.id: e.path for e in loaded.entries}
                files = _write_files(build, records, indexed)
                _write_manifest(build, loaded.problems, store_digest, fp=fp, files=files)
                cache.publish(build, target)
            except BaseException:
                cache.remove(build)
                raise
            cache.prune(base, keep=target)
        found = _open_cached(target, dirs, fp, whoosh_only=whoosh_only)
        if found is None:
            raise OSError(f"{target}: the index just built does not open")
        found._reopen = None  # just built: a failure now is a bug, not damage
        return found
    except Exception:  # cannot write, lock timeout, a build that cannot be reopened
        return _build_in_memory(dirs, loaded)


def _update(target: str, dirs: list[StrPath], fp: str) -> bool:
    """Under the build lock: bring the cached index up to the KB's files in place, touching
    only the entries whose files changed. False when a full build is due instead (no record
    of the files, too many changes, scores that would drift, anything damaged)."""
    from flaskref.entry import read_entry
    from flaskref.store import HEAD

    try:
        manifest = _read_manifest(target)
        files_data = _read(os.path.join(target, FILES))
        if _digest(files_data) != manifest.get("files"):
            return False
        files = json.loads(files_data)
        previous = {r.path: r for r in map(kb.FileRecord.from_json, files["files"])}
        indexed: dict[str, str] = files["indexed"]
        with _collecting():
            records, parsed = kb.scan(dirs, previous)
            winners, problems = kb.resolve(dirs, records)
        changed = []
        for w in winners:
            before = previous.get(indexed.get(w.entry_id, ""))
            if before is not None and before.path == w.path and before.digest == w.digest:
                continue
            entry = parsed.get(w.path)
            if entry is None:  # unchanged itself, but it gives the entry now (an override went)
                entry = read_entry(w.path)[0]
                if entry is None or entry.id != w.entry_id:
                    return False  # changed again meanwhile: the next lookup sees it whole
            changed.append(entry)
        now = {w.entry_id: w.path for w in winners}
        removed = [eid for eid in indexed if eid not in now]
        if len(changed) + len(removed) > max(8, MAX_CHANGED * len(winners)):
            return False
        head, store_digest = manifest.get("head", HEAD), manifest.get("store")
        if changed or removed:
            if store_digest is None:
                return False
            from flaskref import index as whoosh_index

            with _collecting():
                head, store_digest = whoosh_index.update_in(
                    target, head, store_digest, removed, changed, list(now)
                )
        files_digest = _write_files(target, records, now)
        _write_manifest(target, problems, store_digest, fp=fp, files=files_digest, head=head)
        return True
    except Exception:  # drift (`store_build.Stale`), damage: a full build replaces it
        return False


def _build_in_memory(dirs: list[StrPath], loaded: kb.KB | None = None):
    from flaskref.index import build_in_memory

    with _collecting():
        return build_in_memory(loaded if loaded is not None else kb.load(dirs))


@contextmanager
def _collecting() -> Iterator[None]:
    """The garbage collector's usual pace while a build runs: the one-shot slows it down
    (see `cli.run`), but parsing a KB leaves cycles behind that would pile up."""
    import gc

    saved = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    try:
        yield
    finally:
        gc.set_threshold(*saved)


def _digest(data: bytes) -> str:
    from flaskref.store import digest

    return digest(data)


def _toc_digests(folder: str) -> dict[str, str]:
    with os.scandir(folder) as it:
        tocs = [e for e in it if e.name.startswith("_") and e.name.endswith(".toc")]
    return {e.name: _digest(_read(e.path)) for e in tocs}


def _read(path: str) -> bytes:
    with open(path, "rb") as fh:
        return fh.read()


def _write_files(folder: str, records: tuple[kb.FileRecord, ...], indexed: dict[str, str]) -> str:
    """Write what was found in each KB file, and which file gives each indexed entry;
    returns the digest for the manifest."""
    data = json.dumps({"files": [r.to_json() for r in records], "indexed": indexed}).encode()
    _replace(os.path.join(folder, FILES), data)
    return _digest(data)


def _write_manifest(
    folder: str,
    problems: tuple[Problem, ...],
    store: str | None,
    *,
    fp: str,
    files: str,
    head: str | None = None,
) -> None:
    from flaskref.store import HEAD

    manifest = {
        "problems": [p._asdict() for p in problems],
        "toc": _toc_digests(folder),
        "store": store,
        "head": head or HEAD,
        "fingerprint": fp,
        "files": files,
    }
    _replace(os.path.join(folder, MANIFEST), json.dumps(manifest).encode())


def _replace(path: str, data: bytes) -> None:
    tmp = path + ".tmp"
    with open(tmp, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)


def _read_manifest(folder: str) -> dict:
    """The manifest; raises ValueError if the TOC is not as written."""
    manifest = json.loads(_read(os.path.join(folder, MANIFEST)))
    if manifest["toc"] != _toc_digests(folder):
        raise ValueError(f"{folder}: the index's table of contents changed since it was built")
    return manifest
