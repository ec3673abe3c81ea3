"""A message expression as a template in `flaskref.messages` syntax.

Literal text is kept with its braces doubled; whatever the code computes becomes a
`{placeholder}` named after the expression: f-string holes, `%s` / `%(name)s`, `.format`
fields, concatenated values, gettext wrappers unwrapped. A variable is followed back to its
assignments in the function (`msg = f"..."` then `msg += "..."`), and a message built as a
list (`message = ["Unexpected end of template."]` ... `" ".join(message)`) gives its first
piece; a variable set differently in several branches gives one template per branch.
"""

from __future__ import annotations

import ast
import re
import string

_PERCENT = re.compile(
    r"%(?:\((\w+)\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?([diouxXeEfFgGcrsa%])"
)
_PLACEHOLDER = re.compile(r"(?<!\{)\{\w+\}(?!\})")
_GETTEXT = frozenset({"_", "gettext", "ngettext", "_l", "lazy_gettext", "dedent", "str"})


def node_name(node: ast.AST) -> str:
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        if isinstance(node.value, ast.Name) and node.value.id == "self" and node.attr == "log":
            return "self.log"
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return ""


def first_item(func, node: ast.expr, before: int) -> ast.expr | None:
    """The first piece of a message built as a list: `message = [f"..."]` ... `"".join(message)`."""
    if isinstance(node, ast.Name):
        for value in _assignment(func, node.id, before)[:1]:
            if isinstance(value, ast.List) and value.elts:
                return value.elts[0]
    return None


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


def templates(node: ast.expr, func, before: int) -> list[str]:
    """The message's templates: one, or one per branch that set the variable it is built in
    (`if name is None: message = [...] else: message = [...]`, then `" ".join(message)`)."""
    var = node
    if isinstance(node, ast.Call) and node_name(node.func) == "join" and node.args:
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
        fname = node_name(node.func)
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
            first = first_item(func, node.args[0], before) if node.args and func else None
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
