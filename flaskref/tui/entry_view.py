"""The entry view: the problem and the fix side by side, or the fix first in one pane.

Wide screens (see `FlaskrefApp.WIDE`) show the problem (title, symptom, messages) on the left
and the fix on the right; narrower ones show one pane, the fix first, the problem below it.
Both panes are `EntryText` widgets showing lines the render thread made (see `reader.py`);
"See also" is an option list under the fix, so related entries open with a click or with
tab and enter.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import Future
from functools import partial
from typing import Any

from rich.console import RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.geometry import Size
from textual.markup import escape
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from flaskref.tui.reader import (
    DEFAULT_PALETTE,
    Palette,
    Renderer,
    message_document,
    problem_document,
    render_lines,
    solution_document,
)

Build = Callable[[Palette], RenderableType]


class EntryText(Widget):
    """Lines made on the render thread; showing them is all the UI thread does.

    The session's first entry cannot wait for the render thread: Markdown and Pygments load
    then (50-100 ms). So it is drawn first as a draft (the fix and the code, plain), made
    during the layout that sizes this widget, and so in the same paint as the results; the
    whole entry is rendered after that paint and replaces it.
    """

    DEFAULT_CSS = "EntryText { height: auto; }"

    class Shown(Message):
        """The lines of a new document (not a draft) are on screen."""

    def __init__(self, renderer: Renderer, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._renderer = renderer
        self._lines: list[Strip] = []
        self._source: tuple[Hashable, Build, Build | None] | None = None
        self.shown: Hashable | None = None
        """The cache key (document, width, palette) of the whole lines on screen."""
        self._drafted: tuple[Hashable, int] | None = None
        self._pending: Hashable | None = None

    def show(self, key: Hashable, build: Build, draft: Build | None = None) -> None:
        """Show the document `build(palette)` makes; `key` names it for the render cache;
        `draft(palette)` is its quick first version (see the class doc)."""
        if self._source is not None and self._source[0] == key:
            return
        self._source = (key, build, draft)
        self._request()

    @property
    def document(self) -> Hashable | None:
        """The key of the document shown (or on its way)."""
        return self._source[0] if self._source else None

    def on_resize(self) -> None:
        self._request()

    def restyle(self) -> None:
        """The theme changed: render again in its colours."""
        self._request()

    def _palette(self) -> Palette:
        return getattr(self.app, "palette", None) or DEFAULT_PALETTE

    def _needs_draft(self, width: int) -> bool:
        return (
            self._source is not None
            and self._source[2] is not None
            and not self._renderer.warm
            and (self.shown is None or self.shown[0] != self._source[0])
            and self._drafted != (self._source[0], width)
        )

    def _draw_draft(self, width: int) -> None:
        palette = self._palette()
        self._lines = render_lines(self._source[2](palette), width, palette)
        self._drafted = (self._source[0], width)

    def _request(self) -> None:
        width = self.size.width
        if self._source is None or width <= 0:
            return
        palette = self._palette()
        doc, build, _ = self._source
        key = (doc, width, palette)
        if key in (self.shown, self._pending):
            return
        lines = self._renderer.cached(key)
        if lines is not None:
            self._set(key, lines)
            return
        self._pending = key
        render = partial(self._renderer.render, key, partial(build, palette), width, palette)
        if self._drafted == (doc, width) or self._needs_draft(width):
            if self._needs_draft(width):
                self._draw_draft(width)
                self.refresh(layout=True)
            # The whole entry starts after the draft's paint, not against it.
            self.call_after_refresh(self._start, key, render)
        else:
            self._start(key, render)

    def _start(self, key: Hashable, render: Callable[[], Future]) -> None:
        if key != self._pending:
            return  # another document, or another width, came meanwhile
        # A callable, not a coroutine: a worker cancelled before it starts creates none.
        self.run_worker(partial(self._wait, key, render()), group="render", exclusive=True)

    async def _wait(self, key: Hashable, future: Future) -> None:
        self._set(key, await asyncio.wrap_future(future))

    def _set(self, key: Hashable, lines: list[Strip]) -> None:
        self.shown, self._lines, self._drafted = key, lines, None
        if self._pending == key:
            self._pending = None
        self.refresh(layout=True)
        self.post_message(self.Shown())

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return container.width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        if self._needs_draft(width):
            self._draw_draft(width)  # in this layout, so in the first paint (class doc)
        return len(self._lines)

    def render_line(self, y: int) -> Strip:
        style = self.rich_style
        if y < len(self._lines):
            return self._lines[y].apply_style(style)
        return Strip.blank(self.size.width, style)

    @property
    def text(self) -> str:
        """The lines as plain text (tests read what is on screen)."""
        return "\n".join(line.text.rstrip() for line in self._lines)


class Pane(VerticalScroll):
    """A scrolling pane of the entry view; the fix pane can fill the screen (F7)."""

    ALLOW_MAXIMIZE = True


class SeeAlso(OptionList):
    """Related entries; choosing one opens it (the app handles `OptionSelected`)."""

    def show(self, links: Sequence[tuple[str, str]]) -> None:
        """Set the links; they appear once the text above them has (see `EntryView`)."""
        self.set_options(Option(Text(f"→ {title}"), id=entry_id) for entry_id, title in links)
        self.display = False
        self.border_title = "See also"


def _doc_key(kind: str, thing: Any) -> Hashable:
    try:
        hash(thing)
    except TypeError:
        thing = id(thing)  # an unhashable entry-like object: its identity names it
    return (kind, thing)


class EntryView(Horizontal):
    """The entry, or a message, in one or two panes (`wide` chooses)."""

    def __init__(self, renderer: Renderer, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._renderer = renderer
        self._shown: tuple[str, tuple] | None = None
        self.wide = True
        """Two panes (problem | fix) rather than one (fix, then problem)."""

    def compose(self) -> ComposeResult:
        with Pane(id="problem-pane"):
            yield EntryText(self._renderer, id="problem")
        with Pane(id="solution-pane"):
            yield EntryText(self._renderer, id="solution")
            yield SeeAlso(id="see-also")

    def on_mount(self) -> None:
        self.query_one("#problem-pane").border_title = "Problem"
        self.query_one(SeeAlso).display = False

    def show_entry(self, entry: Any, links: Sequence[tuple[str, str]]) -> None:
        """Show an entry; `links` are the (id, title) pairs of its "See also"."""
        shown = ("entry", (entry, tuple(links)))
        solution = self.query_one("#solution", EntryText)
        changed = solution.document != self._solution_key(entry)
        if shown == self._shown and not changed:
            return  # on screen already (a keystroke that kept the same best result)
        self._shown = shown
        if self.wide:
            self.query_one("#problem", EntryText).show(
                _doc_key("problem", entry),
                partial(problem_document, entry),
                partial(problem_document, entry, draft=True),
            )
        solution.show(
            self._solution_key(entry),
            partial(solution_document, entry, with_problem=not self.wide),
            partial(solution_document, entry, with_problem=not self.wide, draft=True),
        )
        self.query_one(SeeAlso).show(links)
        self._show_links()
        if changed:
            for pane in self.query(VerticalScroll):
                pane.scroll_home(animate=False)
        topic = getattr(entry, "topic", "")
        # Border titles read markup; a topic is entry text.
        self.query_one("#solution-pane").border_title = f"Fix · {escape(topic)}" if topic else "Fix"

    def show_message(self, left: str, right: str = "") -> None:
        """A message (welcome, no match) as Markdown the caller has made safe."""
        if self._shown == ("message", (left, right)):
            return
        self._shown = ("message", (left, right))
        if self.wide:
            self.query_one("#problem", EntryText).show(
                ("message", left), partial(message_document, left)
            )
        else:
            left, right = "", f"{left}\n\n{right}" if right else left
        self.query_one("#solution", EntryText).show(
            ("message", right), partial(message_document, right)
        )
        self.query_one(SeeAlso).show(())
        for pane in self.query(VerticalScroll):
            pane.scroll_home(animate=False)
        self.query_one("#solution-pane").border_title = ""

    def set_wide(self, wide: bool) -> None:
        """Switch between one and two panes, showing the same thing again."""
        if wide == self.wide:
            return
        self.wide = wide
        if self._shown is None:
            return
        kind, args = self._shown
        self._shown = None  # show it again, in the other shape
        if kind == "entry":
            self.show_entry(*args)
        else:
            self.show_message(*args)

    def _solution_key(self, entry: Any) -> Hashable:
        return _doc_key("solution-wide" if self.wide else "solution-one", entry)

    def restyle(self) -> None:
        for text in self.query(EntryText):
            text.restyle()

    def on_entry_text_shown(self, event: EntryText.Shown) -> None:
        self._show_links()

    def _show_links(self) -> None:
        # "See also" waits for the fix above it: alone at the top of an empty pane it would
        # read as the answer while the text renders.
        see_also = self.query_one(SeeAlso)
        solution = self.query_one("#solution", EntryText)
        on_screen = solution.shown is not None and solution.shown[0] == solution.document
        see_also.display = on_screen and see_also.option_count > 0
