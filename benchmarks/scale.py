"""How flaskref scales with the size of the KB: 1,000 and 10,000 generated entries.

    python benchmarks/scale.py [--sizes 1000,10000] [--runs 7] [--rounds 3]

For each size, writes a KB into a temporary folder made from the bundled entries (each copy
with its own id, and a title and body worded apart by a made-up word), so that the bundled
KB plus the copies hold that many entries. Then prints, each in a fresh process where it
matters:

- cold build: wall time and peak RSS of `flaskref --kb DIR index` with an empty cache, and
  the size of the cache folder it leaves;
- one-shot: median of `flaskref --kb DIR --json QUERY` for an error line, a question and a
  100-line traceback (see `oneshot.py`), and its ratio to `python -c pass` run in turn;
- in-process: median and p90 of `Engine.search` over the dev queries with an opened index;
- edit: the wall time of the first lookup after one entry's file changes (the index is
  updated in place), after one is added, and after one is removed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from oneshot import compare, flaskref_command, queries  # noqa: E402

#: The dev queries: beside the main checkout, or beside a worktree's parent folder.
DEVS = [HERE.parents[n] / "shared" / "eval" / "dev.jsonl" for n in (1, 2)]
_SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]


def word(n: int) -> str:
    """A made-up word for number n (`qubake`): unique, and one token to the analyzer."""
    out = "q"
    while True:
        n, r = divmod(n, len(_SYLLABLES))
        out += _SYLLABLES[r]
        if not n:
            return out


def _retitle(line: str, w: str) -> str:
    """The title line with the made-up word added inside its quotes, if any."""
    if line.endswith(('"', "'")):
        return f"{line[:-1]} ({w}){line[-1]}"
    return f"{line} ({w})"


def generate(folder: Path, total: int) -> int:
    """Write copies of the bundled entries until bundled + copies == total; returns copies."""
    from flaskref import kb, paths

    sources = [Path(p) for p in kb.entry_files([paths.bundled_kb_dir()])]
    copies = max(total - len(sources), 0)
    for n in range(copies):
        src = sources[n % len(sources)]
        text = src.read_text(encoding="utf-8")
        w = word(n)
        text = re.sub(r"^id: (\S+)$", rf"id: \1-{w}", text, count=1, flags=re.M)
        text = re.sub(r"^see_also: .*\n", "", text, count=1, flags=re.M)
        title = re.search(r"^title: .*$", text, flags=re.M)
        if title:
            text = text.replace(title.group(0), _retitle(title.group(0), w), 1)
        text = text.replace("\n## Why\n", f"\n## Why\n\nSeen in the {w} service.\n", 1)
        sub = folder / src.parent.name
        sub.mkdir(exist_ok=True)
        (sub / f"{src.stem}-{w}.md").write_text(text, encoding="utf-8")
    return copies


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one run of a command."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode not in (0, 1):
        print(f"  ! {' '.join(argv[:3])}... exited {proc.returncode}: {err[-300:]}")
    return wall, usage.ru_maxrss / 1024 if sys.platform != "darwin" else usage.ru_maxrss / 2**20


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


IN_PROCESS = """
import json, statistics, sys, time
from pathlib import Path
from flaskref import paths
from flaskref.search import Engine
queries = [json.loads(l)["query"] for l in open(sys.argv[2], encoding="utf-8") if l.strip()]
engine = Engine(paths.kb_dirs([sys.argv[1]]))
engine.search("warm up", limit=3)
times = []
for _ in range(int(sys.argv[3])):
    for q in queries:
        t = time.perf_counter()
        engine.search(q, limit=3)
        times.append((time.perf_counter() - t) * 1000)
times.sort()
print(json.dumps([statistics.median(times), times[int(len(times) * 0.9)]]))
"""


def in_process(kb: Path, dev: Path, env: dict[str, str], rounds: int) -> tuple[float, float]:
    out = subprocess.run(
        [sys.executable, "-c", IN_PROCESS, str(kb), str(dev), str(rounds)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    median, p90 = json.loads(out.stdout.strip().splitlines()[-1])
    return median, p90


def measure(total: int, runs: int, rounds: int, dev: Path | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        kb, cache = root / "kb", root / "cache"
        kb.mkdir()
        copies = generate(kb, total)
        env = {**os.environ, "FLASKREF_CACHE_DIR": str(cache), "FLASKREF_KB": ""}
        cmd = flaskref_command() + ["--kb", str(kb)]
        print(f"== {total:,} entries ({copies:,} generated)")
        wall, rss = timed(cmd + ["index"], env)
        print(f"cold build           {wall:7.2f} s   peak RSS {rss:6.1f} MiB")
        print(f"index size           {folder_size(cache) / 2**20:7.2f} MiB (cache folder)")
        for label, (argv, stdin) in queries(root).items():
            ms, bare = compare(cmd + argv, stdin, runs, env)
            print(f"one-shot {label:<20} {ms:7.1f} ms  ratio {ms / bare:5.2f}x  (bare {bare:.1f})")
        if dev:
            median, p90 = in_process(kb, dev, env, rounds)
            print(f"in-process search    median {median:6.2f} ms   p90 {p90:6.2f} ms")
        lookup = cmd + ["--json", "working outside application context"]
        files = sorted(kb.rglob("*.md"))
        with files[0].open("a", encoding="utf-8") as fh:
            fh.write("\nOne more line after an edit.\n")
        wall, rss = timed(lookup, env)
        print(f"edit -> first lookup {wall:7.2f} s   peak RSS {rss:6.1f} MiB")
        wall, _ = timed(lookup, env)
        print(f"the lookup after it  {wall * 1000:7.1f} ms")
        text = files[1].read_text(encoding="utf-8").replace("\nid: ", "\nid: added-", 1)
        files[1].with_name("added-" + files[1].name).write_text(text, encoding="utf-8")
        wall, _ = timed(lookup, env)
        print(f"add -> first lookup  {wall:7.2f} s")
        files[2].unlink()
        wall, _ = timed(lookup, env)
        print(f"remove -> first lookup {wall:5.2f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated entry counts")
    parser.add_argument("--runs", type=int, default=7, help="runs per one-shot median")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over the dev queries")
    parser.add_argument("--queries", type=Path, help="JSONL of queries (default: dev.jsonl)")
    args = parser.parse_args()
    dev = args.queries or next((p for p in DEVS if p.is_file()), None)
    if dev is None:
        print("scale.py: no dev.jsonl found; in-process search is skipped (give --queries)")
    for size in (int(s) for s in args.sizes.split(",")):
        measure(size, args.runs, args.rounds, dev)
    return 0


if __name__ == "__main__":
    sys.exit(main())
