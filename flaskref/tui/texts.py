"""What the entry view says when it has no entry to show, as Markdown.

Entry text that goes into these (titles, topic names) is escaped for Markdown first.
"""

from __future__ import annotations

from flaskref.entry import TOPICS, Entry
from flaskref.result import Result
from flaskref.sanitize import sanitize

WELCOME = """\
# flaskref

Type a topic (*session not persisting*, *url_for absolute url*) or paste a whole
traceback into the box above.

**F2** (or **ctrl+t**) browses the knowledge base by topic, **F1** (**ctrl+g**) lists every key.
"""
OPENING = "Opening the knowledge base…"
NO_MATCH = (
    "# No match\n\nNothing in the knowledge base fits this. Try the final error line of the "
    "traceback, fewer words, or **F2** (**ctrl+t**) to browse by topic."
)


def nearest_markdown(results: list[Result]) -> str:
    """No confident answer: say so, and list the nearest titles."""
    nearest = "\n".join(f"- {md_text(r.entry.title)} ({r.score:.0%})" for r in results[:5])
    return (
        "# No confident answer\n\nThe nearest entries are in the results list; none clearly "
        "explains this. Move down into the list to read one, try the final error line alone, "
        "or browse with **F2** (**ctrl+t**).\n\n" + nearest
    )


def topics_markdown(entries: list[Entry]) -> str:
    """The welcome screen's second part: what the KB covers, like a cheat sheet's contents."""
    counts: dict[str, int] = {}
    for e in entries:
        counts[e.topic] = counts.get(e.topic, 0) + 1
    lines = [f"- **{t}** ({counts.get(t, 0)}): {md_text(d)}" for t, d in TOPICS.items()]
    return f"## {len(entries)} entries by topic\n\n" + "\n".join(lines)


def md_text(text: str) -> str:
    """Text for a Markdown heading or list item, with Markdown's own specials escaped."""
    text = sanitize(text)
    for ch in "\\`*_[]<>#":
        text = text.replace(ch, "\\" + ch)
    return text
