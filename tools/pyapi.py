"""The public names of one release of a package, read from its source with `ast`.

Nothing is imported: old releases do not import on today's Python. A snapshot records, per
module, the names a user could rely on (what it defines, its `__all__`, a package's re-exports)
and, separately, every name the module binds in any way (imports, star imports, a module
`__getattr__` that still serves deprecated names). A name disappears only when it leaves the
second set: a class that moved but is still imported at its old place is not a removal.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from apimodel import ClassInfo, Function, Module, Snapshot, is_public
from deprecations import announced, call_name, strings

# A package __init__ defining at most this many classes and functions is a facade: what it
# imports from other packages is its API (flask/__init__.py).
_FACADE_MAX_DEFS = 3


def module_name(rel: Path) -> tuple[str, bool]:
    parts = list(rel.with_suffix("").parts)
    is_package = parts[-1] == "__init__"
    if is_package:
        parts = parts[:-1]
    return ".".join(parts), is_package


def snapshot(
    root: Path,
    packages: tuple[str, ...],
    private: frozenset[str] = frozenset(),
    skip: tuple[str, ...] = (),
) -> Snapshot:
    """Read every module of `packages` under `root` (a folder holding the package folders).

    `private` names underscored names and modules that old extensions are known to import, so
    they count as public; modules whose dotted name starts with one of `skip` are left out.
    """
    modules: dict[str, Module] = {}
    for pkg in packages:
        base = root / pkg
        files = sorted(base.rglob("*.py")) if base.is_dir() else []
        if (root / f"{pkg}.py").is_file():
            files.append(root / f"{pkg}.py")
        for path in files:
            name, is_package = module_name(path.relative_to(root))
            if any(name == s or name.startswith(s + ".") for s in skip):
                continue
            hidden = not all(is_public(p, private) or name in private for p in name.split("."))
            try:
                tree = ast.parse(path.read_bytes(), filename=str(path))
            except (SyntaxError, ValueError):
                continue  # Python 2-only files in the oldest releases
            modules[name] = _read_module(name, is_package, tree, private)
            modules[name].hidden = hidden
    _expand_stars(modules)
    return Snapshot(modules)


def _expand_stars(modules: dict[str, Module]) -> None:
    """A package's `from .fields import *` re-exports that module's public names (its
    `__all__` when it has one): `from wtforms import TextField` worked that way."""
    for _ in range(4):  # chains: wtforms -> wtforms.fields -> wtforms.fields.simple
        for mod in modules.values():
            if not mod.is_package:
                continue
            for src in mod.star:
                source = modules.get(src)
                if source is None or not src.startswith(mod.name + "."):
                    continue
                for n in source.public:
                    if n not in mod.public and not n.startswith("_"):
                        mod.public[n] = "name"
                        mod.imports.setdefault(n, (src, n))


def _absolute(module: str, is_package: bool, level: int, target: str | None) -> str:
    if level == 0:
        return target or ""
    parts = module.split(".")
    if not is_package:
        parts = parts[:-1]
    if level > 1:
        parts = parts[: len(parts) - (level - 1)]
    base = ".".join(parts)
    return f"{base}.{target}" if target else base


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _top_level(body: list[ast.stmt]):
    """Statements that run at import time, descending into if/try/with (not TYPE_CHECKING)."""
    for node in body:
        if isinstance(node, ast.If):
            if not _is_type_checking(node.test):
                yield from _top_level(node.body)
            yield from _top_level(node.orelse)
        elif isinstance(node, ast.Try | ast.TryStar):
            yield from _top_level(node.body)
            for handler in node.handlers:
                yield from _top_level(handler.body)
            yield from _top_level(node.orelse)
            yield from _top_level(node.finalbody)
        elif isinstance(node, ast.With):
            yield from _top_level(node.body)
        else:
            yield node


def _targets(node: ast.stmt) -> list[str]:
    names: list[str] = []
    targets: list[ast.expr] = []
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, ast.AnnAssign | ast.AugAssign):
        targets = [node.target]
    for t in targets:
        for sub in ast.walk(t):
            if isinstance(sub, ast.Name):
                names.append(sub.id)
    return names


def _function(node: ast.FunctionDef | ast.AsyncFunctionDef, method: bool) -> Function:
    args = node.args
    posonly, plain = list(args.posonlyargs), list(args.args)
    decorators = {call_name(d) for d in node.decorator_list}
    if method and "staticmethod" not in decorators:  # drop self or cls
        if posonly:
            posonly = posonly[1:]
        elif plain:
            plain = plain[1:]
    return Function(
        [a.arg for a in plain],
        [a.arg for a in args.kwonlyargs],
        len(posonly),
        args.vararg is not None,
        args.kwarg is not None,
    )


def _read_module(name: str, is_package: bool, tree: ast.Module, private: frozenset[str]) -> Module:
    mod = Module(name, is_package)
    dicts: dict[str, ast.Dict] = {}
    dunder_all: list[str] = []
    assigned: set[str] = set()
    reexports: set[str] = set()
    internal: set[str] = set()
    for node in _top_level(tree.body):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            mod.bound.add(node.name)
            if node.name == "__getattr__":
                continue
            if "overload" not in {call_name(d) for d in node.decorator_list}:
                mod.functions[node.name] = _function(node, method=False)
            if is_public(node.name, private):
                mod.public[node.name] = "function"
        elif isinstance(node, ast.ClassDef):
            mod.bound.add(node.name)
            mod.classes[node.name] = _read_class(name, node, private)
            if is_public(node.name, private):
                mod.public[node.name] = "class"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name.split(".")[0]
                mod.bound.add(local)
                mod.imports[local] = (alias.name if alias.asname else local, "")
        elif isinstance(node, ast.ImportFrom):
            src = _absolute(name, is_package, node.level, node.module)
            if src == "__future__":
                continue
            for alias in node.names:
                if alias.name == "*":
                    mod.star.append(src)
                    continue
                local = alias.asname or alias.name
                mod.bound.add(local)
                mod.imports[local] = (src, alias.name)
                reexport = "." not in name or src.startswith(name + ".")
                if is_package and reexport and is_public(local, private):
                    if not local.startswith("__") and f"{src}.{alias.name}" != f"{name}.{local}":
                        top = name.split(".")[0]
                        inside = src.startswith(top + ".") and not src.endswith("._compat")
                        (internal if inside else reexports).add(local)
        else:
            for target in _targets(node):
                mod.bound.add(target)
                if is_public(target, private) and target != "__all__" and not _typevar(node):
                    assigned.add(target)
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict):
                for t in node.targets:
                    if isinstance(t, ast.Name):
                        dicts[t.id] = node.value
            if isinstance(node, ast.Assign | ast.AugAssign) and any(
                isinstance(t, ast.Name) and t.id == "__all__"
                for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
            ):
                dunder_all += strings(node.value)
    # A package re-exports what it imports from its own modules (markupsafe's `soft_unicode`
    # from `._speedups`); what it imports from elsewhere only when it is a facade
    # (flask/__init__.py), not when it is a whole library in one file (Flask-SQLAlchemy 2's
    # `from flask import request`).
    facade = len(mod.classes) + len(mod.functions) <= _FACADE_MAX_DEFS
    for n in internal | (reexports if facade else set()):
        mod.public.setdefault(n, "name")
    # `try: import dotenv / except ImportError: dotenv = None` binds an import, not an API.
    for n in assigned - set(mod.imports):
        mod.public.setdefault(n, "name")
    for n in dunder_all:
        if n in mod.bound or n in mod.imports:
            mod.public.setdefault(n, "name")
    # Werkzeug < 1.0 served most names lazily from the package: `all_by_module` in 0.15,
    # `_DeprecatedImportModule(__name__, {module: [names]}, ...)` in 0.16.
    lazy = [(dicts["all_by_module"], False)] if "all_by_module" in dicts else []
    for node in _top_level(tree.body):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            shim = "Deprecat" in call_name(node.value.func)
            lazy += [(a, shim) for a in node.value.args if isinstance(a, ast.Dict)]
    for table, shim in lazy:
        for key, value in zip(table.keys, table.values, strict=False):
            if not isinstance(value, ast.List | ast.Tuple | ast.Set):
                continue
            src = key.value if isinstance(key, ast.Constant) else ""
            if isinstance(src, str) and src.startswith("."):  # {".urls": ["url_quote"]}
                src = name + src
            for n in strings(value):
                if n.isidentifier():
                    mod.public.setdefault(n, "name")
                    mod.bound.add(n)
                    if shim:
                        mod.deprecations.append(f"'{n}' is deprecated. Use '{src}.{n}' instead.")
    getattr_def = next(
        (
            n
            for n in _top_level(tree.body)
            if isinstance(n, ast.FunctionDef) and n.name == "__getattr__"
        ),
        None,
    )
    if getattr_def is not None:
        served = _getattr_names(getattr_def, dicts)
        # `if name == "BaseQuery": from .query import Query; return Query`: an alias.
        aliases = _getattr_aliases(getattr_def, name, is_package)
        aliases.update(_getattr_map(getattr_def, dicts, name, is_package))
        for alias, target in aliases.items():
            mod.imports.setdefault(alias, target)
        if served:
            mod.bound |= served
            for n in served:  # deprecated names still served: public until they go
                if is_public(n, private):
                    mod.public.setdefault(n, "name")
        else:
            mod.dynamic = True
    mod.deprecations += announced(tree)
    return mod


def _getattr_names(fn: ast.FunctionDef, dicts: dict[str, ast.Dict]) -> set[str]:
    """Names a module `__getattr__(name)` answers: `name == "X"`, `name in (...)`, dict keys."""
    param = fn.args.args[0].arg if fn.args.args else "name"
    names: set[str] = set()
    for node in ast.walk(fn):
        if isinstance(node, ast.Compare) and any(
            isinstance(side, ast.Name) and side.id == param
            for side in [node.left, *node.comparators]
        ):
            for side in [node.left, *node.comparators]:
                names |= {s for s in strings(side) if s.isidentifier()}
        if isinstance(node, ast.Name) and node.id in dicts:
            names |= {s for k in dicts[node.id].keys for s in strings(k) if s.isidentifier()}
    return names


def _getattr_aliases(fn: ast.FunctionDef, module: str, is_package: bool) -> dict:
    """name -> (module, name) for the branches of a module `__getattr__` returning an import."""
    param = fn.args.args[0].arg if fn.args.args else "name"
    out: dict[str, tuple[str, str]] = {}
    for node in ast.walk(fn):
        if not (isinstance(node, ast.If) and isinstance(node.test, ast.Compare)):
            continue
        sides = [node.test.left, *node.test.comparators]
        if not any(isinstance(x, ast.Name) and x.id == param for x in sides):
            continue
        names = [x.value for x in sides if isinstance(x, ast.Constant) and isinstance(x.value, str)]
        imported: dict[str, tuple[str, str]] = {}
        returned = None
        for stmt in ast.walk(ast.Module(body=node.body, type_ignores=[])):
            if isinstance(stmt, ast.ImportFrom):
                src = _absolute(module, is_package, stmt.level, stmt.module)
                for a in stmt.names:
                    imported[a.asname or a.name] = (src, a.name)
            elif isinstance(stmt, ast.Return) and isinstance(stmt.value, ast.Name):
                returned = stmt.value.id
        if returned in imported:
            for n in names:
                out[n] = imported[returned]
    return out


def _getattr_map(fn: ast.FunctionDef, dicts: dict[str, ast.Dict], module: str, is_package: bool):
    """Aliases in a table a module `__getattr__` reads: {"BaseQuery": ".query.Query"}."""
    out: dict[str, tuple[str, str]] = {}
    package = module if is_package else module.rpartition(".")[0]
    used = {n.id for n in ast.walk(fn) if isinstance(n, ast.Name)}
    for table in (dicts[n] for n in used if n in dicts):
        for key, value in zip(table.keys, table.values, strict=False):
            if not (isinstance(key, ast.Constant) and isinstance(value, ast.Constant)):
                continue
            path = value.value
            if isinstance(path, str) and re.fullmatch(r"\.?[\w.]+\.\w+", path):
                target, _, attr = path.rpartition(".")
                target = f"{package}{target}" if target.startswith(".") else target
                out[str(key.value)] = (target, attr)
    return out


def _typevar(node: ast.stmt) -> bool:
    value = getattr(node, "value", None)
    return isinstance(value, ast.Call) and call_name(value.func) in ("TypeVar", "ParamSpec")


def _read_class(module: str, node: ast.ClassDef, private: frozenset[str]) -> ClassInfo:
    bases = [b.value if isinstance(b, ast.Subscript) else b for b in node.bases]
    info = ClassInfo(module, node.name, [ast.unparse(b) for b in bases])
    for item in _top_level(node.body):
        if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
            info.bound.add(item.name)
            if item.name in ("__getattr__", "__getattribute__"):
                info.dynamic = True
            decorators = {call_name(d) for d in item.decorator_list}
            if "overload" not in decorators and not decorators & {"setter", "deleter"}:
                info.methods[item.name] = _function(item, method=True)
            if is_public(item.name, private) and not item.name.startswith("__"):
                info.attrs.add(item.name)
            for sub in ast.walk(item):
                for target in _self_targets(sub):
                    info.bound.add(target)
                    if item.name == "__init__" and is_public(target, private):
                        info.attrs.add(target)
        elif isinstance(item, ast.ClassDef):
            info.bound.add(item.name)
            if is_public(item.name, private):
                info.attrs.add(item.name)
        else:
            for target in _targets(item):
                info.bound.add(target)
                if is_public(target, private) and not target.startswith("__"):
                    info.attrs.add(target)
            if isinstance(item, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "__slots__" for t in item.targets
            ):
                info.bound |= set(strings(item.value))
    return info


def _self_targets(node: ast.AST) -> list[str]:
    targets: list[ast.expr] = []
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, ast.AnnAssign | ast.AugAssign):
        targets = [node.target]
    out = []
    for t in targets:
        for sub in ast.walk(t):
            if (
                isinstance(sub, ast.Attribute)
                and isinstance(sub.value, ast.Name)
                and sub.value.id == "self"
            ):
                out.append(sub.attr)
    return out
