"""`flaskref scan [PATH...]`: the command line over `runner.scan`.

Exit status as linters have it: 0 no findings, 1 findings, 2 usage error (a bad argument, an
unknown rule, a broken `[tool.flaskref]`, a path that does not exist).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2

EPILOG = """\
rules (ids for --select, --ignore and `# flaskref: ignore[rule]`):
{rules}

settings: [tool.flaskref] in the project's pyproject.toml takes `select`, `ignore` and
`exclude` (lists); --select/--ignore on the command line win.

exit status: 0 no findings, 1 findings, 2 usage error.

examples:
  flaskref scan                       scan the current folder
  flaskref scan src/ --ignore redirect-literal-path
  flaskref scan --format sarif > flaskref.sarif
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\nTry '{self.prog} --help'.\n")


def _parser() -> argparse.ArgumentParser:
    from flaskref.scan.model import RULES

    rules = "\n".join(f"  {r.id:<30} {r.summary}" for r in RULES.values())
    p = _Parser(
        prog="flaskref scan",
        description="Find the mistakes the flaskref KB explains in a Flask project's source, "
        "without importing or running it.",
        epilog=EPILOG.format(rules=rules),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: .)")
    p.add_argument(
        "--format", choices=("text", "json", "sarif"), default="text", help="output format"
    )
    p.add_argument("--select", metavar="RULE,...", help="run only these rules")
    p.add_argument("--ignore", metavar="RULE,...", help="skip these rules")
    p.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="worker processes (default: one per core from 400 files on 3+ cores, else 1)",
    )
    p.add_argument(
        "--tui", action="store_true", help="browse the findings, each opening its KB entry"
    )
    return p


def _use_color(stream) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def main(args: Sequence[str], kb: list[str] | None = None) -> int:
    parser = _parser()
    opts = parser.parse_args(list(args))
    from flaskref.scan import options as optmod
    from flaskref.scan.runner import scan

    paths = [Path(p) for p in opts.paths] or [Path(".")]
    missing = [p for p in paths if not p.exists()]
    if missing:
        print(f"flaskref scan: no such file or folder: {missing[0]}", file=sys.stderr)
        return EXIT_USAGE
    if opts.jobs is not None and opts.jobs < 1:
        parser.error(f"--jobs: expected 1 or more, got {opts.jobs}")
    from flaskref.scan.files import root_of

    try:
        settings = optmod.load(root_of(paths), opts.select, opts.ignore)
    except optmod.ScanError as exc:
        print(f"flaskref scan: {exc}", file=sys.stderr)
        return EXIT_USAGE
    report = scan(paths, settings, jobs=opts.jobs)
    if opts.tui:
        from flaskref.scan.tui import run  # Textual is imported here and only here

        run(report, kb or [])
    elif opts.format == "json":
        from flaskref.scan.output import to_json

        print(to_json(report))
    elif opts.format == "sarif":
        from flaskref import __version__
        from flaskref.scan.sarif import to_sarif

        print(to_sarif(report, __version__))
    else:
        from flaskref.scan.output import print_text

        print_text(report, sys.stdout, sys.stderr, color=_use_color(sys.stdout))
    return EXIT_FINDINGS if report.findings else EXIT_CLEAN
