"""The compact store answers as Whoosh does: the same tokens, the same BM25F scores, the same
ranking, on the whole bundled KB and every query set; and a lookup through it never imports
Whoosh's index machinery."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flaskref import analysis, kb, paths, store, store_index
from flaskref.index import TEXT_FIELDS, whoosh_analyze
from flaskref.opener import open_index
from flaskref.query import parse
from flaskref.search import FIELD_BOOSTS, Engine, _weighted_terms

REPO = Path(__file__).resolve().parents[2]
#: The eval set beside the checkouts, when there is one (RULES: ../shared/eval/dev.jsonl).
#: Beside the main checkout (../shared) or beside a worktree's parent (../../shared).
DEV = [p for d in REPO.parents[:2] if (p := d / "shared" / "eval" / "dev.jsonl").is_file()]
QUERY_FILES = sorted((REPO / "tests" / "data").glob("*/*.jsonl")) + DEV[:1]


def _queries() -> list[str]:
    out = []
    for path in QUERY_FILES:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and "query" in (row := json.loads(line)):
                out.append(row["query"])
    return out


QUERIES = _queries()


@pytest.fixture(scope="module")
def indexes(tmp_path_factory):
    """The bundled KB's cached index, opened through its store and through Whoosh."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FLASKREF_CACHE_DIR", str(tmp_path_factory.mktemp("store-cache")))
        through_store = open_index([paths.bundled_kb_dir()])
        assert isinstance(through_store, store_index.StoreIndex)
        through_whoosh = through_store._whoosh_opener()
        yield through_store, through_whoosh
        through_store.close()
        through_whoosh.close()


def test_the_query_sets_are_here():
    assert len(QUERIES) > 300  # the test/data sets alone; the dev set too where it exists


def test_the_analyzer_pieces_are_whooshs():
    from whoosh.analysis import RegexTokenizer
    from whoosh.analysis.filters import STOP_WORDS

    assert analysis.TOKEN.pattern == RegexTokenizer().expression.pattern
    assert analysis.TOKEN.flags == RegexTokenizer().expression.flags
    kept = {"not", "no"}  # they carry meaning in error messages
    assert analysis.STOP >= frozenset(STOP_WORDS) - kept and not analysis.STOP & kept


def test_tokens_equal_whooshs_on_the_whole_kb_and_every_query():
    texts = list(QUERIES)
    for e in kb.load([paths.bundled_kb_dir()]).entries:
        texts += [e.title, "\n".join(e.errors), " ".join(e.exceptions), ", ".join(e.tags)]
        texts += [e.symptom, e.fix, e.body]
    texts += ["", "a.b.", "ÄÖÜ straße naïve café", "x*y", "__init__ 3.11 HTTP404NotFound"]
    for text in texts:
        assert analysis.analyze(text) == whoosh_analyze(text), text[:80]


@pytest.mark.parametrize(("topic", "every"), [(None, 1), ("sqlalchemy", 3)])
def test_scores_and_matched_terms_equal_whooshs(indexes, topic, every):
    """Every query; with a topic filter (a separate path of the same scoring), every third."""
    through_store, through_whoosh = indexes
    compared = 0
    for q in QUERIES[::every]:
        parsed = parse(q)
        if parsed.is_empty:
            continue
        terms = _weighted_terms(parsed).search
        ours = through_store.search(terms, FIELD_BOOSTS, topic=topic, limit=1000)
        theirs = through_whoosh.search(terms, FIELD_BOOSTS, topic=topic, limit=1000)
        assert [h.entry.id for h in ours] == [h.entry.id for h in theirs], q[:80]
        for a, b in zip(ours, theirs, strict=True):
            assert math.isclose(a.score, b.score, rel_tol=1e-9, abs_tol=1e-12), q[:80]
            assert a.matched == b.matched, q[:80]
        compared += len(ours)
    assert compared > 1000


def test_doc_frequencies_names_and_sources_equal_whooshs(indexes):
    through_store, through_whoosh = indexes
    assert through_store.doc_count == through_whoosh.doc_count
    for q in QUERIES[:80]:
        for term in analysis.analyze(q):
            assert through_store.doc_frequency(term) == through_whoosh.doc_frequency(term)
    for e in through_whoosh.entries():
        assert through_store.names(e.id) == through_whoosh.names(e.id)
        assert through_store.sources(e.id) == through_whoosh.sources(e.id)
        for name in through_whoosh.names(e.id):
            assert through_store.name_frequency(name) == through_whoosh.name_frequency(name)
    assert through_store.entries() == through_whoosh.entries()
    assert through_store.names("no-such-entry") == frozenset()
    assert through_store.sources("no-such-entry") == ()


def test_the_template_shortlist_keeps_every_template_that_can_fit(indexes):
    """`search._template_score` passes over a template with less than half its words in the
    paste; the shortlist holds every other entry with templates, in the same order."""
    from flaskref.messages import literal_words
    from flaskref.search import _QWORD

    through_store, through_whoosh = indexes
    for q in QUERIES:
        qwords = {w.lower() for w in _QWORD.findall(parse(q).text)}
        could = [
            e.id
            for e in through_whoosh.template_candidates(qwords, None)
            if any(
                (u := set(literal_words(t))) and len(u & qwords) / len(u) >= 0.5 for t in e.errors
            )
        ]
        shortlisted = [e.id for e in through_store.template_candidates(qwords, None)]
        assert could == shortlisted, q[:80]


def test_ranking_equals_whooshs_end_to_end(indexes):
    through_store, through_whoosh = indexes
    by_store, by_whoosh = Engine.__new__(Engine), Engine.__new__(Engine)
    by_store._index, by_store._generated = through_store, {}
    by_whoosh._index, by_whoosh._generated = through_whoosh, {}
    for q in QUERIES:
        assert by_store.search(q, limit=5) == by_whoosh.search(q, limit=5), q[:80]
    assert by_store.search("sesion cokie not persisted") == by_whoosh.search(
        "sesion cokie not persisted"
    )  # fuzzy terms: Whoosh answers for the store


def test_a_lookup_through_the_store_imports_no_whoosh_index(tmp_path, warm_cache):
    code = textwrap.dedent("""
        import contextlib, io, sys
        from flaskref.cli import main
        with contextlib.redirect_stdout(io.StringIO()):
            assert main(["--json", "RuntimeError: Working outside of application context."]) == 0
        print(sorted(m for m in sys.modules if m.startswith("whoosh")))
    """)
    Engine().close()  # a warm cache
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "['whoosh', 'whoosh.lang', 'whoosh.lang.porter']"


def test_the_header_and_each_block_are_checked_before_they_are_unmarshalled(tmp_path):
    import marshal

    out = store.Writer(str(tmp_path))
    first, second = out.block({"x": (1, 2.5)}), out.block("second")
    none = store.table({})
    empty = {"fields": TEXT_FIELDS, "dc": 0, "ids": (), "terms": none}
    empty |= {"words": none, "name_df": none}
    head_digest = out.finish(empty)
    opened = store.Store(str(tmp_path), head_digest)
    assert opened.block(first) == {"x": (1, 2.5)} and opened.block(second) == "second"
    data = tmp_path / store.DATA
    pristine = data.read_bytes()
    data.write_bytes(pristine[:1] + bytes([pristine[1] ^ 0x5A]) + pristine[2:])
    with pytest.raises(store.Damaged):
        opened.block(first)
    data.write_bytes(pristine[:-1])  # cut short
    with pytest.raises(store.Damaged):
        opened.block(second)
    assert opened.postings("absent") == {} and opened.doc_frequency("absent") == 0
    opened.close()
    with pytest.raises(store.Damaged, match="not the one"):
        store.Store(str(tmp_path), "0" * 32)
    head = tmp_path / store.HEAD
    head.write_bytes(marshal.dumps({**empty, "version": store.VERSION + 1}))
    with pytest.raises(store.Damaged, match="another layout"):
        store.Store(str(tmp_path), store.digest(head.read_bytes()))


@given(st.dictionaries(st.text(max_size=12), st.integers(-(2**40), 2**40)), st.text(max_size=12))
def test_a_packed_table_answers_as_its_dict(pairs, other):
    packed = store.Table(store.table(pairs))
    for key, value in pairs.items():
        assert packed.get(key) == value
    assert packed.get(other, -1) == pairs.get(other, -1)


@given(
    st.sets(st.integers(0, 300), max_size=20),
    st.lists(st.integers(0, 300), max_size=400, unique=True),
)
def test_present_finds_the_documents_a_posting_list_holds(docs, posted):
    from array import array

    sorted_posted = store.ints(array("I", sorted(posted)).tobytes(), "I")
    assert set(store.present(docs, sorted_posted)) == docs & set(posted)
