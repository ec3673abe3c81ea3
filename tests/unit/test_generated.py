"""Answers generated from the libraries' own tables, ranked against the bundled KB."""

from flaskref import catalog, evidence, removed

EXTENSION_TRACEBACK = """Traceback (most recent call last):
  File "/srv/app/app.py", line 3, in <module>
    from flask_oldext import OldExt
  File "/srv/venv/lib/python3.11/site-packages/flask_oldext/__init__.py", line 5, in <module>
    from sqlalchemy.pool import FallbackAsyncAdaptedQueuePool
ImportError: cannot import name 'FallbackAsyncAdaptedQueuePool' from 'sqlalchemy.pool' \
(/srv/venv/lib/python3.11/site-packages/sqlalchemy/pool/__init__.py)"""


def test_a_removed_api_no_entry_explains_comes_first(bundled_engine):
    line = EXTENSION_TRACEBACK.splitlines()[-1]
    rows = removed.find(line)
    assert rows and rows[0].name == "FallbackAsyncAdaptedQueuePool"
    top = bundled_engine.search(line, limit=3)[0]
    assert top.kind == "removed" and top.confident
    assert top.details["removed_in"] == rows[0].removed_in
    assert "FallbackAsyncAdaptedQueuePool" in top.entry.title


def test_the_extension_that_used_it_is_named(bundled_engine):
    top = bundled_engine.search(EXTENSION_TRACEBACK, limit=3)[0]
    assert top.kind == "removed"
    assert any("used by flask_oldext" in why for why in top.why), top.why


def test_own_code_using_a_removed_api_names_no_extension(bundled_engine):
    own = EXTENSION_TRACEBACK.replace("/srv/venv/lib/python3.11/site-packages/", "/srv/app/")
    top = bundled_engine.search(own, limit=3)[0]
    assert top.kind == "removed"
    assert not any("used by" in why for why in top.why), top.why


def test_the_engine_opens_a_generated_answer_it_gave(bundled_engine):
    top = bundled_engine.search(EXTENSION_TRACEBACK, limit=1)[0]
    assert bundled_engine.entry(top.entry.id) == top.entry
    assert bundled_engine.entry("removed:no:such:row") is None


def test_an_entry_that_explains_a_message_says_where_the_library_prints_it(bundled_engine):
    top = bundled_engine.search("TemplateAssertionError: No filter named 'money'.", 1)[0]
    assert top.kind == "entry" and top.entry.id == "jinja-no-filter-named"
    prints = [why for why in top.why if " prints it: " in why]
    assert prints, top.why
    # The cited file and line exist in the catalog that was generated from the sources.
    place = prints[0].split(" prints it: ")[1]
    assert any(f"{m.file}:{m.line}" == place for m in catalog.find(top.entry.errors[0], 5))


def test_a_catalog_message_without_an_entry_is_answered_with_its_source(bundled_engine):
    line = "ValueError: Files must be opened in binary mode or use BytesIO."
    (msg,) = catalog.find(line, limit=1)
    top = bundled_engine.search(line, limit=3)[0]
    assert top.kind == "message" and top.confident
    assert top.details["file"] == msg.file and top.details["line"] == msg.line
    assert any(f"{msg.file}:{msg.line}" in why for why in top.why), top.why


def test_a_generic_catalog_message_is_offered_but_never_confident(bundled_engine):
    # Placeholders and Python's phrasing only: the catalog cannot tell whose message it is.
    line = "InvalidRequestError: Unsupported argument(s): foo"
    (msg,) = catalog.find(line, limit=1)
    assert evidence.is_generic(msg.template)
    offered = [r for r in bundled_engine.search(line, limit=3) if r.kind == "message"]
    assert offered and not any(r.confident for r in offered)


def test_a_catalog_message_of_another_exception_class_is_not_the_answer(bundled_engine):
    # gunicorn's "{config_file} not found" is a ConfigError: a 404 page shares its words only.
    line = "NotFound: 404 Not Found: The requested URL was not found on the server."
    assert any(m.exception == "ConfigError" for m in catalog.find(line, limit=3))
    results = bundled_engine.search(line, limit=3)
    assert results[0].kind == "entry" and results[0].entry.id == "trailing-slash-404"
    assert not any(r.confident for r in results if r.kind == "message")
