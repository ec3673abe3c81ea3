"""What a name or expression stands for, read from the source alone.

Rules must not fire on a look-alike (`asyncio.run(debug=True)`, a plain SQLAlchemy
`metadata.create_all(engine)`, Django's `redirect`), so calls are matched by the qualified
name their imports give them (`flask.redirect`), and objects by what they were bound to.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

#: Names an app object usually goes by when nothing says what it is (a parameter, a global
#: imported from the project).
APP_NAMES = frozenset({"app", "application", "flask_app", "webapp", "wsgi_app"})
#: Likewise for a Flask-SQLAlchemy object.
DB_NAMES = frozenset({"db", "database"})


@dataclass(frozen=True)
class Binding:
    """What a name was last bound to in a scope."""

    #: "import" (`qualified` holds the dotted target), "value" (`value` is the expression),
    #: "param", "def" or "other" (a loop variable, `with ... as`, unpacking).
    kind: str
    value: ast.expr | None = None
    qualified: str = ""
    line: int = 0
    #: The key naming the object across files (`module:name`); see `model.Registration`.
    key: str = ""


def dotted(node: ast.AST) -> str | None:
    """`a.b.c` for a chain of attributes on a name, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def call_name(node: ast.Call) -> str:
    """The last part of what is called: `x.session.add(...)` -> "add"."""
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def keyword(node: ast.Call, name: str) -> ast.expr | None:
    for kw in node.keywords:
        if kw.arg == name:
            return kw.value
    return None


def argument(node: ast.Call, position: int, name: str) -> ast.expr | None:
    """The argument given by keyword `name` or at `position` (0-based)."""
    value = keyword(node, name)
    if value is not None:
        return value
    if len(node.args) > position and not any(
        isinstance(a, ast.Starred) for a in node.args[: position + 1]
    ):
        return node.args[position]
    return None


def is_true(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def is_false(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is False


def literal_str(node: ast.expr | None) -> str | None:
    """The text of a plain string literal (not an f-string)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def string_value(node: ast.expr | None) -> str | None:
    """The text of a string literal, or of an f-string's leading literal part."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr) and node.values:
        first = node.values[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            return first.value
        return ""
    return None


def mentions(node: ast.AST, words: frozenset[str]) -> bool:
    """Whether an expression names one of `words` (as a name, attribute or string part)."""
    from flaskref.scan.files import words as split

    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            text = sub.id
        elif isinstance(sub, ast.Attribute):
            text = sub.attr
        elif isinstance(sub, ast.Constant) and isinstance(sub.value, str):
            text = sub.value
        else:
            continue
        if any(w in words for w in split(text)):
            return True
    return False
