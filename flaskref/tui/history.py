"""Where escape goes back to: the entries read before the current one, like a browser's back.

A plain class (no Textual), as Frogmouth keeps its history. Links, the palette and the topic
browser open an entry *from* the current one and push it; a new search starts over.
"""

from __future__ import annotations


class History:
    def __init__(self, limit: int = 50) -> None:
        self._back: list[str] = []
        self._limit = limit

    def visit(self, current: str | None, new: str) -> None:
        """Going from `current` to `new`: remember `current` to come back to."""
        if current and current != new:
            self._back.append(current)
            del self._back[: -self._limit]

    def back(self) -> str | None:
        return self._back.pop() if self._back else None

    def clear(self) -> None:
        self._back.clear()

    def __len__(self) -> int:
        return len(self._back)
