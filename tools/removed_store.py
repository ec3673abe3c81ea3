"""Writing the removed-API table in the layout `flaskref.removed` reads.

    removed/<c>.json      {name: [row, ...]} for the names starting with c (a-z, "_" for the
                          rest); a row is a list in `flaskref.removed.FIELDS` order
    removed/positional.json {function or method name: [row, ...]} for parameters that became
                          keyword-only (the error names the function, not the parameter)
    removed/inherits.json {library: {class: [classes it inherits removed attributes from]}}

Split by first letter so a lookup, which always knows the name it is after, reads one file of
a few kilobytes.
"""

from __future__ import annotations

import json
import shutil
import sys
from dataclasses import astuple
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flaskref.removed import FIELDS, shard_of  # noqa: E402


def write(out: Path, rows: list, inherits: dict[str, dict[str, list[str]]]) -> None:
    folder = out / "removed"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    shards: dict[str, dict[str, list[list[str]]]] = {"positional": {}}
    # Stable: a function's keyword-only parameters stay in signature order.
    for row in sorted(rows, key=lambda r: (r.library, r.module, r.owner, r.kind)):
        values = list(astuple(row))
        assert len(values) == len(FIELDS)
        if row.kind == "positional":  # the message names the function, not the parameter
            key, shard = row.owner.rsplit(".", 1)[-1], "positional"
        else:
            key, shard = row.name, shard_of(row.name)
        shards.setdefault(shard, {}).setdefault(key, []).append(values)
    for letter, data in shards.items():
        _dump(folder / f"{letter}.json", data)
    _dump(folder / "inherits.json", inherits)


def read(out: Path) -> tuple[list[list[str]], dict[str, dict[str, list[str]]]]:
    """The rows and inheritance of an existing table (for rebuilding some libraries only)."""
    folder = out / "removed"
    rows: list[list[str]] = []
    inherits: dict[str, dict[str, list[str]]] = {}
    if not folder.is_dir():
        return rows, inherits
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if path.name == "inherits.json":
            inherits = data
        else:
            rows += [r for group in data.values() for r in group]
    return rows, inherits


def _dump(path: Path, data: object) -> None:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    path.write_text(text + "\n", encoding="utf-8")
