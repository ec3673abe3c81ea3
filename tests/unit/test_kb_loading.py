"""Hostile KB files: each is reported as path:line: message, none stops or slows a lookup,
and no invalid entry is indexed or served."""

from __future__ import annotations

import os
import threading

import pytest

from flaskref import kb
from flaskref.entry import MAX_FILE_BYTES, parse_file
from flaskref.search import Engine

from ..conftest import entry_text


def load_within(root, seconds: float = 30.0) -> kb.KB:
    """kb.load in a thread, so a file that blocks fails the test instead of hanging it."""
    box: list = []
    worker = threading.Thread(target=lambda: box.append(kb.load([root])), daemon=True)
    worker.start()
    worker.join(seconds)
    assert box, f"loading the KB did not finish within {seconds}s"
    return box[0]


def messages(loaded: kb.KB) -> list[str]:
    return [str(p) for p in loaded.problems]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_named_like_an_entry_is_skipped(write_entry):
    good = write_entry("good-one")
    fifo = good.parent / "pipe.md"
    os.mkfifo(fifo)
    loaded = load_within(write_entry.root)
    assert [e.id for e in loaded.entries] == ["good-one"]
    assert messages(loaded) == [f"{fifo}:1: not a regular file (a folder, FIFO or device): skipped"]


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_a_link_to_dev_zero_is_skipped(write_entry):
    good = write_entry("good-one")
    link = good.parent / "endless.md"
    link.symlink_to("/dev/zero")
    loaded = load_within(write_entry.root)
    assert [e.id for e in loaded.entries] == ["good-one"]
    assert messages(loaded) == [f"{link}:1: not a regular file (a folder, FIFO or device): skipped"]


def test_a_link_to_a_regular_entry_is_read(write_entry, tmp_path):
    elsewhere = tmp_path / "shared-entry.md"
    elsewhere.write_text(entry_text("linked-entry"), encoding="utf-8")
    folder = write_entry("good-one").parent
    (folder / "linked-entry.md").symlink_to(elsewhere)
    loaded = load_within(write_entry.root)
    assert sorted(e.id for e in loaded.entries) == ["good-one", "linked-entry"]


def test_a_huge_file_is_skipped(write_entry):
    big = write_entry("big-entry", body="## Why\n\n" + "x" * MAX_FILE_BYTES + "\n\n## Fix\n\ny\n")
    entry, found = parse_file(big)
    assert entry is None
    assert [str(p) for p in found] == [f"{big}:1: larger than 256 KB: not an entry, skipped"]


def test_deeply_nested_yaml_is_a_problem_not_a_crash(write_entry):
    deep = "[" * 5000 + "]" * 5000
    path = write_entry(text=entry_text().replace("tags: [sample]", f"tags: {deep}"))
    entry, found = parse_file(path)
    assert entry is None
    assert [str(p) for p in found] == [f"{path}:2: bad YAML in front matter: nested too deeply"]


def test_a_yaml_alias_bomb_is_refused_at_once(write_entry):
    bomb = "".join(f"l{n}: &l{n} [" + ",".join([f"*l{n - 1}"] * 9) + "]\n" for n in range(1, 10))
    text = "---\na: &l0 [lol, lol]\n" + bomb + "---\n"
    assert len(text.encode()) < 500
    path = write_entry(text=text)
    entry, found = parse_file(path)
    assert entry is None
    assert [str(p) for p in found] == [
        f"{path}:3: bad YAML in front matter: aliases (*name) are not allowed in front matter"
    ]


def test_python_blocks_that_break_the_parser_are_reported(write_entry):
    body = "## Why\n\nx\n\n## Fix\n\n```python right\nx = " + "-" * 200_000 + "1\n```\n"
    found = [str(p) for p in parse_file(write_entry(body=body))[1]]
    assert len(found) == 1 and "python block does not parse" in found[0], found


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("id", "../../etc/passwd", "id '../../etc/passwd': use lowercase words and '-'"),
        ("id", "Not_A_Slug", "id 'Not_A_Slug': use lowercase words and '-'"),
        ("topic", "cooking", "unknown topic 'cooking'"),
    ],
)
def test_invalid_entries_are_never_indexed_or_served(write_entry, field, value, message):
    write_entry("good-one", title="Widgets are frobnicated")
    text = entry_text("bad-one", title="Widgets are frobnicated badly")
    text = text.replace(
        f"{field}: {'bad-one' if field == 'id' else 'common-mistakes'}\n", f"{field}: {value!r}\n"
    )
    bad = write_entry("bad-one", text=text)
    loaded = kb.load([write_entry.root])
    assert [e.id for e in loaded.entries] == ["good-one"]
    assert any(m.startswith(f"{bad}:") and m.endswith(message) for m in messages(loaded)), messages(
        loaded
    )
    engine = Engine([write_entry.root])
    assert [r.entry.id for r in engine.search("widgets frobnicated badly")] == ["good-one"]
    assert engine.entry(value) is None and engine.entry("bad-one") is None
    assert any(message in str(p) for p in engine.problems)
    engine.close()


def test_an_id_that_differs_from_the_file_name_is_served_with_a_warning(write_entry):
    path = write_entry("file-name", text=entry_text("other-name"))
    loaded = kb.load([write_entry.root])
    assert [e.id for e in loaded.entries] == ["other-name"]
    assert messages(loaded) == [f"{path}:2: id 'other-name' differs from the file name"]


def test_a_kb_path_that_is_a_file(tmp_path):
    not_a_folder = tmp_path / "entries.md"
    not_a_folder.write_text("x")
    loaded = kb.load([not_a_folder])
    assert messages(loaded) == [f"{not_a_folder}:1: KB folder skipped: not a folder"]
