"""The Textual app: wiring of the query box, results and entry view to the search API.

Searches run in an exclusive worker (a newer keystroke cancels the older search), on a
thread, against an `Engine` opened once, off the UI thread, when the app starts.
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
from textual.containers import Horizontal
from textual.markup import escape
from textual.widgets import Footer, Header, Input, Markdown, OptionList

from flaskref.entry import Entry
from flaskref.search import Engine, Result
from flaskref.tui.commands import EntryCommands
from flaskref.tui.screens import HelpScreen, TopicScreen
from flaskref.tui.widgets import EntryView, QueryBox, ResultList

NARROW = 100
"""Below this many columns the two entry panes stack vertically."""

#: Benchmarks only (benchmarks/tui.py): exit once the first results are painted.
EXIT_AFTER_PAINT = "FLASKREF_TUI_EXIT_AFTER_PAINT"

WELCOME = """\
# flaskref

Type a topic (*session not persisting*, *url_for absolute url*) or paste a whole
traceback into the box above.

Press **F2** to browse the knowledge base by topic, **F1** for all keys.
"""


class FlaskrefApp(App[None]):
    """The interactive Flask troubleshooting reference."""

    CSS_PATH = "app.tcss"
    TITLE = "flaskref"
    SUB_TITLE = "offline Flask troubleshooting"
    AUTO_FOCUS = "#query"
    COMMANDS = App.COMMANDS | {EntryCommands}
    BINDINGS = [
        Binding("f1", "help", "Help", tooltip="Every key, explained"),
        Binding("f2", "topics", "Topics", tooltip="Browse the KB by topic"),
        Binding("f3", "copy_fix", "Copy fix", tooltip="Copy the one-line fix"),
        Binding("f4", "copy_code", "Copy code", tooltip="Copy the entry's code"),
        Binding("f5", "edit", "Edit", tooltip="Open the entry in $EDITOR"),
        Binding("escape", "back", "Back", show=False),
    ]

    def __init__(self, query: str = "", kb_dirs: list[Path] | None = None) -> None:
        super().__init__()
        self._initial_query = query
        self._kb_dirs = kb_dirs
        self.engine: Engine | None = None
        self.current: Entry | None = None
        """The entry on screen; None while nothing is shown (copy and edit are disabled)."""
        self._results: dict[str, Result] = {}
        self._history: list[str] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield QueryBox(
            placeholder="Type a topic or paste a traceback…", id="query", select_on_focus=False
        )
        with Horizontal(id="body"):
            yield ResultList(id="results")
            yield EntryView(id="entry")
        yield Footer()

    async def on_mount(self) -> None:
        await self.query_one(EntryView).show_message("Opening the knowledge base…")
        self.open_engine()

    @work(thread=True, group="engine")
    def open_engine(self) -> None:
        """Open (or build) the index off the UI thread, so the first paint is not delayed."""
        engine = Engine(self._kb_dirs)
        self.call_from_thread(self._engine_ready, engine)

    async def _engine_ready(self, engine: Engine) -> None:
        self.engine = engine
        if engine.problems:
            listed = "\n".join(escape(str(p)) for p in engine.problems[:5])
            more = f"\n(+{len(engine.problems) - 5} more)" if len(engine.problems) > 5 else ""
            self.notify(
                f"Skipped or broken KB files:\n{listed}{more}", severity="warning", timeout=10
            )
        box = self.query_one(QueryBox)
        if self._initial_query:
            box.set_paste(self._initial_query)  # fires Input.Changed, which searches
        elif box.value:
            self.run_search(box.query_text)
        else:
            await self.query_one(EntryView).show_message(WELCOME)

    # -- searching ----------------------------------------------------------------------

    @on(Input.Changed, "#query")
    def _query_changed(self) -> None:
        self.run_search(self.query_one(QueryBox).query_text)

    @work(exclusive=True, group="search")
    async def run_search(self, text: str) -> None:
        await asyncio.sleep(0.03)  # a newer keystroke cancels this one here
        if self.engine is None:
            return  # _engine_ready searches again
        if not text.strip():
            self.query_one(ResultList).clear_options()
            await self.query_one(EntryView).show_message(WELCOME)
            return
        results = await asyncio.to_thread(self.engine.search, text, 20)
        if self.query_one(QueryBox).query_text != text:
            return  # the box moved on while we searched
        await self.show_results(results)

    async def show_results(self, results: list[Result]) -> None:
        self._results = {r.entry.id: r for r in results}
        self.query_one(ResultList).show(results)
        view = self.query_one(EntryView)
        if not results:
            self.current = None
            await view.show_message(
                "# No match\n\nNothing in the knowledge base fits this. Try the final error "
                "line of the traceback, fewer words, or **F2** to browse by topic."
            )
        elif not results[0].confident:
            self.current = None
            nearest = "\n".join(f"- {r.entry.title} ({r.score:.0%})" for r in results[:5])
            await view.show_message(
                "# No confident answer\n\nThe nearest entries are listed on the left; "
                "none clearly explains this.\n\n" + _escape_md(nearest)
            )
        else:
            await self.open_entry(results[0].entry.id, push=False)
        self.refresh_bindings()
        if os.environ.get(EXIT_AFTER_PAINT) and results:
            self.call_after_refresh(self.exit)

    @on(OptionList.OptionHighlighted, "#results")
    async def _result_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id and (self.current is None or event.option.id != self.current.id):
            await self.open_entry(event.option.id, push=False)

    @on(OptionList.OptionSelected, "#results")
    def _result_selected(self) -> None:
        self.query_one("#solution-pane").focus()

    def on_key(self, event) -> None:
        if event.key == "down" and self.focused is self.query_one(QueryBox):
            self.query_one(ResultList).focus()
            event.stop()

    # -- showing entries -----------------------------------------------------------------

    async def open_entry(self, entry_id: str, push: bool = True) -> None:
        """Show an entry; with `push`, remember the current one for "back"."""
        if self.engine is None:
            return
        entry = self.engine.entry(entry_id)
        if entry is None:
            return
        if push and self.current is not None and self.current.id != entry_id:
            self._history.append(self.current.id)
        self.current = entry
        why = self._results[entry_id].why if entry_id in self._results else ()
        titles = {e.id: e.title for e in self.engine.entries()}
        await self.query_one(EntryView).show(entry, why, titles)
        self.refresh_bindings()

    @on(Markdown.LinkClicked)
    async def _link_clicked(self, event: Markdown.LinkClicked) -> None:
        if event.href.startswith("entry:"):
            await self.open_entry(event.href.removeprefix("entry:"))
        # other links are never opened: the tool works offline and trusts no entry text

    # -- actions --------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("copy_fix", "copy_code", "edit") and self.current is None:
            return None  # shown greyed out in the footer
        if action == "copy_code" and self.current is not None and not self._code(self.current):
            return None
        return True

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def action_topics(self) -> None:
        if self.engine is None:
            return

        async def chosen(entry_id: str | None) -> None:
            if entry_id:
                self._results = {}
                await self.open_entry(entry_id)
                entries = [e for e in self.engine.entries() if e.topic == self.current.topic]
                self.query_one(ResultList).show_entries(entries)

        self.push_screen(TopicScreen(self.engine.entries()), chosen)

    def action_copy_fix(self) -> None:
        if self.current:
            self.copy_to_clipboard(self.current.fix)
            self.notify("Fix copied")

    def action_copy_code(self) -> None:
        if self.current and self._code(self.current):
            self.copy_to_clipboard(self._code(self.current))
            self.notify("Code copied")

    @staticmethod
    def _code(entry: Entry) -> str:
        return entry.right_code or ""

    def action_edit(self) -> None:
        if self.current is None:
            return
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
        if not editor:
            self.notify("Set $EDITOR to open entries", severity="warning")
            return
        with self.suspend():
            subprocess.call([*shlex.split(editor), self.current.path])

    async def action_back(self) -> None:
        if self._history:
            await self.open_entry(self._history.pop(), push=False)
        else:
            self.query_one(QueryBox).focus()

    def get_system_commands(self, screen):
        yield from super().get_system_commands(screen)
        yield SystemCommand("Browse topics", "The KB by topic, with counts", self.action_topics)
        yield SystemCommand("Copy fix", "Copy the shown entry's fix", self.action_copy_fix)
        yield SystemCommand("Help", "Keys and how to search", self.action_help)

    def on_resize(self, event) -> None:
        self.screen.set_class(event.size.width < NARROW, "narrow")

    async def on_unmount(self) -> None:
        if self.engine is not None:
            self.engine.close()


def _escape_md(text: str) -> str:
    for ch in "\\`*_[]<>":
        text = text.replace(ch, "\\" + ch)
    return text


def run(query: str = "", kb: list[str] | None = None) -> int:
    """`flaskref` with no query on a terminal, or `flaskref --tui QUERY`."""
    from flaskref import paths

    FlaskrefApp(query, paths.kb_dirs(kb)).run()
    return 0


__all__ = ["FlaskrefApp", "run"]
