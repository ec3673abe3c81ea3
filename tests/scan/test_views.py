"""json-dumps-response, redirect-literal-path, request-args-subscript,
send-file-attachment-filename, session-add-without-commit."""

import pytest

from .conftest import hits, marked

HEAD = """\
import json
from flask import Flask, Blueprint, redirect, url_for, request, send_file, send_from_directory
from flask.views import MethodView
from flask_sqlalchemy import SQLAlchemy
app = Flask(__name__)
bp = Blueprint("bp", __name__)
db = SQLAlchemy()
"""


def check(project, rule, body):
    files = {"views.py": HEAD + body}
    assert hits(project(files, {rule}), rule) == marked(files)


# -- json-dumps-response -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "@app.route('/a')\ndef a():\n    return json.dumps({'a': 1})  # <-\n",
        "@bp.get('/a')\ndef a():\n    return json.dumps([1]), 200  # <-\n",
        "@app.post('/a')\nasync def a():\n    return json.dumps({}), 201, None  # <-\n",
        "@app.route('/a')\ndef a():\n    body = json.dumps({'a': 1})\n    return body  # <-\n",
        "from json import dumps\n@app.route('/a')\ndef a():\n    return dumps(1)  # <-\n",
        "from flask import json as fj\n@app.route('/a')\ndef a():\n    return fj.dumps(1)  # <-\n",
        "class Items(MethodView):\n    def get(self):\n        return json.dumps([])  # <-\n",
        "def items():\n    return json.dumps([])  # <-\napp.add_url_rule('/items', view_func=items)\n",
    ],
)
def test_json_dumps_returned_from_a_view(project, body):
    check(project, "json-dumps-response", body)


@pytest.mark.parametrize(
    "body",
    [
        # Not a view.
        "def helper():\n    return json.dumps({})\n",
        "class Model:\n    def get(self):\n        return json.dumps({})\n",
        # A view writing JSON to a file, or sending it with the right type.
        "@app.route('/save')\ndef save():\n    with open('out.json', 'w') as f:\n"
        "        f.write(json.dumps({}))\n    return 'ok'\n",
        "@app.route('/a')\ndef a():\n    return app.response_class(json.dumps({}), "
        "mimetype='application/json')\n",
        "@app.route('/a')\ndef a():\n    return json.dumps({}), 200, "
        "{'Content-Type': 'application/json'}\n",
        "@app.route('/a')\ndef a():\n    return json.dumps({}), {'Content-Type': 'application/json'}\n",
        "@app.route('/a')\ndef a():\n    return {'a': 1}\n",
        "@app.route('/a')\ndef a():\n    return json.loads('{}')\n",
        # An inner helper of a view is not the view.
        "@app.route('/a')\ndef a():\n    def inner():\n        return json.dumps({})\n    return inner()\n",
    ],
)
def test_json_dumps_look_alikes(project, body):
    check(project, "json-dumps-response", body)


# -- redirect-literal-path -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "@app.route('/a')\ndef a():\n    return redirect('/login')  # <-\n",
        "@app.route('/a')\ndef a():\n    return redirect('/')  # <-\n",
        "@app.route('/a/<int:n>')\ndef a(n):\n    return redirect(f'/items/{n}')  # <-\n",
        "@app.route('/a')\ndef a():\n    return redirect(location='/x', code=301)  # <-\n",
        "@app.route('/a')\ndef a():\n    return redirect('login')  # <-\n",
        "import flask\ndef a():\n    return flask.redirect('/home')  # <-\n",
    ],
)
def test_redirect_to_a_literal_path(project, body):
    check(project, "redirect-literal-path", body)


@pytest.mark.parametrize(
    "body",
    [
        "def a():\n    return redirect(url_for('index'))\n",
        "def a():\n    return redirect(url_for('auth.login', next=request.path))\n",
        "def a():\n    return redirect('https://example.com/pay')\n",
        "def a():\n    return redirect('//cdn.example.com/x')\n",
        "def a():\n    return redirect('mailto:team@example.com')\n",
        "def a():\n    return redirect(request.referrer or url_for('index'))\n",
        "def a(next_page):\n    return redirect(next_page)\n",
        "def a():\n    return redirect(f'{request.host_url}x')\n",
        "from django.shortcuts import redirect as r\ndef a():\n    return r('/login')\n",
    ],
)
def test_redirect_look_alikes(project, body):
    check(project, "redirect-literal-path", body)


# -- request-args-subscript ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "@app.route('/a')\ndef a():\n    page = request.args['page']  # <-\n    return page\n",
        "@app.route('/a')\ndef a():\n    return int(request.args['n']) * 2  # <-\n",
        "import flask\ndef a():\n    return flask.request.args['q']  # <-\n",
    ],
)
def test_request_args_subscript(project, body):
    check(project, "request-args-subscript", body)


@pytest.mark.parametrize(
    "body",
    [
        "def a():\n    return request.args.get('page', 1, type=int)\n",
        "def a():\n    if 'page' in request.args:\n        return request.args['page']\n",
        "def a():\n    try:\n        return request.args['page']\n    except KeyError:\n"
        "        return 1\n",
        "def a():\n    return [request.args[k] for k in request.args]\n",
        "def a():\n    return request.form['name']\n",
        "def a(args):\n    return args['page']\n",
    ],
)
def test_request_args_look_alikes(project, body):
    check(project, "request-args-subscript", body)


# -- send-file-attachment-filename ---------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "def a():\n    return send_file('r.csv', attachment_filename='r.csv')  # <-\n",
        "def a():\n    return send_file('r.csv',\n        as_attachment=True,\n"
        "        cache_timeout=0)  # <-\n",
        "def a():\n    return send_file('r.csv', add_etags=False)  # <-\n",
        "def a():\n    return send_from_directory('files', filename='r.csv')  # <-\n",
        "import flask\ndef a():\n    return flask.send_file('r', attachment_filename='r')  # <-\n",
    ],
)
def test_send_file_removed_keywords(project, body):
    check(project, "send-file-attachment-filename", body)


@pytest.mark.parametrize(
    "body",
    [
        "def a():\n    return send_file('r.csv', download_name='r.csv', max_age=0, etag=False)\n",
        "def a():\n    return send_from_directory('files', 'r.csv')\n",
        "def a():\n    return send_from_directory('files', path='r.csv')\n",
        "def send_file(path, attachment_filename=None):\n    pass\n"
        "def a():\n    return send_file('x', attachment_filename='y')\n",
    ],
)
def test_send_file_look_alikes(project, body):
    check(project, "send-file-attachment-filename", body)


# -- session-add-without-commit ------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "@app.route('/new', methods=['POST'])\ndef new():\n    item = object()\n"
        "    db.session.add(item)  # <-\n    return redirect(url_for('index'))\n",
        "@bp.post('/many')\ndef many():\n    db.session.add_all([1, 2])  # <-\n    db.session.flush()\n"
        "    return 'ok'\n",
    ],
)
def test_add_without_commit(project, body):
    check(project, "session-add-without-commit", body)


@pytest.mark.parametrize(
    "body",
    [
        "@app.route('/n')\ndef n():\n    db.session.add(1)\n    db.session.commit()\n    return ''\n",
        "@app.route('/n')\ndef n():\n    db.session.add(1)\n    if ok():\n        db.session.commit()\n"
        "    return ''\n",
        "@app.route('/n')\ndef n():\n    with db.session.begin():\n        db.session.add(1)\n"
        "    return ''\n",
        # A helper that commits, here or in another module.
        "def save(obj):\n    db.session.add(obj)\n    db.session.commit()\n"
        "@app.route('/n')\ndef n():\n    db.session.add(1)\n    save(2)\n    return ''\n",
        "class User:\n    def save(self):\n        db.session.commit()\n"
        "@app.route('/n')\ndef n():\n    u = User()\n    db.session.add(u)\n    u.save()\n"
        "    return ''\n",
        # Not a view.
        "def seed():\n    db.session.add(1)\n",
        # A plain SQLAlchemy session is someone else's business.
        "@app.route('/n')\ndef n(session):\n    session.add(1)\n    return ''\n",
    ],
)
def test_add_without_commit_look_alikes(project, body):
    check(project, "session-add-without-commit", body)


def test_commit_on_teardown_or_a_committing_decorator_elsewhere(project):
    view = HEAD + "@app.route('/n')\ndef n():\n    db.session.add(1)\n    return ''\n"
    teardown = (
        "from views import app, db\n@app.teardown_request\ndef end(exc):\n"
        "    if exc is None:\n        db.session.commit()\n"
    )
    assert hits(project({"views.py": view, "hooks.py": teardown})) == []
    decorated = view.replace("def n():", "@transactional\ndef n():")
    deco = (
        "from views import db\ndef transactional(f):\n    def wrapper(*a, **kw):\n"
        "        r = f(*a, **kw)\n        db.session.commit()\n        return r\n    return wrapper\n"
    )
    assert hits(project({"views.py": decorated, "tx.py": deco})) == []
    # ... and the same view alone is reported.
    assert hits(project({"views.py": view}), "session-add-without-commit") == [("views.py", 10)]
