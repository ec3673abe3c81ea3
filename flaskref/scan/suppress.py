"""`# flaskref: ignore[rule, ...]` comments: read them from a file, apply them to findings."""

from __future__ import annotations

import re

from flaskref.scan.model import Finding

IGNORE = re.compile(rb"#\s*flaskref:\s*ignore(?:\[([^\]]*)\])?")


def ignores(source: bytes) -> dict[int, frozenset[str]]:
    """`# flaskref: ignore[rule, ...]` (or bare, for every rule) by line number."""
    if b"flaskref:" not in source:
        return {}
    found = {}
    for number, line in enumerate(source.splitlines(), 1):
        match = IGNORE.search(line)
        if match:
            listed = match.group(1)
            rules = (
                frozenset(
                    r.strip() for r in listed.decode("utf-8", "replace").split(",") if r.strip()
                )
                if listed is not None
                else frozenset({"*"})
            )
            found[number] = rules
    return found


def ignored(finding: Finding, by_file: dict, kinds: dict[str, str]) -> bool:
    """Whether a comment on the finding's line (or, outside Python, the line above) drops it."""
    lines = by_file.get(finding.file)
    if not lines:
        return False
    candidates = [finding.line]
    if kinds.get(finding.file) != "python":
        candidates.append(finding.line - 1)  # a comment line above a Dockerfile instruction
    for line in candidates:
        rules = lines.get(line)
        if rules and ("*" in rules or finding.rule in rules):
            return True
    return False
