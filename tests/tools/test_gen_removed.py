"""The removed-API generator on a fake library with four releases (no network)."""

from __future__ import annotations

import gen_removed
import pytest
import removed_store
from libraries import Library

from flaskref import removed
from tests.tools.fakelib import FakeSource

LIB = Library("fakelib", ("fakelib",), "1.0", "FakeLib")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("fakelib")
    rows, inherits = gen_removed.build_rows(gen_removed.History(LIB, FakeSource(root)))
    return rows, inherits


def by_key(rows):
    return {(r.module, r.owner, r.name, r.kind): r for r in rows}


def test_every_removal_is_found_with_the_release_that_made_it(built):
    rows, _ = built
    found = {key: r.removed_in for key, r in by_key(rows).items()}
    assert found == {
        ("fakelib", "", "safe_cmp", "name"): "2.0.0",  # the package's re-export went too
        ("fakelib.security", "", "safe_cmp", "name"): "2.0.0",
        ("fakelib.security", "", "patch_gone", "name"): "2.0.1",  # a patch release
        ("fakelib.contrib", "", "contrib", "module"): "2.0.0",
        ("fakelib.app", "App", "session_name", "attribute"): "2.0.0",
        ("fakelib.app", "Base", "legacy_flag", "attribute"): "2.0.0",
        ("fakelib.app", "Base.send", "cache_timeout", "keyword"): "2.0.0",
        ("fakelib.app", "paginate", "page", "positional"): "2.0.0",
        ("fakelib.app", "paginate", "per_page", "positional"): "2.0.0",
    }


def test_a_class_that_moved_but_is_still_importable_is_not_removed(built):
    rows, _ = built
    assert not [r for r in rows if r.name == "Moved" or r.module == "fakelib.util"]


def test_changelog_gives_deprecation_replacement_and_line(built):
    rows, _ = built
    row = by_key(rows)[("fakelib.security", "", "safe_cmp", "name")]
    assert row.deprecated_in == "1.1.0"
    assert row.replacement == "hmac.compare_digest"
    assert row.changelog == "`safe_cmp` is removed. Use `hmac.compare_digest` instead."
    kw = by_key(rows)[("fakelib.app", "Base.send", "cache_timeout", "keyword")]
    assert kw.replacement == "max_age"
    assert "renamed to `max_age`" in kw.changelog
    patch = by_key(rows)[("fakelib.security", "", "patch_gone", "name")]
    assert patch.changelog == "Remove `patch_gone`."


def test_a_subclass_knows_where_its_removed_attributes_lived(built):
    _, inherits = built
    assert inherits == {"App": ["Base"]}


def test_the_written_table_answers_python_error_messages(built, tmp_path, monkeypatch):
    rows, inherits = built
    removed_store.write(tmp_path, rows, {"fakelib": inherits})
    monkeypatch.setattr(removed, "DATA", tmp_path)
    monkeypatch.setattr(removed, "_CACHE", {"libraries.json": {"fakelib": "FakeLib"}})

    hits = removed.find("ImportError: cannot import name 'safe_cmp' from 'fakelib.security'")
    assert [(r.module, r.name, r.match) for r in hits] == [
        ("fakelib.security", "safe_cmp", "exact")
    ]
    # A parent package is where users often import from.
    hits = removed.find("ImportError: cannot import name 'patch_gone' from 'fakelib'")
    assert [(r.module, r.match) for r in hits] == [("fakelib.security", "parent")]
    hits = removed.find("AttributeError: 'App' object has no attribute 'legacy_flag'")
    assert [(r.owner, r.match) for r in hits] == [("Base", "inherited")]
    hits = removed.find("TypeError: Base.send() got an unexpected keyword argument 'cache_timeout'")
    assert [(r.owner, r.replacement) for r in hits] == [("Base.send", "max_age")]
    hits = removed.find("TypeError: paginate() takes 0 positional arguments but 2 were given")
    assert [(r.name, r.what) for r in hits] == [("page, per_page", "paginate(page=, per_page=)")]
    hits = removed.find("ModuleNotFoundError: No module named 'fakelib.contrib'")
    assert [r.kind for r in hits] == ["module"]
    assert removed.find("ImportError: cannot import name 'keep_cmp' from 'fakelib'") == []
    assert removed.find("AttributeError: 'App' object has no attribute 'name'") == []
