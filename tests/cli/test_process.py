"""The real `flaskref` script in a subprocess, for what only a whole process shows: its exit,
closed or full standard streams, argv bytes and locales.

Each test here costs a process start; everything else about the CLI is in test_cli.py.
"""

import json
import os
import subprocess
import sys
import textwrap

import pytest

from flaskref import paths
from flaskref.search import Engine

from ..conftest import console_script, entry_text

QUERY = "working outside application context"

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX shells, /dev/full, fd tricks")


@pytest.fixture(autouse=True)
def _warm(warm_cache):
    """The bundled KB's index is built once for the session."""


def test_console_script_smoke(run_cli, tmp_path):
    proc = run_cli(QUERY)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.decode()
    assert out.startswith("RuntimeError: Working outside of application context")
    assert "flaskref show working-outside-app-context" in out
    as_module = subprocess.run(
        [sys.executable, "-m", "flaskref", QUERY], capture_output=True, cwd=tmp_path
    )
    assert as_module.returncode == 0 and as_module.stdout == proc.stdout


def test_run_exits_normally(tmp_path):
    """No os._exit: atexit handlers run and buffered output is flushed by the interpreter."""
    code = textwrap.dedent(f"""
        import atexit, sys
        atexit.register(lambda: print("atexit ran", file=sys.stderr))
        sys.argv = ["flaskref", "--json", {QUERY!r}]
        from flaskref.cli import run
        sys.exit(run())
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, cwd=tmp_path)
    assert proc.returncode == 0
    assert proc.stderr.decode().strip() == "atexit ran"
    assert json.loads(proc.stdout)["results"][0]["id"] == "working-outside-app-context"


def run_shell(script: str, env=None):
    """`sh -c script` with the flaskref command in $1."""
    return subprocess.run(
        ["sh", "-c", script, "sh", *console_script()],
        capture_output=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


@posix_only
def test_closed_stdout_stderr_and_stdin(warm_cache, tmp_path):
    closed_out = run_shell(f'exec "$@" "{QUERY}" >&-')
    assert closed_out.returncode == 2
    assert closed_out.stderr.decode().splitlines() == ["flaskref: error: standard output is closed"]
    own = {"FLASKREF_CACHE_DIR": str(tmp_path / "own-cache")}  # another KB set: not shared
    closed_err = run_shell(f'exec "$@" --json "{QUERY}" --kb /no/such/kb 2>&-', env=own)
    assert closed_err.returncode == 0  # the warning has nowhere to go; stdout stays JSON
    assert json.loads(closed_err.stdout)["results"][0]["id"] == "working-outside-app-context"
    closed_in = run_shell('exec "$@" - <&-')
    assert closed_in.returncode == 2
    assert closed_in.stderr.decode().splitlines() == [
        "flaskref: error: standard input is closed: give the query as words instead"
    ]


@posix_only
@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize(
    "args", [[QUERY], ["--json", QUERY], ["show", "working-outside-app-context"]]
)
def test_full_disk_is_one_line_and_exit_2(run_cli, args):
    with open("/dev/full", "w") as full:
        proc = run_cli(*args, stdout=full, stderr=subprocess.PIPE)
    assert proc.returncode == 2
    assert proc.stderr.decode().splitlines() == [
        "flaskref: error: cannot write the output: No space left on device"
    ]


@posix_only
def test_reader_going_away_is_not_an_error(warm_cache):
    proc = subprocess.Popen(
        console_script() + ["show", "working-outside-app-context"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    proc.stdout.close()  # like `| head -0`: the pipe is closed before anything is read
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == 0
    assert err == b""


@posix_only
@pytest.mark.parametrize(
    "env",
    [
        {"PYTHONIOENCODING": "utf-8:strict"},
        {"LC_ALL": "C", "LANG": "C", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0"},
    ],
    ids=["strict-utf8", "c-locale"],
)
def test_non_utf8_argv_never_crashes_output(run_cli, env):
    word = b"caf\xe9"
    plain = subprocess.run(
        console_script() + [b"sourdough " + word],
        capture_output=True,
        env={**os.environ, **env},
        timeout=120,
    )
    assert plain.returncode == 1, plain.stderr
    assert b"Traceback" not in plain.stderr
    plain.stdout.decode("utf-8")  # whatever the locale, nothing undecodable is written
    as_json = subprocess.run(
        console_script()
        + ["--json", b"RuntimeError: Working outside of application context " + word],
        capture_output=True,
        env={**os.environ, **env},
        timeout=120,
    )
    assert as_json.returncode == 0, as_json.stderr
    doc = json.loads(as_json.stdout.decode("utf-8"))
    assert doc["query"].endswith("caf\ufffd")  # decoded like standard input: U+FFFD
    assert doc["results"][0]["id"] == "working-outside-app-context"


@posix_only
def test_non_utf8_folder_names_in_json_and_text(tmp_path, warm_cache):
    root = os.path.join(os.fsencode(tmp_path), b"entr\xe9es")
    topic = os.path.join(root, b"cli")
    os.makedirs(topic)
    with open(os.path.join(topic, b"frobnicator-jam.md"), "w", encoding="utf-8") as fh:
        fh.write(entry_text("frobnicator-jam", "cli", title="The frobnicator jams on start"))
    cache = str(tmp_path / "own-cache")  # a KB of its own: not in the shared cache
    env = {**os.environ, "PYTHONIOENCODING": "utf-8:strict", "FLASKREF_CACHE_DIR": cache}
    as_json = subprocess.run(
        console_script() + [b"--kb", root, b"--json", b"frobnicator jams"],
        capture_output=True,
        env=env,
        timeout=120,
    )
    assert as_json.returncode == 0, as_json.stderr
    doc = json.loads(as_json.stdout.decode("utf-8"))
    assert doc["results"][0]["id"] == "frobnicator-jam"
    assert "entr\\xe9es" in doc["results"][0]["path"]
    show = subprocess.run(
        console_script() + [b"--kb", root, b"show", b"frobnicator-jam"],
        capture_output=True,
        env=env,
        timeout=120,
    )
    assert show.returncode == 0, show.stderr
    assert "entr\\xe9es" in show.stdout.decode("utf-8")


def test_one_shot_path_imports_no_textual_and_swaps_no_modules(tmp_path, warm_cache):
    """In a fresh interpreter: the one-shot path never imports Textual, YAML or Markdown (with
    a warm cache), and every module in sys.modules is the real one (no stand-ins)."""
    code = textwrap.dedent("""
        import importlib.util, io, contextlib, sys
        from flaskref.cli import main
        with contextlib.redirect_stdout(io.StringIO()):
            assert main(["--json", "working outside application context"]) == 0
            assert main(["show", "working-outside-app-context"]) == 0
        heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "yaml", "markdown_it"))
        lazy = sorted(n for n, m in sys.modules.items() if isinstance(m, importlib.util._LazyModule))
        import whoosh.highlight, urllib.request, cached_property
        checks = [
            hasattr(whoosh.highlight, "Highlighter"),
            hasattr(urllib.request, "urlopen"),
            getattr(cached_property, "__file__", None) is not None,
        ]
        print(heavy, lazy, checks)
    """)
    Engine([paths.bundled_kb_dir()]).close()  # the index is cached: a build parses YAML
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[] [] [True, True, True]"
