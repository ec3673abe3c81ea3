"""Answers generated from the libraries themselves, for what no KB entry explains.

Two tables ship with flaskref (see `tools/README.md`): every public name the libraries removed
or renamed over the last years (`flaskref.removed`), and every message their source can print
(`flaskref.catalog`). A pasted error that names a removed API is answered with the release
that removed it and what to use instead; a message the catalog knows is answered with where it
comes from and under which condition. They rank below the entries that explain the same
message (`search._rank` places them), and only a paste with an error message consults them.
"""

from __future__ import annotations

from flaskref import evidence, messages
from flaskref.query import ParsedQuery
from flaskref.result import CONFIDENT, Result

#: How sure a removed-API answer is, by how the message named the API: the module or class it
#: was removed from (`exact`), a subclass or a re-exporting parent package, or the bare name.
REMOVED_SCORES = {"exact": 0.9, "inherited": 0.88, "parent": 0.86, "name": 0.7}
MESSAGE_SCORE = 0.6
"""A message the catalog knows by its own words: sure where it comes from, not of the fix."""
UNSURE_MESSAGE_SCORE = CONFIDENT - 0.02
"""A catalog message of nothing but Python's phrasing and placeholders: a hint, no answer."""
MAX_CHARS = 4096
"""Of the pasted message, the tables read at most this much (the start, where the error is)."""


def removed_answers(parsed: ParsedQuery, limit: int = 2) -> list[Result]:
    """The removed APIs the primary error names, best first."""
    primary = parsed.primary
    if primary is None:
        return []
    from flaskref import removed

    out = []
    for row in removed.find(primary.line[:MAX_CHARS])[:limit]:
        via = _calling_package(parsed, row.library, row.module)
        entry = row.to_entry(via)
        why = f"{row.what} was removed in {entry_library(row.library)} {row.removed_in}"
        if via:
            why += f"; it is used by {via}"
        score = REMOVED_SCORES.get(row.match, REMOVED_SCORES["name"])
        out.append(Result(entry, score, (why,), "removed", row.fields()))
    return out


def message_answers(parsed: ParsedQuery, limit: int = 1) -> list[Result]:
    """The catalog's messages the primary error is, most specific first."""
    primary = parsed.primary
    if primary is None:
        return []
    from flaskref import catalog

    out = []
    for msg in catalog.find(primary.line[:MAX_CHARS], limit=limit):
        score = MESSAGE_SCORE
        if evidence.is_generic(msg.template) or _other_class(primary.name, msg.exception):
            score = UNSURE_MESSAGE_SCORE
        why = f"{entry_library(msg.library)} {msg.version} prints it: {msg.file}:{msg.line}"
        out.append(Result(msg.to_entry(), score, (why,), "message", msg.fields()))
    return out


def _other_class(pasted: str, raised: str) -> bool:
    """The paste names an exception class and the library raises another one there: the
    words agree by chance ("404 Not Found" is no gunicorn "{config_file} not found")."""
    return (
        pasted.isidentifier()
        and raised.isidentifier()
        and pasted not in (raised, "Error", "Exception")
    )


def sources(templates: tuple[str, ...]) -> list[str]:
    """Where the libraries print an entry's messages ("Werkzeug 3.1.9 prints it: file:line"),
    found once when the index is built, so an entry links to the catalog's source."""
    from flaskref import catalog

    found: dict[str, None] = {}
    for template in templates:
        sample = messages.example(template)
        for msg in catalog.find(sample, limit=1):
            if messages.matches(msg.template, sample):
                found[
                    f"{entry_library(msg.library)} {msg.version} prints it: {msg.file}:{msg.line}"
                ] = None
    return list(found)


def entry_library(name: str) -> str:
    """How a project writes its name ("werkzeug" -> "Werkzeug")."""
    from flaskref import catalog

    return catalog.library_names().get(name, name)


def _calling_package(parsed: ParsedQuery, library: str, module: str) -> str | None:
    """The installed package whose code used the removed API, if it is not the user's own
    code nor the library itself: an old extension the user has to upgrade."""
    for frame in reversed(parsed.frames):
        if frame.library is None:
            return None  # the user's own code made the call
        if frame.library == "python":
            continue  # importlib's frames between the import and the module
        own = {library.replace("-", "_").lower(), module.split(".", 1)[0].lower()}
        return None if frame.library.lower() in own else frame.library
    return None
