"""Installed library versions against an entry's `versions:` specifiers.

Versions come from the installed distributions' metadata, never by importing the libraries.
A lookup whose results carry `versions:` reads them here, so the common case stays cheap:
the `*.dist-info` folders on `sys.path` are found by name as `importlib.metadata` finds them,
and a spec of plain comparisons (`>=2.0,<3.0`) against a plain release (`2.3.1`) is compared
as numbers. `importlib.metadata` (with email and zipfile behind it) and `packaging` are
imported only for anything else (eggs, zipped paths, `~=`, wildcards, pre-releases), and
tests hold both ways equal.
"""

from __future__ import annotations

import os
import re
import sys
from functools import lru_cache

_SEPARATORS = re.compile(r"[-_.]+")
_RELEASE = re.compile(r"[0-9]+(?:\.[0-9]+)*")
_CLAUSE = re.compile(r"\s*(>=|<=|==|!=|<|>)\s*([0-9]+(?:\.[0-9]+)*)\s*")
_UNKNOWN = object()


@lru_cache(maxsize=64)
def installed(dist: str) -> str | None:
    """The installed version of a distribution, None when it is not installed here."""
    found = _dist_info_version(dist)
    if found is not _UNKNOWN:
        return found
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return None


def _normalize(name: str) -> str:
    # importlib.metadata's `Prepared.normalize`
    return _SEPARATORS.sub("-", name).lower().replace("-", "_")


def _dist_info_version(dist: str):
    """The `Version:` of the first `NAME-*.dist-info` on `sys.path` (the one
    `importlib.metadata.version` reads), or `_UNKNOWN` when only it can tell."""
    wanted = _normalize(dist)
    for root in sys.path:
        try:
            children = os.listdir(root or ".")
        except OSError:
            if os.path.isfile(root or "."):
                return _UNKNOWN  # a zipped path entry
            continue
        for child in children:
            low = child.lower()
            if not low.endswith((".dist-info", ".egg-info")) and low != "egg-info":
                continue
            if _normalize(low.rpartition(".")[0].partition("-")[0]) != wanted:
                continue
            if not low.endswith(".dist-info"):
                return _UNKNOWN
            return _metadata_version(os.path.join(root or ".", child))
    return _UNKNOWN  # not found as a folder: importlib.metadata has the last word


def _metadata_version(folder: str):
    try:
        with open(os.path.join(folder, "METADATA"), encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    break  # the end of the headers
                name, _, value = line.partition(":")
                if name.lower() == "version":
                    return value.strip()
    except (OSError, UnicodeDecodeError):
        pass
    return _UNKNOWN


def contains(spec: str, have: str) -> bool | None:
    """Whether version `have` satisfies `spec` (a PEP 440 specifier set); None when `have`
    is no version packaging can read."""
    simple = _simple_contains(spec, have)
    if simple is not None:
        return simple
    from packaging.specifiers import SpecifierSet
    from packaging.version import InvalidVersion, Version

    try:
        version = Version(have)
    except InvalidVersion:
        return None
    return version in SpecifierSet(spec)


def _simple_contains(spec: str, have: str) -> bool | None:
    """`contains` for plain comparisons of plain releases; None when packaging must decide."""
    if not _RELEASE.fullmatch(have):
        return None
    clauses = [_CLAUSE.fullmatch(c) for c in spec.split(",")] if spec.strip() else []
    if not all(clauses):
        return None
    mine = _release(have)
    for m in clauses:
        op, theirs = m.group(1), _release(m.group(2))
        width = max(len(mine), len(theirs))
        a, b = mine + (0,) * (width - len(mine)), theirs + (0,) * (width - len(theirs))
        ok = {
            ">=": a >= b,
            "<=": a <= b,
            "==": a == b,
            "!=": a != b,
            "<": a < b,
            ">": a > b,
        }[op]
        if not ok:
            return False
    return True


def _release(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def check(specs: tuple[tuple[str, str], ...]) -> str | None:
    """A note when the installed versions fall outside the entry's, else None.

    A library that is not installed here tells nothing: flaskref may live in its own
    environment (pipx), apart from the project being debugged.
    """
    misses = []
    for dist, spec in specs:
        have = installed(dist)
        if have is None:
            continue
        if contains(spec, have) is False:
            misses.append(f"{dist}{spec} (installed: {have})")
    if not misses:
        return None
    return "applies to " + ", ".join(misses)
