"""The index: rebuilt when entries change, the analyzer, the user's KB over the bundled one.

The cache folder itself (trust, damage, races, pruning) is tested in test_cache.py.
"""

import os

from flaskref.analysis import analyze
from flaskref.search import Engine


def ids(engine, text):
    return [r.entry.id for r in engine.search(text, limit=5)]


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


def test_a_build_collects_garbage_at_the_usual_pace_whatever_the_one_shot_set():
    import gc

    from flaskref import opener

    saved = gc.get_threshold()
    gc.set_threshold(50_000, 20, 20)  # as `cli.run` sets it for a lookup
    try:
        with opener._collecting():
            assert gc.get_threshold() == (700, 10, 10)
        assert gc.get_threshold() == (50_000, 20, 20)
    finally:
        gc.set_threshold(*saved)
