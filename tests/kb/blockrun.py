"""Running the KB's code blocks in a warm interpreter that forks once per block.

Most blocks import Flask and Flask-SQLAlchemy, about half a second of every fresh interpreter;
615 blocks made that most of the suite's time. This program imports them once, then reads
jobs (one JSON line each) on standard input and runs each block in a forked child that looks
like `python block.py` (or `python -c` running it as a module): its own working folder,
environment, `sys.argv`, `sys.path[0]`, standard streams, and exit status, with an uncaught
exception printed by `sys.excepthook` as Python prints it.

Protocol, one line each: the job `{"script", "cwd", "env", "as_module", "out"}`; the reply
"PID" as soon as the child runs, then its wait status. The caller enforces the timeout (it
kills PID). `Runner` is that caller.

A block that writes a module shadowing a preloaded one (`flask.py`) would import the preloaded
one here: `Runner.run` sends such blocks to a fresh interpreter instead.
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys

#: What most blocks import (counted over the KB), and what those modules pull in.
PRELOAD = (
    "flask",
    "flask.testing",
    "flask_sqlalchemy",
    "sqlalchemy.orm",
    "flask_login",
    "flask_wtf",
    "wtforms",
    "werkzeug.security",
    "werkzeug.utils",
    "jinja2",
    "subprocess",
    "sqlite3",
    "threading",
)


def _child(job: dict) -> None:
    """Become the block's process; never returns."""
    os.chdir(job["cwd"])
    os.environ.clear()
    os.environ.update(job["env"])
    script = job["script"]
    if job["as_module"]:
        sys.argv, sys.path[0], run_name = ["-c", script], "", "__flaskref_check__"
    else:
        sys.argv, sys.path[0], run_name = [script], os.path.dirname(script), "__main__"
    null = os.open(os.devnull, os.O_RDONLY)
    out = os.open(job["out"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(null, 0)
    os.dup2(out, 1)
    os.dup2(out, 2)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    import runpy

    try:
        runpy.run_path(script, run_name=run_name)
        code = 0
    except SystemExit as exc:
        code = exc.code
    except BaseException:
        sys.excepthook(*sys.exc_info())
        code = 1
    # Leave the way the interpreter would: atexit handlers, non-daemon threads, flushed streams.
    raise SystemExit(code)


def serve() -> None:
    for name in PRELOAD:
        try:
            __import__(name)
        except Exception:  # a block that needs it will say so itself
            pass
    for line in sys.stdin:
        job = json.loads(line)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            _child(job)
        print(pid, flush=True)
        _, status = os.waitpid(pid, 0)
        print(status, flush=True)


class Runner:
    """One warm interpreter, used by one thread at a time."""

    def __init__(self, env: dict[str, str]):
        self._proc = subprocess.Popen(
            [sys.executable, __file__],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            text=True,
        )

    def run(self, job: dict, timeout: float) -> tuple[int, bool]:
        """(exit status, timed out) of one block."""
        proc = self._proc
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(json.dumps(job) + "\n")
        proc.stdin.flush()
        pid = int(proc.stdout.readline())
        with selectors.DefaultSelector() as sel:
            sel.register(proc.stdout, selectors.EVENT_READ)
            timed_out = not sel.select(timeout)
        if timed_out:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:  # it ended (and was reaped) as the time ran out
                timed_out = False
        status = int(proc.stdout.readline())
        return os.waitstatus_to_exitcode(status), timed_out

    def close(self) -> None:
        if self._proc.stdin:
            self._proc.stdin.close()
        self._proc.wait(timeout=30)


def shadows_a_preloaded_module(code: str) -> bool:
    """Whether a block writes a module named like one this interpreter has already imported."""
    tops = {name.split(".")[0] for name in PRELOAD}
    return any(f"{top}.py" in code or f"{top}/__init__" in code for top in tops)


if __name__ == "__main__":
    serve()
