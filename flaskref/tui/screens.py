"""Modal screens: keyboard help and the topic browser."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static, Tree

from flaskref.entry import TOPICS, Entry

INTRO = (
    "Type a topic or paste a whole traceback into the box at the top: results update as you "
    "type, the best first, with how confident the match is. The highlighted result shows "
    "what you see (symptom, error) on the left and the fix with its code on the right."
)

KEYS: list[tuple[str, str]] = [
    ("type / paste", "search; a pasted traceback is searched in full"),
    ("down / up", "from the query box into the results, and through them"),
    ("enter", "read the entry: focus moves to the fix pane (scroll with arrows)"),
    ("tab / shift+tab", "move between the query, results and the two panes"),
    ("escape", "back to the previous entry (after a See also link), else to the query"),
    ("F1", "this help"),
    ("F2", "browse the knowledge base by topic"),
    ("F3", "copy the fix to the clipboard"),
    ("F4", "copy the entry's right code to the clipboard"),
    ("F5", "open the entry's file in $VISUAL / $EDITOR"),
    ("F6", "switch between the light and dark themes"),
    ("ctrl+p", "command palette: open any entry by title, themes, actions"),
    ("ctrl+q", "quit"),
]

OUTRO = (
    'Links under "See also" open the related entry; escape comes back. The mouse works '
    "too: click a result, a link, a topic or a key in the footer. Copying uses the "
    "terminal's clipboard (OSC 52), which some terminals switch off."
)


def help_table() -> Table:
    """The keys as a two-column table (a Rich renderable: nothing in it is parsed as markup)."""
    table = Table(box=None, show_header=False, padding=(0, 2, 0, 0), expand=True)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(ratio=1)
    for key, what in KEYS:
        table.add_row(key, what)
    return table


class HelpScreen(ModalScreen[None]):
    """What every key does."""

    BINDINGS = [Binding("escape,f1,q", "dismiss", "Close", show=True)]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-dialog") as dialog:
            dialog.border_title = "flaskref: keys"
            dialog.border_subtitle = "escape closes"
            yield Static(Text(INTRO), classes="help-prose")
            yield Static(help_table(), id="help-keys")
            yield Static(Text(OUTRO), classes="help-prose")


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
                node.add_leaf(Text(e.title), data=e.id)  # Text: titles are never markup
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
