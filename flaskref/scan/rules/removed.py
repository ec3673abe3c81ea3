"""removed-api: imports and uses of names the libraries removed (the table in
`removed_table.py`), reported once per name and file, at the import when there is one.

What can be told from source alone: `import m` / `from m import name` of a removed module or
name, `module.name` through an imported module, a removed method on a Flask app or blueprint
(`@app.before_first_request`), a removed keyword of a library function. The send_file keywords
have a rule of their own (send-file-attachment-filename) and are left to it.
"""

from __future__ import annotations

import ast

from flaskref.catalog import library_names
from flaskref.scan.context import FileContext
from flaskref.scan.names import call_name
from flaskref.scan.removed_table import APP_OWNERS, BLUEPRINT_OWNERS, Removal

#: (module prefix, name or "") -> the KB entry explaining that removal; the first match wins,
#: anything else gets the general entry.
ENTRIES = (
    (("werkzeug.security", "safe_str_cmp"), "werkzeug-safe-str-cmp-removed"),
    (("werkzeug.routing", "parse_rule"), "werkzeug-parse-rule-import"),
    (("werkzeug.wrappers", "BaseResponse"), "werkzeug-base-response-removed"),
    (("werkzeug.wrappers", "BaseRequest"), "werkzeug-base-response-removed"),
    (
        ("werkzeug.http", "parse_authorization_header"),
        "werkzeug-parse-authorization-header-removed",
    ),
    (("flask", "safe_join"), "flask-safe-join-removed"),
    (("flask.helpers", "safe_join"), "flask-safe-join-removed"),
    (("wtforms.fields.html5", ""), "wtforms-fields-html5-removed"),
    (("wtforms", ""), "wtforms-textfield-required-removed"),
    (("sqlalchemy.ext.declarative", ""), "sqlalchemy-declarative-base-moved"),
    (("werkzeug.urls", ""), "werkzeug-url-quote-import"),
    (("werkzeug.contrib", ""), "werkzeug-contrib-removed"),
    (("flask.ext", ""), "flask-ext-import"),
    (("flask._compat", ""), "flask-script-removed"),
    (("flask", "escape"), "jinja2-escape-import"),
    (("flask", "Markup"), "jinja2-escape-import"),
    (("flask", "_request_ctx_stack"), "request-ctx-stack-removed"),
    (("flask", "_app_ctx_stack"), "request-ctx-stack-removed"),
    (("flask.json", ""), "flask-json-encoder-removed"),
    (("", "json_encoder"), "flask-json-encoder-removed"),
    (("", "json_decoder"), "flask-json-encoder-removed"),
    (("", "before_first_request"), "before-first-request-removed"),
    (("", "before_app_first_request"), "before-first-request-removed"),
    (("flask.app", ""), "flask-23-removed-app-attributes"),
    (("jinja2", ""), "jinja2-escape-import"),
    (("itsdangerous", ""), "itsdangerous-removed-imports"),
    (("markupsafe", ""), "markupsafe-soft-unicode"),
    (("sqlalchemy", ""), "sqlalchemy-2-engine-execute"),
    (("werkzeug", ""), "werkzeug-top-level-imports-removed"),
)
GENERAL = "removed-api-replacements"
#: Covered by send-file-attachment-filename.
SEND_FILE = frozenset({"send_file", "send_from_directory"})


def entry_for(row: Removal) -> str:
    module = row.module or row.owner
    for (prefix, name), entry in ENTRIES:
        if name and row.name != name:
            continue
        if not prefix or module == prefix or module.startswith(prefix + "."):
            return entry
    return GENERAL


def message(row: Removal) -> str:
    library = library_names().get(row.library, row.library)
    text = f"`{row.dotted}` was removed in {library} {row.removed_in}".rstrip()
    if row.deprecated_in:
        text += f" (deprecated since {row.deprecated_in})"
    if row.replacement:
        # Some changelogs give a name, others a sentence ("Use equivalents in ...").
        sentence = " " in row.replacement.strip() and row.replacement[:1].isupper()
        said = row.replacement.rstrip(".")
        text += f"; {said[:1].lower()}{said[1:]}" if sentence else f"; use {said}"
    return text


class RemovedApi:
    def __init__(self, ctx: FileContext):
        self.ctx = ctx
        self.table = ctx.removed
        self.active = ctx.wants("removed-api") and self.table is not None
        self.reported: set[str] = set()

    def _report(self, node: ast.AST, row: Removal) -> None:
        if row.dotted in self.reported:
            return
        self.reported.add(row.dotted)
        self.ctx.report("removed-api", node, message(row), entry_for(row))

    def visit_Import(self, node: ast.Import) -> None:
        if not self.active:
            return
        for alias in node.names:
            row = self.table.module(alias.name)
            if row is not None:
                self._report(node, row)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if not self.active or node.level:
            return
        module = node.module or ""
        row = self.table.module(module)
        if row is not None:
            self._report(node, row)
            return
        for alias in node.names:
            row = self.table.name(module, alias.name)
            if row is not None:
                self._report(node, row)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if not self.active or node.attr not in self.table.attribute_words:
            return
        ctx = self.ctx
        qualified = ctx.resolve(node)
        if qualified is not None:
            module, _, name = qualified.rpartition(".")
            row = self.table.name(module, name) if module else None
            if row is not None:
                self._report(node, row)
                return
        for row in self.table.attributes.get(node.attr, ()):
            owner = row.owner.rsplit(".", 1)[-1]
            if (owner in APP_OWNERS and ctx.is_app(node.value)) or (
                owner in BLUEPRINT_OWNERS and self._is_blueprint(node.value)
            ):
                self._report(node, row)
                return

    def _is_blueprint(self, node: ast.expr) -> bool:
        if not isinstance(node, ast.Name):
            return False
        binding = self.ctx.lookup(node.id)
        return (
            binding is not None
            and binding.kind == "value"
            and isinstance(binding.value, ast.Call)
            and self.ctx.resolve(binding.value.func)
            in ("flask.Blueprint", "flask.blueprints.Blueprint")
        )

    def visit_Call(self, node: ast.Call) -> None:
        if not self.active or not node.keywords:
            return
        callee = call_name(node)
        if callee in SEND_FILE:
            return
        qualified = self.ctx.resolve(node.func) or ""
        for kw in node.keywords:
            for row in self.table.keywords.get((callee, kw.arg or ""), ()):
                # The call must reach the row's library (`x.run(debug=...)` is not enough).
                if qualified.split(".", 1)[0] == row.module.split(".", 1)[0]:
                    self._report(kw, row)
                    break
