"""A whole scan: collect files, analyse each (in worker processes when that pays), run the
project pass, apply `# flaskref: ignore[...]`, sort.
"""

from __future__ import annotations

import gc
import os
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from flaskref.scan import files as filesmod
from flaskref.scan.analyze import analyze_python
from flaskref.scan.model import FileResult, Finding
from flaskref.scan.options import Options
from flaskref.scan.project import combine
from flaskref.scan.removed_table import default_table
from flaskref.scan.starters import analyze_starter
from flaskref.scan.suppress import ignored

#: Worker processes are used from this many Python files, on machines with more than two
#: cores. On two cores a pool lost to one process in benchmarks/scan.py (2,000 files: 2.5x
#: the parse time's wall clock against 1.5x), and below a few hundred files starting workers
#: costs more than it saves.
PARALLEL_FROM = 400
PARALLEL_CORES = 3
CHUNK = 64


@dataclass
class Report:
    root: Path
    files: int
    findings: list[Finding] = field(default_factory=list)
    #: Files not scanned, and why (`does not parse (line 3: invalid syntax); skipped`).
    skipped: list[tuple[str, str]] = field(default_factory=list)


_shared: tuple = ()


def _init(*shared) -> None:
    """A worker's copy of what every file's analysis shares (project, rules, table)."""
    global _shared
    _shared = shared


def _work(chunk: list[filesmod.SourceFile]) -> list[FileResult]:
    with _no_cycle_collection():
        return [analyze_python(f, *_shared) for f in chunk]


@contextmanager
def _no_cycle_collection():
    """Parsing and walking allocate millions of small acyclic objects (AST nodes, bindings),
    which reference counting frees; the cycle collector would keep re-scanning them for
    nothing (a third of the time). Restored afterwards."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _jobs(requested: int | None, python: int) -> int:
    if requested is not None:
        return max(1, requested)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if python < PARALLEL_FROM or (cores or 1) < PARALLEL_CORES:
        return 1
    return max(1, min(cores or 1, python // CHUNK))


def scan(paths: list[Path], options: Options, jobs: int | None = None) -> Report:
    root = filesmod.root_of(paths)
    sources = filesmod.collect(paths, root, options.exclude)
    python = [f for f in sources if f.kind == "python"]
    project = frozenset(f.module.split(".", 1)[0] for f in python if not f.is_test)
    selected = options.selected
    removed = None
    if "removed-api" in selected:
        removed = options.removed if options.removed is not None else default_table()
    workers = _jobs(jobs, len(python))
    if workers > 1:
        chunks = [python[i : i + CHUNK] for i in range(0, len(python), CHUNK)]
        shared = (project, selected, removed)
        with ProcessPoolExecutor(workers, initializer=_init, initargs=shared) as pool:
            results = [r for done in pool.map(_work, chunks) for r in done]
    else:
        with _no_cycle_collection():
            results = [analyze_python(f, project, selected, removed) for f in python]
    results.extend(analyze_starter(f) for f in sources if f.kind != "python")

    report = Report(root, len(sources))
    found: list[Finding] = []
    ignores = {}
    for r in results:
        if r.error:
            report.skipped.append((r.rel, r.error))
            continue
        found.extend(r.findings)
        if r.ignores:
            ignores[r.rel] = r.ignores
    found.extend(combine(sources, results, selected))
    kinds = {f.rel: f.kind for f in sources}
    report.findings = sorted(
        {f for f in found if f.rule in selected and not ignored(f, ignores, kinds)}
    )
    report.skipped.sort()
    return report
