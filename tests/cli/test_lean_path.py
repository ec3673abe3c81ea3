"""The plain lookup path stays lean: argparse only when a command line needs it (and what the
fast reading gives is what argparse gives), and nothing heavy imported."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flaskref import cli

TRACEBACKS = Path(__file__).resolve().parent.parent / "data" / "tracebacks"
TOKENS = ["--json", "--tui", "-n", "--topic", "--kb", "-", "--", "3", "50", "51", "0", "x"]
TOKENS += ["sessions", "-n5", "--js", "--kb=d", "-x", "templates", "url_for", "", "a b", "-1"]


def _argparse(args: list[str]) -> dict | None:
    try:
        return vars(cli._query_parser().parse_args(args))
    except SystemExit:
        return None


@pytest.mark.parametrize(
    "args",
    [
        ["working", "outside", "application", "context"],
        ["--json", "-n", "5", "url_for", "absolute"],
        ["--kb", "a", "--kb", "b", "--topic", "sessions", "secret key"],
        ["-"],
        [],
        ["--json", "-"],
        ["-n", "1", "-n", "50", "x"],
    ],
)
def test_plain_command_lines_skip_argparse_and_read_the_same(args):
    fast = cli._plain_query(args)
    assert fast is not None
    assert vars(fast) == _argparse(args)


@pytest.mark.parametrize(
    "args",
    [
        ["x", "--json"],  # an option after the words
        ["--js", "x"],  # an abbreviation argparse would expand
        ["--kb=d", "x"],
        ["-n", "0", "x"],  # out of range: argparse says so
        ["-n", "٣", "x"],  # a digit argparse's int() reads, isdigit() too, but not ASCII
        ["--help"],
        ["--", "show"],
        ["x", "-", "y"],
        ["--topic"],
    ],
)
def test_other_command_lines_go_to_argparse(args):
    assert cli._plain_query(args) is None


@given(st.lists(st.sampled_from(TOKENS), max_size=6))
def test_the_fast_reading_never_disagrees_with_argparse(args):
    fast = cli._plain_query(args)
    if fast is not None:
        assert vars(fast) == _argparse(args)


#: What a one-shot lookup does without: each costs a sizeable share of bare Python's start-up
#: (argparse, pathlib with urllib.parse and ipaddress, typing) or is only for other commands.
HEAVY = ("argparse", "pathlib", "urllib.parse", "ipaddress", "typing", "whoosh.index")
HEAVY += ("yaml", "markdown_it", "textual", "rich", "platformdirs", "importlib.metadata")


@pytest.mark.parametrize(
    "args, stdin",
    [
        (["--json", "-n", "2", "working outside application context"], ""),
        (["how do I make url_for return an absolute url"], ""),  # plain output, nearest answers
        (["ImportError: cannot import name 'url_quote' from 'werkzeug.urls'"], ""),  # generated
        (["--json", "-"], "TRACEBACK"),
    ],
)
def test_a_plain_lookup_imports_nothing_heavy(tmp_path, warm_cache, args, stdin):
    code = textwrap.dedent(f"""
        import contextlib, io, sys
        from flaskref.cli import main
        with contextlib.redirect_stdout(io.StringIO()):
            assert main({args!r}) in (0, 1)
        print(sorted(m for m in {HEAVY!r} if m in sys.modules))
    """)
    from flaskref.search import Engine

    Engine().close()  # a warm cache
    text = (TRACEBACKS / "microblog-334.txt").read_text("utf-8") if stdin == "TRACEBACK" else stdin
    # Not measured: coverage, started in every subprocess under `--cov`, imports all of these.
    env = {k: v for k, v in os.environ.items() if not k.startswith("COVERAGE_PROCESS_")}
    proc = subprocess.run(
        [sys.executable, "-c", code], input=text, capture_output=True, text=True, env=env
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
