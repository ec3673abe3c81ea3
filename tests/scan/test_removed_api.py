"""removed-api, against a small table written in tmp_path in the schema of flaskref/removed.py
(`library, module, owner, name, kind, deprecated_in, removed_in, replacement, changelog`)."""

import json

import pytest

from flaskref.removed import FIELDS as REMOVED_FIELDS
from flaskref.scan.model import RULES
from flaskref.scan.options import Options
from flaskref.scan.removed_table import RemovedTable
from flaskref.scan.runner import scan

from .conftest import marked, write

ROWS = [
    (
        "Werkzeug",
        "werkzeug.urls",
        "werkzeug.urls",
        "url_quote",
        "name",
        "2.3.0",
        "3.0.0",
        "urllib.parse.quote",
    ),
    ("Werkzeug", "werkzeug.contrib", "", "", "module", "0.15.0", "1.0.0", "werkzeug.middleware"),
    (
        "Werkzeug",
        "werkzeug",
        "werkzeug",
        "secure_filename",
        "name",
        "",
        "1.0.0",
        "werkzeug.utils.secure_filename",
    ),
    ("Flask", "flask", "flask", "escape", "name", "2.3.0", "3.0.0", "markupsafe.escape"),
    ("Flask", "flask", "flask", "Markup", "name", "2.3.0", "3.0.0", "markupsafe.Markup"),
    (
        "Flask",
        "flask.app",
        "flask.app.Flask",
        "before_first_request",
        "attribute",
        "2.2.0",
        "2.3.0",
        "",
    ),
    (
        "Flask",
        "flask.blueprints",
        "flask.blueprints.Blueprint",
        "before_app_first_request",
        "attribute",
        "2.2.0",
        "2.3.0",
        "",
    ),
    ("Flask", "flask.json", "flask.json.dumps", "encoding", "keyword", "2.0.0", "2.1.0", ""),
    (
        "Flask-SQLAlchemy",
        "flask_sqlalchemy",
        "flask_sqlalchemy",
        "_QueryProperty",
        "name",
        "",
        "3.0.0",
        "",
    ),
]
#: The rows above give every field of the shipped table but the changelog.
FIELDS = REMOVED_FIELDS[:-1]


@pytest.fixture
def table(tmp_path):
    path = tmp_path / "removed.json"
    path.write_text(json.dumps([dict(zip(FIELDS, row, strict=True)) for row in ROWS]))
    return RemovedTable.from_rows(json.loads(path.read_text()))


@pytest.fixture
def run(tmp_path, table):
    def go(files, removed=table):
        root = tmp_path / "proj"
        write(root, files)
        return scan([root], Options(frozenset(RULES), removed=removed)).findings

    return go


def test_imports_of_removed_names_and_modules(run):
    files = {
        "app.py": """
            from werkzeug.urls import url_quote  # <-
            import werkzeug.contrib.fixers  # <-
            from werkzeug import secure_filename  # <-
            from flask import Flask, escape, Markup  # <-
        """
    }
    found = run(files)
    assert sorted({(f.file, f.line) for f in found}) == marked(files)
    by_name = {f.message.split("`")[1]: f for f in found}
    assert set(by_name) == {
        "werkzeug.urls.url_quote",
        "werkzeug.contrib",
        "werkzeug.secure_filename",
        "flask.escape",
        "flask.Markup",
    }
    quote = by_name["werkzeug.urls.url_quote"]
    assert quote.message == (
        "`werkzeug.urls.url_quote` was removed in Werkzeug 3.0.0 (deprecated since 2.3.0); "
        "use urllib.parse.quote"
    )
    assert quote.entry == "werkzeug-url-quote-import"
    assert by_name["werkzeug.contrib"].entry == "werkzeug-contrib-removed"
    assert by_name["werkzeug.secure_filename"].entry == "werkzeug-top-level-imports-removed"
    assert by_name["flask.escape"].entry == "jinja2-escape-import"


def test_uses_through_the_module_once_per_file(run):
    files = {
        "views.py": """
            import flask
            from flask import Blueprint, json

            app = flask.Flask(__name__)
            bp = Blueprint("bp", __name__)
            SAFE = flask.escape("<b>")  # <-
            AGAIN = flask.escape("<i>")

            @app.before_first_request  # <-
            def setup():
                pass

            @bp.before_app_first_request  # <-
            def setup_bp():
                pass

            def dump(data):
                return json.dumps(data, encoding="utf-8")  # <-
        """
    }
    found = run(files)
    assert sorted((f.file, f.line) for f in found) == marked(files)
    assert {f.entry for f in found if "first_request" in f.message} == {
        "before-first-request-removed"
    }
    assert [f.entry for f in found if "_QueryProperty" in f.message] == []


def test_general_entry_for_removals_without_one_of_their_own(run):
    found = run({"m.py": "from flask_sqlalchemy import _QueryProperty\n"})
    assert [(f.rule, f.entry) for f in found] == [("removed-api", "removed-api-replacements")]


def test_removed_api_look_alikes(run):
    files = {
        "myproj/__init__.py": "",
        "myproj/urls.py": "def url_quote(x):\n    return x\n",
        "app.py": """
            import json
            from flask import Flask
            from werkzeug.utils import secure_filename
            from myproj.urls import url_quote
            from .local import escape

            app = Flask(__name__)

            @app.before_request
            def before():
                pass

            class Hooks:
                def before_first_request(self):
                    pass

            hooks = Hooks()
            hooks.before_first_request()
            print(json.dumps({}, encoding="x"), secure_filename("a"), url_quote("b"))
        """,
    }
    assert run(files) == []


def test_test_files_count_and_an_empty_table_is_silent(run):
    files = {"tests/test_x.py": "from werkzeug.urls import url_quote\n"}
    assert [f.file for f in run(files)] == ["tests/test_x.py"]
    assert run(files, removed=RemovedTable()) == []


def test_the_shipped_table_finds_constructor_keywords_and_reads_sentences(run):
    """The generated table (flaskref/removed.py) files a constructor's keywords under
    `Class.__init__` and gives some replacements as sentences."""
    from flaskref.scan.removed_table import default_table

    files = {
        "app.py": """
            from click.testing import CliRunner
            from flask import Flask
            from werkzeug.middleware.proxy_fix import ProxyFix
            from werkzeug.security import safe_str_cmp  # <-
            from flask.ext.sqlalchemy import SQLAlchemy  # <-
            from flask_wtf import FlaskForm, Form

            app = Flask(__name__)
            app.wsgi_app = ProxyFix(app.wsgi_app, num_proxies=1)  # <-
            app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1)
            runner = CliRunner(mix_stderr=False)  # <-
        """
    }
    found = run(files, removed=default_table())
    assert sorted({(f.file, f.line) for f in found}) == marked(files)
    by_name = {f.message.split("`")[1]: f for f in found}
    assert by_name["werkzeug.security.safe_str_cmp"].entry == "werkzeug-safe-str-cmp-removed"
    # Removals older than the generated table's releases are added; flask_wtf.Form is still
    # importable (WTForms' own Form since Flask-WTF 1.0), so it is no removal.
    assert by_name["flask.ext"].entry == "flask-ext-import"
    # "Use equivalents in ..." reads as a clause of the message, not "use Use ...".
    assert "; use equivalents in `hashlib`" in by_name["werkzeug.security.safe_str_cmp"].message
