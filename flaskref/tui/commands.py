"""Command palette: open any entry by its title."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider


class EntryCommands(Provider):
    """Every KB entry, by title; choosing one opens it (escape comes back)."""

    def _entries(self):
        engine = getattr(self.app, "engine", None)
        return engine.entries() if engine else []

    async def discover(self) -> Hits:
        for entry in self._entries()[:40]:
            yield DiscoveryHit(
                entry.title, partial(self.app.open_entry, entry.id), help=entry.topic
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for entry in self._entries():
            score = matcher.match(entry.title)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(entry.title),
                    partial(self.app.open_entry, entry.id),
                    help=entry.topic,
                )
