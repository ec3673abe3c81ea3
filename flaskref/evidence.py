"""What a message names, and whether an entry is about those names.

`cannot import name 'safe_str_cmp' from 'werkzeug.security'` and `cannot import name 'db' from
'app'` share every word: the wording is Python's own and fits a dozen causes (a circular
import, a removed function, a typo). What tells them apart is the names in the quotes. So a
template whose literal words are only the interpreter's phrasing (`cannot import name {name}`,
`{view}() got an unexpected keyword argument '{arg}'`) identifies a problem only together with
its names, and the ranking asks whether the entry is about them: whether they occur in its
error templates, exception classes, tags or code.

Pure functions over text; `index.py` stores each entry's names and their frequency at build
time, `search.py` weighs them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from flaskref import messages

# A Python name, possibly dotted (`werkzeug.security.safe_str_cmp`, `Flask.__call__`).
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,80}(?:\.[A-Za-z_][A-Za-z0-9_]{0,80}){0,8}")
# Quotes around a value: an apostrophe inside a word ("Can't") opens nothing.
_QUOTED = re.compile(
    r"(?<!\w)'([^'\n]{1,200})'(?!\w)|(?<!\w)\"([^\"\n]{1,200})\"(?!\w)|`([^`\n]{1,200})`"
)
_CALLED = re.compile(r"(?<![\w.])([A-Za-z_][\w]{0,80}(?:\.[A-Za-z_][\w]{0,80}){0,4})\(\)")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*")

#: The interpreter's own phrasing of its errors (`cannot import name`, `No module named`,
#: `object has no attribute`, `got an unexpected keyword argument`, `missing 1 required
#: positional argument`, `takes 2 positional arguments but 3 were given`, `is not callable`,
#: `unsupported operand type(s)`, `invalid literal for int() with base 10`): words that say
#: nothing about which library or which mistake is meant.
PYTHON_PHRASING = frozenset(
    """
    a an and as at be but by for from in is it not no of on or the to was were with
    cannot import name named module object has have attribute type got unexpected keyword
    argument arguments missing required positional takes given multiple values defined
    callable subscriptable iterable unsupported operand s expected str int bytes none must
    invalid literal base only can
    """.split()
)

#: A template whose literal words are all Python's phrasing identifies a problem only with its
#: names: it needs at least this much of its own (see `specificity`).
SPECIFIC = 1.0


def _names(text: str) -> set[str]:
    """Each dotted name whole and its parts, lowercased."""
    out: set[str] = set()
    for m in _IDENT.finditer(text):
        name = m.group(0).lower()
        out.add(name)
        if "." in name:
            out.update(part for part in name.split(".") if part)
    return out


@lru_cache(maxsize=65536)
def is_identifier_like(word: str) -> bool:
    """A name rather than an English word: `session_cookie_name`, `BaseResponse`, `is_xhr`."""
    return (
        "_" in word
        or "." in word
        or any(c.isupper() for c in word[1:])
        or any(c.isdigit() for c in word)
    )


def message_names(text: str) -> frozenset[str]:
    """The names a message quotes or calls: `'safe_str_cmp'`, `'werkzeug.security'`,
    `send_file()`; paths, numbers and sentences in quotes are left out."""
    found: set[str] = set()
    for m in _QUOTED.finditer(text):
        value = next(g for g in m.groups() if g is not None).strip()
        if _IDENT.fullmatch(value):
            found |= _names(value)
    for m in _CALLED.finditer(text):
        found |= _names(m.group(1))
    return frozenset(found)


def code_names(text: str) -> frozenset[str]:
    """Every name in a line of code, dotted names also by their parts."""
    return frozenset(_names(text))


def entry_names(
    templates: Iterable[str],
    exceptions: Iterable[str],
    tags: Iterable[str],
    code: Iterable[str],
    prose: Iterable[str] = (),
) -> frozenset[str]:
    """Every name an entry is about: in its templates' literal text, its exception classes,
    its identifier-like tags, its code blocks, and identifier-like words of its prose (the
    symptom's `flask_sqlalchemy`)."""
    found: set[str] = set()
    for text in prose:
        for m in _IDENT.finditer(text):
            if is_identifier_like(m.group(0)):
                found |= _names(m.group(0))
    for template in templates:
        found |= _names(messages.literal_text(template))
    for exc in exceptions:
        found |= _names(exc)
    for tag in tags:
        for m in _IDENT.finditer(tag):
            if is_identifier_like(m.group(0)) or " " not in tag.strip():
                found |= _names(m.group(0))
    for block in code:
        found |= _names(block)
    return frozenset(found)


def _is_name(m: re.Match[str]) -> bool:
    return bool(_IDENT.fullmatch(next(g for g in m.groups() if g is not None).strip()))


def literal_names(template: str) -> frozenset[str]:
    """The names a template spells out in quotes (`'AnonymousUserMixin'`, `'list'`)."""
    found: set[str] = set()
    for m in _QUOTED.finditer(messages.literal_text(template)):
        value = next(g for g in m.groups() if g is not None).strip()
        if _IDENT.fullmatch(value):
            found.add(value.lower())
    return frozenset(found)


def specificity(template: str) -> float:
    """How much a template's own text identifies a problem: its literal words beyond Python's
    phrasing, a literal name (`'AnonymousUserMixin'`, `'werkzeug.contrib'`) counting double."""
    literal = messages.literal_text(template)
    score = 2.0 * len(literal_names(template))
    unquoted = _QUOTED.sub(lambda m: " " if _is_name(m) else m.group(0), literal)
    for word in {w.lower() for w in _WORD.findall(unquoted)}:
        if word not in PYTHON_PHRASING and len(word) > 1:
            score += 1.0
    return score


def is_generic(template: str) -> bool:
    """A template with placeholders and nothing of its own but Python's phrasing: it fits
    the same error of any library and any program (a template without placeholders is a
    whole message, never generic)."""
    return bool(messages.placeholders(template)) and specificity(template) < SPECIFIC


def captured_names(template: str, text: str) -> frozenset[str] | None:
    """The names the template's placeholders take in `text`, or None if it does not match."""
    values = messages.captures(template, text)
    if values is None:
        return None
    found: set[str] = set()
    for value in values:
        found |= message_names(value)
        stripped = value.strip().strip("'\"`.!,;:")
        if _IDENT.fullmatch(stripped):
            found |= _names(stripped)
    return frozenset(found)
