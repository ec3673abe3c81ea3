"""The index's analyzer as plain functions: what a lookup runs on its query words.

`index.py` builds Whoosh's analyzer from these same pieces (the stop list, the splitting of
names into parts, Whoosh's Porter stemmer); a lookup served by the compact store (`store.py`)
calls `analyze()` here instead, without importing the rest of Whoosh. A test checks the two
agree token for token on the whole KB and the query sets.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Whoosh's stemmer is one pure module with no imports of its own (about a millisecond).
from whoosh.lang.porter import stem

#: Whoosh's `RegexTokenizer()` default pattern (a test holds them equal).
TOKEN = re.compile(r"[\w\*]+(\.?[\w\*]+)*", re.UNICODE)
_PARTS = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")

#: Whoosh's `STOP_WORDS` (a test holds them equal), less the ones that carry meaning in error
#: messages ("not bound", "no secret key"), plus the filler of questions.
# fmt: off
STOP = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "by", "can", "for", "from", "have", "if", "in",
    "is", "it", "may", "of", "on", "or", "tbd", "that", "the", "this", "to", "us", "we",
    "when", "will", "with", "yet", "you", "your",
}) | {
    "i", "my", "me", "how", "what", "why", "do", "does", "did", "get", "getting", "got",
    "please", "help", "pls", "im", "ive", "am", "but", "so", "there", "here", "has", "was",
    # the filler of a described situation: "when running inside celery", "while trying to"
    "inside", "running", "using", "trying", "while", "within", "happens", "keep", "keeps",
}
# fmt: on


def split_parts(text: str) -> list[str]:
    """A token whole, then its parts: `flask.current_app` also as `flask`, `current`, `app`,
    `current_app`; `DetachedInstanceError` also as `detached`, `instance`, `error`.

    The whole token keeps exact names findable; the parts let "detached instance" or
    "BuildError" find `werkzeug.routing.exceptions.BuildError`.
    """
    out = [text]
    seen = {text}
    pieces = text.split(".") if "." in text else []
    pieces += _PARTS.findall(text)
    for piece in pieces:
        if piece and piece not in seen:
            seen.add(piece)
            out.append(piece)
    return out


_stem = lru_cache(maxsize=50_000)(stem)


@lru_cache(maxsize=100_000)
def _terms(token: str) -> tuple[str, ...]:
    """The index terms of one token (tokens repeat: a KB has far fewer distinct ones)."""
    out = []
    for piece in split_parts(token):
        low = piece.lower()
        if low and low not in STOP:
            out.append(_stem(low))
    return tuple(out)


def analyze(text: str) -> list[str]:
    """The index terms of a text, in order, as the index sees them."""
    out: list[str] = []
    for token in TOKEN.finditer(text):
        out += _terms(token.group(0))
    return out
