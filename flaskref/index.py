"""The Whoosh index: schema, analyzer, building it and its compact store, updating both in
place, term search.

With `analysis.py` (Whoosh's stemmer alone), the only module that imports Whoosh. The index
stores everything the output needs (each entry as JSON), so a lookup with a fresh cache
parses no YAML and no Markdown; a lookup through the compact store (`store.py`, written here
from the index just built) does not even import Whoosh. `opener.py` decides which is read.
"""

from __future__ import annotations

import json
import sys
from array import array
from collections import Counter
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import TypeVar

from whoosh import index as whoosh_index
from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.fields import ID, STORED, TEXT, Schema
from whoosh.query import FuzzyTerm, Or, Term
from whoosh.system import pack_uint
from whoosh.util.numeric import byte_to_length, length_to_byte

from flaskref import kb, store_build
from flaskref.analysis import STOP, analyze, split_parts
from flaskref.entry import Entry, Problem
from flaskref.opener import MANIFEST, SCHEMA_VERSION, open_index
from flaskref.store import FIELD_WEIGHT, TEXT_FIELDS, Hit, field_texts

__all__ = ["FIELD_WEIGHT", "MANIFEST", "SCHEMA_VERSION", "TEXT_FIELDS", "Hit", "open_index"]
T = TypeVar("T")


class SplitFilter(Filter):
    """Each token whole, then its parts (see `analysis.split_parts`)."""

    def __call__(self, tokens):
        for t in tokens:
            text = t.text
            for piece in split_parts(text):
                t.text = piece
                yield t
            t.text = text


ANALYZER = (
    RegexTokenizer()
    | SplitFilter()
    | LowercaseFilter()
    | StopFilter(stoplist=STOP, minsize=1)
    | StemFilter()
)


#: The tokenizer of the index's text fields, which are given their terms already analyzed
#: (`TermsField`); only something that parses text with the schema would run it.
PRE_ANALYZED = RegexTokenizer(r"\S+")


class TermsField(TEXT):
    """A text field given its terms as `analysis.analyze` made them (the same as `ANALYZER`
    makes, a test holds them equal): Whoosh's frequency postings are made from them directly,
    without a token object per word, most of what adding a document cost."""

    def index(self, value, **kwargs):
        boost = self.format.field_boost
        for term, freq in Counter(value).items():
            yield _term_bytes(term), freq, _weight(freq * boost), _frequency_bytes(freq)


# Whoosh's writer pools every posting of a build before it sorts them (a tuple of these
# values each); one object per distinct value instead of one per posting halves that memory.
_term_bytes = lru_cache(maxsize=200_000)(lambda term: term.encode("utf-8"))
_weight = lru_cache(maxsize=1024)(float)
_frequency_bytes = lru_cache(maxsize=1024)(pack_uint)

#: Whoosh's budget for pooled postings before it spills sorted runs to disk and merges them
#: back at commit (half a 10,000-entry build's time with the default, 128). Whoosh counts
#: about 180 bytes a posting, as if no value were shared; with the values shared above a
#: posting costs about 90, so this is about 250 MB at most: a 10,000-entry KB fits in it.
POOL_MB = 512


def make_schema() -> Schema:
    def text() -> TermsField:
        return TermsField(analyzer=PRE_ANALYZED, phrase=False)

    return Schema(
        id=ID(stored=True, unique=True),
        topic=ID(stored=True),
        title=text(),
        errors=text(),
        exceptions=text(),
        tags=text(),
        symptom=text(),
        fix=text(),
        body=text(),
        data=STORED,
        names=STORED,
        sources=STORED,
    )


def whoosh_analyze(text: str) -> list[str]:
    """The index terms of a text as Whoosh's analyzer gives them (`analysis.analyze` is the
    same without Whoosh)."""
    return [t.text for t in ANALYZER(text, mode="query")]


class Index:
    """An opened index; cheap to keep for many searches (the TUI keeps one).

    A cached index that fails while being read (a damaged file: Whoosh, zlib, struct, pickle
    or EOF errors, or anything else a flipped byte provokes) is replaced by a new build once,
    and the read is answered from that: `reopen` makes the new one.
    """

    def __init__(
        self,
        ix,
        problems: tuple[Problem, ...],
        location: str,
        *,
        reopen: Callable[[], Index] | None = None,
    ) -> None:
        self._ix = ix
        self.problems = problems
        self.location = location
        self._entries: list[Entry] | None = None
        self._by_doc: dict[int, Entry] = {}
        self._names: dict[str, frozenset[str]] = {}
        self._name_df: dict[str, int] = {}
        self._sources: dict[str, tuple[str, ...]] = {}
        self._reopen = reopen
        self._searcher = ix.searcher()

    def close(self) -> None:
        self._searcher.close()

    def entries(self) -> list[Entry]:
        """Every indexed entry, rebuilt from the stored JSON once per opened index."""
        if self._entries is None:
            self._reading(self._load)
        return self._entries

    def _load(self) -> None:
        # Each stored record is decompressed and decoded once; hits map to these by number.
        by_doc: dict[int, Entry] = {}
        names: dict[str, frozenset[str]] = {}
        name_df: dict[str, int] = {}
        sources: dict[str, tuple[str, ...]] = {}
        for docnum, fields in self._searcher.reader().iter_docs():
            entry = Entry.from_dict(json.loads(fields["data"]))
            by_doc[docnum] = entry
            names[entry.id] = frozenset(fields.get("names") or ())
            if fields.get("sources"):
                sources[entry.id] = tuple(fields["sources"])
            for name in names[entry.id]:
                name_df[name] = name_df.get(name, 0) + 1
        self._by_doc, self._names, self._name_df = by_doc, names, name_df
        self._sources = sources
        self._entries = sorted(by_doc.values(), key=lambda e: (e.topic, e.title.lower()))

    def names(self, entry_id: str) -> frozenset[str]:
        """The names an entry is about (see `evidence.entry_names`), lowercased."""
        self.entries()
        return self._names.get(entry_id, frozenset())

    def sources(self, entry_id: str) -> tuple[str, ...]:
        """Where the libraries print the entry's messages (see `generated.sources`)."""
        self.entries()
        return self._sources.get(entry_id, ())

    def name_frequency(self, name: str) -> int:
        """In how many entries a name occurs (a name in every entry tells nothing)."""
        self.entries()
        return self._name_df.get(name, 0)

    def template_candidates(self, qwords: set[str], topic: str | None) -> list[Entry]:
        """The entries whose templates `search._rank` scores (see `store.StoreIndex`)."""
        return [e for e in self.entries() if e.errors and (topic is None or e.topic == topic)]

    def full(self, entry: Entry) -> Entry:
        return entry

    def doc_frequency(self, term: str) -> int:
        """In how many entries a term occurs in any field (for weighting query words)."""
        return self._reading(
            lambda: max((self._searcher.doc_frequency(f, term) for f in TEXT_FIELDS), default=0)
        )

    @property
    def doc_count(self) -> int:
        return self._reading(self._searcher.doc_count)

    def search(
        self,
        terms: dict[str, float],
        field_boosts: dict[str, float],
        *,
        fuzzy: tuple[str, ...] = (),
        topic: str | None = None,
        limit: int = 40,
    ) -> list[Hit]:
        """Rank entries by BM25F over weighted, already analyzed terms.

        Queries are built from terms, never parsed: tracebacks are full of quotes, colons and
        brackets that Whoosh's query language would read as syntax.
        """
        clauses = []
        for term, weight in terms.items():
            for name, boost in field_boosts.items():
                clauses.append(Term(name, term, boost=weight * boost))
        for term in fuzzy:
            for name in ("title", "tags", "errors"):
                clauses.append(
                    FuzzyTerm(
                        name,
                        term,
                        boost=0.5 * field_boosts.get(name, 1.0),
                        maxdist=1,
                        prefixlength=1,
                    )
                )
        if not clauses:
            return []
        query = Or(clauses)
        filt = Term("topic", topic) if topic else None
        return self._reading(self._search, query, filt, limit)

    def _search(self, query, filt, limit: int) -> list[Hit]:
        if self._entries is None:
            self._load()
        # No top-N pruning: for a KB of this size scoring every match is cheaper than
        # Whoosh's block-quality bookkeeping over a union of hundreds of terms.
        results = self._searcher.search(query, limit=None, filter=filt, terms=True)[:limit]
        hits = []
        for r in results:
            matched: dict[str, float] = {}
            for field, raw in r.matched_terms():
                text = raw.decode() if isinstance(raw, bytes) else raw
                matched[text] = max(matched.get(text, 0.0), FIELD_WEIGHT.get(field, 0.0))
            hits.append(Hit(self._by_doc[r.docnum], r.score, matched))
        return hits

    def _reading(self, read: Callable[..., T], *args) -> T:
        """Run a read of the index; if a cached index turns out damaged, rebuild and rerun."""
        try:
            return read(*args)
        except Exception:
            if self._reopen is None:
                raise  # an index just built, in memory or on disk: not damage, a bug
        fresh, self._reopen = self._reopen(), None
        try:
            self._searcher.close()
        except Exception:  # closing a damaged index may fail too
            pass
        self._ix, self._searcher = fresh._ix, fresh._searcher
        self.problems, self.location = fresh.problems, fresh.location
        self._entries, self._by_doc, self._names, self._name_df = None, {}, {}, {}
        self._sources = {}
        return read(*args)


def open_dir(folder: str):
    return whoosh_index.open_dir(folder)


def build_in(folder: str, entries: tuple[Entry, ...]) -> str:
    """Build the index and its compact store into `folder`; returns the store's digest.

    The store's postings are gathered while Whoosh is given the same terms, document by
    document (Whoosh numbers them in that order), rather than read back out of Whoosh.
    """
    ix = whoosh_index.create_in(folder, make_schema())
    inverted = _Inverted()
    records = _fill(ix, entries, inverted)
    return store_build.write(folder, inverted.stats(), inverted.postings(), records)


def build_in_memory(loaded: kb.KB) -> Index:
    from whoosh.filedb.filestore import RamStorage

    ix = RamStorage().create_index(make_schema())
    _fill(ix, loaded.entries)
    return Index(ix, loaded.problems, "memory")


def _fill(ix, entries: tuple[Entry, ...], inverted: _Inverted | None = None) -> list[tuple]:
    """Add every entry to a new index; returns (entry, names, sources) per document."""
    writer = ix.writer(limitmb=POOL_MB)
    records = []
    for e in entries:
        names, sources = _record_parts(e)
        terms = [analyze(text) for text in field_texts(e)]
        writer.add_document(**_document(e, names, sources, terms))
        if inverted is not None:
            inverted.add(terms)
        records.append((e, names, sources))
    writer.commit()
    return records


class _Inverted:
    """The postings of a new index as its documents go in: per term and field, the document
    numbers and term frequencies; per field, each document's length as Whoosh keeps it."""

    def __init__(self) -> None:
        self._postings: dict[str, dict[int, tuple[array, array]]] = {}
        self._lengths = tuple(array("I") for _ in TEXT_FIELDS)
        self._totals = [0] * len(TEXT_FIELDS)
        self._docs = 0

    def add(self, terms: list[list[str]]) -> None:
        doc = self._docs
        self._docs += 1
        for fi, field_terms in enumerate(terms):
            self._totals[fi] += len(field_terms)
            self._lengths[fi].append(_quantized_length(len(field_terms)))
            for term, tf in Counter(field_terms).items():
                found = self._postings.setdefault(term, {}).get(fi)
                if found is None:
                    found = self._postings[term][fi] = (array("I"), array("I"))
                found[0].append(doc)
                found[1].append(tf)

    def stats(self) -> dict:
        """As Whoosh's searcher gives them (an empty field averages 1)."""
        dc = self._docs
        return {
            "fields": TEXT_FIELDS,
            "dc": dc,
            "avgfl": tuple((total / dc if dc else 0) or 1 for total in self._totals),
            "totals": tuple(self._totals),
            "lengths": self._lengths,
        }

    def postings(self) -> Iterator[tuple[str, dict[int, tuple]]]:
        for term in sorted(self._postings):
            yield (
                term,
                {fi: (docs, tfs, len(docs)) for fi, (docs, tfs) in self._postings[term].items()},
            )


def _record_parts(e: Entry) -> tuple[list[str], tuple[str, ...]]:
    """An entry's names and where its messages are printed (stored beside it)."""
    from flaskref.evidence import entry_names
    from flaskref.generated import sources

    code = (b.code for b in e.blocks)
    names = entry_names(e.errors, e.exceptions, e.tags, code, (e.symptom, e.fix))
    # Interned: the same names recur across entries, and a build holds them all at once.
    return sorted(map(sys.intern, names)), sources(e.errors)


def _document(
    e: Entry, names: list[str], sources: tuple[str, ...], terms: list[list[str]] | None = None
) -> dict:
    if terms is None:
        terms = [analyze(text) for text in field_texts(e)]
    texts = dict(zip(TEXT_FIELDS, terms, strict=True))
    return dict(
        id=e.id,
        topic=e.topic,
        **texts,
        data=json.dumps(e.to_dict()),
        names=names,
        sources=sources,
    )


def update_in(
    folder: str, head: str, digest: str, removed: list[str], changed: list[Entry], order: list[str]
) -> tuple[str, str]:
    """Update a cached index in place: the entries `removed` go, the `changed` ones are added
    or replaced; `order` is every entry id in KB order. The store first (it may refuse,
    `store_build.Stale`, before anything is written that a reader sees), then Whoosh.

    Returns the store's new header and its digest, for the manifest.
    """
    records = [(e, *_record_parts(e)) for e in changed]
    head, digest = store_build.update(
        folder,
        head,
        digest,
        removed=removed,
        records=records,
        kb_order=order,
        quantize=_quantized_length,
    )
    ix = open_dir(folder)
    writer = ix.writer()
    try:
        for eid in removed:
            writer.delete_by_term("id", eid)
        for record in records:
            writer.update_document(**_document(*record))
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    ix.close()
    return head, digest


def _quantized_length(n: int) -> int:
    """A field's length as Whoosh stores it (one byte) and its scorer reads it back."""
    b = length_to_byte(n)
    return byte_to_length(b) if b else 1
