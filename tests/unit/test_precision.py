"""Never confidently wrong: the names in a message, telling words, routine log lines.

Over the bundled KB, with real messages: the precision sets in tests/data/precision were made
by running the real libraries (`tools/precision_cases.py`), the other cases quote what the
libraries print.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

PRECISION = Path(__file__).resolve().parent.parent / "data" / "precision"


def _cases(name: str) -> list[dict]:
    lines = (PRECISION / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _about(result, pattern: str) -> bool:
    entry = result.entry
    text = "\n".join([entry.title, *entry.errors, entry.symptom])
    return re.search(pattern, text, re.IGNORECASE) is not None


@pytest.fixture
def engine(bundled_engine):
    return bundled_engine


def _score(engine, name: str) -> tuple[int, list[str], list[str]]:
    """Right first (sure or not), confidently wrong, and the misses, over one set."""
    right, confident_wrong, misses = 0, [], []
    for case in _cases(name):
        results = engine.search(case["query"], limit=3)
        top = results[0] if results else None
        if case["expect"] is None:
            ok = top is None or not top.confident
        else:
            ok = top is not None and _about(top, case["expect"])
        right += ok
        if not ok:
            misses.append(f"{case['id']}: {top.entry.id if top else None}")
            if top is not None and top.confident:
                confident_wrong.append(case["id"])
    return right, confident_wrong, misses


def test_errors_of_removed_names_are_answered_by_what_was_removed(engine):
    right, confident_wrong, misses = _score(engine, "removed")
    assert confident_wrong == []
    assert right >= 0.9 * len(_cases("removed")), misses


def test_queries_nobody_can_answer_get_no_confident_answer(engine):
    right, confident_wrong, _ = _score(engine, "negatives")
    assert confident_wrong == []


@pytest.mark.parametrize(
    "word",
    [
        "abc",
        "error",
        "python",
        "flask",
        "app",
        "problem",
        "help",
        "it doesn't work",
        "404",
        "blueprint",
        "session",
        "url_for",
        "db",
        "request",
        "config",
    ],
)
def test_a_lone_generic_word_is_never_answered_with_confidence(engine, word):
    results = engine.search(word, limit=3)
    assert not results or not results[0].confident, (word, results[0].entry.id, results[0].why)


# -- names carry the evidence -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "entry_id"),
    [
        # Python's generic wording, with names the entry is about: sure.
        (
            "ImportError: cannot import name 'db' from 'app' (/src/app.py)",
            "circular-import-partially-initialized",
        ),
        ("ModuleNotFoundError: No module named 'flask_sqlalchemy'", "no-module-named"),
        (
            "TypeError: create_app() takes 0 positional arguments but 2 were given",
            "gunicorn-failed-to-find-attribute",
        ),
    ],
)
def test_a_general_wording_with_the_entrys_names_is_sure(engine, message, entry_id):
    top = engine.search(message, limit=1)[0]
    assert top.entry.id == entry_id and top.confident, top


@pytest.mark.parametrize(
    ("message", "name"),
    [
        ("ImportError: cannot import name 'safe_str_cmp' from 'werkzeug.security'", "safe_str_cmp"),
        (
            "AttributeError: 'Flask' object has no attribute 'session_cookie_name'",
            "session_cookie_name",
        ),
        (
            "TypeError: send_file() got an unexpected keyword argument 'attachment_filename'",
            "attachment_filename",
        ),
        (
            "TypeError: Flask.__call__() missing 1 required positional argument: 'start_response'",
            "start_response",
        ),
    ],
)
def test_the_names_a_message_quotes_decide_which_entry_answers(engine, message, name):
    """The circular-import, route-argument and Flask-Login entries share these wordings; only
    an entry about the quoted name may answer with confidence."""
    for result in engine.search(message, limit=5):
        if result.confident:
            assert name in " ".join([result.entry.title, *result.entry.errors]), result
    top = engine.search(message, limit=1)[0]
    assert top.confident and name in " ".join([top.entry.title, *top.entry.errors])


def test_a_general_wording_with_names_no_entry_knows_is_unsure(engine):
    # `tensorflow` is the user's business: the entry may be right, but nothing says so.
    top = engine.search("ModuleNotFoundError: No module named 'tensorflow'", limit=1)[0]
    assert top.entry.id == "no-module-named" and not top.confident


def test_a_library_exception_class_speaks_for_the_entry(engine):
    """Jinja's `'x' is undefined` names only the user's variable; its class says whose it is."""
    top = engine.search("jinja2.exceptions.UndefinedError: 'customer' is undefined", limit=1)[0]
    assert top.entry.id == "jinja-undefined-error" and top.confident


def test_an_import_cycle_in_the_frames_speaks_for_circular_imports(engine):
    paste = """Traceback (most recent call last):
  File "/srv/app.py", line 15, in <module>
    from model import Result
  File "/srv/model.py", line 3, in <module>
    from app import db
  File "/srv/app.py", line 15, in <module>
    from model import Result
ImportError: cannot import name Result"""
    top = engine.search(paste, limit=1)[0]
    assert top.entry.id == "circular-import-partially-initialized" and top.confident
    # The same message without the cycle names nothing an entry is about.
    alone = engine.search("ImportError: cannot import name Result", limit=1)[0]
    assert not alone.confident


def test_a_literal_name_beats_a_placeholder(engine):
    top = engine.search("jinja2.exceptions.UndefinedError: 'list' is undefined", limit=1)[0]
    assert top.entry.id == "jinja-python-builtins-undefined" and top.confident


# -- logs ----------------------------------------------------------------------------------------

BANNER = """ * Serving Flask app 'app'
 * Debug mode: on
WARNING: This is a development server. Do not use it in a production deployment. Use a \
production WSGI server instead.
 * Running on http://127.0.0.1:5000
Press CTRL+C to quit
 * Restarting with stat
 * Debugger is active!
 * Debugger PIN: 123-456-789
127.0.0.1 - - [01/Dec/2026 10:00:00] "GET / HTTP/1.1" 200 -
"""


def test_in_a_log_what_went_wrong_outranks_what_every_run_prints(engine):
    log = BANNER + (
        "[2026-12-01 10:00:01,123] ERROR in app: Exception on /report [GET]\n"
        "Traceback (most recent call last):\n"
        '  File "/home/me/app.py", line 12, in report\n'
        "    total = compute(rows)\n"
        "KeyError: 'amount'\n"
    )
    for result in engine.search(log, limit=3):
        assert result.entry.id not in ("development-server-warning", "debugger-pin"), result


def test_a_log_of_nothing_but_routine_lines_is_about_them(engine):
    top = engine.search(BANNER, limit=1)[0]
    assert top.entry.id in ("development-server-warning", "debugger-pin"), top
