"""The Textual app: the query box, the results and the entry view, wired to two threads.

Nothing slow runs on the UI thread. Searches run on the search thread (`searching.py`), which
owns the engine, and a newer query supersedes an older one still waiting there; the results
list is filled as soon as a search returns. Entries render on the render thread
(`reader.py`); while keys keep arriving, the entry view waits for a pause before it asks.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable

from textual import events, on, work
from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.theme import Theme
from textual.widgets import Footer, Input, OptionList, Static

from flaskref.entry import Entry
from flaskref.result import Result
from flaskref.sanitize import sanitize
from flaskref.tui import keys, settings, texts
from flaskref.tui.commands import EntryCommands, app_commands
from flaskref.tui.entry_view import EntryView
from flaskref.tui.history import History
from flaskref.tui.reader import Palette, Renderer, palette_of
from flaskref.tui.searching import (
    RESULTS,
    SearchEngine,
    SearchThread,
    Superseded,
    open_engine,
)
from flaskref.tui.widgets import QueryBox, ResultList, WhyPanel

WIDE = 140
"""From this many columns the problem and the fix are side by side."""
NARROW = 100
"""Below this many columns the results sit above the entry instead of beside it."""
TALL = 30
"""Below this many rows the query box is one line high."""
MIN_SIZE = (60, 16)
"""Below this the app says the terminal is too small."""
PREVIEW_DELAY = 0.1
"""Seconds a typed query's best entry waits before rendering; a newer keystroke cancels it."""


class FlaskrefApp(App[None]):
    """The interactive Flask troubleshooting reference."""

    CSS_PATH = "app.tcss"
    TITLE = "flaskref"
    SUB_TITLE = "offline Flask troubleshooting"
    AUTO_FOCUS = "#query"
    COMMANDS = App.COMMANDS | {EntryCommands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (NARROW, "-medium"), (WIDE, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (TALL, "-tall")]
    BINDINGS = keys.BINDINGS

    def __init__(
        self,
        query: str = "",
        kb_dirs: list[str] | None = None,
        *,
        engine: SearchEngine | None = None,
        open_engine: Callable[[], SearchEngine] | None = None,
        results: list[Result] | None = None,
    ) -> None:
        """`engine`: one already open, and `results`: its answer to `query` (the command line
        does both before Textual starts); `open_engine`: how to open one (again, after an
        edit), by default `Engine(kb_dirs)`."""
        super().__init__()
        self._initial_query = query
        self._initial_results = results
        self._kb_dirs = list(kb_dirs) if kb_dirs is not None else None
        self._by_id: dict[str, Entry] = {}
        if engine is not None:  # read here, before the search thread owns the engine
            self._by_id = {e.id: e for e in engine.entries()}
        self.searcher = SearchThread(open_engine or self._open_engine, engine)
        self.renderer = Renderer()
        self.engine: SearchEngine | None = None
        """The open KB, once the search thread has opened it (its entries are loaded)."""
        self.current: Entry | None = None
        """The entry on screen; None while nothing is (copy and edit are off)."""
        self.painted_query: str | None = None
        """The query whose results were last painted (the benchmark waits on it)."""
        self.history = History()
        self.palette: Palette | None = None
        self._results: dict[str, Result] = {}
        self._scheduled: str | None = None
        """The entry the latest preview will show (the list's own highlight must not hurry it)."""
        self.themes = settings.Themes()
        self._key_state: tuple = ()

    def _open_engine(self) -> SearchEngine:
        from flaskref.search import Engine

        return Engine(self._kb_dirs)

    def get_driver_class(self):
        driver = super().get_driver_class()
        if driver.__name__ == "LinuxDriver":
            from flaskref.tui.terminal import paste_safe_driver

            return paste_safe_driver()
        return driver

    def compose(self) -> ComposeResult:
        # The screen's size classes before its widgets are styled: Textual sets them when the
        # Resize event arrives, after the first styling and layout, and every widget would be
        # styled twice and the entry laid out at a wrong width.
        self.screen.update_classes(self._size_classes(self.size), update=False)
        yield QueryBox(
            placeholder="Type a topic or paste a traceback…", id="query", select_on_focus=False
        )
        with Horizontal(id="body"):
            with Vertical(id="side"):
                yield ResultList(id="results")
                yield WhyPanel(id="why", classes="-empty")
            yield EntryView(self.renderer, id="entry")
        yield Footer(compact=True)
        yield Static(
            f"The terminal is too small for flaskref: it needs {MIN_SIZE[0]}×{MIN_SIZE[1]}.\n"
            "Make the window larger, or use `flaskref QUERY` for a one-shot answer.",
            id="too-small",
            markup=False,
        )

    def on_mount(self) -> None:
        if self.themes.problem:
            self.notify(self.themes.problem, severity="warning", markup=False)
        if self.themes.theme in self.available_themes:
            self.theme = self.themes.theme
        self.palette = palette_of(self)
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        self.watch(self.screen, "maximized", lambda _: self._fit(self.size), init=False)
        self._fit(self.size)
        self.query_one(ResultList).border_title = "Results"
        self.query_one(QueryBox).border_title = "flaskref"
        if self._initial_query.strip():
            box = self.query_one(QueryBox)
            with box.prevent(Input.Changed):
                box.set_paste(self._initial_query)
            if self._initial_results is not None:
                self.show_results(box.query_text, self._initial_results)
            else:
                self.run_search(box.query_text)
        self._initial_query, self._initial_results = "", None
        self._wait_for_engine()
        self.set_timer(0.3, self._still_opening)

    def _still_opening(self) -> None:
        """Say so when the index takes long (a first run builds it); a warm one opens fast."""
        if self.engine is None and self.current is None:
            self.query_one(EntryView).show_message(texts.OPENING)

    @work(group="engine")
    async def _wait_for_engine(self) -> None:
        try:
            engine = await asyncio.wrap_future(self.searcher.ready)
            if not self.is_running:
                return  # quitting: the widgets are going
        except Exception as exc:  # an unreadable KB, a broken cache folder: say what
            self.query_one(EntryView).show_message(
                "# The knowledge base could not be opened\n\n" + texts.md_text(str(exc))
            )
            return
        self._engine_ready(engine)
        if not self.query_one(QueryBox).value and self.current is None:
            self._show_message(texts.WELCOME, self._topics())

    def _engine_ready(self, engine: SearchEngine) -> None:
        self.engine = engine
        self._by_id = {e.id: e for e in engine.entries()}
        if self.current is not None:  # shown before the entries were known: its links
            self._show_entry(self.current)
        if engine.problems:
            listed = "\n".join(escape(sanitize(str(p))) for p in engine.problems[:5])
            more = f"\n(+{len(engine.problems) - 5} more)" if len(engine.problems) > 5 else ""
            self.notify(
                f"Skipped or broken KB files:\n{listed}{more}", severity="warning", timeout=10
            )

    # -- layout and theme -----------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size)

    def _size_classes(self, size) -> dict[str, bool]:
        """The screen's classes for a size: Textual's breakpoints, and -too-small."""
        classes = {"-too-small": size.width < MIN_SIZE[0] or size.height < MIN_SIZE[1]}
        for breakpoints, length in (
            (self.HORIZONTAL_BREAKPOINTS, size.width),
            (self.VERTICAL_BREAKPOINTS, size.height),
        ):
            current = [name for at, name in breakpoints if length >= at][-1]
            classes.update({name: name == current for _, name in breakpoints})
        return classes

    def _fit(self, size) -> None:
        """One pane or two; "too small" below the minimum."""
        self.screen.update_classes(self._size_classes(size), animate=False)
        self.query_one(EntryView).set_wide(size.width >= WIDE and self.screen.maximized is None)
        # Below 80 columns the keys fill the footer: the palette's key (ctrl+p) makes room.
        self.query_one(Footer).show_command_palette = size.width >= 80

    def _theme_changed(self, theme: Theme) -> None:
        problem = self.themes.chosen(theme.name, theme.dark)
        if problem:
            self.notify(problem, severity="warning", markup=False)
        self.palette = palette_of(self)
        self.query_one(EntryView).restyle()

    # -- searching ------------------------------------------------------------------------

    @on(Input.Changed, "#query")
    def _query_changed(self) -> None:
        self.run_search(self.query_one(QueryBox).query_text)

    @on(Input.Submitted, "#query")
    def _query_submitted(self) -> None:
        self.query_one(ResultList).focus()

    @work(exclusive=True, group="search")
    async def run_search(self, text: str) -> None:
        """Search on the search thread; a newer call cancels this one while it waits."""
        try:
            results = await asyncio.wrap_future(self.searcher.search(text))
        except Superseded:
            return
        except Exception as exc:  # a bug in ranking must not take the app down with it
            self.notify(f"Search failed: {exc!r}", severity="error", markup=False)
            return
        if not self.is_running or self.query_one(QueryBox).query_text != text:
            return  # quitting, or the box moved on while we searched
        self.show_results(text, results)

    def show_results(self, text: str, results: list[Result]) -> None:
        """Fill the results list now; the entry view follows after a pause (see module doc)."""
        self.history.clear()  # a new search: escape no longer leads to older entries
        self._results = {r.entry.id: r for r in results}
        result_list = self.query_one(ResultList)
        result_list.show(results)
        result_list.border_title = f"Results ({len(results)})" if results else "Results"
        top = results[0] if results else None
        self.query_one(WhyPanel).show(top)
        self._scheduled = None
        if not text.strip():
            entry, message, more = None, texts.WELCOME, self._topics()
        elif top is None:
            entry, message, more = None, texts.NO_MATCH, ""
        elif not top.confident:
            entry, message, more = None, texts.nearest_markdown(results), ""
        else:
            entry, message, more = top.entry, "", ""
            self._scheduled = top.entry.id
        # A paste or the first query is shown at once; typing waits for a pause.
        if "\n" in text or self.painted_query is None:
            self.workers.cancel_group(self, "preview")
            self._show(entry, message, more)
        else:
            self.preview(entry, PREVIEW_DELAY, message, more)
        self.call_after_refresh(setattr, self, "painted_query", text)

    @work(exclusive=True, group="preview")
    async def preview(
        self, entry: Entry | None, delay: float, message: str = "", more: str = ""
    ) -> None:
        """Show an entry (or a message) unless a newer preview comes within `delay`."""
        await asyncio.sleep(delay)
        if self.is_running:
            self._show(entry, message, more)

    def _show(self, entry: Entry | None, message: str = "", more: str = "") -> None:
        if entry is None:
            self._show_message(message, more)
        else:
            self._show_entry(entry)

    @on(OptionList.OptionHighlighted, "#results")
    def _result_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        entry_id = event.option.id
        self.query_one(WhyPanel).show(self._results.get(entry_id))
        if entry_id and entry_id != self._scheduled:  # else its preview is on the way
            self._scheduled = entry_id
            entry = self._results[entry_id].entry if entry_id in self._results else None
            entry = entry or self._by_id.get(entry_id)
            if entry is not None:
                self.preview(entry, 0.05)

    @on(OptionList.OptionSelected, "#results")
    def _result_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id and (self.current is None or event.option.id != self.current.id):
            self.open_entry(event.option.id, push=False)
        self.query_one("#solution-pane").focus()

    @on(OptionList.OptionSelected, "#see-also")
    def _link_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.open_entry(event.option.id)

    # -- showing entries ------------------------------------------------------------------

    def open_entry(self, entry_id: str, push: bool = True) -> None:
        """Show an entry now (a link, the palette, a topic); with `push`, escape comes back."""
        entry = self._by_id.get(entry_id)
        if entry is None and entry_id in self._results:  # a generated answer (removed API...)
            entry = self._results[entry_id].entry
        if entry is None:
            self.notify(
                f"No entry {entry_id!r} in the knowledge base", severity="warning", markup=False
            )
            return
        self.workers.cancel_group(self, "preview")  # a pending preview must not replace it
        self._scheduled = entry_id
        if push:
            self.history.visit(self.current.id if self.current else None, entry_id)
        self._show_entry(entry)
        results = self.query_one(ResultList)
        ids = [option.id for option in results.options]
        if entry_id in ids:  # keep the list's highlight in step with what is shown
            results.highlighted = ids.index(entry_id)

    def _show_entry(self, entry: Entry) -> None:
        self.current = entry
        see_also = getattr(entry, "see_also", ())
        links = [(i, self._by_id[i].title) for i in see_also if i in self._by_id]
        self.query_one(EntryView).show_entry(entry, links)
        self._keys_changed()

    def _show_message(self, message: str, more: str = "") -> None:
        self.current = None
        self.query_one(EntryView).show_message(message, more)
        self._keys_changed()

    def _keys_changed(self) -> None:
        """Grey out or enable copy and edit in the footer, only when that changes: refreshing
        the bindings builds the footer again, a cost no keystroke should pay for nothing."""
        state = tuple(self.check_action(a, ()) for a in ("copy_fix", "copy_code", "edit"))
        if state != self._key_state:
            self._key_state = state
            self.refresh_bindings()

    def _topics(self) -> str:
        return texts.topics_markdown(list(self._by_id.values()))

    # -- actions --------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("copy_fix", "copy_code", "edit", "maximize_fix") and self.current is None:
            return None  # shown greyed out in the footer
        # Results of other kinds (generated from data) have the same fields as an Entry but
        # may lack code or a file behind them.
        if action == "copy_code" and not getattr(self.current, "right_code", None):
            return None
        if action == "edit" and not getattr(self.current, "path", ""):
            return None
        return True

    def action_help(self) -> None:
        from flaskref.tui.screens import HelpScreen  # the Tree widget: not at start

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen.for_app(self, QueryBox.BINDINGS, ResultList.BINDINGS))

    def action_topics(self) -> None:
        from flaskref.tui.screens import TopicScreen

        if self.engine is None or isinstance(self.screen, TopicScreen):
            return

        def chosen(entry_id: str | None) -> None:
            if entry_id and entry_id in self._by_id:
                topic = self._by_id[entry_id].topic
                self._results = {}
                results = self.query_one(ResultList)
                results.show_entries(
                    sorted(
                        (e for e in self._by_id.values() if e.topic == topic),
                        key=lambda e: e.title.lower(),
                    ),
                    selected=entry_id,
                )
                results.border_title = f"Topic: {escape(topic)}"  # titles read markup
                self.query_one(WhyPanel).show(None)
                self.open_entry(entry_id)

        self.push_screen(TopicScreen(list(self._by_id.values())), chosen)

    def action_copy_fix(self) -> None:
        if self.current:
            self.copy_to_clipboard(self.current.fix)
            self.notify("Fix copied")

    def action_copy_code(self) -> None:
        code = getattr(self.current, "right_code", None)
        if code:
            self.copy_to_clipboard(code)
            self.notify("Code copied")

    def action_maximize_fix(self) -> None:
        if self.screen.maximized is not None:
            self.screen.minimize()
            return
        pane = self.query_one("#solution-pane")
        self.screen.maximize(pane, container=False)
        pane.focus()

    def action_focus_query(self) -> None:
        self.query_one(QueryBox).focus()

    def action_toggle_dark(self) -> None:
        """Light and dark, each the last one chosen (in the palette too), else Textual's."""
        self.theme = self.themes.switch(self.current_theme.dark, self.available_themes)

    def action_edit(self) -> None:
        from flaskref.tui import editing

        if self.current is not None:
            entry_id = self.current.id
            if editing.edit(self, self.current, self._kb_dirs):
                self._reopen(entry_id)

    @work(exclusive=True, group="engine")
    async def _reopen(self, entry_id: str) -> None:
        """The KB changed on disk: open it again (a fresh index) and show the entry anew."""
        try:
            engine = await asyncio.wrap_future(self.searcher.reopen())
            if not self.is_running:
                return
        except Exception as exc:
            self.notify(f"Could not reload the knowledge base: {exc}", markup=False)
            return
        self._engine_ready(engine)
        if entry_id in self._by_id:
            self.open_entry(entry_id, push=False)

    async def action_back(self) -> None:
        entry_id = self.history.back()
        if entry_id is not None:
            self.open_entry(entry_id, push=False)
        else:
            self.query_one(QueryBox).focus()

    def get_system_commands(self, screen):
        yield from super().get_system_commands(screen)
        yield from app_commands(self)

    def on_unmount(self) -> None:
        self.searcher.close()
        self.renderer.close()


def run(query: str = "", kb: list[str] | None = None) -> int:
    """`flaskref` with no query on a terminal, or `flaskref --tui [QUERY]`; the exit status.

    The engine opens and answers the query here, before Textual starts, so that the two do
    not compete for the interpreter while the first screen is drawn.
    """
    from flaskref import paths
    from flaskref.tui.terminal import attach_keyboard

    problem = attach_keyboard()
    if problem:
        print(f"flaskref: cannot open the TUI: {problem}", file=sys.stderr)
        return 2
    dirs = paths.kb_dirs(kb)
    engine = open_engine(dirs)
    results = None
    if query.strip():
        from flaskref.tui.paste import normalise

        results = engine.search(normalise(query), RESULTS)
    app = FlaskrefApp(query, dirs, engine=engine, results=results)
    app.run()
    return app.return_code or 0  # 1 when the app crashed


__all__ = ["FlaskrefApp", "run"]
