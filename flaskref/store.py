"""The compact store: what a lookup reads instead of opening the Whoosh index.

Whoosh stays the index: it analyzes, builds and serves what needs its machinery (fuzzy terms,
a store that cannot be read). Beside it, `store_build.py` writes what a lookup needs: the
postings of every term per field (document numbers and the term-frequency part of Whoosh's
BM25F for each), the field lengths they were computed with, a lean record per entry (what
ranking reads: no bodies), the full entry (read only for the results), and the words of every
error template, so that only entries whose templates can fit a message are scored. `Store.
score` is Whoosh's BM25F over those figures, with the same parameters, so a lookup scores as
Whoosh would (tests hold the two equal) without importing Whoosh: the one-shot lookup's
largest cost. `store_index.py` answers searches from it.

Two files: a small header (`store.head`, loaded whole) and the data (`store.data`, blocks read
one by one where the header says). Both are `marshal` data, never pickle; but unmarshalling
damaged bytes can crash the interpreter too, so the header is loaded only if its digest is the
one in the index's manifest, and each block only if its digest is the one in the header. An
update appends blocks and writes a header of another name: a reader of the old one is never
disturbed.
"""

from __future__ import annotations

import marshal
import os
from array import array
from bisect import bisect_left
from functools import cached_property
from math import log

from flaskref.entry import Entry
from flaskref.record import Record

try:  # hashlib's own blake2b, without loading OpenSSL's hashes first (several milliseconds)
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - an interpreter built without it
    from hashlib import blake2b

HEAD = "store.head"
DATA = "store.data"
#: Part of the header: a store of another layout is not read.
VERSION = 3
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


def field_texts(entry: Entry) -> tuple[str, ...]:
    """The text of each of `TEXT_FIELDS` as the index reads it from an entry."""
    return (
        entry.title,
        "\n".join(entry.errors),
        " ".join(entry.exceptions),
        ", ".join(entry.tags),
        entry.symptom,
        entry.fix,
        entry.body,
    )


class Hit(Record):
    entry: Entry
    score: float
    matched: dict[str, float]
    """Each matched query term, with the weight of the best field it matched in."""


class Damaged(ValueError):
    """A part of the store is not what was written."""


def digest(data: bytes) -> str:
    return blake2b(data, digest_size=16).hexdigest()


def tf_part(tf: float, fl: float, avgfl: float) -> float:
    """Whoosh's `scoring.bm25` without its idf factor: `bm25 = idf * tf_part`. The idf is
    applied when a lookup scores, so that an update (which changes the document count and
    frequencies) rewrites only the postings of the terms it touches."""
    return (tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl))


class Writer:
    """Collects blocks into the data file; each is known by its number in the header's table
    of offsets, sizes and digests.

    `base`, a store's header, makes the writer add to that store: blocks are appended after
    the existing ones (which readers of the old header keep reading) and keep their numbers.
    """

    def __init__(self, folder: str, base: dict | None = None) -> None:
        self._folder = folder
        self._data = base["data"] if base else DATA
        path = os.path.join(folder, self._data)
        self._fh = open(path, "ab" if base else "wb")  # noqa: SIM115 - closed in finish()
        self._offsets, self._sizes = array("Q"), array("I")
        self._digests: list[bytes] = []
        if base:
            offsets, sizes, digests = base["blocks"]
            self._offsets.frombytes(offsets)
            self._sizes.frombytes(sizes)
            self._digests.append(digests)
        self._offset = self._fh.seek(0, os.SEEK_END)

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

    def finish(self, header: dict, head: str = HEAD) -> str:
        """Write the header as the file `head`; returns its digest, for the manifest."""
        self._fh.close()
        table = (self._offsets.tobytes(), self._sizes.tobytes(), b"".join(self._digests))
        data = marshal.dumps({**header, "blocks": table, "data": self._data, "version": VERSION})
        tmp = os.path.join(self._folder, head + ".tmp")
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, os.path.join(self._folder, head))
        return digest(data)


def ints(data: bytes, code: str):
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
        self._offsets, self._values = ints(offsets, "I"), ints(values, "q")
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

    def __init__(self, folder: str, expected: str, head: str = HEAD) -> None:
        with open(os.path.join(folder, head), "rb") as fh:
            data = fh.read()
        if digest(data) != expected:
            raise Damaged(f"{folder}: {head} is not the one the index was built with")
        self.header = marshal.loads(data)
        if not isinstance(self.header, dict) or self.header.get("version") != VERSION:
            raise Damaged(f"{folder}: {head} is of another layout")
        h = self.header
        offsets, sizes, self._digests = h["blocks"]
        self._offsets, self._sizes = ints(offsets, "Q"), ints(sizes, "I")
        self.fields: tuple[str, ...] = h["fields"]
        self.slots: int = len(h["ids"])
        self.doc_count: int = h["dc"]
        self._terms = Table(h["terms"])
        self.words = Table(h["words"])
        self.name_df = Table(h["name_df"])
        self._cache: dict[str, dict] = {}
        self._tfs_at: dict[str, int] = {}
        self._tfs_cache: dict[str, dict] = {}
        self._fd: int | None = os.open(os.path.join(folder, h["data"]), os.O_RDONLY)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def raw(self, offset: int, size: int) -> bytes:
        """Bytes of the data file as they are (`block` checks and reads them; compaction
        copies them unread)."""
        data = os.pread(self._fd, size, offset)
        if len(data) != size:
            raise Damaged("the compact store's data is shorter than its header says")
        return data

    def block(self, n: int):
        """Block number n, unmarshalled once its digest is checked."""
        data = self.raw(self._offsets[n], self._sizes[n])
        if blake2b(data, digest_size=16).digest() != self._digests[16 * n : 16 * n + 16]:
            raise Damaged("a block of the compact store is not what was written")
        return marshal.loads(data)

    def postings(self, term: str) -> dict[int, tuple]:
        """A term's postings: field number -> (document numbers, their BM25 term-frequency
        parts, doc frequency); the numbers as memoryviews of arrays. Their term frequencies,
        which only `rescore` reads, are a block of their own (`term_frequencies`)."""
        found = self._cache.get(term)
        if found is None:
            n = self._terms.get(term)
            found = {}
            if n is not None:
                by_field, self._tfs_at[term] = self.block(n)
                for fi, (docs, parts, df) in by_field.items():
                    found[fi] = (ints(docs, "I"), ints(parts, "d"), df)
            self._cache[term] = found
        return found

    def term_frequencies(self, term: str, fi: int):
        """The term frequencies of a term's postings in field `fi`, in their order."""
        found = self._tfs_cache.get(term)
        if found is None:
            self.postings(term)
            found = self._tfs_cache[term] = self.block(self._tfs_at[term])
        return ints(found[fi], "I")

    def doc_frequency(self, term: str) -> int:
        """In how many documents the term occurs, in the field where it occurs most."""
        return max((p[2] for p in self.postings(term).values()), default=0)

    def score(
        self, terms: dict[str, float], field_boosts: dict[str, float]
    ) -> tuple[list[float], list[tuple]]:
        """BM25F of every document matching any term, as Whoosh scores an `Or` of
        `Term(field, term, boost=weight * field_boost)`: Whoosh's idf of the term in the
        field, times the term-frequency part written with the posting (see `tf_part`), times
        the boost.

        Returns the scores by document number (0: not matched), and what matched: (term,
        field, documents, field number, idf times boost), in the order scores were summed,
        for `rescore` and the matched terms."""
        acc = [0.0] * self.slots
        parts = []
        fields = {name: i for i, name in enumerate(self.fields)}
        dc = self.doc_count
        for term, weight in terms.items():
            postings = self.postings(term)
            if not postings:
                continue
            for name, boost in field_boosts.items():
                fi = fields.get(name, -1)
                found = postings.get(fi)
                if not found:
                    continue
                docs, tf_parts, df = found
                scale = (log(dc / (df + 1)) + 1) * (weight * boost)  # Whoosh's idf, the boost
                for doc, part in zip(docs, tf_parts, strict=True):
                    acc[doc] += part * scale
                parts.append((term, name, docs, fi, scale))
        return acc, parts

    @cached_property
    def live_avgfl(self) -> list[float]:
        """Today's average field lengths, as Whoosh averages them (1 for an empty field)."""
        dc = self.doc_count
        return [(total / dc if dc else 0) or 1 for total in self.header["totals"]]

    @cached_property
    def drift(self) -> float:
        """How far (relative) the average field lengths the postings were computed with are
        from today's; 0 in a fresh build."""
        pairs = zip(self.live_avgfl, self.header["avgfl"], strict=True)
        return max((abs(now / then - 1) for now, then in pairs), default=0.0)

    @cached_property
    def _lengths(self) -> list:
        """Each field's document lengths, as Whoosh's scorer reads them (only `rescore`)."""
        return [ints(b, "I") for b in self.block(self.header["lengths"])]

    def rescore(self, docs: list[int], parts: list[tuple]) -> list[float]:
        """The exact scores of `docs` (sorted) for what `score` matched: each part computed
        anew with today's average field lengths, summed in the same order, so the same
        figures as a fresh build's."""
        exact = dict.fromkeys(docs, 0.0)
        for term, _, posted, fi, scale in parts:
            tfs = self.term_frequencies(term, fi)
            fl, avgfl, n = self._lengths[fi], self.live_avgfl[fi], len(posted)
            for d in docs:
                at = bisect_left(posted, d)
                if at < n and posted[at] == d:
                    exact[d] += tf_part(tfs[at], fl[d], avgfl) * scale
        return [exact[d] for d in docs]


def present(docs: set[int], posted) -> set[int] | list[int]:
    """Which of a few documents a sorted sequence of document numbers holds: each looked up
    by bisection in a long one, which costs less than reading it through (even in C)."""
    n = len(posted)
    if n < 16 * len(docs):
        return docs.intersection(posted)
    found = []
    for d in docs:
        at = bisect_left(posted, d)
        if at < n and posted[at] == d:
            found.append(d)
    return found
