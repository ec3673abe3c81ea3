"""Which index a lookup reads: the cached one for this KB set, or a new build.

A cached index is read through its compact store (`store.py`), which needs no Whoosh; Whoosh
is imported only to build, for fuzzy terms, and when a store cannot be read. Folders are
trusted, locked, replaced and pruned by `cache.py`; every file the lookup unpickles or
unmarshals has its digest in the manifest, which is written last.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flaskref import cache, kb, paths
from flaskref.entry import Problem

#: Bump when the schema, the analyzer or the folder's layout changes: it is part of the cache
#: key. (6: manifest.json with the TOC digests replaced problems.json; 7: each entry's names;
#: 8: where the libraries print each entry's messages; 9: the compact store beside it.)
SCHEMA_VERSION = 9
#: Written last into each cached index: the KB problems found while building it, a digest of
#: each table of contents, which Whoosh unpickles, and of the store's header, which a lookup
#: unmarshals: a damaged one is never read.
MANIFEST = "manifest.json"


def open_index(dirs: list[Path] | None = None, *, rebuild: bool = False):
    """The index for these KB folders: the cached one if fresh, else a new one.

    The cache folder is keyed by a fingerprint of the KB files, so editing, adding or removing
    an entry makes a new index on the next lookup. If the cache cannot be used (not safe, not
    writable, locked for too long), the index is built in memory and the lookup still answers.
    """
    dirs = dirs if dirs is not None else paths.kb_dirs()
    fp = kb.fingerprint(dirs, SCHEMA_VERSION)
    base = cache.usable(paths.cache_dir())
    if base is None:
        return _build_in_memory(dirs)
    target = base / f"index-{fp}"
    if not rebuild:
        index = _open_cached(target, dirs)
        if index is not None:
            return index
    return _build_cached(dirs, target, replace=cache.identity(target) if rebuild else None)


def _open_cached(target: Path, dirs: list[Path], *, whoosh_only: bool = False):
    """The index in `target`, if it is ours, intact and opens; None if it must be (re)built.

    Through its store, unless `whoosh_only` (the Whoosh index replacing a damaged one).
    """
    if not cache.is_ours(target):
        return None
    seen = cache.identity(target)
    try:
        problems, store_digest = _read_manifest(target)
        if whoosh_only or store_digest is None:
            return _open_whoosh(target, problems, dirs, seen)
        from flaskref.store import Store, StoreIndex

        return StoreIndex(
            Store(str(target), store_digest),
            problems,
            str(target),
            whoosh=lambda: _open_whoosh(target, problems, dirs, seen),
            reopen=lambda: _build_cached(dirs, target, replace=seen),
        )
    except Exception:  # damaged: Whoosh, zlib, struct, pickle, marshal, EOF errors and more
        return None


def _open_whoosh(target: Path, problems: tuple[Problem, ...], dirs: list[Path], seen):
    from flaskref.index import Index, open_dir

    return Index(
        open_dir(target),
        problems,
        str(target),
        reopen=lambda: _build_cached(dirs, target, replace=seen, whoosh_only=True),
    )


def _build_cached(
    dirs: list[Path],
    target: Path,
    *,
    replace: tuple[int, int, int] | None = None,
    whoosh_only: bool = False,
):
    """Build the index into the cache under the build lock, and open it.

    While this process waited for the lock another may have built the index: that one is
    used, unless it is the very folder `replace` names (found damaged, or `--rebuild`).
    """
    from flaskref import index as whoosh_index

    base = target.parent
    loaded: kb.KB | None = None
    try:
        with cache.build_lock(base):
            current = cache.identity(target)
            if current is not None and current != replace:
                found = _open_cached(target, dirs, whoosh_only=whoosh_only)
                if found is not None:
                    return found
            with _collecting():
                loaded = kb.load(dirs)
            build = cache.new_build(base)
            try:
                with _collecting():
                    store_digest = whoosh_index.build_in(build, loaded.entries)
                _write_manifest(build, loaded.problems, store_digest)
                cache.publish(build, target)
            except BaseException:
                cache.remove(build)
                raise
            cache.prune(base, keep=target)
        found = _open_cached(target, dirs, whoosh_only=whoosh_only)
        if found is None:
            raise OSError(f"{target}: the index just built does not open")
        found._reopen = None  # just built: a failure now is a bug, not damage
        return found
    except Exception:  # cannot write, lock timeout, a build that cannot be reopened
        return _build_in_memory(dirs, loaded)


def _build_in_memory(dirs: list[Path], loaded: kb.KB | None = None):
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


def _toc_digests(folder: Path) -> dict[str, str]:
    from flaskref.store import digest

    return {p.name: digest(p.read_bytes()) for p in sorted(folder.glob("_*.toc"))}


def _write_manifest(folder: Path, problems: tuple[Problem, ...], store: str | None) -> None:
    manifest = {
        "problems": [p._asdict() for p in problems],
        "toc": _toc_digests(folder),
        "store": store,
    }
    tmp = folder / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest), encoding="utf-8")
    os.replace(tmp, folder / MANIFEST)


def _read_manifest(folder: Path) -> tuple[tuple[Problem, ...], str | None]:
    """The problems recorded at build time and the store header's digest; raises ValueError
    if the TOC is not as written."""
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    if manifest["toc"] != _toc_digests(folder):
        raise ValueError(f"{folder}: the index's table of contents changed since it was built")
    return tuple(Problem(**p) for p in manifest["problems"]), manifest.get("store")
