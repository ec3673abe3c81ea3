"""The KB's code blocks start running as soon as the tests are collected (see `blocks.py`)."""

from __future__ import annotations

import pytest

from . import blocks


@pytest.hookimpl(trylast=True)  # after `-k`/`-m` deselected what will not run
def pytest_collection_modifyitems(config, items):
    """Block tests go last, and their blocks start now, in the background."""
    waiting = [i for i in items if getattr(getattr(i, "function", None), "block_label", None)]
    if not waiting or config.option.collectonly:
        return
    chosen = set(map(id, waiting))
    items[:] = [i for i in items if id(i) not in chosen] + waiting
    blocks.RUNNING.start(config, waiting)


def pytest_sessionfinish(session, exitstatus):
    blocks.RUNNING.stop()
