"""Search latency in-process over a query set, and the one-shot end-to-end ratio.

    python benchmarks/search.py [CASES.jsonl] [--rounds 5]

CASES defaults to ../shared/eval/dev.jsonl beside the checkout (real queries: tracebacks,
error lines, questions). Prints the median per-query latency of `Engine.search` with an
opened index (target <= 20 ms), the slowest query's median, and then runs
`benchmarks/oneshot.py` for the end-to-end ratio (target <= 6x bare python).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: ../shared/eval/dev.jsonl beside the main checkout, or beside a worktree's parent folder.
DEFAULT_CASES = next(
    (p for n in (1, 2) if (p := HERE.parents[n] / "shared" / "eval" / "dev.jsonl").is_file()),
    HERE.parents[1] / "shared" / "eval" / "dev.jsonl",
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="?", default=str(DEFAULT_CASES))
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    path = Path(args.cases)
    if not path.is_file():
        print(
            f"search.py: no query file at {path}; give one as the first argument", file=sys.stderr
        )
        return 2
    queries = [json.loads(line)["query"] for line in path.open(encoding="utf-8") if line.strip()]

    import os

    with tempfile.TemporaryDirectory() as cache:
        os.environ["FLASKREF_CACHE_DIR"] = cache
        from flaskref.search import Engine

        start = time.perf_counter()
        engine = Engine()
        cold = (time.perf_counter() - start) * 1000
        engine.search("warm up", limit=3)
        per_query: list[list[float]] = [[] for _ in queries]
        for _ in range(args.rounds):
            for i, q in enumerate(queries):
                t = time.perf_counter()
                engine.search(q, limit=3)
                per_query[i].append((time.perf_counter() - t) * 1000)
        engine.close()

    medians = [statistics.median(t) for t in per_query]
    print(f"queries                 {len(queries)} x {args.rounds} rounds")
    print(f"index build (cold)      {cold:7.1f} ms")
    print(f"median per query        {statistics.median(medians):7.2f} ms  (target <= 20)")
    print(f"slowest query (median)  {max(medians):7.2f} ms")
    print()
    subprocess.run([sys.executable, str(HERE / "oneshot.py")], check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
