"""What a search returns: a `Result` per answer, and the confidence it takes to be the answer.

Kept apart from the ranking so every producer of answers (the KB's entries, the generated
tables of removed APIs and library messages) and every front end share one small type.
"""

from __future__ import annotations

from flaskref.entry import Entry
from flaskref.record import Record

CONFIDENT = 0.45
"""Results scoring below this are offered as "nearest", never as the answer."""

KINDS = ("entry", "removed", "message")
"""What a result is: a KB entry, a row of the removed-API table, a message of the catalog."""


class Result(Record):
    entry: Entry
    """The answer in the KB's shape (generated kinds are presented as entries too)."""
    score: float
    """Confidence in [0, 1]."""
    why: tuple[str, ...]
    kind: str = "entry"
    """One of `KINDS`."""
    details: dict[str, object] | None = None
    """What a generated kind adds to the JSON output (library, versions, file and line...)."""

    @property
    def confident(self) -> bool:
        return self.score >= CONFIDENT
