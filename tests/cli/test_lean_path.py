"""The plain lookup path stays lean: argparse only when a command line needs it, and what the
fast reading gives is what argparse gives."""

import subprocess
import sys
import textwrap

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flaskref import cli

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


def test_a_plain_lookup_never_imports_argparse(tmp_path, warm_cache):
    code = textwrap.dedent("""
        import contextlib, io, sys
        from flaskref.cli import main
        with contextlib.redirect_stdout(io.StringIO()):
            assert main(["--json", "-n", "2", "working outside application context"]) == 0
        print("argparse" in sys.modules)
    """)
    from flaskref.search import Engine

    Engine().close()  # a warm cache
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "False"
