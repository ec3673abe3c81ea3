"""Scan fixtures: write a small project into tmp_path, scan it with the real runner."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from flaskref.scan.model import RULES, Finding
from flaskref.scan.options import Options
from flaskref.scan.runner import Report, scan


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


@pytest.fixture
def project(tmp_path):
    """`project({"app.py": "..."}, select=...)` -> the Report of scanning those files."""

    count = iter(range(1000))

    def run(files: dict[str, str], select: set[str] | None = None, jobs: int = 1) -> Report:
        root = tmp_path / f"proj{next(count)}"
        write(root, files)
        return scan([root], Options(frozenset(select or RULES)), jobs=jobs)

    return run


def hits(report: Report, rule: str | None = None) -> list[tuple[str, int]]:
    """(file, line) of each finding, of one rule if given."""
    return [(f.file, f.line) for f in report.findings if rule is None or f.rule == rule]


def only(report: Report, rule: str) -> list[Finding]:
    others = [f for f in report.findings if f.rule != rule]
    assert others == [], others
    return report.findings


MARK = "# <-"


def marked(files: dict[str, str]) -> list[tuple[str, int]]:
    """(file, line) of every line marked `# <-`: where a finding is expected."""
    out = []
    for rel, text in files.items():
        for number, line in enumerate(textwrap.dedent(text).lstrip("\n").splitlines(), 1):
            if MARK in line:
                out.append((rel, number))
    return sorted(out)
