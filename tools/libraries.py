"""The libraries the generators cover, and what is special about each.

To add a library, add a `Library` here: its PyPI name, its import packages, the first release
of the window to diff (`since`), and any underscored names that real extension code imports
from it (found by searching public code for `from <lib>... import _`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Library:
    project: str
    """PyPI project name, lowercase."""
    packages: tuple[str, ...]
    since: str
    """First release of the window: the removals table diffs consecutive releases from here."""
    display: str
    private: frozenset[str] = frozenset()
    """Underscored names and modules (full dotted) that old extensions import: diffed too."""
    skip: tuple[str, ...] = ()
    """Modules left out (test suites shipped inside the package)."""
    surface: tuple[str, ...] = ()
    """If set, only these modules (and, for a name ending in `.*`, every module below it) are
    checked: a large library's internal modules change in every patch release."""
    ignore: frozenset[str] = frozenset()
    """Module-level names that are machinery, not API (werkzeug 0.15's lazy-import module)."""
    messages: bool = True
    removals: bool = True


# Private names imported by real extension and application code (searched in public code:
# flask-restful/flask-restx `_endpoint_from_view_func`, Flask-Admin and flask-script
# `_request_ctx_stack`/`_app_ctx_stack`, many Python-2-era packages `werkzeug._compat`,
# `flask._compat`, `jinja2._compat`, sqlalchemy-utils `_ColumnEntity`, Flask-Login helpers).
_FLASK_PRIVATE = frozenset(
    {
        "flask._compat",
        "_request_ctx_stack",
        "_app_ctx_stack",
        "_endpoint_from_view_func",
        "_make_timedelta",
        "_sentinel",
        "_tojson_filter",
        "_prepare_send_file_kwargs",
        "_render",
        "_default_template_ctx_processor",
        "_logger_lock",
        "_lookup_req_object",
        "_lookup_app_object",
        "_find_app",
        "_PackageBoundObject",
        "_matching_loader_thinks_module_is_package",
    }
)
_WERKZEUG_PRIVATE = frozenset(
    {
        "werkzeug._compat",
        "werkzeug._internal",
        "_log",
        "_date_to_unix",
        "_encode_idna",
        "_get_environ",
        "_wsgi_decoding_dance",
        "_wsgi_encoding_dance",
        "_to_bytes",
        "_to_unicode",
        "_ColorStreamHandler",
        "_logger",
    }
)

LIBRARIES: tuple[Library, ...] = (
    Library("flask", ("flask",), "1.0", "Flask", _FLASK_PRIVATE),
    Library(
        "werkzeug",
        ("werkzeug",),
        "0.15",
        "Werkzeug",
        _WERKZEUG_PRIVATE,
        ignore=frozenset(
            {
                "all_by_module",
                "attribute_modules",
                "module",
                "new_module",
                "object_origins",
                "old_module",
                "ModuleType",
                "werkzeug",
            }
        ),
    ),  # fmt: skip
    Library("jinja2", ("jinja2",), "2.10", "Jinja2", frozenset({"jinja2._compat"})),
    Library("markupsafe", ("markupsafe",), "1.1", "MarkupSafe", frozenset({"markupsafe._compat"})),
    Library(
        "itsdangerous",
        ("itsdangerous",),
        "1.1",
        "itsdangerous",
        frozenset({"itsdangerous._compat"}),
    ),  # fmt: skip
    Library("click", ("click",), "7.0", "Click", frozenset({"click._compat"})),
    Library("wtforms", ("wtforms",), "2.2", "WTForms"),
    Library("flask-wtf", ("flask_wtf",), "0.14", "Flask-WTF"),
    Library(
        "flask-login",
        ("flask_login",),
        "0.4",
        "Flask-Login",
        frozenset(
            {
                "_get_user",
                "_cookie_digest",
                "_secret_key",
                "_create_identifier",
                "_user_context_processor",
            }
        ),
    ),  # fmt: skip
    Library(
        "flask-sqlalchemy",
        ("flask_sqlalchemy",),
        "2.4",
        "Flask-SQLAlchemy",
        frozenset(
            {"_BoundDeclarativeMeta", "_QueryProperty", "_SessionSignalEvents", "_record_queries"}
        ),
    ),  # fmt: skip
    Library(
        "sqlalchemy",
        ("sqlalchemy",),
        "1.3",
        "SQLAlchemy",
        frozenset({"_ColumnEntity", "_MapperEntity"}),
        skip=("sqlalchemy.testing",),
        surface=(
            "sqlalchemy",
            "sqlalchemy.orm",
            "sqlalchemy.engine",
            "sqlalchemy.sql",
            "sqlalchemy.sql.expression",
            "sqlalchemy.exc",
            "sqlalchemy.types",
            "sqlalchemy.schema",
            "sqlalchemy.pool",
            "sqlalchemy.event",
            "sqlalchemy.inspection",
            "sqlalchemy.orm.exc",
            "sqlalchemy.orm.session",
            "sqlalchemy.orm.query",
            "sqlalchemy.orm.attributes",
            "sqlalchemy.orm.collections",
            "sqlalchemy.orm.properties",
            "sqlalchemy.orm.relationships",
            "sqlalchemy.orm.strategy_options",
            "sqlalchemy.orm.decl_api",
            "sqlalchemy.engine.base",
            "sqlalchemy.engine.result",
            "sqlalchemy.engine.row",
            "sqlalchemy.engine.url",
            "sqlalchemy.engine.reflection",
            "sqlalchemy.engine.default",
            "sqlalchemy.engine.interfaces",
            "sqlalchemy.sql.functions",
            "sqlalchemy.sql.sqltypes",
            "sqlalchemy.sql.elements",
            "sqlalchemy.sql.selectable",
            "sqlalchemy.sql.dml",
            "sqlalchemy.sql.schema",
            "sqlalchemy.sql.operators",
            "sqlalchemy.util",
            "sqlalchemy.ext.*",
            "sqlalchemy.dialects",
            "sqlalchemy.dialects.postgresql",
            "sqlalchemy.dialects.mysql",
            "sqlalchemy.dialects.sqlite",
            "sqlalchemy.dialects.mssql",
            "sqlalchemy.dialects.oracle",
        ),
    ),  # fmt: skip
    Library("flask-migrate", ("flask_migrate",), "2.5", "Flask-Migrate"),
    Library("flask-caching", ("flask_caching",), "1.7", "Flask-Caching"),
    Library("flask-cors", ("flask_cors",), "3.0", "Flask-CORS"),
    Library("alembic", ("alembic",), "1.0", "Alembic", removals=False, skip=("alembic.testing",)),
    Library("gunicorn", ("gunicorn",), "20.0", "gunicorn", removals=False),
)


def on_surface(lib: Library, module: str) -> bool:
    if not lib.surface:
        return True
    for entry in lib.surface:
        if entry.endswith(".*"):
            if module == entry[:-2] or module.startswith(entry[:-1]):
                return True
        elif module == entry:
            return True
    return False


def write_names(out: Path) -> None:
    """flaskref/data/libraries.json: how each project writes its name, for the messages."""
    out.mkdir(parents=True, exist_ok=True)
    names = {lib.project: lib.display for lib in LIBRARIES}
    (out / "libraries.json").write_text(json.dumps(names, indent=1) + "\n", encoding="utf-8")


def by_project(project: str) -> Library:
    for lib in LIBRARIES:
        if lib.project == project:
            return lib
    raise KeyError(project)
