"""The Whoosh index: schema, analyzer, the on-disk cache and term search.

This is the only module that imports Whoosh. The index stores everything the output needs
(each entry as JSON), so a lookup with a fresh cache parses no YAML and no Markdown.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import NamedTuple

from whoosh import index as whoosh_index
from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.analysis.filters import STOP_WORDS
from whoosh.fields import ID, STORED, TEXT, Schema
from whoosh.query import FuzzyTerm, Or, Term

from flaskref import kb, paths
from flaskref.entry import Entry, Problem

#: Bump when the schema or the analyzer changes: it is part of the cache key.
SCHEMA_VERSION = 5
_KEEP_OLD_INDEXES = 3


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
    """An opened index; cheap to keep for many searches (the TUI keeps one)."""

    def __init__(self, ix, problems: tuple[Problem, ...], location: str) -> None:
        self._ix = ix
        self.problems = problems
        self.location = location
        self._entries: list[Entry] | None = None
        self._by_doc: dict[int, Entry] = {}
        self._searcher = ix.searcher()

    def close(self) -> None:
        self._searcher.close()

    def entries(self) -> list[Entry]:
        """Every indexed entry, rebuilt from the stored JSON once per opened index."""
        if self._entries is None:
            self._load()
        return self._entries

    def _load(self) -> None:
        # Each stored record is decompressed and decoded once; hits map to these by number.
        self._by_doc = {
            docnum: Entry.from_dict(json.loads(fields["data"]))
            for docnum, fields in self._searcher.reader().iter_docs()
        }
        self._entries = sorted(self._by_doc.values(), key=lambda e: (e.topic, e.title.lower()))

    def doc_frequency(self, term: str) -> int:
        """In how many entries a term occurs in any field (for weighting query words)."""
        return max((self._searcher.doc_frequency(f, term) for f in TEXT_FIELDS), default=0)

    @property
    def doc_count(self) -> int:
        return self._searcher.doc_count()

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


def open_index(dirs: list[Path] | None = None, *, rebuild: bool = False) -> Index:
    """The index for these KB folders: the cached one if fresh, else a new one.

    The cache folder is keyed by a fingerprint of the KB files, so editing, adding or removing
    an entry makes a new index on the next lookup. If the cache cannot be written, the index
    is built in memory and the lookup still answers.
    """
    dirs = dirs if dirs is not None else paths.kb_dirs()
    fp = kb.fingerprint(dirs, SCHEMA_VERSION)
    base = paths.cache_dir()
    target = base / f"index-{fp}"
    if not rebuild and (target / "problems.json").is_file():
        try:
            ix = whoosh_index.open_dir(str(target))
            problems = _read_problems(target)
            return Index(ix, problems, str(target))
        except Exception:  # a damaged cache is rebuilt, never fatal
            pass
    loaded = kb.load(dirs)
    try:
        return _build_on_disk(base, target, loaded)
    except OSError:
        return _build_in_memory(loaded)


def _build_on_disk(base: Path, target: Path, loaded: kb.KB) -> Index:
    import shutil
    import tempfile

    base.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(base, 0o700)
    tmp = Path(tempfile.mkdtemp(prefix="building-", dir=base))
    try:
        ix = whoosh_index.create_in(str(tmp), make_schema())
        _fill(ix, loaded.entries)
        (tmp / "problems.json").write_text(
            json.dumps([p._asdict() for p in loaded.problems]), encoding="utf-8"
        )
        if target.exists():
            shutil.rmtree(target, ignore_errors=True)
        try:
            os.rename(tmp, target)
        except OSError:
            if not (target / "problems.json").is_file():
                raise
            shutil.rmtree(tmp, ignore_errors=True)  # another process won the race
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _prune(base, keep=target)
    return Index(whoosh_index.open_dir(str(target)), loaded.problems, str(target))


def _build_in_memory(loaded: kb.KB) -> Index:
    from whoosh.filedb.filestore import RamStorage

    ix = RamStorage().create_index(make_schema())
    _fill(ix, loaded.entries)
    return Index(ix, loaded.problems, "memory")


def _fill(ix, entries: tuple[Entry, ...]) -> None:
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
        )
    writer.commit()


def _read_problems(target: Path) -> tuple[Problem, ...]:
    try:
        raw = json.loads((target / "problems.json").read_text(encoding="utf-8"))
        return tuple(Problem(**p) for p in raw)
    except (OSError, ValueError, TypeError):
        return ()


def _prune(base: Path, keep: Path) -> None:
    """Remove stale indexes, keeping a few recent ones (other KB folder sets may use them)."""
    import shutil

    try:
        old = sorted(
            (p for p in base.glob("index-*") if p != keep),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
    except OSError:
        return
    for p in old[_KEEP_OLD_INDEXES:]:
        shutil.rmtree(p, ignore_errors=True)
