"""An entry as the TUI shows it, rendered to lines on a thread of its own.

Rendering Markdown and highlighting code costs 5-60 ms an entry, too long for the UI thread
between two keystrokes. So the documents here are plain Rich renderables built from an
entry's fields (`title`, `symptom`, `errors`, `fix`, `body`, and `topic`, `versions` when it
has them, so any entry-like result renders the same way), turned into lines of segments on
the render thread and cached by entry, width and colours; the widget only copies lines.

Nothing from an entry is read as markup: text goes into `Text`, prose into `Markdown`, code
into `Syntax`.
"""

from __future__ import annotations

import functools
import io
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, NamedTuple

from rich.console import Console, Group, RenderableType
from rich.text import Text
from rich.theme import Theme
from textual.strip import Strip

from flaskref.entry import TOPICS
from flaskref.sanitize import sanitize

# Fenced blocks in an entry body; the info string is "python right" (language, then label).
_FENCE = re.compile(
    r"^(?P<fence>```+|~~~+)[ \t]*(?P<info>[^\n]*)\n(?P<code>.*?)^(?P=fence)[ \t]*$", re.M | re.S
)
HIDDEN_LABELS = frozenset({"reproduce", "fixed"})
"""Blocks the KB's tests run; readers need not see them."""
LABELS = {"wrong": "✗ Wrong", "right": "✓ Right"}


class Palette(NamedTuple):
    """The colours of the current Textual theme, read on the UI thread (hashable: a cache key)."""

    dark: bool
    heading: str
    accent: str
    success: str
    error: str
    muted: str
    code_background: str

    @property
    def syntax_theme(self) -> str:
        return "monokai" if self.dark else "default"

    def rich_theme(self) -> Theme:
        return Theme(
            {
                "markdown.h1": f"bold {self.heading}",
                "markdown.h2": f"bold {self.heading}",
                "markdown.h3": f"bold {self.heading}",
                "markdown.h4": f"italic {self.heading}",
                "markdown.code": f"bold {self.accent}",
                "markdown.block_quote": self.muted,
                "markdown.item.bullet": f"bold {self.heading}",
                "markdown.item.number": self.heading,
                "markdown.list": self.heading,
                "markdown.link": self.accent,
                "markdown.link_url": f"underline {self.muted}",
                "markdown.hr": self.muted,
                "muted": self.muted,
            },
            inherit=True,
        )


def palette_of(app) -> Palette:
    """The colours of a Textual app's current theme, as plain hex (on the UI thread)."""
    from textual.color import Color

    colours = app.theme_variables or app.get_css_variables()  # computed by Textual already
    background = Color.parse(colours["background"])

    def hex_of(name: str, alpha: float = 1.0) -> str:
        return (background + Color.parse(colours[name]).multiply_alpha(alpha)).hex6

    return Palette(
        dark=app.current_theme.dark,
        heading=hex_of("text-primary"),
        accent=hex_of("text-accent"),
        success=hex_of("text-success"),
        error=hex_of("text-error"),
        muted=hex_of("foreground", 0.6),
        code_background=hex_of("panel"),
    )


DEFAULT_PALETTE = Palette(True, "#57A5E2", "#FFC473", "#8AD4A1", "#D17E92", "#8C8C8C", "#242F38")


# -- documents ----------------------------------------------------------------------------


class View(NamedTuple):
    """What the documents show of an entry: its fields, made safe to draw (see `sanitize`).

    Any entry-like object works: `title`, `symptom`, `fix` are required; `topic`, `errors`,
    `versions` and `body` are read when present.
    """

    title: str
    topic: str
    symptom: str
    errors: tuple[str, ...]
    fix: str
    body: str
    versions: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, entry: Any) -> View:
        return cls(
            sanitize(entry.title),
            sanitize(getattr(entry, "topic", "") or ""),
            sanitize(entry.symptom or ""),
            tuple(sanitize(e) for e in getattr(entry, "errors", ()) or ()),
            sanitize(entry.fix),
            sanitize(getattr(entry, "body", "") or ""),
            tuple((sanitize(d), sanitize(v)) for d, v in getattr(entry, "versions", ()) or ()),
        )


@functools.cache
def _prose_class() -> type:
    """Rich's Markdown with headings on the left (it centres h1); imported on first use."""
    from rich.markdown import Heading, Markdown

    class LeftHeading(Heading):
        LEVEL_ALIGN = dict.fromkeys(Heading.LEVEL_ALIGN, "left")

    class Prose(Markdown):
        elements = {**Markdown.elements, "heading_open": LeftHeading}

    return Prose


def _markdown(text: str) -> RenderableType:
    return _prose_class()(text, hyperlinks=False, code_theme="monokai")


def _heading(text: str, palette: Palette) -> Text:
    return Text(text, style=f"bold {palette.heading}")


def _code(lang: str, code: str, label: str, palette: Palette) -> RenderableType:
    from rich.syntax import Syntax

    parts: list[RenderableType] = []
    if label in LABELS:
        colour = palette.success if label == "right" else palette.error
        parts.append(Text(LABELS[label], style=f"bold {colour}"))
    parts.append(
        Syntax(
            code.rstrip("\n"),
            lang or "text",  # the language alone: "python right" is no Pygments lexer
            theme=palette.syntax_theme,
            word_wrap=True,
            background_color=palette.code_background,
            padding=(0, 1),
        )
    )
    return Group(*parts)


def _title(entry: View, palette: Palette, *, topic: bool = True) -> list[RenderableType]:
    parts: list[RenderableType] = [Text(entry.title, style=f"bold {palette.heading}")]
    if entry.topic and topic:
        parts.append(Text(TOPICS.get(entry.topic, entry.topic), style=palette.muted))
    return parts


def _problem_parts(entry: View, palette: Palette, draft: bool = False) -> list[RenderableType]:
    parts: list[RenderableType] = []
    if entry.symptom:
        symptom = _draft_inline(entry.symptom, palette) if draft else _markdown(entry.symptom)
        parts += [Text(""), _heading("Symptom", palette), symptom]
    errors = entry.errors
    if errors:
        parts += [Text(""), _heading("Error" if len(errors) == 1 else "Errors", palette)]
        # Quoted as text: messages are full of `_`, `*` and `<...>` that Markdown would eat.
        parts += [Text("▌ ", style=palette.muted) + Text(err, style="italic") for err in errors]
    versions = entry.versions
    if versions:
        spec = ", ".join(f"{dist}{s}" for dist, s in versions)
        parts += [Text(""), Text(f"Applies to: {spec}", style=palette.muted)]
    return parts


def problem_document(entry: Any, palette: Palette, *, draft: bool = False) -> RenderableType:
    """The left pane on wide screens: what the user sees (title, symptom, the messages)."""
    entry = View.of(entry)
    return Group(*_title(entry, palette), *_problem_parts(entry, palette, draft))


def solution_document(
    entry: Any, palette: Palette, *, with_problem: bool, draft: bool = False
) -> RenderableType:
    """The fix first: the one-line fix and the right code, then the explanation.

    `with_problem` (one pane, on narrow screens) puts the title above and the symptom and
    messages below the code (the pane's border names the topic: every line counts at 80x24).
    The first right block moves to the top; the body keeps the rest, each block labelled.
    A `draft` is that top part only, without Markdown or highlighting (see `draft_code`).
    """
    entry = View.of(entry)
    parts: list[RenderableType] = []
    if with_problem:
        parts += [*_title(entry, palette, topic=False), Text("")]
    if draft:
        parts.append(Text("Fix:", style="bold") + Text(" ") + _draft_inline(entry.fix, palette))
    else:
        parts.append(_markdown(f"**Fix:** {entry.fix}"))
    chunks = _split_body(entry.body)
    first_right = next(
        (i for i, c in enumerate(chunks) if c[0] == "code" and c[2] == "right"), None
    )
    if first_right is not None:
        _, lang, label, code = chunks.pop(first_right)
        code_part = draft_code if draft else _code
        parts += [Text(""), code_part(lang, code, label, palette)]
    if draft:
        return Group(*parts)
    if with_problem:
        parts += _problem_parts(entry, palette)
    for kind, *rest in chunks:
        if kind == "prose":
            if rest[0].strip():
                parts += [Text(""), _markdown(rest[0])]
        else:
            lang, label, code = rest
            parts += [Text(""), _code(lang, code, label, palette)]
    return Group(*parts)


def draft_code(lang: str, code: str, label: str, palette: Palette) -> RenderableType:
    """Code as plain text in the same box as `_code` draws: the first paint of the first
    entry does not wait for Pygments to compile its Python lexer (~40 ms)."""
    from rich.padding import Padding

    colour = palette.success if label == "right" else palette.error
    title = [Text(LABELS[label], style=f"bold {colour}")] if label in LABELS else []
    block = Padding(Text(code.rstrip("\n")), (0, 1), style=f"on {palette.code_background}")
    return Group(*title, block)


def _draft_inline(text: str, palette: Palette) -> Text:
    """One line of entry Markdown as text: `code` spans coloured, without the backticks."""
    out = Text()
    for i, part in enumerate(text.split("`")):
        out.append(part, style=f"bold {palette.accent}" if i % 2 else "")
    return out


def message_document(markdown: str, palette: Palette) -> RenderableType:
    """A message (welcome, no match) that the caller wrote as Markdown, entry text escaped."""
    return _markdown(sanitize(markdown))


def _split_body(body: str) -> list[tuple]:
    """The body as ("prose", text) and ("code", lang, label, code) chunks, hidden blocks out."""
    chunks: list[tuple] = []
    pos = 0
    for m in _FENCE.finditer(body):
        chunks.append(("prose", body[pos : m.start()]))
        info = m["info"].split()
        lang = info[0] if info else ""
        label = info[1] if len(info) > 1 else ""
        if label not in HIDDEN_LABELS:
            chunks.append(("code", lang, label, m["code"]))
        pos = m.end()
    chunks.append(("prose", body[pos:]))
    return chunks


# -- rendering off the UI thread ----------------------------------------------------------


def render_lines(document: RenderableType, width: int, palette: Palette) -> list[Strip]:
    """The document as lines `width` cells wide (any thread: the console is its own)."""
    console = Console(
        width=width,
        theme=palette.rich_theme(),
        color_system="truecolor",
        force_terminal=True,
        file=io.StringIO(),
        legacy_windows=False,
        emoji=False,
        markup=False,
        highlight=False,
    )
    lines = console.render_lines(document, console.options.update(width=width), pad=False)
    return [Strip(line) for line in lines]


class Renderer:
    """One render thread with a small cache of rendered documents."""

    CACHE_SIZE = 48

    def __init__(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="flaskref-render")
        self._cache: OrderedDict[Hashable, list[Strip]] = OrderedDict()
        self._lock = threading.Lock()  # the UI thread reads the cache, the render thread fills it
        self.warm = False
        """Whether a whole document has been rendered (Markdown and Pygments are loaded)."""

    def cached(self, key: Hashable) -> list[Strip] | None:
        with self._lock:
            lines = self._cache.get(key)
            if lines is not None:
                self._cache.move_to_end(key)
            return lines

    def render(
        self,
        key: Hashable | None,
        build: Callable[[], RenderableType],
        width: int,
        palette: Palette,
    ) -> Future[list[Strip]]:
        """Build and render a document on the render thread; cached by `key` unless None."""
        return self._executor.submit(self._render, key, build, width, palette)

    def _render(self, key, build, width, palette) -> list[Strip]:
        lines = self.cached(key) if key is not None else None
        if lines is None:
            lines = render_lines(build(), width, palette)
            if key is None:
                return lines  # a draft: not kept
            with self._lock:
                self._cache[key] = lines
                while len(self._cache) > self.CACHE_SIZE:
                    self._cache.popitem(last=False)
            self.warm = True
        return lines

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
