"""The bundled KB: valid, complete, its error messages reproduced by the real libraries.

Reproducers run in subprocesses (a fresh temporary folder each, a timeout, no FLASK_* from the
environment), all at once in a thread pool because each spends most of its time importing
Flask; every test then asserts on its own entry's outcome.
"""

from __future__ import annotations

import difflib
import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from flaskref import kb, paths
from flaskref.entry import Entry
from flaskref.messages import matches
from flaskref.search import Engine
from flaskref.versions import check as versions_note

KB = kb.load([paths.bundled_kb_dir()])
ENTRIES = sorted(KB.entries, key=lambda e: e.id)
SEED_POINTS = [f"S{n:02d}" for n in range(1, 34)]
TIMEOUT = 90


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
    close = [
        (a, b)
        for i, (a, ta) in enumerate(titles)
        for b, tb in titles[i + 1 :]
        if difflib.SequenceMatcher(None, ta, tb).ratio() > 0.9
    ]
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


# -- reproducers --------------------------------------------------------------------------

WITH_REPRO = [e for e in ENTRIES if e.code("reproduce")]
WITH_FIXED = [e for e in ENTRIES if e.code("fixed")]


def _run_block(code: str) -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "PYTHONPATH"))}
    with tempfile.TemporaryDirectory() as tmp:
        env["HOME"] = tmp
        script = Path(tmp) / "reproduce.py"
        script.write_text(code, encoding="utf-8")
        try:
            proc = subprocess.run(
                [sys.executable, str(script)],
                cwd=tmp,
                env=env,
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
            )
        except subprocess.TimeoutExpired as exc:
            return -1, f"timed out after {TIMEOUT}s: {exc.stdout or ''}{exc.stderr or ''}"
    return proc.returncode, proc.stdout + proc.stderr


@pytest.fixture(scope="session")
def outcomes() -> dict[tuple[str, str], tuple[int, str]]:
    jobs = [(e, "reproduce") for e in WITH_REPRO if not versions_note(e.versions)]
    jobs += [(e, "fixed") for e in WITH_FIXED if not versions_note(e.versions)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = pool.map(lambda job: _run_block(job[0].code(job[1])[0].code), jobs)
        return {(e.id, label): out for (e, label), out in zip(jobs, results, strict=True)}


def _skip_if_other_versions(entry: Entry) -> None:
    note = versions_note(entry.versions)
    if note:
        pytest.skip(f"{entry.id}: the message {note}; not reproducible with these versions")


@pytest.mark.parametrize("entry", WITH_REPRO, ids=[e.id for e in WITH_REPRO])
def test_reproducer_prints_the_quoted_message(entry: Entry, outcomes):
    _skip_if_other_versions(entry)
    code, output = outcomes[(entry.id, "reproduce")]
    assert any(matches(t, output) for t in entry.errors), (
        f"{entry.path}: the reproducer's output matches none of {list(entry.errors)}:\n{output[-1500:]}"
    )


@pytest.mark.parametrize("entry", WITH_FIXED, ids=[e.id for e in WITH_FIXED])
def test_fixed_code_makes_the_error_go_away(entry: Entry, outcomes):
    _skip_if_other_versions(entry)
    code, output = outcomes[(entry.id, "fixed")]
    assert code == 0, f"{entry.path}: the fixed script failed:\n{output[-1500:]}"
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
        assert top[0].confident


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.id)
def test_each_title_finds_its_entry_in_the_top_3(entry: Entry, engine):
    ids = [r.entry.id for r in engine.search(entry.title, limit=3)]
    assert entry.id in ids, (entry.title, ids)
