"""Build flaskref's catalog of library messages: `python tools/gen_messages.py`.

Reads the libraries at the versions the KB is verified against: those installed in this venv
by the project's test extra, and for a library the extra does not install (Flask-Caching) the
newest release on PyPI. Every message `msgextract` finds becomes a row; templates that would
match almost anything (only placeholders, or fewer than two literal words) are skipped and
counted. Each kept template is filed under its rarest literal word, the shortlist key that
`flaskref.catalog` looks up, so a lookup compiles only the few templates sharing a word with
the pasted message.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import sys
import time
from collections import Counter
from pathlib import Path

import catalog_store
import msgextract
import releases
from libraries import LIBRARIES, Library, write_names

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flaskref import messages  # noqa: E402  (the template syntax the catalog must follow)

OUT = ROOT / "flaskref" / "data"
MIN_WORDS = 2


def locate(lib: Library) -> tuple[Path, str] | None:
    """The folder holding the library's packages, and its version."""
    spec = importlib.util.find_spec(lib.packages[0])
    if spec is not None and spec.submodule_search_locations:
        root = Path(next(iter(spec.submodule_search_locations))).parent
        return root, importlib.metadata.version(lib.project)
    rels = releases.releases(lib.project)
    if not rels:
        return None
    newest = rels[-1]
    return releases.source_tree(lib.project, newest, lib.packages), newest.version


def collect(lib: Library, root: Path, version: str) -> tuple[list[catalog_store.Row], int]:
    rows: list[catalog_store.Row] = []
    skipped = 0
    seen: set[tuple[str, str]] = set()
    for m in msgextract.extract(root, lib.packages, lib.skip):
        if len(messages.literal_words(m.template)) < MIN_WORDS:
            skipped += 1
            continue
        if (m.exception, m.template) in seen:
            continue  # the same message raised from several places: the first one stands
        seen.add((m.exception, m.template))
        rows.append(
            catalog_store.Row(
                library=lib.project,
                version=version,
                file=m.file,
                line=m.line,
                function=m.function,
                exception=m.exception,
                kind=m.kind,
                template=m.template,
                condition=m.condition,
                doc=m.doc,
                source=m.source,
            )
        )
    return rows, skipped


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    all_rows: list[catalog_store.Row] = []
    total_skipped = 0
    for lib in LIBRARIES:
        if not lib.messages:
            continue
        start = time.perf_counter()
        found = locate(lib)
        if found is None:
            print(f"{lib.project:18} not installed and not on PyPI: skipped", file=sys.stderr)
            continue
        root, version = found
        rows, skipped = collect(lib, root, version)
        all_rows += rows
        total_skipped += skipped
        took = time.perf_counter() - start
        print(
            f"{lib.project:18} {version:10} {len(rows):5} messages, {skipped:4} skipped "
            f"(too few literal words)  {took:5.1f} s",
            flush=True,
        )
    keys = catalog_store.write(args.out, all_rows)
    write_names(args.out)
    kinds = Counter(r.kind for r in all_rows)
    print(
        f"{len(all_rows)} messages ({dict(kinds)}), {total_skipped} skipped, "
        f"{len(keys)} shortlist keys, written to {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
