"""Error-message templates: the `errors:` lines of an entry, turned into patterns.

A template is the message exactly as the library prints it, with `{placeholders}` for the parts
that vary (`cannot import name '{name}' from '{module}'`). The same compiled pattern serves the
KB tests (a reproducer's output must match) and the matcher (a pasted message must match), so
what counts as "the same message" is decided in one place.

Matching is tolerant where real pastes differ from the source: any run of white space matches
any other (tracebacks get re-wrapped), quotes are optional and interchangeable (Python 2 printed
`cannot import name Result`, chat apps curl them), trailing punctuation is optional, and case is
ignored. A placeholder stands for text on one line that is not only white space, and ends where
the rest of the template first fits.
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
            # Possessive: white space never gives back characters, which would be retried
            # one by one against the rest of the line.
            if not out or out[-1] != r"\s++":
                out.append(r"\s++")
        else:
            out.append(re.escape(ch))
    return "".join(out)


_UNQUOTED_VALUE = "([^" + re.escape(_QUOTES) + "\n]+)"


@lru_cache(maxsize=1024)
def compile_template(template: str, capture: bool = False) -> re.Pattern[str]:
    """A case-insensitive pattern that finds the message anywhere in a text.

    A placeholder matches one or more characters on a line; literal `{` and `}` are written
    `{{` and `}}`, as in `str.format`. With `capture`, a placeholder in quotes takes exactly
    the quoted value, which is what `captures` reports (a match alone may read it shorter).
    """
    body = template.strip().rstrip(".!:;")
    literals: list[str] = []
    pos = 0
    for m in _PLACEHOLDER.finditer(body):
        literals.append(_literal_pattern(_unescape_braces(body[pos : m.start()])))
        pos = m.end()
    literals.append(_literal_pattern(_unescape_braces(body[pos:])))
    # Bounded time on long lines: a leading placeholder is "some text before" (a lookbehind,
    # instead of a lazy repeat tried from every character), and a placeholder ends where the
    # next literal part first fits, for good (an atomic group around the lazy repeat and a
    # lookahead): otherwise every choice of one part rescans the line for the later parts.
    if literals[0] in ("", _QUOTE_CLASS) and len(literals) > 1:  # nothing, or a quote
        pattern, rest = "(?<=.)" + literals[1], literals[2:]
    else:
        pattern, rest = literals[0], literals[1:]
    for i, literal in enumerate(rest):  # each comes after a placeholder
        if capture and literal.startswith(_QUOTE_CLASS):
            pattern += _UNQUOTED_VALUE + literal
        elif literal:
            pattern += f"(?>(.+?)(?={literal})){literal}"
        else:  # a trailing placeholder takes its whole value, up to the end of the line
            pattern += "(.+)" if i == len(rest) - 1 else "(.+?)"
    return re.compile(pattern + r"[.!]?", re.IGNORECASE)


def captures(template: str, text: str) -> list[str] | None:
    """What each placeholder stands for where the message appears in `text`, in order; None
    when it does not appear. A leading placeholder gets the last word before the match on its
    line (`send_file` in `TypeError: send_file() got ...`)."""
    m = compile_template(template, capture=True).search(text)
    if m is None:
        return None
    values = list(m.groups())
    if _PLACEHOLDER.match(template.strip().lstrip(_QUOTES)):
        line_start = text.rfind("\n", 0, m.start()) + 1
        before = text[line_start : m.start()].split()
        values.insert(0, before[-1] if before else "")
    return values


def example(template: str) -> str:
    """The message with a plain word for each placeholder: how it could read when printed."""
    return _unescape_braces(_PLACEHOLDER.sub("x", template))


def literal_text(template: str) -> str:
    """The template's own text: placeholders removed, literal braces unescaped."""
    return _unescape_braces(_PLACEHOLDER.sub(" ", template))


def _unescape_braces(text: str) -> str:
    return text.replace("{{", "{").replace("}}", "}")


def matches(template: str, text: str) -> bool:
    """Whether the message a template describes appears in `text`.

    The time can grow with the square of a line's length when the template's first words
    recur all along it; `search.py` cuts a paste before matching (`MAX_MATCH_CHARS`).
    """
    return compile_template(template).search(text) is not None


def literal_words(template: str) -> list[str]:
    """The words a template always contains (its placeholders removed), lowercased.

    The matcher uses them to score a message that was cut off or reworded between versions.
    """
    return [w.lower() for w in _WORD.findall(_PLACEHOLDER.sub(" ", template))]
