"""An engine with fixed results, for snapshots: a ranking change never moves a UI snapshot.

The entries are the fixture KB's, parsed by the real loader; only the ranking is fixed.
"""

from __future__ import annotations

from flaskref import kb
from flaskref.search import Result

from .conftest import FIXTURE_KB

# What each query (matched by a word in it) answers: entry ids with fixed scores.
ANSWERS: dict[str, list[tuple[str, float]]] = {
    "application": [("working-outside-app-context", 0.9), ("working-outside-request-context", 0.8)],
    "template": [("template-not-found", 0.88)],
    "vague": [("template-not-found", 0.3), ("working-outside-app-context", 0.25)],
}


class StubEngine:
    def __init__(self, answers: dict[str, list[tuple[str, float]]] = ANSWERS) -> None:
        loaded = kb.load([FIXTURE_KB])
        self._entries = sorted(loaded.entries, key=lambda e: (e.topic, e.title.lower()))
        self._answers = answers
        self.problems = loaded.problems
        self.searches: list[str] = []
        self.closed = False

    def entries(self):
        return self._entries

    def search(self, text: str, limit: int = 5) -> list[Result]:
        self.searches.append(text)
        by_id = {e.id: e for e in self._entries}
        for word, answer in self._answers.items():
            if word in text.lower():
                return [Result(by_id[i], score, ("fixed answer",)) for i, score in answer][:limit]
        return []

    def close(self) -> None:
        self.closed = True
