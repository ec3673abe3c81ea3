"""Nothing a terminal would obey reaches it: escape sequences and control characters from an
entry, a paste, an id or a file name are stripped on every non-JSON output path."""

from __future__ import annotations

import io
import json
import re

import pytest

from flaskref import render
from flaskref.search import Engine

OSC52 = "\x1b]52;c;cHduZWQ=\x07"  # write "pwned" to the clipboard
CLEAR = "\x1b[2J\x1b[H"
SGR0 = "\x1b(B\x1b[m"
HOSTILE = f"{OSC52}{CLEAR}{SGR0}\rover\x08\x9b2J"

# What may never appear: OSC/DCS strings, erase and cursor moves, charset switches, CR, BS, BEL.
OBEYED = re.compile(r"\x1b[\]P^_X(]|\x1b\[[0-9;?]*[A-HJKSTfhlsu]|[\r\x07\x08\x9b\x9d]")


def assert_inert(text: str) -> None:
    found = OBEYED.findall(text)
    assert not found, found


def yaml_quoted(text: str) -> str:
    """A YAML double-quoted scalar: YAML refuses raw control characters, not escaped ones."""
    escapes = {"\x1b": "\\e", "\x07": "\\a", "\r": "\\r", "\x08": "\\b", "\x9b": "\\x9b"}
    return '"' + "".join(escapes.get(ch, ch) for ch in text) + '"'


@pytest.fixture
def hostile_kb(write_entry):
    front = (
        "---\nid: hostile-entry\n"
        f"title: {yaml_quoted('Frobnicator jams ' + HOSTILE)}\n"
        "topic: cli\ntags: [frobnicator]\n"
        f"errors:\n  - {yaml_quoted('FrobError: jammed ' + HOSTILE)}\n"
        f"symptom: {yaml_quoted('Something ' + HOSTILE + ' observable')}\n"
        f"fix: {yaml_quoted('Unjam it ' + HOSTILE)}\n---\n\n"
    )
    body = f"## Why\n\nBecause {HOSTILE}.\n\n## Fix\n\n```python right\nx = 1  # {HOSTILE}\n```\n"
    write_entry("hostile-entry", "cli", text=front + body)
    return write_entry.root


def test_plain_result_and_show_are_inert(cli, hostile_kb):
    found = cli("--kb", str(hostile_kb), "frobnicator jams jammed")
    assert found.code == 0, found.err
    assert "Frobnicator jams" in found.out and "Unjam it" in found.out
    assert_inert(found.out)
    shown = cli("--kb", str(hostile_kb), "show", "hostile-entry")
    assert shown.code == 0 and "x = 1" in shown.out
    assert_inert(shown.out)


def test_json_keeps_the_text_escaped_by_json(cli, hostile_kb):
    res = cli("--kb", str(hostile_kb), "--json", "frobnicator jams jammed")
    assert "\x1b" not in res.out  # JSON writes \u001b
    assert json.loads(res.out)["results"][0]["fix"] == f"Unjam it {HOSTILE}"


def test_rich_output_is_inert(hostile_kb):
    engine = Engine([hostile_kb])
    results = engine.search("frobnicator jams jammed")
    out = io.StringIO()
    render.print_results(results, out, color=True, width=100)
    assert "Frobnicator jams" in out.getvalue()
    assert_inert(out.getvalue())
    out = io.StringIO()
    render.print_entry(engine.entry("hostile-entry"), out, color=True, width=100)
    assert "Unjam it" in out.getvalue()
    assert_inert(out.getvalue())
    engine.close()


def test_query_echo_unknown_id_and_usage_errors_are_inert(cli, warm_cache):
    nearest = cli(f"sourdough {HOSTILE} bread")
    assert nearest.code == 1 and "No confident answer for: sourdough" in nearest.out
    assert_inert(nearest.out)
    unknown = cli("show", f"no-such{HOSTILE}")
    assert unknown.code == 1 and "no entry 'no-such" in unknown.err
    assert_inert(unknown.err)
    usage = cli(f"--bogus{HOSTILE}")
    assert usage.code == 2 and "unrecognized arguments: --bogus" in usage.err
    assert_inert(usage.err)


def test_check_messages_warnings_and_file_names_are_inert(cli, tmp_path):
    folder = tmp_path / "mine" / "cli"
    folder.mkdir(parents=True)
    bad = folder / f"bad{CLEAR}\r.md"
    bad.write_text(f"---\nid: [{OSC52}\n---\n")
    checked = cli("check", str(tmp_path / "mine"))
    assert checked.code == 1 and "bad YAML in front matter" in checked.out
    assert_inert(checked.out + checked.err)
    warned = cli("--kb", str(tmp_path / "mine"), "working outside application context")
    assert warned.code == 0 and "warning:" in warned.err and "bad YAML" in warned.err
    assert_inert(warned.err)


def test_undecodable_file_names_are_shown_escaped(cli, tmp_path, warm_cache):
    root = tmp_path / "mine"
    folder = root / "cli"
    folder.mkdir(parents=True)
    name = b"caf\xe9.md".decode("utf-8", "surrogateescape")
    (folder / name).write_text("no front matter\n")
    checked = cli("check", str(root))
    assert checked.code == 1
    assert "caf\\xe9.md:1: no front matter" in checked.out
    checked.out.encode("utf-8")  # strict: nothing unencodable was written
