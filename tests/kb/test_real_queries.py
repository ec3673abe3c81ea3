"""Real queries users posted, each with the entry that answers it (tests/data/queries/).

The writers of each KB area recorded the error lines, traceback tails and questions of the
threads they mined, so the KB and the ranking are held to what people actually paste. A few
misses are tolerated (a ranking change may trade one case for several others); a confident
wrong answer is what the tool must avoid most, so those are held tighter.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flaskref import paths
from flaskref.search import Engine

QUERIES = Path(__file__).resolve().parent.parent / "data" / "queries"
CASES = [
    json.loads(line)
    for path in sorted(QUERIES.glob("*.jsonl"))
    for line in path.read_text(encoding="utf-8").splitlines()
    if line.strip()
]
MIN_TOP1 = 0.9
MAX_CONFIDENT_WRONG = 0.02


@pytest.fixture(scope="module")
def engine():
    eng = Engine([paths.bundled_kb_dir()])
    yield eng
    eng.close()


@pytest.fixture(scope="module")
def answers(engine):
    return {case["id"]: engine.search(case["query"], limit=3) for case in CASES}


def test_every_expected_entry_exists(engine):
    ids = {e.id for e in engine.entries()}
    assert [c["id"] for c in CASES if c["expect"] not in ids] == []


def test_real_queries_find_their_entry_first(answers):
    misses, confident_wrong = [], []
    for case in CASES:
        results = answers[case["id"]]
        top = results[0] if results else None
        if top is None or top.entry.id != case["expect"]:
            misses.append(f"{case['id']}: got {top.entry.id if top else None}")
            if top is not None and top.confident:
                confident_wrong.append(case["id"])
    assert len(misses) <= (1 - MIN_TOP1) * len(CASES), misses
    assert len(confident_wrong) <= MAX_CONFIDENT_WRONG * len(CASES), confident_wrong
