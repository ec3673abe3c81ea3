"""Where the visitor is in a file, and what the names in scope are bound to.

The visitor keeps this up to date as it walks (scopes, imports, guards, app contexts); the
checkers only read it, so each of them sees the same facts at the same node.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from flaskref.scan.files import DEV_WORDS, SourceFile
from flaskref.scan.model import RULES, FileFacts, Finding
from flaskref.scan.names import APP_NAMES, DB_NAMES, Binding, dotted
from flaskref.scan.removed_table import RemovedTable

#: Words that make an `if` test environment- or mode-driven: what it guards is not hard-coded.
ENV_WORDS = DEV_WORDS | frozenset(
    {"environ", "getenv", "env", "environment", "testing", "test", "tests", "mode", "config"}
)


@dataclass
class Scope:
    kind: str  # "module", "class", "function"
    name: str
    node: ast.AST | None = None
    bindings: dict[str, Binding] = field(default_factory=dict)
    #: For a class: the names of its bases as written.
    bases: tuple[str, ...] = ()


class FileContext:
    """One Python file being scanned: its facts, findings and the visitor's position."""

    def __init__(
        self,
        source: SourceFile,
        project: frozenset[str],
        selected: frozenset[str],
        removed: RemovedTable | None = None,
    ):
        self.source = source
        #: The removed-API table (None: the rule has nothing to look up).
        self.removed = removed
        self.module = source.module
        self.is_package = source.path.name == "__init__.py"
        self.project = project
        self.selected = selected
        self.facts = FileFacts(module=source.module)
        self.findings: list[Finding] = []
        self.scopes: list[Scope] = [Scope("module", source.module)]
        #: Depth of `with app.app_context()` / request contexts around the current node, plus
        #: one once `app.app_context().push()` ran at module level.
        self.app_context = 0
        #: Enclosing `if __name__ == "__main__":` blocks.
        self.main_guard = 0
        #: Enclosing `if`s whose test depends on the environment or a dev/test mode, and
        #: functions named for development (`def run_dev():`).
        self.env_guard = 0
        #: Enclosing `if`/`try`/loop bodies: code that may not run, or run more than once.
        self.conditional = 0
        #: Inside `if TYPE_CHECKING:` (imports there do not run).
        self.type_checking = 0
        self.imports_flask = False
        #: Enclosing functions and lambdas (kept by the visitor; 0 at import time).
        self.functions = 0

    # -- position ---------------------------------------------------------------------------

    @property
    def scope(self) -> Scope:
        return self.scopes[-1]

    @property
    def at_import_time(self) -> bool:
        """True outside every function: module level and class bodies run on import."""
        return not self.functions

    @property
    def at_module_level(self) -> bool:
        return len(self.scopes) == 1

    def function(self) -> Scope | None:
        for s in reversed(self.scopes):
            if s.kind == "function":
                return s
        return None

    def in_dev_code(self) -> bool:
        """Development-only: a dev-named file, or under a dev/environment guard."""
        return self.source.is_dev or self.env_guard > 0

    # -- names ------------------------------------------------------------------------------

    def bind(self, name: str, binding: Binding) -> None:
        scope = self.scope
        scope.bindings[name] = binding
        if scope.kind == "module" and name not in self.facts.defined:
            self.facts.defined[name] = binding.line

    def lookup(self, name: str) -> Binding | None:
        """Python's rule: the current scope, enclosing functions, then the module."""
        innermost = True
        for s in reversed(self.scopes):
            if s.kind == "class" and not innermost:
                continue
            innermost = False
            found = s.bindings.get(name)
            if found is not None:
                return found
        return None

    def absolute(self, module: str | None, level: int) -> str:
        """The absolute module of `from <dots><module> import ...` in this file."""
        if not level:
            return module or ""
        base = self.module.split(".")
        if not self.is_package:
            base = base[:-1]
        if level > 1:
            base = base[: len(base) - (level - 1)]
        return ".".join([*base, module] if module else base)

    def resolve(self, node: ast.AST) -> str | None:
        """The qualified name of an imported name or attribute chain: `flask.request.args`."""
        name = dotted(node)
        if name is None:
            return None
        head, _, rest = name.partition(".")
        binding = self.lookup(head)
        if binding is None or binding.kind != "import":
            return None
        return f"{binding.qualified}.{rest}" if rest else binding.qualified

    def is_project(self, qualified: str) -> bool:
        return qualified.split(".", 1)[0] in self.project

    def key(self, node: ast.AST) -> str | None:
        """A name for the object `node` denotes that is the same in every file (see
        `model.Registration`), or None when it cannot be told."""
        if isinstance(node, ast.Name):
            binding = self.lookup(node.id)
            if binding is None:
                return None
            if binding.kind == "import":
                module, _, name = binding.qualified.rpartition(".")
                return f"{module}:{name}" if module and self.is_project(module) else None
            return binding.key or None
        qualified = self.resolve(node)
        if qualified and self.is_project(qualified):
            module, _, name = qualified.rpartition(".")
            return f"{module}:{name}"
        return None

    def binding_key(self, name: str) -> str:
        func = self.function()
        if func is None:
            return f"{self.module}:{name}"
        return f"{self.module}:{func.name}@{getattr(func.node, 'lineno', 0)}:{name}"

    def call_target(self, value: ast.expr | None) -> str | None:
        """For `x = f(...)`: the qualified name of `f`, or its plain dotted name if local."""
        if not isinstance(value, ast.Call):
            return None
        return self.resolve(value.func) or dotted(value.func)

    def _kind_of(self, node: ast.expr, qualified: str, names: frozenset[str]) -> bool | None:
        """Shared by `is_app`/`is_db`: True, False, or None when the binding says nothing."""
        if not isinstance(node, ast.Name):
            return None
        binding = self.lookup(node.id)
        if binding is None or binding.kind in ("param", "other"):
            return node.id in names and (binding is not None or self.imports_flask)
        if binding.kind == "import":
            if binding.qualified == qualified:
                return True
            source, _, imported = binding.qualified.rpartition(".")
            return self.is_project(source) and (node.id in names or imported in names)
        if binding.kind == "value":
            value = binding.value
            if not isinstance(value, ast.Call):
                return False
            imported = self.resolve(value.func)
            if imported == qualified:
                return True
            # A call to something imported from a library that is not the one we want
            # (`Celery()`, `FastAPI()`, `sqlite3.connect()`) is not our object.
            if imported is not None and not self.is_project(imported):
                return False
            return node.id in names
        return False

    def is_app(self, node: ast.expr) -> bool:
        if self.resolve(node) == "flask.current_app":
            return True
        return bool(self._kind_of(node, "flask.Flask", APP_NAMES))

    def is_db(self, node: ast.expr) -> bool:
        return bool(self._kind_of(node, "flask_sqlalchemy.SQLAlchemy", DB_NAMES))

    def literal_text(self, node: ast.expr | None) -> bool:
        """A hard-coded, non-empty string: a literal, an f-string or sum of such, or a name
        bound to one in this file."""
        if isinstance(node, ast.Constant):
            return isinstance(node.value, str | bytes) and len(node.value) > 0
        if isinstance(node, ast.JoinedStr):
            return bool(node.values) and all(
                isinstance(v, ast.Constant)
                or (
                    isinstance(v, ast.FormattedValue)
                    and (isinstance(v.value, ast.Constant) or self.literal_text(v.value))
                )
                for v in node.values
            )
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return self.literal_text(node.left) and self.literal_text(node.right)
        if isinstance(node, ast.Name):
            binding = self.lookup(node.id)
            return (
                binding is not None
                and binding.kind == "value"
                and binding.value is not node
                and isinstance(binding.value, ast.Constant | ast.JoinedStr | ast.BinOp)
                and self.literal_text(binding.value)
            )
        return False

    # -- results ----------------------------------------------------------------------------

    def finding(self, rule: str, node: ast.AST, message: str, entry: str = "") -> Finding:
        return Finding(
            file=self.source.rel,
            line=getattr(node, "lineno", 1),
            column=getattr(node, "col_offset", 0) + 1,
            rule=rule,
            message=message,
            entry=entry or RULES[rule].entry,
        )

    def report(self, rule: str, node: ast.AST, message: str, entry: str = "") -> None:
        if rule in self.selected and (RULES[rule].in_tests or not self.source.is_test):
            self.findings.append(self.finding(rule, node, message, entry))

    def defer(self, into: list[Finding], rule: str, node: ast.AST, message: str, entry: str = ""):
        """A finding the project pass confirms or drops (see `model.FileFacts`)."""
        if self.wants(rule):
            into.append(self.finding(rule, node, message, entry))

    def wants(self, *rules: str) -> bool:
        return any(
            r in self.selected and (RULES[r].in_tests or not self.source.is_test) for r in rules
        )
