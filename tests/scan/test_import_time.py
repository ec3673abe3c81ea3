"""context-at-import and create-all-at-import."""

import pytest

from .conftest import hits, marked


@pytest.mark.parametrize(
    "code",
    [
        "from flask import current_app\nLOG = current_app.logger  # <-",
        "from flask import current_app as app\nNAME = app.name  # <-",
        "import flask\nURL = flask.request.url  # <-",
        "from flask import g\ng.db = None  # <-",
        "from flask import session\nUSER = session['user']  # <-",
        "from flask import request\nclass Form:\n    page = request.args.get('page')  # <-",
        "from flask import current_app\ndef f(cfg=current_app.config):  # <-\n    pass",
        "from flask import request\n@cache(key=request.path)  # <-\ndef f():\n    pass",
        "from flask import current_app\nPAGES = [p for p in current_app.config['PAGES']]  # <-",
        "from flask import current_app\nif __name__ == '__main__':\n    print(current_app.name)  # <-",
    ],
)
def test_proxies_at_import_time(project, code):
    files = {"views.py": code + "\n"}
    report = project(files, {"context-at-import"})
    assert hits(report) == marked(files)


def test_entry_follows_the_proxy(project):
    code = "from flask import current_app, request\nA = current_app.name\nB = request.url\n"
    report = project({"m.py": code}, {"context-at-import"})
    assert [f.entry for f in report.findings] == [
        "working-outside-app-context",
        "working-outside-request-context",
    ]


@pytest.mark.parametrize(
    "code",
    [
        # Inside functions, lambdas and views the proxy is only touched at request time.
        "from flask import current_app\ndef f():\n    return current_app.config['X']",
        "from flask import current_app\nget = lambda: current_app.config['X']",
        "from flask import request\nclass V:\n    def get(self):\n        return request.args",
        # Inside a context.
        "from flask import Flask, current_app\napp = Flask(__name__)\n"
        "with app.app_context():\n    print(current_app.name)",
        "from flask import Flask, request\napp = Flask(__name__)\n"
        "with app.test_request_context('/'):\n    print(request.path)",
        "from flask import Flask, g\napp = Flask(__name__)\napp.app_context().push()\ng.x = 1",
        # Binding a proxy to another name touches nothing.
        "from flask import current_app\napp = current_app",
        # Not Flask's proxies.
        "from sqlalchemy.orm import session\nS = session.query",
        "from myapp import g\nx = g.value",
        "request = make_request()\nURL = request.url",
        "from werkzeug.local import LocalProxy\nfrom flask import current_app\n"
        "log = LocalProxy(lambda: current_app.logger)",
    ],
)
def test_import_time_look_alikes(project, code):
    assert hits(project({"mod.py": code + "\n"}, {"context-at-import"})) == []


# -- create-all-at-import ------------------------------------------------------------------------

APP = "from flask import Flask\nfrom flask_sqlalchemy import SQLAlchemy\n"
APP += "app = Flask(__name__)\ndb = SQLAlchemy(app)\n"


@pytest.mark.parametrize(
    "code",
    [
        "db.create_all()  # <-",
        "if __name__ == '__main__':\n    db.create_all()  # <-\n    app.run()",
        "db.create_all(app=app)  # <-",
    ],
)
def test_create_all_at_import(project, code):
    files = {"app.py": APP + code + "\n"}
    assert hits(project(files, {"create-all-at-import"})) == marked(files)


def test_create_all_with_db_imported_from_the_project(project):
    files = {
        "ext.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
        "setup_db.py": "from ext import db\ndb.create_all()  # <-\n",
    }
    assert hits(project(files, {"create-all-at-import"})) == marked(files)


@pytest.mark.parametrize(
    "code",
    [
        "with app.app_context():\n    db.create_all()",
        "app.app_context().push()\ndb.create_all()",
        "def init_db():\n    db.create_all()",
        "@app.cli.command()\ndef initdb():\n    db.create_all()",
        # Plain SQLAlchemy needs no app context.
        "from sqlalchemy import create_engine\nfrom sqlalchemy.orm import declarative_base\n"
        "Base = declarative_base()\nengine = create_engine('sqlite://')\n"
        "Base.metadata.create_all(engine)\nBase.metadata.create_all(bind=engine)",
        "import sqlite3\ndb = sqlite3.connect('x.db')\ndb.create_all()",
    ],
)
def test_create_all_look_alikes(project, code):
    assert hits(project({"app.py": APP + code + "\n"}, {"create-all-at-import"})) == []


def test_alembic_env_runs_inside_flask_db(project):
    env = "from flask import current_app\nconfig.set_main_option('url', current_app.config['X'])\n"
    files = {"migrations/env.py": env, "migrations/script.py.mako": "${message}\n"}
    assert hits(project(files, {"context-at-import"})) == []
    assert hits(project({"scripts/env.py": env}, {"context-at-import"})) == [("scripts/env.py", 2)]


def test_modules_a_factory_imports_inside_an_app_context(project):
    files = {
        "shop/__init__.py": "from flask import Flask\ndef create_app():\n"
        "    app = Flask(__name__)\n    with app.app_context():\n"
        "        from shop.api import api\n        app.register_blueprint(api)\n    return app\n",
        "shop/api.py": "from flask import Blueprint, current_app\nfrom shop import helpers\n"
        "api = Blueprint('api', __name__)\nDOCS = current_app.config.get('DOCS')\n",
        "shop/helpers.py": "from flask import current_app\n@current_app.url_defaults\n"
        "def defaults(endpoint, values):\n    pass\n",
        "shop/other.py": "from flask import current_app\nX = current_app.name  # <-\n",
    }
    assert hits(project(files, {"context-at-import"})) == marked(files)


def test_modules_imported_by_a_function_called_in_an_app_context(project):
    files = {
        "shop/__init__.py": "from flask import Flask\nfrom shop.setup import init_globals\n"
        "def create_app():\n    app = Flask(__name__)\n    with app.app_context():\n"
        "        init_globals(app)\n    return app\n",
        "shop/setup.py": "def init_globals(app):\n    from shop.geo import lookup\n"
        "    app.jinja_env.globals.update(lookup=lookup)\n"
        "def unused():\n    from shop.other import x\n",
        "shop/geo.py": "from flask import current_app\nDB = open(current_app.config['GEO'])\n"
        "def lookup(ip):\n    return DB\n",
        "shop/other.py": "from flask import current_app\nx = current_app.name  # <-\n",
    }
    assert hits(project(files, {"context-at-import"})) == marked(files)
