"""Which files a scan reads, what kind each is, and the module name a Python file imports as.

A project's own code is what counts: virtualenvs, caches, VCS folders and build output are
skipped, as are paths the project excludes. Test files and development-only files are marked,
not dropped, because some rules still apply to them.
"""

from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass
from pathlib import Path

#: Folders never worth reading: third-party code, caches, build output.
SKIP_DIRS = frozenset(
    {
        "__pycache__",
        "node_modules",
        "site-packages",
        "dist-packages",
        "build",
        "dist",
        "venv",
        "env",
        "htmlcov",
    }
)

#: A path component made of these words marks a development-only file (`run_dev.py`,
#: `config/development.py`, `Dockerfile.dev`, `local_settings.py`).
DEV_WORDS = frozenset({"dev", "develop", "development", "local", "debug", "devel", "sandbox"})
_WORDS = re.compile(r"[A-Za-z][a-z0-9]*|[A-Z]+(?![a-z])")


@dataclass(frozen=True)
class SourceFile:
    path: Path
    #: Relative to the scanned root, with `/` separators: what findings print.
    rel: str
    #: "python", "procfile", "dockerfile", "ini", "toml" or "shell" (an entrypoint script; it
    #: counts only when a starter runs it).
    kind: str
    module: str = ""
    is_test: bool = False
    is_dev: bool = False


def words(name: str) -> list[str]:
    """`run_devServer.py` -> ["run", "dev", "server", "py"], lowercased."""
    return [w.lower() for w in _WORDS.findall(name)]


def is_dev_name(name: str) -> bool:
    return any(w in DEV_WORDS for w in words(name))


def kind_of(name: str) -> str | None:
    lower = name.lower()
    if lower.endswith(".py"):
        return "python"
    if lower == "procfile" or lower.startswith("procfile."):
        return "procfile"
    if lower == "dockerfile" or lower.startswith("dockerfile.") or lower.endswith(".dockerfile"):
        return "dockerfile"
    if lower.endswith((".ini", ".conf")) and lower != "setup.cfg":
        return "ini"
    if lower.endswith(".toml"):
        return "toml"
    if lower.endswith(".sh"):
        return "shell"
    return None


def _is_test(parts: tuple[str, ...]) -> bool:
    name = parts[-1]
    if name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py":
        return True
    return any(p in ("tests", "test", "testing") for p in parts[:-1])


def _excluded(rel: str, patterns: tuple[str, ...]) -> bool:
    name = rel.rsplit("/", 1)[-1]
    for pat in patterns:
        pat = pat.rstrip("/")
        if fnmatch.fnmatch(rel, pat) or fnmatch.fnmatch(name, pat):
            return True
        if fnmatch.fnmatch(rel, pat + "/*") or rel.startswith(pat + "/"):
            return True
    return False


def root_of(paths: list[Path]) -> Path:
    """The folder findings are relative to: the common parent of what was asked for."""
    dirs = [p.resolve() if p.is_dir() else p.resolve().parent for p in paths]
    return Path(os.path.commonpath([str(d) for d in dirs]))


def collect(paths: list[Path], root: Path, exclude: tuple[str, ...] = ()) -> list[SourceFile]:
    """Every file to scan under `paths`, sorted, each once.

    A file named on the command line is scanned even if its folder would be skipped, as ruff
    does; `exclude` patterns (fnmatch, against the path relative to `root` or the file name)
    apply to files found by walking.
    """
    found: dict[Path, SourceFile] = {}
    for start in paths:
        start = start.resolve()
        if start.is_file():
            kind = kind_of(start.name)
            if kind:
                found.setdefault(start, _source(start, root, kind))
            continue
        for dirpath, dirnames, filenames in os.walk(start):
            here = Path(dirpath)
            rel_dir = _rel(here, root)
            dirnames[:] = sorted(
                d
                for d in dirnames
                if not d.startswith(".")
                and d not in SKIP_DIRS
                and not d.endswith(".egg-info")
                and not (here / d / "pyvenv.cfg").exists()
                and not (exclude and _excluded(f"{rel_dir}/{d}".lstrip("/"), exclude))
            )
            for name in filenames:
                kind = kind_of(name)
                if kind is None:
                    continue
                path = here / name
                src = _source(path, root, kind)
                if exclude and _excluded(src.rel, exclude):
                    continue
                found.setdefault(path, src)
    files = sorted(found.values(), key=lambda f: f.rel)
    return _with_modules(files)


def _rel(path: Path, root: Path) -> str:
    try:
        rel = path.relative_to(root)
    except ValueError:
        return path.as_posix()
    text = rel.as_posix()
    return "" if text == "." else text


def _source(path: Path, root: Path, kind: str) -> SourceFile:
    rel = _rel(path, root) or path.name
    parts = rel.split("/")
    # `Dockerfile.dev` and `Procfile.local` carry the marker as their suffix; `run_dev.py` in
    # its stem.
    last = parts[-1] if kind != "python" else parts[-1][:-3]
    return SourceFile(
        path=path,
        rel=rel,
        kind=kind,
        is_test=kind == "python" and _is_test(tuple(parts)),
        is_dev=any(is_dev_name(p) for p in [*parts[:-1], last]),
    )


def _with_modules(files: list[SourceFile]) -> list[SourceFile]:
    """Name each Python file as Python would import it.

    The folder above the outermost package (the nearest folder without `__init__.py`) is taken
    as the import root, which is how a project run from its own folder imports itself.
    """
    packages = {f.path.parent for f in files if f.path.name == "__init__.py"}
    out = []
    for f in files:
        if f.kind != "python":
            out.append(f)
            continue
        parts = [] if f.path.name == "__init__.py" else [f.path.stem]
        folder = f.path.parent
        while folder in packages:
            parts.append(folder.name)
            folder = folder.parent
        module = ".".join(reversed(parts))
        out.append(SourceFile(f.path, f.rel, f.kind, module or f.path.stem, f.is_test, f.is_dev))
    return out
