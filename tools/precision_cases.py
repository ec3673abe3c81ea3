# ruff: noqa: E501  (the case tables keep each case's code on one line)
"""Build the precision cases: real errors produced by running the real libraries.

    python tools/precision_cases.py            # writes tests/data/precision/*.jsonl

Each case runs a few lines against the installed Flask, Werkzeug, Jinja2, SQLAlchemy, Click,
itsdangerous, WTForms, ... in a subprocess and keeps the error exactly as Python printed it:
the last line (an error query) and, for some, the whole traceback. Three sets come out:

- `removed.jsonl`: code written for an older release, using a name the installed library has
  removed (`from werkzeug.security import safe_str_cmp`). The right answer names the removed
  thing; anything else that is confident is confidently wrong.
- `messages.jsonl`: other messages the current libraries print. The right answer quotes or
  explains that message.
- `negatives.jsonl`: queries flaskref cannot know (a lone generic word, another framework's
  error, plain Python mistakes with no Flask in them): the right answer is no confident one.

A case's `expect` is a case-insensitive regular expression the right result's title, error
messages or symptom must match (the format of `../shared/eval`), or null for "no confident
answer". The files are committed; rerun this after upgrading the libraries the KB is verified
against, and read the diff.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "precision"

APP = "from flask import Flask\napp = Flask(__name__)\n"
SQLA = (
    "from sqlalchemy import Column, Integer, String, create_engine, select\n"
    "from sqlalchemy.orm import Session, declarative_base\n"
    "Base = declarative_base()\n"
    "class User(Base):\n"
    "    __tablename__ = 'users'\n"
    "    id = Column(Integer, primary_key=True)\n"
    "    name = Column(String(20))\n"
    "engine = create_engine('sqlite://')\n"
    "Base.metadata.create_all(engine)\n"
)
FSA = (
    APP + "from flask_sqlalchemy import SQLAlchemy\n"
    "app.config['SQLALCHEMY_DATABASE_URI'] = 'sqlite://'\n"
    "db = SQLAlchemy(app)\n"
    "class User(db.Model):\n"
    "    id = db.Column(db.Integer, primary_key=True)\n"
)

# (id, expect, code, whole traceback too?)
REMOVED = [
    ("safe-str-cmp", r"safe_str_cmp", "from werkzeug.security import safe_str_cmp", True),
    ("url-quote", r"url_quote", "from werkzeug.urls import url_quote", False),
    ("url-parse", r"url_parse", "from werkzeug.urls import url_parse", False),
    (
        "werkzeug-secure-filename-top",
        r"secure_filename",
        "from werkzeug import secure_filename",
        False,
    ),
    (
        "werkzeug-cached-property-top",
        r"cached_property",
        "from werkzeug import cached_property",
        False,
    ),
    ("werkzeug-version", r"__version__", "import werkzeug\nprint(werkzeug.__version__)", True),
    ("base-response", r"BaseResponse", "from werkzeug.wrappers import BaseResponse", False),
    ("base-request", r"BaseRequest", "from werkzeug.wrappers import BaseRequest", False),
    ("parse-rule", r"parse_rule", "from werkzeug.routing import parse_rule", True),
    (
        "werkzeug-contrib",
        r"werkzeug\.contrib",
        "from werkzeug.contrib.fixers import ProxyFix",
        False,
    ),
    (
        "endpoint-from-view-func",
        r"_endpoint_from_view_func",
        "from flask.helpers import _endpoint_from_view_func",
        True,
    ),
    ("request-ctx-stack", r"_request_ctx_stack", "from flask import _request_ctx_stack", False),
    ("app-ctx-stack", r"_app_ctx_stack", "from flask import _app_ctx_stack", False),
    ("flask-markup", r"\bMarkup\b", "from flask import Markup", False),
    ("flask-escape", r"\bescape\b", "from flask import escape", False),
    ("flask-json-encoder", r"JSONEncoder", "from flask.json import JSONEncoder", False),
    ("flask-safe-join", r"safe_join", "from flask import safe_join", False),
    ("flask-ext", r"flask\.ext", "from flask.ext.sqlalchemy import SQLAlchemy", False),
    ("session-cookie-name", r"session_cookie_name", APP + "print(app.session_cookie_name)", True),
    ("app-json-encoder", r"json_encoder", APP + "print(app.json_encoder)", False),
    ("app-env", r"\benv\b|FLASK_ENV", APP + "print(app.env)", False),
    (
        "before-first-request",
        r"before_first_request",
        APP + "@app.before_first_request\ndef f():\n    pass",
        False,
    ),
    (
        "is-xhr",
        r"is_xhr",
        APP
        + "with app.test_request_context('/'):\n    from flask import request\n    request.is_xhr",
        True,
    ),
    (
        "send-file-attachment-filename",
        r"attachment_filename",
        APP + "import io\nfrom flask import send_file\nwith app.test_request_context('/'):\n"
        "    send_file(io.BytesIO(b'x'), attachment_filename='a.txt')",
        True,
    ),
    (
        "send-file-cache-timeout",
        r"cache_timeout",
        APP + "import io\nfrom flask import send_file\nwith app.test_request_context('/'):\n"
        "    send_file(io.BytesIO(b'x'), download_name='a.txt', cache_timeout=0)",
        False,
    ),
    (
        "send-file-add-etags",
        r"add_etags",
        APP + "import io\nfrom flask import send_file\nwith app.test_request_context('/'):\n"
        "    send_file(io.BytesIO(b'x'), download_name='a.txt', add_etags=False)",
        False,
    ),
    ("jinja-markup", r"\bMarkup\b", "from jinja2 import Markup", True),
    ("jinja-escape", r"\bescape\b", "from jinja2 import escape", False),
    ("jinja-contextfunction", r"contextfunction", "from jinja2 import contextfunction", False),
    (
        "jinja-environmentfilter",
        r"environmentfilter",
        "from jinja2 import environmentfilter",
        False,
    ),
    ("markupsafe-soft-unicode", r"soft_unicode", "from markupsafe import soft_unicode", False),
    (
        "itsdangerous-jws",
        r"TimedJSONWebSignatureSerializer|JSONWebSignature",
        "from itsdangerous import TimedJSONWebSignatureSerializer",
        True,
    ),
    ("itsdangerous-json", r"itsdangerous.*json|\bjson\b", "from itsdangerous import json", False),
    ("wtforms-textfield", r"TextField", "from wtforms import TextField", True),
    ("wtforms-required", r"\bRequired\b", "from wtforms.validators import Required", False),
    (
        "fsa-paginate-positional",
        r"paginate",
        FSA + "with app.app_context():\n    db.create_all()\n    User.query.paginate(1, 20, False)",
        True,
    ),
    (
        "sqla-select-list",
        r"select\(\[|select\(.*list|Column expression",
        SQLA + "select([User.id])",
        True,
    ),
    ("sqla-engine-execute", r"execute", SQLA + "engine.execute('select 1')", False),
    ("sqla-binary", r"\bBinary\b", "from sqlalchemy import Binary", False),
]

MESSAGES = [
    (
        "converter-missing",
        r"converter .*does not exist",
        APP + "@app.route('/<foo:x>')\ndef f(x):\n    return x",
        True,
    ),
    (
        "leading-slash",
        r"must start with a (leading )?slash",
        APP + "app.add_url_rule('x', 'x', lambda: 'x')",
        False,
    ),
    (
        "blueprint-dot",
        r"may not contain a dot",
        "from flask import Blueprint\nBlueprint('a.b', __name__)",
        False,
    ),
    (
        "methods-string",
        r"Allowed methods must be a list",
        APP + "@app.route('/', methods='POST')\ndef f():\n    return ''",
        True,
    ),
    (
        "from-envvar",
        r"environment variable .* is not set and as such configuration",
        APP + "app.config.from_envvar('MYAPP_SETTINGS')",
        True,
    ),
    ("abort-unknown-code", r"no exception for", "from flask import abort\nabort(999)", False),
    (
        "import-string",
        r"import_string\(\) failed",
        APP + "app.config.from_object('settings_that_do_not_exist.Config')",
        True,
    ),
    (
        "jinja-no-loader",
        r"no loader for this environment",
        "from jinja2 import Environment\nEnvironment().get_template('base.html')",
        False,
    ),
    (
        "jinja-unknown-tag",
        r"unknown tag|Encountered unknown tag",
        "from jinja2 import Template\nTemplate('{% endblock %}')",
        False,
    ),
    (
        "jinja-no-filter",
        r"No filter named",
        "from jinja2 import Template\nTemplate('{{ x|shout }}')",
        False,
    ),
    (
        "itsdangerous-bad-signature",
        r"BadSignature|Signature .* does not match|No .\.. found",
        "from itsdangerous import URLSafeSerializer\nURLSafeSerializer('k').loads('abc')",
        False,
    ),
    (
        "itsdangerous-expired",
        r"SignatureExpired|Signature age",
        "import time\nfrom itsdangerous import URLSafeTimedSerializer\ns = URLSafeTimedSerializer('k')\n"
        "t = s.dumps(1)\ntime.sleep(2)\ns.loads(t, max_age=1)",
        False,
    ),
    (
        "sqla-no-result",
        r"No row was found when one was required|NoResultFound",
        SQLA + "with Session(engine) as s:\n    s.execute(select(User)).scalar_one()",
        True,
    ),
    (
        "sqla-multiple-results",
        r"Multiple rows were found|MultipleResultsFound",
        SQLA + "with Session(engine) as s:\n    s.add_all([User(name='a'), User(name='b')])\n"
        "    s.flush()\n    s.execute(select(User)).scalar_one()",
        False,
    ),
    (
        "sqla-varchar-length",
        r"VARCHAR requires a length",
        "from sqlalchemy import Column, Integer, MetaData, String, Table\n"
        "from sqlalchemy.dialects import mysql\nfrom sqlalchemy.schema import CreateTable\n"
        "t = Table('t', MetaData(), Column('id', Integer, primary_key=True), Column('n', String))\n"
        "print(CreateTable(t).compile(dialect=mysql.dialect()))",
        False,
    ),
    (
        "sqla-no-tablename",
        r"does not have a __table__ or __tablename__",
        "from sqlalchemy import Column, Integer\nfrom sqlalchemy.orm import declarative_base\n"
        "Base = declarative_base()\nclass User(Base):\n    id = Column(Integer, primary_key=True)",
        True,
    ),
    (
        "sqla-bindparam",
        r"doesn't define a bound parameter",
        "from sqlalchemy import text\ntext('select :x').bindparams(y=1)",
        False,
    ),
    (
        "werkzeug-header-newline",
        r"Header values must not contain newline",
        "from werkzeug.datastructures import Headers\nHeaders().add('X-A', 'a\\nb')",
        False,
    ),
    (
        "test-client-data-json",
        r"both .*json.* and .*data|Can't provide both",
        APP + "app.test_client().post('/', json={}, data='x')",
        False,
    ),
    (
        "jsonify-args-kwargs",
        r"either args or kwargs",
        APP + "from flask import jsonify\nwith app.app_context():\n    jsonify(1, x=2)",
        False,
    ),
    (
        "setup-after-first-request",
        r"can no longer be called on the application",
        APP + "app.test_client().get('/')\n@app.route('/late')\ndef late():\n    return ''",
        True,
    ),
    (
        "click-bad-int",
        r"is not a valid integer|Invalid value for",
        "import click\n@click.command()\n@click.option('--count', type=int)\ndef c(count):\n    pass\n"
        "c(['--count', 'many'])",
        False,
    ),
    (
        "click-missing-argument",
        r"Missing argument",
        "import click\n@click.command()\n@click.argument('name')\ndef c(name):\n    pass\nc([])",
        False,
    ),
    (
        "gunicorn-no-module",
        r"No application module specified",
        "import subprocess, sys\nsys.exit(subprocess.run([sys.executable, '-m', 'gunicorn']).returncode)",
        False,
    ),
    (
        "wtforms-email-validator",
        r"email_validator",
        "from wtforms import Form, StringField\nfrom wtforms.validators import Email\n"
        "class F(Form):\n    e = StringField(validators=[Email()])\n"
        "F(data={'e': 'a@example.com'}).validate()",
        False,
    ),
    (
        "werkzeug-invalid-hash",
        r"Invalid hash method",
        "from werkzeug.security import generate_password_hash\n"
        "generate_password_hash('pw', method='sha256')",
        True,
    ),
    (
        "sqla-unmapped-none",
        r"is not mapped|UnmappedInstanceError",
        SQLA + "with Session(engine) as s:\n    s.delete(None)",
        True,
    ),
]

NEGATIVES = [
    ("word-abc", "abc"),
    ("word-error", "error"),
    ("word-help", "help"),
    ("word-python", "python"),
    ("word-flask", "flask"),
    ("word-problem", "problem"),
    ("question-vague", "it doesn't work"),
    ("question-how", "how do I do this"),
    (
        "django-settings",
        "django.core.exceptions.ImproperlyConfigured: Requested setting INSTALLED_APPS, but settings "
        "are not configured. You must either define the environment variable DJANGO_SETTINGS_MODULE "
        "or call settings.configure() before accessing settings.",
    ),
    (
        "numpy-alloc",
        "numpy.core._exceptions._ArrayMemoryError: Unable to allocate 3.73 GiB for an array with shape "
        "(500000, 1000) and data type float64",
    ),
    (
        "requests-conn",
        "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='api.example.com', port=443): "
        "Max retries exceeded with url: /v1/items (Caused by NewConnectionError('<urllib3.connection."
        "HTTPSConnection object at 0x7f>: Failed to establish a new connection: [Errno -2] Name or "
        "service not known'))",
    ),
    ("zero-division", "ZeroDivisionError: division by zero"),
    ("index-error", "IndexError: list index out of range"),
    ("operand", "TypeError: unsupported operand type(s) for +: 'int' and 'str'"),
    ("pandas-key", "KeyError: \"None of [Index(['price'], dtype='object')] are in the [columns]\""),
    ("torch-cuda", "RuntimeError: CUDA out of memory. Tried to allocate 20.00 MiB"),
]


def run(code: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "PYTHONPATH"))}
    with tempfile.TemporaryDirectory() as tmp:
        env["HOME"] = tmp
        path = Path(tmp) / "case.py"
        path.write_text(code + "\n", encoding="utf-8")
        proc = subprocess.run(
            [sys.executable, str(path)],
            cwd=tmp,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    # Paths as they would be on a user's machine, not this one's.
    output = (proc.stdout + proc.stderr).replace(tmp, "/home/user/project")
    return output.replace(sys.prefix, "/home/user/project/.venv")


def last_error_line(output: str) -> str:
    """The first line of the final exception (after the last frame), or of a CLI's error."""
    lines = [ln for ln in output.strip().splitlines() if ln.strip()]
    frames = [i for i, ln in enumerate(lines) if ln.lstrip().startswith('File "')]
    if frames:
        after = lines[frames[-1] + 1 :]
        return next((ln.strip() for ln in after if not ln.startswith((" ", "\t"))), "")
    for ln in reversed(lines):
        if not ln.startswith((" ", "\t")) and (":" in ln or ln.startswith("Error")):
            return ln.strip()
    return lines[-1].strip() if lines else ""


def cases(prefix: str, table) -> list[dict[str, object]]:
    out = []
    for case_id, expect, code, with_tb in table:
        output = run(code)
        line = last_error_line(output)
        if not line:
            raise SystemExit(f"{prefix}-{case_id}: the code printed nothing:\n{code}")
        out.append({"id": f"{prefix}-{case_id}", "kind": "error", "query": line, "expect": expect})
        if with_tb and "Traceback" in output:
            tb = output[output.index("Traceback") :].strip()
            out.append(
                {"id": f"{prefix}-{case_id}-tb", "kind": "traceback", "query": tb, "expect": expect}
            )
    return out


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    sets = {
        "removed": cases("removed", REMOVED),
        "messages": cases("message", MESSAGES),
        "negatives": [
            {
                "id": f"negative-{i}",
                "kind": "question" if " " in q and ":" not in q else "error",
                "query": q,
                "expect": None,
            }
            for i, q in NEGATIVES
        ],
    }
    for name, rows in sets.items():
        with open(OUT / f"{name}.jsonl", "w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(f"{name}: {len(rows)} cases")


if __name__ == "__main__":
    main()
