"""The Textual app: wiring of the query box, results and entry view to the search API.

Searches run in an exclusive worker (a newer keystroke cancels the older search), on a
thread, against an `Engine` opened once, off the UI thread, when the app starts. The results
list is updated as soon as a search returns; the entry view, whose Markdown costs far more to
render than a search, follows in its own exclusive worker after a short pause, so that typing
never waits for it.
"""

from __future__ import annotations

import asyncio
import os
import shlex
import subprocess
from pathlib import Path

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.widgets import Footer, Header, Input, Markdown, OptionList

from flaskref.entry import Entry
from flaskref.search import Engine, Result
from flaskref.tui.commands import EntryCommands
from flaskref.tui.screens import HelpScreen, TopicScreen
from flaskref.tui.widgets import (
    NO_MATCH,
    WELCOME,
    EntryView,
    QueryBox,
    ResultList,
    WhyPanel,
    nearest_markdown,
    topics_markdown,
)

NARROW = 100
RESULTS = 20
"""How many results a search lists."""
"""Below this many columns the two entry panes stack vertically."""
SEARCH_DELAY = 0.015
"""Seconds a keystroke waits before searching; a newer keystroke cancels it meanwhile.

A search takes ~3 ms, so a short pause is enough to coalesce a burst of keys; 50-100 ms
would be most of the 50 ms budget from keystroke to painted results."""
PREVIEW_DELAY = 0.12
"""Seconds the entry view waits before rendering a typed query's best result."""

#: Benchmarks only (benchmarks/tui.py): exit as soon as the first results and entry are painted.
EXIT_AFTER_PAINT = "FLASKREF_TUI_EXIT_AFTER_PAINT"


class FlaskrefApp(App[None]):
    """The interactive Flask troubleshooting reference."""

    CSS_PATH = "app.tcss"
    TITLE = "flaskref"
    SUB_TITLE = "offline Flask troubleshooting"
    AUTO_FOCUS = "#query"
    COMMANDS = App.COMMANDS | {EntryCommands}
    # Every screen gets -narrow or -wide by its width; app.tcss stacks the panes on -narrow.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (NARROW, "-wide")]
    # F-keys: the query box (an Input) owns enter and most ctrl+letter keys.
    BINDINGS = [
        Binding("f1", "help", "Help", tooltip="Every key, explained", id="help"),
        Binding("f2", "topics", "Topics", tooltip="Browse the KB by topic", id="topics"),
        Binding("f3", "copy_fix", "Copy fix", tooltip="Copy the one-line fix", id="copy-fix"),
        Binding("f4", "copy_code", "Copy code", tooltip="Copy the right code", id="copy-code"),
        Binding("f5", "edit", "Edit", tooltip="Open the entry in $EDITOR", id="edit"),
        Binding("f6", "toggle_dark", "Light/dark", show=False, id="theme"),
        Binding("escape", "back", "Back", show=False, id="back"),
    ]

    def __init__(self, query: str = "", kb_dirs: list[Path] | None = None) -> None:
        super().__init__()
        self._initial_query = query
        self._kb_dirs = kb_dirs
        self.engine: Engine | None = None
        """The opened KB; None until the worker started at mount has opened it."""
        self.current: Entry | None = None
        """The entry on screen; None while nothing is shown (copy and edit are disabled)."""
        self.painted_query: str | None = None
        """The query whose results were last painted (the benchmark waits on it)."""
        self._results: dict[str, Result] = {}
        self._history: list[str] = []
        self._scheduled: str | None = None
        """The entry the latest preview will show (the list's own highlight must not hurry it)."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield QueryBox(
            placeholder="Type a topic or paste a traceback…", id="query", select_on_focus=False
        )
        with Horizontal(id="body"):
            with Vertical(id="side"):
                yield ResultList(id="results")
                yield WhyPanel(id="why", classes="-empty")
            yield EntryView(id="entry")
        yield Footer()

    def on_mount(self) -> None:
        self.open_engine()  # first: it runs beside Textual's own start-up work
        self.query_one(ResultList).border_title = "Results"
        self.set_timer(0.25, self._still_opening)

    async def _still_opening(self) -> None:
        """Say so when the index takes long (a first run builds it); a warm one opens in ~50 ms."""
        if self.engine is None:
            await self.query_one(EntryView).show_message("Opening the knowledge base…")

    @work(thread=True, group="engine")
    def open_engine(self, reopen: str | None = None) -> None:
        """Open (or build) the index off the UI thread, so the first paint is not delayed;
        a query given on the command line is searched here too, while the UI starts."""
        engine = Engine(self._kb_dirs)
        query = "" if reopen else self._initial_query
        first = engine.search(query, RESULTS) if query.strip() else None
        self.call_from_thread(self._engine_ready, engine, reopen, first)

    async def _engine_ready(
        self, engine: Engine, reopen: str | None, first: list[Result] | None
    ) -> None:
        old, self.engine = self.engine, engine
        if old is not None:
            old.close()
        if engine.problems:
            listed = "\n".join(escape(str(p)) for p in engine.problems[:5])
            more = f"\n(+{len(engine.problems) - 5} more)" if len(engine.problems) > 5 else ""
            self.notify(
                f"Skipped or broken KB files:\n{listed}{more}", severity="warning", timeout=10
            )
        box = self.query_one(QueryBox)
        if reopen:
            self.current = None  # the file may have changed: render it again
            await self.open_entry(reopen, push=False)
        elif first is not None:
            with box.prevent(Input.Changed):  # already searched, in open_engine
                box.set_paste(self._initial_query)
            self.show_results(box.query_text, first)
        elif box.value:
            self.run_search(box.query_text)
        else:
            await self.query_one(EntryView).show_message(WELCOME, self._topics())
        self._initial_query = ""

    # -- searching ----------------------------------------------------------------------

    @on(Input.Changed, "#query")
    def _query_changed(self) -> None:
        self.run_search(self.query_one(QueryBox).query_text)

    @on(Input.Submitted, "#query")
    def _query_submitted(self) -> None:
        self.query_one(ResultList).focus()

    @work(exclusive=True, group="search")
    async def run_search(self, text: str) -> None:
        await asyncio.sleep(SEARCH_DELAY)  # a newer keystroke cancels this one here
        if self.engine is None:
            return  # _engine_ready searches again
        results = await asyncio.to_thread(self.engine.search, text, RESULTS) if text.strip() else []
        if self.query_one(QueryBox).query_text != text:
            return  # the box moved on while we searched
        self.show_results(text, results)

    def show_results(self, text: str, results: list[Result]) -> None:
        """Fill the results list now; render the entry view after a pause (see module doc)."""
        self._results = {r.entry.id: r for r in results}
        self.query_one(ResultList).show(results)
        self.query_one(ResultList).border_title = (
            f"Results ({len(results)})" if results else "Results"
        )
        top = results[0] if results else None
        self.query_one(WhyPanel).show(top)
        self._scheduled = None
        # A paste or a command-line query is shown at once; typing waits for a pause.
        delay = 0.0 if "\n" in text or self.painted_query is None else PREVIEW_DELAY
        if not text.strip():
            self.preview(None, WELCOME, delay, self._topics())
        elif top is None:
            self.preview(None, NO_MATCH, delay)
        elif not top.confident:
            self.preview(None, nearest_markdown(results), delay)
        else:
            self._scheduled = top.entry.id
            self.preview(top.entry.id, "", delay)
        self.call_after_refresh(setattr, self, "painted_query", text)

    @work(exclusive=True, group="preview")
    async def preview(
        self, entry_id: str | None, message: str, delay: float, right: str = ""
    ) -> None:
        """Show an entry (or a message) unless a newer preview comes within `delay`."""
        await asyncio.sleep(delay)
        if entry_id is None:
            self.current = None
            await asyncio.shield(self.query_one(EntryView).show_message(message, right))
            self.refresh_bindings()
        else:
            await asyncio.shield(self.open_entry(entry_id, push=False))
        if os.environ.get(EXIT_AFTER_PAINT):
            self.call_after_refresh(self.exit)

    @on(OptionList.OptionHighlighted, "#results")
    def _result_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        entry_id = event.option.id
        self.query_one(WhyPanel).show(self._results.get(entry_id))
        if entry_id and entry_id != self._scheduled:  # else its preview is on the way
            self._scheduled = entry_id
            self.preview(entry_id, "", 0.05)  # the same entry again renders nothing

    @on(OptionList.OptionSelected, "#results")
    async def _result_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id and (self.current is None or event.option.id != self.current.id):
            await self.open_entry(event.option.id, push=False)
        self.query_one("#solution-pane").focus()

    # -- showing entries -----------------------------------------------------------------

    async def open_entry(self, entry_id: str, push: bool = True) -> None:
        """Show an entry; with `push`, remember the current one for "back"."""
        if self.engine is None:
            return
        entry = self.engine.entry(entry_id)
        if entry is None:
            self.notify(
                f"No entry {entry_id!r} in the knowledge base", severity="warning", markup=False
            )
            return
        if push and self.current is not None and self.current.id != entry_id:
            self._history.append(self.current.id)
        self.current = entry
        titles = {e.id: e.title for e in self.engine.entries()}
        await self.query_one(EntryView).show(entry, titles)
        self.refresh_bindings()

    def _topics(self) -> str:
        return topics_markdown(self.engine.entries() if self.engine else [])

    @on(Markdown.LinkClicked)
    async def _link_clicked(self, event: Markdown.LinkClicked) -> None:
        if event.href.startswith("entry:"):
            await self.open_entry(event.href.removeprefix("entry:"))
        # other links are never opened: the tool works offline and trusts no entry text

    # -- actions --------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("copy_fix", "copy_code", "edit") and self.current is None:
            return None  # shown greyed out in the footer
        if action == "copy_code" and self.current is not None and not self.current.right_code:
            return None
        return True

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_topics(self) -> None:
        if self.engine is None or isinstance(self.screen, TopicScreen):
            return

        async def chosen(entry_id: str | None) -> None:
            if entry_id and self.engine is not None:
                await self.open_entry(entry_id)
                topic = self.current.topic
                self._results = {}
                self.query_one(ResultList).show_entries(
                    sorted(
                        (e for e in self.engine.entries() if e.topic == topic),
                        key=lambda e: e.title.lower(),
                    ),
                    selected=entry_id,
                )
                self.query_one(WhyPanel).show(None)
                self.query_one(ResultList).border_title = f"Topic: {topic}"

        self.push_screen(TopicScreen(self.engine.entries()), chosen)

    def action_copy_fix(self) -> None:
        if self.current:
            self.copy_to_clipboard(self.current.fix)
            self.notify("Fix copied")

    def action_copy_code(self) -> None:
        if self.current and self.current.right_code:
            self.copy_to_clipboard(self.current.right_code)
            self.notify("Code copied")

    def action_edit(self) -> None:
        if self.current is None:
            return
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
        if not editor:
            self.notify("Set $EDITOR to open entries in your editor", severity="warning")
            return
        with self.suspend():
            subprocess.call([*shlex.split(editor), self.current.path])
        self.open_engine(reopen=self.current.id)  # the KB changed: reindex, show it again

    async def action_back(self) -> None:
        if self._history:
            await self.open_entry(self._history.pop(), push=False)
        else:
            self.query_one(QueryBox).focus()

    def get_system_commands(self, screen):
        yield from super().get_system_commands(screen)
        yield SystemCommand("Browse topics", "The KB by topic, with counts", self.action_topics)
        yield SystemCommand("Copy fix", "Copy the shown entry's fix", self.action_copy_fix)
        yield SystemCommand("Copy code", "Copy the shown entry's code", self.action_copy_code)
        yield SystemCommand("Edit entry", "Open the entry in $EDITOR", self.action_edit)
        yield SystemCommand(
            "Light/dark", "Toggle the light and dark themes", self.action_toggle_dark
        )
        yield SystemCommand("Help", "Keys and how to search", self.action_help)

    async def on_unmount(self) -> None:
        if self.engine is not None:
            self.engine.close()


def run(query: str = "", kb: list[str] | None = None) -> int:
    """`flaskref` with no query on a terminal, or `flaskref --tui QUERY`."""
    from flaskref import paths

    FlaskrefApp(query, paths.kb_dirs(kb)).run()
    return 0


__all__ = ["FlaskrefApp", "run"]
