"""Driving the real app: helpers that wait for the index and the search workers."""

from __future__ import annotations

from pathlib import Path

from flaskref import paths

FIXTURE_KB = Path(__file__).resolve().parent / "kb_fixture"
BUNDLED = [paths.bundled_kb_dir()]


async def settle(pilot, rounds: int = 4) -> None:
    """Wait until the engine is open and every search started by it has finished."""
    for _ in range(rounds):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
