"""Text and JSON output of a scan (SARIF is in `sarif.py`).

File names and messages come from the scanned project: a file name can hold an escape sequence
that would rewrite the terminal, so text output shows control characters escaped.
"""

from __future__ import annotations

import json
import re
from io import TextIOBase

from flaskref.scan.model import Finding
from flaskref.scan.runner import Report

# C0 and C1 controls, DEL, and the bidirectional overrides ("Trojan Source").
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """`text` with every control character shown as an escape (`\\x1b`), safe to print.

    Unlike `flaskref.sanitize`, which drops them from entry text, a file name keeps a visible
    trace of them: two names must not print alike.
    """
    return _CONTROLS.sub(
        lambda m: (
            f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}"
        ),
        text,
    )


def line(finding: Finding, color: bool = False) -> str:
    """`path:line:col: rule message (flaskref show ENTRY)`, as ruff and bandit users expect."""
    where = f"{clean(finding.file)}:{finding.line}:{finding.column}:"
    rule, message = finding.rule, clean(finding.message)
    hint = f"(flaskref show {finding.entry})"
    if color:
        where = f"\x1b[1m{where}\x1b[0m"
        rule = f"\x1b[1;31m{rule}\x1b[0m"
        hint = f"\x1b[2m{hint}\x1b[0m"
    return f"{where} {rule} {message} {hint}"


def print_text(report: Report, out: TextIOBase, err: TextIOBase, color: bool = False) -> None:
    for finding in report.findings:
        out.write(line(finding, color) + "\n")
    for rel, reason in report.skipped:
        err.write(f"flaskref scan: {clean(rel)}: {reason}\n")
    n, files = len(report.findings), report.files
    summary = (
        f"{n} finding{'s' if n != 1 else ''} in {files} file{'s' if files != 1 else ''}"
        if n
        else f"no findings in {files} file{'s' if files != 1 else ''}"
    )
    if report.skipped:
        summary += f" ({len(report.skipped)} skipped)"
    err.write(summary + "\n")


def to_json(report: Report) -> str:
    return json.dumps(
        {
            "findings": [
                {
                    "rule": f.rule,
                    "file": f.file,
                    "line": f.line,
                    "column": f.column,
                    "message": f.message,
                    "entry": f.entry,
                }
                for f in report.findings
            ],
            "files": report.files,
            "skipped": [{"file": rel, "reason": reason} for rel, reason in report.skipped],
        },
        indent=2,
    )
