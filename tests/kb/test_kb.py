"""The bundled KB: valid, complete, its error messages reproduced by the real libraries.

Reproducers run in subprocesses (a fresh temporary folder each, a timeout, no FLASK_* from the
environment), all at once in a thread pool because each spends most of its time importing
Flask; every test then asserts on its own entry's outcome.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from flaskref import evidence, kb, paths
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


# -- running the code blocks -----------------------------------------------------------------
#
# Every `python reproduce` and `python fixed` block, and every `python right` block that carries
# no note (see `flaskref.entry.BLOCK_NOTES`), runs in a subprocess. Only the blocks of the tests
# that were selected run (`pytest -k one-entry` waits for one), all at once in a thread pool, and
# where pytest's cache is on, an outcome is reused while the block's code and the installed
# distributions stay the same. CI runs with `-p no:cacheprovider`: everything runs there.

WITH_REPRO = [e for e in ENTRIES if e.code("reproduce")]
WITH_FIXED = [e for e in ENTRIES if e.code("fixed")]
RUNNABLE_RIGHT = [
    (e, n)
    for e in ENTRIES
    for n, b in enumerate(e.code("right"))
    if b.lang == "python" and not b.note
]
#: What a right block finds in its environment: the settings the KB tells people to read
#: from it, with values that need no server.
RIGHT_ENV = {"SECRET_KEY": "test-secret-key", "DATABASE_URL": "sqlite://"}
#: Right blocks run as an imported module, so an `if __name__ == "__main__": app.run()` guard
#: shows how to start the app without starting a server in the tests.
_AS_MODULE = "import runpy, sys; runpy.run_path(sys.argv[1], run_name='__flaskref_check__')"


def _run_block(code: str, env_extra: dict[str, str], as_module: bool) -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "PYTHONPATH"))}
    env.update(env_extra)
    with tempfile.TemporaryDirectory() as tmp:
        env["HOME"] = tmp
        script = Path(tmp) / "block.py"
        script.write_text(code, encoding="utf-8")
        argv = (
            [sys.executable, "-c", _AS_MODULE, str(script)]
            if as_module
            else [
                sys.executable,
                str(script),
            ]
        )
        try:
            proc = subprocess.run(
                argv, cwd=tmp, env=env, capture_output=True, text=True, timeout=TIMEOUT
            )
        except subprocess.TimeoutExpired as exc:
            return -1, f"timed out after {TIMEOUT}s: {exc.stdout or ''}{exc.stderr or ''}"
    return proc.returncode, proc.stdout + proc.stderr


def _block(entry: Entry, label: str, n: int = 0):
    return entry.code(label)[n]


def _job_key(entry: Entry, label: str, n: int) -> str:
    return f"{entry.id}/{label}/{n}"


def _environment_fingerprint() -> str:
    """The interpreter and every installed distribution: an outcome depends on them."""
    from importlib.metadata import distributions

    dists = sorted(f"{d.metadata['Name']}=={d.version}" for d in distributions())
    return hashlib.sha256("\n".join([sys.version, *dists]).encode()).hexdigest()


@pytest.fixture(scope="session")
def outcomes(request) -> dict[str, tuple[int, str]]:
    wanted: dict[str, tuple[Entry, str, int]] = {}
    for item in request.session.items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        entry = params.get("entry")
        label = getattr(item.function, "block_label", None)
        if entry is None or label is None:
            continue
        if label == "right":
            entry, n = entry
        else:
            n = 0
        if not versions_note(entry.versions):
            wanted[_job_key(entry, label, n)] = (entry, label, n)

    cache = getattr(request.config, "cache", None)
    env_fp = _environment_fingerprint() if cache is not None else ""
    done: dict[str, tuple[int, str]] = {}
    todo = []
    for key, (entry, label, n) in wanted.items():
        code = _block(entry, label, n).code
        digest = hashlib.sha256(f"{env_fp}\0{label}\0{code}".encode()).hexdigest()
        cached = cache.get(f"flaskref/kb-blocks/{digest}", None) if cache is not None else None
        if cached is not None:
            done[key] = (cached[0], cached[1])
        else:
            todo.append((key, digest, entry, label, n))

    def run(job):
        key, digest, entry, label, n = job
        right = label == "right"
        return _run_block(_block(entry, label, n).code, RIGHT_ENV if right else {}, right)

    with ThreadPoolExecutor(max_workers=4) as pool:
        for (key, digest, *_), out in zip(todo, pool.map(run, todo), strict=True):
            done[key] = out
            if cache is not None and out[0] != -1:  # a timeout may be the machine's load
                cache.set(f"flaskref/kb-blocks/{digest}", list(out))
    return done


def _runs(label: str):
    """Mark a test as one that needs its entry's `label` block run (see `outcomes`)."""

    def mark(test):
        test.block_label = label
        return test

    return mark


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
