"""What the generated knowledge adds to a lookup: loading and matching, in a fresh process.

    python benchmarks/catalog.py [--runs 15]

For each error line, a new interpreter first runs a lookup (so what a lookup imports anyway,
json, re, typing and the entry type, is loaded, and the index cache is warm), then times importing
`flaskref.removed` and `flaskref.catalog`, reading their data and matching the line. That is
the cost the one-shot path pays once per call; the target is a median of at most 3 ms for a
typical error line. A query with no error message must cost nothing: `removed.find` reads no
file unless the text has one of Python's error forms, and the caller asks the catalog only for
an exception message. Medians only: the machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

LINES = {
    "import": "ImportError: cannot import name 'safe_str_cmp' from 'werkzeug.security' "
    "(/venv/lib/python3.11/site-packages/werkzeug/security.py)",
    "keyword": "TypeError: send_file() got an unexpected keyword argument 'attachment_filename'",
    "attribute": "AttributeError: 'Flask' object has no attribute 'session_cookie_name'",
    "message": "RuntimeError: The session is unavailable because no secret key was set.  Set "
    "the secret_key on the application to something unique and secret.",
    "sqlalchemy": "sqlalchemy.exc.InvalidRequestError: This Session's transaction has been "
    "rolled back due to a previous exception during flush.",
    "unknown": "ValueError: invalid literal for int() with base 10: 'abc'",
}
NO_ERROR = "how do I use url_for with a blueprint"

PROBE = r"""
import sys, time
from flaskref.search import search
search("RuntimeError: Working outside of application context.", 3)  # a lookup's imports
line, ask_catalog = sys.argv[1], sys.argv[2] == "1"
tb = time.perf_counter()
search(line, 3)  # the baseline: the rest of a (warm) lookup of the same line
t0 = time.perf_counter()
from flaskref import catalog, removed
rows = removed.find(line)
msgs = catalog.find(line) if ask_catalog else []
t1 = time.perf_counter()
for _ in range(20):
    removed.find(line)
    if ask_catalog:
        catalog.find(line)
t2 = time.perf_counter()
ms = [(t1 - t0) * 1000, (t2 - t1) * 1000 / 20, (t0 - tb) * 1000]
print(" ".join(f"{x:.3f}" for x in ms), len(rows), len(msgs))
"""


def measure(
    line: str, ask_catalog: bool, runs: int, env: dict[str, str]
) -> tuple[float, float, float, str, str]:
    cold, warm, base = [], [], []
    counts = ("", "")
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", PROBE, line, "1" if ask_catalog else "0"],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        ).stdout.split()
        cold.append(float(out[0]))
        warm.append(float(out[1]))
        base.append(float(out[2]))
        counts = (out[3], out[4])
    return statistics.median(cold), statistics.median(warm), statistics.median(base), *counts


def data_size() -> tuple[int, int]:
    import flaskref

    data = Path(flaskref.__file__).with_name("data")
    files = [p for p in data.rglob("*.json")]
    return len(files), sum(p.stat().st_size for p in files)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    import flaskref

    compileall.compile_dir(str(Path(flaskref.__file__).parent), quiet=1)
    env = {**os.environ, "FLASKREF_CACHE_DIR": tempfile.mkdtemp(prefix="frbench-")}
    print(f"runs per figure {args.runs}; cold = import + load + match in a fresh process;")
    print("search = the same process's warm search() of the line (same-run baseline)")
    head = f"{'case':12} {'cold ms':>8} {'warm ms':>8} {'search ms':>9} {'ratio':>6}"
    print(f"{head} {'removed':>8} {'messages':>8}")
    colds, ratios = [], []
    for case, line in LINES.items():
        cold, warm, base, n_removed, n_messages = measure(line, True, args.runs, env)
        colds.append(cold)
        ratios.append(cold / base)
        print(
            f"{case:12} {cold:8.2f} {warm:8.3f} {base:9.2f} {cold / base:6.2f}"
            f" {n_removed:>8} {n_messages:>8}"
        )
    cold, warm, base, n_removed, _ = measure(NO_ERROR, False, args.runs, env)
    print(
        f"{'no error':12} {cold:8.2f} {warm:8.3f} {base:9.2f} {cold / base:6.2f}"
        f" {n_removed:>8} {'-':>8}  (catalog not asked)"
    )
    print(
        f"median of the error lines: {statistics.median(colds):.2f} ms (target <= 3 ms), "
        f"{statistics.median(ratios):.2f}x a warm search() of the same line"
    )
    count, size = data_size()
    print(f"package data: {count} files, {size / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
