from flaskref.messages import compile_template, literal_words, matches, placeholders


def test_placeholder_matches_any_text_on_a_line():
    t = "cannot import name '{name}' from partially initialized module '{module}' (most likely due to a circular import)"
    msg = (
        "ImportError: cannot import name 'db' from partially initialized module 'app' "
        "(most likely due to a circular import) (/srv/app/__init__.py)"
    )
    assert matches(t, msg)
    assert placeholders(t) == ["name", "module"]
    assert not matches(t, "cannot import name 'db' from 'app'")


def test_quotes_are_optional_and_interchangeable():
    t = "cannot import name '{name}'"
    assert matches(t, "ImportError: cannot import name Result")
    assert matches(t, "cannot import name \u2018db\u2019")
    assert matches(t, 'cannot import name "db"')


def test_whitespace_case_and_trailing_punctuation_are_tolerated():
    t = "Working outside of application context."
    assert matches(t, "RuntimeError: working   outside of\napplication context")
    assert not matches(t, "Working outside of request context.")


def test_literal_braces_and_trailing_placeholder():
    t = "Form errors: {{'csrf_token': {errors}}}"
    assert matches(t, "Form errors: {'csrf_token': ['The CSRF token is missing.']}")
    p = compile_template("TemplateNotFound: {name}")
    m = p.search("jinja2.exceptions.TemplateNotFound: index.html")
    assert m and m.group(0).endswith("index.html")


def test_literal_words_leave_out_placeholders():
    assert literal_words("Failed to find attribute '{name}' in '{module}'.") == [
        "failed",
        "to",
        "find",
        "attribute",
        "in",
    ]


def test_a_leading_placeholder_needs_text_before_on_the_same_line():
    t = "{view}() missing {n} required positional argument: '{arg}'"
    assert matches(t, "TypeError: index() missing 1 required positional argument: 'id'")
    assert not matches(t, "() missing 1 required positional argument: 'id'")
    assert not matches(t, "TypeError:\n() missing 1 required positional argument: 'id'")


def test_a_placeholder_next_to_optional_quotes_may_be_empty_quotes():
    t = "The name '{name}' is already registered for {which} blueprint '{dotted}'. Use 'name='"
    assert matches(t, "The name 'x' is already registered for this blueprint ''. Use 'name='")
    assert matches(t, "The name x is already registered for a different blueprint y. Use name=")
    assert not matches(t, "The name 'x' is already registered for this\nblueprint. Use 'name='")


def test_placeholders_stay_on_one_line():
    t = "cannot import name '{name}' from '{module}'"
    assert matches(t, "cannot import name 'db' from 'app'")
    assert not matches(t, "cannot import name\n from 'app'")
