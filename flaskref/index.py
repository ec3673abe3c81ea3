"""The Whoosh index: schema, analyzer, opening or building the cached index, term search.

This is the only module that imports Whoosh. The index stores everything the output needs
(each entry as JSON), so a lookup with a fresh cache parses no YAML and no Markdown.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple, TypeVar

from whoosh import index as whoosh_index
from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.analysis.filters import STOP_WORDS
from whoosh.fields import ID, STORED, TEXT, Schema
from whoosh.query import FuzzyTerm, Or, Term

from flaskref import cache, kb, paths
from flaskref.entry import Entry, Problem

#: Bump when the schema, the analyzer or the folder's layout changes: it is part of the cache
#: key. (6: manifest.json with the TOC digests replaced problems.json; 7: each entry's names;
#: 8: where the libraries print each entry's messages.)
SCHEMA_VERSION = 8
#: Written last into each cached index: the KB problems found while building it, and a
#: digest of each table of contents, which Whoosh unpickles: a damaged one is never read.
MANIFEST = "manifest.json"
T = TypeVar("T")


_PARTS = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")


class SplitFilter(Filter):
    """Yield each token whole, then its parts: `flask.current_app` also as `flask`, `current`,
    `app`, `current_app`; `DetachedInstanceError` also as `detached`, `instance`, `error`.

    The whole token keeps exact names findable; the parts let "detached instance" or
    "BuildError" find `werkzeug.routing.exceptions.BuildError`.
    """

    def __call__(self, tokens):
        for t in tokens:
            text = t.text
            yield t
            seen = {text}
            pieces = text.split(".") if "." in text else []
            pieces += _PARTS.findall(text)
            for piece in pieces:
                if piece and piece not in seen:
                    seen.add(piece)
                    t.text = piece
                    yield t
            t.text = text


#: Whoosh's stop words, less the ones that carry meaning in error messages ("not bound",
#: "no secret key"), plus the filler of questions.
# fmt: off
STOP = (frozenset(STOP_WORDS) - {"not", "no"}) | {
    "i", "my", "me", "how", "what", "why", "do", "does", "did", "get", "getting", "got",
    "please", "help", "pls", "im", "ive", "am", "but", "so", "there", "here", "has", "was",
    # the filler of a described situation: "when running inside celery", "while trying to"
    "inside", "running", "using", "trying", "while", "within", "happens", "keep", "keeps",
}
# fmt: on

ANALYZER = (
    RegexTokenizer()
    | SplitFilter()
    | LowercaseFilter()
    | StopFilter(stoplist=STOP, minsize=1)
    | StemFilter()
)

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


def make_schema() -> Schema:
    return Schema(
        id=ID(stored=True, unique=True),
        topic=ID(stored=True),
        title=TEXT(analyzer=ANALYZER),
        errors=TEXT(analyzer=ANALYZER),
        exceptions=TEXT(analyzer=ANALYZER),
        tags=TEXT(analyzer=ANALYZER),
        symptom=TEXT(analyzer=ANALYZER),
        fix=TEXT(analyzer=ANALYZER),
        body=TEXT(analyzer=ANALYZER),
        data=STORED,
        names=STORED,
        sources=STORED,
    )


def analyze(text: str) -> list[str]:
    """The index terms of a text, in order, as the index sees them."""
    return [t.text for t in ANALYZER(text, mode="query")]


class Hit(NamedTuple):
    entry: Entry
    score: float
    matched: dict[str, float]
    """Each matched query term, with the weight of the best field it matched in."""


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


def open_index(dirs: list[Path] | None = None, *, rebuild: bool = False) -> Index:
    """The index for these KB folders: the cached one if fresh, else a new one.

    The cache folder is keyed by a fingerprint of the KB files, so editing, adding or removing
    an entry makes a new index on the next lookup. If the cache cannot be used (not safe, not
    writable, locked for too long), the index is built in memory and the lookup still answers.
    """
    dirs = dirs if dirs is not None else paths.kb_dirs()
    fp = kb.fingerprint(dirs, SCHEMA_VERSION)
    base = cache.usable(paths.cache_dir())
    if base is None:
        return _build_in_memory(kb.load(dirs))
    target = base / f"index-{fp}"
    if not rebuild:
        index = _open_cached(target, dirs)
        if index is not None:
            return index
    return _build_cached(dirs, target, replace=cache.identity(target) if rebuild else None)


def _open_cached(target: Path, dirs: list[Path]) -> Index | None:
    """The index in `target`, if it is ours, intact and opens; None if it must be (re)built."""
    if not cache.is_ours(target):
        return None
    seen = cache.identity(target)
    try:
        problems = _read_manifest(target)
        ix = whoosh_index.open_dir(str(target))
        return Index(
            ix, problems, str(target), reopen=lambda: _build_cached(dirs, target, replace=seen)
        )
    except Exception:  # damaged: Whoosh, zlib, struct, pickle, EOF errors and more
        return None


def _build_cached(
    dirs: list[Path], target: Path, *, replace: tuple[int, int, int] | None = None
) -> Index:
    """Build the index into the cache under the build lock, and open it.

    While this process waited for the lock another may have built the index: that one is
    used, unless it is the very folder `replace` names (found damaged, or `--rebuild`).
    """
    base = target.parent
    loaded: kb.KB | None = None
    try:
        with cache.build_lock(base):
            current = cache.identity(target)
            if current is not None and current != replace:
                index = _open_cached(target, dirs)
                if index is not None:
                    return index
            loaded = kb.load(dirs)
            build = cache.new_build(base)
            try:
                ix = whoosh_index.create_in(str(build), make_schema())
                _fill(ix, loaded.entries)
                _write_manifest(build, loaded.problems)
                cache.publish(build, target)
            except BaseException:
                cache.remove(build)
                raise
            cache.prune(base, keep=target)
        ix = whoosh_index.open_dir(str(target))
        return Index(ix, loaded.problems, str(target), reopen=None)
    except Exception:  # cannot write, lock timeout, a build that cannot be reopened
        return _build_in_memory(loaded if loaded is not None else kb.load(dirs))


def _build_in_memory(loaded: kb.KB) -> Index:
    from whoosh.filedb.filestore import RamStorage

    ix = RamStorage().create_index(make_schema())
    _fill(ix, loaded.entries)
    return Index(ix, loaded.problems, "memory")


def _fill(ix, entries: tuple[Entry, ...]) -> None:
    from flaskref.evidence import entry_names
    from flaskref.generated import sources

    writer = ix.writer()
    for e in entries:
        writer.add_document(
            id=e.id,
            topic=e.topic,
            title=e.title,
            errors="\n".join(e.errors),
            exceptions=" ".join(e.exceptions),
            tags=", ".join(e.tags),
            symptom=e.symptom,
            fix=e.fix,
            body=e.body,
            data=json.dumps(e.to_dict()),
            names=sorted(
                entry_names(
                    e.errors, e.exceptions, e.tags, (b.code for b in e.blocks), (e.symptom, e.fix)
                )
            ),
            sources=sources(e.errors),
        )
    writer.commit()


def _toc_digests(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.blake2b(p.read_bytes(), digest_size=16).hexdigest()
        for p in sorted(folder.glob("_*.toc"))
    }


def _write_manifest(folder: Path, problems: tuple[Problem, ...]) -> None:
    manifest = {"problems": [p._asdict() for p in problems], "toc": _toc_digests(folder)}
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")


def _read_manifest(folder: Path) -> tuple[Problem, ...]:
    """The problems recorded at build time; raises ValueError if the TOC is not as written."""
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    if manifest["toc"] != _toc_digests(folder):
        raise ValueError(f"{folder}: the index's table of contents changed since it was built")
    return tuple(Problem(**p) for p in manifest["problems"])
