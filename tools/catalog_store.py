"""Writing the message catalog in the layout `flaskref.catalog` reads.

    catalog/keys.txt    line N: " word word ... " the shortlist words filed in shard N
    catalog/NN.json     {shortlist word: [row, ...]}, a row being a list in `FIELDS` order
    catalog/exceptions.txt  the exception classes whose names do not say they are one
                        (`BadData`, `Forbidden`): a pasted `BadData: ...` line is an error

A template is filed under one word: its rarest literal word that a placeholder does not touch
(a message with the template in it always contains that word as a whole token). Shards hold
whole key groups, so one lookup word costs one small file.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections import Counter
from dataclasses import astuple, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flaskref.catalog import FIELDS, key_words  # noqa: E402
from flaskref.query import EXCEPTION_SUFFIX  # noqa: E402

SHARD_BYTES = 8_000


@dataclass
class Row:
    library: str
    version: str
    file: str
    line: int
    function: str
    exception: str
    kind: str
    template: str
    condition: str
    doc: str
    source: str


assert tuple(Row.__dataclass_fields__) == FIELDS, "catalog_store.Row must follow catalog.FIELDS"


def choose_keys(rows: list[Row]) -> list[str | None]:
    """Each row's shortlist word: the rarest across the catalog, the longer on a tie."""
    df = Counter(w for r in rows for w in set(key_words(r.template)))
    out: list[str | None] = []
    for r in rows:
        words = set(key_words(r.template))
        out.append(min(words, key=lambda w: (df[w], -len(w), w)) if words else None)
    return out


def write(out: Path, rows: list[Row]) -> dict[str, int]:
    folder = out / "catalog"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    groups: dict[str, list[list[object]]] = {}
    for row, key in zip(rows, choose_keys(rows), strict=True):
        if key is not None:
            groups.setdefault(key, []).append(list(astuple(row)))
    keys: dict[str, int] = {}
    shards: list[dict[str, list[list[object]]]] = [{}]
    size = 0
    for word in sorted(groups):
        blob = len(json.dumps(groups[word]))
        if size and size + blob > SHARD_BYTES:
            shards.append({})
            size = 0
        shards[-1][word] = groups[word]
        keys[word] = len(shards) - 1
        size += blob
    for i, shard in enumerate(shards):
        _dump(folder / f"{i:02d}.json", shard)
    lines = [
        " " + " ".join(w for w in sorted(keys) if keys[w] == i) + " " for i in range(len(shards))
    ]
    (folder / "keys.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "exceptions.txt").write_text(
        "".join(f"{name}\n" for name in unsuffixed_exceptions(rows)), encoding="utf-8"
    )
    return keys


def unsuffixed_exceptions(rows: list[Row]) -> list[str]:
    """Exception classes named without Error/Exception/Warning/...: Python's naming does not
    reveal them, so the query parser needs the list."""
    return sorted(
        {
            r.exception
            for r in rows
            if r.exception.isidentifier()
            and r.exception[:1].isupper()
            and not EXCEPTION_SUFFIX.search(r.exception)
        }
    )


def _dump(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
