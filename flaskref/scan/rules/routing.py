"""Facts for duplicate-endpoint and blueprint-registered-twice, and which module makes the app.

Views of one blueprint are often spread over several files, so this checker only records each
registration under a key naming the app or blueprint object (see `model.Registration`); the
project pass (`project.py`) finds the clashes. Registrations inside `if`, `try` or loops are left
out: they may be alternatives, or run once.
"""

from __future__ import annotations

import ast

from flaskref.scan.context import FileContext
from flaskref.scan.model import Registration
from flaskref.scan.names import argument, keyword, literal_str
from flaskref.scan.rules.views import route_decorator


class Routing:
    def __init__(self, ctx: FileContext):
        self.ctx = ctx
        self.active = ctx.wants("duplicate-endpoint", "blueprint-registered-twice")

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        ctx = self.ctx
        if not self.active or ctx.conditional:
            return
        item = f"{ctx.binding_key(node.name)}@{node.lineno}"
        for decorator in node.decorator_list:
            call = route_decorator(decorator)
            if call is None:
                continue
            target = ctx.key(call.func.value)
            endpoint = keyword(call, "endpoint")
            label = node.name if endpoint is None else literal_str(endpoint)
            if target is None or not label:
                continue
            ctx.facts.views.append(
                Registration(target, item, node.lineno, node.col_offset + 1, label)
            )

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Call(self, node: ast.Call) -> None:
        ctx = self.ctx
        func = node.func
        if ctx.at_module_level and not ctx.facts.makes_app and ctx.resolve(func) == "flask.Flask":
            ctx.facts.makes_app = True
        if not self.active or ctx.conditional or not isinstance(func, ast.Attribute):
            return
        if func.attr == "register_blueprint":
            self._blueprint(node, func.value)
        elif func.attr == "add_url_rule":
            self._url_rule(node, func.value)

    def _blueprint(self, node: ast.Call, receiver: ast.expr) -> None:
        ctx = self.ctx
        target = ctx.key(receiver)
        blueprint = argument(node, 0, "blueprint")
        item = ctx.key(blueprint) if blueprint is not None else None
        name = keyword(node, "name")
        label = "" if name is None else literal_str(name)
        if target is None or item is None or label is None:
            return
        ctx.facts.blueprints.append(
            Registration(target, item, node.lineno, node.col_offset + 1, label)
        )

    def _url_rule(self, node: ast.Call, receiver: ast.expr) -> None:
        ctx = self.ctx
        target = ctx.key(receiver)
        endpoint = argument(node, 1, "endpoint")
        view = argument(node, 2, "view_func")
        item = None
        if isinstance(view, ast.Name):
            binding = ctx.lookup(view.id)
            if binding is not None and binding.kind == "def":
                item = f"{binding.key}@{binding.line}"
            label = view.id
        elif (
            isinstance(view, ast.Call)
            and isinstance(view.func, ast.Attribute)
            and view.func.attr == "as_view"
            and view.args
        ):
            item = f"{ctx.module}:as_view@{node.lineno}"
            label = literal_str(view.args[0])
        else:
            return
        if endpoint is not None:
            label = literal_str(endpoint)
        if target is None or item is None or not label:
            return
        ctx.facts.views.append(Registration(target, item, node.lineno, node.col_offset + 1, label))
