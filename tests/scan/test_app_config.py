"""debug-enabled, hardcoded-secret-key, insecure-session-cookie: every way of writing a
setting, and the development-only and environment-driven look-alikes."""

import pytest

from .conftest import hits, marked

APP = "from flask import Flask\napp = Flask(__name__)\n"


# -- debug-enabled -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        'app.config["DEBUG"] = True  # <-',
        "app.debug = True  # <-",
        "app.config.update(DEBUG=True)  # <-",
        'app.config.update({"DEBUG": True})  # <-',
        "app.config.update(dict(DEBUG=True))  # <-",
        "app.config.from_mapping(DEBUG=True)  # <-",
        'app.config.setdefault("DEBUG", True)  # <-',
        "cfg = app.config\ncfg['DEBUG'] = True  # <-",
        "def create_app():\n    app = Flask(__name__)\n    app.config['DEBUG'] = True  # <-",
        "from flask import current_app\ndef view():\n    current_app.config['DEBUG'] = True  # <-",
    ],
)
def test_debug_set_on_the_app(project, code):
    files = {"app.py": APP + code + "\n"}
    report = project(files, {"debug-enabled"})
    assert hits(report) == marked(files)
    assert report.findings[0].entry == "debug-mode-in-production"


@pytest.mark.parametrize(
    "run",
    [
        "app.run(debug=True)",
        "app.run('0.0.0.0', 5000, True)",
        "app.run(host='0.0.0.0', debug=True)",
        "DEBUG = True\n    app.run(debug=DEBUG)",
    ],
)
def test_app_run_debug_true(project, run):
    code = APP + 'if __name__ == "__main__":\n    ' + run + "\n"
    report = project({"app.py": code}, {"debug-enabled"})
    assert [f.line for f in report.findings] == [len(code.splitlines())]


def test_socketio_run_debug(project):
    code = APP + "from flask_socketio import SocketIO\nsocketio = SocketIO(app)\n"
    code += "if __name__ == '__main__':\n    socketio.run(app, debug=True)\n"
    assert hits(project({"app.py": code}, {"debug-enabled"})) == [("app.py", 6)]


def test_debug_in_config_classes(project):
    config = """
        class Config:
            SECRET_KEY_FILE = "/run/secrets/key"

        class ProductionConfig(Config):
            DEBUG = True

        class DevelopmentConfig(Config):
            DEBUG = True

        class TestingConfig(Config):
            DEBUG = True
            TESTING = True
    """
    assert hits(project({"config.py": config}, {"debug-enabled"})) == [("config.py", 5)]


def test_base_config_debug_reaches_production_unless_overridden(project):
    inherited = """
        class Config:
            DEBUG = True

        class DevelopmentConfig(Config):
            pass

        class ProductionConfig(Config):
            SQLALCHEMY_DATABASE_URI = "postgresql://db/app"
    """
    report = project({"settings.py": inherited}, {"debug-enabled"})
    assert hits(report) == [("settings.py", 2)]
    assert "ProductionConfig" in report.findings[0].message
    overridden = inherited.replace(
        'SQLALCHEMY_DATABASE_URI = "postgresql://db/app"', "DEBUG = False"
    )
    assert hits(project({"settings.py": overridden}, {"debug-enabled"})) == []


def test_single_config_class_and_config_module(project):
    assert hits(project({"myapp/config.py": "class Config:\n    DEBUG = True\n"})) == [
        ("myapp/config.py", 2)
    ]
    assert hits(project({"production.py": "DEBUG = True\n"}, {"debug-enabled"})) == [
        ("production.py", 1)
    ]


def test_module_settings_loaded_with_from_object_name(project):
    code = "DEBUG = True\n" + APP + "app.config.from_object(__name__)\n"
    assert hits(project({"app.py": code}, {"debug-enabled"})) == [("app.py", 1)]
    # Without from_object(__name__) a module constant is not a setting.
    assert hits(project({"app.py": "DEBUG = True\n" + APP}, {"debug-enabled"})) == []


@pytest.mark.parametrize(
    "code",
    [
        "app.run(debug=os.environ.get('FLASK_DEBUG') == '1')",
        "app.config['DEBUG'] = os.getenv('DEBUG', 'false').lower() == 'true'",
        "app.debug = bool(int(os.environ['FLASK_DEBUG']))",
        "if os.environ.get('FLASK_ENV') == 'development':\n    app.debug = True",
        "if app.config['ENV'] == 'development':\n    app.config['DEBUG'] = True",
        "if args.dev:\n    app.run(debug=True)",
        "def run_dev():\n    app.run(debug=True)",
        "import asyncio\nasyncio.run(main(), debug=True)",
        "import uvicorn\nuvicorn.run(app, debug=True)",
        "app.run(debug=False)",
        "app.config['DEBUG'] = False",
    ],
)
def test_debug_look_alikes(project, code):
    source = "import os\n" + APP + code + "\n"
    assert hits(project({"app.py": source}, {"debug-enabled"})) == []


def test_debug_in_development_only_files(project):
    run = APP + "if __name__ == '__main__':\n    app.run(debug=True)\n"
    assert hits(project({"run_dev.py": run}, {"debug-enabled"})) == []
    assert hits(project({"config/development.py": "DEBUG = True\n"}, {"debug-enabled"})) == []
    assert hits(project({"tests/test_app.py": APP + "app.debug = True\n"})) == []


def test_debug_in_the_main_block_is_reported_whoever_serves_the_module(project):
    # gunicorn never runs the `__main__` block, but `python app.py` on a server does: the
    # flag belongs in a development-only file or the environment.
    files = {
        "app.py": APP + "if __name__ == '__main__':\n    app.run(debug=True)\n",
        "Procfile": "web: gunicorn app:app\n",
    }
    assert hits(project(files, {"debug-enabled"})) == [("app.py", 4)]
    files["Procfile"] = "web: python app.py\n"
    assert hits(project(files, {"debug-enabled"})) == [("app.py", 4)]


def test_other_frameworks_app_run(project):
    code = "from fastapi import FastAPI\napp = FastAPI()\napp.run(debug=True)\n"
    assert hits(project({"main.py": code}, {"debug-enabled"})) == []


# -- hardcoded-secret-key -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        'app.secret_key = "dev"',
        "app.secret_key = b'\\x8f\\x1a'",
        'app.config["SECRET_KEY"] = "s3cr3t"',
        "app.config['SECRET_KEY'] = f'key-{42}'",
        "app.config.update(SECRET_KEY='x' + 'y')",
        'app.config.update({"SECRET_KEY": "abc"})',
        "KEY = 'literal'\napp.secret_key = KEY",
        "PREFIX = 'my'\napp.config['SECRET_KEY'] = f'{PREFIX}-key'",
    ],
)
def test_secret_literal_on_the_app(project, code):
    report = project({"app.py": APP + code + "\n"}, {"hardcoded-secret-key"})
    assert hits(report) == [("app.py", (APP + code).count("\n") + 1)]
    assert report.findings[0].entry == "secret-key-generate"


def test_secret_in_config_class_and_module(project):
    config = """
        import os

        class Config:
            SECRET_KEY = os.environ["SECRET_KEY"]

        class ProductionConfig(Config):
            SECRET_KEY = "prod-secret"

        class DevelopmentConfig(Config):
            SECRET_KEY = "dev"
    """
    assert hits(project({"config.py": config}, {"hardcoded-secret-key"})) == [("config.py", 7)]
    assert hits(project({"settings.py": "SECRET_KEY = 'abc123'\n"})) == [("settings.py", 1)]


@pytest.mark.parametrize(
    "code",
    [
        "app.secret_key = os.environ['SECRET_KEY']",
        "app.config['SECRET_KEY'] = os.getenv('SECRET_KEY')",
        "app.config['SECRET_KEY'] = os.environ.get('SECRET_KEY') or 'fallback'",
        "app.secret_key = secrets.token_hex(32)",
        "app.secret_key = os.urandom(24)",
        "app.secret_key = open('/run/secrets/key').read().strip()",
        "app.config['SECRET_KEY'] = ''",
        "app.config.from_mapping(SECRET_KEY='dev')\napp.config.from_pyfile('config.py', silent=True)",
        "app.config.from_prefixed_env()",
        "secret_key = 'not the app'\nother.secret_key = 'x'",
    ],
)
def test_secret_look_alikes(project, code):
    source = "import os, secrets\n" + APP + code + "\n"
    assert hits(project({"app.py": source}, {"hardcoded-secret-key"})) == []


def test_factory_default_overridden_by_instance_config(project):
    factory = """
        from flask import Flask

        def create_app(test_config=None):
            app = Flask(__name__, instance_relative_config=True)
            app.config.from_mapping(SECRET_KEY="dev")
            if test_config is None:
                app.config.from_pyfile("config.py", silent=True)
            else:
                app.config.from_mapping(test_config)
            return app
    """
    assert hits(project({"flaskr/__init__.py": factory}, {"hardcoded-secret-key"})) == []


def test_tests_are_not_app_code(project):
    files = {
        "tests/conftest.py": APP + "app.config['SECRET_KEY'] = 'test'\n",
        "test_views.py": APP + "app.secret_key = 'x'\n",
    }
    assert hits(project(files)) == []


# -- insecure-session-cookie --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "entry"),
    [
        ('app.config["SESSION_COOKIE_SECURE"] = False', "session-cookie-secure"),
        ("app.config.update(SESSION_COOKIE_HTTPONLY=False)", "session-cookie-httponly-samesite"),
        ("app.config.update({'SESSION_COOKIE_SECURE': False})", "session-cookie-secure"),
    ],
)
def test_cookie_flags_off_on_the_app(project, code, entry):
    report = project({"app.py": APP + code + "\n"}, {"insecure-session-cookie"})
    assert hits(report) == [("app.py", 3)]
    assert report.findings[0].entry == entry


def test_cookie_flags_in_config_classes(project):
    config = """
        class Config:
            SESSION_COOKIE_SECURE = False

        class DevelopmentConfig(Config):
            SESSION_COOKIE_HTTPONLY = False

        class ProductionConfig(Config):
            SESSION_COOKIE_SECURE = True
            SESSION_COOKIE_HTTPONLY = False
    """
    assert hits(project({"config.py": config}, {"insecure-session-cookie"})) == [("config.py", 9)]


def test_cookie_look_alikes(project):
    code = APP + (
        "app.config['SESSION_COOKIE_SECURE'] = True\n"
        "app.config['SESSION_COOKIE_SAMESITE'] = 'Lax'\n"
        "if os.environ.get('ENV') == 'local':\n"
        "    app.config['SESSION_COOKIE_SECURE'] = False\n"
    )
    assert hits(project({"app.py": "import os\n" + code}, {"insecure-session-cookie"})) == []


def test_default_config_class_replaced_by_a_config_file(project):
    files = {
        "forum/configs/default.py": "class DefaultConfig:\n    SECRET_KEY = 'secret key'\n"
        "    SESSION_COOKIE_HTTPONLY = False\n",
        "forum/app.py": APP + "def configure(app, path):\n"
        "    app.config.from_object('forum.configs.default.DefaultConfig')\n"
        "    app.config.from_pyfile(path)\n",
    }
    assert hits(project(files)) == []
    # An explicitly production class is not a default.
    files["forum/configs/default.py"] += (
        "class ProductionConfig(DefaultConfig):\n    DEBUG = True\n"
    )
    assert hits(project(files)) == [("forum/configs/default.py", 5)]
    # Without the config file the defaults are what production runs.
    files["forum/app.py"] = APP
    assert len(hits(project(files))) == 3
