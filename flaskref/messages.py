"""Error-message templates: the `errors:` lines of an entry, turned into patterns.

A template is the message exactly as the library prints it, with `{placeholders}` for the parts
that vary (`cannot import name '{name}' from '{module}'`). The same compiled pattern serves the
KB tests (a reproducer's output must match) and the matcher (a pasted message must match), so
what counts as "the same message" is decided in one place.

Matching is tolerant where real pastes differ from the source: any run of white space matches
any other (tracebacks get re-wrapped), quotes are optional and interchangeable (Python 2 printed
`cannot import name Result`, chat apps curl them), trailing punctuation is optional, and case is
ignored.
"""

from __future__ import annotations

import re
from functools import lru_cache

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_QUOTES = "'\"`\u2018\u2019\u201c\u201d"
_QUOTE_CLASS = "[" + re.escape(_QUOTES) + "]?"
_WORD = re.compile(r"[A-Za-z0-9_]+")


def placeholders(template: str) -> list[str]:
    """The placeholder names of a template, in order."""
    return _PLACEHOLDER.findall(template)


def _literal_pattern(text: str) -> str:
    out = []
    for ch in text:
        if ch in _QUOTES:
            out.append(_QUOTE_CLASS)
        elif ch.isspace():
            if not out or out[-1] != r"\s+":
                out.append(r"\s+")
        else:
            out.append(re.escape(ch))
    return "".join(out)


@lru_cache(maxsize=1024)
def compile_template(template: str) -> re.Pattern[str]:
    """A case-insensitive pattern that finds the message anywhere in a text.

    A placeholder matches one or more characters on a line; literal `{` and `}` are written
    `{{` and `}}`, as in `str.format`.
    """
    body = template.strip().rstrip(".!:;")
    parts: list[str] = []
    pos = 0
    for m in _PLACEHOLDER.finditer(body):
        parts.append(_literal_pattern(_unescape_braces(body[pos : m.start()])))
        parts.append(r"(.+?)")
        pos = m.end()
    parts.append(_literal_pattern(_unescape_braces(body[pos:])))
    # A trailing placeholder (before at most a closing quote) must still take its whole
    # value, up to the end of the line.
    if len(parts) > 1 and parts[-2] == r"(.+?)" and not parts[-1].replace(_QUOTE_CLASS, ""):
        parts[-2] = r"(.+)"
    return re.compile("".join(parts) + r"[.!]?", re.IGNORECASE)


def _unescape_braces(text: str) -> str:
    return text.replace("{{", "{").replace("}}", "}")


def matches(template: str, text: str) -> bool:
    """Whether the message a template describes appears in `text`."""
    return compile_template(template).search(text) is not None


def captures(template: str, text: str) -> list[str] | None:
    """What each placeholder stands for where the message appears in `text`, in order; None
    when it does not appear."""
    m = compile_template(template).search(text)
    return None if m is None else list(m.groups())


def literal_text(template: str) -> str:
    """The template's own text: placeholders removed, literal braces unescaped."""
    return _unescape_braces(_PLACEHOLDER.sub(" ", template))


def literal_words(template: str) -> list[str]:
    """The words a template always contains (its placeholders removed), lowercased.

    The matcher uses them to score a message that was cut off or reworded between versions.
    """
    return [w.lower() for w in _WORD.findall(_PLACEHOLDER.sub(" ", template))]
