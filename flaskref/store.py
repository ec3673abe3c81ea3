"""The compact store: what a lookup reads instead of opening the Whoosh index.

Whoosh stays the index: it analyzes, builds and serves what needs its machinery (fuzzy terms,
a store that cannot be read). Right after a build, `index.py` copies out of it what a lookup
needs, and this module writes it beside the index: the postings of every term per field (the
same document numbers and weights), each document's field lengths as Whoosh records them, the
average field lengths, a lean record per entry (what ranking reads: no bodies), the full
entry (read only for the results), and the words of every error template, so that only
entries whose templates can fit a message are scored (see `template_candidates`). `score`
is Whoosh's BM25F over those figures, with the same parameters, so a lookup scores exactly as
Whoosh would (tests hold the two equal) without importing Whoosh: the one-shot lookup's
largest cost.

Two files: `store.head` (a small header, loaded whole) and `store.data` (blocks read one by one
where the header says). Both are `marshal` data, never pickle; but unmarshalling damaged bytes
can crash the interpreter too, so the header is loaded only if its digest is the one in the
index's manifest, and each block only if its digest is the one in the header.
"""

from __future__ import annotations

import heapq
import marshal
import os
from array import array
from collections.abc import Callable, Iterable
from math import log
from typing import NamedTuple

from flaskref.entry import Entry, Problem

try:  # hashlib's own blake2b, without loading OpenSSL's hashes first (several milliseconds)
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - an interpreter built without it
    from hashlib import blake2b

HEAD = "store.head"
DATA = "store.data"
#: Part of the header: a store of another layout is not read.
VERSION = 2
#: Whoosh's BM25F defaults (`whoosh.scoring.BM25F`), which the index searches with.
B, K1 = 0.75, 1.2


TEXT_FIELDS = ("title", "errors", "exceptions", "tags", "symptom", "fix", "body")

#: How much a term found in a field says the entry is about it: a word in the title or the
#: error message is the entry's subject, a word somewhere in the body may be a side remark.
FIELD_WEIGHT = {
    "title": 1.0,
    "errors": 1.0,
    "tags": 1.0,
    "exceptions": 0.9,
    "symptom": 0.9,
    "fix": 0.7,
    "body": 0.35,
}


class Hit(NamedTuple):
    entry: Entry
    score: float
    matched: dict[str, float]
    """Each matched query term, with the weight of the best field it matched in."""


class Damaged(ValueError):
    """A part of the store is not what was written."""


def digest(data: bytes) -> str:
    return blake2b(data, digest_size=16).hexdigest()


def bm25(idf: float, tf: float, fl: float, avgfl: float) -> float:
    """Whoosh's `scoring.bm25`, the same expression in the same order (so the same bits)."""
    return idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))


class Writer:
    """Collects blocks into `store.data`; each is known by its number in the header's table
    of offsets, sizes and digests."""

    def __init__(self, folder: str) -> None:
        self._folder = folder
        self._fh = open(os.path.join(folder, DATA), "wb")  # noqa: SIM115 - closed in finish()
        self._offsets = array("Q")
        self._sizes = array("I")
        self._digests: list[bytes] = []
        self._offset = 0

    def block(self, value: object) -> int:
        data = marshal.dumps(value)
        self._fh.write(data)
        self._offsets.append(self._offset)
        self._sizes.append(len(data))
        self._digests.append(blake2b(data, digest_size=16).digest())
        self._offset += len(data)
        return len(self._sizes) - 1

    def close(self) -> None:
        self._fh.close()

    def finish(self, header: dict) -> str:
        """Write the header; returns its digest, for the manifest."""
        self._fh.close()
        table = (self._offsets.tobytes(), self._sizes.tobytes(), b"".join(self._digests))
        head = marshal.dumps({**header, "blocks": table, "version": VERSION})
        tmp = os.path.join(self._folder, HEAD + ".tmp")
        with open(tmp, "wb") as fh:
            fh.write(head)
        os.replace(tmp, os.path.join(self._folder, HEAD))
        return digest(head)


def _ints(data: bytes, code: str):
    """An array's bytes as a sequence of numbers, without copying."""
    return memoryview(data).cast(code)


def table(pairs: dict[str, int]) -> tuple[str, bytes, bytes]:
    """A mapping of words to numbers as one sorted text, its offsets and the numbers: it
    loads as three objects (a dict of thousands of words costs milliseconds to unmarshal,
    on every lookup) and is searched by bisection (`Table`)."""
    keys = sorted(pairs)
    offsets = array("I", [0])
    for k in keys:
        offsets.append(offsets[-1] + len(k))
    return "".join(keys), offsets.tobytes(), array("q", [pairs[k] for k in keys]).tobytes()


class Table:
    """A `table()` read back: `get(word)` as a dict's."""

    def __init__(self, packed: tuple[str, bytes, bytes]) -> None:
        self._text, offsets, values = packed
        self._offsets, self._values = _ints(offsets, "I"), _ints(values, "q")
        self._n = len(self._values)

    def get(self, key: str, default: int | None = None) -> int | None:
        text, offsets = self._text, self._offsets
        lo, hi = 0, self._n
        while lo < hi:
            mid = (lo + hi) // 2
            if text[offsets[mid] : offsets[mid + 1]] < key:
                lo = mid + 1
            else:
                hi = mid
        if lo < self._n and text[offsets[lo] : offsets[lo + 1]] == key:
            return self._values[lo]
        return default


class Store:
    """An opened store: the header in memory, blocks read on demand."""

    def __init__(self, folder: str, expected: str) -> None:
        with open(os.path.join(folder, HEAD), "rb") as fh:
            head = fh.read()
        if digest(head) != expected:
            raise Damaged(f"{folder}: {HEAD} is not the one the index was built with")
        self.header = marshal.loads(head)
        if not isinstance(self.header, dict) or self.header.get("version") != VERSION:
            raise Damaged(f"{folder}: {HEAD} is of another layout")
        h = self.header
        offsets, sizes, self._digests = h["blocks"]
        self._offsets, self._sizes = _ints(offsets, "Q"), _ints(sizes, "I")
        self.fields: tuple[str, ...] = h["fields"]
        self.doc_count_all: int = h["dc_all"]
        self.doc_count: int = h["dc"]
        self._terms = Table(h["terms"])
        self.words = Table(h["words"])
        self.name_df = Table(h["name_df"])
        self._cache: dict[str, dict] = {}
        self._fd: int | None = os.open(os.path.join(folder, DATA), os.O_RDONLY)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def block(self, n: int):
        """Block number n, unmarshalled once its digest is checked."""
        size = self._sizes[n]
        data = os.pread(self._fd, size, self._offsets[n])
        if (
            len(data) != size
            or blake2b(data, digest_size=16).digest() != self._digests[16 * n : 16 * n + 16]
        ):
            raise Damaged("a block of the compact store is not what was written")
        return marshal.loads(data)

    def postings(self, term: str) -> dict[int, tuple]:
        """A term's postings: field number -> (document numbers, their BM25F scores, doc
        frequency); the numbers as memoryviews of arrays."""
        found = self._cache.get(term)
        if found is None:
            n = self._terms.get(term)
            found = {}
            if n is not None:
                for fi, (docs, scores, df) in self.block(n).items():
                    found[fi] = (_ints(docs, "I"), _ints(scores, "d"), df)
            self._cache[term] = found
        return found

    def doc_frequency(self, term: str) -> int:
        """In how many documents the term occurs, in the field where it occurs most."""
        return max((p[2] for p in self.postings(term).values()), default=0)

    def score(
        self, terms: dict[str, float], field_boosts: dict[str, float]
    ) -> tuple[list[float], set[int], list[tuple[str, str, object]]]:
        """BM25F of every document matching any term, as Whoosh scores an `Or` of
        `Term(field, term, boost=weight * field_boost)`: each posting's score was Whoosh's
        when the store was written, and Whoosh multiplies it by the boost.

        Returns the scores by document number, the documents matched, and the (term, field,
        documents) that matched, for `matched()`."""
        acc = [0.0] * self.doc_count_all
        touched: set[int] = set()
        parts = []
        fields = {name: i for i, name in enumerate(self.fields)}
        for term, weight in terms.items():
            postings = self.postings(term)
            if not postings:
                continue
            for name, boost in field_boosts.items():
                found = postings.get(fields.get(name, -1))
                if not found:
                    continue
                docs, scores, _ = found
                qb = weight * boost
                for doc, s in zip(docs, scores, strict=True):
                    acc[doc] += s * qb
                touched.update(docs)
                parts.append((term, name, docs))
        return acc, touched, parts


# -- serving lookups -------------------------------------------------------------------------


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
        acc, touched, parts = self._store.score(terms, field_boosts)
        if topic is not None:
            topics = self._store.header["topics"]
            touched = {d for d in touched if topics[d] == topic}
        # Whoosh's order for an unlimited search: score, then document number.
        best = heapq.nsmallest(limit, touched, key=lambda d: (-acc[d], d))
        chosen = set(best)
        matched: dict[int, dict[str, float]] = {d: {} for d in best}
        for term, name, docs in parts:
            weight = FIELD_WEIGHT.get(name, 0.0)
            for d in chosen.intersection(docs):
                if matched[d].get(term, -1.0) < weight:
                    matched[d][term] = weight
        return [Hit(self._lean_entry(d), acc[d], matched[d]) for d in best]

    def template_candidates(self, qwords: set[str], topic: str | None) -> list[Entry]:
        """The entries (in `entries()` order) with a template at least half of whose words
        are in `qwords`: `search._template_score` passes over every other one."""
        return self._reading("template_candidates", qwords, topic)

    def _template_candidates(self, qwords: set[str], topic: str | None) -> list[Entry]:
        words = self._store.words
        counts: dict[tuple[int, int], int] = {}
        sizes: dict[tuple[int, int], int] = {}
        for w in qwords:
            n = words.get(w)
            if n is None:
                continue
            flat = self._store.block(n)
            for i in range(0, len(flat), 3):
                key = (flat[i], flat[i + 1])
                counts[key] = counts.get(key, 0) + 1
                sizes[key] = flat[i + 2]
        docs = {doc for key, n in counts.items() if 2 * n >= sizes[key] for doc in key[:1]}
        topics, order = self._store.header["topics"], _ints(self._store.header["order"], "I")
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
            ids = self._store.header["ids"]
            every = [self._full_of(d) for d in range(len(ids))]
            self._entries_cache = sorted(every, key=lambda e: (e.topic, e.title.lower()))
        return self._entries_cache

    # Records.

    def _full_of(self, doc: int) -> Entry:
        found = self._full_cache.get(doc)
        if found is None:
            found = self._full_cache[doc] = Entry.from_dict(
                self._store.block(_ints(self._store.header["full"], "I")[doc])
            )
        return found

    def _doc_of(self, entry_id: str) -> int | None:
        if self._by_id is None:
            self._by_id = {eid: d for d, eid in enumerate(self._store.header["ids"])}
        return self._by_id.get(entry_id)

    def _record(self, doc: int) -> tuple:
        found = self._record_cache.get(doc)
        if found is None:
            at = _ints(self._store.header["lean"], "I")[doc]
            found = self._record_cache[doc] = self._store.block(at)
        return found

    def _lean_entry(self, doc: int) -> Entry:
        found = self._lean_cache.get(doc)
        if found is None:
            found = self._lean_cache[doc] = lean(self._record(doc))
        return found


def write(folder: str, stats: dict, postings: Iterable[tuple], records: Iterable[tuple]) -> str:
    """Write a store into `folder` (an index build's folder); returns the header's digest.

    `stats`: the field names, doc counts, and per field the average length and each
    document's length, as Whoosh's scorer reads them; `postings`: (term, {field number:
    (docs, weights, doc frequency)}) one term at a time; `records`: per document number, in
    order, (entry, its names, where its messages are printed).
    """
    from flaskref.messages import literal_words

    dc, avgfls, lengths = stats["dc_all"], stats["avgfl"], stats["lengths"]

    def scored(fi: int, docs, weights, df: int) -> tuple[bytes, bytes, int]:
        idf = log(dc / (df + 1)) + 1  # Whoosh's WeightingModel.idf
        fl = lengths[fi]
        values = [bm25(idf, w, fl[d], avgfls[fi]) for d, w in zip(docs, weights, strict=True)]
        return array("I", docs).tobytes(), array("d", values).tobytes(), df

    out = Writer(folder)
    try:
        terms = {
            term: out.block({fi: scored(fi, *p) for fi, p in by_field.items()})
            for term, by_field in postings
        }
        lean_at, full_at, ids, topics, sort_keys = array("I"), array("I"), [], [], []
        name_df: dict[str, int] = {}
        words: dict[str, list[int]] = {}
        for doc, (entry, names, sources) in enumerate(records):
            lean_at.append(
                out.block(
                    (
                        entry.id,
                        entry.title,
                        entry.topic,
                        entry.exceptions,
                        entry.errors,
                        entry.versions,
                        tuple(names),
                        tuple(sources),
                    )
                )
            )
            full_at.append(out.block(entry.to_dict()))
            ids.append(entry.id)
            topics.append(entry.topic)
            sort_keys.append((entry.topic, entry.title.lower(), doc))
            for name in set(names):
                name_df[name] = name_df.get(name, 0) + 1
            for t, template in enumerate(entry.errors):
                unique = set(literal_words(template))
                for w in unique:
                    words.setdefault(w, []).extend((doc, t, len(unique)))
        order = array("I", [0] * len(ids))
        for rank, (_, _, doc) in enumerate(sorted(sort_keys)):
            order[doc] = rank
        header = {
            "fields": stats["fields"],
            "dc_all": dc,
            "dc": stats["dc"],
            "terms": table(terms),
            "words": table({w: out.block(tuple(flat)) for w, flat in sorted(words.items())}),
            "lean": lean_at.tobytes(),
            "full": full_at.tobytes(),
            "ids": tuple(ids),
            "topics": tuple(topics),
            "order": order.tobytes(),
            "name_df": table(name_df),
        }
        return out.finish(header)
    except BaseException:
        out.close()
        raise
