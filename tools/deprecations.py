"""The deprecations a module announces, as text: for "deprecated in" and "use X instead".

Pallets call `warnings.warn(..., DeprecationWarning)`; SQLAlchemy decorates with
`@util.deprecated("1.4", "...")`, `@util.deprecated_params(name=("1.4", "..."))` or calls
`util.warn_deprecated(...)`.
"""

from __future__ import annotations

import ast
import re

ALTERNATIVE = "Alternative: "
"""Marks SQLAlchemy's `@deprecated(..., alternative="...")` text among the deprecations."""
_VERSION = re.compile(r"\d+(?:\.\d+)*")


def announced(tree: ast.Module) -> list[str]:
    """Literal text of the deprecations a module announces (f-string holes kept as `{x}`).

    Pallets call `warnings.warn(..., DeprecationWarning)`; SQLAlchemy decorates with
    `@util.deprecated("1.4", "...")`, `@util.deprecated_params(name=("1.4", "..."))` or calls
    `util.warn_deprecated(...)`; a decorated function's own name is quoted in front.
    """
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            for dec in node.decorator_list:
                if isinstance(dec, ast.Call) and "deprecat" in call_name(dec).lower():
                    out += [f"'{node.name}' {t}" for t in _call_texts(dec)]
            continue
        if not isinstance(node, ast.Call) or not node.args:
            continue
        fname = call_name(node.func)
        if fname == "warn":
            category = node.args[1] if len(node.args) > 1 else None
            for kw in node.keywords:
                if kw.arg == "category":
                    category = kw.value
            if category is not None and "Deprecat" in ast.unparse(category):
                out += [t for t in [_literal_text(node.args[0])] if t]
        elif "deprecat" in fname.lower() and fname.startswith(("warn", "_warn")):
            out += _call_texts(node)
    return out


def _call_texts(call: ast.Call) -> list[str]:
    """One text for the call's message (and its `alternative=`), one per deprecated parameter."""
    main = [t for a in call.args if (t := _literal_text(a)) and not _VERSION.fullmatch(t)]
    params = []
    for kw in call.keywords:
        for t in strings(kw.value):
            if _VERSION.fullmatch(t):
                continue
            if kw.arg == "alternative":
                main.append(f"{ALTERNATIVE}{t}")
            else:
                params.append(f"'{kw.arg}' {t}")
    return ([" ".join(main)] if main else []) + params


def _literal_text(node: ast.expr) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            v.value if isinstance(v, ast.Constant) else "{" + ast.unparse(v.value) + "}"
            for v in node.values
        )
    if isinstance(node, ast.BinOp):
        return _literal_text(node.left) + _literal_text(node.right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return _literal_text(node.func.value)  # "...".format(...)
    return ""


def strings(node: ast.AST | None) -> list[str]:
    if node is None:
        return []
    return [
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]


def call_name(node: ast.expr) -> str:
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return ""
