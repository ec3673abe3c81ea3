"""Command palette: open any entry by its title; the app's own actions."""

from __future__ import annotations

from functools import partial

from textual.app import SystemCommand
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from flaskref.sanitize import sanitize


class EntryCommands(Provider):
    """Every KB entry, by title; choosing one opens it (escape comes back)."""

    def _entries(self):
        engine = getattr(self.app, "engine", None)
        return engine.entries() if engine else []

    async def discover(self) -> Hits:
        for entry in self._entries()[:40]:
            title = sanitize(entry.title)
            # Content, not str: the palette reads a str as markup, and titles are KB text.
            yield DiscoveryHit(
                Content(title),
                partial(self.app.open_entry, entry.id),
                text=title,
                help=entry.topic,
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for entry in self._entries():
            title = sanitize(entry.title)
            score = matcher.match(title)
            if score > 0:
                yield Hit(
                    score,
                    _highlight(matcher, title),
                    partial(self.app.open_entry, entry.id),
                    text=title,
                    help=entry.topic,
                )


def _highlight(matcher, title: str) -> Content:
    """The title with the matched letters marked; `Matcher.highlight` would read the title
    as markup ("[/user]" in a title is an error there)."""
    content = Content(title)
    _, offsets = matcher.fuzzy_search.match(matcher.query, title)
    for offset in offsets:
        if not title[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


ACTIONS = [
    ("Browse topics", "The KB by topic, with counts", "topics"),
    ("Copy fix", "Copy the shown entry's fix", "copy_fix"),
    ("Copy code", "Copy the shown entry's right code", "copy_code"),
    ("Edit entry", "Open the shown entry in $EDITOR", "edit"),
    ("Fix pane full screen", "The fix pane alone (escape comes back)", "maximize_fix"),
    ("Light/dark", "Switch the light and dark themes", "toggle_dark"),
    ("Help", "Keys and how to search", "help"),
]


def app_commands(app):
    """The app's actions for the palette, those with nothing to act on left out."""
    for title, help_text, action in ACTIONS:
        if app.check_action(action, ()):
            yield SystemCommand(title, help_text, getattr(app, f"action_{action}"))
