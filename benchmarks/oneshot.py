"""One-shot lookup time for three kinds of query, against bare Python in the same run.

    python benchmarks/oneshot.py [--runs 15] [--kb DIR]

Times `flaskref --json QUERY` (warm index cache) for an error line, a question and a 100-line
traceback read from standard input, interleaved with `python -c pass`, and prints each
median next to the baseline's median and their ratio (target: at most 4x). The machine is
shared and noisy, so only medians and same-run ratios mean anything.

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

ERROR_LINE = "RuntimeError: Working outside of application context."
QUESTION = "how do I make url_for return an absolute url with the domain"


def long_traceback(lines: int = 100) -> str:
    """A traceback of `lines` lines: frames through Flask and SQLAlchemy, then the error."""
    out = ["Traceback (most recent call last):"]
    site = "/srv/app/.venv/lib/python3.11/site-packages"
    frames = [
        (f"{site}/flask/app.py", "wsgi_app", "response = self.full_dispatch_request()"),
        (f"{site}/flask/app.py", "dispatch_request", "return self.view_functions[rule](**args)"),
        ("/srv/app/app/views.py", "profile", "return render_template('p.html', user=user)"),
        (f"{site}/sqlalchemy/orm/attributes.py", "__get__", "return self.impl.get(state, dict_)"),
    ]
    n = 0
    while len(out) < lines - 1:
        path, func, source = frames[n % len(frames)]
        out.append(f'  File "{path}", line {100 + n}, in {func}')
        out.append(f"    {source}")
        n += 1
    out = out[: lines - 1]
    out.append(
        "sqlalchemy.orm.exc.DetachedInstanceError: Parent instance <User at 0x7f> is not bound "
        "to a Session; lazy load operation of attribute 'posts' cannot proceed"
    )
    return "\n".join(out) + "\n"


def flaskref_command() -> list[str]:
    script = shutil.which("flaskref", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "flaskref"]


def queries(tmp: Path) -> dict[str, tuple[list[str], Path | None]]:
    """Each kind of query: its arguments and the file fed to standard input (or None)."""
    tb = tmp / "traceback.txt"
    tb.write_text(long_traceback(), encoding="utf-8")
    return {
        "error line": (["--json", ERROR_LINE], None),
        "question": (["--json", QUESTION], None),
        "100-line traceback": (["--json", "-"], tb),
    }


def _run(argv: list[str], stdin: Path | None, env: dict[str, str]) -> float:
    with open(stdin or os.devnull, "rb") as fh:
        start = time.perf_counter()
        subprocess.run(
            argv, stdin=fh, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
        )
        return time.perf_counter() - start


def compare(
    argv: list[str], stdin: Path | None, runs: int, env: dict[str, str]
) -> tuple[float, float]:
    """Median ms of the command and of `python -c pass`, run in turn (A B A B ...)."""
    _run(argv, stdin, env)  # warm: builds the index if needed, fills the page cache
    bare, times = [], []
    for _ in range(runs):
        bare.append(_run([sys.executable, "-c", "pass"], None, env))
        times.append(_run(argv, stdin, env))
    return statistics.median(times) * 1000, statistics.median(bare) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--kb", action="append", default=[], help="extra KB folder (repeatable)")
    parser.add_argument("--cache", help="index cache folder (default: a new temporary one)")
    args = parser.parse_args()

    import flaskref

    compileall.compile_dir(str(Path(flaskref.__file__).parent), quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "FLASKREF_CACHE_DIR": args.cache or tmp, "FLASKREF_KB": ""}
        base = flaskref_command() + [a for d in args.kb for a in ("--kb", d)]
        print(f"runs per figure: {args.runs} (medians; python -c pass run in turn)")
        for label, (argv, stdin) in queries(Path(tmp)).items():
            ms, bare = compare(base + argv, stdin, args.runs, env)
            print(f"{label:<20} {ms:7.1f} ms  bare {bare:5.1f} ms  ratio {ms / bare:5.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
