"""Installed library versions against an entry's `versions:` specifiers.

Versions come from the installed distributions' metadata (`importlib.metadata`), never by
importing the libraries; comparison uses `packaging.specifiers`.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=64)
def installed(dist: str) -> str | None:
    """The installed version of a distribution, None when it is not installed here."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return None


def check(specs: tuple[tuple[str, str], ...]) -> str | None:
    """A note when the installed versions fall outside the entry's, else None.

    A library that is not installed here tells nothing: flaskref may live in its own
    environment (pipx), apart from the project being debugged.
    """
    from packaging.specifiers import SpecifierSet
    from packaging.version import InvalidVersion, Version

    misses = []
    for dist, spec in specs:
        have = installed(dist)
        if have is None:
            continue
        try:
            if Version(have) not in SpecifierSet(spec):
                misses.append(f"{dist}{spec} (installed: {have})")
        except InvalidVersion:
            continue
    if not misses:
        return None
    return "applies to " + ", ".join(misses)
