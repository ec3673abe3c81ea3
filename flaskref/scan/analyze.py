"""One file in, one `FileResult` out: read, parse, walk once, collect.

This is what runs in a worker process, so it takes and returns only picklable values.
"""

from __future__ import annotations

import ast

from flaskref.scan.context import FileContext
from flaskref.scan.files import SourceFile
from flaskref.scan.model import FileResult, Finding
from flaskref.scan.removed_table import RemovedTable
from flaskref.scan.rules import CHECKERS, TRIGGERS
from flaskref.scan.suppress import ignores
from flaskref.scan.visitor import Visitor


def analyze_python(
    source: SourceFile,
    project: frozenset[str],
    selected: frozenset[str],
    removed: RemovedTable | None = None,
) -> FileResult:
    result = FileResult(source.rel)
    try:
        data = source.path.read_bytes()
    except OSError as exc:
        result.error = f"cannot be read: {exc.strerror or exc}"
        return result
    try:
        tree = ast.parse(data, filename=source.rel)
    except SyntaxError as exc:
        where = f"line {exc.lineno}: " if exc.lineno else ""
        result.error = f"does not parse ({where}{exc.msg}); skipped"
        return result
    except (ValueError, RecursionError, MemoryError) as exc:
        result.error = f"does not parse ({type(exc).__name__}: {exc}); skipped"
        return result
    ctx = FileContext(source, project, selected, removed)
    if TRIGGERS.search(data) or (removed is not None and removed.mentioned(data)):
        Visitor(ctx, [checker(ctx) for checker in CHECKERS]).run(tree)
    else:
        visitor = Visitor(ctx, [])
        visitor.statements(tree.body)
        visitor.table = {}
    result.facts = ctx.facts
    if b"SQLALCHEMY_COMMIT_ON_TEARDOWN" in data:  # Flask-SQLAlchemy 2 commits for every view
        ctx.facts.committers.add("<teardown>")
    findings = ctx.findings
    if findings or ctx.facts.uncommitted:
        lines = data.splitlines()
        result.findings = [_columns(f, lines) for f in findings]
        facts = ctx.facts
        facts.uncommitted = [(_columns(f, lines), names) for f, names in facts.uncommitted]
    result.ignores = ignores(data)
    return result


def _columns(finding: Finding, lines: list[bytes]) -> Finding:
    """`ast` counts columns in UTF-8 bytes; editors and SARIF count characters."""
    if 0 < finding.line <= len(lines):
        line = lines[finding.line - 1]
        if not line.isascii():
            prefix = line[: finding.column - 1].decode("utf-8", "replace")
            return Finding(
                finding.file,
                finding.line,
                len(prefix) + 1,
                finding.rule,
                finding.message,
                finding.entry,
            )
    return finding
