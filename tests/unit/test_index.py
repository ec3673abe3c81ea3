"""The cached index on disk: rebuilt when entries change, private, and never fatal."""

import os
import stat
import sys

import pytest

from flaskref.index import analyze, open_index
from flaskref.search import Engine


def ids(engine, text):
    return [r.entry.id for r in engine.search(text, limit=5)]


def test_index_is_cached_and_private(write_entry, cache_dir):
    write_entry("first-entry", title="Widgets are frobnicated")
    ix = open_index([write_entry.root])
    assert ix.location.startswith(str(cache_dir))
    assert stat.S_IMODE(os.stat(cache_dir).st_mode) == 0o700
    ix.close()
    again = open_index([write_entry.root])
    assert again.location == ix.location
    again.close()


def test_rebuilt_after_edit_add_and_remove(write_entry):
    path = write_entry("first-entry", title="Widgets are frobnicated")
    engine = Engine([write_entry.root])
    assert ids(engine, "frobnicated widgets") == ["first-entry"]
    engine.close()

    path.write_text(path.read_text().replace("frobnicated", "defenestrated"))
    os.utime(path, ns=(1, 1))  # a new mtime even on coarse file systems
    engine = Engine([write_entry.root])
    assert ids(engine, "defenestrated widgets") == ["first-entry"]
    assert ids(engine, "frobnicated") == []
    engine.close()

    write_entry("second-entry", title="Gadgets overheat on startup")
    engine = Engine([write_entry.root])
    assert "second-entry" in ids(engine, "gadgets overheat")
    engine.close()

    path.unlink()
    engine = Engine([write_entry.root])
    assert [e.id for e in engine.entries()] == ["second-entry"]
    engine.close()


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root ignores permissions")
def test_unwritable_cache_still_answers(write_entry, tmp_path, monkeypatch):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    monkeypatch.setenv("FLASKREF_CACHE_DIR", str(locked / "cache"))
    write_entry("first-entry", title="Widgets are frobnicated")
    engine = Engine([write_entry.root])
    assert engine.location == "memory"
    assert ids(engine, "frobnicated") == ["first-entry"]


def test_cache_path_that_is_a_file_still_answers(write_entry, tmp_path, monkeypatch):
    """Works as root too: a cache 'folder' below a regular file cannot be created."""
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    monkeypatch.setenv("FLASKREF_CACHE_DIR", str(blocker / "cache"))
    write_entry("first-entry", title="Widgets are frobnicated")
    engine = Engine([write_entry.root])
    assert engine.location == "memory"
    assert ids(engine, "frobnicated") == ["first-entry"]


def test_damaged_cache_is_rebuilt(write_entry):
    write_entry("first-entry", title="Widgets are frobnicated")
    ix = open_index([write_entry.root])
    ix.close()
    from pathlib import Path

    for f in Path(ix.location).glob("*.seg"):
        f.write_bytes(b"garbage")
    for f in Path(ix.location).glob("_MAIN_*.toc"):
        f.write_bytes(b"garbage")
    engine = Engine([write_entry.root])
    assert ids(engine, "frobnicated") == ["first-entry"]


def test_analyzer_keeps_dotted_names_and_their_parts():
    terms = analyze("sqlalchemy.orm.exc.DetachedInstanceError flask.current_app")
    for t in (
        "sqlalchemy.orm.exc.detachedinstanceerror",
        "detachedinstanceerror",
        "detach",
        "instanc",
        "flask.current_app",
        "current_app",
    ):
        assert t in terms, (t, terms)


def test_dotted_exception_found_by_its_bare_name(write_entry):
    write_entry("build-error", title="Cannot build a link", extra="")
    path = write_entry.root / "common-mistakes" / "build-error.md"
    path.write_text(
        path.read_text().replace(
            "exceptions: [RuntimeError]", "exceptions: [werkzeug.routing.exceptions.BuildError]"
        )
    )
    engine = Engine([write_entry.root])
    assert ids(engine, "BuildError") == ["build-error"]


def test_user_kb_overrides_bundled_id(write_entry, tmp_path):
    write_entry("same-id", title="Bundled version of the entry")
    other = tmp_path / "mine" / "cli"
    other.mkdir(parents=True)
    from ..conftest import entry_text

    (other / "same-id.md").write_text(entry_text("same-id", "cli", title="My own version"))
    engine = Engine([write_entry.root, tmp_path / "mine"])
    assert [e.title for e in engine.entries()] == ["My own version"]
