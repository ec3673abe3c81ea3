"""Driving the real app: helpers that wait for the index and the search and render threads."""

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


@pytest.fixture(autouse=True)
def user_dirs(tmp_path, monkeypatch) -> dict[str, Path]:
    """A private home for settings and the user's own KB (platformdirs reads XDG_*)."""
    dirs = {"config": tmp_path / "xdg-config", "data": tmp_path / "xdg-data"}
    monkeypatch.setenv("XDG_CONFIG_HOME", str(dirs["config"]))
    monkeypatch.setenv("XDG_DATA_HOME", str(dirs["data"]))
    return dirs


async def settle(pilot, rounds: int = 4) -> None:
    """Wait until the engine is open and every search and render started has finished."""
    from textual.worker import WorkerCancelled

    for _ in range(rounds):
        try:
            await pilot.app.workers.wait_for_complete()
        except WorkerCancelled:  # superseded by a newer search or render: wait for that one
            pass
        await pilot.pause()


def screen_text(app) -> str:
    """What the terminal shows now, as plain text (Textual is pinned: its compositor is stable)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())
