"""TUI latencies: launch to first paint with results, and keystroke to results painted.

    python benchmarks/tui.py [--runs 10]

First paint: a subprocess starts the real app with a query (as `flaskref --tui QUERY` does)
and exits as soon as its results are painted; next to it, a minimal Textual app showing one
`Static` that exits after its first paint, measured the same way in the same run. Both run
headless (no terminal is attached to a benchmark). Targets: ratio <= 2, keystroke -> results
painted <= 50 ms median (in-process, with the index open, over a typed query).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time

MINIMAL = """
from textual.app import App
from textual.widgets import Static

class Minimal(App):
    def compose(self):
        yield Static("hello")

    def on_mount(self):
        self.call_after_refresh(self.exit)

Minimal().run(headless=True)
"""

REAL = """
import sys
from flaskref.tui.app import FlaskrefApp
FlaskrefApp(sys.argv[1]).run(headless=True)
"""


def median_ms(argv: list[str], runs: int, env: dict[str, str]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True
        )
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


async def keystroke_latency(query: str) -> list[float]:
    """From each keystroke's `Input.Changed` to the next refresh after its results are shown.

    Timed inside the app: Pilot's own press-and-pause costs ~80 ms on a trivial app and would
    swamp what the app does. A keystroke whose search is superseded by the next one (the
    worker is exclusive) has no paint of its own and is not counted.
    """
    from flaskref.tui.app import FlaskrefApp

    latencies: list[float] = []

    import flaskref.tui.app as tui_app

    class Timed(FlaskrefApp):
        CSS_PATH = os.path.join(os.path.dirname(tui_app.__file__), "app.tcss")
        started: float | None = None

        def on_input_changed(self) -> None:  # runs beside the app's own handler
            self.started = time.perf_counter()

        async def show_results(self, results) -> None:
            started = self.started
            await super().show_results(results)
            if started is not None:
                self.call_after_refresh(
                    lambda: latencies.append((time.perf_counter() - started) * 1000)
                )

    app = Timed()
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(4):
            await app.workers.wait_for_complete()
            await pilot.pause()
        latencies.clear()
        for ch in query:
            await pilot.press(ch if ch != " " else "space")
            await app.workers.wait_for_complete()
            await pilot.pause()
    return latencies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--query", default="working outside application context")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "FLASKREF_CACHE_DIR": cache, "FLASKREF_TUI_EXIT_AFTER_PAINT": "1"}
        os.environ["FLASKREF_CACHE_DIR"] = cache
        real = [sys.executable, "-c", REAL, args.query]
        subprocess.run(
            real, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True
        )
        minimal = median_ms([sys.executable, "-c", MINIMAL], args.runs, env)
        app = median_ms(real, args.runs, env)
        minimal2 = median_ms([sys.executable, "-c", MINIMAL], args.runs, env)
        keys = asyncio.run(keystroke_latency(args.query))

    base = (minimal + minimal2) / 2
    print(f"runs per figure               {args.runs}")
    print(f"minimal Textual app           {minimal:7.1f} ms / {minimal2:.1f} ms (before / after)")
    print(f"flaskref TUI, results painted {app:7.1f} ms")
    print(f"first-paint ratio             {app / base:7.2f}x  (target <= 2)")
    med, worst = statistics.median(keys), max(keys)
    print(
        f"keystroke -> results painted  {med:7.1f} ms median over {len(keys)} keys (target <= 50)"
    )
    print(f"                              {worst:7.1f} ms slowest (a new entry rendered)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
