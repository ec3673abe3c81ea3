"""The `flaskref` command through `main(argv)`: exit codes, output shapes, stdin, commands.

In-process for speed; `test_process.py` runs the real script for what only a process shows.
"""

import json

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


@pytest.fixture(autouse=True)
def _warm(warm_cache):
    """Most of these tests only read the bundled KB: one shared cache (see `own_cache`)."""


def test_found_prints_title_fix_and_exit_0(cli):
    res = cli("working outside application context")
    assert res.code == 0, res.err
    assert "Working outside of application context" in res.out
    assert "Fix" in res.out and "app.app_context()" in res.out
    assert "\x1b[" not in res.out  # not a terminal: no colour
    assert max(len(line) for line in res.out.splitlines()) <= 80


def test_json_shape(cli):
    res = cli("--json", "-n", "2", "RuntimeError: Working outside of application context.")
    assert res.code == 0
    doc = json.loads(res.out)
    assert set(doc) == {"query", "results"}
    assert doc["query"] == "RuntimeError: Working outside of application context."
    first = doc["results"][0]
    assert set(first) == {
        "id",
        "kind",
        "title",
        "topic",
        "errors",
        "symptom",
        "fix",
        "score",
        "path",
        "why",
    }
    assert first["id"] == "working-outside-app-context" and first["kind"] == "entry"
    assert isinstance(first["errors"], list) and isinstance(first["why"], list)
    assert 0 < first["score"] <= 1
    assert len(doc["results"]) <= 2


BASE_KEYS = {"id", "kind", "title", "topic", "errors", "symptom", "fix", "score", "path", "why"}


def test_json_of_a_removed_api(cli):
    """Flask 2.2 renamed send_file's arguments: the KB's entry answers, the table's row follows
    with its own keys, and both say the same version."""
    query = "TypeError: send_file() got an unexpected keyword argument 'attachment_filename'"
    results = json.loads(cli("--json", "-n", "3", query).out)["results"]
    assert results[0]["kind"] == "entry" and "attachment_filename" in results[0]["title"]
    row = next(r for r in results if r["kind"] == "removed")
    assert set(row) == BASE_KEYS | {"library", "name", "deprecated_in", "removed_in", "replacement"}
    assert row["library"] == "flask" and row["removed_in"].startswith("2.2")
    assert "attachment_filename" in row["name"] and row["path"] == ""
    assert row["title"] and row["errors"] and row["symptom"] and row["fix"]


def test_json_and_text_of_a_library_message(cli):
    query = "TypeError: can't provide both json and data"
    res = cli("--json", "-n", "1", query)
    first = json.loads(res.out)["results"][0]
    assert res.code == 0 and first["kind"] == "message"
    assert set(first) == BASE_KEYS | {"library", "version", "file", "line", "function", "condition"}
    assert first["library"] == "werkzeug" and first["file"] == "werkzeug/test.py"
    assert isinstance(first["line"], int) and first["condition"]
    text = cli(query)
    assert text.code == 0 and 'raise TypeError("can\'t provide both json and data")' in text.out
    assert "flaskref show" not in text.out.split("Also:")[0]  # no file to show: it is all here
    assert max(len(line) for line in text.out.splitlines()) <= 80


def test_traceback_on_stdin(cli):
    for args in (["-"], []):  # `flaskref -` and plain piped stdin
        res = cli("--json", *args, stdin=TB)
        assert res.code == 0, res.err
        assert json.loads(res.out)["results"][0]["id"] == "working-outside-app-context"


def test_a_huge_paste_is_read_from_its_end_and_says_so(cli):
    noise = "".join(f"[2024-05-01 10:00:00] INFO noise line {i}\n" for i in range(100_000))
    res = cli("--json", "-", stdin=noise + TB)  # 4 MB: only its tail is kept and parsed
    assert res.code == 0, res.err
    assert json.loads(res.out)["results"][0]["id"] == "working-outside-app-context"
    assert res.err == (
        "flaskref: note: the input is long; only its last 5,000 lines "
        "(256 K characters) were read\n"
    )


def test_nothing_found_exit_1_with_a_helpful_message(cli):
    res = cli("how to bake sourdough bread")
    assert res.code == 1
    assert "No confident answer for: how to bake sourdough bread" in res.out
    assert "flaskref topics" in res.out


@pytest.mark.parametrize(
    "query", ['"foo" AND (bar:', "title:* OR NOT [1 TO 2]", "*args **kwargs ~ ^"]
)
def test_query_syntax_characters_never_break_search(cli, query):
    res = cli("--json", query)
    assert res.code in (0, 1)
    assert "Traceback" not in res.err
    json.loads(res.out)


@pytest.mark.parametrize(
    "args, message",
    [
        (["-n", "0", "x"], "expected 1 to 50"),
        (["-n", "many", "x"], "expected a whole number"),
        (["--topic", "cooking", "x"], "unknown topic 'cooking'"),
        (["--bogus"], "unrecognized arguments"),
        (["-", "extra"], "cannot be mixed"),
        (["show"], "the following arguments are required: id"),
        (["show", "--bogus", "x"], "unrecognized arguments: --bogus"),
    ],
)
def test_usage_errors_exit_2(cli, args, message):
    res = cli(*args)
    assert res.code == 2
    assert message in res.err
    assert "Traceback" not in res.err


def test_help_and_version_exit_0(cli):
    res = cli("--help")
    assert res.code == 0 and "exit status" in res.out
    version = cli("--version")
    assert version.code == 0 and version.out.startswith("flaskref ")


def test_empty_stdin_is_a_usage_error(cli):
    res = cli("-", stdin="   \n")
    assert res.code == 2 and "nothing to look up" in res.err
    as_json = cli("--json", "-", stdin="")
    assert as_json.code == 2 and json.loads(as_json.out) == {"query": "", "results": []}


def test_closed_stdin_is_one_line_and_exit_2(cli):
    for args in (["-"], []):
        res = cli(*args, stdin=None)
        assert res.code == 2, res
        assert res.err.splitlines() == [
            "flaskref: error: standard input is closed: give the query as words instead"
        ]


def test_show_topics_and_unknown_id(cli):
    show = cli("show", "working-outside-app-context")
    assert show.code == 0 and "## Why" in show.out
    missing = cli("show", "working-outside-app-contxt")
    assert missing.code == 1 and "Did you mean: working-outside-app-context" in missing.err
    topics = cli("topics", "--json")
    counts = json.loads(topics.out)
    assert counts["app-context"] >= 1 and "upgrades" in counts
    plain = cli("topics")
    assert plain.code == 0 and plain.out.splitlines()[-1].startswith("total")


def test_show_prints_the_whole_entry_once(cli, bundled_engine):
    entry = bundled_engine.entry("working-outside-app-context")
    res = cli("show", entry.id)
    assert res.code == 0
    out = res.out
    assert out.index("\nFix      ") < out.index("## Why")
    assert entry.right_code.strip() in out  # every line of it, from the body
    assert f"File: {entry.path}" in out


def test_check_reports_path_line_message(cli, tmp_path):
    bad = tmp_path / "kb" / "cli" / "broken.md"
    bad.parent.mkdir(parents=True)
    bad.write_text(entry_text("broken", "cli").replace("fix: 'Do the right thing.'", "fix: ''"))
    res = cli("check", str(tmp_path / "kb"))
    assert res.code == 1
    assert f"{bad}:9: missing field 'fix'" in res.out
    single = cli("check", str(bad))
    assert single.code == 1 and f"{bad}:9: missing field 'fix'" in single.out
    missing = cli("check", str(tmp_path / "nowhere"))
    assert missing.code == 2 and "no such file or folder" in missing.err


def test_check_of_the_bundled_kb_is_clean(cli):
    res = cli("check")
    assert res.code == 0 and res.out.endswith("entries, no problems\n")


def test_broken_user_entry_is_skipped_with_one_warning(cli, tmp_path, own_cache):
    mine = tmp_path / "mine" / "cli"
    mine.mkdir(parents=True)
    (mine / "broken.md").write_text("---\nid: [\n---\n")
    res = cli("--kb", str(tmp_path / "mine"), "--json", "working outside application context")
    assert res.code == 0
    about_it = [ln for ln in res.err.splitlines() if "broken.md" in ln]
    assert len(about_it) == 1 and "warning:" in about_it[0]
    assert "broken.md:2: bad YAML" in about_it[0]


@pytest.mark.parametrize("where", ["--kb", "FLASKREF_KB"])
def test_a_missing_kb_folder_is_warned_about(cli, tmp_path, own_cache, monkeypatch, where):
    nowhere = tmp_path / "no-such-kb"
    if where == "--kb":
        res = cli("--kb", str(nowhere), "--json", "working outside application context")
    else:
        monkeypatch.setenv("FLASKREF_KB", str(nowhere))
        res = cli("--json", "working outside application context")
    assert res.code == 0
    assert f"flaskref: warning: {nowhere}:1: KB folder skipped: no such folder" in res.err


def test_index_rebuild_command(cli):
    res = cli("index", "--rebuild")
    assert res.code == 0 and "entries indexed at" in res.out
    again = cli("index")
    assert again.code == 0 and again.out == res.out


def test_markup_in_query_is_printed_literally(cli):
    res = cli("[bold]sourdough[/] [/user] baking")
    assert res.code == 1
    assert "[bold]sourdough[/] [/user] baking" in res.out


# -- words: commands or queries -----------------------------------------------------------


def test_global_options_before_a_command(cli, write_entry, own_cache):
    write_entry("my-own-entry", "cli", title="Frobnicator refuses to start")
    res = cli("--kb", str(write_entry.root), "topics", "--json")
    assert res.code == 0, res.err
    assert json.loads(res.out)["cli"] >= 2  # the bundled cli entries and ours
    show = cli("--kb", str(write_entry.root), "show", "my-own-entry")
    assert show.code == 0 and "Frobnicator refuses to start" in show.out
    as_json = cli("--json", "--kb", str(write_entry.root), "topics")
    assert as_json.code == 0 and "cli" in json.loads(as_json.out)


@pytest.mark.parametrize(
    "args",
    [
        ["show", "me", "how", "sessions", "work", "--json"],
        ["index", "out", "of", "range", "--json"],
        ["check", "constraint", "failed", "--json"],
        ["topics", "about", "blueprints", "--json"],
        ["--json", "show", "me", "sessions"],  # --json is not an option of `show`
    ],
)
def test_a_command_word_with_words_that_do_not_fit_is_searched(cli, args):
    res = cli(*args)
    assert res.code in (0, 1), res.err
    doc = json.loads(res.out)
    assert doc["query"] == " ".join(w for w in args if w != "--json")
    assert doc["results"], doc


def test_search_command_and_double_dash_search_a_command_name(cli):
    for args in (["search", "--json", "index"], ["--json", "--", "index"]):
        res = cli(*args)
        assert res.code in (0, 1) and json.loads(res.out)["query"] == "index"
