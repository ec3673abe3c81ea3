"""`flaskref scan` against `ast.parse` alone, on a generated Flask project.

    python benchmarks/scan.py [--files 2000] [--lines 200] [--rounds 5] [--jobs N]

Writes a project of FILES Python modules (blueprint views, models, forms, services, config,
tests; about LINES lines each) to a temporary folder, then times, in this process and in the
same run:

- the baseline: read every file and `ast.parse` it, nothing else;
- `runner.scan()` in one process (jobs=1), and with the default choice of workers.

Prints medians over ROUNDS and the ratio scan / baseline (target <= 3x). One-process figures are
CPU seconds of this process (on a shared machine wall time mostly measures the neighbours); the
run with workers can only be judged by wall time, shown beside the baseline's wall time.
"""

from __future__ import annotations

import argparse
import ast
import gc
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

VIEW = """\
from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for

from {pkg}.extensions import db
from {pkg}.models.{name} import {Model}
from {pkg}.forms.{name} import {Model}Form

bp = Blueprint("{name}", __name__, url_prefix="/{name}")


"""
VIEW_FN = '''\
@bp.route("/{route}/<int:item_id>", methods=["GET", "POST"])
def {route}(item_id):
    """Show and edit one {name} item ({i})."""
    item = db.get_or_404({Model}, item_id)
    form = {Model}Form(obj=item)
    page = request.args.get("page", 1, type=int)
    if form.validate_on_submit():
        form.populate_obj(item)
        db.session.add(item)
        db.session.commit()
        flash("Saved {route}.")
        return redirect(url_for("{name}.{route}", item_id=item.id, page=page))
    if request.is_json:
        return jsonify(item.to_dict())
    rows = [r for r in item.rows if r.visible and r.score > {i}]
    total = sum(r.score for r in rows) / max(len(rows), 1)
    return render_template("{name}/{route}.html", item=item, form=form, rows=rows, total=total)


'''
MODEL = """\
from datetime import datetime, timezone

from {pkg}.extensions import db


"""
MODEL_CLS = """\
class {Model}{i}(db.Model):
    __tablename__ = "{name}_{i}"
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False, index=True)
    body = db.Column(db.Text, default="")
    score = db.Column(db.Float, default=0.0)
    created = db.Column(db.DateTime, default=lambda: datetime.now(timezone.utc))
    owner_id = db.Column(db.Integer, db.ForeignKey("user.id"))

    def to_dict(self):
        return {{"id": self.id, "title": self.title, "score": self.score}}

    def __repr__(self):
        return f"<{Model}{i} {{self.id}} {{self.title!r}}>"

    @property
    def is_recent(self):
        age = datetime.now(timezone.utc) - self.created
        return age.days < {i} + 7


"""
SERVICE = '''\
"""Helpers for {name}: pure Python, no Flask."""

import itertools
import math
import re
from collections import defaultdict

SLUG = re.compile(r"[^a-z0-9]+")


'''
SERVICE_FN = """\
def summarize_{i}(records, limit={i}):
    groups = defaultdict(list)
    for record in records:
        key = SLUG.sub("-", record["title"].lower()).strip("-")
        groups[key].append(record)
    out = []
    for key, items in itertools.islice(sorted(groups.items()), limit):
        scores = [float(x.get("score", 0)) for x in items]
        mean = sum(scores) / len(scores) if scores else 0.0
        spread = math.sqrt(sum((s - mean) ** 2 for s in scores) / max(len(scores) - 1, 1))
        out.append({{"key": key, "n": len(items), "mean": round(mean, 3), "sd": spread}})
    return sorted(out, key=lambda row: (-row["mean"], row["key"]))


class Cache{i}:
    def __init__(self, size=128):
        self.size = size
        self.data = {{}}

    def get(self, key, default=None):
        return self.data.get(key, default)

    def put(self, key, value):
        if len(self.data) >= self.size:
            self.data.pop(next(iter(self.data)))
        self.data[key] = value


"""


def generate(root: Path, files: int, lines: int, seed: int = 7) -> int:
    """Write the project; returns its total line count."""
    rng = random.Random(seed)
    pkg = "bigapp"
    kinds = ["views", "models", "services"]
    (root / pkg).mkdir(parents=True)
    (root / pkg / "__init__.py").write_text(
        "from flask import Flask\n\n\ndef create_app():\n    app = Flask(__name__)\n"
        "    return app\n"
    )
    (root / pkg / "extensions.py").write_text(
        "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n"
    )
    total = 0
    for n in range(files - 2):
        kind = kinds[n % 3]
        name = f"{kind[:-1]}{n}"
        model = f"Thing{n}"
        folder = root / pkg / kind
        folder.mkdir(exist_ok=True)
        (folder / "__init__.py").touch()
        head, body = {
            "views": (VIEW, VIEW_FN),
            "models": (MODEL, MODEL_CLS),
            "services": (SERVICE, SERVICE_FN),
        }[kind]
        parts = [head.format(pkg=pkg, name=name, Model=model)]
        count = parts[0].count("\n")
        i = 0
        while count < lines * rng.uniform(0.7, 1.3):
            chunk = body.format(pkg=pkg, name=name, Model=model, route=f"item{i}", i=i)
            parts.append(chunk)
            count += chunk.count("\n")
            i += 1
        text = "".join(parts)
        if n % 97 == 0:  # a few real mistakes, as in a real project
            text += '\n@bp.route("/old")\ndef old():\n    return redirect("/legacy")\n'
        (folder / f"{name}.py").write_text(text)
        total += text.count("\n")
    return total


def _clock() -> tuple[float, float]:
    return time.process_time(), time.perf_counter()


def _since(start: tuple[float, float]) -> tuple[float, float]:
    cpu, wall = _clock()
    return cpu - start[0], wall - start[1]


def baseline(paths: list[Path], collect: bool = True) -> tuple[float, float]:
    """Read and parse every file; `collect=False` turns the cycle collector off meanwhile,
    as the scan does (see runner._no_cycle_collection)."""
    if not collect:
        gc.disable()
    start = _clock()
    for path in paths:
        ast.parse(path.read_bytes(), filename=str(path))
    took = _since(start)
    gc.enable()
    return took


def timed_scan(root: Path, jobs: int | None) -> tuple[tuple[float, float], int]:
    from flaskref.scan.options import Options
    from flaskref.scan.runner import scan

    start = _clock()
    report = scan([root], Options(), jobs=jobs)
    return _since(start), len(report.findings)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--lines", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=None, help="workers for the parallel run")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "project"
        lines = generate(root, args.files, args.lines)
        paths = sorted(root.rglob("*.py"))
        baseline(paths)  # warm the page cache and the imports
        timed_scan(root, 1)
        base, bare, one, par = [], [], [], []
        findings = 0
        for _ in range(args.rounds):
            base.append(baseline(paths))
            bare.append(baseline(paths, collect=False))
            elapsed, findings = timed_scan(root, 1)
            one.append(elapsed)
            par.append(timed_scan(root, args.jobs)[0])

    def median(runs, i):
        return statistics.median(r[i] for r in runs)

    b_cpu, b_wall, g_cpu = median(base, 0), median(base, 1), median(bare, 0)
    o_cpu, o_wall, p_wall = median(one, 0), median(one, 1), median(par, 1)
    print(f"project                {len(paths)} files, {lines:,} lines, {findings} findings")
    print(f"cores                  {os.cpu_count()}  (rounds: {args.rounds}, medians)")
    print(f"read + ast.parse       {b_cpu * 1000:8.0f} ms cpu  {b_wall * 1000:8.0f} ms wall")
    print(f"  the same, gc off     {g_cpu * 1000:8.0f} ms cpu")
    print(
        f"scan, 1 process        {o_cpu * 1000:8.0f} ms cpu  {o_cpu / b_cpu:5.2f}x parse, "
        f"{o_cpu / g_cpu:4.2f}x parse with gc off  (target <= 3x)"
    )
    print(f"  wall                 {o_wall * 1000:8.0f} ms wall {o_wall / b_wall:5.2f}x")
    print(f"scan, default jobs     {p_wall * 1000:8.0f} ms wall {p_wall / b_wall:5.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
