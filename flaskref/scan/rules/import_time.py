"""context-at-import and create-all-at-import: code that needs an app context, run on import.

Module level, class bodies, decorators and default arguments all run when the module is
imported, before any app context exists; a `with app.app_context():` block or an earlier
`app.app_context().push()` provides one.
"""

from __future__ import annotations

import ast

from flaskref.scan.context import FileContext
from flaskref.scan.names import call_name

#: The proxies, and the entry explaining each.
PROXIES = {
    "current_app": "working-outside-app-context",
    "g": "working-outside-app-context",
    "request": "working-outside-request-context",
    "session": "working-outside-request-context",
}


class ImportTime:
    def __init__(self, ctx: FileContext):
        self.ctx = ctx
        # Alembic's env.py (Flask-Migrate) runs inside an app context that `flask db` pushes.
        alembic = ctx.source.path.name == "env.py" and (
            (ctx.source.path.parent / "script.py.mako").exists()
            or ctx.source.path.parent.name in ("migrations", "alembic")
        )
        self.context = ctx.wants("context-at-import") and not alembic
        self.create_all = ctx.wants("create-all-at-import")

    def _proxy(self, node: ast.expr) -> str | None:
        qualified = self.ctx.resolve(node)
        if qualified is None:
            return None
        module, _, name = qualified.rpartition(".")
        if module in ("flask", "flask.globals") and name in PROXIES:
            return name
        return None

    def _check(self, node: ast.Attribute | ast.Subscript, shown: str) -> None:
        ctx = self.ctx
        if not self.context or not ctx.at_import_time or ctx.app_context:
            return
        name = self._proxy(node.value)
        if name is None:
            return
        what = "application" if PROXIES[name].endswith("app-context") else "request"
        ctx.defer(
            ctx.facts.import_time,
            "context-at-import",
            node,
            f"`{name}{shown}` runs at import time, when there is no {what} context "
            f"(RuntimeError: Working outside of {what} context); move it into a function",
            PROXIES[name],
        )

    def visit_Attribute(self, node: ast.Attribute) -> None:
        self._check(node, f".{node.attr}")

    def visit_Subscript(self, node: ast.Subscript) -> None:
        self._check(node, "[...]")

    def visit_Call(self, node: ast.Call) -> None:
        ctx = self.ctx
        if ctx.app_context and ctx.functions:
            ctx.facts.context_calls.add(call_name(node))
        if not self.create_all or not ctx.at_import_time or ctx.app_context:
            return
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr == "create_all"):
            return
        # A positional argument is plain SQLAlchemy's `metadata.create_all(engine)`.
        if node.args or not ctx.is_db(func.value):
            return
        if any(kw.arg == "app" for kw in node.keywords):
            message = (
                "db.create_all(app=...) was removed in Flask-SQLAlchemy 3.0; call "
                "db.create_all() inside `with app.app_context():`"
            )
        else:
            message = (
                "db.create_all() at import time has no app context (RuntimeError: Working "
                "outside of application context); call it inside `with app.app_context():`"
            )
        ctx.defer(ctx.facts.import_time, "create-all-at-import", node, message)
