"""Parsing pasted text: real tracebacks from public bug reports, and what else people copy."""

from pathlib import Path

import pytest

from flaskref.query import clean, parse

DATA = Path(__file__).resolve().parent.parent / "data" / "tracebacks"


def real(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "name, exc, message_start, raising_library",
    [
        (
            "microblog-334.txt",
            "RuntimeError",
            "Working outside of application context.",
            "werkzeug",
        ),
        ("masr-119.txt", "RuntimeError", "Working outside of request context.", "flask"),
        ("flask-3144.txt", "AssertionError", "View function mapping is overwriting", "flask"),
        ("1min-relay-34.txt", "TypeError", "The view function for 'index' did not return", "flask"),
        ("topicsexplorer-118.txt", "ValueError", "signal only works in main thread", None),
        (
            "heyoo-106.txt",
            "ImportError",
            "cannot import name 'url_quote' from 'werkzeug.urls'",
            "flask",
        ),
        ("flask-by-example-3.txt", "ImportError", "cannot import name Result", None),
        (
            "ustc-course-35.txt",
            "RuntimeError",
            "Working outside of application context.",
            "werkzeug",
        ),
    ],
)
def test_real_tracebacks(name, exc, message_start, raising_library):
    parsed = parse(real(name))
    assert parsed.is_traceback
    assert parsed.primary.type == exc
    assert parsed.primary.message.startswith(message_start)
    assert parsed.frames
    if raising_library:
        assert parsed.libraries[-1] == raising_library


def test_multi_line_message_is_kept_whole():
    parsed = parse(real("microblog-334.txt"))
    assert "with app.app_context()" in parsed.primary.message


def test_windows_paths_become_library_frames():
    parsed = parse(real("flask-3144.txt"))
    assert any(f.library == "flask" and f.path.startswith("C:/") for f in parsed.frames)
    assert any(f.library is None for f in parsed.frames)


def test_docker_compose_prefixes_are_stripped():
    parsed = parse(real("1min-relay-34.txt"))
    assert not any("1min-relay  |" in ln for ln in parsed.text.splitlines())
    assert parsed.frames[-1].source.startswith("raise TypeError(")


def test_ansi_colours_and_pytest_markers():
    text = (
        "\x1b[31mE   RuntimeError: Working outside of request context.\x1b[0m\n"
        "E   \n"
        "E   This typically means that you attempted to use functionality that needed\n"
    )
    parsed = parse(text)
    assert parsed.primary.type == "RuntimeError"
    assert parsed.primary.message.startswith("Working outside of request context.")


def test_chained_exceptions_last_is_primary_first_is_evidence():
    text = """Traceback (most recent call last):
  File "/venv/lib/python3.11/site-packages/sqlalchemy/engine/base.py", line 1967, in _exec_single_context
    self.dialect.do_execute(
sqlite3.OperationalError: no such table: user

The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File "/srv/app/views.py", line 12, in index
    users = User.query.all()
sqlalchemy.exc.OperationalError: (sqlite3.OperationalError) no such table: user
[SQL: SELECT user.id FROM user]
"""
    parsed = parse(text)
    assert [e.type for e in parsed.errors] == [
        "sqlite3.OperationalError",
        "sqlalchemy.exc.OperationalError",
    ]
    assert parsed.primary.name == "OperationalError"
    assert "[SQL: SELECT user.id FROM user]" in parsed.primary.message
    assert parsed.evidence_text == ("sqlite3.OperationalError: no such table: user",)


def test_log_prefixes():
    assert (
        clean("[2024-06-16 17:07:19,427] ERROR in app: Exception on / [GET]")
        == "Exception on / [GET]"
    )
    assert clean("[2025-01-01 10:00:00 +0000] [42] [ERROR] Worker failed") == "Worker failed"
    assert clean("ERROR:root:boom") == "boom"


def test_celery_log_line_with_repr_error():
    line = (
        "[2025-03-03 04:00:00,094: ERROR/ForkPoolWorker-3] Signal handler <function f at 0x7f> "
        "raised: RuntimeError('Working outside of application context.\\n\\nThis typically means')"
    )
    parsed = parse(line)
    assert parsed.primary.type == "RuntimeError"
    assert parsed.primary.message.startswith("Working outside of application context.\n")


def test_http_error_page_and_dev_server_log_line():
    page = parse("405 Method Not Allowed: The method is not allowed for the requested URL.")
    assert page.http_status == 405
    assert page.primary.message == "The method is not allowed for the requested URL."
    log = parse('127.0.0.1 - - [10/Mar/2024 12:00:00] "POST /contact HTTP/1.1" 405 -')
    assert log.http_status == 405 and not log.errors


def test_flask_cli_error_and_nested_error_in_message():
    cli = parse("Error: Could not locate a Flask application. Use the 'flask --app' option.")
    assert cli.primary.message.startswith("Could not locate a Flask application")
    nested = parse("TaskException: RuntimeError: Application was not able to create a URL adapter")
    assert [e.type for e in nested.errors] == ["TaskException", "RuntimeError"]


def test_question_words_are_kept():
    parsed = parse(
        "With Flask-SQLAlchemy query, I get RuntimeError: Working outside of application context."
    )
    assert parsed.primary.type == "RuntimeError"
    assert "Flask-SQLAlchemy" in parsed.words
    plain = parse("session not persisting")
    assert plain.errors == () and plain.words == "session not persisting"


def test_empty_and_whitespace():
    assert parse("").is_empty and parse(" \n\t ").is_empty


GUNICORN = """[2024-05-01 10:00:00 +0000] [7] [ERROR] Exception in worker process
Traceback (most recent call last):
  File "/usr/local/lib/python3.11/site-packages/gunicorn/arbiter.py", line 609, in spawn_worker
    worker.init_process()
  File "/usr/local/lib/python3.11/site-packages/gunicorn/util.py", line 370, in import_app
    raise AppImportError("Failed to find attribute %r in %r." % (name, module))
gunicorn.errors.AppImportError: Failed to find attribute 'app' in 'run'.
[2024-05-01 10:00:00 +0000] [7] [INFO] Worker exiting (pid: 7)"""


def test_gunicorn_log_next_record_is_not_part_of_the_message():
    parsed = parse(GUNICORN)
    assert parsed.primary.type == "gunicorn.errors.AppImportError"
    assert parsed.primary.message == "Failed to find attribute 'app' in 'run'."
    assert parsed.libraries == ("gunicorn",)


def test_flask_logger_prefix_then_traceback():
    text = (
        "ERROR:app:Exception on /login [POST]\nTraceback (most recent call last):\n"
        '  File "/venv/lib/python3.12/site-packages/flask/app.py", line 1511, in wsgi_app\n'
        "    response = self.full_dispatch_request()\nKeyError: 'username'\n"
    )
    parsed = parse(text)
    assert parsed.primary.line == "KeyError: 'username'"
    assert "Exception on /login" in parsed.words


def test_windows_jinja_traceback_tail():
    text = (
        '  File "C:\\Users\\me\\venv\\Lib\\site-packages\\jinja2\\loaders.py", line 204, in get_source\n'
        "    raise TemplateNotFound(template)\njinja2.exceptions.TemplateNotFound: index.html"
    )
    parsed = parse(text)
    assert parsed.primary.name == "TemplateNotFound" and parsed.libraries == ("jinja2",)


def test_a_library_exception_named_unlike_one_is_still_the_error():
    # itsdangerous' BadData and Werkzeug's Forbidden do not end in Error: the catalog knows them.
    parsed = parse("BadData: Invalid base64-encoded data")
    assert [(e.type, e.message) for e in parsed.errors] == [
        ("BadData", "Invalid base64-encoded data")
    ]
    # A capitalised word and a colon in prose stays prose.
    assert parse("Note: my session is not persisting").errors == ()
