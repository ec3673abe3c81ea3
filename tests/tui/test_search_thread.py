"""Searches run on one thread that owns the engine: bursts never run two at once."""

import asyncio
import threading
import time
from pathlib import Path

import pytest
from textual import events

from flaskref.search import Engine
from flaskref.tui.app import FlaskrefApp
from flaskref.tui.searching import SearchThread, Superseded
from flaskref.tui.widgets import QueryBox, ResultList

from .conftest import BUNDLED, settle

TRACEBACKS = [
    p.read_text()
    for p in sorted((Path(__file__).parent.parent / "data" / "tracebacks").glob("*.txt"))
]
QUERIES = [
    "working outside application context",
    "TemplateNotFound: index.html",
    "url_for BuildError endpoint",
    "session not persisting",
    "CSRF token missing",
    "sqlalchemy DetachedInstanceError",
    "werkzeug url_quote ImportError",
    "blueprint name collision",
]


class Recording:
    """The real engine, recording how many searches ran at once and on which threads."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._lock = threading.Lock()
        self.running = self.most = 0
        self.threads: set[int] = set()
        self.problems = engine.problems
        self.closed = False

    def entries(self):
        return self._engine.entries()

    def search(self, text, limit=5):
        with self._lock:
            self.running += 1
            self.most = max(self.most, self.running)
            self.threads.add(threading.get_ident())
        try:
            return self._engine.search(text, limit)
        finally:
            with self._lock:
                self.running -= 1

    def close(self):
        self.closed = True
        self._engine.close()


async def test_fifty_queries_without_waiting_end_on_the_last_answer():
    """Pastes and keystrokes faster than searches: none at once, the last one answered."""
    engine = Recording(Engine(BUNDLED))
    app = FlaskrefApp(kb_dirs=BUNDLED, open_engine=lambda: engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        box = app.query_one(QueryBox)
        for i in range(50):
            if i % 2:  # a whole traceback: a slow search, that the next query overtakes
                box.post_message(events.Paste(TRACEBACKS[i % len(TRACEBACKS)] + "\n" * i))
            else:
                box.value = QUERIES[i % len(QUERIES)] + " " * i
            await asyncio.sleep(0.01)  # not waiting for the search: 10 ms apart
        box.value = last = "TemplateNotFound: index.html"
        await settle(pilot)
        assert engine.most == 1 and len(engine.threads) == 1
        assert app.painted_query == last
        assert app.current.id == "template-not-found"
        assert app.query_one(ResultList).get_option_at_index(0).id == "template-not-found"
    deadline = time.monotonic() + 5  # closed on the search thread, after its last search
    while not engine.closed and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    assert engine.closed


class CountingEngine:
    """Records how many searches run at once, and on which threads."""

    def __init__(self) -> None:
        self.running = 0
        self.most = 0
        self.threads: set[int] = set()
        self.closed_while_running = False
        self.closed = False
        self.done: list[str] = []
        self.problems = ()
        self.gate = threading.Event()
        self.gate.set()

    def entries(self):
        return []

    def search(self, text, limit=5):
        self.running += 1
        self.most = max(self.most, self.running)
        self.threads.add(threading.get_ident())
        time.sleep(0.01)
        self.gate.wait(5)
        self.running -= 1
        self.done.append(text)
        return []

    def close(self):
        self.closed_while_running = self.running > 0
        self.closed = True


def test_one_thread_runs_the_searches_and_skips_the_superseded_ones():
    engine = CountingEngine()
    thread = SearchThread(lambda: engine)
    futures = [thread.search(f"query {i}") for i in range(30)]
    assert futures[-1].result(timeout=5) == []
    skipped = 0
    for future in futures[:-1]:
        try:
            future.result(timeout=5)
        except Superseded:
            skipped += 1
    assert engine.most == 1 and len(engine.threads) == 1
    assert skipped >= 25  # only the first (already running) and the last need to run
    assert engine.done[-1] == "query 29"
    thread.close()


def test_close_waits_for_the_running_search_then_closes_the_engine():
    engine = CountingEngine()
    engine.gate.clear()
    thread = SearchThread(lambda: engine)
    running = thread.search("slow")
    while not engine.running:
        time.sleep(0.001)
    queued = thread.search("never")
    thread.close()  # returns at once
    assert not engine.closed
    engine.gate.set()
    assert running.result(timeout=5) == []
    with pytest.raises(Superseded):
        queued.result(timeout=5)
    deadline = time.monotonic() + 5
    while not engine.closed and time.monotonic() < deadline:
        time.sleep(0.01)
    assert engine.closed and not engine.closed_while_running
    with pytest.raises(Superseded):
        thread.search("after close").result(timeout=5)
