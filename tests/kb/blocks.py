"""Running the KB's code blocks for the tests in `test_kb.py`, in the background.

As soon as pytest has collected the tests, `start` sends the blocks of the selected block tests
(marked with `runs`) to a thread pool; each block runs in a process of its own (forked from a
warm interpreter, see `blockrun`) in a fresh temporary folder, with a timeout and no FLASK_*
from the environment. The block tests are moved to the end of the run, so the rest of the suite
runs meanwhile, and `RUNNING[key]` waits for one block's (exit code, output).

Where pytest's cache is on, an outcome is reused while the block's code and the installed
distributions stay the same. CI runs with `-p no:cacheprovider`: everything runs there.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from flaskref.entry import Entry
from flaskref.versions import check as versions_note

from . import blockrun

TIMEOUT = 90
#: Block workers: with the main test thread, one more runnable process than this machine's
#: two cores, so neither waits for the other.
WORKERS = 3
#: What a right block finds in its environment: the settings the KB tells people to read
#: from it, with values that need no server.
RIGHT_ENV = {"SECRET_KEY": "test-secret-key", "DATABASE_URL": "sqlite://"}
#: Right blocks run as an imported module, so an `if __name__ == "__main__": app.run()` guard
#: shows how to start the app without starting a server in the tests.
_AS_MODULE = "import runpy, sys; runpy.run_path(sys.argv[1], run_name='__flaskref_check__')"
#: The environment of every block, taken before any test changes os.environ.
_BASE_ENV = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "PYTHONPATH"))}


def runs(label: str) -> Callable:
    """Mark a test as one that needs its entry's `label` block run."""

    def mark(test):
        test.block_label = label
        return test

    return mark


def block(entry: Entry, label: str, n: int = 0):
    return entry.code(label)[n]


def job_key(entry: Entry, label: str, n: int) -> str:
    return f"{entry.id}/{label}/{n}"


class Outcomes:
    """Each started block's future outcome, by `job_key`."""

    def __init__(self) -> None:
        self._futures: dict[str, Future] = {}
        self._pool: ThreadPoolExecutor | None = None
        self._warm = threading.local()
        self._runners: list[blockrun.Runner] = []
        self._lock = threading.Lock()

    def __getitem__(self, key: str) -> tuple[int, str]:
        return self._futures[key].result()

    def start(self, config, items) -> None:
        wanted: dict[str, tuple[Entry, str, int]] = {}
        for item in items:
            label = getattr(getattr(item, "function", None), "block_label", None)
            entry = getattr(getattr(item, "callspec", None), "params", {}).get("entry")
            if entry is None or label is None:
                continue
            entry, n = entry if label == "right" else (entry, 0)
            if not versions_note(entry.versions):
                wanted[job_key(entry, label, n)] = (entry, label, n)
        if not wanted:
            return
        cache = getattr(config, "cache", None)
        env_fp = _environment_fingerprint() if cache is not None else ""
        self._pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="kb-block")
        for key, (entry, label, n) in wanted.items():
            code = block(entry, label, n).code
            digest = hashlib.sha256(f"{env_fp}\0{label}\0{code}".encode()).hexdigest()
            cached = cache.get(f"flaskref/kb-blocks/{digest}", None) if cache else None
            if cached is not None:
                done: Future = Future()
                done.set_result((cached[0], cached[1]))
                self._futures[key] = done
                continue
            future = self._pool.submit(self._run, code, label == "right")
            if cache is not None:
                future.add_done_callback(_store(cache, digest))
            self._futures[key] = future

    def stop(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            while self._runners:
                self._runners.pop().close()

    def _run(self, code: str, right: bool) -> tuple[int, str]:
        env = dict(_BASE_ENV, **(RIGHT_ENV if right else {}))
        with tempfile.TemporaryDirectory() as tmp:
            env["HOME"] = tmp
            script = Path(tmp) / "block.py"
            script.write_text(code, encoding="utf-8")
            if blockrun.shadows_a_preloaded_module(code):
                return _run_fresh(script, env, right)
            out = Path(tmp) / ".output"
            job = {"script": str(script), "cwd": tmp, "env": env, "as_module": right}
            status, timed_out = self._runner().run({**job, "out": str(out)}, TIMEOUT)
            output = out.read_text(encoding="utf-8", errors="replace")
        if timed_out:
            return -1, f"timed out after {TIMEOUT}s: {output}"
        return status, output

    def _runner(self) -> blockrun.Runner:
        runner = getattr(self._warm, "runner", None)
        if runner is None:
            runner = self._warm.runner = blockrun.Runner(_BASE_ENV)
            with self._lock:
                self._runners.append(runner)
        return runner


def _run_fresh(script: Path, env: dict[str, str], as_module: bool) -> tuple[int, str]:
    """A block in a new interpreter, for what the warm one cannot run faithfully."""
    argv = [sys.executable, "-c", _AS_MODULE] if as_module else [sys.executable]
    argv.append(str(script))
    try:
        proc = subprocess.run(
            argv, cwd=script.parent, env=env, capture_output=True, text=True, timeout=TIMEOUT
        )
    except subprocess.TimeoutExpired as exc:
        return -1, f"timed out after {TIMEOUT}s: {exc.stdout or ''}{exc.stderr or ''}"
    return proc.returncode, proc.stdout + proc.stderr


def _store(cache, digest: str) -> Callable[[Future], None]:
    def store(future: Future) -> None:
        if not future.cancelled() and future.exception() is None:
            status, output = future.result()
            if status != -1:  # a timeout may be the machine's load
                cache.set(f"flaskref/kb-blocks/{digest}", [status, output])

    return store


def _environment_fingerprint() -> str:
    """The interpreter and every installed distribution: an outcome depends on them."""
    from importlib.metadata import distributions

    dists = sorted(f"{d.metadata['Name']}=={d.version}" for d in distributions())
    return hashlib.sha256("\n".join([sys.version, *dists]).encode()).hexdigest()


RUNNING = Outcomes()
