"""The index read through its compact store (`store.py`): what a lookup asks, answered
without Whoosh."""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Callable
from itertools import compress

from flaskref.entry import Entry, Problem
from flaskref.store import FIELD_WEIGHT, Hit, Store, ints, present


def lean(fields: tuple) -> Entry:
    """The entry as ranking sees it (no body, no code): `full()` gives the whole one."""
    eid, title, topic, exceptions, errors, versions = fields[:6]
    return Entry(eid, title, topic, (), "", "", "", exceptions, errors, versions=versions)


class StoreIndex:
    """The index read through its compact store: the same questions `index.Index` answers,
    the same answers, without Whoosh. Fuzzy terms go to Whoosh (`whoosh()` opens it).

    A store found damaged while being read is replaced by a new build once, and the read is
    answered from that (`reopen` makes it), as `index.Index` does.
    """

    def __init__(
        self,
        store: Store,
        problems: tuple[Problem, ...],
        location: str,
        *,
        whoosh: Callable[[], object],
        reopen: Callable[[], object] | None = None,
    ) -> None:
        self._store = store
        self.problems = problems
        self.location = location
        self._whoosh_opener = whoosh
        self._whoosh = None
        self._reopen = reopen
        self._fresh = None  # the index that replaced a damaged store
        self._lean_cache: dict[int, Entry] = {}
        self._full_cache: dict[int, Entry] = {}
        self._record_cache: dict[int, tuple] = {}
        self._by_id: dict[str, int] | None = None
        self._entries_cache: list[Entry] | None = None

    def close(self) -> None:
        self._store.close()
        for other in (self._whoosh, self._fresh):
            if other is not None:
                other.close()

    def _reading(self, name: str, *args, **kwargs):
        """Call the store's method `_name`; on damage, rebuild once and ask the new index."""
        if self._fresh is None:
            try:
                return getattr(self, "_" + name)(*args, **kwargs)
            except Exception:
                if self._reopen is None:
                    raise
            self._fresh, self._reopen = self._reopen(), None
            self.problems, self.location = self._fresh.problems, self._fresh.location
        return getattr(self._fresh, name)(*args, **kwargs)

    # The questions `search._rank` asks.

    @property
    def doc_count(self) -> int:
        return self._fresh.doc_count if self._fresh else self._store.doc_count

    def doc_frequency(self, term: str) -> int:
        return self._reading("doc_frequency", term)

    def _doc_frequency(self, term: str) -> int:
        return self._store.doc_frequency(term)

    def name_frequency(self, name: str) -> int:
        return self._reading("name_frequency", name)

    def _name_frequency(self, name: str) -> int:
        return self._store.name_df.get(name, 0)

    def names(self, entry_id: str) -> frozenset[str]:
        return self._reading("names", entry_id)

    def _names(self, entry_id: str) -> frozenset[str]:
        doc = self._doc_of(entry_id)
        return frozenset(self._record(doc)[6]) if doc is not None else frozenset()

    def sources(self, entry_id: str) -> tuple[str, ...]:
        return self._reading("sources", entry_id)

    def _sources(self, entry_id: str) -> tuple[str, ...]:
        doc = self._doc_of(entry_id)
        return tuple(self._record(doc)[7]) if doc is not None else ()

    def search(
        self,
        terms: dict[str, float],
        field_boosts: dict[str, float],
        *,
        fuzzy: tuple[str, ...] = (),
        topic: str | None = None,
        limit: int = 40,
    ) -> list[Hit]:
        """As `index.Index.search`; a search with fuzzy terms is Whoosh's."""
        if fuzzy and self._fresh is None:
            if self._whoosh is None:
                self._whoosh = self._whoosh_opener()
            return self._whoosh.search(terms, field_boosts, fuzzy=fuzzy, topic=topic, limit=limit)
        return self._reading("search", terms, field_boosts, topic=topic, limit=limit)

    def _search(self, terms, field_boosts, *, topic=None, limit=40) -> list[Hit]:
        if not terms or not field_boosts:
            return []
        acc, parts = self._store.score(terms, field_boosts)
        if topic is not None:
            topics = self._store.header["topics"]
            acc = [a if topics[d] == topic else 0.0 for d, a in enumerate(acc)]
        # Every document a term matched scores above 0 (idf, boosts and parts are positive).
        kth = heapq.nlargest(limit, acc)[-1] if acc and limit > 0 else 0.0
        drift = self._store.drift
        if drift:
            # Updated since the last full build: the postings' parts were computed with the
            # average field lengths of then, each within a factor (1 +- drift) of today's.
            # Every document that can be in today's top `limit` is within that margin of the
            # top `limit` by the old parts; those are scored again exactly.
            kth = kth * (1 - drift) / (1 + drift) - 1e-12
        # The documents from the `limit`-th score up (ties included), found in C.
        close = list(compress(range(len(acc)), map(kth.__le__ if kth > 0 else (0.0).__lt__, acc)))
        if drift and close:
            acc = dict(zip(close, self._store.rescore(close, parts), strict=True))
        # Whoosh's order for an unlimited search: score, then document number, which in a
        # fresh index is the entry's place in the KB (`rank`; updates keep it so).
        if self._store.header["generation"]:
            rank = ints(self._store.header["rank"], "I")
            best = heapq.nsmallest(limit, close, key=lambda d: (-acc[d], rank[d]))
        else:  # a fresh build: the rank is the document number
            best = heapq.nsmallest(limit, close, key=lambda d: (-acc[d], d))
        chosen = set(best)
        matched: dict[int, dict[str, float]] = {d: {} for d in best}
        for term, name, docs, *_ in parts:
            weight = FIELD_WEIGHT.get(name, 0.0)
            for d in present(chosen, docs):
                if matched[d].get(term, -1.0) < weight:
                    matched[d][term] = weight
        return [Hit(self._lean_entry(d), acc[d], matched[d]) for d in best]

    def template_candidates(self, qwords: set[str], topic: str | None) -> list[Entry]:
        """The entries (in `entries()` order) with a template at least half of whose words
        are in `qwords`: `search._template_score` passes over every other one."""
        return self._reading("template_candidates", qwords, topic)

    def _template_candidates(self, qwords: set[str], topic: str | None) -> list[Entry]:
        words = self._store.words
        counts: Counter[tuple[int, int]] = Counter()
        sizes: dict[tuple[int, int], int] = {}
        for w in qwords:
            n = words.get(w)
            if n is None:
                continue
            flat = self._store.block(n)  # (document, template, its size) after one another
            keys = list(zip(flat[0::3], flat[1::3], strict=True))
            counts.update(keys)  # counted in C: common words list thousands of templates
            sizes.update(zip(keys, flat[2::3], strict=True))
        docs = {key[0] for key, n in counts.items() if 2 * n >= sizes[key]}
        topics, order = self._store.header["topics"], ints(self._store.header["order"], "I")
        return [
            self._lean_entry(d)
            for d in sorted(docs, key=order.__getitem__)
            if topic is None or topics[d] == topic
        ]

    def full(self, entry: Entry) -> Entry:
        """The whole entry for one `search` or `template_candidates` gave."""
        return self._reading("full", entry)

    def _full(self, entry: Entry) -> Entry:
        doc = self._doc_of(entry.id)
        return entry if doc is None else self._full_of(doc)

    def entries(self) -> list[Entry]:
        """Every entry, whole (for listings and `show`: ranking never needs them all)."""
        return self._reading("entries")

    def _entries(self) -> list[Entry]:
        if self._entries_cache is None:
            ids, order = self._store.header["ids"], ints(self._store.header["order"], "I")
            live = sorted((d for d in range(len(ids)) if ids[d] is not None), key=order.__getitem__)
            self._entries_cache = [self._full_of(d) for d in live]
        return self._entries_cache

    # Records.

    def _full_of(self, doc: int) -> Entry:
        found = self._full_cache.get(doc)
        if found is None:
            found = self._full_cache[doc] = Entry.from_dict(
                self._store.block(ints(self._store.header["full"], "I")[doc])
            )
        return found

    def _doc_of(self, entry_id: str) -> int | None:
        if self._by_id is None:
            ids = self._store.header["ids"]
            self._by_id = {eid: d for d, eid in enumerate(ids) if eid is not None}
        return self._by_id.get(entry_id)

    def _record(self, doc: int) -> tuple:
        found = self._record_cache.get(doc)
        if found is None:
            at = ints(self._store.header["lean"], "I")[doc]
            found = self._record_cache[doc] = self._store.block(at)
        return found

    def _lean_entry(self, doc: int) -> Entry:
        found = self._lean_cache.get(doc)
        if found is None:
            found = self._lean_cache[doc] = lean(self._record(doc))
        return found
