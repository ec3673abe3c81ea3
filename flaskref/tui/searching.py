"""The search thread: every use of the engine happens on one thread, newest query first.

A Whoosh searcher is not thread-safe: searches run at once on one searcher fail with
`UnpicklingError`, zlib errors or `ReaderClosed`. So the engine lives on a single worker
thread: searches queue there, a search that a newer one has superseded before it started is
skipped, and closing the engine is the last job the thread runs, after the searches drain.
Nothing here imports Textual, so it is tested on its own.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Protocol

from flaskref.entry import Entry, Problem
from flaskref.result import Result

RESULTS = 20
"""How many results a search lists."""


class SearchEngine(Protocol):
    """What the TUI needs from an engine: `flaskref.search.Engine`, or a stub in tests."""

    @property
    def problems(self) -> Sequence[Problem]: ...

    def entries(self) -> list[Entry]: ...

    def search(self, text: str, limit: int = 5) -> list[Result]: ...

    def close(self) -> None: ...


def open_engine(dirs: list[Path]) -> SearchEngine:
    """Open the engine on this thread, saying so on the terminal when it takes long (a new
    index is being built: seconds, where opening a cached one takes milliseconds)."""
    import sys

    from flaskref.search import Engine

    notice = threading.Timer(
        0.4, lambda: print("flaskref: building the search index…", file=sys.stderr, flush=True)
    )
    notice.start()
    try:
        return Engine(dirs)
    finally:
        notice.cancel()


class Superseded(Exception):
    """A newer search was asked for before this one started; its answer is not wanted."""


class SearchThread:
    """Owns one engine on one thread; the UI thread only reads `entries` once it is loaded."""

    def __init__(
        self, open_engine: Callable[[], SearchEngine], engine: SearchEngine | None = None
    ) -> None:
        self._open_engine = open_engine
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="flaskref-search")
        self._lock = threading.Lock()
        self._latest = 0
        self._closed = False
        self.engine: SearchEngine | None = None
        """The open engine; set on the search thread, read-only elsewhere."""
        self._ready = self._executor.submit(self._open, engine)

    @property
    def ready(self) -> Future[SearchEngine]:
        """Resolves once the engine is open and its entries are loaded."""
        return self._ready

    def _open(self, engine: SearchEngine | None) -> SearchEngine:
        engine = engine if engine is not None else self._open_engine()
        engine.entries()  # load them here, so the UI thread never touches the searcher
        self.engine = engine
        return engine

    def search(self, text: str, limit: int = RESULTS) -> Future[list[Result]]:
        """Queue a search; any search queued before it and not yet started is skipped."""
        with self._lock:
            self._latest += 1
            ticket = self._latest
        return self._submit(self._search, ticket, text, limit)

    def _search(self, ticket: int, text: str, limit: int) -> list[Result]:
        if ticket != self._latest:
            raise Superseded
        if not text.strip() or self.engine is None:
            return []
        return self.engine.search(text, limit)

    def reopen(self) -> Future[SearchEngine]:
        """Open the engine again (the KB changed on disk) and close the old one after it."""
        return self._submit(self._reopen)

    def _reopen(self) -> SearchEngine:
        old = self.engine
        new = self._open(None)
        if old is not None:
            old.close()
        return new

    def close(self) -> None:
        """Drop queued searches, then close the engine once the running one has finished.

        Does not wait: the thread closes the engine after its current job, so quitting is
        never held up by a long search.
        """
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._latest += 1  # whatever is still queued is superseded
        self._executor.submit(self._close)
        self._executor.shutdown(wait=False, cancel_futures=False)

    def _close(self) -> None:
        if self.engine is not None:
            self.engine.close()
            self.engine = None

    def _submit(self, fn, *args) -> Future:
        if self._closed:
            future: Future = Future()
            future.set_exception(Superseded())
            return future
        return self._executor.submit(fn, *args)
