"""The real `flaskref` command in a subprocess: exit codes, output shapes, stdin."""

import json
import subprocess
import sys

import pytest

from ..conftest import entry_text

TB = """Traceback (most recent call last):
  File "/srv/app/jobs.py", line 7, in <module>
    print(current_app.config["DEBUG"])
  File "/venv/lib/python3.11/site-packages/werkzeug/local.py", line 318, in __get__
    obj = instance._get_current_object()
  File "/venv/lib/python3.11/site-packages/werkzeug/local.py", line 519, in _get_current_object
    raise RuntimeError(unbound_message) from None
RuntimeError: Working outside of application context.

This typically means that you attempted to use functionality that needed
the current application. To solve this, set up an application context
with app.app_context(). See the documentation for more information.
"""


def test_found_prints_title_fix_and_exit_0(run_cli):
    proc = run_cli("working outside application context")
    assert proc.returncode == 0, proc.stderr
    assert "Working outside of application context" in proc.stdout
    assert "Fix" in proc.stdout and "app.app_context()" in proc.stdout
    assert "\x1b[" not in proc.stdout  # not a terminal: no colour
    assert max(len(line) for line in proc.stdout.splitlines()) <= 80


def test_json_shape(run_cli):
    proc = run_cli("--json", "-n", "2", "RuntimeError: Working outside of application context.")
    assert proc.returncode == 0
    doc = json.loads(proc.stdout)
    assert set(doc) == {"query", "results"}
    assert doc["query"] == "RuntimeError: Working outside of application context."
    first = doc["results"][0]
    assert set(first) == {
        "id",
        "title",
        "topic",
        "errors",
        "symptom",
        "fix",
        "score",
        "path",
        "why",
    }
    assert first["id"] == "working-outside-app-context"
    assert isinstance(first["errors"], list) and isinstance(first["why"], list)
    assert 0 < first["score"] <= 1
    assert len(doc["results"]) <= 2


def test_traceback_on_stdin(run_cli):
    for args in (["-"], []):  # `flaskref -` and plain piped stdin
        proc = run_cli("--json", *args, stdin=TB)
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout)["results"][0]["id"] == "working-outside-app-context"


def test_nothing_found_exit_1_with_a_helpful_message(run_cli):
    proc = run_cli("how to bake sourdough bread")
    assert proc.returncode == 1
    assert "No confident answer" in proc.stdout
    assert "flaskref topics" in proc.stdout


@pytest.mark.parametrize(
    "query", ['"foo" AND (bar:', "title:* OR NOT [1 TO 2]", "*args **kwargs ~ ^"]
)
def test_query_syntax_characters_never_break_search(run_cli, query):
    proc = run_cli("--json", query)
    assert proc.returncode in (0, 1)
    assert "Traceback" not in proc.stderr
    json.loads(proc.stdout)


@pytest.mark.parametrize(
    "args, message",
    [
        (["-n", "0", "x"], "expected 1 to 50"),
        (["-n", "many", "x"], "expected a whole number"),
        (["--topic", "cooking", "x"], "unknown topic 'cooking'"),
        (["--bogus"], "unrecognized arguments"),
        (["-", "extra"], "cannot be mixed"),
    ],
)
def test_usage_errors_exit_2(run_cli, args, message):
    proc = run_cli(*args)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr


def test_empty_stdin_is_a_usage_error(run_cli):
    proc = run_cli("-", stdin="   \n")
    assert proc.returncode == 2 and "nothing to look up" in proc.stderr


def test_show_topics_and_unknown_id(run_cli):
    show = run_cli("show", "working-outside-app-context")
    assert show.returncode == 0 and "## Why" in show.stdout
    missing = run_cli("show", "working-outside-app-contxt")
    assert missing.returncode == 1 and "Did you mean: working-outside-app-context" in missing.stderr
    topics = run_cli("topics", "--json")
    counts = json.loads(topics.stdout)
    assert counts["app-context"] >= 1 and "upgrades" in counts


def test_check_reports_path_line_message(run_cli, tmp_path):
    bad = tmp_path / "kb" / "cli" / "broken.md"
    bad.parent.mkdir(parents=True)
    bad.write_text(entry_text("broken", "cli").replace("fix: 'Do the right thing.'", "fix: ''"))
    proc = run_cli("check", str(tmp_path / "kb"))
    assert proc.returncode == 1
    assert f"{bad}:9: missing field 'fix'" in proc.stdout
    missing = run_cli("check", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "no such file or folder" in missing.stderr


def test_broken_user_entry_is_skipped_with_one_warning(run_cli, tmp_path):
    mine = tmp_path / "mine" / "cli"
    mine.mkdir(parents=True)
    (mine / "broken.md").write_text("---\nid: [\n---\n")
    proc = run_cli("--kb", str(tmp_path / "mine"), "--json", "working outside application context")
    assert proc.returncode == 0
    about_it = [ln for ln in proc.stderr.splitlines() if "broken.md" in ln]
    assert (
        len(about_it) == 1 and "warning:" in about_it[0] and "broken.md:2: bad YAML" in about_it[0]
    )


def test_index_rebuild_command(run_cli):
    proc = run_cli("index", "--rebuild")
    assert proc.returncode == 0 and "entries indexed at" in proc.stdout


def test_markup_in_query_is_printed_literally(run_cli):
    proc = run_cli("[bold]sourdough[/] [/user] baking")
    assert proc.returncode == 1
    assert "[bold]sourdough[/] [/user] baking" in proc.stdout


def test_one_shot_path_never_imports_textual(tmp_path):
    code = (
        "import sys, io, contextlib\n"
        "from flaskref.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['--json', 'working outside application context'])\n"
        "    main(['show', 'working-outside-app-context'])\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'yaml', 'markdown_it'))\n"
        "print(','.join(bad))\n"
    )
    # A warm cache first: a cold one parses YAML and Markdown to build the index.
    env_code = "from flaskref.search import search; search('x')"
    subprocess.run([sys.executable, "-c", env_code], check=True, cwd=tmp_path)
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == ""


def test_show_prints_the_whole_entry_once(run_cli):
    from flaskref import paths
    from flaskref.search import Engine

    entry = Engine([paths.bundled_kb_dir()]).entry("working-outside-app-context")
    proc = run_cli("show", entry.id)
    assert proc.returncode == 0
    out = proc.stdout
    assert out.index("\nFix      ") < out.index("## Why")
    assert entry.right_code.strip() in out  # every line of it, from the body
    assert f"File: {entry.path}" in out
