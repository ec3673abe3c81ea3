"""Shared fixtures: a private index cache per test, KB folders written on disk, the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

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


@pytest.fixture
def run_cli(tmp_path):
    """Run the real `flaskref` in a subprocess from a folder outside the checkout."""

    def run(*args: str, stdin: str | None = None, env: dict[str, str] | None = None):
        full_env = {**os.environ, **(env or {})}
        full_env.pop("NO_COLOR", None)
        return subprocess.run(
            [sys.executable, "-m", "flaskref", *args],
            input=stdin if stdin is not None else "",
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=full_env,
            timeout=120,
        )

    return run
