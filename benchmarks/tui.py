"""TUI latencies: launch to first paint with results, and keystroke to results painted.

    python benchmarks/tui.py [--runs 10] [--query "working outside application context"]

(a) First paint. The real `flaskref --tui QUERY` runs in a pseudo-terminal (Textual's normal
    driver, as a person would start it); the clock stops when the entry's fix ("Fix:") appears
    in what the app writes to the terminal, so results and entry are painted. Then the
    benchmark presses ctrl+q, as a person would, and the time to exit is printed too (it
    includes Textual's shutdown). Beside it, in the same run and the same way, a minimal
    Textual app showing one `Static` ("hello"), quit the same way. The two run in turn, A B A B,
    and the ratio is the median of each pair's ratio, so that a machine whose load drifts
    during the run (a shared one) still gives a fair ratio; CPU seconds (user + system, to
    exit) are printed beside. Warm index cache (the usual case; a cold build is printed once).
    Target: flaskref / minimal <= 2.

(b) Keystroke -> results painted, in-process (`App.run_test`): each key of the query is sent
    through the driver as a terminal would send it, and the clock stops at the first refresh
    after that text's results are in the list (`FlaskrefApp.painted_query`). Measured twice:
    typing fast (the next key as soon as the results are painted, so the entry view never
    renders in between) and typing with pauses (a key every 250 ms: the entry view re-renders
    between keys). Target: median <= 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import os
import pty
import select
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

MINIMAL = """
from textual.app import App
from textual.widgets import Static


class Minimal(App):
    def compose(self):
        yield Static("hello")


Minimal().run()
"""


def run_in_pty(
    argv: list[str], env: dict[str, str], marker: bytes, timeout: float = 60.0
) -> tuple[float, float, float, float]:
    """Seconds from starting `argv` on a fresh 120x40 pseudo-terminal until `marker` is
    written to the screen (painted), until the process exits after ctrl+q, and the CPU
    seconds (user + system, all threads) it had used when it painted (read from /proc,
    in 10 ms ticks) and when it exited."""
    master, slave = pty.openpty()
    os.set_blocking(master, False)
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True)
    os.close(slave)
    screen, painted, status, usage, cpu_painted = b"", None, None, None, float("nan")
    try:
        while status is None:  # drain the screen output, or the app blocks on writes
            pid, code, rusage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                status, usage = os.waitstatus_to_exitcode(code), rusage
                break
            if time.perf_counter() - start > timeout:
                proc.kill()
                raise RuntimeError(f"{argv[:3]} did not exit within {timeout} s")
            ready, _, _ = select.select([master], [], [], 0.002)
            if ready:
                try:
                    screen += os.read(master, 65536)
                except OSError:
                    pass
                if painted is None and marker in screen:
                    painted = time.perf_counter() - start
                    cpu_painted = _cpu_seconds(proc.pid)
                    os.write(master, b"\x11")  # ctrl+q
        exited = time.perf_counter() - start
    finally:
        os.close(master)
    proc.returncode = status
    if status != 0 or painted is None:
        raise RuntimeError(f"{argv[:3]} exited with {status}, painted: {painted}")
    return painted, exited, cpu_painted, usage.ru_utime + usage.ru_stime


def _cpu_seconds(pid: int) -> float:
    """User + system seconds a running process has used (Linux /proc; NaN elsewhere)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def paired(
    a: tuple[list[str], bytes], b: tuple[list[str], bytes], env: dict[str, str], runs: int
) -> tuple[list[tuple[float, ...]], list[tuple[float, ...]]]:
    """`runs` runs of A and of B, in turn."""
    out_a, out_b = [], []
    for _ in range(runs):
        out_b.append(run_in_pty(b[0], env, b[1]))
        out_a.append(run_in_pty(a[0], env, a[1]))
    return out_a, out_b


async def keystroke_latencies(query: str, gap: float) -> list[float]:
    """Milliseconds from each key event to the refresh after its results are listed."""
    from textual import events

    from flaskref import paths
    from flaskref.tui.app import FlaskrefApp

    app = FlaskrefApp(kb_dirs=paths.kb_dirs())
    out: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        while app.engine is None:
            await asyncio.sleep(0.01)
        await pilot.pause()
        for i, ch in enumerate(query):
            target = query[: i + 1]
            key = events.Key("space" if ch == " " else ch, ch)
            start = time.perf_counter()
            app._driver.send_message(key)  # what the terminal driver does with a keypress
            while app.painted_query != target:
                await asyncio.sleep(0.0005)
                if time.perf_counter() - start > 5:
                    raise RuntimeError(f"no results painted for {target!r}")
            out.append((time.perf_counter() - start) * 1000)
            await asyncio.sleep(gap)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="runs per first-paint median")
    parser.add_argument("--query", default="working outside application context")
    args = parser.parse_args()

    flaskref = shutil.which("flaskref", path=str(Path(sys.executable).parent)) or "flaskref"
    with tempfile.TemporaryDirectory() as cache:
        os.environ["FLASKREF_CACHE_DIR"] = cache
        env = {**os.environ, "TERM": "xterm-256color"}
        real = [flaskref, "--tui", args.query]
        minimal = [sys.executable, "-c", MINIMAL]
        marker = b"Fix:"  # the start of the entry's one-line fix: the answer is on screen
        cold = run_in_pty(real, env, marker)[0] * 1000  # builds the index cache
        run_in_pty(minimal, env, b"hello")  # warm the OS file cache for textual too
        runs_app, runs_base = paired((real, marker), (minimal, b"hello"), env, args.runs)
        fast = asyncio.run(keystroke_latencies(args.query, gap=0.0))
        paused = asyncio.run(keystroke_latencies(args.query, gap=0.25))

    def med(runs: list[tuple[float, ...]], i: int) -> float:
        return statistics.median(r[i] for r in runs) * 1000

    print(f"query: {args.query!r}; {args.runs} runs of each, in turn")
    print(
        "(a) launch -> first paint, in a pseudo-terminal   painted     exited  "
        "CPU at paint  CPU at exit"
    )
    for label, runs in (
        ("minimal Textual app (one Static)", runs_base),
        ("flaskref --tui QUERY: results and entry", runs_app),
    ):
        figures = " ".join(f"{med(runs, i):7.1f} ms" for i in range(4))
        print(f"    {label:<41}{figures}")
    ratios = [
        statistics.median(a[i] / b[i] for a, b in zip(runs_app, runs_base, strict=True) if b[i])
        for i in range(4)
    ]
    print(
        "    ratio, median of pairs                   "
        + "   ".join(f"{r:7.2f}x" for r in ratios)
        + f"   (target <= 2; cold index: painted in {cold:.0f} ms)"
    )
    print(f"(b) keystroke -> results painted, median over {len(args.query)} keys")
    for label, times in (("typing fast", fast), ("a key every 250 ms", paused)):
        print(
            f"    {label:<22} median {statistics.median(times):6.1f} ms, "
            f"p90 {statistics.quantiles(times, n=10)[-1]:6.1f} ms, max {max(times):6.1f} ms"
            "  (target <= 50)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
