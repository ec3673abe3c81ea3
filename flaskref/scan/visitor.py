"""One walk over a file's syntax tree for every rule.

Checkers declare `visit_<Node>` (called before the node's children) and `leave_<Node>` (after)
methods; the visitor merges them into one table per node type and keeps the `FileContext` up to
date on the way: scopes and bindings, imports, `if __name__ == "__main__"` and
environment-driven `if`s, `with app.app_context()`. Annotations are not walked: nothing a rule
looks for lives there, and skipping them saves time.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from flaskref.scan.context import ENV_WORDS, FileContext, Scope
from flaskref.scan.files import is_dev_name
from flaskref.scan.model import Import
from flaskref.scan.names import Binding, dotted, mentions

CONTEXT_METHODS = frozenset({"app_context", "test_request_context", "request_context"})

_AST = ast.AST


def _is_main_test(test: ast.expr) -> bool:
    """`__name__ == "__main__"` either way round."""
    if not (isinstance(test, ast.Compare) and len(test.comparators) == 1):
        return False
    sides = (test.left, test.comparators[0])
    return any(isinstance(s, ast.Name) and s.id == "__name__" for s in sides) and any(
        isinstance(s, ast.Constant) and s.value == "__main__" for s in sides
    )


def _opens_context(expr: ast.expr) -> bool:
    """`app.app_context()`, `app.test_request_context(...)` and the like."""
    return (
        isinstance(expr, ast.Call)
        and isinstance(expr.func, ast.Attribute)
        and expr.func.attr in CONTEXT_METHODS
    )


#: Fields never walked: expression contexts and operators (nothing to find there), type
#: comments, and annotations (the scopes walk the rest of a signature themselves).
_SKIP_FIELDS = frozenset(
    {"ctx", "op", "ops", "type_comment", "annotation", "returns", "type_ignores", "kind"}
)
_FIELDS: dict[type, tuple[str, ...]] = {}


def _fields(kind: type) -> tuple[str, ...]:
    fields = _FIELDS.get(kind)
    if fields is None:
        fields = _FIELDS[kind] = tuple(f for f in kind._fields if f not in _SKIP_FIELDS)
    return fields


class Visitor:
    def __init__(self, ctx: FileContext, checkers: list[object]):
        self.ctx = ctx
        self.checkers = checkers
        enter: dict[type, list[Callable]] = {}
        leave: dict[type, list[Callable]] = {}
        for checker in checkers:
            for attr in dir(type(checker)):
                if attr.startswith("visit_"):
                    enter.setdefault(getattr(ast, attr[6:]), []).append(getattr(checker, attr))
                elif attr.startswith("leave_"):
                    leave.setdefault(getattr(ast, attr[6:]), []).append(getattr(checker, attr))
        special: dict[type, Callable[[ast.AST], None]] = {
            ast.FunctionDef: self._function,
            ast.AsyncFunctionDef: self._function,
            ast.Lambda: self._lambda,
            ast.ClassDef: self._class,
            ast.Import: self._import,
            ast.ImportFrom: self._import_from,
            ast.Assign: self._assign,
            ast.AnnAssign: self._ann_assign,
            ast.AugAssign: self._aug_assign,
            ast.NamedExpr: self._named_expr,
            ast.With: self._with,
            ast.AsyncWith: self._with,
            ast.If: self._if,
            ast.Try: self._conditional,
            ast.For: self._for,
            ast.AsyncFor: self._for,
            ast.While: self._conditional,
            ast.Expr: self._expr,
        }
        if hasattr(ast, "TryStar"):
            special[ast.TryStar] = self._conditional
        #: Per node type: (handlers before, the visitor's own handling, handlers after). A
        #: type absent here is only walked through, and a leaf type absent here is not even
        #: visited: most nodes are names and constants, so this is where the time goes.
        self.table = {
            kind: (tuple(enter.get(kind, ())), special.get(kind), tuple(leave.get(kind, ())))
            for kind in {*enter, *leave, *special}
        }
        leaves = {ast.Name, ast.Constant, ast.Pass, ast.Break, ast.Continue, ast.alias}
        self.leaves = frozenset(leaves - set(self.table))

    def run(self, tree: ast.Module) -> None:
        self.body(tree.body)
        for checker in self.checkers:
            finish = getattr(checker, "finish", None)
            if finish is not None:
                finish()
        # The table holds this visitor's own bound methods: a cycle that would keep the whole
        # tree alive while the scan runs with the cycle collector off (runner.py).
        self.table = {}
        self.checkers = []

    def statements(self, body: list[ast.stmt]) -> None:
        """The pass for a file no checker can report on: imports and module-level names
        only (for the project pass), statements only, no expressions."""
        ctx = self.ctx
        for node in body:
            kind = node.__class__
            if kind is ast.Import:
                self._import(node)
            elif kind is ast.ImportFrom:
                self._import_from(node)
            elif kind in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef):
                ctx.bind(node.name, Binding("def", line=node.lineno))
                # Imports inside functions matter too (see FileFacts.function_imports).
                is_function = kind is not ast.ClassDef
                ctx.scopes.append(Scope("function" if is_function else "class", node.name, node))
                ctx.functions += is_function
                self.statements(node.body)
                ctx.functions -= is_function
                ctx.scopes.pop()
            elif kind is ast.Assign:
                for target in node.targets:
                    self._bind_target(target, node.value)
            elif kind is ast.AnnAssign and node.value is not None:
                self._bind_target(node.target, node.value)
            elif kind is ast.If:
                if _is_main_test(node.test):
                    continue
                checking = (dotted(node.test) or "").endswith("TYPE_CHECKING")
                ctx.type_checking += checking
                self.statements(node.body)
                ctx.type_checking -= checking
                self.statements(node.orelse)
            elif kind in (ast.Try, ast.With, ast.For, ast.While) or kind.__name__ == "TryStar":
                self.statements(node.body)
                for handler in getattr(node, "handlers", ()):
                    self.statements(handler.body)
                self.statements(getattr(node, "orelse", []))
                self.statements(getattr(node, "finalbody", []))

    # -- traversal --------------------------------------------------------------------------

    def visit(self, node: ast.AST) -> None:
        entry = self.table.get(node.__class__)
        if entry is None:
            self.children(node)
            return
        enter, special, leave = entry
        for handler in enter:
            handler(node)
        if special is None:
            self.children(node)
        else:
            special(node)
        for handler in leave:
            handler(node)

    def children(self, node: ast.AST) -> None:
        visit, leaves = self.visit, self.leaves
        for name in _fields(node.__class__):
            value = getattr(node, name, None)
            if value.__class__ is list:
                for item in value:
                    if item.__class__ not in leaves and isinstance(item, _AST):
                        visit(item)
            elif value.__class__ not in leaves and isinstance(value, _AST):
                visit(value)

    def body(self, nodes: list) -> None:
        for node in nodes:
            self.visit(node)

    def _visit_opt(self, node: ast.AST | None) -> None:
        if node is not None:
            self.visit(node)

    # -- scopes -----------------------------------------------------------------------------

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        ctx = self.ctx
        # Decorators and defaults run when the `def` does, in the enclosing scope.
        self.body(node.decorator_list)
        self._defaults(node.args)
        ctx.bind(node.name, Binding("def", line=node.lineno, key=ctx.binding_key(node.name)))
        scope = Scope("function", node.name, node)
        ctx.scopes.append(scope)
        ctx.functions += 1
        self._params(node.args)
        dev = is_dev_name(node.name)
        ctx.env_guard += dev
        self.body(node.body)
        ctx.env_guard -= dev
        ctx.functions -= 1
        ctx.scopes.pop()

    def _lambda(self, node: ast.Lambda) -> None:
        self._defaults(node.args)
        self.ctx.scopes.append(Scope("function", "<lambda>", node))
        self.ctx.functions += 1
        self._params(node.args)
        self.visit(node.body)
        self.ctx.functions -= 1
        self.ctx.scopes.pop()

    def _defaults(self, args: ast.arguments) -> None:
        self.body(args.defaults)
        for default in args.kw_defaults:
            self._visit_opt(default)

    def _params(self, args: ast.arguments) -> None:
        ctx = self.ctx
        for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg):
            if arg is not None:
                ctx.bind(arg.arg, Binding("param", line=arg.lineno, key=ctx.binding_key(arg.arg)))

    def _class(self, node: ast.ClassDef) -> None:
        ctx = self.ctx
        self.body(node.decorator_list)
        self.body(node.bases)
        self.body(node.keywords)
        bases = tuple(dotted(b) or "" for b in node.bases)
        ctx.scopes.append(Scope("class", node.name, node, bases=bases))
        self.body(node.body)
        ctx.scopes.pop()
        ctx.bind(node.name, Binding("def", line=node.lineno, key=ctx.binding_key(node.name)))

    # -- bindings ---------------------------------------------------------------------------

    def _import(self, node: ast.Import) -> None:
        ctx = self.ctx
        for alias in node.names:
            if alias.asname:
                ctx.bind(alias.asname, Binding("import", qualified=alias.name, line=node.lineno))
            else:
                head = alias.name.split(".", 1)[0]
                ctx.bind(head, Binding("import", qualified=head, line=node.lineno))
            self._note_import(node, alias.name, ())
            if alias.name.split(".", 1)[0] == "flask":
                ctx.imports_flask = True

    def _import_from(self, node: ast.ImportFrom) -> None:
        ctx = self.ctx
        module = ctx.absolute(node.module, node.level)
        if module.split(".", 1)[0] == "flask" or module.startswith("flask_"):
            ctx.imports_flask = True
        names = []
        for alias in node.names:
            if alias.name == "*":
                continue
            names.append(alias.name)
            qualified = f"{module}.{alias.name}" if module else alias.name
            ctx.bind(
                alias.asname or alias.name, Binding("import", qualified=qualified, line=node.lineno)
            )
        self._note_import(node, module, tuple(names))

    def _note_import(self, node: ast.stmt, module: str, names: tuple[str, ...]) -> None:
        ctx = self.ctx
        if module and ctx.functions and ctx.is_project(module):
            imp = Import(node.lineno, 1, module, names)
            if ctx.app_context:
                ctx.facts.context_imports.append(imp)
            else:
                func = ctx.function()
                ctx.facts.function_imports.setdefault(func.name, []).append(imp)
        if (
            ctx.at_module_level
            and not ctx.main_guard
            and not ctx.type_checking
            and module
            and ctx.is_project(module)
        ):
            ctx.facts.imports.append(Import(node.lineno, node.col_offset + 1, module, names))

    def _bind_target(self, target: ast.expr, value: ast.expr | None) -> None:
        ctx = self.ctx
        if isinstance(target, ast.Name):
            kind = "value" if value is not None else "other"
            ctx.bind(
                target.id,
                Binding(kind, value=value, line=target.lineno, key=ctx.binding_key(target.id)),
            )
        elif isinstance(target, ast.Tuple | ast.List):
            for elt in target.elts:
                self._bind_target(elt.value if isinstance(elt, ast.Starred) else elt, None)

    def _assign(self, node: ast.Assign) -> None:
        self.children(node)
        for target in node.targets:
            self._bind_target(target, node.value)

    def _ann_assign(self, node: ast.AnnAssign) -> None:
        self.visit(node.target)
        self._visit_opt(node.value)
        if node.value is not None:
            self._bind_target(node.target, node.value)

    def _aug_assign(self, node: ast.AugAssign) -> None:
        self.children(node)
        self._bind_target(node.target, None)

    def _named_expr(self, node: ast.NamedExpr) -> None:
        self.visit(node.value)
        self._bind_target(node.target, node.value)

    # -- control flow -----------------------------------------------------------------------

    def _with(self, node: ast.With | ast.AsyncWith) -> None:
        ctx = self.ctx
        opened = 0
        for item in node.items:
            self.visit(item.context_expr)
            opened += _opens_context(item.context_expr)
            if item.optional_vars is not None:
                self._bind_target(item.optional_vars, None)
        ctx.app_context += opened
        self.body(node.body)
        ctx.app_context -= opened

    def _if(self, node: ast.If) -> None:
        ctx = self.ctx
        self.visit(node.test)
        if _is_main_test(node.test):
            ctx.main_guard += 1
            self.body(node.body)
            ctx.main_guard -= 1
            ctx.conditional += 1
            self.body(node.orelse)
            ctx.conditional -= 1
            return
        test = node.test
        checking = (dotted(test) or "").endswith("TYPE_CHECKING")
        env = mentions(test, ENV_WORDS)
        ctx.conditional += 1
        ctx.env_guard += env
        ctx.type_checking += checking
        self.body(node.body)
        ctx.type_checking -= checking
        self.body(node.orelse)
        ctx.env_guard -= env
        ctx.conditional -= 1

    def _conditional(self, node: ast.AST) -> None:
        self.ctx.conditional += 1
        self.children(node)
        self.ctx.conditional -= 1

    def _for(self, node: ast.For | ast.AsyncFor) -> None:
        self.visit(node.iter)
        self._bind_target(node.target, None)
        self.ctx.conditional += 1
        self.body(node.body)
        self.body(node.orelse)
        self.ctx.conditional -= 1

    def _expr(self, node: ast.Expr) -> None:
        self.visit(node.value)
        value = node.value
        # `app.app_context().push()` at import time: a context for the rest of the module.
        if (
            self.ctx.at_import_time
            and isinstance(value, ast.Call)
            and isinstance(value.func, ast.Attribute)
            and value.func.attr == "push"
            and _opens_context(value.func.value)
        ):
            self.ctx.app_context += 1
