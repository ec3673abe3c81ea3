"""The message extractor on a fake package: its templates must match what the code prints."""

from __future__ import annotations

import importlib
import sys
import textwrap
import warnings

import catalog_store
import click
import gen_messages
import msgextract
import pytest
from libraries import Library

from flaskref import catalog, messages

SOURCE = '''
"""A module that fails in every way the extractor knows."""
import warnings

import click


class ConfigError(Exception):
    pass


class NotFoundish(ConfigError):
    description = "The requested thing was not found on this fake server."


def load(name, strict=False):
    """Load a setting by name.

    More text that is not the first line.
    """
    if strict and not name:
        raise ValueError("A name is required when strict mode is on.")
    if name.startswith("_"):
        raise ConfigError(f"The name {name!r} must not start with an underscore.")
    if len(name) > 10:
        raise ValueError("Name %r is longer than %d characters." % (name, 10))
    if name == "old":
        warnings.warn(
            "The name 'old' is deprecated, use {} instead.".format("new"), DeprecationWarning
        )
    if name == "x":
        msg = f"Unknown name {name!r}."
        msg += " Check the spelling."
        raise KeyError(msg)
    if name == "dict":
        raise TypeError(f"Expected a mapping like {{'a': 1}}, got {name!r}.")
    if name == "short":
        raise RuntimeError("nope")
    return name


class Port(click.ParamType):
    name = "port"

    def convert(self, value, param, ctx):
        if not value.isdigit():
            self.fail(f"{value!r} is not a valid port number.", param, ctx)
        return int(value)
'''


@pytest.fixture(scope="module")
def fake(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    (root / "fakepkg").mkdir()
    (root / "fakepkg" / "__init__.py").write_text("")
    (root / "fakepkg" / "mod.py").write_text(textwrap.dedent(SOURCE))
    sys.path.insert(0, str(root))
    try:
        module = importlib.import_module("fakepkg.mod")
        yield root, module, msgextract.extract(root, ("fakepkg",))
    finally:
        sys.path.remove(str(root))
        for name in ("fakepkg.mod", "fakepkg"):
            sys.modules.pop(name, None)


def printed(call) -> str:
    """What the fake code really prints: the exception or warning text."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            call()
        except KeyError as exc:
            return exc.args[0]
        except (Exception, click.BadParameter) as exc:
            return str(exc)
    return str(caught[0].message)


def the_match(found, text):
    hits = [m for m in found if messages.compile_template(m.template).search(text)]
    assert len(hits) == 1, (text, [m.template for m in hits])
    return hits[0]


@pytest.mark.parametrize(
    "arg, template, exception, condition",
    [
        ("", "A name is required when strict mode is on.", "ValueError", "strict and not name"),
        (
            "_x",
            "The name {name} must not start with an underscore.",
            "ConfigError",
            'name.startswith("_")',
        ),
        (
            "abcdefghijkl",
            "Name {name} is longer than {value} characters.",
            "ValueError",
            "len(name) > 10",
        ),
        (
            "old",
            "The name 'old' is deprecated, use {value} instead.",
            "DeprecationWarning",
            'name == "old"',
        ),
        ("x", "Unknown name {name}. Check the spelling.", "KeyError", 'name == "x"'),
        (
            "dict",
            "Expected a mapping like {{'a': 1}}, got {name}.",
            "TypeError",
            'name == "dict"',
        ),
    ],
)
def test_templates_match_what_the_code_prints(fake, arg, template, exception, condition):
    _, module, found = fake
    text = printed(lambda: module.load(arg, strict=(arg == "")))
    hit = the_match(found, text)
    assert (hit.template, hit.exception, hit.condition) == (template, exception, condition)
    assert hit.function == "load"
    assert hit.file == "fakepkg/mod.py"
    assert hit.doc == "Load a setting by name."
    source_line = SOURCE.splitlines()[hit.line - 1]
    assert source_line.strip().startswith(("raise", "warnings.warn")), source_line
    assert hit.source.splitlines()[-1].strip() in SOURCE


def test_click_usage_errors(fake):
    _, module, found = fake
    text = printed(lambda: module.Port().convert("abc", None, None))
    hit = the_match(found, text)
    assert (hit.exception, hit.kind, hit.function) == ("BadParameter", "usage", "Port.convert")
    assert hit.condition == "not value.isdigit()"


def test_exception_class_descriptions(fake):
    _, module, found = fake
    hit = the_match(found, module.NotFoundish.description)
    assert (hit.exception, hit.function) == ("NotFoundish", "NotFoundish")


def test_vague_templates_are_skipped_and_counted(fake):
    root, _, found = fake
    lib = Library("fakepkg", ("fakepkg",), "1.0", "FakePkg")
    rows, skipped = gen_messages.collect(lib, root, "1.0")
    assert skipped == 1  # RuntimeError("nope")
    assert "nope" not in [r.template for r in rows]
    assert len(rows) == len(found) - 1


def test_the_written_catalog_finds_the_real_message(fake, tmp_path, monkeypatch):
    root, module, _ = fake
    lib = Library("fakepkg", ("fakepkg",), "1.0", "FakePkg")
    rows, _ = gen_messages.collect(lib, root, "1.0")
    keys = catalog_store.write(tmp_path, rows)
    monkeypatch.setattr(catalog, "DATA", tmp_path)
    monkeypatch.setattr(catalog, "_CACHE", {"libraries.json": {"fakepkg": "FakePkg"}})

    text = "fakepkg.mod.ConfigError: " + printed(lambda: module.load("_secret"))
    (hit,) = catalog.find(text)
    assert hit.template == "The name {name} must not start with an underscore."
    assert hit.version == "1.0"
    # Each template is filed under one of its own words, the rarest.
    for word, _shard in keys.items():
        assert word in catalog.tokens(word)
    assert catalog.find("The port must not start late") == []
