"""Build flaskref's table of removed and renamed APIs: `python tools/gen_removed.py`.

For each library in `libraries.py`, the first and last release of every X.Y since the window's
start are fetched from PyPI (cached), their public names diffed with `ast` (see `pyapi.py`,
`apidiff.py`), and a removal found between the first and last release of one X.Y is narrowed
down to the patch release that made it. Each row then gets its deprecation version, replacement
and changelog line from the newest sdist's changelog, falling back on the deprecation warnings
in the code of the releases before the removal.
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import apidiff
import apimodel
import changelog
import deprecations
import pyapi
import releases
from libraries import LIBRARIES, Library, on_surface, write_names
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "flaskref" / "data"


@dataclass
class Row:
    library: str
    module: str
    owner: str
    name: str
    kind: str
    deprecated_in: str
    removed_in: str
    replacement: str
    changelog: str

    def key(self) -> tuple[str, str, str, str]:
        return (self.module, self.owner, self.name, self.kind)


class History:
    """The releases of one library and their snapshots, read on demand.

    `source` provides `releases(project)`, `source_tree(project, release, packages)`,
    `changelog_tree(project, release)` and `cache_dir()`: the `releases` module (PyPI), or in
    the tests a stand-in serving fake releases from a folder.
    """

    def __init__(self, lib: Library, source=releases) -> None:
        self.lib = lib
        self.source = source
        self.groups = releases.by_minor(source.releases(lib.project), lib.since)
        self._snaps: dict[str, apimodel.Snapshot] = {}
        self._by_version = {r.version: r for g in self.groups for r in g}

    def diff(self, old: str, new: str) -> apidiff.Diff:
        lib = self.lib
        surface = (lambda m: on_surface(lib, m)) if lib.surface else None
        return apidiff.diff(self.snapshot(old), self.snapshot(new), lib.private, surface)

    def snapshot(self, version: str) -> apimodel.Snapshot:
        if version not in self._snaps:
            self._snaps[version] = self._read(version)
        return self._snaps[version]

    def _read(self, version: str) -> apimodel.Snapshot:
        """Parse a release, or load the parse cached by an earlier run of the same code."""
        lib = self.lib
        code = b"".join(Path(m.__file__).read_bytes() for m in (pyapi, apimodel, deprecations))
        code += repr((lib.private, lib.skip)).encode()
        tag = hashlib.sha256(code).hexdigest()[:12]
        path = self.source.cache_dir() / "snap" / f"{lib.project}-{version}-{tag}.pickle"
        if path.exists():
            with path.open("rb") as fh:
                return pickle.load(fh)
        root = self.source.source_tree(lib.project, self._by_version[version], lib.packages)
        snap = pyapi.snapshot(root, lib.packages, lib.private, lib.skip)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:
            pickle.dump(snap, fh, protocol=pickle.HIGHEST_PROTOCOL)
        return snap

    def probes(self) -> list[str]:
        out: list[str] = []
        for group in self.groups:
            for rel in (group[0], group[-1]):
                if rel.version not in out:
                    out.append(rel.version)
        return out

    def group_of(self, version: str) -> list[str]:
        key = releases.minor_key(version)
        return next(
            [r.version for r in g] for g in self.groups if releases.minor_key(g[0].version) == key
        )

    def changelog(self) -> Path:
        """The newest sdist's changelog; some sdists ship only `.. include:: ../CHANGES.rst`
        without the file (Jinja2 3.1.4+), then the newest one before them that has it."""
        newest = [r for g in reversed(self.groups) for r in reversed(g)]
        for rel in newest[:8]:
            folder = self.source.changelog_tree(self.lib.project, rel)
            size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
            if size > 2000:
                return folder
        return self.source.changelog_tree(self.lib.project, newest[0])

    def forget(self, keep: set[str]) -> None:
        """Drop parsed snapshots (SQLAlchemy's take tens of MB each)."""
        for v in list(self._snaps):
            if v not in keep:
                del self._snaps[v]


def removals(history: History) -> tuple[dict[apidiff.Removal, str], dict[str, set[str]]]:
    """Every removal in the window and the first release without it."""
    lib = history.lib
    found: dict[apidiff.Removal, str] = {}
    inherits: dict[str, set[str]] = {}
    probes = history.probes()
    for a, b in zip(probes, probes[1:], strict=False):
        d = history.diff(a, b)
        for cls, bases in d.inherits.items():
            inherits.setdefault(cls, set()).update(bases)
        pending = [r for r in d.removals if not (r.name in lib.ignore and r.kind == "name")]
        if releases.minor_key(a) == releases.minor_key(b):
            when = _bisect(history, a, b, pending)
        else:
            when = dict.fromkeys(pending, b)
        # Seen again: it had come back in between (flask.Markup, lost in 2.3.0 by a typo,
        # was served again from 2.3.1 until 3.0), so the later removal is the one that lasts.
        found.update(when)
        history.forget({b, probes[0], probes[-1]})
    # A name that came back is not an error today: keep only what the newest release lacks.
    newest = history.snapshot(probes[-1])
    final = set(history.diff(probes[0], probes[-1]).removals)
    kept = {r: v for r, v in found.items() if r in final or _absent(newest, r)}
    return kept, inherits


def _absent(snap: apimodel.Snapshot, r: apidiff.Removal) -> bool:
    """Whether the newest release still lacks a removal that the window's first release lacked
    already (a row found between two middle releases)."""
    if r.kind == "module":
        return r.module not in snap.modules
    if r.kind == "name":
        return not snap.binds(r.module, r.name)
    if r.kind == "attribute":
        cls = snap.find_class(r.module, r.owner)
        return cls is not None and r.name not in snap.effective_attrs(cls, bound=True)
    return True  # keywords: the function's newest signature was checked by the diff chain


def _bisect(
    history: History, a: str, b: str, pending: list[apidiff.Removal]
) -> dict[apidiff.Removal, str]:
    """The patch release of one X.Y that removed each of `pending` (present in a, gone in b).

    All rows are narrowed down together: one snapshot splits them into those already gone
    and those still there, so the releases read grow with the number of patch releases that
    removed something, not with the number of rows.
    """
    versions = history.group_of(a)
    out: dict[apidiff.Removal, str] = {}

    def split(lo: int, hi: int, rows: list[apidiff.Removal]) -> None:
        if not rows:
            return
        if hi - lo <= 1:
            out.update(dict.fromkeys(rows, versions[hi]))
            return
        mid = (lo + hi) // 2
        gone = set(history.diff(a, versions[mid]).removals)
        history.forget({a, b})
        split(lo, mid, [r for r in rows if r in gone])
        split(mid, hi, [r for r in rows if r not in gone])

    split(versions.index(a), versions.index(b), pending)
    return out


# Removals no diff of names can see: a calling convention that went away. Each is checked by
# hand against the library (see tools/README.md); the changelog line is looked up by `search`.
CURATED = (
    {
        "library": "sqlalchemy",
        "module": "sqlalchemy.sql.expression",
        "owner": "select",
        "name": "select([...])",
        "kind": "call",
        "deprecated_in": "1.4.0",  # 1.4's Select.create_legacy_select warns "legacy calling style"
        "removed_in": "2.0.0",
        "replacement": "Pass the columns as separate arguments: `select(a, b)`, "
        "not `select([a, b])`.",
        "search": "select([cols])",
    },
)


def curated_rows(lib: Library, history: History) -> list[Row]:
    rows = []
    log = None
    for spec in CURATED:
        if spec["library"] != lib.project:
            continue
        log = log if log is not None else changelog.load(history.changelog())
        line = next((it.text for it in log if spec["search"] in it.text), "")
        fields = {k: v for k, v in spec.items() if k != "search"}
        rows.append(Row(**fields, changelog=changelog.excerpt(line, spec["search"])))
    return rows


def build_rows(history: History) -> tuple[list[Row], dict[str, list[str]]]:
    lib = history.lib
    found, inherits = removals(history)
    log = changelog.load(history.changelog())
    rows = []
    for r, removed_in in sorted(found.items(), key=lambda kv: (kv[0].module, kv[0].owner)):
        code_version, hint = _code_deprecation(history, r, removed_in)
        note = changelog.explain(log, r, removed_in, lib.since, prefer=code_version)
        # The code's own warning dates a deprecation best, unless it was there from the
        # window's first release on: then an older changelog entry knows more.
        deprecated_in = note.deprecated_in
        if code_version and _same_minor(code_version, deprecated_in):
            deprecated_in = min(code_version, deprecated_in, key=Version)
        elif code_version and (code_version != history.probes()[0] or not deprecated_in):
            deprecated_in = code_version
        replacement = note.replacement or hint
        rows.append(
            Row(
                library=lib.project,
                module=r.module,
                owner=r.owner,
                name=r.name,
                kind=r.kind,
                deprecated_in=deprecated_in,
                removed_in=removed_in,
                replacement=replacement,
                changelog=note.line,
            )
        )
    rows += curated_rows(lib, history)
    owners = {r.owner for r in rows if r.kind == "attribute"}
    owners |= {r.owner.split(".")[0] for r in rows if r.kind in ("keyword", "positional")}
    tree = {c: sorted(b & owners) for c, b in inherits.items() if b & owners}
    return rows, tree


def _same_minor(a: str, b: str) -> bool:
    """2.2.0 from the changelog and 2.2.5 from the code are one deprecation: keep X.Y.0."""
    if not a or not b:
        return False
    va, vb = Version(a), Version(b)
    return (va.major, va.minor) == (vb.major, vb.minor)


_ALT = deprecations.ALTERNATIVE
_ALIAS = re.compile(r"\balias for ['\"`]?([\w.]+)")
_USE = re.compile(
    r"\b(?:[Uu]se|[Cc]all|[Pp]ass|[Ii]mport)\s+['\"`]?([\w.()=\[\]]+)['\"`]?\s+instead"
)


def _code_deprecation(history: History, r: apidiff.Removal, removed_in: str) -> tuple[str, str]:
    """The first probed release whose deprecation warnings (in the row's module) quote the
    row's name, and the "use X instead" hint they give."""
    name = re.escape(r.name)
    quoted = rf"['\"`.]{name}(?:\(\))?['\"`]"
    if "_" in r.name.strip("_") or re.search(r"[a-z][A-Z]", r.name):
        # A name no sentence contains may go unquoted: "The TextField alias for StringField".
        quoted += rf"|(?<![\w.]){name}(?![\w])"
    quoted = re.compile(quoted)
    owner = r.owner.split(".")[-1] if r.kind in ("keyword", "positional") else ""
    for version in history.probes():
        if Version(version) >= Version(removed_in):
            break
        snap = history.snapshot(version)
        # The row's module, and for a re-exported name the module that defines it (TextField
        # warns in wtforms.fields.simple, users import it from wtforms).
        where = [r.module]
        found = snap.resolve(r.module, r.name) if r.kind == "name" else None
        if found and found[0] != r.module:
            where.append(found[0])
        texts = [t for m in where if m in snap.modules for t in snap.modules[m].deprecations]
        for text in texts:
            if not quoted.search(text) or (owner and owner not in text):
                continue
            if _ALT in text:
                return version, changelog.clean(text.split(_ALT, 1)[1])
            m = _USE.search(text) or _ALIAS.search(text)
            return version, (m.group(1) if m else "")
    return "", ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="PyPI names of the libraries to rebuild")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    import removed_store

    all_rows: list[Row] = []
    tree: dict[str, dict[str, list[str]]] = {}
    for lib in LIBRARIES:
        if not lib.removals or (args.only and lib.project not in args.only):
            continue
        start = time.perf_counter()
        rows, inherits = build_rows(History(lib))
        all_rows += rows
        tree[lib.project] = inherits
        took = time.perf_counter() - start
        print(f"{lib.project:18} {len(rows):5} rows  {took:6.1f} s", flush=True)
    if args.only:  # keep the other libraries' rows from the table on disk
        old_rows, old_tree = removed_store.read(args.out)
        all_rows += [Row(*r) for r in old_rows if r[0] not in args.only]
        tree = {**{k: v for k, v in old_tree.items() if k not in args.only}, **tree}
    removed_store.write(args.out, all_rows, tree)
    write_names(args.out)
    print(f"{len(all_rows)} rows written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
