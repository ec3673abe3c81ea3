"""The index cache: nobody else's index is opened, builds never race, damage heals.

Real Whoosh indexes in temporary folders, real processes for concurrency.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import stat
import textwrap
import time
from pathlib import Path

import pytest

from flaskref import cache, kb
from flaskref.index import SCHEMA_VERSION, open_index
from flaskref.search import Engine

from ..conftest import run_at_once

posix_only = pytest.mark.skipif(os.name != "posix", reason="owners and modes are POSIX")


def ids(engine, text):
    return [r.entry.id for r in engine.search(text, limit=5)]


@pytest.fixture(autouse=True)
def _fresh_warnings(monkeypatch):
    """Each test sees the one-per-process cache warning afresh."""
    monkeypatch.setattr(cache, "_warned", set())


@pytest.fixture
def small_kb(write_entry):
    write_entry("first-entry", title="Widgets are frobnicated")
    write_entry("second-entry", "cli", title="Gadgets overheat on startup")
    return [write_entry.root]


class _Payload:
    """What an attacker would pickle: unpickling it creates a file (instead of worse)."""

    def __init__(self, canary: Path) -> None:
        self.canary = canary

    def __reduce__(self):
        return (open, (str(self.canary), "w"))


def plant_index(folder: Path, canary: Path, dirs: list[Path]) -> None:
    """An index folder as an attacker would plant it: marked as ours, its TOC a pickle that
    runs code (written with Whoosh's own TOC layout, the schema replaced by the payload)."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import _CURRENT_TOC_VERSION, _FLOAT_SIZE, _INT_SIZE, _LONG_SIZE

    folder.mkdir(parents=True)
    (folder / cache.MARKER).touch()
    stream = FileStorage(str(folder)).create_file("_MAIN_1.toc")
    for size in (_INT_SIZE, _LONG_SIZE, _FLOAT_SIZE):
        stream.write_varint(size)
    stream.write_int(-12345)
    stream.write_int(_CURRENT_TOC_VERSION)
    for num in (2, 7, 5):
        stream.write_varint(num)
    stream.write_string(pickle.dumps(_Payload(canary), 2))
    stream.close()
    toc = (folder / "_MAIN_1.toc").read_bytes()
    digest = hashlib.blake2b(toc, digest_size=16).hexdigest()  # whoever plants can digest
    fresh = kb.fingerprint(dirs, SCHEMA_VERSION)  # as fresh as the KB: opened, not updated
    manifest = {"problems": [], "toc": {"_MAIN_1.toc": digest}, "fingerprint": fresh}
    (folder / "manifest.json").write_text(json.dumps(manifest))


def target_for(dirs, base: Path) -> Path:
    return base / f"index-{kb.set_key(dirs, SCHEMA_VERSION)}"


# -- who may have written the index ---------------------------------------------------------


def test_index_is_cached_private_and_marked(small_kb, cache_dir):
    ix = open_index(small_kb)
    folder = Path(ix.location)
    assert folder.parent == cache_dir and folder.name.startswith("index-")
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    assert (folder / cache.MARKER).is_file()
    ix.close()
    again = open_index(small_kb)
    assert again.location == ix.location
    again.close()


@posix_only
@pytest.mark.parametrize("how", ["group-writable", "world-writable", "other-owner"])
def test_a_cache_others_can_write_is_never_opened(small_kb, cache_dir, capsys, how):
    canary = cache_dir.parent / f"pwned-{how}"
    planted = target_for(small_kb, cache_dir)
    plant_index(planted, canary, small_kb)
    if how == "other-owner":
        if os.geteuid() != 0:
            pytest.skip("only root can give a folder to another user")
        os.chown(cache_dir, 65534, -1)
    else:
        os.chmod(cache_dir, 0o770 if how == "group-writable" else 0o777)

    engine = Engine(small_kb)
    assert engine.location == "memory"
    assert ids(engine, "frobnicated widgets") == ["first-entry"]
    assert not canary.exists()
    err = capsys.readouterr().err
    assert f"not using the index cache folder {cache_dir}" in err
    engine.close()
    Engine(small_kb).close()
    assert capsys.readouterr().err == ""  # warned once per process
    unchanged = {"group-writable": 0o770, "world-writable": 0o777}.get(how)
    if unchanged:  # warned about, never chmodded behind the user's back
        assert stat.S_IMODE(os.stat(cache_dir).st_mode) == unchanged


def test_the_planted_index_would_run_code_if_opened(small_kb, cache_dir):
    """The control for the test above: in a folder that is ours, the same plant is read."""
    canary = cache_dir.parent / "pwned-control"
    plant_index(target_for(small_kb, cache_dir), canary, small_kb)
    engine = Engine(small_kb)
    assert canary.exists()  # our own folder: trusted, read, found damaged, rebuilt
    assert ids(engine, "frobnicated widgets") == ["first-entry"]
    assert engine.location == str(target_for(small_kb, cache_dir))
    engine.close()


@posix_only
def test_a_symlinked_cache_folder_is_used_but_never_chmodded(small_kb, tmp_path, monkeypatch):
    real = tmp_path / "real-cache"
    real.mkdir(mode=0o755)
    os.chmod(real, 0o755)  # readable by others, writable only by us: safe to use
    link = tmp_path / "cache-link"
    link.symlink_to(real)
    monkeypatch.setenv("FLASKREF_CACHE_DIR", str(link))
    engine = Engine(small_kb)
    assert engine.location.startswith(str(link))
    engine.close()
    assert stat.S_IMODE(os.stat(real).st_mode) == 0o755


@posix_only
def test_parents_are_created_private_whatever_the_umask(small_kb, tmp_path, monkeypatch):
    deep = tmp_path / "a" / "b" / "cache"
    monkeypatch.setenv("FLASKREF_CACHE_DIR", str(deep))
    old = os.umask(0)
    try:
        Engine(small_kb).close()
    finally:
        os.umask(old)
    for folder in (tmp_path / "a", tmp_path / "a" / "b", deep):
        assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700, folder


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores permissions")
def test_unwritable_cache_still_answers(small_kb, tmp_path, monkeypatch, capsys):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    monkeypatch.setenv("FLASKREF_CACHE_DIR", str(locked / "cache"))
    engine = Engine(small_kb)
    assert engine.location == "memory"
    assert ids(engine, "frobnicated") == ["first-entry"]
    assert "cannot create the index cache folder" in capsys.readouterr().err


def test_cache_path_below_a_file_still_answers(small_kb, tmp_path, monkeypatch, capsys):
    """Works as root too: a cache 'folder' below a regular file cannot be created."""
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    monkeypatch.setenv("FLASKREF_CACHE_DIR", str(blocker / "cache"))
    engine = Engine(small_kb)
    assert engine.location == "memory"
    assert ids(engine, "frobnicated") == ["first-entry"]
    assert "cannot create the index cache folder" in capsys.readouterr().err


# -- damage ---------------------------------------------------------------------------------


def _flip(path: Path, offset: int, bits: int = 0x5A) -> None:
    data = bytearray(path.read_bytes())
    data[offset % len(data)] ^= bits
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("fraction", [0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 0.95])
@pytest.mark.parametrize("part", ["seg", "toc", "head", "data"])
def test_a_flipped_byte_heals_and_the_lookup_still_answers(small_kb, part, fraction):
    ix = open_index(small_kb)
    folder = Path(ix.location)
    ix.close()
    damaged = next(folder.glob(f"*.{part}"))
    _flip(damaged, int(damaged.stat().st_size * fraction))
    engine = Engine(small_kb)
    assert ids(engine, "frobnicated widgets") == ["first-entry"]
    assert sorted(e.id for e in engine.entries()) == ["first-entry", "second-entry"]
    assert engine.entry("second-entry").title == "Gadgets overheat on startup"
    engine.close()


def _damage_found_only_when_read(folder: Path) -> None:
    """Flip a segment byte that opens without notice but fails reading (zlib, pickle...)."""
    from whoosh import index as whoosh_index

    from flaskref.index import FIELD_WEIGHT, Index

    seg = next(folder.glob("*.seg"))
    pristine = seg.read_bytes()
    # The compressed posting and stored blocks lie near the end of the segment file.
    for offset in range(len(pristine) - 1, 0, -1):
        # The lowest bit: a flipped length then stays small, rather than making Whoosh
        # allocate gigabytes (which made this loop take a minute on some builds).
        _flip(seg, offset, bits=0x01)
        try:
            index = Index(whoosh_index.open_dir(str(folder)), (), str(folder))
        except Exception:  # noticed when opening: not the damage wanted here
            seg.write_bytes(pristine)
            continue
        try:
            index.entries()
            index.search({"widget": 1.0, "gadget": 1.0, "frobnic": 1.0}, FIELD_WEIGHT)
        except Exception:
            return
        finally:
            index.close()
        seg.write_bytes(pristine)
    pytest.fail("no byte of the segment fails only when read")


def test_damage_found_while_reading_rebuilds_once(small_kb):
    """A segment that opens but fails when read (zlib, struct...) is rebuilt mid-search.

    Lookups read the compact store: the segment is read for a misspelt word (fuzzy terms are
    Whoosh's), so that is when its damage shows.
    """
    ix = open_index(small_kb)
    folder = Path(ix.location)
    ix.close()
    _damage_found_only_when_read(folder)
    damaged = cache.identity(folder)
    engine = Engine(small_kb)
    assert cache.identity(folder) == damaged  # it opened: the damage shows only when read
    assert ids(engine, "gadgets overheat") == ["second-entry"]  # from the intact store
    assert cache.identity(folder) == damaged
    assert ids(engine, "gadgets overheet") == ["second-entry"]
    assert engine.location == str(folder) and cache.identity(folder) != damaged
    assert sorted(e.id for e in engine.entries()) == ["first-entry", "second-entry"]
    engine.close()


def test_a_store_block_damaged_after_opening_rebuilds_once(small_kb):
    """The store's header is checked when it opens, each block when it is read: a block
    damaged in between is found then, and the lookup is answered from a new build."""
    ix = open_index(small_kb)
    folder = Path(ix.location)
    ix.close()
    engine = Engine(small_kb)
    data = folder / "store.data"
    damaged_bytes = bytearray(data.read_bytes())
    for at in range(0, len(damaged_bytes), 61):  # every block, whichever the lookup reads
        damaged_bytes[at] ^= 0x5A
    data.write_bytes(bytes(damaged_bytes))
    damaged = cache.identity(folder)
    assert ids(engine, "gadgets overheat") == ["second-entry"]
    assert cache.identity(folder) != damaged
    assert sorted(e.id for e in engine.entries()) == ["first-entry", "second-entry"]
    engine.close()


def test_a_garbage_index_folder_is_replaced(small_kb):
    ix = open_index(small_kb)
    folder = Path(ix.location)
    ix.close()
    for f in folder.iterdir():
        if f.name != cache.MARKER:
            f.write_bytes(b"garbage")
    engine = Engine(small_kb)
    assert ids(engine, "frobnicated") == ["first-entry"]
    engine.close()


# -- concurrency, publishing and pruning -------------------------------------------------------


def test_concurrent_first_lookups_all_answer(small_kb, cache_dir, tmp_path):
    """Many processes against an empty cache at once: one builds, none fails, none deletes
    an index another just published."""
    code = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from flaskref.search import Engine
        engine = Engine([Path({str(small_kb[0])!r})])
        hits = [r.entry.id for r in engine.search("frobnicated widgets")]
        print(hits[0] if hits else "none", engine.location)
    """)
    outputs = run_at_once(code, 12, tmp_path)
    answers = {out.split()[0] for out in outputs}
    locations = {out.split()[1] for out in outputs}
    assert answers == {"first-entry"}
    assert locations == {str(target_for(small_kb, cache_dir))}
    leftovers = [p.name for p in cache_dir.iterdir() if not p.name.startswith(("index-", "."))]
    assert leftovers == []


def test_rebuild_replaces_the_index_in_place(small_kb, cache_dir):
    first = open_index(small_kb)
    seen = cache.identity(Path(first.location))
    first.close()
    rebuilt = open_index(small_kb, rebuild=True)
    assert rebuilt.location == first.location
    assert cache.identity(Path(rebuilt.location)) != seen
    assert sorted(e.id for e in rebuilt.entries()) == ["first-entry", "second-entry"]
    rebuilt.close()
    assert sorted(p.name for p in cache_dir.iterdir()) == [".lock", Path(first.location).name]


def test_prune_removes_only_what_flaskref_made(small_kb, cache_dir, write_entry):
    mine = cache_dir / "index-my-own-notes"  # the user's, no marker
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    stale_build = cache_dir / "building-killed"  # a build killed half way
    stale_build.mkdir(mode=0o700)
    (stale_build / cache.MARKER).touch()
    old = []
    for n in range(5):  # indexes of earlier KB states, oldest first
        folder = cache_dir / f"index-old{n}"
        folder.mkdir(mode=0o700)
        (folder / cache.MARKER).touch()
        os.utime(folder, (time.time() - 1000 + n, time.time() - 1000 + n))
        old.append(folder)

    Engine(small_kb).close()  # builds, then prunes
    names = {p.name for p in cache_dir.iterdir()}
    assert "index-my-own-notes" in names and (mine / "notes.txt").read_text() == "keep me"
    assert "building-killed" not in names
    kept_old = sorted(n for n in names if n.startswith("index-old"))
    assert kept_old == ["index-old2", "index-old3", "index-old4"]  # the newest KEEP_OLD


def test_a_foreign_folder_at_the_index_name_is_kept_aside(small_kb, cache_dir):
    squatter = target_for(small_kb, cache_dir)
    squatter.mkdir()
    (squatter / "data.txt").write_text("not an index")
    engine = Engine(small_kb)
    assert engine.location == str(squatter) and ids(engine, "frobnicated") == ["first-entry"]
    engine.close()
    moved = [p for p in cache_dir.glob("stale-*/*") if p.name == squatter.name]
    assert len(moved) == 1 and (moved[0] / "data.txt").read_text() == "not an index"
    Engine(small_kb, rebuild=True).close()  # prunes: the moved folder is not ours, it stays
    assert (moved[0] / "data.txt").exists()


def test_missing_kb_folder_and_its_later_appearance(tmp_path, write_entry):
    later = tmp_path / "later"
    engine = Engine([later])
    assert [str(p) for p in engine.problems] == [f"{later}:1: KB folder skipped: no such folder"]
    engine.close()
    shutil.copytree(write_entry("appearing-entry").parent.parent, later)
    engine = Engine([later])
    assert engine.problems == () and [e.id for e in engine.entries()] == ["appearing-entry"]
    engine.close()
