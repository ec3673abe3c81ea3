"""Modal screens: keyboard help and the topic browser."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Markdown, Tree

from flaskref.entry import TOPICS, Entry

HELP = """\
# flaskref

Type a topic or paste a whole traceback into the box at the top: results update as you
type, the best first. The selected entry shows what you see on the left and the fix on
the right.

| key | what it does |
| --- | --- |
| type / paste | search (a pasted traceback is searched in full) |
| down, up | move through the results |
| enter | read the entry (focus moves to it) |
| escape | back to the previous entry, or to the search box |
| F1 | this help |
| F2 | browse the knowledge base by topic |
| F3 | copy the fix to the clipboard |
| F4 | copy the entry's code to the clipboard |
| F5 | open the entry's file in `$EDITOR` |
| ctrl+p | command palette: open any entry by title, change the theme |
| ctrl+q | quit |

Links under "See also" open the related entry; escape comes back.
"""


class HelpScreen(ModalScreen[None]):
    """What every key does."""

    BINDINGS = [Binding("escape,f1,q", "dismiss", "Close", show=True)]

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog"):
            yield Markdown(HELP, id="help-text")


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
        tree.root.expand()
        by_topic: dict[str, list[Entry]] = {t: [] for t in TOPICS}
        for e in self._entries:
            by_topic.setdefault(e.topic, []).append(e)
        for topic, entries in by_topic.items():
            label = Text(f"{topic} ({len(entries)})", style="bold")
            label.append(f"  {TOPICS.get(topic, '')}", style="dim")
            node = tree.root.add(label, expand=False)
            for e in sorted(entries, key=lambda e: e.title.lower()):
                node.add_leaf(Text(e.title), data=e.id)
        with Vertical(id="topic-dialog"):
            yield tree

    def on_tree_node_selected(self, event: Tree.NodeSelected[str]) -> None:
        if event.node.data:
            self.dismiss(event.node.data)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
