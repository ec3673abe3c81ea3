"""Updating a cached index in place: only the files that changed are read, and the index
answers exactly as one built afresh from the same files.

Real KB folders in temporary directories, real Whoosh indexes and stores on disk.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import textwrap
from pathlib import Path

import pytest

from flaskref import kb, opener, paths, store, store_build
from flaskref.opener import open_index
from flaskref.query import parse
from flaskref.search import FIELD_BOOSTS, _weighted_terms
from flaskref.store_index import StoreIndex

from ..conftest import entry_text, run_at_once
from .test_store import QUERIES


def manifest(index) -> dict:
    return json.loads((Path(index.location) / opener.MANIFEST).read_text())


def fresh(dirs: list[Path], cache: Path, monkeypatch) -> StoreIndex:
    """The same KB indexed from scratch in a cache of its own."""
    with monkeypatch.context() as mp:
        mp.setenv("FLASKREF_CACHE_DIR", str(cache))
        index = open_index(dirs)
    assert manifest(index)["head"] == "store.head"  # a full build
    return index


def assert_answers_alike(updated, built, queries) -> None:
    """Everything ranking asks of an index, asked of both: the same answers, the same
    scores to the bit."""
    assert updated.doc_count == built.doc_count
    assert updated.problems == built.problems
    assert updated.entries() == built.entries()
    for e in built.entries():
        assert updated.names(e.id) == built.names(e.id)
        assert updated.sources(e.id) == built.sources(e.id)
        assert updated.full(e) == built.full(e)
        for name in built.names(e.id):
            assert updated.name_frequency(name) == built.name_frequency(name)
    for q in queries:
        parsed = parse(q)
        if parsed.is_empty:
            continue
        terms = _weighted_terms(parsed).search
        for term in terms:
            assert updated.doc_frequency(term) == built.doc_frequency(term)
        for limit in (3, 40):
            ours = updated.search(terms, FIELD_BOOSTS, limit=limit)
            theirs = built.search(terms, FIELD_BOOSTS, limit=limit)
            assert [(h.entry.id, h.score, h.matched) for h in ours] == [
                (h.entry.id, h.score, h.matched) for h in theirs
            ], q[:80]
        words = {w.lower() for w in parsed.text.split()}
        assert [e.id for e in updated.template_candidates(words, None)] == [
            e.id for e in built.template_candidates(words, None)
        ]


@pytest.fixture
def small_kb(write_entry) -> list[Path]:
    """Two entries to edit among sixty others: one edit moves the averages little."""
    for n in range(60):
        write_entry(f"filler-{n}", "templates", title=f"Filler number {n} about gears")
    write_entry("first-entry", title="Widgets are frobnicated")
    write_entry("second-entry", "cli", title="Gadgets overheat on startup")
    return [write_entry.root]


@pytest.fixture
def copied_kb(tmp_path) -> Path:
    root = tmp_path / "kb"
    shutil.copytree(paths.bundled_kb_dir(), root)
    return root


def test_edits_update_the_index_in_place_as_a_fresh_build_would_answer(
    copied_kb, cache_dir, tmp_path, monkeypatch
):
    dirs = [copied_kb]
    before = open_index(dirs)
    before.close()
    files = sorted(copied_kb.rglob("*.md"))
    edited, gone, model = files[3], files[40], files[77]
    with edited.open("a", encoding="utf-8") as fh:
        fh.write("\nA sentence added after the edit, about werkzeug proxies and gunicorn.\n")
    gone.unlink()
    text = model.read_text(encoding="utf-8").replace("\nid: ", "\nid: added-", 1)
    added = model.with_name("added-" + model.name)
    added.write_text(text, encoding="utf-8")

    updated = open_index(dirs)
    assert isinstance(updated, StoreIndex)
    assert updated.location == before.location  # the same folder, updated
    assert manifest(updated)["head"] == "store.1.head"
    built = fresh(dirs, tmp_path / "fresh-cache", monkeypatch)
    assert updated._store.drift > 0  # the averages moved: the exact rescoring is exercised
    assert_answers_alike(updated, built, QUERIES)
    assert any(e.id.startswith("added-") for e in updated.entries())
    updated.close()
    built.close()


def test_only_the_changed_files_are_read(small_kb, cache_dir, write_entry, monkeypatch):
    open_index(small_kb).close()
    write_entry("first-entry", title="Widgets are frobnicated twice")
    write_entry("third-entry", title="Sprockets rattle")
    read: list[str] = []
    real = kb.read_entry
    monkeypatch.setattr(kb, "read_entry", lambda p: read.append(Path(p).name) or real(p))
    index = open_index(small_kb)
    assert sorted(read) == ["first-entry.md", "third-entry.md"]
    assert manifest(index)["head"] == "store.1.head"
    assert {e.title for e in index.entries() if e.topic != "templates"} == {
        "Widgets are frobnicated twice",
        "Gadgets overheat on startup",
        "Sprockets rattle",
    }
    index.close()
    read.clear()
    open_index(small_kb).close()
    assert read == []  # fresh again: nothing read


def test_a_touched_file_is_read_but_changes_nothing(small_kb, cache_dir, monkeypatch):
    first = open_index(small_kb)
    first.close()
    path = next(small_kb[0].rglob("first-entry.md"))
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    again = open_index(small_kb)
    assert manifest(again)["head"] == "store.head"  # the store was not rewritten
    assert manifest(again)["fingerprint"] == kb.fingerprint(small_kb, opener.SCHEMA_VERSION)
    again.close()


@pytest.fixture
def two_kbs(tmp_path):
    """A team KB and a user's KB after it, as `paths.kb_dirs` orders them."""
    team, mine = tmp_path / "team", tmp_path / "mine"

    def write(root: Path, entry_id: str, name: str | None = None, **kw) -> Path:
        path = root / "cli" / f"{name or entry_id}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(entry_text(entry_id, "cli", **kw), encoding="utf-8")
        return path

    for n in range(80):  # so that one change moves the averages little: updates, no builds
        write(team, f"filler-{n}", title=f"Filler number {n} about gears")
    write(team, "alpha", title="Alpha breaks the build")
    write(team, "beta", title="Beta leaks memory")
    mine.mkdir()
    return team, mine, write


def test_overrides_duplicates_and_problems_follow_each_update(
    two_kbs, cache_dir, tmp_path, monkeypatch
):
    team, mine, write = two_kbs
    dirs = [team, mine]
    fresh_caches = iter(tmp_path / f"fresh-{n}" for n in range(20))
    heads = []

    def check() -> None:
        updated = open_index(dirs)
        heads.append(manifest(updated)["head"])
        built = fresh(dirs, next(fresh_caches), monkeypatch)
        loaded = kb.load(dirs)
        assert updated.problems == built.problems == loaded.problems
        assert [e.id for e in updated.entries()] == [e.id for e in built.entries()]
        assert_answers_alike(updated, built, ["alpha build", "beta memory", "gamma"])
        updated.close()
        built.close()

    check()
    override = write(mine, "alpha", title="Alpha, as I fixed it")  # the user's copy wins
    check()
    # The same id twice in a folder: the first file in name order gives the entry.
    write(team, "beta", name="beta-again", title="Beta twice")
    check()
    write(team, "gamma", title="Gamma points away", extra="see_also: [delta]\n")
    check()
    (team / "cli" / "broken.md").write_text("no front matter\n", encoding="utf-8")
    check()
    override.unlink()  # the team's alpha again
    check()
    (team / "cli" / "beta.md").unlink()  # no duplicate any more: the entry is unchanged
    check()
    assert "Beta twice" in {e.title for e in open_index(dirs).entries()}
    # Updated in place each time the entries changed; problems alone leave the store be.
    assert heads == ["store.head"] + [f"store.{n}.head" for n in (1, 2, 3, 3, 4, 4)]


def test_many_changes_or_moved_averages_build_anew(small_kb, cache_dir, write_entry):
    open_index(small_kb).close()
    long_body = "## Why\n\n" + "Frobnication widgets sprockets. " * 400 + "\n\n## Fix\n\nNo.\n"
    write_entry("first-entry", title="Widgets are frobnicated", body=long_body)
    index = open_index(small_kb)
    assert manifest(index)["head"] == "store.head"  # body lengths moved far: built anew
    assert index._store.drift == 0
    assert index.location == str(cache_dir / Path(index.location).name)
    index.close()


def test_a_damaged_record_of_files_builds_anew(small_kb, cache_dir, write_entry):
    first = open_index(small_kb)
    first.close()
    (Path(first.location) / opener.FILES).write_text('{"files": [], "indexed": {}}')
    write_entry("third-entry", title="Sprockets rattle")
    index = open_index(small_kb)
    assert manifest(index)["head"] == "store.head"
    assert {e.id for e in index.entries() if e.topic != "templates"} == {
        "first-entry",
        "second-entry",
        "third-entry",
    }
    index.close()


def test_an_open_index_keeps_answering_while_another_updates_the_folder(
    small_kb, cache_dir, write_entry
):
    reader = open_index(small_kb)
    terms = _weighted_terms(parse("frobnicated widgets")).search
    seen = [h.entry.id for h in reader.search(terms, FIELD_BOOSTS)]
    write_entry("third-entry", title="Frobnicated widgets again")
    open_index(small_kb).close()  # updates the folder `reader` has open
    write_entry("fourth-entry", title="Unrelated")
    writer = open_index(small_kb)  # and again: the header `reader` read is gone now
    assert manifest(writer)["head"] == "store.2.head"
    reader._store._cache.clear()
    assert [h.entry.id for h in reader.search(terms, FIELD_BOOSTS)] == seen
    assert {h.entry.id for h in writer.search(terms, FIELD_BOOSTS)} >= {"third-entry"}
    reader.close()
    writer.close()


@pytest.mark.parametrize("seed", [1, 2])
def test_a_run_of_random_edits_answers_as_fresh_builds(
    seed, tmp_path, cache_dir, write_entry, monkeypatch
):
    rng = random.Random(seed)
    words = "widget gadget sprocket flange gasket rotor stator valve piston crank".split()

    def text(n: int) -> dict:
        pick = rng.sample(words, 3)
        return {
            "title": f"{pick[0].title()} {pick[1]} trouble {n}",
            "errors": [f"{pick[2].title()}Error: the {pick[0]} is {pick[1]}"],
            "body": f"## Why\n\n{' '.join(rng.choices(words, k=rng.randint(20, 60)))}.\n\n"
            "## Fix\n\nReplace it.\n",
        }

    for n in range(150):
        write_entry(f"entry-{n}", **text(n))
    dirs = [write_entry.root]
    open_index(dirs).close()
    live = list(range(150))
    in_place = 0
    for step in range(4):
        for _ in range(2):
            n = rng.choice(live)
            write_entry(f"entry-{n}", **text(n))
        gone = live.pop(rng.randrange(len(live)))
        next(write_entry.root.rglob(f"entry-{gone}.md")).unlink()
        live.append(150 + step)
        write_entry(f"entry-{150 + step}", **text(150 + step))
        updated = open_index(dirs)
        built = fresh(dirs, tmp_path / f"fresh-{step}", monkeypatch)
        if manifest(updated)["head"] != "store.head":
            in_place += 1
        else:  # the averages moved too far for an update: built anew, as it should
            assert updated._store.drift == 0
        queries = [" ".join(rng.sample(words, 3)) for _ in range(30)]
        assert_answers_alike(updated, built, queries + ["GasketError: the rotor is valve"])
        updated.close()
        built.close()
    assert in_place >= 2


def test_replaced_blocks_are_compacted_away(
    small_kb, cache_dir, write_entry, tmp_path, monkeypatch
):
    """Each update leaves the blocks it replaced in the data file; once they outweigh the live
    ones (here: at once), the live blocks are copied into a new file first."""
    monkeypatch.setattr(store_build, "MAX_GARBAGE", 0.0)
    open_index(small_kb).close()
    terms = _weighted_terms(parse("frobnicated widgets")).search
    reader = None
    for n in range(3):
        write_entry("first-entry", title=f"Widgets are frobnicated {n} times")
        index = open_index(small_kb)
        assert manifest(index)["head"] == f"store.{n + 1}.head"
        if n == 1:
            reader, seen = index, [h.entry.title for h in index.search(terms, FIELD_BOOSTS)]
        else:
            index.close()
    folder = Path(reader.location)
    assert sorted(p.name for p in folder.glob("store*.data")) == ["store.2.data", "store.3.data"]
    reader._store._cache.clear()
    assert [h.entry.title for h in reader.search(terms, FIELD_BOOSTS)] == seen
    reader.close()
    updated = open_index(small_kb)
    built = fresh(small_kb, tmp_path / "fresh", monkeypatch)
    assert_answers_alike(updated, built, ["frobnicated widgets", "gadgets", "filler gears 7"])
    # The file holds the live blocks and what this update replaced, nothing older.
    h = updated._store.header
    sizes = store.ints(h["blocks"][1], "I")
    dead = set(store.ints(h["dead"], "I"))
    live = sum(size for n, size in enumerate(sizes) if n not in dead)
    replaced = sum(sizes[n] for n in dead)
    assert (folder / "store.3.data").stat().st_size == live + replaced
    assert h["garbage"] == replaced < live
    updated.close()
    built.close()


def test_concurrent_lookups_after_an_edit_update_once(small_kb, cache_dir, write_entry, tmp_path):
    """Processes that all find the KB changed: one updates under the lock, the others find it
    fresh when they get the lock, and all answer from the same updated folder."""
    open_index(small_kb).close()
    write_entry("first-entry", title="Widgets are frobnicated with sprockets")
    code = textwrap.dedent(f"""
        from pathlib import Path
        from flaskref.search import Engine
        engine = Engine([Path({str(small_kb[0])!r})])
        print(engine.search("sprockets widgets")[0].entry.title, "|", engine.location)
    """)
    outputs = run_at_once(code, 8, tmp_path)
    index = open_index(small_kb)
    assert {out.strip() for out in outputs} == {
        f"Widgets are frobnicated with sprockets | {index.location}"
    }
    assert manifest(index)["head"] == "store.1.head"  # updated once, not once per process
    index.close()
