"""Mistakes inside views: json-dumps-response, redirect-literal-path, request-args-subscript,
send-file-attachment-filename, session-add-without-commit.

A function is a view if a route decorator (`@app.route("/x")`, `@bp.get("/x")`) sits on it, it
is a `MethodView`'s `get`/`post`/..., or `add_url_rule(..., view_func=f)` names it later in the
file; findings that need a view wait until the function (or the file) is done.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from flaskref.scan.context import FileContext
from flaskref.scan.names import argument, call_name, dotted, string_value

ROUTE_METHODS = frozenset({"route", "get", "post", "put", "delete", "patch"})
HTTP_METHODS = frozenset({"get", "post", "put", "delete", "patch", "head", "options"})
VIEW_BASES = frozenset({"flask.views.MethodView", "flask.views.View"})
DUMPS = frozenset({"json.dumps", "flask.json.dumps", "simplejson.dumps", "ujson.dumps"})
REDIRECTS = frozenset({"flask.redirect", "flask.helpers.redirect", "werkzeug.utils.redirect"})
SEND_FILE = frozenset({"flask.send_file", "flask.helpers.send_file"})
SEND_FROM_DIRECTORY = frozenset({"flask.send_from_directory", "flask.helpers.send_from_directory"})
#: Keywords Flask 2.0 renamed and 2.2 removed, with their new names.
RENAMED = {"attachment_filename": "download_name", "cache_timeout": "max_age", "add_etags": "etag"}
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
#: Exceptions whose handler makes a missing query parameter an expected case.
KEY_ERRORS = frozenset({"KeyError", "BadRequestKeyError", "BadRequest", "LookupError", "Exception"})
TEARDOWN = frozenset({"teardown_request", "teardown_appcontext", "after_request"})


def route_decorator(decorator: ast.expr) -> ast.Call | None:
    """`@x.route("/path", ...)` or `@x.get("/path")`: the call, else None."""
    if not (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)):
        return None
    method = decorator.func.attr
    if method not in ROUTE_METHODS or not decorator.args:
        return None
    path = string_value(decorator.args[0])
    if path is None or (method != "route" and not path.startswith("/")):
        return None
    return decorator


@dataclass
class Function:
    node: ast.FunctionDef | ast.AsyncFunctionDef
    is_view: bool
    json_returns: list[ast.AST] = field(default_factory=list)
    adds: list[ast.Call] = field(default_factory=list)
    commits: bool = False
    calls: set[str] = field(default_factory=set)
    checked_args: set[str] = field(default_factory=set)


class Views:
    def __init__(self, ctx: FileContext):
        self.ctx = ctx
        self.stack: list[Function] = []
        self.pending: dict[str, list[Function]] = {}
        self.registered: set[str] = set()
        #: Enclosing `try`s, and how many of them catch a missing key.
        self.tries: list[bool] = []
        self.key_guard = 0
        self.want_json = ctx.wants("json-dumps-response")
        self.want_commit = ctx.wants("session-add-without-commit")

    # -- functions --------------------------------------------------------------------------

    def _is_method_view(self) -> bool:
        scope = self.ctx.scope
        if scope.kind != "class":
            return False
        for base in scope.bases:
            head, _, rest = base.partition(".")
            binding = self.ctx.lookup(head)
            if binding is not None and binding.kind == "import":
                qualified = f"{binding.qualified}.{rest}" if rest else binding.qualified
                if qualified in VIEW_BASES:
                    return True
        return False

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        is_view = any(route_decorator(d) for d in node.decorator_list) or (
            node.name in HTTP_METHODS and self._is_method_view()
        )
        func = Function(node, is_view)
        for d in node.decorator_list:
            target = d.func if isinstance(d, ast.Call) else d
            name = dotted(target)
            if name:
                func.calls.add(name.rsplit(".", 1)[-1])
            if isinstance(target, ast.Attribute) and target.attr in TEARDOWN:
                func.calls.add("<teardown>")
        self.stack.append(func)

    visit_AsyncFunctionDef = visit_FunctionDef

    def leave_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        func = self.stack.pop()
        if func.commits:
            self.ctx.facts.committers.update(f.node.name for f in (*self.stack, func))
            if "<teardown>" in func.calls:
                self.ctx.facts.committers.add("<teardown>")
        if func.is_view or node.name in self.registered:
            self._view_done(func)
        else:
            self.pending.setdefault(node.name, []).append(func)

    leave_AsyncFunctionDef = leave_FunctionDef

    def _view_done(self, func: Function) -> None:
        ctx = self.ctx
        for node in func.json_returns:
            ctx.report(
                "json-dumps-response",
                node,
                "the view returns json.dumps(...), sent as text/html; return the dict "
                "(or jsonify(...)) so Flask sets application/json",
            )
        if func.adds and not func.commits and self.want_commit:
            add = func.adds[0]
            finding = ctx.finding(
                "session-add-without-commit",
                add,
                f"the view `{func.node.name}` adds to db.session but never commits: the change "
                "is thrown away when the request ends; call db.session.commit()",
            )
            ctx.facts.uncommitted.append((finding, frozenset(func.calls)))

    def finish(self) -> None:
        for name in self.registered:
            for func in self.pending.pop(name, []):
                self._view_done(func)

    # -- statements inside functions --------------------------------------------------------

    def visit_Return(self, node: ast.Return) -> None:
        if not self.stack or not self.want_json or node.value is None:
            return
        value = node.value
        if isinstance(value, ast.Tuple) and value.elts:
            rest = value.elts[1:]
            # (body, headers) or (body, status, headers): a Content-Type given, or headers we
            # cannot read, make it the author's choice.
            if any(not isinstance(e, ast.Constant) for e in rest):
                return
            value = value.elts[0]
        if self._is_dumps(value):
            self.stack[-1].json_returns.append(node)

    def _is_dumps(self, value: ast.expr) -> bool:
        ctx = self.ctx
        if isinstance(value, ast.Call):
            return ctx.resolve(value.func) in DUMPS
        if isinstance(value, ast.Name):
            binding = ctx.lookup(value.id)
            func = ctx.function()
            return (
                binding is not None
                and binding.kind == "value"
                and func is not None
                and func.bindings.get(value.id) is binding
                and isinstance(binding.value, ast.Call)
                and ctx.resolve(binding.value.func) in DUMPS
            )
        return False

    def visit_Call(self, node: ast.Call) -> None:
        ctx = self.ctx
        name = call_name(node)
        if self.stack:
            func = self.stack[-1]
            func.calls.add(name)
            if name == "commit" or (name == "begin" and isinstance(node.func, ast.Attribute)):
                func.commits = True
            elif name in ("add", "add_all") and self._db_session(node.func):
                func.adds.append(node)
        if name == "add_url_rule":
            view = argument(node, 2, "view_func")
            if isinstance(view, ast.Name):
                self.registered.add(view.id)
        if name in ("redirect", "send_file", "send_from_directory"):
            qualified = ctx.resolve(node.func)
            if qualified in REDIRECTS:
                self._redirect(node)
            elif qualified in SEND_FILE or qualified in SEND_FROM_DIRECTORY:
                self._send_file(node, qualified in SEND_FROM_DIRECTORY)

    def _db_session(self, func: ast.expr) -> bool:
        """`db.session.add`: an attribute `session` on a Flask-SQLAlchemy object."""
        return (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Attribute)
            and func.value.attr == "session"
            and self.ctx.is_db(func.value.value)
        )

    def _redirect(self, node: ast.Call) -> None:
        location = argument(node, 0, "location")
        text = string_value(location)
        if not text or text.startswith(("//", "#", "?")) or SCHEME.match(text):
            return
        shown = ast.unparse(location) if isinstance(location, ast.JoinedStr) else repr(text)
        self.ctx.report(
            "redirect-literal-path",
            location,
            f"redirect({shown}) hard-codes a URL path; build it with url_for('endpoint') so "
            "it follows the routes, blueprint prefixes and SCRIPT_NAME",
        )

    def _send_file(self, node: ast.Call, from_directory: bool) -> None:
        called = "send_from_directory" if from_directory else "send_file"
        for kw in node.keywords:
            new = RENAMED.get(kw.arg or "")
            if new is None and from_directory and kw.arg == "filename":
                new = "path"
            if new is None:
                continue
            self.ctx.report(
                "send-file-attachment-filename",
                kw,
                f"{called}({kw.arg}=...) was renamed to {new}= in Flask 2.0 and removed in 2.2 "
                f"(TypeError: unexpected keyword argument '{kw.arg}')",
                "send-from-directory-filename-path" if kw.arg == "filename" else "",
            )

    # -- request.args["x"] ------------------------------------------------------------------

    def visit_Try(self, node: ast.Try) -> None:
        guarded = False
        for handler in node.handlers:
            caught = handler.type
            if caught is None:
                guarded = True
                break
            elts = caught.elts if isinstance(caught, ast.Tuple) else [caught]
            if {(dotted(e) or "").rsplit(".", 1)[-1] for e in elts} & KEY_ERRORS:
                guarded = True
                break
        self.tries.append(guarded)
        self.key_guard += guarded

    def leave_Try(self, node: ast.Try) -> None:
        self.key_guard -= self.tries.pop()

    def _request_args(self, node: ast.expr) -> bool:
        return (
            isinstance(node, ast.Attribute)
            and node.attr == "args"
            and self.ctx.resolve(node.value) == "flask.request"
        )

    def visit_Compare(self, node: ast.Compare) -> None:
        if not self.stack:
            return
        for op, right in zip(node.ops, node.comparators, strict=True):
            if isinstance(op, ast.In | ast.NotIn) and self._request_args(right):
                key = string_value(node.left)
                if key is not None:
                    self.stack[-1].checked_args.add(key)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        if not self.stack or self.key_guard or not isinstance(node.ctx, ast.Load):
            return
        if not self._request_args(node.value):
            return
        key = node.slice
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
            return
        if key.value in self.stack[-1].checked_args:
            return
        self.ctx.report(
            "request-args-subscript",
            node,
            f"request.args[{key.value!r}] answers 400 Bad Request when the parameter is "
            f"missing; use request.args.get({key.value!r}, default, type=...)",
        )
