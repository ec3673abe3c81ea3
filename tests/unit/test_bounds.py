"""Bounded work: whatever is pasted, parsing and searching take bounded time and memory.

The inputs are the hostile-input probe's: 100,000-character tokens, a frame line with 30,000
spaces, many distinct words, endless blank lines. Before the fixes each took 15 s to minutes
(quadratic regexes, fuzzy matching of huge terms, copying per line); now each takes well
under a second. `SLOW` is a guard against that kind of blow-up, not a speed target: it is far
above the linear time even on a loaded machine and far below the quadratic one.
"""

from __future__ import annotations

import random
import time

import pytest

from flaskref import search
from flaskref.query import MAX_CHARS, MAX_LINES, cap_paste, parse

SLOW = 5.0  # seconds


def words(n: int, seed: int = 1) -> str:
    rnd = random.Random(seed)
    return " ".join(f"w{i:x}{rnd.randrange(16**4):04x}" for i in range(n))


FRAME = '  File "/srv/app/views.py", line 12, in index'
HOSTILE = {
    "one long token": "A" * 100_000,
    "one long lowercase token": "a" * 100_000,
    "a long token before an error": "x" * 100_000 + "Error: boom",
    "a dotted token": "a." * 50_000,
    "a frame line with 30k spaces": FRAME + " " * 30_000 + "x",
    "a source line of 30k spaces": (
        "Traceback (most recent call last):\n" + FRAME + "\n" + " " * 30_000 + "x\nKeyError: 1"
    ),
    "a caret line of 100k": (
        "Traceback (most recent call last):\n" + FRAME + "\n    " + "^ " * 50_000 + "x\nKeyError: 1"
    ),
    "reprs never closed": "KeyError('a " * 10_000,
    "double-quoted reprs never closed": 'KeyError("a ' * 10_000,
    "many inline errors": "x RuntimeError: " * 10_000,
    "an unclosed quote": "'" + "a" * 100_000,
    "a path-like token": "a" * 100_000 + "/",
    "100 KB of distinct words": words(12_000),
    "1 MB of distinct words": words(120_000),
    "100k blank lines in a message": "KeyError: x\n" + "\n" * 100_000 + "y",
    "100k leading blank lines": "\n" * 100_000 + "KeyError: x",
    "32k log lines": "\n".join(f"line {i} of the log" for i in range(32_000)),
    "40k continuation lines": "Error: x\n" + "\n".join(f"more text {i}" for i in range(40_000)),
    "a template's words repeated": "cannot import name 'x' " * 5000,
    "an escape sequence never ended": "\x1b[" + "1" * 100_000,
}


def timed(fn, *args):
    start = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - start


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_paste_is_parsed_and_searched_in_bounded_time(bundled_engine, text):
    parsed, took = timed(parse, text)
    assert took < SLOW, f"parse took {took:.1f}s"
    results, took = timed(bundled_engine.search, text)
    assert took < SLOW, f"search took {took:.1f}s"
    assert all(0.0 <= r.score <= 1.0 for r in results)


def test_the_words_of_every_template_in_one_long_line(bundled_engine):
    """Every template's words present (so each is matched), in a 250 K-character line: the
    regex of a template with placeholders rescanned the line from each occurrence of its
    first words (over a minute); the start of a placeholder is now fixed once."""
    from flaskref.messages import literal_words

    templates = [t for e in bundled_engine.entries() for t in e.errors]
    line = " ".join(sorted({w for t in templates for w in literal_words(t)}))
    text = (line + " ") * (250_000 // len(line))
    results, took = timed(bundled_engine.search, text)
    assert took < SLOW, f"search took {took:.1f}s"
    errors = "\n".join(f"RuntimeError: {line[:4000]}" for _ in range(60))
    results, took = timed(bundled_engine.search, errors)
    assert took < SLOW, f"search took {took:.1f}s"


def test_a_long_paste_keeps_its_tail_and_says_so():
    head = "\n".join(f"noise line {i}" for i in range(10_000))
    tail = "Traceback (most recent call last):\n" + FRAME + "\nKeyError: 'username'"
    text, cut = cap_paste(head + "\n" + tail)
    assert cut and text.endswith(tail) and text.count("\n") == MAX_LINES - 1
    parsed = parse(head + "\n" + tail)
    assert parsed.truncated and parsed.primary.line == "KeyError: 'username'"
    assert not parse(tail).truncated


def test_a_cut_keeps_whole_lines_within_the_character_cap():
    text, cut = cap_paste(("y" * 999 + "\n") * 1000)  # 1,000 lines of 1,000 characters
    assert cut and len(text) <= MAX_CHARS
    assert set(text.split("\n")) <= {"y" * 999, ""}  # the first partial line was dropped
    same, cut = cap_paste("short paste")
    assert same == "short paste" and not cut


def test_one_huge_line_is_cut_to_its_end():
    text, cut = cap_paste("z" * (MAX_CHARS * 2) + "KeyError: 'x'")
    assert cut and len(text) == MAX_CHARS and text.endswith("KeyError: 'x'")


def test_blank_lines_inside_a_message_are_still_part_of_it():
    text = "Traceback (most recent call last):\n" + FRAME + "\nRuntimeError: first\n\n\n\nsecond"
    assert parse(text).primary.message == "first\n\n\n\nsecond"
    chained = text + "\n\nDuring handling of the above exception, another exception occurred:\n"
    assert parse(chained).primary.message == "first\n\n\n\nsecond"


def test_query_terms_are_capped_keeping_the_primary_error():
    text = "RuntimeError: Working outside of application context.\n" + words(5_000)
    weighted = search._weighted_terms(parse(text))
    terms, core = weighted.search, weighted.core
    assert len(terms) == search.MAX_TERMS
    assert {"work", "outsid", "applic", "context"} <= set(terms)
    assert set(core) <= set(terms)


def test_overlong_terms_are_not_searched_and_long_words_not_fuzzed(bundled_engine, monkeypatch):
    terms = search._weighted_terms(parse("frobnicate " + "q" * 500)).search
    assert "q" * 500 not in terms and all(len(t) <= search.MAX_TERM_CHARS for t in terms)
    index = bundled_engine._index
    real_search = index.search
    fuzzy_asked: list[tuple[str, ...]] = []

    def watched(*args, **kwargs):
        fuzzy_asked.append(kwargs["fuzzy"])
        return real_search(*args, **kwargs)

    monkeypatch.setattr(index, "search", watched)
    bundled_engine.search("frobnicatr " + "x" * 40)
    assert fuzzy_asked == [("frobnicatr",)]  # the 40-letter word is not looked up fuzzily
