"""The TUI's widgets: the paste-aware query box, the results list and the entry view.

Nothing from an entry or a paste is ever parsed as Rich/Textual markup: list items are Rich
`Text` objects, entry text goes through `Markdown` (which renders Markdown, not markup).
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Input, Markdown, OptionList, Static
from textual.widgets.option_list import Option

from flaskref.entry import TOPICS, Entry
from flaskref.query import parse
from flaskref.search import Result


class QueryBox(Input):
    """An Input that keeps a whole multi-line paste.

    Textual's Input keeps only the first line of a paste, which for a traceback is
    "Traceback (most recent call last):". A multi-line paste is kept here and shown as its
    final error line plus a line count; editing the box drops it.
    """

    # Arrow keys between the box and the results are priority bindings: they run as the app
    # receives the key, so a key right behind (held down, a burst) already finds the new
    # focus; a plain binding runs later, in the widget's queue, and a burst loses keys.
    BINDINGS = [
        Binding("down", "to_results", "Into the results", show=False, priority=True),
    ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._pasted: str | None = None
        self._label = ""

    def on_paste(self, event: events.Paste) -> None:
        # Terminals send pasted line breaks as CR (tmux, many others), sometimes CRLF.
        text = event.text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
        if "\n" not in text:
            return  # one line: Input's own handling is right
        event.prevent_default()
        event.stop()
        self.set_paste(text)

    def set_paste(self, text: str) -> None:
        """Search for a whole pasted text (also used for a query given on the command line)."""
        lines = text.strip("\n").splitlines()
        self._pasted = text
        more = len(lines) - 1
        self._label = parse(text).summary() + (
            f"  (+{more} line{'s' if more > 1 else ''})" if more else ""
        )
        self.value = self._label
        self.cursor_position = len(self.value)

    def action_to_results(self) -> None:
        self.screen.set_focus(self.screen.query_one(ResultList))

    @property
    def query_text(self) -> str:
        """What to search for: the whole paste while the box still shows it, else the value."""
        if self._pasted is not None and self.value == self._label:
            return self._pasted
        return self.value


class ResultList(OptionList):
    """Search results, best first: title, topic and confidence."""

    BINDINGS = [  # priority: see QueryBox
        Binding("down", "cursor_down", "Next result", show=False, priority=True),
        Binding(
            "up", "up_or_leave", "Previous result / back to the query", show=False, priority=True
        ),
    ]

    def show(self, results: list[Result]) -> None:
        """List results; only a confident best result is pre-selected (and so shown)."""
        self.clear_options()
        for r in results:
            prompt = Text(r.entry.title, style="bold" if r.confident else "")
            prompt.append(f"\n{r.entry.topic} · {r.score:.0%}", style="dim")
            self.add_option(Option(prompt, id=r.entry.id))
        self.highlighted = 0 if results and results[0].confident else None

    def show_entries(self, entries: list[Entry], selected: str | None = None) -> None:
        """A plain listing (a topic's entries) in the results' shape, `selected` highlighted."""
        self.clear_options()
        for e in entries:
            prompt = Text(e.title, style="bold")
            prompt.append(f"\n{e.topic}", style="dim")
            self.add_option(Option(prompt, id=e.id))
        ids = [e.id for e in entries]
        if entries:
            self.highlighted = ids.index(selected) if selected in ids else 0

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
        text = Text("\n".join(f"• {reason}" for reason in result.why))  # Text: never markup
        if not result.confident:
            text.append("\nLow confidence: this may not be your problem.", style="italic")
        self.update(text)


WELCOME = """\
# flaskref

Type a topic (*session not persisting*, *url_for absolute url*) or paste a whole
traceback into the box above.

Press **F2** to browse the knowledge base by topic, **F1** for all keys.
"""
NO_MATCH = (
    "# No match\n\nNothing in the knowledge base fits this. Try the final error line of the "
    "traceback, fewer words, or **F2** to browse by topic."
)


def nearest_markdown(results: list[Result]) -> str:
    """No confident answer: say so, and list the nearest titles."""
    nearest = "\n".join(f"- {_md_text(r.entry.title)} ({r.score:.0%})" for r in results[:5])
    return (
        "# No confident answer\n\nThe nearest entries are listed on the left; none clearly "
        "explains this. Move down into the list to read one, try the final error line alone, "
        "or browse with **F2**.\n\n" + nearest
    )


def topics_markdown(entries: list[Entry]) -> str:
    """The welcome screen's right pane: what the KB covers, like a cheat sheet's contents."""
    counts: dict[str, int] = {}
    for e in entries:
        counts[e.topic] = counts.get(e.topic, 0) + 1
    lines = [f"- **{t}** ({counts.get(t, 0)}): {_md_text(d)}" for t, d in TOPICS.items()]
    return f"## {len(entries)} entries by topic\n\n" + "\n".join(lines) + "\n\nF2 browses them."


def problem_markdown(entry: Entry) -> str:
    """The left pane: what the user sees (the symptom, the exact messages)."""
    parts = [
        f"# {_md_text(entry.title)}",
        f"*{TOPICS.get(entry.topic, entry.topic)}*",
        "",
        "## Symptom",
        "",
        entry.symptom,
    ]
    if entry.errors:
        parts += ["", "## Error", ""]
        for err in entry.errors:  # quoted, not fenced: a long message must wrap
            parts += [f"> {_md_text(err)}", ""]
    if entry.versions:
        parts += ["", "Applies to: " + ", ".join(f"`{d}{s}`" for d, s in entry.versions)]
    return "\n".join(parts)


def solution_markdown(entry: Entry, titles: dict[str, str]) -> str:
    """The right pane: the one-line fix, then the entry body with its code."""
    parts = ["## In short", "", f"**{entry.fix}**", "", _body_without_scripts(entry)]
    links = [f"- [{_md_text(titles[i])}](entry:{i})" for i in entry.see_also if i in titles]
    if links:
        parts += ["", "## See also", ""] + links
    return "\n".join(parts)


def _body_without_scripts(entry: Entry) -> str:
    """The body minus the test-only reproduce/fixed scripts, which readers need not see."""
    lines = entry.body.split("\n")
    drop: set[int] = set()
    for block in entry.blocks:
        if block.label in ("reproduce", "fixed"):
            # block.line is the fence's file line; find the fence in the body by its text
            start = next(
                (
                    i
                    for i, ln in enumerate(lines)
                    if ln.startswith("```") and block.label in ln and i not in drop
                ),
                None,
            )
            if start is None:
                continue
            end = start + 1
            while end < len(lines) and not lines[end].startswith("```"):
                end += 1
            drop.update(range(start, end + 1))
    return "\n".join(ln for i, ln in enumerate(lines) if i not in drop).rstrip()


def _md_text(text: str) -> str:
    """Text for a Markdown heading or list item, with Markdown's own specials escaped."""
    for ch in "\\`*_[]<>#":
        text = text.replace(ch, "\\" + ch)
    return text


class EntryView(Horizontal):
    """The selected entry side by side: the problem on the left, the fix and code on the right.

    Below 100 columns the screen has the `-narrow` class (the app's breakpoints) and the
    stylesheet stacks the two panes.
    """

    def compose(self) -> ComposeResult:
        self._shown: dict[str, str] = {}
        with VerticalScroll(id="problem-pane"):
            yield Markdown(id="problem", open_links=False)
        with VerticalScroll(id="solution-pane"):
            yield Markdown(id="solution", open_links=False)

    async def show(self, entry: Entry, titles: dict[str, str]) -> None:
        """Show an entry; panes whose text has not changed are not rendered again."""
        changed = await self._set("problem", problem_markdown(entry))
        changed |= await self._set("solution", solution_markdown(entry, titles))
        if changed:
            for pane in self.query(VerticalScroll):
                pane.scroll_home(animate=False)

    async def show_message(self, left: str, right: str = "") -> None:
        """An empty or no-result state, as Markdown the caller has already made safe."""
        await self._set("problem", left)
        await self._set("solution", right)

    async def _set(self, pane: str, markdown: str) -> bool:
        # Rendering Markdown (code highlighting included) is the costly part of a keystroke:
        # skip it when the text is what is already shown.
        if self._shown.get(pane) == markdown:
            return False
        self._shown[pane] = markdown
        await self.query_one(f"#{pane}", Markdown).update(markdown)
        return True
