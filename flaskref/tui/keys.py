"""The app's keys: every action on an F-key, a ctrl key and a letter.

The F-keys are what the footer has always shown; terminals take some of them (GNOME Terminal
takes F1, macOS wants fn), so each also has a ctrl key, which works in the query box too. The
query box (an Input) owns enter and ctrl+a/c/d/e/k/u/v/w/x, and tmux takes ctrl+b: the ctrl
keys avoid those. Letters work whenever the query box, which owns typing, is not focused.
The help screen is built from this table (see `screens.key_rows`).
"""

from __future__ import annotations

from textual.binding import Binding


def _keys(
    fkey: str, ctrl: str, letter: str, action: str, description: str, tooltip: str, **kw
) -> list[Binding]:
    return [
        Binding(
            f"{fkey},{ctrl}",
            action,
            description,
            key_display=f"{fkey.upper()} ^{ctrl.removeprefix('ctrl+')}",
            tooltip=tooltip,
            id=action,
            **kw,
        ),
        Binding(letter, action, description, tooltip=tooltip, show=False),
    ]


BINDINGS = [
    *_keys("f1", "ctrl+g", "question_mark", "help", "Help", "Every key, explained"),
    *_keys("f2", "ctrl+t", "t", "topics", "Topics", "Browse the knowledge base by topic"),
    *_keys("f3", "ctrl+y", "y", "copy_fix", "Copy fix", "Copy the one-line fix"),
    *_keys("f4", "ctrl+r", "c", "copy_code", "Copy code", "Copy the entry's right code"),
    *_keys(
        "f5",
        "ctrl+o",
        "e",
        "edit",
        "Edit",
        "Edit the entry in $EDITOR (a bundled one: your own copy, in your KB folder)",
    ),
    *_keys(
        "f6", "ctrl+l", "d", "toggle_dark", "Light/dark", "Switch light and dark themes", show=False
    ),
    *_keys(
        "f7",
        "ctrl+f",
        "f",
        "maximize_fix",
        "Full",
        "The fix pane full screen (and back)",
        show=False,
    ),
    Binding("slash", "focus_query", "Search", tooltip="Back to the query box", show=False),
    Binding(
        "escape",
        "back",
        "Back",
        tooltip="Back to the previous entry (after a link, a topic or the palette), "
        "else to the query box; leaves full screen",
        show=False,
        id="back",
    ),
]

MORE_KEYS = [
    ("tab shift+tab", "Move between the query, results, the fix and its links"),
]
"""Keys of Textual's own that the help lists too (the palette's comes from the app)."""
