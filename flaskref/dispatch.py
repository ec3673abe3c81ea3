"""Which command a command line asks for: a command word, or words to search for.

A query is free text, so a command's name may start one: `flaskref show me how sessions
work`, `flaskref index out of range`, `flaskref check constraint failed`. A command word
counts only when the words around it fit that command; otherwise the whole line is searched.
Options may come before the command word (`flaskref --kb DIR topics`).
"""

from __future__ import annotations

import os

COMMANDS = ("search", "show", "topics", "check", "index", "scan")
#: The options each command takes (besides --help), wherever they are given.
COMMAND_OPTIONS: dict[str, frozenset[str]] = {
    "show": frozenset({"--kb"}),
    "topics": frozenset({"--kb", "--json"}),
    "check": frozenset({"--kb"}),
    "index": frozenset({"--kb", "--rebuild"}),
    "scan": frozenset({"--format", "--select", "--ignore", "--jobs", "--tui"}),
}
#: Options followed by a value: the value is never taken for a command or a query word.
VALUED = frozenset({"--kb", "-n", "--topic", "--format", "--select", "--ignore", "--jobs"})


def route(args: list[str]) -> tuple[str, list[str]]:
    """The command and its arguments; `("search", args)` for a lookup."""
    i = _command_index(args)
    if i is None:
        return "search", args
    name, before, rest = args[i], args[:i], args[i + 1 :]
    if name == "search":
        return "search", before + rest
    if not _fits(name, before, rest):
        return "search", args
    return name, before + rest


def _command_index(args: list[str]) -> int | None:
    """Where the first word that is not an option is, if it is a command word."""
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            return None  # what follows is the query, even a command's name
        if arg == "-" or not arg.startswith("-"):
            return i if arg in COMMANDS else None
        i += 2 if arg in VALUED else 1
    return None


def _split(args: list[str]) -> tuple[list[str], list[str]]:
    """Option names and positional words (option values left out)."""
    options: list[str] = []
    words: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            words += args[i + 1 :]
            break
        if arg.startswith("-") and arg != "-":
            options.append(arg.split("=", 1)[0])
            i += 2 if arg in VALUED else 1
            continue
        words.append(arg)
        i += 1
    return options, words


def _fits(name: str, before: list[str], rest: list[str]) -> bool:
    """Whether the words around a command word make a use of that command."""
    options, _ = _split(before)
    if any(o not in COMMAND_OPTIONS[name] | {"-h", "--help"} for o in options):
        return False  # `flaskref --json show me ...`: --json is not an option of `show`
    _, words = _split(rest)
    if name == "show":
        return len(words) <= 1
    if name == "check":
        return all(_is_path(w) for w in words)
    if name == "scan":  # one word is a folder to scan, even a misspelt one (scan says so)
        return len(words) <= 1 or all(_is_path(w) for w in words)
    return not words  # topics, index


def _is_path(word: str) -> bool:
    """A word `check` would take for a file or folder: one that exists or looks like a path."""
    return os.path.exists(word) or any(c in word for c in "/\\") or word.startswith((".", "~"))
