"""The messages a package can print, read from its source with `ast`.

Finds `raise X("...")`, `warnings.warn("...", W)` (and SQLAlchemy's `util.warn*`), Click's
`self.fail(...)` / `ctx.fail(...)` and `UsageError` / `BadParameter`, and logger calls at
warning level and above (gunicorn reports most trouble that way). The message expression
becomes a template in `flaskref.messages` syntax: literal text with `{placeholders}` for
whatever is computed (f-string holes, `%s`, `.format` fields, concatenated values), literal
braces doubled. A message built in a variable just before the raise (`msg = f"..."`,
`msg += "..."`) is followed back to its assignment.
"""

from __future__ import annotations

import ast
import re
import string
import textwrap
from dataclasses import dataclass
from pathlib import Path

_PERCENT = re.compile(
    r"%(?:\((\w+)\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?([diouxXeEfFgGcrsa%])"
)
_PLACEHOLDER = re.compile(r"(?<!\{)\{\w+\}(?!\})")
_LOG_LEVELS = frozenset({"warning", "warn", "error", "critical", "exception", "fatal"})
_GETTEXT = frozenset({"_", "gettext", "ngettext", "_l", "lazy_gettext", "dedent", "str"})
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
                bases = {_name(b) for b in node.bases}
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
                    if _name(value) == "join" and isinstance(value, ast.Call) and value.args:
                        first = _first_item(item, value.args[0], ret.lineno)
                        value = first if first is not None else value
                    self._add(ret, None, value, node.name, "raise", [*names, item.name], item, [])

    def _header(self, stmt: ast.stmt, expr: ast.expr, names, func, guards) -> None:
        """Calls in the test or iterable of a compound statement (its body is walked apart)."""
        for sub in _calls(expr):
            self._call(stmt, sub, names, func, guards)

    def _statement(self, node: ast.stmt, names, func, guards) -> None:
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            call = node.exc
            exc = _name(call.func)
            arg = _message_arg(call)
            if exc and arg is not None and _looks_like_exception(exc):
                self._add(node, call, arg, exc, "raise", names, func, guards)
            return
        for sub in _calls(node):
            self._call(node, sub, names, func, guards)

    def _call(self, stmt, call: ast.Call, names, func, guards) -> None:
        fname = _name(call.func)
        owner = _name(call.func.value) if isinstance(call.func, ast.Attribute) else ""
        if not call.args:
            return
        if fname == "warn" or (fname.startswith("warn") and owner == "util"):
            category = call.args[1] if len(call.args) > 1 else None
            for kw in call.keywords:
                if kw.arg == "category":
                    category = kw.value
            if category is not None:
                exc = _name(category)
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
        for template in _templates(arg, scope, stmt.lineno):
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


def _first_item(func, node: ast.expr, before: int) -> ast.expr | None:
    """The first piece of a message built as a list: `message = [f"..."]` ... `"".join(message)`."""
    if isinstance(node, ast.Name):
        for value in _assignment(func, node.id, before)[:1]:
            if isinstance(value, ast.List) and value.elts:
                return value.elts[0]
    return None


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


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        if isinstance(node.value, ast.Name) and node.value.id == "self" and node.attr == "log":
            return "self.log"
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return ""


def _looks_like_exception(name: str) -> bool:
    return name[:1].isupper() or name.endswith(_SUFFIXES)


def _message_arg(call: ast.Call) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg in ("message", "msg", "description"):
            return kw.value
    return call.args[0] if call.args else None


# -- message expressions to templates --------------------------------------------------------


def _escape(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def _hole(node: ast.AST | None) -> str:
    """A placeholder named after the expression it stands for."""
    while isinstance(node, ast.Call | ast.Subscript | ast.Starred):
        node = node.func if isinstance(node, ast.Call) else node.value
    name = ""
    if isinstance(node, ast.Attribute):
        name = node.attr
    elif isinstance(node, ast.Name):
        name = node.id
    name = re.sub(r"\W", "_", name).strip("_") or "value"
    return "{" + (name if name[0].isalpha() else f"v{name}") + "}"


def _templates(node: ast.expr, func, before: int) -> list[str]:
    """The message's templates: one, or one per branch that set the variable it is built in
    (`if name is None: message = [...] else: message = [...]`, then `" ".join(message)`)."""
    var = node
    if isinstance(node, ast.Call) and _name(node.func) == "join" and node.args:
        var = node.args[0]
    earlier = []
    if isinstance(var, ast.Name) and func is not None:
        table = _assignments(func).get(var.id, ())
        plain = sorted((line, v) for line, kind, v in table if kind == "=" and line < before)
        earlier = [v for _, v in plain[:-1]]  # the last one is followed by _parts itself
    out = []
    for value in earlier:
        if var is not node:  # a list joined later: its first piece
            value = value.elts[0] if isinstance(value, ast.List) and value.elts else None
        text = _template(value, func, value.lineno) if value is not None else None
        if text:
            out.append(text)
    text = _template(node, func, before)
    return out + ([text] if text else [])


def _template(node: ast.expr, func, before: int) -> str | None:
    parts = _parts(node, func, before, 0)
    if parts is None:
        return None
    text = "".join(parts).strip()
    text = re.sub(
        r"(?<!\{)(\{\w+\})(?:\s*\{\w+\}(?!\}))+", r"\1", text
    )  # adjacent holes say no more
    return text or None


def _parts(node: ast.expr, func, before: int, depth: int) -> list[str] | None:
    if depth > 8:
        return [_hole(node)]
    if isinstance(node, ast.Constant):
        return [_escape(node.value)] if isinstance(node.value, str) else [_hole(node)]
    if isinstance(node, ast.JoinedStr):
        out = []
        for v in node.values:
            if isinstance(v, ast.Constant):
                out.append(_escape(str(v.value)))
            else:
                out.append(_hole(v.value))  # type: ignore[attr-defined]
        return out
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left = _parts(node.left, func, before, depth + 1)
        right = _parts(node.right, func, before, depth + 1)
        return None if left is None or right is None else left + right
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        fmt = _parts(node.left, func, before, depth + 1)
        joined = "".join(fmt or [])
        if fmt is None or _PLACEHOLDER.search(joined):
            return [_hole(node)]  # holes already in the format string: too clever to follow
        values = node.right.elts if isinstance(node.right, ast.Tuple) else [node.right]
        return [_percent(_unescape(joined), values)]
    if isinstance(node, ast.Call):
        fname = _name(node.func)
        if fname == "format" and isinstance(node.func, ast.Attribute):
            base = _parts(node.func.value, func, before, depth + 1)
            if base is None or len(base) != 1:
                return [_hole(node)]
            return [_format(_unescape(base[0]), node)]
        if fname in _GETTEXT and node.args:
            return _parts(node.args[0], func, before, depth + 1)
        if fname == "join" and isinstance(node.func, ast.Attribute):
            # message = ["Unexpected end of template."]; message.append(...); " ".join(message):
            # the first piece is the message's fixed start.
            first = _first_item(func, node.args[0], before) if node.args and func else None
            if first is not None:
                return _parts(first, func, before, depth + 1)
            return [_hole(node.args[0] if node.args else node)]
        return [_hole(node)]
    if isinstance(node, ast.Name) and func is not None:
        assigned = _assignment(func, node.id, before)
        if assigned:
            out: list[str] = []
            for value in assigned:
                got = _parts(value, func, value.lineno, depth + 1)
                if got is None:
                    return [_hole(node)]
                out += got
            return out
    return [_hole(node)]


def _unescape(text: str) -> str:
    return text.replace("{{", "{").replace("}}", "}")


def _percent(fmt: str, values: list[ast.expr]) -> str:
    out, pos, i = [], 0, 0
    for m in _PERCENT.finditer(fmt):
        out.append(_escape(fmt[pos : m.start()]))
        if m.group(2) == "%":
            out.append("%")
        elif m.group(1):
            out.append("{" + m.group(1) + "}")
        else:
            out.append(_hole(values[i] if i < len(values) else None))
            i += 1
        pos = m.end()
    out.append(_escape(fmt[pos:]))
    return "".join(out)


def _format(fmt: str, call: ast.Call) -> str:
    out, auto = [], 0
    try:
        fields = list(string.Formatter().parse(fmt))
    except ValueError:
        return _escape(fmt)
    keywords = {kw.arg: kw.value for kw in call.keywords if kw.arg}
    for literal, field, _spec, _conv in fields:
        out.append(_escape(literal))
        if field is None:
            continue
        key = field.split(".")[0].split("[")[0]
        if key == "":
            value = call.args[auto] if auto < len(call.args) else None
            auto += 1
            out.append(_hole(value))
        elif key.isdigit():
            idx = int(key)
            out.append(_hole(call.args[idx] if idx < len(call.args) else None))
        else:
            out.append(_hole(keywords[key]) if key in keywords else "{" + key + "}")
    return "".join(out)


def _assignment(func, name: str, before: int) -> list[ast.expr]:
    """The value(s) a local variable was last given before a line: `msg = ...` then any
    `msg += ...` after it, in the same function."""
    table = _assignments(func)
    plain = [(line, v) for line, kind, v in table.get(name, ()) if kind == "=" and line < before]
    if not plain:
        return []
    start, value = max(plain, key=lambda p: p[0])
    extra = [v for line, kind, v in table[name] if kind == "+=" and start < line < before]
    return [value, *extra]


def _assignments(func) -> dict[str, list[tuple[int, str, ast.expr]]]:
    """name -> [(line, "=" or "+=", value)] for the simple assignments in a function (cached
    on the node: SQLAlchemy's long functions are asked many times)."""
    cached = getattr(func, "_flaskref_assigns", None)
    if cached is not None:
        return cached
    table: dict[str, list[tuple[int, str, ast.expr]]] = {}
    for node in ast.walk(func):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value, kind = node.targets[0], node.value, "="
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value, kind = node.target, node.value, "="
        elif isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Add):
            target, value, kind = node.target, node.value, "+="
        else:
            continue
        if isinstance(target, ast.Name):
            table.setdefault(target.id, []).append((node.lineno, kind, value))
    func._flaskref_assigns = table
    return table
