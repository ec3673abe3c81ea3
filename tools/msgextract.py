"""The messages a package can print, read from its source with `ast`.

Finds `raise X("...")`, `warnings.warn("...", W)` (and SQLAlchemy's `util.warn*`), Click's
`self.fail(...)` / `ctx.fail(...)` and `UsageError` / `BadParameter`, Jinja's `parser.fail`,
logger calls at warning level and above (gunicorn reports most trouble that way), and the
text exception classes carry (`description`, `__str__`, `format_message`). Each message
becomes a template (`msgtemplate.py`) with where it is raised: the nearest guarding `if` test
or `except` clause, the function's first docstring line and the source lines around it.
"""

from __future__ import annotations

import ast
import textwrap
from dataclasses import dataclass
from pathlib import Path

from msgtemplate import first_item, node_name, templates

_LOG_LEVELS = frozenset({"warning", "warn", "error", "critical", "exception", "fatal"})
_SUFFIXES = ("Error", "Exception", "Warning", "Exit")
_CONTEXT_LINES = 3
_MAX_SOURCE_LINES = 12


@dataclass
class Message:
    file: str
    line: int
    function: str
    exception: str
    kind: str  # raise | warning | usage | log
    template: str
    condition: str
    doc: str
    source: str


def extract(root: Path, packages: tuple[str, ...], skip: tuple[str, ...] = ()) -> list[Message]:
    """Every message of the packages under `root`; `file` is relative to `root`."""
    out: list[Message] = []
    for pkg in packages:
        base = root / pkg
        files = sorted(base.rglob("*.py")) if base.is_dir() else []
        for path in files:
            rel = path.relative_to(root).as_posix()
            dotted = rel.removesuffix(".py").replace("/", ".")
            if any(dotted == s or dotted.startswith(s + ".") for s in skip):
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            try:
                tree = ast.parse(text)
            except SyntaxError:
                continue
            out += _Extractor(rel, text).run(tree)
    return out


class _Extractor:
    def __init__(self, file: str, text: str) -> None:
        self.file = file
        self.text = text
        self.lines = text.splitlines()
        self.found: list[Message] = []
        self.exceptions: set[str] = set()
        """Exception classes defined so far in the file (NotFound derives from HTTPException)."""

    def run(self, tree: ast.Module) -> list[Message]:
        self._walk(tree.body, [], None, [])
        return self.found

    # -- walking, with the enclosing function and the guards of each statement -------------

    def _walk(
        self,
        body: list[ast.stmt],
        names: list[str],
        func: ast.FunctionDef | ast.AsyncFunctionDef | None,
        guards: list[str],
    ) -> None:
        for node in body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                self._walk(node.body, [*names, node.name], node, [])
            elif isinstance(node, ast.ClassDef):
                bases = {node_name(b) for b in node.bases}
                if (
                    node.name.endswith(_SUFFIXES)
                    or bases & self.exceptions
                    or any(b.endswith(_SUFFIXES) for b in bases)
                ):
                    self.exceptions.add(node.name)
                    self._exception_class(node, [*names, node.name])
                self._walk(node.body, [*names, node.name], func, guards)
            elif isinstance(node, ast.If):
                test = self._source(node.test)
                self._header(node, node.test, names, func, guards)
                self._walk(node.body, names, func, [*guards, test])
                negated = f"not ({test})" if " " in test else f"not {test}"
                self._walk(node.orelse, names, func, [*guards, negated])
            elif isinstance(node, ast.Try | ast.TryStar):
                self._walk(node.body, names, func, guards)
                for handler in node.handlers:
                    caught = self._source(handler.type) if handler.type else "any exception"
                    self._walk(handler.body, names, func, [*guards, f"except {caught}"])
                self._walk(node.orelse, names, func, guards)
                self._walk(node.finalbody, names, func, guards)
            elif isinstance(node, ast.For | ast.AsyncFor | ast.While | ast.With | ast.AsyncWith):
                if isinstance(node, ast.With | ast.AsyncWith):
                    for item in node.items:
                        self._header(node, item.context_expr, names, func, guards)
                else:
                    self._header(
                        node, getattr(node, "iter", None) or node.test, names, func, guards
                    )
                self._walk(node.body, names, func, guards)
                self._walk(getattr(node, "orelse", []), names, func, guards)
            elif isinstance(node, ast.Match):
                for case in node.cases:
                    pattern = f"case {self._source(case.pattern)}"
                    self._walk(case.body, names, func, [*guards, pattern])
            else:
                self._statement(node, names, func, guards)

    def _exception_class(self, node: ast.ClassDef, names: list[str]) -> None:
        """Text an exception class prints without a `raise X("...")`: werkzeug's HTTP errors
        carry a `description`, BuildError builds its message in `__str__`, click's
        BadParameter in `format_message`."""
        for item in node.body:
            if (
                isinstance(item, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "description" for t in item.targets)
                and isinstance(item.value, ast.Constant | ast.JoinedStr)
            ):
                self._add(item, None, item.value, node.name, "raise", names, node, [])
            if isinstance(item, ast.FunctionDef) and item.name in ("__str__", "format_message"):
                for ret in ast.walk(item):
                    if not isinstance(ret, ast.Return) or ret.value is None:
                        continue
                    value = ret.value
                    if node_name(value) == "join" and isinstance(value, ast.Call) and value.args:
                        first = first_item(item, value.args[0], ret.lineno)
                        value = first if first is not None else value
                    self._add(ret, None, value, node.name, "raise", [*names, item.name], item, [])

    def _header(self, stmt: ast.stmt, expr: ast.expr, names, func, guards) -> None:
        """Calls in the test or iterable of a compound statement (its body is walked apart)."""
        for sub in _calls(expr):
            self._call(stmt, sub, names, func, guards)

    def _statement(self, node: ast.stmt, names, func, guards) -> None:
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            call = node.exc
            exc = node_name(call.func)
            arg = _message_arg(call)
            if exc and arg is not None and _looks_like_exception(exc):
                self._add(node, call, arg, exc, "raise", names, func, guards)
            return
        for sub in _calls(node):
            self._call(node, sub, names, func, guards)

    def _call(self, stmt, call: ast.Call, names, func, guards) -> None:
        fname = node_name(call.func)
        owner = node_name(call.func.value) if isinstance(call.func, ast.Attribute) else ""
        if not call.args:
            return
        if fname == "warn" or (fname.startswith("warn") and owner == "util"):
            category = call.args[1] if len(call.args) > 1 else None
            for kw in call.keywords:
                if kw.arg == "category":
                    category = kw.value
            if category is not None:
                exc = node_name(category)
            elif owner == "util" and self.file.startswith("sqlalchemy/"):
                exc = "SADeprecationWarning" if "deprecated" in fname else "SAWarning"
            else:  # alembic's util.warn / util.warn_deprecated
                exc = "DeprecationWarning" if "deprecated" in fname else "UserWarning"
            self._add(stmt, call, call.args[0], exc, "warning", names, func, guards)
        elif fname == "fail" and owner in ("self", "ctx", "parser", "stream"):
            if self.file.startswith("jinja2/"):
                exc = "TemplateSyntaxError"  # Parser.fail
            else:
                exc = "BadParameter" if owner == "self" else "UsageError"  # click
            self._add(stmt, call, call.args[0], exc, "usage", names, func, guards)
        elif fname in _LOG_LEVELS and owner in ("log", "logger", "_logger", "self.log"):
            first = call.args[0]
            if len(call.args) > 1:
                # logging formats lazily: log.error("Connection in use: %s", addr)
                first = ast.BinOp(first, ast.Mod(), ast.Tuple(list(call.args[1:]), ast.Load()))
                ast.copy_location(first, call.args[0])
            self._add(stmt, call, first, f"log.{fname}", "log", names, func, guards)

    def _add(self, stmt, call, arg: ast.expr, exc: str, kind, names, func, guards) -> None:
        scope = func if not isinstance(func, ast.ClassDef) else None
        doc = ""
        if func is not None:
            docstring = ast.get_docstring(func) or ""
            doc = next((ln.strip() for ln in docstring.splitlines() if ln.strip()), "")
        for template in templates(arg, scope, stmt.lineno):
            self.found.append(
                Message(
                    file=self.file,
                    line=stmt.lineno,
                    function=".".join(names) or "<module>",
                    exception=exc,
                    kind=kind,
                    template=template,
                    condition=guards[-1] if guards else "",
                    doc=doc,
                    source=self._around(stmt, func),
                )
            )

    def _source(self, node: ast.AST | None) -> str:
        if node is None:
            return ""
        text = self._segment(node) or ast.unparse(node)
        text = " ".join(text.split())
        return text if len(text) <= 200 else text[:199] + "…"

    def _segment(self, node: ast.AST) -> str:
        """`ast.get_source_segment` without re-splitting the whole file on every call."""
        first, last = getattr(node, "lineno", None), getattr(node, "end_lineno", None)
        if first is None or last is None or last > len(self.lines):
            return ""
        lines = [ln.encode() for ln in self.lines[first - 1 : last]]
        lines[-1] = lines[-1][: node.end_col_offset]
        lines[0] = lines[0][node.col_offset :]
        return b"\n".join(lines).decode(errors="replace")

    def _around(self, stmt: ast.stmt, func) -> str:
        first = max(stmt.lineno - _CONTEXT_LINES, func.lineno if func is not None else 1)
        last = min(stmt.end_lineno or stmt.lineno, first + _MAX_SOURCE_LINES - 1)
        return textwrap.dedent("\n".join(self.lines[first - 1 : last]))


def _calls(node: ast.AST):
    """Calls made by a simple statement (not inside nested functions or lambdas)."""
    stack: list[ast.AST] = [node]
    while stack:
        cur = stack.pop()
        if isinstance(cur, ast.Call):
            yield cur
        for child in ast.iter_child_nodes(cur):
            if not isinstance(child, ast.Lambda | ast.FunctionDef | ast.AsyncFunctionDef):
                stack.append(child)


def _looks_like_exception(name: str) -> bool:
    return name[:1].isupper() or name.endswith(_SUFFIXES)


def _message_arg(call: ast.Call) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg in ("message", "msg", "description"):
            return kw.value
    return call.args[0] if call.args else None
