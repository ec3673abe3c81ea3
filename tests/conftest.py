"""Shared fixtures: index caches, KB folders written on disk, the real CLI in and out of process.

Every test gets a private, empty index cache by default. Tests that only read the bundled KB
ask for `warm_cache` (or `bundled_engine`) instead and share one cache, so the bundled KB is
indexed once per session rather than once per test.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest

from flaskref import paths

REPO = Path(__file__).resolve().parent.parent
#: tests/data holds sample projects (with their own tests/ and conftest.py) for `flaskref scan`.
collect_ignore = ["data"]


@pytest.fixture(autouse=True)
def cache_dir(tmp_path_factory, monkeypatch) -> Path:
    """Every test gets its own index cache, so none sees another's index, and its own (empty)
    user data and config folders, so a developer's own KB or settings never leak in."""
    path = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("FLASKREF_CACHE_DIR", str(path))
    monkeypatch.delenv("FLASKREF_KB", raising=False)
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    return path


@pytest.fixture(scope="session")
def bundled_cache(tmp_path_factory) -> Path:
    """One cache folder for the whole session; the index inside is keyed by the KB's state."""
    return tmp_path_factory.mktemp("bundled-cache")


@pytest.fixture
def warm_cache(bundled_cache, monkeypatch) -> Path:
    """Use the session's shared cache: for tests that read the bundled KB and write nothing."""
    monkeypatch.setenv("FLASKREF_CACHE_DIR", str(bundled_cache))
    return bundled_cache


@pytest.fixture
def own_cache(cache_dir, monkeypatch) -> Path:
    """The test's private cache again, in a module that uses the shared one: for a test that
    indexes a KB of its own (the shared cache keeps only a few indexes of other KB sets, and
    pruning must not evict the bundled KB's index from under the other tests)."""
    monkeypatch.setenv("FLASKREF_CACHE_DIR", str(cache_dir))
    return cache_dir


@pytest.fixture(scope="session")
def bundled_engine(bundled_cache):
    """One opened Engine over the bundled KB for every test that only searches it."""
    from flaskref.search import Engine

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FLASKREF_CACHE_DIR", str(bundled_cache))
        engine = Engine([paths.bundled_kb_dir()])
    yield engine
    engine.close()


def entry_text(
    entry_id: str = "sample-entry",
    topic: str = "common-mistakes",
    title: str = "Sample entry title",
    errors: list[str] | None = None,
    extra: str = "",
    body: str | None = None,
    fix: str = "Do the right thing.",
) -> str:
    errors_yaml = "".join(f"\n  - {e!r}" for e in errors) if errors else " []"
    front = (
        f"---\nid: {entry_id}\ntitle: {title!r}\ntopic: {topic}\ntags: [sample]\n"
        f"exceptions: [RuntimeError]\nerrors:{errors_yaml}\n"
        f"symptom: Something observable goes wrong.\nfix: {fix!r}\n"
    )
    body = (
        body
        if body is not None
        else "## Why\n\nBecause.\n\n## Fix\n\n```python right\nx = 1\n```\n"
    )
    return front + extra + "---\n\n" + body


@pytest.fixture
def write_entry(tmp_path):
    """Write an entry file into a KB folder under tmp_path; returns its path."""
    root = tmp_path / "kb"

    def write(
        entry_id: str = "sample-entry",
        topic: str = "common-mistakes",
        text: str | None = None,
        **kw,
    ):
        path = root / topic / f"{entry_id}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            text if text is not None else entry_text(entry_id, topic, **kw), encoding="utf-8"
        )
        return path

    write.root = root
    return write


class Outcome(NamedTuple):
    code: int
    out: str
    err: str


class _Stdin(io.TextIOWrapper):
    """Standard input that is a pipe, not a terminal."""

    def isatty(self) -> bool:
        return False


@pytest.fixture
def cli(capsys, monkeypatch):
    """`flaskref ARGS...` in this process through `main(argv)`; stdin is a pipe (empty unless
    given; None means closed). Exit code, stdout and stderr come back."""
    from flaskref.cli import main

    def run(*args: str, stdin: str | bytes | None = "") -> Outcome:
        if stdin is None:
            monkeypatch.setattr(sys, "stdin", None)
        else:
            data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
            monkeypatch.setattr(sys, "stdin", _Stdin(io.BytesIO(data), encoding="utf-8"))
        code = main(list(args))
        out, err = capsys.readouterr()
        return Outcome(code, out, err)

    return run


def console_script() -> list[str]:
    """The installed `flaskref` script beside this interpreter (or `python -m flaskref`)."""
    script = shutil.which("flaskref", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "flaskref"]


@pytest.fixture
def run_cli(tmp_path):
    """Run the real `flaskref` script in a subprocess from a folder outside the checkout: for
    what only a process shows (exit of the script, closed or full standard streams)."""

    def run(
        *args: str,
        stdin: str | bytes | None = "",
        env: dict[str, str] | None = None,
        **popen,
    ):
        full_env = {**os.environ, **(env or {})}
        full_env.pop("NO_COLOR", None)
        if stdin is not None:
            popen["input"] = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
        return subprocess.run(
            console_script() + list(args),
            capture_output="stdout" not in popen and "stderr" not in popen,
            cwd=tmp_path,
            env=full_env,
            timeout=120,
            **popen,
        )

    return run


def run_at_once(code: str, count: int, cwd: Path) -> list[str]:
    """Start `count` Python processes running `code` together; every one must succeed.
    Returns what each printed."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=cwd,
        )
        for _ in range(count)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err for _, err in outputs]
    return [out for out, _ in outputs]
