"""Rules that need several files: duplicate-endpoint, blueprint-registered-twice,
circular-import, dev-server-in-production."""

import pytest

from .conftest import hits, marked

# -- duplicate-endpoint --------------------------------------------------------------------------


def test_same_view_name_twice_on_one_app(project):
    files = {
        "app.py": """
            from flask import Flask
            app = Flask(__name__)

            @app.route("/")
            def index():
                return "a"

            @app.route("/home")
            def index():  # <-
                return "b"
        """
    }
    report = project(files, {"duplicate-endpoint"})
    assert hits(report) == marked(files)
    assert "app.py:5" in report.findings[0].message


def test_endpoint_keyword_and_add_url_rule(project):
    files = {
        "app.py": """
            from flask import Flask
            app = Flask(__name__)

            @app.route("/a", endpoint="page")
            def a():
                return "a"

            @app.get("/b", endpoint="page")
            def b():  # <-
                return "b"

            def c():
                return "c"

            app.add_url_rule("/c", "page", c)  # <-
            app.add_url_rule("/c2", view_func=c)
        """
    }
    assert hits(project(files, {"duplicate-endpoint"})) == marked(files)


def test_one_blueprint_across_two_modules(project):
    files = {
        "shop/__init__.py": "from flask import Blueprint\nbp = Blueprint('shop', __name__)\n",
        # Files are read in path order: the second one read is reported.
        "shop/extra.py": "from . import bp\n@bp.route('/x')\ndef index():\n    return ''\n",
        "shop/views.py": "from shop import bp\n@bp.route('/')\ndef index():  # <-\n    return ''\n",
    }
    assert hits(project(files, {"duplicate-endpoint"})) == marked(files)


def test_duplicate_endpoint_look_alikes(project):
    files = {
        # The same view name in two blueprints.
        "auth/routes.py": "from flask import Blueprint\nbp = Blueprint('auth', __name__)\n"
        "@bp.route('/')\ndef index():\n    return ''\n",
        "main/routes.py": "from flask import Blueprint\nbp = Blueprint('main', __name__)\n"
        "@bp.route('/')\ndef index():\n    return ''\n",
        # One function under two routes.
        "app.py": "from flask import Flask\napp = Flask(__name__)\n"
        "@app.route('/')\n@app.route('/index')\ndef index():\n    return ''\n"
        # The same name in two factories: two apps.
        "def make_a():\n    a = Flask('a')\n    @a.route('/')\n    def home():\n        return ''\n"
        "    return a\n"
        "def make_b():\n    a = Flask('b')\n    @a.route('/')\n    def home():\n        return ''\n"
        "    return a\n"
        # Alternatives.
        "import os\nif os.environ.get('V2'):\n    @app.route('/v')\n    def version():\n"
        "        return '2'\nelse:\n    @app.route('/v')\n    def version():\n        return '1'\n",
    }
    assert hits(project(files, {"duplicate-endpoint"})) == []


# -- blueprint-registered-twice ------------------------------------------------------------------


def test_blueprint_registered_twice(project):
    files = {
        "bp.py": "from flask import Blueprint\nadmin = Blueprint('admin', __name__)\n",
        "app.py": """
            from flask import Flask
            from bp import admin

            def create_app():
                app = Flask(__name__)
                app.register_blueprint(admin, url_prefix="/admin")
                app.register_blueprint(admin, url_prefix="/backoffice")  # <-
                app.register_blueprint(admin, url_prefix="/v2", name="admin_v2")
                return app
        """,
    }
    report = project(files, {"blueprint-registered-twice"})
    assert hits(report) == marked(files)
    assert report.findings[0].entry == "blueprint-name-already-registered"


def test_blueprint_registered_in_two_modules_on_one_app(project):
    files = {
        "app.py": "from flask import Flask, Blueprint\napp = Flask(__name__)\n"
        "api = Blueprint('api', __name__)\napp.register_blueprint(api)\n",
        "extra.py": "from app import app, api\napp.register_blueprint(api)  # <-\n",
    }
    assert hits(project(files, {"blueprint-registered-twice"})) == marked(files)


def test_blueprint_look_alikes(project):
    files = {
        "app.py": """
            from flask import Flask, Blueprint
            api = Blueprint("api", __name__)

            def create_app():
                app = Flask(__name__)
                app.register_blueprint(api)
                return app

            def create_admin_app():
                app = Flask("admin")
                app.register_blueprint(api)
                return app

            def register(app, blueprints):
                for bp in blueprints:
                    app.register_blueprint(bp)
                app.register_blueprint(api, name="api2")
                app.register_blueprint(api, name="api3")
        """
    }
    assert hits(project(files, {"blueprint-registered-twice"})) == []


# -- circular-import -----------------------------------------------------------------------------


def test_app_module_imports_views_before_defining_db(project):
    files = {
        "app.py": """
            from flask import Flask
            from flask_sqlalchemy import SQLAlchemy
            app = Flask(__name__)
            import views
            db = SQLAlchemy(app)
        """,
        "views.py": """
            from app import app, db  # <-

            @app.route("/")
            def index():
                return str(db)
        """,
    }
    report = project(files, {"circular-import"})
    assert hits(report) == marked(files)
    assert "db" in report.findings[0].message and "line 5" in report.findings[0].message


def test_package_init_and_models(project):
    files = {
        "shop/__init__.py": """
            from flask_sqlalchemy import SQLAlchemy
            from shop.models import User
            db = SQLAlchemy()
        """,
        "shop/models.py": """
            from . import db  # <-

            class User(db.Model):
                pass
        """,
    }
    assert hits(project(files, {"circular-import"})) == marked(files)


def test_cycle_through_a_third_module(project):
    files = {
        "app.py": "from flask import Flask\nimport routes\napp = Flask(__name__)\n",
        "routes.py": "import helpers\n",
        "helpers.py": "from app import app  # <-\n",
    }
    assert hits(project(files, {"circular-import"})) == marked(files)


@pytest.mark.parametrize(
    "files",
    [
        # The microblog layout: views imported at the bottom, after the names exist.
        {
            "app/__init__.py": "from flask import Flask\nfrom flask_sqlalchemy import SQLAlchemy\n"
            "app = Flask(__name__)\ndb = SQLAlchemy(app)\nfrom app import routes, models\n",
            "app/routes.py": "from app import app, db\n",
            "app/models.py": "from app import db\n",
        },
        # Extensions in their own module.
        {
            "shop/__init__.py": "from flask import Flask\nfrom shop.ext import db\n"
            "from shop.views import bp\napp = Flask(__name__)\n",
            "shop/ext.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
            "shop/views.py": "from shop.ext import db\nfrom flask import Blueprint\n"
            "bp = Blueprint('v', __name__)\n",
        },
        # Import inside a function.
        {
            "app.py": "from flask import Flask\nimport views\napp = Flask(__name__)\n",
            "views.py": "def get_app():\n    from app import app\n    return app\n",
        },
        # Neither module is the app or a package of the other: depends on which runs first.
        {
            "a.py": "import b\nX = 1\n",
            "b.py": "from a import X\n",
        },
        # Only under TYPE_CHECKING.
        {
            "app.py": "from flask import Flask\nimport views\napp = Flask(__name__)\n",
            "views.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
            "    from app import app\n",
        },
    ],
)
def test_circular_import_look_alikes(project, files):
    assert hits(project(files, {"circular-import"})) == []


# -- dev-server-in-production --------------------------------------------------------------------

RUNS = "from flask import Flask\napp = Flask(__name__)\nif __name__ == '__main__':\n    app.run()\n"


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        ("Procfile", "release: flask db upgrade\nweb: flask run --host=0.0.0.0\n", 2),
        ("Procfile", "web: python app.py\n", 1),
        ("Procfile", "web: python -m flask --app app run\n", 1),
        ("Dockerfile", 'FROM python:3.12\nCOPY . .\nCMD ["flask", "run", "--host=0.0.0.0"]\n', 3),
        ("Dockerfile", "FROM python:3.12\nWORKDIR /srv\nCMD python /srv/app.py\n", 3),
        ("Dockerfile", 'FROM python\nCMD ["sh", "-c", "flask db upgrade && flask run"]\n', 2),
        ("Dockerfile", 'FROM python\nENTRYPOINT ["python"]\nCMD ["app.py"]\n', 2),
        ("supervisord.conf", "[program:web]\ncommand=flask --app app run -p 8000\n", 2),
        ("fly.toml", '[processes]\napp = "python app.py"\n', 2),
        ("railway.toml", '[deploy]\nstartCommand = "flask run"\n', 2),
    ],
)
def test_dev_server_started_in_production(project, name, text, line):
    report = project({"app.py": RUNS, name: text}, {"dev-server-in-production"})
    assert hits(report) == [(name, line)]
    assert report.findings[0].entry == "development-server-warning"


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("Procfile", "web: gunicorn app:app\nworker: python worker.py\n"),
        ("Procfile", "web: flask db upgrade && gunicorn -w 4 'app:create_app()'\n"),
        ("Procfile.dev", "web: flask run --debug\n"),
        ("Dockerfile.dev", "FROM python\nCMD flask run\n"),
        # A development stage, then the production one.
        ("Dockerfile", "FROM python AS dev\nCMD flask run\nFROM python\nCMD gunicorn app:app\n"),
        ("Dockerfile", 'FROM python\nCMD ["waitress-serve", "--port=8080", "app:app"]\n'),
        # `python serve.py` that starts waitress, not app.run().
        ("Procfile", "web: python serve.py\n"),
        ("uwsgi.ini", "[uwsgi]\nmodule = app:app\n"),
        ("pyproject.toml", '[project]\nname = "x"\n'),
        ("tox.ini", "[tox]\nenvlist = py311\n"),
    ],
)
def test_dev_server_look_alikes(project, name, text):
    files = {
        "app.py": RUNS,
        "serve.py": "from waitress import serve\nfrom app import app\nserve(app, port=8080)\n",
        "worker.py": "import time\n",
        name: text,
    }
    assert hits(project(files, {"dev-server-in-production"})) == []


def test_only_the_first_failure_of_an_import_is_reported(project):
    # views fails first; models would too, but Python never gets there.
    files = {
        "shop/__init__.py": "from flask import Flask\napp = Flask(__name__)\n"
        "from shop import views\ndb = object()\n",
        "shop/views.py": "from shop import app, db  # <-\nfrom shop.models import Book\n",
        "shop/models.py": "from shop import db\nclass Book:\n    pass\n",
    }
    assert hits(project(files, {"circular-import"})) == marked(files)


def test_a_starter_decides_which_module_runs_first(project):
    files = {"a.py": "import b\nX = 1\n", "b.py": "from a import X\n"}
    assert hits(project(files, {"circular-import"})) == []
    files["Procfile"] = "worker: python a.py\n"
    assert hits(project(files, {"circular-import"})) == [("b.py", 1)]
    files["Procfile"] = "web: gunicorn b:app\n"
    assert hits(project(files, {"circular-import"})) == []


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("nginx.conf", "worker_processes 4;\nevents { }\n"),
        ("broken.ini", "[section\nkey\n"),
        ("broken.toml", "[deploy\nstartCommand = \n"),
        ("fly.toml", "processes = 3\n[experimental]\ncmd = 5\n"),
    ],
)
def test_config_files_we_cannot_read_start_nothing(project, name, text):
    report = project({"app.py": RUNS, name: text})
    assert hits(report) == [] and report.skipped == []


def test_a_docker_entrypoint_script_is_read(project):
    files = {
        "app.py": RUNS.replace("app.run()", "app.run(debug=True)"),
        "Dockerfile": 'FROM python\nENTRYPOINT ["/srv/docker-entrypoint.sh"]\n',
        "docker-entrypoint.sh": "#!/bin/sh\nset -e\nflask db upgrade\n"
        "exec gunicorn 'app:app' \\\n  --bind 0.0.0.0:8000\n",
        "scripts/dev.sh": "flask run --debug\n",  # run by nobody: not a starter
    }
    # gunicorn serves app.py: only its `__main__` block's debug flag is reported.
    assert hits(project(files)) == [("app.py", 4)]
    files["docker-entrypoint.sh"] = "#!/bin/sh\nexec python app.py\n"
    assert hits(project(files)) == [("app.py", 4), ("docker-entrypoint.sh", 2)]
