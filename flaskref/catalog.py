"""Messages the libraries can print, generated from their source (`tools/gen_messages.py`).

The catalog answers a pasted message that no KB entry explains with where it comes from: the
library and version, file and line, the function, the condition that guards the raise and the
source lines around it. It is read lazily and in pieces: line N of `keys.txt` lists the
shortlist words (each template's rarest literal word) filed in shard `NN.json`, so a lookup
reads the key list and one shard per word the message shares with it, and compiles only those
templates. A message sharing no word with the key list costs the key list alone. The key list
is plain text searched with `str.find`: parsing it as JSON cost twice as much.
"""

from __future__ import annotations

import json
import os
import re
from collections import namedtuple
from functools import lru_cache

from flaskref import messages
from flaskref.entry import CodeBlock, Entry

FIELDS = (
    "library",
    "version",
    "file",
    "line",
    "function",
    "exception",
    "kind",
    "template",
    "condition",
    "doc",
    "source",
)
DATA = os.path.join(os.path.dirname(__file__), "data")
_TOKEN = re.compile(r"[a-z0-9_]+")
_PLACEHOLDER = re.compile(r"(?<!\{)\{[A-Za-z_][A-Za-z0-9_]*\}(?!\})")

# Where a library's messages belong among the KB's topics.
_TOPICS = {
    "sqlalchemy": "sqlalchemy",
    "flask-sqlalchemy": "sqlalchemy",
    "alembic": "migrations",
    "flask-migrate": "migrations",
    "gunicorn": "production",
    "jinja2": "templates",
    "markupsafe": "templates",
    "click": "cli",
    "itsdangerous": "sessions-security",
    "flask-wtf": "extensions",
    "wtforms": "extensions",
    "flask-login": "extensions",
    "flask-cors": "extensions",
    "flask-caching": "extensions",
}
_FILE_TOPICS = (
    ("flask/cli.py", "cli"),
    ("blueprints.py", "blueprints"),
    ("flask/ctx.py", "app-context"),
    ("flask/globals.py", "app-context"),
    ("sessions.py", "sessions-security"),
    ("templating.py", "templates"),
    ("werkzeug/routing", "blueprints"),
    ("werkzeug/serving.py", "production"),
    ("werkzeug/debug", "debug-mode"),
    ("werkzeug/security.py", "sessions-security"),
)


def tokens(text: str) -> set[str]:
    """The words of a text as the shortlist sees them: lowercased runs of [a-z0-9_]."""
    return set(_TOKEN.findall(text.lower()))


@lru_cache(maxsize=4096)
def key_words(template: str) -> tuple[str, ...]:
    """A template's literal words that no placeholder touches, lowercased: a message holding
    the template holds each of them as a whole token."""
    out: list[str] = []
    pieces = _PLACEHOLDER.split(template)
    last = len(pieces) - 1
    for i, piece in enumerate(pieces):
        text = piece.replace("{{", "{").replace("}}", "}")
        for m in re.finditer(r"[A-Za-z0-9_]+", text):
            if (i > 0 and m.start() == 0) or (i < last and m.end() == len(text)):
                continue  # glued to a placeholder: "{name}_id"
            word = m.group().lower()
            if len(word) >= 3 and not word.isdigit():
                out.append(word)
    return tuple(out)


def library_names() -> dict[str, str]:
    """PyPI name -> how the project writes its name ("werkzeug" -> "Werkzeug")."""
    return _load("libraries.json")


class Message(namedtuple("_Message", FIELDS)):
    """One message a library can print, where, and under which condition.

    `kind` is raise | warning | usage (click) | log (a logger call at warning level or above).
    A `collections.namedtuple`: `typing.NamedTuple` costs a millisecond more per lookup.
    """

    __slots__ = ()

    @property
    def id(self) -> str:
        return f"message:{self.file}:{self.line}"

    def fields(self) -> dict[str, object]:
        """The keys a `message` result adds to the JSON output."""
        return {
            "library": self.library,
            "version": self.version,
            "file": self.file,
            "line": self.line,
            "function": self.function,
            "condition": self.condition,
        }

    def to_entry(self) -> Entry:
        """The message as an entry, so the front ends show it in the usual layout."""
        lib = library_names().get(self.library, self.library)
        where = f"{self.file}:{self.line}"
        origin = f"{lib} {self.version}, `{where}`, in `{self.function}()`"
        verb = {"warning": "warns", "log": "logs"}.get(self.kind, "raises")
        when = f" when `{self.condition}`" if self.condition else ""
        title = f"{self.exception}: {self.template}" if self.kind != "log" else self.template
        why = [
            f"{lib} {verb} this from `{self.function}()` in `{where}` (version "
            f"{self.version}){when}.",
        ]
        if self.doc:
            why.append(f"That function's purpose, from its docstring: {self.doc}")
        body = "\n".join(
            [
                "## Why",
                "",
                " ".join(why),
                "",
                f"```python source\n{self.source}\n```",
                "",
                "## Fix",
                "",
                "No entry explains this message yet. The condition above is what the library "
                "checked: find which value in your code made it true, starting from the last "
                "frame of your own code in the traceback.",
            ]
        )
        return Entry(
            id=self.id,
            title=title,
            topic=self.topic,
            tags=(self.library, self.exception, self.function.rsplit(".", 1)[-1], "message"),
            symptom=f"{self.exception} from {origin}{when}.",
            fix=f"No entry explains this yet: see why `{where}` {verb} it{when}.",
            path="",
            exceptions=(self.exception,) if self.kind != "log" else (),
            errors=(self.template,),
            body=body,
            blocks=(CodeBlock("python", "source", self.source, self.line),),
        )

    @property
    def topic(self) -> str:
        for fragment, topic in _FILE_TOPICS:
            if fragment in self.file:
                return topic
        return _TOPICS.get(self.library, "common-mistakes")


def find(message: str, limit: int = 3) -> list[Message]:
    """The catalog messages found in `message`, the most specific (most literal text) first."""
    words = tokens(message)
    if not words:
        return []
    keys = _key_text()
    scored: list[tuple[int, int, Message]] = []
    for word in words:
        at = keys.find(f" {word} ")
        if at < 0:
            continue
        shard = _load(f"catalog/{keys.count(chr(10), 0, at):02d}.json")
        for raw in shard.get(word, ()):
            row = Message(*raw)
            if not words.issuperset(key_words(row.template)):
                continue
            if messages.compile_template(row.template).search(message) is None:
                continue
            literal = len(_PLACEHOLDER.sub("", row.template))
            named = row.exception.lower() in words or row.exception.lower() in message.lower()
            scored.append((literal, int(named), row))
    # Messages are often assembled from pieces (click's "Invalid value for '--n':" around a
    # type's "'x' is not a valid integer."): a library matching more of the text is likelier.
    by_library: dict[str, int] = {}
    for literal, _, row in scored:
        by_library[row.library] = by_library.get(row.library, 0) + literal
    scored.sort(
        key=lambda t: (-by_library[t[2].library], -t[0], -t[1], t[2].library, t[2].file, t[2].line)
    )
    return [row for _, _, row in scored[:limit]]


def exception_names() -> frozenset[str]:
    """The exception classes of the catalog whose names do not say they are one (`BadData`)."""
    try:
        return frozenset(_text("catalog/exceptions.txt").split())
    except FileNotFoundError:
        return frozenset()


def shortlist() -> dict[str, int]:
    """Every shortlist word and its shard number (for tests and inspection)."""
    return {w: i for i, line in enumerate(_key_text().split("\n")) for w in line.split()}


def _key_text() -> str:
    text = _CACHE.get("catalog/keys.txt")
    if text is None:
        text = _CACHE["catalog/keys.txt"] = _text("catalog/keys.txt")
    return text


_CACHE: dict[str, object] = {}


def _load(name: str):
    """One data file, read once per process."""
    data = _CACHE.get(name)
    if data is None:
        data = json.loads(_text(name))
        _CACHE[name] = data
    return data


def _text(name: str) -> str:
    with open(os.path.join(DATA, name), encoding="utf-8") as fh:
        return fh.read()
