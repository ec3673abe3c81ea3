"""Modal screens: keyboard help (built from the bindings) and the topic browser."""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static, Tree

from flaskref.entry import TOPICS, Entry
from flaskref.sanitize import sanitize
from flaskref.tui.keys import MORE_KEYS

INTRO = (
    "Type a topic or paste a whole traceback into the box at the top: results update as you "
    "type, the best first, with how confident the match is. The highlighted result shows its "
    "fix and code; on wide terminals the problem (symptom, error) is beside it. Every F-key "
    "has a ctrl key for terminals that take the F-keys, and a letter that works whenever the "
    "query box is not focused."
)

OUTRO = (
    'Entries under "See also" open with a click, or with tab and enter; escape comes back. '
    "The mouse works too: click a result, a topic or a key in the footer. Copying uses the "
    "terminal's clipboard (OSC 52), which some terminals switch off."
)


def key_rows(app: App, sources: Iterable[list[BindingType]]) -> list[tuple[str, str]]:
    """One (keys, what it does) row per action, from these binding lists, in their order;
    the same keys bound in several places (down in the box, down in the list) share a row."""
    by_action: dict[str, tuple[list[str], str]] = {}
    for bindings in sources:
        for binding in Binding.make_bindings(bindings):
            if not binding.description or binding.system:
                continue
            what = binding.tooltip or binding.description
            keys, _ = by_action.setdefault(binding.action, ([], what))
            key = app.get_key_display(Binding(binding.key, binding.action))
            key = key.upper() if key[:1] == "f" and key[1:].isdigit() else key
            if key not in keys:
                keys.append(key)
    rows: dict[str, list[str]] = {}
    for keys, what in by_action.values():
        rows.setdefault(" ".join(keys), []).append(what)
    return [(keys, "; ".join(whats)) for keys, whats in rows.items()]


def help_table(rows: list[tuple[str, str]]) -> Table:
    """The keys as a two-column table (a Rich renderable: nothing in it is parsed as markup)."""
    table = Table(box=None, show_header=False, padding=(0, 2, 0, 0), expand=True)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(ratio=1)
    for keys, what in rows:
        table.add_row(keys, what)
    return table


class HelpScreen(ModalScreen[None]):
    """What every key does; arrows and page keys scroll it."""

    BINDINGS = [Binding("escape,f1,q", "dismiss", "Close", show=True)]

    def __init__(self, rows: list[tuple[str, str]]) -> None:
        super().__init__()
        self.rows = rows
        """(keys, what they do), as shown."""

    @classmethod
    def for_app(cls, app: App, *widget_bindings: list[BindingType]) -> HelpScreen:
        """The help for the app's keys, its widgets' and the command palette's."""
        rows = key_rows(app, [app.BINDINGS, App.BINDINGS, *widget_bindings])
        palette = app.get_key_display(Binding(App.COMMAND_PALETTE_BINDING, ""))
        rows.append((palette, "Command palette: open any entry by title, themes, actions"))
        return cls(rows + MORE_KEYS)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-dialog") as dialog:
            dialog.border_title = "flaskref: keys"
            dialog.border_subtitle = "↑↓ scroll · escape closes"
            yield Static(Text(INTRO), classes="help-prose")
            yield Static(help_table(self.rows), id="help-keys")
            yield Static(Text(OUTRO), classes="help-prose")

    def on_mount(self) -> None:
        self.query_one("#help-dialog").focus()  # so the arrow keys scroll it at once


class TopicScreen(ModalScreen[str | None]):
    """The KB as a tree of topics, so it can be read like the cheat sheet it grew from.

    Dismisses with the id of the chosen entry, or None.
    """

    BINDINGS = [Binding("escape,f2", "dismiss_none", "Close", show=True)]

    def __init__(self, entries: list[Entry]) -> None:
        super().__init__()
        self._entries = entries

    def compose(self) -> ComposeResult:
        tree: Tree[str] = Tree(Text("Topics"), id="topic-tree")
        tree.show_root = False
        tree.root.expand()
        by_topic: dict[str, list[Entry]] = {t: [] for t in TOPICS}
        for e in self._entries:
            by_topic.setdefault(e.topic, []).append(e)
        for topic, entries in by_topic.items():
            # an empty topic has no expand arrow: indent it by the arrow's width
            label = Text(f"{topic} ({len(entries)})" if entries else f"  {topic} (0)")
            label.stylize("bold" if entries else "dim")
            label.append(f"  {TOPICS.get(topic, '')}", style="dim")
            node = tree.root.add(label, expand=False, allow_expand=bool(entries))
            for e in sorted(entries, key=lambda e: e.title.lower()):
                node.add_leaf(Text(sanitize(e.title)), data=e.id)  # Text: never markup
        with Vertical(id="topic-dialog") as dialog:
            dialog.border_title = f"Topics: {len(self._entries)} entries"
            dialog.border_subtitle = "enter opens or expands · escape closes"
            yield tree

    def on_mount(self) -> None:
        tree = self.query_one(Tree)
        tree.focus()
        tree.cursor_line = 0

    def on_tree_node_selected(self, event: Tree.NodeSelected[str]) -> None:
        if event.node.data:
            self.dismiss(event.node.data)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
