"""Reading changelogs in the three layouts the covered projects use."""

from __future__ import annotations

import changelog
from apidiff import Removal

RST = """\
Version 2.1.0
-------------

Released 2022-03-28

-   Remove previously deprecated code. :pr:`2276`

    -   Remove the ``pbkdf2_hex``, ``pbkdf2_bin``, and ``safe_str_cmp``
        functions. Use equivalents in ``hashlib`` and ``hmac`` modules
        instead.
    -   Remove the ``cookie_date`` function. Use ``http_date`` instead.

Version 2.0.0
-------------

-   ``pbkdf2_hex``, ``pbkdf2_bin``, and ``safe_str_cmp`` are deprecated.
    ``hashlib`` and ``hmac`` provide equivalents. :pr:`2083`
-   Deprecated non-silent usage of :class:`~werkzeug.wrappers.BaseResponse.iter_encoded`.
"""

MD = """\
## Version 8.1.0

Released 2022-03-28

- Remove `MultiCommand.resultcallback`, use `result_callback` instead. {pr}`2205`

## 4.0.1
### Security
* Address a log injection vulnerability by @someone in https://example.org/pull/351
"""

SQLA = """\
.. changelog::
    :version: 2.0.0b1
    :released: October 13, 2022

    .. change::
        :tags: change, engine
        :tickets: 7257

        Migrated the codebase to remove all pre-2.0 behaviors:

        * ``Query.from_self()`` and ``Query.select_entity_from()`` are removed.

        * Legacy forms of :func:`_sql.select` removed, including
          ``select([cols])``.
"""


def test_rst_bullets_nested_bullets_and_roles():
    items = changelog.parse(RST)
    # A nested bullet keeps the bullet it sits under: "Remove previously deprecated code."
    assert (
        changelog.Item(
            "2.1.0",
            "Remove the `cookie_date` function. Use `http_date` instead.",
            "Remove previously deprecated code.",
        )
        in items
    )
    assert changelog.Item("2.1.0", "Remove previously deprecated code.") in items
    note = changelog.explain(
        items, Removal("werkzeug.security", "", "safe_str_cmp", "name"), "2.1.0"
    )
    assert note.deprecated_in == "2.0.0"
    assert note.line.startswith("Remove the `pbkdf2_hex`, `pbkdf2_bin`, and `safe_str_cmp`")
    assert note.replacement == "Use equivalents in `hashlib` and `hmac` modules instead."
    cookie = changelog.explain(items, Removal("werkzeug.http", "", "cookie_date", "name"), "2.1.0")
    assert cookie.replacement == "http_date"


def test_an_attribute_of_a_name_is_not_the_name():
    items = changelog.parse(RST)
    note = changelog.explain(
        items, Removal("werkzeug.wrappers", "", "BaseResponse", "name"), "2.1.0"
    )
    assert note == changelog.Note("", "", "")


def test_markdown_headers_and_myst_roles():
    items = changelog.parse(MD)
    assert items[0] == changelog.Item(
        "8.1.0", "Remove `MultiCommand.resultcallback`, use `result_callback` instead."
    )
    assert items[1].version == "4.0.1"
    assert "https://" not in items[1].text or "log injection" in items[1].text


def test_sqlalchemy_change_blocks_split_into_their_bullets():
    items = changelog.parse(SQLA)
    texts = [it.text for it in items]
    assert "`Query.from_self()` and `Query.select_entity_from()` are removed." in texts
    assert any(t.startswith("Legacy forms of `select` removed") for t in texts)
    assert {it.version for it in items} == {"2.0.0b1"}


def test_generic_words_need_their_function():
    items = changelog.parse(
        "Version 2.2.0\n-------------\n\n-   The ``app`` parameter of ``dumps`` is removed.\n"
        "-   The ``app.env`` property is removed.\n"
    )
    note = changelog.explain(items, Removal("flask.json", "loads", "app", "keyword"), "2.2.0")
    assert note.line == ""
    note = changelog.explain(items, Removal("flask.json", "dumps", "app", "keyword"), "2.2.0")
    assert note.line == "The `app` parameter of `dumps` is removed."
