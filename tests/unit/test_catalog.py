"""flaskref.catalog on messages the real installed libraries print."""

from __future__ import annotations

import importlib.metadata
import json
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest

from flaskref import catalog, messages
from flaskref.entry import TOPICS

SITE = Path(sysconfig.get_paths()["purelib"])


def error_of(code: str) -> str:
    """The last line the code prints to stderr when it fails (a traceback's last line)."""
    proc = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode != 0, proc.stdout
    return proc.stderr.strip().splitlines()[-1]


CASES = [
    (
        "from flask import Flask, session\napp = Flask(__name__)\n"
        "with app.test_request_context():\n    session['x'] = 1",
        "flask",
        "flask/sessions.py",
    ),
    (
        "from flask import Flask, url_for\napp = Flask(__name__)\n"
        "with app.test_request_context():\n    url_for('nope')",
        "werkzeug",
        "werkzeug/routing/exceptions.py",
    ),
    (
        "from flask import Blueprint\nBlueprint('a.b', __name__)",
        "flask",
        "flask/sansio/blueprints.py",
    ),
    (
        "import jinja2\njinja2.Environment().from_string('{% for x in y %}')",
        "jinja2",
        "jinja2/parser.py",
    ),
    (
        "import sqlalchemy as sa\nsa.create_engine('sqlite://', strategy='x')",
        "sqlalchemy",
        "sqlalchemy/engine/create.py",
    ),
    (
        "import click\n@click.command()\n@click.option('--n', type=int)\ndef c(n):\n    pass\n"
        "c(['--n', 'x'])",
        "click",
        ("click/exceptions.py", "click/types.py"),  # the message is built from both
    ),
    (
        "from itsdangerous import URLSafeSerializer\n"
        "URLSafeSerializer('k').loads('eyJhIjoxfQ.bad')",
        "itsdangerous",
        "itsdangerous/signer.py",
    ),
]


@pytest.mark.parametrize("code, library, file", CASES, ids=[str(c[2]) for c in CASES])
def test_real_messages_are_found_where_they_are_raised(code, library, file):
    line = error_of(code)
    hits = catalog.find(line)
    assert hits, line
    best = hits[0]
    files = file if isinstance(file, tuple) else (file,)
    assert best.library == library and best.file in files, (line, best)
    assert best.version == importlib.metadata.version(library)
    assert messages.matches(best.template, line)
    # The stored line is the raise (or warn) the row points at, in the installed library.
    source = (SITE / best.file).read_text(encoding="utf-8").splitlines()
    assert source[best.line - 1].strip() in best.source


@pytest.mark.parametrize(
    "text",
    [
        "hello world",
        "ValueError: invalid literal for int() with base 10: 'abc'",
        "RuntimeError: my custom failure in the billing code",
        "KeyError: 'user_id'",
        "how do I use url_for with a blueprint",
    ],
)
def test_ordinary_text_matches_nothing(text):
    assert catalog.find(text) == []


def test_a_message_row_reads_as_an_entry():
    line = error_of(CASES[0][0])
    row = catalog.find(line)[0]
    entry = row.to_entry()
    assert entry.topic in TOPICS and entry.path == ""
    assert entry.title.startswith("RuntimeError: The session is unavailable")
    assert "## Why" in entry.body and "## Fix" in entry.body
    assert "No entry explains this message yet" in entry.body
    assert f"{row.file}:{row.line}" in entry.body and row.function in entry.body
    assert entry.blocks[0].label == "source" and entry.blocks[0].code == row.source
    assert "\n" not in entry.fix
    assert set(row.fields()) == {"library", "version", "file", "line", "function", "condition"}


def test_every_template_is_specific_and_filed_under_its_own_word():
    keys = catalog.shortlist()
    rows = 0
    for word, shard in keys.items():
        for raw in catalog._load(f"catalog/{shard:02d}.json")[word]:
            row = catalog.Message(*raw)
            rows += 1
            assert len(messages.literal_words(row.template)) >= 2, row
            assert word in catalog.key_words(row.template), (word, row.template)
            messages.compile_template(row.template)
    assert rows > 1500


def test_importing_reads_no_data():
    code = (
        "from flaskref import catalog, removed\n"
        "assert removed.find('how do I use url_for with a blueprint') == []\n"
        "assert catalog.find('') == []\n"
        "assert not catalog._CACHE and not removed._CACHE\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_the_unsuffixed_exception_list_is_the_catalogs_own():
    """exceptions.txt is written with the shards; it must name exactly the catalog's classes
    that Python's naming does not reveal, or a regenerated catalog left it stale."""
    from flaskref.query import EXCEPTION_SUFFIX

    raised = set()
    for shard in (Path(catalog.DATA) / "catalog").glob("*.json"):
        for rows in json.loads(shard.read_text("utf-8")).values():
            raised.update(catalog.Message(*row).exception for row in rows)
    expected = {
        n for n in raised if n.isidentifier() and n[:1].isupper() and not EXCEPTION_SUFFIX.search(n)
    }
    assert catalog.exception_names() == expected
    assert {"BadData", "BadSignature", "Forbidden"} <= expected
