"""The bundled KB: valid, complete, its error messages reproduced by the real libraries.

Reproducers run in processes of their own, in the background while the rest of the suite runs
(`blocks.py`); every test then asserts on its own entry's outcome.
"""

from __future__ import annotations

import difflib
import re

import pytest

from flaskref import evidence, kb, paths
from flaskref.entry import Entry
from flaskref.messages import matches
from flaskref.search import Engine
from flaskref.versions import check as versions_note

from . import blocks
from .blocks import block as _block
from .blocks import job_key as _job_key
from .blocks import runs as _runs

KB = kb.load([paths.bundled_kb_dir()])
ENTRIES = sorted(KB.entries, key=lambda e: e.id)
SEED_POINTS = [f"S{n:02d}" for n in range(1, 34)]


def test_kb_is_clean():
    assert [str(p) for p in KB.problems] == []


def test_at_least_80_entries_over_every_topic():
    from flaskref.entry import TOPICS

    assert len(ENTRIES) >= 80
    assert {e.topic for e in ENTRIES} == set(TOPICS)


def test_every_seed_point_is_answered():
    covered = {s for e in ENTRIES for s in e.seed}
    assert [s for s in SEED_POINTS if s not in covered] == []


def _normal(text: str) -> str:
    return " ".join(re.sub(r"\{\w+\}", "{}", text).lower().split()).strip(" .")


def test_every_entry_links_and_is_linked():
    """No entry is an island: each names related entries and is named by at least one."""
    linked = {other for e in ENTRIES for other in e.see_also}
    assert [e.id for e in ENTRIES if not e.see_also] == []
    assert [e.id for e in ENTRIES if e.id not in linked] == []


def test_no_two_entries_share_an_error_template():
    owners: dict[str, str] = {}
    clashes = []
    for e in ENTRIES:
        for t in e.errors:
            key = _normal(t)
            if key in owners and owners[key] != e.id:
                clashes.append((owners[key], e.id, t))
            owners[key] = e.id
    assert clashes == []


def test_no_near_duplicate_titles():
    titles = [(e.id, _normal(e.title)) for e in ENTRIES]
    close = []
    matcher = difflib.SequenceMatcher(autojunk=False)
    for i, (a, ta) in enumerate(titles):
        matcher.set_seq2(ta)  # the side SequenceMatcher indexes: once per title
        for b, tb in titles[i + 1 :]:
            matcher.set_seq1(tb)
            # The cheap upper bounds first: most pairs are far apart.
            if matcher.real_quick_ratio() > 0.9 and matcher.quick_ratio() > 0.9:
                if matcher.ratio() > 0.9:
                    close.append((a, b))
    assert close == []


def test_every_library_error_entry_has_a_reproducer_or_says_why():
    """An entry quoting a library message reproduces it, unless the message is not one the
    installed libraries can print (a browser's, a shell's, MySQL's) and the body says so."""
    missing = [
        e.id
        for e in ENTRIES
        if e.errors and not e.code("reproduce") and "no reproducer" not in e.body.lower()
    ]
    assert missing == []


# -- running the code blocks -----------------------------------------------------------------
#
# Every `python reproduce` and `python fixed` block, and every `python right` block that carries
# no note (see `flaskref.entry.BLOCK_NOTES`), runs in a process of its own (`blocks.py`). The
# blocks of the selected tests start in the background as soon as the tests are collected, and
# these tests run last, so the rest of the suite runs meanwhile.

WITH_REPRO = [e for e in ENTRIES if e.code("reproduce")]
WITH_FIXED = [e for e in ENTRIES if e.code("fixed")]
RUNNABLE_RIGHT = [
    (e, n)
    for e in ENTRIES
    for n, b in enumerate(e.code("right"))
    if b.lang == "python" and not b.note
]


@pytest.fixture
def outcomes():
    return blocks.RUNNING


def _skip_if_other_versions(entry: Entry) -> None:
    note = versions_note(entry.versions)
    if note:
        pytest.skip(f"{entry.id}: the message {note}; not reproducible with these versions")


@_runs("reproduce")
@pytest.mark.parametrize("entry", WITH_REPRO, ids=[e.id for e in WITH_REPRO])
def test_reproducer_prints_the_quoted_message(entry: Entry, outcomes):
    _skip_if_other_versions(entry)
    code, output = outcomes[_job_key(entry, "reproduce", 0)]
    assert any(matches(t, output) for t in entry.errors), (
        f"{entry.path}: the reproducer's output matches none of {list(entry.errors)}:\n{output[-1500:]}"
    )


@_runs("fixed")
@pytest.mark.parametrize("entry", WITH_FIXED, ids=[e.id for e in WITH_FIXED])
def test_fixed_code_makes_the_error_go_away(entry: Entry, outcomes):
    _skip_if_other_versions(entry)
    code, output = outcomes[_job_key(entry, "fixed", 0)]
    assert code == 0, f"{entry.path}: the fixed script failed:\n{output[-1500:]}"
    assert not any(matches(t, output) for t in entry.errors), output[-1500:]


@_runs("right")
@pytest.mark.parametrize(
    "entry", RUNNABLE_RIGHT, ids=[f"{e.id}-{n}" if n else e.id for e, n in RUNNABLE_RIGHT]
)
def test_right_code_runs(entry: tuple[Entry, int], outcomes):
    """A `right` block without a note is a whole program: it runs and raises nothing."""
    entry, n = entry
    _skip_if_other_versions(entry)
    block = _block(entry, "right", n)
    code, output = outcomes[_job_key(entry, "right", n)]
    assert code == 0, (
        f"{entry.path}:{block.line}: this right block fails when run on its own; make it a "
        f"whole program or mark it (```python right excerpt|service|server):\n{output[-1500:]}"
    )
    assert not any(matches(t, output) for t in entry.errors), output[-1500:]


# -- findability ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def engine():
    eng = Engine([paths.bundled_kb_dir()])
    yield eng
    eng.close()


def _filled(template: str) -> str:
    return re.sub(r"\{\w+\}", "thing", template).replace("{{", "{").replace("}}", "}")


@pytest.mark.parametrize("entry", [e for e in ENTRIES if e.errors], ids=lambda e: e.id)
def test_each_error_message_finds_its_entry_first(entry: Entry, engine):
    for template in entry.errors:
        top = engine.search(_filled(template), limit=1)
        assert top and top[0].entry.id == entry.id, (template, [r.entry.id for r in top])
        # A template of nothing but Python's phrasing is sure only with names the entry is
        # about (tests/unit/test_precision.py gives it those); "thing" is no such name.
        assert top[0].confident or evidence.is_generic(template), top[0]


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.id)
def test_each_title_finds_its_entry_in_the_top_3(entry: Entry, engine):
    ids = [r.entry.id for r in engine.search(entry.title, limit=3)]
    assert entry.id in ids, (entry.title, ids)
