"""One-shot lookup time against bare Python, measured in the same run.

    python benchmarks/oneshot.py [--runs 25] [--query "working outside application context"]

Prints the median wall time of `flaskref --json QUERY` (warm index cache) next to the median
of `python -c pass`, and their ratio; the target is a ratio of at most 6. The machine is shared
and noisy, so only medians and same-run ratios mean anything.

The package is byte-compiled first: an installed flaskref always has `.pyc` files (pip writes
them), while an editable checkout run with PYTHONDONTWRITEBYTECODE=1 would recompile every
module on every call and measure the compiler instead.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def median_ms(argv: list[str], runs: int, env: dict[str, str]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False
        )
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def flaskref_command() -> list[str]:
    script = shutil.which("flaskref", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "flaskref"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=25)
    parser.add_argument("--query", default="working outside application context")
    args = parser.parse_args()

    import flaskref

    compileall.compile_dir(str(Path(flaskref.__file__).parent), quiet=1)
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "FLASKREF_CACHE_DIR": cache}
        cmd = flaskref_command() + ["--json", args.query]
        subprocess.run(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False
        )  # warm
        bare = median_ms([sys.executable, "-c", "pass"], args.runs, env)
        lookup = median_ms(cmd, args.runs, env)
        # Bare again, so drift on a shared machine shows up as two different baselines.
        bare2 = median_ms([sys.executable, "-c", "pass"], args.runs, env)
    base = (bare + bare2) / 2
    print(f"runs per figure        {args.runs}")
    print(f"python -c pass         {bare:7.1f} ms / {bare2:.1f} ms (before / after)")
    print(f"flaskref --json QUERY  {lookup:7.1f} ms")
    print(f"ratio                  {lookup / base:7.2f}x  (target <= 6)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
