"""flaskref.removed on the messages the real installed libraries print for removed APIs."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from packaging.version import Version

from flaskref import messages, removed
from flaskref.entry import TOPICS


def error_of(code: str) -> str:
    """The last line Python prints when `code` fails, run against the installed libraries."""
    proc = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode != 0, proc.stdout
    return proc.stderr.strip().splitlines()[-1]


FLASK_APP = "from flask import Flask\napp = Flask(__name__)\n"
SEND_FILE = FLASK_APP + (
    "import io\nfrom flask import send_file\nwith app.test_request_context():\n"
    "    send_file(io.BytesIO(b'x'), {arg}=1)\n"
)
SQLA_APP = FLASK_APP + textwrap.dedent(
    """\
    from flask_sqlalchemy import SQLAlchemy
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
    db = SQLAlchemy(app)
    class User(db.Model):
        id = db.Column(db.Integer, primary_key=True)
    with app.app_context():
        db.create_all()
        User.query.paginate(1, 20)
    """
)

# (code, library, the removed thing as `Removed.what`, removed in)
CASES = [
    ("from werkzeug.security import safe_str_cmp", "werkzeug", "werkzeug.security.safe_str_cmp", "2.1.0"),
    (SEND_FILE.format(arg="attachment_filename"), "flask", "send_file(attachment_filename=)", "2.2.0"),
    (SEND_FILE.format(arg="cache_timeout"), "flask", "send_file(cache_timeout=)", "2.2.0"),
    (SEND_FILE.format(arg="add_etags"), "flask", "send_file(add_etags=)", "2.2.0"),
    (FLASK_APP + "app.session_cookie_name", "flask", "Flask.session_cookie_name", "2.3.0"),
    (FLASK_APP + "app.send_file_max_age_default", "flask", "Flask.send_file_max_age_default", "2.3.0"),
    (FLASK_APP + "app.use_x_sendfile", "flask", "Flask.use_x_sendfile", "2.3.0"),
    (FLASK_APP + "app.propagate_exceptions", "flask", "Flask.propagate_exceptions", "2.3.0"),
    (FLASK_APP + "app.templates_auto_reload", "flask", "Flask.templates_auto_reload", "2.3.0"),
    (FLASK_APP + "app.json_encoder", "flask", "Flask.json_encoder", "2.3.0"),
    (FLASK_APP + "app.env", "flask", "Flask.env", "2.3.0"),
    (FLASK_APP + "@app.before_first_request\ndef f(): pass", "flask", "Flask.before_first_request", "2.3.0"),
    ("import werkzeug\nwerkzeug.__version__", "werkzeug", "werkzeug.__version__", "3.1.0"),
    ("from flask.helpers import _endpoint_from_view_func", "flask", "flask.helpers._endpoint_from_view_func", "2.0.0"),
    ("from werkzeug.routing import parse_rule", "werkzeug", "werkzeug.routing.parse_rule", "2.2.0"),
    ("from werkzeug.wrappers import BaseResponse", "werkzeug", "werkzeug.wrappers.BaseResponse", "2.1.0"),
    (FLASK_APP + "with app.test_request_context():\n    from flask import request\n    request.is_xhr", "werkzeug", "BaseRequest.is_xhr", "1.0.0"),
    ("from wtforms import TextField", "wtforms", "wtforms.TextField", "3.0.0"),
    ("from flask import _request_ctx_stack", "flask", "flask._request_ctx_stack", "3.0.0"),
    ("import flask\nflask._app_ctx_stack", "flask", "flask._app_ctx_stack", "3.0.0"),
    ("from jinja2 import Markup", "jinja2", "jinja2.Markup", "3.1.0"),
    ("from jinja2 import escape", "jinja2", "jinja2.escape", "3.1.0"),
    ("from markupsafe import soft_unicode", "markupsafe", "markupsafe.soft_unicode", "2.1.0"),
    ("from itsdangerous import TimedJSONWebSignatureSerializer", "itsdangerous", "itsdangerous.TimedJSONWebSignatureSerializer", "2.1.0"),
    ("from flask.json import JSONEncoder", "flask", "flask.json.JSONEncoder", "2.3.0"),
    ("from werkzeug.urls import url_quote", "werkzeug", "werkzeug.urls.url_quote", "3.0.0"),
    ("from werkzeug import url_quote", "werkzeug", "werkzeug.url_quote", "1.0.0"),
    ("from werkzeug import secure_filename", "werkzeug", "werkzeug.secure_filename", "1.0.0"),
    ("from flask import escape", "flask", "flask.escape", "3.0.0"),
    ("from flask import Markup", "flask", "flask.Markup", "3.0.0"),
    ("import werkzeug.contrib.fixers", "werkzeug", "werkzeug.contrib", "1.0.0"),
    ("import sqlalchemy as sa\nsa.create_engine('sqlite://').execute('select 1')", "sqlalchemy", "Engine.execute", "2.0.0"),
    ("import sqlalchemy as sa\nsa.select([sa.table('t', sa.column('a'))])", "sqlalchemy", "select([...])", "2.0.0"),
    (SQLA_APP, "flask-sqlalchemy", "Query.paginate(page=, per_page=, error_out=, max_per_page=)", "3.0.0"),
]  # fmt: skip


@pytest.mark.parametrize("code, library, what, removed_in", CASES, ids=[c[2] for c in CASES])
def test_real_errors_name_their_row(code, library, what, removed_in):
    line = error_of(code)
    rows = removed.find(line)
    assert rows, line
    best = rows[0]
    assert (best.library, best.what, best.removed_in) == (library, what, removed_in), line
    # Flask 3.1's module __getattr__ says only "AttributeError: _app_ctx_stack".
    assert best.match in ("exact", "inherited", "parent") or line.endswith(": _app_ctx_stack")
    # The entry quotes a message that matches what Python printed.
    entry = best.to_entry()
    assert any(messages.matches(t, line) for t in entry.errors), (entry.errors, line)


@pytest.mark.parametrize(
    "code",
    [
        "import myapp_that_does_not_exist",
        "from flask import Flsk",
        "None.id",
        "def index():\n    pass\nindex(user_id=1)",
        FLASK_APP + "app.foo",
        "int('abc')",
        "from sqlalchemy.orm import relationshipp",
        "{}['user']",
    ],
)
def test_ordinary_errors_name_no_row(code):
    assert removed.find(error_of(code)) == []


def test_user_code_and_prose_name_no_row():
    assert removed.find("how do I serve files with send_file and a cache timeout") == []
    assert removed.find("TypeError: create_app() got an unexpected keyword argument 'cfg'") == []
    assert removed.find("AttributeError: 'User' object has no attribute 'execute'") == []


def test_a_removed_row_reads_as_an_entry():
    line = error_of("from werkzeug.security import safe_str_cmp")
    row = removed.find(line)[0]
    entry = row.to_entry()
    assert entry.title == "safe_str_cmp was removed from werkzeug.security in Werkzeug 2.1.0"
    assert entry.topic == "upgrades" and entry.topic in TOPICS
    assert entry.path == ""
    assert "\n" not in entry.fix and "werkzeug<2.1.0" in entry.fix
    assert "## Why" in entry.body and "## Fix" in entry.body
    assert "deprecated in 2.0.0" in entry.body
    assert row.changelog and row.changelog in entry.body
    assert 'pip install "werkzeug<2.1.0"' in entry.body
    assert entry.exceptions[0] == "ImportError"
    assert set(row.fields()) == {"library", "name", "deprecated_in", "removed_in", "replacement"}
    via = row.to_entry(via="flask_login")
    assert "pip install -U flask_login" in via.body and via.fix.startswith("Upgrade flask_login")


def test_every_row_is_well_formed():
    rows = [
        removed.Removed(*raw)
        for letter in "abcdefghijklmnopqrstuvwxyz_"
        for group in removed._load(f"removed/{letter}.json").values()
        for raw in group
    ]
    assert len(rows) > 1000
    libraries = {r.library for r in rows}
    assert {"flask", "werkzeug", "jinja2", "markupsafe", "itsdangerous", "click", "wtforms",
            "flask-wtf", "flask-login", "flask-sqlalchemy", "sqlalchemy"} <= libraries  # fmt: skip
    for r in rows:
        assert r.kind in ("module", "name", "attribute", "keyword", "call"), r
        assert Version(r.removed_in), r
        if r.deprecated_in:
            assert Version(r.deprecated_in) <= Version(r.removed_in), r
        assert "\n" not in r.changelog, r


# Checked by hand against the projects' changelogs (see tools/README.md).
CHANGELOG_FACTS = [
    ("from werkzeug.security import safe_str_cmp", "2.0.0", "hmac"),
    (SEND_FILE.format(arg="attachment_filename"), "2.0.0", "download_name"),
    (SEND_FILE.format(arg="cache_timeout"), "2.0.0", "max_age"),
    ("from markupsafe import soft_unicode", "2.0.0", "soft_str"),
    ("from werkzeug.urls import url_quote", "2.3.0", "urllib.parse.quote"),
    ("from flask.json import JSONEncoder", "2.2.0", ""),
    ("from jinja2 import Markup", "3.0.0", "markupsafe"),
]


@pytest.mark.parametrize("code, deprecated_in, replacement", CHANGELOG_FACTS)
def test_deprecation_and_replacement_come_from_the_changelog(code, deprecated_in, replacement):
    row = removed.find(error_of(code))[0]
    assert row.deprecated_in == deprecated_in
    assert replacement in row.replacement
    assert row.changelog


def test_older_pythons_and_class_attributes():
    # Python 3.7 printed no module; the name alone still finds the rows, as a weaker match.
    rows = removed.find("ImportError: cannot import name 'safe_str_cmp'")
    assert [(r.what, r.match) for r in rows] == [("werkzeug.security.safe_str_cmp", "name")]
    # Python < 3.10 printed no class before the method.
    rows = removed.find("TypeError: send_file() got an unexpected keyword argument 'add_etags'")
    assert [r.what for r in rows] == ["send_file(add_etags=)"]
    # On the class itself.
    line = error_of("from flask import Flask\nFlask.session_cookie_name")
    assert line.startswith("AttributeError: type object 'Flask'")
    assert [r.what for r in removed.find(line)] == ["Flask.session_cookie_name"]
