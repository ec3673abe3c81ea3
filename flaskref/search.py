"""The search API both front ends call: text in, ranked `Result`s out.

Ranking works in tiers, each visible in a result's `why`:

1. the pasted message fits one of an entry's `errors` templates (strongest: that is the
   entry written for exactly this message);
2. the exception class, and the library that raised it, fit the entry's `exceptions`;
3. full-text ranking (Whoosh BM25F with field boosts) and how much of the query the entry
   covers, for questions and messages no template knows.

The score is a confidence in [0, 1]; below `CONFIDENT` the front ends say they have no
confident answer instead of presenting the nearest entry as the answer.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from flaskref import evidence, messages
from flaskref.entry import Entry, Problem
from flaskref.paths import StrPath
from flaskref.query import ParsedQuery, parse
from flaskref.record import Record
from flaskref.result import CONFIDENT, Result

__all__ = ["CONFIDENT", "Engine", "Result", "search"]

DOUBT = 0.42
"""Where doubtful answers are put (see `_doubt`): between this and CONFIDENT, listed first
among the unsure, never presented as the answer."""
NAME_SUPPORT = 0.5
"""The share of a message's names (weighted by rarity) an entry must be about."""
UBIQUITOUS = 0.25
"""A name in more than this share of the entries (`flask`, `app`) identifies nothing."""
QUESTION_EVIDENCE = 0.9
"""The weight of distinctive words a question needs for a confident answer (see `_telling`):
one rare name (`cors`) or two telling words; a lone common word (`python`) is not enough."""
#: Words of a question that describe trouble without saying which: they never count as
#: evidence for an entry, however few entries use them.
VAGUE = frozenset(
    """
    work works worked working doesn don isn wasn won can cant cannot not no never always
    problem problems issue issues error errors fail fails failed failing failure wrong broken
    bug bugs help fix fixed trouble thing things stuff something anything way use used
    happen happens happened show shows see try tried want need make made still again
    flask python app code abc
    """.split()
)

FIELD_BOOSTS = {
    "title": 3.0,
    "errors": 3.0,
    "exceptions": 2.0,
    "tags": 2.5,
    "symptom": 1.5,
    "fix": 1.0,
    "body": 0.4,
}

# Words people use for the same thing; each side also searches for the other.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "bp": ("blueprint",),
    "blueprints": ("blueprint",),
    "db": ("database", "sqlalchemy"),
    "sqla": ("sqlalchemy",),
    "ctx": ("context",),
    "app": ("application",),
    "env": ("environment",),
    "cfg": ("config",),
    "conf": ("config",),
    "tmpl": ("template",),
    "jinja": ("template",),
    "prod": ("production",),
    "deploy": ("production",),
    "cookie": ("session",),
    "persist": ("lost", "keep"),
    "absolute": ("external",),
    "js": ("javascript",),
}
_QWORD = re.compile(r"[A-Za-z0-9_]+")

# Bounds that keep a hostile or huge paste from costing more than a long traceback does.
MAX_TERMS = 256
"""Distinct query terms searched for; the weightiest are kept (the primary error's first)."""
MAX_TERM_CHARS = 100
"""Longer terms are left out: no entry holds such a word, and each costs index lookups."""
MAX_ANALYZED_CHARS = 16 * 1024
"""Of each piece of a paste (a message, the leftover words) only this much is analyzed: the
start of a message, the end of the words (nearest the error)."""
MAX_MATCH_CHARS = 4096
"""Templates are matched against at most this much of a message (its start) and of the paste
(its end): a template match costs time that grows with the square of a line's length."""
MAX_CHAIN = 16
"""Of a paste naming many errors, the last ones (the chain that ended in the primary one) are
matched against templates."""
FUZZY_CHARS = (5, 32)
"""Misspelt words are looked up fuzzily only within these lengths: the cost of a fuzzy term
grows with its length, and a typo of a longer word is rare."""


class Engine:
    """An opened KB index plus the ranking; keep one for many searches (the TUI does)."""

    def __init__(self, kb_dirs: list[StrPath] | None = None, *, rebuild: bool = False) -> None:
        from flaskref.opener import open_index

        self._index = open_index(kb_dirs, rebuild=rebuild)
        self._generated: dict[str, Entry] = {}

    @property
    def problems(self) -> tuple[Problem, ...]:
        """Files that were skipped or have problems, reported by the front ends."""
        return self._index.problems

    @property
    def location(self) -> str:
        return self._index.location

    def entries(self) -> list[Entry]:
        return self._index.entries()

    def entry(self, entry_id: str) -> Entry | None:
        """An entry by id; also a generated answer (`removed:...`, `message:...`) of the
        searches this engine made."""
        found = next((e for e in self.entries() if e.id == entry_id), None)
        return found or self._generated.get(entry_id)

    def close(self) -> None:
        self._index.close()

    def search(self, text: str, limit: int = 5, topic: str | None = None) -> list[Result]:
        parsed = parse(text)
        if parsed.is_empty:
            return []
        results = _rank(self._index, parsed, limit, topic)
        for r in results:
            if r.kind != "entry":
                self._generated[r.entry.id] = r.entry
        return results


def search(
    text: str, limit: int = 5, topic: str | None = None, kb_dirs: list[StrPath] | None = None
) -> list[Result]:
    """One search with a freshly opened index (the one-shot lookup)."""
    engine = Engine(kb_dirs)
    try:
        return engine.search(text, limit, topic)
    finally:
        engine.close()


# -- ranking -----------------------------------------------------------------------------


class _Terms(Record):
    search: dict[str, float]
    """Every term searched for, with its weight (all evidence)."""
    core: dict[str, float]
    """The terms coverage is measured on (the message, or the question)."""
    derived: set[str]
    """Core terms that only restate another: a compound's parts (`url` of `url_for`) and the
    synonyms `_expand` added (`database` for `db`). They help find, not to be sure."""


def _weighted_terms(parsed: ParsedQuery) -> _Terms:
    """Index terms with weights for BM25 (all evidence) and for coverage (the core only).

    The primary error's type and message weigh most; chained errors, the raising line and
    library names are evidence; frames' paths are noise and are left out.
    """
    from flaskref.analysis import analyze

    search_terms: dict[str, float] = {}
    core: dict[str, float] = {}
    typed: set[str] = set()
    expanded: set[str] = set()

    def add(text: str, weight: float, is_core: bool, *, tail: bool = False) -> None:
        if len(text) > MAX_ANALYZED_CHARS:
            text = text[-MAX_ANALYZED_CHARS:] if tail else text[:MAX_ANALYZED_CHARS]
        own = analyze(text)
        extra = analyze(_synonyms(text))
        if is_core:
            typed.update(own)
            expanded.update(extra)
        for term in own + extra:
            if len(term) > MAX_TERM_CHARS:
                continue
            search_terms[term] = max(search_terms.get(term, 0.0), weight)
            if is_core:
                core[term] = max(core.get(term, 0.0), weight)

    primary = parsed.primary
    if primary:
        add(primary.type, 2.0, True)
        add(primary.message, 3.0, True)
    for err in parsed.errors[:-1]:
        add(err.line, 1.5, not primary)
    if parsed.words:
        weight = 1.5 if not primary else 0.5
        add(parsed.words, weight, not primary or not parsed.is_traceback, tail=True)
    if parsed.http_status:
        add(str(parsed.http_status), 2.0, True)
    for frame in parsed.frames[-4:]:
        if frame.source:
            add(frame.source, 0.4, False)
    for lib in parsed.libraries:
        add(lib, 0.3, False)
    if len(search_terms) > MAX_TERMS:
        # Stable: among equal weights the first found (the primary error's words) stay.
        kept = sorted(search_terms, key=lambda t: -search_terms[t])[:MAX_TERMS]
        search_terms = {t: search_terms[t] for t in kept}
        core = {t: w for t, w in core.items() if t in search_terms}
    derived = (expanded - typed) | {t for t in core if any(t != u and t in u for u in core)}
    return _Terms(search_terms, core, derived)


def _synonyms(text: str) -> str:
    """The words people use for the words of `text` (see `SYNONYMS`)."""
    extra = []
    for word in _QWORD.findall(text.lower()):
        extra.extend(SYNONYMS.get(word, ()))
    return " ".join(extra)


# A path starts only where a word starts: from inside a long word it would rescan the rest.
_QUOTED = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"|(?<!\S)\S*[/\\]\S*")


def _message_words(parsed: ParsedQuery) -> set[str]:
    """The words of the pasted message that a template must explain: quoted values (names,
    paths) and file paths are left out, since placeholders stand for them."""
    text = parsed.primary.line if parsed.primary else parsed.text
    return {w.lower() for w in _QWORD.findall(_QUOTED.sub(" ", text))}


def _template_score(
    entry: Entry, parsed: ParsedQuery, qwords: set[str], mwords: set[str]
) -> tuple[float, str | None, bool]:
    """How well the entry's error templates fit the pasted message, and which one fit.

    Two directions count: how much of the template the paste contains (`recall`), and how
    much of the pasted message the template's own words explain (`explains`). A generic
    template (`cannot import name {name}`) matches many messages through its placeholder,
    but explains little of a long specific one, so the specific entry wins; a message cut
    off or reworded between versions still scores through its words.
    """
    best, best_t, best_exact = 0.0, None, False
    primary = parsed.primary
    for template in entry.errors:
        words = messages.literal_words(template)
        unique = set(words)
        if not unique:
            continue
        recall = len(unique & qwords) / len(unique)
        if recall < 0.5:
            continue
        explains = len(unique & mwords) / len(mwords) if mwords else 0.0
        exact = 0.0
        if recall == 1.0:
            if primary and messages.matches(template, primary.line[:MAX_MATCH_CHARS]):
                exact = 0.1
            elif any(
                messages.matches(template, e.line[:MAX_MATCH_CHARS])
                for e in parsed.errors[-MAX_CHAIN:]
            ):
                exact = 0.08
            elif messages.matches(template, parsed.text[-MAX_MATCH_CHARS:]):
                exact = 0.06
        if not exact and (
            len(unique) < 4
            or explains < 0.5
            or not _names_present(template, qwords)
            or len({w for w in unique & qwords if len(w) > 1} - evidence.PYTHON_PHRASING - VAGUE)
            < 2
        ):
            continue  # a few shared words, or another module's name, are not a match
        score = 0.35 * recall + 0.65 * explains + exact
        if score > best:
            best, best_t, best_exact = score, template, bool(exact)
    return best, best_t, best_exact


def _names_present(template: str, qwords: set[str]) -> bool:
    """Whether the names a template quotes literally ('werkzeug.contrib') are in the paste."""
    quoted = [q for q in _QUOTED.findall(template) if "{" not in q and q[:1] in "'\""]
    return all(w.lower() in qwords for q in quoted for w in _QWORD.findall(q))


_GENERIC_TYPES = frozenset({"error", "exception"})


def _names_an_exception(parsed: ParsedQuery) -> bool:
    """Whether the paste names a specific exception class (not click's bare "Error:", not
    an HTTP status page such as "405 Method Not Allowed", not a warning: the same deprecation
    is a warning in one release and an AttributeError in the next)."""
    primary = parsed.primary
    return (
        bool(primary)
        and " " not in primary.type
        and primary.name.lower() not in _GENERIC_TYPES
        and not primary.name.endswith("Warning")
    )


def _names_an_exception_class(parsed: ParsedQuery) -> bool:
    """A class that is not one of Python's own (`jinja2.exceptions.UndefinedError`): the class
    alone says which library's problem it is."""
    primary = parsed.primary
    if not primary or " " in primary.type:
        return False
    import builtins

    return not isinstance(getattr(builtins, primary.name, None), type)


def _exception_fit(entry: Entry, parsed: ParsedQuery) -> bool:
    primary = parsed.primary
    if not primary or not entry.exceptions:
        return False
    names = {e.rsplit(".", 1)[-1].lower() for e in entry.exceptions}
    return any(err.name.lower() in names for err in parsed.errors)


class _Names(Record):
    """The names a paste gives as evidence, weighed once per query."""

    message: dict[str, float]
    """Names the message quotes that some entry knows, each weighted by its rarity (a name
    no entry knows is the user's own, `post_id`, and identifies nothing)."""
    distinctive: dict[str, float]
    """Those not in most entries (`session_cookie_name`, not `flask`)."""
    frames: frozenset[str]
    """Names in the library frames that raised it (`dispatch_request`), if any entry knows
    them and they are not everywhere."""


def _query_names(index, parsed: ParsedQuery, n_docs: int) -> _Names:
    message: dict[str, float] = {}
    distinctive: dict[str, float] = {}
    primary = parsed.primary
    if primary:
        found = evidence.message_names(primary.message[:MAX_MATCH_CHARS])
        for name in found - {primary.type.lower(), primary.name.lower()}:
            df = index.name_frequency(name)
            if df:
                message[name] = math.log(1 + n_docs / (df + 1))
                if df <= UBIQUITOUS * n_docs:
                    distinctive[name] = message[name]
    frames: set[str] = set()
    if parsed.import_cycle:
        frames.add("circular")  # what entries about circular imports are about
    for frame in parsed.frames[-2:]:
        if frame.library and frame.library != "python":
            for name in evidence.code_names(f"{frame.function} {frame.source}"):
                if 0 < index.name_frequency(name) <= UBIQUITOUS * n_docs:
                    frames.add(name)
    return _Names(message, distinctive, frozenset(frames))


def _support(about: frozenset[str], names: dict[str, float]) -> float:
    """The rarity-weighted share of `names` an entry is about."""
    total = sum(names.values())
    return sum(w for n, w in names.items() if n in about) / total if total else 0.0


def _doubt(
    entry: Entry,
    template: str | None,
    fits: bool,
    parsed: ParsedQuery,
    names: _Names,
    about: frozenset[str],
    weight_of_evidence: float,
) -> str | None:
    """Why an entry that scored well may still not be the answer, or None.

    The names in a message identify it far more than its wording does (see `evidence`); a
    class of one library's own (`UndefinedError`) or a frame it raised in says whose problem
    it is too. Without a message, a question needs telling words.
    """
    if (fits and _names_an_exception_class(parsed)) or names.frames & about:
        return None
    if template is not None:
        if not evidence.is_generic(template):
            return None
        if names.message and _support(about, names.message) >= NAME_SUPPORT:
            return None
        return _names_doubt(names.distinctive) or "only a general wording of the message fits"
    if names.distinctive and _support(about, names.distinctive) < NAME_SUPPORT:
        return _names_doubt(names.distinctive)
    if weight_of_evidence < QUESTION_EVIDENCE:
        return "too few telling words for a confident answer"
    return None


def _names_doubt(distinctive: dict[str, float]) -> str | None:
    if not distinctive:
        return None
    # Ties in name order: a set's order changes with the process's hash seed.
    shown = ", ".join(sorted(distinctive, key=lambda n: (-distinctive[n], n))[:3])
    return f"not about what the message names ({shown})"


def _rank(index, parsed: ParsedQuery, limit: int, topic: str | None) -> list[Result]:
    terms = _weighted_terms(parsed)
    search_terms, core = terms.search, terms.core
    qwords = {w.lower() for w in _QWORD.findall(parsed.text)}
    mwords = _message_words(parsed)
    n_docs = max(index.doc_count, 1)
    df = {t: index.doc_frequency(t) for t in core}
    fuzzy: tuple[str, ...] = ()
    if not parsed.is_traceback and len(core) <= 8:
        low, high = FUZZY_CHARS
        fuzzy = tuple(t for t in core if low <= len(t) <= high and df[t] == 0)

    hits = index.search(search_terms, FIELD_BOOSTS, fuzzy=fuzzy, topic=topic, limit=40)
    top_bm25 = max((h.score for h in hits), default=1.0) or 1.0
    by_id = {h.entry.id: h for h in hits}

    idf = {t: math.log(1 + n_docs / (df[t] + 1)) for t in core}
    rarest = math.log(1 + n_docs / 2)  # a word of one entry: telling weights are shares of it
    core_total = sum(core[t] * idf[t] for t in core) or 1.0

    candidates: dict[str, Entry] = {h.entry.id: h.entry for h in hits}
    for entry in index.template_candidates(qwords, topic):
        candidates.setdefault(entry.id, entry)

    named = _names_an_exception(parsed)
    names = _query_names(index, parsed, n_docs)
    vague = _vague_terms()
    derived = terms.derived
    phrase = _question_phrase(parsed)
    builtin_class = _builtin_class_terms(parsed)
    tiered: list[tuple[int, Result]] = []
    for entry in candidates.values():
        why: list[str] = []
        fits = _exception_fit(entry, parsed)
        # A pasted AttributeError that happens to read like Jinja's "'x' has no attribute 'y'"
        # is not a Jinja error: a named exception class the entry does not list overrules
        # a coincidence of wording.
        contradicts = bool(entry.exceptions) and not fits and named
        t_score, template, exact = (
            (0.0, None, False) if contradicts else _template_score(entry, parsed, qwords, mwords)
        )
        hit = by_id.get(entry.id)
        matched = hit.matched if hit else {}
        coverage = 0.0
        if matched:
            coverage = sum(core[t] * idf[t] * matched.get(t, 0.0) for t in core) / core_total
        bm25 = (hit.score / top_bm25) if hit else 0.0
        if t_score:
            score = 0.5 + 0.35 * min(t_score / 1.1, 1.0) + 0.1 * bm25 + 0.05 * fits
            # A name the template spells out and the message quotes is the strongest fit
            # there is ("'list' is undefined" over "'{name}' is undefined").
            score += 0.05 * (exact and bool(evidence.literal_names(template)))
            why.append(f"error message matches: {template}")
        else:
            score = 0.7 * coverage + 0.15 * bm25 + 0.1 * fits
            if phrase and _in_title(phrase, entry.title):
                score += 0.1  # the title says what was asked, in the same order
            if contradicts:
                score *= 0.6  # an error of another exception class is not this entry's
            elif named:
                score *= 0.8  # words alone, while the pasted message itself went unexplained
        if not t_score and not hit:
            continue
        telling = _telling(core, idf, matched, vague | derived | builtin_class) / rarest
        doubt = _doubt(entry, template, fits, parsed, names, index.names(entry.id), telling)
        if doubt and score >= DOUBT:
            # Just below CONFIDENT, in the same order as before among the doubted: still the
            # best of the unsure answers, never the answer.
            score = DOUBT + (CONFIDENT - DOUBT - 0.001) * min(score, 1.0)
            why.append(doubt)
        if fits:
            libs = ", ".join(parsed.libraries[-1:])
            why.append(f"exception {parsed.primary.name}" + (f" raised in {libs}" if libs else ""))
        if hit and not t_score:
            why.append(f"words: {coverage:.0%} of the query matched")
        tier = TIER_EXACT if exact and not doubt else TIER_OTHER
        if tier == TIER_EXACT:
            why.extend(index.sources(entry.id))  # where the library prints it
        tiered.append((tier, Result(entry, round(min(score, 1.0), 3), tuple(why))))

    if parsed.primary and (topic is None or topic in ("upgrades",)):
        tiered.extend(_generated(parsed, tiered))
    tiered.sort(key=lambda tr: (-tr[0], -tr[1].score, tr[1].entry.title))
    results = _monotonic([r for _, r in tiered[: max(limit, 1) + 2]])
    # Ranking read lean records (see `store.StoreIndex`); the results carry whole entries.
    results = [r._replace(entry=index.full(r.entry)) if r.kind == "entry" else r for r in results]
    results = _apply_versions(results)
    return results[:limit]


# Tiers, best first: an entry whose template fits the message exactly and that is about its
# names; a removed API the message names; a library message the catalog knows; the rest.
TIER_EXACT, TIER_REMOVED, TIER_MESSAGE, TIER_OTHER = 3, 2, 1, 0


def _generated(parsed: ParsedQuery, tiered: list[tuple[int, Result]]) -> list[tuple[int, Result]]:
    """Answers from the removed-API table, else the message catalog (see `generated`)."""
    from flaskref import generated

    removed = generated.removed_answers(parsed)
    if removed:
        return [(TIER_REMOVED, r) for r in removed]
    if any(tier == TIER_EXACT for tier, _ in tiered):
        return []  # an entry explains the message: its `why` already says where it comes from
    return [
        (TIER_MESSAGE if r.confident else TIER_OTHER, r) for r in generated.message_answers(parsed)
    ]


def _monotonic(results: list[Result]) -> list[Result]:
    """Scores that never rise down the list: an entry whose template fits the message exactly
    ranks above entries that only share its words, whatever their word scores."""
    out: list[Result] = []
    for r in results:
        if out and r.score > out[-1].score:
            r = r._replace(score=out[-1].score)
        out.append(r)
    return out


def _builtin_class_terms(parsed: ParsedQuery) -> set[str]:
    """The terms of a pasted exception class of Python's own (`ImportError`): it says what kind
    of error, not which one, so it is no telling word (a library's class is)."""
    if not parsed.primary or _names_an_exception_class(parsed):
        return set()
    from flaskref.analysis import analyze

    return set(analyze(parsed.primary.type))


def _question_phrase(parsed: ParsedQuery) -> tuple[str, ...]:
    """A short question's terms in order ("session not persisting"), for `_in_title`."""
    if parsed.primary or not parsed.words:
        return ()
    from flaskref.analysis import analyze

    terms = tuple(t for t in analyze(parsed.words[:200]) if len(t) > 1)
    return terms if 2 <= len(terms) <= 6 else ()


@lru_cache(maxsize=4096)
def _title_sequence(title: str) -> tuple[str, ...]:
    from flaskref.analysis import analyze

    return tuple(analyze(title))


def _in_title(phrase: tuple[str, ...], title: str) -> bool:
    """Whether the title holds the phrase's terms one after the other."""
    seq = _title_sequence(title)
    n = len(phrase)
    return any(seq[i : i + n] == phrase for i in range(len(seq) - n + 1))


def _telling(
    core: dict[str, float], idf: dict[str, float], matched: dict[str, float], skip: set[str]
) -> float:
    """The weight of the query's distinctive words an entry has in a title, tag, error or
    symptom (query weight times rarity): vague words, numbers, single letters and words
    derived from others are left out. `_rank` divides it by the rarity of a word only one
    entry has, so the threshold means the same in a KB of ten entries or ten thousand."""
    return sum(
        core[t] * idf[t]
        for t in core
        if matched.get(t, 0.0) >= 0.9 and len(t) > 1 and not t.isdigit() and t not in skip
    )


_VAGUE_TERMS: frozenset[str] | None = None


def _vague_terms() -> frozenset[str]:
    """`VAGUE` and Python's phrasing as index terms (stemmed as the analyzer does)."""
    global _VAGUE_TERMS
    if _VAGUE_TERMS is None:
        from flaskref.analysis import analyze

        # Python's own phrasing of its errors tells no more than a vague word does.
        words = VAGUE | evidence.PYTHON_PHRASING
        _VAGUE_TERMS = frozenset(t for w in words for t in analyze(w))
    return _VAGUE_TERMS


def _apply_versions(results: list[Result]) -> list[Result]:
    """Prefer entries whose `versions:` fit what is installed; say so when one does not.

    The installed versions are read only when a result has a `versions:` spec, because
    `importlib.metadata` and `packaging` cost more to import than a whole lookup.
    """
    if not any(r.entry.versions for r in results):
        return results
    from flaskref.versions import check

    out = []
    for r in results:
        note = check(r.entry.versions)
        if note:
            r = Result(r.entry, round(r.score * 0.95, 3), r.why + (note,))
        out.append(r)
    out.sort(key=lambda r: (-r.score, r.entry.title))
    return out
