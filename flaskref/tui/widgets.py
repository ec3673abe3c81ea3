"""The query box, the results list and the "why it matched" panel.

Nothing from an entry or a paste is ever parsed as Rich/Textual markup: list items and panel
text are Rich `Text` objects.
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.widgets import Input, OptionList, Static
from textual.widgets.input import Selection
from textual.widgets.option_list import Option

from flaskref.entry import Entry
from flaskref.result import Result
from flaskref.sanitize import sanitize
from flaskref.tui import paste


class QueryBox(Input):
    """An Input that keeps a whole multi-line paste, and applies every key in order.

    Textual's Input keeps only the first line of a paste, which for a traceback is
    "Traceback (most recent call last):". A multi-line paste is kept here and shown as its
    error line plus a line count, all selected with the view at its start: typing replaces it.
    """

    # Arrow keys between the box and the results are priority bindings: they run as the app
    # receives the key, so a key right behind (held down, a burst) already finds the new
    # focus; a plain binding runs later, in the widget's queue, and a burst loses keys.
    BINDINGS = [
        Binding(
            "down", "to_results", "From the query box into the results", show=False, priority=True
        ),
    ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._pasted: str | None = None
        self._label = ""

    async def _on_key(self, event: events.Key) -> None:
        # Input inserts a typed character when its Key event reaches the widget, but runs an
        # editing key (backspace, ctrl+u) only once the event has bubbled up to the app: keys
        # that arrive in one batch ("appl", backspace, "a") were applied letters first. Run
        # the box's own bindings here instead, in the order the keys came.
        if not event.is_printable:
            for binding in self._bindings.key_to_bindings.get(event.key, ()):
                if binding.priority:
                    continue  # already run by the app, before the key reached us
                event.stop()
                event.prevent_default()
                await self.run_action(binding.action)
                return
        await super()._on_key(event)

    def _on_paste(self, event: events.Paste) -> None:
        event.prevent_default()  # Input's own handler keeps only the first line
        event.stop()
        text = paste.normalise(event.text)
        if "\n" in text:
            self.set_paste(text)
        elif text:
            if self.selection.is_empty:
                self.insert_text_at_cursor(text)
            else:
                self.replace(text, *self.selection)

    def set_paste(self, text: str) -> None:
        """Search for a whole pasted text (also used for a query given on the command line)."""
        text = paste.normalise(text)
        more = len(text.splitlines()) - 1
        self._pasted = text
        self._label = paste.label(text) + (
            f"  (+{more} line{'s' if more > 1 else ''})" if more else ""
        )
        self.value = self._label
        # All selected, cursor at the start: the error line reads from its beginning, and
        # typing replaces the paste.
        self.selection = Selection(len(self.value), 0)

    def action_to_results(self) -> None:
        self.screen.set_focus(self.screen.query_one(ResultList))

    @property
    def query_text(self) -> str:
        """What to search for: the whole paste while the box still shows it, else the value."""
        if self._pasted is not None and self.value == self._label:
            return self._pasted
        return self.value


class ResultList(OptionList):
    """Search results, best first, with topic and confidence.

    Above the entry (narrow screens) each result is one line, the title cut to fit; in the
    side column titles wrap, with a rule between results.
    """

    BINDINGS = [  # priority: see QueryBox
        Binding("down", "cursor_down", "next result", show=False, priority=True),
        Binding(
            "up", "up_or_leave", "Previous result / back to the query", show=False, priority=True
        ),
        Binding(
            "enter",
            "select",
            "Read",
            tooltip="Read the highlighted entry: focus moves to the fix",
            show=False,
        ),
    ]
    TOPIC_WIDTH = 64
    """Below this many columns a one-line result shows its confidence without the topic."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._rows: list[tuple[str, str, str, str, bool]] = []  # id, title, topic, score, bold
        self._shape: tuple[bool, int] = (True, 0)

    def show(self, results: list[Result]) -> None:
        """List results; only a confident best result is pre-selected (and so shown)."""
        self._fill(
            [
                (
                    r.entry.id,
                    sanitize(r.entry.title),
                    sanitize(getattr(r.entry, "topic", "")),
                    f"{r.score:.0%}",
                    r.confident,
                )
                for r in results
            ]
        )
        self.highlighted = 0 if results and results[0].confident else None

    def show_entries(self, entries: list[Entry], selected: str | None = None) -> None:
        """A plain listing (a topic's entries) in the results' shape, `selected` highlighted."""
        self._fill([(e.id, sanitize(e.title), "", "", True) for e in entries])
        ids = [e.id for e in entries]
        if entries:
            self.highlighted = ids.index(selected) if selected in ids else 0

    def _fill(self, rows: list[tuple[str, str, str, str, bool]]) -> None:
        if rows == self._rows and self._current_shape() == self._shape:
            return  # a keystroke that kept the same results: nothing to lay out again
        self._rows = rows
        self._shape = self._current_shape()
        self.set_options(self._options_for(self._shape))

    def _current_shape(self) -> tuple[bool, int]:
        """(one line per result, width) for the list as it is laid out now."""
        return self.screen.has_class("-narrow"), self.scrollable_content_region.width

    def _options_for(self, shape: tuple[bool, int]) -> list[Option | None]:
        one_line, width = shape
        options: list[Option | None] = []
        for entry_id, title, topic, score, bold in self._rows:
            if one_line:
                prompt = self._line(title, topic, score, bold, width)
            else:
                prompt = Text(title, style="bold" if bold else "")
                meta = f"{topic} · {score}" if topic and score else score
                if meta:
                    prompt.append(f"\n{meta}", style="dim")
            if options and not one_line:
                options.append(None)  # a rule between wrapped results
            options.append(Option(prompt, id=entry_id))
        return options

    def _line(self, title: str, topic: str, score: str, bold: bool, width: int) -> Text:
        width = max(width, 10)
        meta = f"{topic} · {score}" if topic and score and width >= self.TOPIC_WIDTH else score
        line = Text(title, style="bold" if bold else "", no_wrap=True, overflow="ellipsis")
        line.truncate(width - (len(meta) + 1 if meta else 0), overflow="ellipsis", pad=bool(meta))
        if meta:
            line.append(" " + meta, style="dim")
        return line

    def on_resize(self) -> None:
        # Lines are cut to the width, or wrapped: make them again when the shape changes.
        shape = self._current_shape()
        if self._rows and shape != self._shape:
            self._shape = shape
            highlighted = self.highlighted
            with self.prevent(OptionList.OptionHighlighted):
                self.set_options(self._options_for(shape))
                self.highlighted = highlighted

    def action_up_or_leave(self) -> None:
        """Up from the first result goes back to the query box, as down came from it."""
        if not self.highlighted:
            self.screen.set_focus(self.screen.query_one(QueryBox))
        else:
            self.action_cursor_up()


class WhyPanel(Static):
    """Why the highlighted result matched (the search's own reasons), under the results."""

    def show(self, result: Result | None) -> None:
        self.set_class(result is None, "-empty")  # hidden by the stylesheet
        if result is None:
            return
        self.border_title = f"Why it matched · {result.score:.0%}"
        # Text: never markup. Reasons quote the entry's templates: made safe to draw.
        text = Text("\n".join(f"• {sanitize(reason)}" for reason in result.why))
        if not result.confident:
            text.append("\nLow confidence: this may not be your problem.", style="italic")
        if text.plain != getattr(self, "_plain", None):  # a keystroke often keeps the reasons
            self._plain = text.plain
            self.update(text)
