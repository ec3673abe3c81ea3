"""Ranking over the real bundled KB: confident when it knows, honest when it does not."""

import pytest

from flaskref.search import CONFIDENT

NEGATIVE = [
    "how to bake sourdough bread",
    "django.core.exceptions.ImproperlyConfigured: Requested setting INSTALLED_APPS, but "
    "settings are not configured. You must either define the environment variable "
    "DJANGO_SETTINGS_MODULE or call settings.configure() before accessing settings.",
    """Traceback (most recent call last):
  File "/home/me/scripts/report.py", line 3
    print "total:", total
    ^^^^^^^^^^^^^^^^^^^^^
SyntaxError: Missing parentheses in call to 'print'. Did you mean print(...)?""",
    "ZeroDivisionError: division by zero",
    "git push rejected non-fast-forward",
    "npm ERR! code ERESOLVE unable to resolve dependency tree",
    "what is the capital of france",
    "java.lang.NullPointerException at com.example.Main.main(Main.java:14)",
]


@pytest.fixture
def engine(bundled_engine):
    return bundled_engine


@pytest.mark.parametrize("query", NEGATIVE)
def test_off_topic_queries_get_no_confident_answer(engine, query):
    results = engine.search(query, limit=3)
    assert not results or results[0].score < CONFIDENT, [(r.entry.id, r.score) for r in results]


def test_empty_query_has_no_results(engine):
    assert engine.search("   \n ", limit=3) == []


def test_scores_are_confidences_best_first(engine):
    results = engine.search("RuntimeError: Working outside of application context.", limit=5)
    scores = [r.score for r in results]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 1 for s in scores)
    assert results[0].confident and results[0].why


def test_topic_filter(engine):
    results = engine.search("context", limit=10, topic="request-context")
    assert results and {r.entry.topic for r in results} == {"request-context"}
