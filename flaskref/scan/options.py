"""Scan settings: `[tool.flaskref]` in the project's pyproject.toml, then the command line.

Read as ruff reads its own: the nearest pyproject.toml above the scanned folder that has the
table. Anything wrong in it is a `ScanError` naming the file and the key, never a traceback.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from flaskref.scan.model import RULES
from flaskref.scan.removed_table import RemovedTable

KEYS = ("select", "ignore", "exclude")


class ScanError(Exception):
    """Bad settings or arguments: the CLI prints it and exits 2."""


@dataclass(frozen=True)
class Options:
    selected: frozenset[str] = frozenset(RULES)
    exclude: tuple[str, ...] = ()
    #: Where the settings came from, for messages ("" when none were found).
    config: str = ""
    #: The removed-API table; None means the one shipped with flaskref.
    removed: RemovedTable | None = None


def rule_list(value: object, where: str) -> list[str]:
    """A list of rule ids, from TOML (a list) or the command line (`a,b`)."""
    if isinstance(value, str):
        items = [v.strip() for v in value.split(",") if v.strip()]
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        items = [v.strip() for v in value]
    else:
        raise ScanError(f"{where}: expected a list of rule ids, got {value!r}")
    unknown = [v for v in items if v not in RULES and v.upper() != "ALL"]
    if unknown:
        raise ScanError(f"{where}: unknown rule {unknown[0]!r}; rules: {', '.join(sorted(RULES))}")
    if any(v.upper() == "ALL" for v in items):
        return sorted(RULES)
    return items


def find_config(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above `start` with a `[tool.flaskref]` table."""
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                text = candidate.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise ScanError(f"{candidate}: cannot be read ({exc})") from None
            if "[tool.flaskref" in text or "tool.flaskref" in text:
                return candidate
    return None


def load(
    root: Path,
    select: str | None = None,
    ignore: str | None = None,
    config: Path | None = None,
) -> Options:
    """Settings for a scan of `root`: the file's, narrowed or widened by `--select/--ignore`."""
    path = config if config is not None else find_config(root)
    table: dict = {}
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ScanError(f"{path}: not valid TOML: {exc}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ScanError(f"{path}: cannot be read ({exc})") from None
        table = data.get("tool", {}).get("flaskref", {})
        if not isinstance(table, dict):
            raise ScanError(f"{path}: [tool.flaskref] must be a table")
        unknown = [k for k in table if k not in KEYS]
        if unknown:
            raise ScanError(
                f"{path}: [tool.flaskref] has an unknown key {unknown[0]!r}; "
                f"known: {', '.join(KEYS)}"
            )
    where = f"{path}: [tool.flaskref]" if path else ""
    chosen = set(RULES)
    if "select" in table:
        chosen = set(rule_list(table["select"], f"{where} select"))
    if "ignore" in table:
        chosen -= set(rule_list(table["ignore"], f"{where} ignore"))
    if select is not None:
        chosen = set(rule_list(select, "--select"))
    if ignore is not None:
        chosen -= set(rule_list(ignore, "--ignore"))
    exclude = table.get("exclude", [])
    if not (isinstance(exclude, list) and all(isinstance(e, str) for e in exclude)):
        raise ScanError(f"{where} exclude: expected a list of glob patterns, got {exclude!r}")
    return Options(frozenset(chosen), tuple(exclude), str(path) if path else "")
