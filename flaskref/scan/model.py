"""What a scan produces: findings, the rules that make them, and per-file results.

Everything here is a plain frozen dataclass or tuple so that a file's result can cross a
process boundary (the pool pickles it) and the project pass can combine results it did not see
being made.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Finding:
    """One mistake at one place; `entry` is the KB entry that explains it."""

    file: str
    line: int
    column: int
    rule: str
    message: str
    entry: str


@dataclass(frozen=True)
class Rule:
    id: str
    entry: str
    summary: str
    #: Whether the rule also looks at test files (tests are not app code for most rules).
    in_tests: bool = False


RULES: dict[str, Rule] = {
    r.id: r
    for r in (
        Rule(
            "debug-enabled",
            "debug-mode-in-production",
            "debug mode hard-coded on where the app runs in production",
        ),
        Rule(
            "hardcoded-secret-key",
            "secret-key-generate",
            "SECRET_KEY set to a literal in app code",
        ),
        Rule(
            "insecure-session-cookie",
            "session-cookie-secure",
            "SESSION_COOKIE_SECURE or SESSION_COOKIE_HTTPONLY turned off for production",
        ),
        Rule(
            "context-at-import",
            "working-outside-app-context",
            "current_app, g, request or session used at import time",
        ),
        Rule(
            "create-all-at-import",
            "create-all-no-tables",
            "db.create_all() at module level outside an app context",
        ),
        Rule(
            "circular-import",
            "circular-import-partially-initialized",
            "app module and views/models import each other before the names exist",
        ),
        Rule(
            "json-dumps-response",
            "return-json-dumps",
            "a view returns json.dumps(...) instead of a dict or jsonify",
        ),
        Rule(
            "redirect-literal-path",
            "redirect-use-url-for",
            "redirect() to a hard-coded local path instead of url_for",
        ),
        Rule(
            "request-args-subscript",
            "request-args-query-params",
            'request.args["x"] where request.args.get("x", default, type=...) is meant',
        ),
        Rule(
            "duplicate-endpoint",
            "view-function-mapping-overwriting",
            "two view functions with the same endpoint on one app or blueprint",
        ),
        Rule(
            "blueprint-registered-twice",
            "blueprint-name-already-registered",
            "the same blueprint registered twice on one app without name=",
        ),
        Rule(
            "removed-api",
            "removed-api-replacements",
            "an import or use of a name the libraries have removed",
            in_tests=True,
        ),
        Rule(
            "dev-server-in-production",
            "development-server-warning",
            "the development server started by the production entry (Procfile, Dockerfile)",
        ),
        Rule(
            "send-file-attachment-filename",
            "send-file-attachment-filename-removed",
            "send_file/send_from_directory keywords removed in Flask 2.2",
            in_tests=True,
        ),
        Rule(
            "session-add-without-commit",
            "commit-changes-not-saved",
            "a view adds to db.session and never commits",
        ),
    )
}


@dataclass(frozen=True)
class Import:
    """A module-level import of a project module, for the circular-import pass."""

    line: int
    column: int
    #: The module imported from (absolute, dotted).
    module: str
    #: Names taken from it (`from m import a, b`); empty for `import m`.
    names: tuple[str, ...]


@dataclass(frozen=True)
class Registration:
    """A view or blueprint registered on an app/blueprint object, for the project pass.

    `target` and `item` identify objects across files: `module:name` for a module-level name
    (an imported name is keyed by the module that defines it), `module:function:name` for a
    local one, so the same variable name in two factories is two objects.
    """

    target: str
    item: str
    line: int
    column: int
    #: The endpoint for a view; the `name=` (or "") for a blueprint registration.
    label: str


@dataclass(frozen=True)
class Command:
    """One simple command that a starter file (Procfile, Dockerfile, ...) runs."""

    file: str
    line: int
    argv: tuple[str, ...]
    #: The Procfile process type (`web`, `worker`), the supervisor program, or "".
    process: str = ""
    is_dev: bool = False


@dataclass
class FileFacts:
    """What one file tells the project pass (filled in by the checkers)."""

    module: str = ""
    #: Module-level imports of other modules (not inside functions or `if TYPE_CHECKING`).
    imports: list[Import] = field(default_factory=list)
    #: Module-level names and the line that first binds them.
    defined: dict[str, int] = field(default_factory=dict)
    #: The module creates a Flask app at module level.
    makes_app: bool = False
    #: The module starts the development server when run as a script (`app.run()`).
    runs_dev_server: bool = False
    views: list[Registration] = field(default_factory=list)
    blueprints: list[Registration] = field(default_factory=list)
    #: Names of functions whose bodies call `.commit()` (or begin a committing transaction).
    committers: set[str] = field(default_factory=set)
    #: Findings that hold only if no function they call is a committer, keyed by called names.
    uncommitted: list[tuple[Finding, frozenset[str]]] = field(default_factory=list)
    #: Import-time findings, dropped if the project imports this module inside an app context.
    import_time: list[Finding] = field(default_factory=list)
    #: Project modules imported inside `with app.app_context():` (the factory's late imports).
    context_imports: list[Import] = field(default_factory=list)
    #: Functions called inside an app context, and the project imports each function makes:
    #: `with app.app_context(): init_views(app)` imports what `init_views` imports in context.
    context_calls: set[str] = field(default_factory=set)
    function_imports: dict[str, list[Import]] = field(default_factory=dict)
    #: Settings in a base or default config class, dropped if the project loads its config from
    #: a file or the environment afterwards (`from_pyfile`, `from_envvar`, ...).
    defaults: list[Finding] = field(default_factory=list)
    loads_config: bool = False


@dataclass
class FileResult:
    rel: str
    findings: list[Finding] = field(default_factory=list)
    facts: FileFacts = field(default_factory=FileFacts)
    #: Why the file was skipped (it does not parse, cannot be read), or "".
    error: str = ""
    #: For a starter file: the commands it runs.
    commands: list[Command] = field(default_factory=list)
    #: Lines holding `# flaskref: ignore[...]`, and the rules each ignores ("*" for all).
    ignores: dict[int, frozenset[str]] = field(default_factory=dict)
