"""debug-enabled, hardcoded-secret-key, insecure-session-cookie: settings that must not reach
production.

A setting can be written many ways: `app.config["DEBUG"] = True`, `app.debug = True`,
`app.config.update(DEBUG=True)` or `.update({"DEBUG": True})`, `from_mapping(...)`, a
`DEBUG = True` line in a config class or a config module, `app.run(debug=True)`. All of them
become one `Setting` and one decision. Development-only places do not count: a dev-named file,
class or function, an `if` that depends on the environment or a mode; and a config class counts
only if a non-development leaf class inherits the value unchanged.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from flaskref.scan.context import FileContext
from flaskref.scan.files import is_dev_name, words
from flaskref.scan.names import argument, dotted, is_false, is_true, keyword

KEYS = frozenset({"DEBUG", "SECRET_KEY", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY"})
ATTRIBUTES = {"debug": "DEBUG", "secret_key": "SECRET_KEY"}
UPDATE_METHODS = frozenset({"update", "from_mapping", "setdefault"})
#: Loading config from a file or the environment after a literal: the literal is a default
#: for development (the Flask tutorial's `from_mapping(SECRET_KEY="dev")` then `from_pyfile`).
OVERRIDES = frozenset({"from_pyfile", "from_envvar", "from_prefixed_env", "from_file"})
CONFIG_WORDS = frozenset({"config", "configs", "configuration", "settings", "conf", "cfg"})
PROD_WORDS = frozenset({"prod", "production", "live", "deploy", "deployment", "release", "prd"})
TEST_WORDS = frozenset({"test", "tests", "testing", "ci"})


@dataclass
class Setting:
    key: str
    value: ast.expr
    node: ast.AST


@dataclass
class ConfigClass:
    name: str
    bases: tuple[str, ...]
    node: ast.ClassDef
    settings: dict[str, Setting]


def _dev_class(name: str) -> bool:
    return is_dev_name(name) or any(w in TEST_WORDS for w in words(name))


class AppConfig:
    def __init__(self, ctx: FileContext):
        self.ctx = ctx
        self.active = ctx.wants("debug-enabled", "hardcoded-secret-key", "insecure-session-cookie")
        stem_words = set(words(ctx.source.rel.rsplit(".", 1)[0]))
        self.config_module = bool(stem_words & (CONFIG_WORDS | PROD_WORDS))
        self.prod_module = bool(stem_words & PROD_WORDS)
        self.classes: list[ConfigClass] = []
        self.module_settings: list[Setting] = []
        self.from_object_self = False
        #: Secret-key findings per function (or module), dropped if that scope also loads
        #: config from a file or the environment.
        self.secrets: dict[int, list[Setting]] = {}
        self.overridden: set[int] = set()

    # -- collecting -------------------------------------------------------------------------

    def visit_Assign(self, node: ast.Assign) -> None:
        if not self.active:
            return
        ctx = self.ctx
        for target in node.targets:
            if isinstance(target, ast.Name) and target.id in KEYS and ctx.at_import_time:
                setting = Setting(target.id, node.value, node)
                scope = ctx.scope
                if scope.kind == "class":
                    self._class_setting(scope, setting)
                elif not ctx.env_guard:
                    self.module_settings.append(setting)
            elif isinstance(target, ast.Subscript) and self._is_config(target.value):
                key = target.slice
                if isinstance(key, ast.Constant) and key.value in KEYS:
                    self._app_setting(Setting(key.value, node.value, node))
            elif (
                isinstance(target, ast.Attribute)
                and target.attr in ATTRIBUTES
                and ctx.is_app(target.value)
            ):
                self._app_setting(Setting(ATTRIBUTES[target.attr], node.value, node))

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if not isinstance(func, ast.Attribute):
            return
        if func.attr == "run":
            self._run(node)
            return
        if not self.active:
            return
        if func.attr in OVERRIDES and self._is_config(func.value):
            self.overridden.add(self._scope_id())
            self.ctx.facts.loads_config = True
        elif func.attr == "from_object" and self._is_config(func.value):
            arg = argument(node, 0, "obj")
            if isinstance(arg, ast.Name) and arg.id == "__name__":
                self.from_object_self = True
        elif func.attr in UPDATE_METHODS and self._is_config(func.value):
            if func.attr == "setdefault" and len(node.args) == 2:
                key = node.args[0]
                if isinstance(key, ast.Constant) and key.value in KEYS:
                    self._app_setting(Setting(key.value, node.args[1], node))
                return
            for kw in node.keywords:
                if kw.arg in KEYS:
                    self._app_setting(Setting(kw.arg, kw.value, kw.value))
            for arg in node.args:
                for key, value in self._mapping_items(arg):
                    self._app_setting(Setting(key, value, value))

    def _mapping_items(self, arg: ast.expr):
        if isinstance(arg, ast.Dict):
            for k, v in zip(arg.keys, arg.values, strict=True):
                if isinstance(k, ast.Constant) and k.value in KEYS:
                    yield k.value, v
        elif isinstance(arg, ast.Call) and dotted(arg.func) == "dict":
            for kw in arg.keywords:
                if kw.arg in KEYS:
                    yield kw.arg, kw.value

    def _is_config(self, node: ast.expr) -> bool:
        """`app.config`, `current_app.config`, or a name bound to one of them."""
        if isinstance(node, ast.Attribute) and node.attr == "config":
            return self.ctx.is_app(node.value)
        if isinstance(node, ast.Name):
            binding = self.ctx.lookup(node.id)
            return (
                binding is not None
                and binding.kind == "value"
                and isinstance(binding.value, ast.Attribute)
                and binding.value.attr == "config"
                and self.ctx.is_app(binding.value.value)
            )
        return False

    def _scope_id(self) -> int:
        func = self.ctx.function()
        return id(func.node) if func is not None else 0

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        if self.active and self.ctx.at_import_time:
            bases = tuple((dotted(b) or "").rsplit(".", 1)[-1] for b in node.bases)
            self.classes.append(ConfigClass(node.name, bases, node, {}))

    def _class_setting(self, scope, setting: Setting) -> None:
        for cls in reversed(self.classes):
            if cls.node is scope.node:
                cls.settings[setting.key] = setting
                return

    # -- deciding ---------------------------------------------------------------------------

    def _value_problem(self, setting: Setting) -> tuple[str, str, str] | None:
        """(rule, message, entry) when the value itself is the mistake."""
        key, value = setting.key, setting.value
        if key == "DEBUG" and (is_true(value) or self._bound_true(value)):
            return "debug-enabled", "DEBUG = True", ""
        if key == "SECRET_KEY" and self.ctx.literal_text(value):
            return "hardcoded-secret-key", "SECRET_KEY", ""
        if key.startswith("SESSION_COOKIE_") and is_false(value):
            entry = "session-cookie-secure" if key.endswith("SECURE") else ""
            entry = entry or "session-cookie-httponly-samesite"
            return "insecure-session-cookie", f"{key} = False", entry
        return None

    def _bound_true(self, value: ast.expr) -> bool:
        if not isinstance(value, ast.Name):
            return False
        binding = self.ctx.lookup(value.id)
        return binding is not None and binding.kind == "value" and is_true(binding.value)

    def _app_setting(self, setting: Setting) -> None:
        """A setting made on the app object at run time (module level or in a factory)."""
        ctx = self.ctx
        if ctx.in_dev_code():
            return
        problem = self._value_problem(setting)
        if problem is None:
            return
        rule, what, entry = problem
        if rule == "hardcoded-secret-key":
            self.secrets.setdefault(self._scope_id(), []).append(setting)
            return
        ctx.report(rule, setting.node, self._message(rule, what, "set on the app"), entry)

    def _run(self, node: ast.Call) -> None:
        """`app.run(debug=True)`, `app.run(host, port, True)`, `socketio.run(app, debug=True)`."""
        ctx = self.ctx
        receiver = node.func.value
        if ctx.is_app(receiver):
            debug = argument(node, 2, "debug")
            ctx.facts.runs_dev_server = True
        elif ctx.call_target(self._bound(receiver)) == "flask_socketio.SocketIO":
            debug = keyword(node, "debug")
        else:
            return
        if not (is_true(debug) or self._bound_true(debug)) or ctx.in_dev_code():
            return
        # Reported even when production serves the module with a WSGI server and its
        # `__main__` block never runs there: the flag stays one `python app.py` away from a
        # server, and only a development-only file may carry it.
        ctx.report(
            "debug-enabled",
            debug,
            "app.run(debug=True) starts the Werkzeug debugger, which runs any code a visitor "
            "types; take debug from the environment or `flask run --debug`",
        )

    def _bound(self, node: ast.expr) -> ast.expr | None:
        if isinstance(node, ast.Name):
            binding = self.ctx.lookup(node.id)
            if binding is not None and binding.kind == "value":
                return binding.value
        return None

    @staticmethod
    def _message(rule: str, what: str, where: str) -> str:
        if rule == "debug-enabled":
            return f"{what} {where}: debug mode in production exposes the Werkzeug debugger"
        if rule == "hardcoded-secret-key":
            return (
                f"{what} {where} is a literal: anyone with the source can sign sessions; "
                "read it from the environment or an instance file"
            )
        return f"{what} {where}: the session cookie loses its protection in production"

    def finish(self) -> None:
        if not self.active:
            return
        ctx = self.ctx
        for scope, settings in self.secrets.items():
            if scope in self.overridden:
                continue
            for s in settings:
                rule, what, entry = self._value_problem(s)
                ctx.report(rule, s.node, self._message(rule, what, "set on the app"), entry)
        if not ctx.source.is_dev and (self.config_module or self.from_object_self):
            prod = self.prod_module
            for s in self.module_settings:
                problem = self._value_problem(s)
                if problem:
                    rule, what, entry = problem
                    message = self._message(rule, what, "in a config module")
                    if prod:
                        ctx.report(rule, s.node, message, entry)
                    else:
                        ctx.defer(ctx.facts.defaults, rule, s.node, message, entry)
        self._finish_classes()

    def _finish_classes(self) -> None:
        ctx = self.ctx
        if ctx.source.is_dev:
            return
        # Config classes: named so, in a config module, or deriving from one.
        configs: list[ConfigClass] = []
        names: set[str] = set()
        for c in self.classes:
            if (
                self.config_module
                or set(words(c.name)) & CONFIG_WORDS
                or any(b in names for b in c.bases)
            ):
                configs.append(c)
                names.add(c.name)
        by_name = {c.name: c for c in configs}
        children: dict[str, list[ConfigClass]] = {}
        for c in configs:
            for base in c.bases:
                if base in by_name:
                    children.setdefault(base, []).append(c)

        def leaves(cls: ConfigClass, key: str):
            """Leaf classes that inherit `key` from `cls` without setting it again."""
            kids = children.get(cls.name, [])
            if not kids:
                yield cls
            for kid in kids:
                if key not in kid.settings:
                    yield from leaves(kid, key)

        for cls in configs:
            if _dev_class(cls.name):
                continue
            for s in cls.settings.values():
                problem = self._value_problem(s)
                if problem is None:
                    continue
                reached = [leaf for leaf in leaves(cls, s.key) if not _dev_class(leaf.name)]
                if not reached:
                    continue
                rule, what, entry = problem
                names = ", ".join(dict.fromkeys(leaf.name for leaf in reached))
                where = f"in {cls.name}" + (f" (used by {names})" if names != cls.name else "")
                message = self._message(rule, what, where)
                if set(words(cls.name)) & PROD_WORDS:
                    ctx.report(rule, s.node, message, entry)
                else:
                    # A base or default class: a config file loaded later may replace it.
                    ctx.defer(ctx.facts.defaults, rule, s.node, message, entry)
