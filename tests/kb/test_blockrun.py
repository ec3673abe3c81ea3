"""The warm interpreter that runs KB blocks behaves like `python block.py` where blocks look."""

import os
import subprocess
import sys

import pytest

from .blockrun import Runner, shadows_a_preloaded_module

CASES = {
    "prints": "print('hello')",
    "raises": "import flask\nraise RuntimeError('Working outside of application context.')",
    "exits": "import sys\nsys.exit(3)",
    "exits-with-text": "import sys\nsys.exit('bad config')",
    "sees-its-world": (
        "import os, sys\nprint(os.getcwd() == os.path.dirname(sys.argv[0]), os.environ['ONLY'],"
        " sys.path[0] == os.getcwd(), __name__)"
    ),
    "writes-stderr": "import sys\nprint('out')\nprint('err', file=sys.stderr)",
    "atexit-and-threads": (
        "import atexit, threading, time\natexit.register(lambda: print('bye'))\n"
        "threading.Thread(target=lambda: (time.sleep(0.2), print('thread done'))).start()"
    ),
}


@pytest.fixture(scope="module")
def runner():
    r = Runner({k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    yield r
    r.close()


def fresh(script, env):
    proc = subprocess.run(
        [sys.executable, str(script)], cwd=script.parent, env=env, capture_output=True, text=True
    )
    return proc.returncode, proc.stdout + proc.stderr


@pytest.mark.parametrize("name", CASES)
def test_same_status_and_output_as_a_fresh_interpreter(runner, tmp_path, name):
    script = tmp_path / "block.py"
    script.write_text(CASES[name])
    env = {"PATH": os.environ["PATH"], "ONLY": "this", "HOME": str(tmp_path)}
    out = tmp_path / ".output"
    job = {"script": str(script), "cwd": str(tmp_path), "env": env, "as_module": False}
    status, timed_out = runner.run({**job, "out": str(out)}, timeout=30)
    want_status, want_output = fresh(script, env)
    got = out.read_text()
    assert not timed_out and status == want_status
    # The same lines; a traceback also passes through runpy's frames here.
    assert [ln for ln in want_output.splitlines() if not ln.startswith("  ")] == [
        ln for ln in got.splitlines() if not ln.startswith("  ")
    ]


def test_a_block_that_hangs_is_killed_and_the_runner_goes_on(runner, tmp_path):
    script = tmp_path / "block.py"
    script.write_text("import time\nprint('started', flush=True)\ntime.sleep(60)")
    out = tmp_path / ".output"
    job = {"script": str(script), "cwd": str(tmp_path), "env": {}, "as_module": False}
    status, timed_out = runner.run({**job, "out": str(out)}, timeout=1)
    assert timed_out and status != 0 and out.read_text() == "started\n"
    script.write_text("print('next')")
    assert runner.run({**job, "out": str(out)}, timeout=30) == (0, False)


def test_blocks_writing_a_preloaded_module_run_fresh():
    assert shadows_a_preloaded_module("Path('flask.py').write_text('x = 1')")
    assert not shadows_a_preloaded_module("Path('app.py').write_text('x = 1')")
