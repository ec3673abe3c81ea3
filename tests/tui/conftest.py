"""Driving the real app: helpers that wait for the index and the search workers."""

from __future__ import annotations

from pathlib import Path

import pytest

from flaskref import paths

FIXTURE_KB = Path(__file__).resolve().parent / "kb_fixture"
BUNDLED = [paths.bundled_kb_dir()]


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("tui-cache")


@pytest.fixture(autouse=True)
def cache_dir(shared_cache, monkeypatch) -> Path:
    """One index cache for all TUI tests (overrides tests/conftest.py's per-test one).

    The cache is keyed by the KB's fingerprint, so sharing it is safe, and the bundled KB
    is indexed once instead of once per test.
    """
    monkeypatch.setenv("FLASKREF_CACHE_DIR", str(shared_cache))
    monkeypatch.delenv("FLASKREF_KB", raising=False)
    return shared_cache


async def settle(pilot, rounds: int = 4) -> None:
    """Wait until the engine is open and every search started by it has finished."""
    for _ in range(rounds):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
