"""Property tests: for any text, parsing and searching raise nothing, finish in bounded time
and give confidences in [0, 1], best first.

The text is built from the pieces real pastes are made of (frames, exception lines, log
prefixes, quotes, escape sequences) as well as arbitrary Unicode, so the parser's branches
are all reached. Hypothesis's deadline is the time bound: far above what one example takes.
"""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flaskref.query import cap_paste, parse

PIECES = [
    "Traceback (most recent call last):",
    '  File "/srv/app/views.py", line 12, in index',
    '  File "/venv/lib/python3.11/site-packages/flask/app.py", line 1511, in wsgi_app',
    'File "C:\\Users\\me\\venv\\Lib\\site-packages\\jinja2\\loaders.py", line 204',
    "    return render_template('x.html')",
    "    ^^^^^^^^^^",
    "RuntimeError: Working outside of application context.",
    "sqlalchemy.exc.OperationalError: (sqlite3.OperationalError) no such table: user",
    "raised: KeyError('username')",
    'raised: ValueError("it\\"s")',
    "The above exception was the direct cause of the following exception:",
    "During handling of the above exception, another exception occurred:",
    "[2024-05-01 10:00:00 +0000] [7] [ERROR] ",
    "ERROR:app:",
    "web-1  | ",
    "E   ",
    '127.0.0.1 - - [10/Mar/2024 12:00:00] "POST /contact HTTP/1.1" 405 -',
    "405 Method Not Allowed: The method is not allowed",
    "Error: Could not locate a Flask application.",
    "\x1b[31m",
    "\x1b(B\x1b[m",
    "\x1b]52;c;aGk=\x07",
    "'",
    '"',
    "/",
    ".",
    ":",
    " ",
    "\t",
    "\n",
    "\r\n",
    "\n\n",
    "Error",
    "a.b.C",
    "cannot import name",
]

pastes = st.one_of(
    st.text(max_size=2000),
    st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=20)), max_size=60).map("".join),
)

BOUND = settings(
    deadline=timedelta(seconds=3),
    max_examples=150,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@BOUND
@given(pastes)
def test_parse_never_fails(text):
    parsed = parse(text)
    assert parsed.primary is None or parsed.primary in parsed.errors
    assert all(f.line >= 0 for f in parsed.frames)
    assert isinstance(parsed.summary(), str)
    assert cap_paste(text) == (text, False)  # pastes this small are read whole


@BOUND
@given(pastes, st.integers(min_value=1, max_value=10))
def test_search_never_fails_and_scores_are_confidences(bundled_engine, text, limit):
    results = bundled_engine.search(text, limit=limit)
    assert len(results) <= limit
    scores = [r.score for r in results]
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert scores == sorted(scores, reverse=True)
    assert len({r.entry.id for r in results}) == len(results)
