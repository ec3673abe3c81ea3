"""Names in messages and entries, and how specific a template's own words are."""

import pytest

from flaskref import evidence


def test_a_message_names_what_it_quotes_and_calls():
    names = evidence.message_names(
        "ImportError: cannot import name 'safe_str_cmp' from 'werkzeug.security' "
        "(/venv/lib/python3.11/site-packages/werkzeug/security.py)"
    )
    assert {"safe_str_cmp", "werkzeug.security", "werkzeug", "security"} <= names
    assert not any("/" in n for n in names)  # the path is no name
    called = evidence.message_names(
        "TypeError: Flask.__call__() missing 1 required positional argument: 'start_response'"
    )
    assert {"flask.__call__", "__call__", "start_response"} <= called


def test_sentences_in_quotes_are_not_names():
    assert evidence.message_names("KeyError: 'the user id'") == frozenset()


@pytest.mark.parametrize(
    "template",
    [
        "cannot import name {name}",
        "{view}() got an unexpected keyword argument '{arg}'",
        "{view}() missing {n} required positional argument: '{arg}'",
        "No module named '{module}'",
        "'{type}' object has no attribute '{attr}'",
    ],
)
def test_python_phrasing_with_placeholders_is_generic(template):
    assert evidence.is_generic(template)


@pytest.mark.parametrize(
    "template",
    [
        "cannot import name '{name}' from partially initialized module '{module}' "
        "(most likely due to a circular import)",
        "'AnonymousUserMixin' object has no attribute '{attr}'",
        "No module named 'werkzeug.contrib'",
        "Working outside of application context.",
        "Object of type {type} is not JSON serializable",
    ],
)
def test_own_words_or_a_literal_name_make_a_template_specific(template):
    assert not evidence.is_generic(template)


def test_captured_names_come_from_the_placeholders():
    assert evidence.captured_names(
        "{view}() got an unexpected keyword argument '{arg}'",
        "send_file() got an unexpected keyword argument 'attachment_filename'",
    ) == {"send_file", "attachment_filename"}
    assert evidence.captured_names(
        "cannot import name {name}", "cannot import name 'db' from 'app' (/src/app.py)"
    ) == {"db", "app"}
    assert evidence.captured_names("No module named '{module}'", "all good") is None


def test_an_entry_is_about_the_names_in_its_templates_exceptions_tags_and_code():
    names = evidence.entry_names(
        templates=["cannot import name 'safe_str_cmp' from 'werkzeug.security'"],
        exceptions=["werkzeug.routing.exceptions.BuildError"],
        tags=["hmac.compare_digest", "password check", "upgrade"],
        code=["import hmac\nhmac.compare_digest(a, b)\n"],
    )
    assert {"safe_str_cmp", "werkzeug.security", "builderror", "compare_digest"} <= names
    assert "password check" not in names and "password" not in names
