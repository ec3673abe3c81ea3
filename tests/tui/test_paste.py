"""Pastes as terminals deliver them: colours and cursor codes, through Textual's own parser."""

import random
from pathlib import Path

import pytest
from textual import events
from textual._xterm_parser import XTermParser
from textual.widgets.input import Selection

from flaskref.tui.app import FlaskrefApp
from flaskref.tui.paste import PASTE_END, PASTE_START, PasteFilter, label, normalise, strip_escapes
from flaskref.tui.terminal import paste_safe_parser
from flaskref.tui.widgets import QueryBox

from .conftest import FIXTURE_KB, settle

# Real `pytest --color=yes` output of a failing test (Flask's app-context error).
COLOURED = (Path(__file__).parent / "pytest_colour.txt").read_text()
PLAIN_LINES = [strip_escapes(line) for line in COLOURED.splitlines()]


def parse_terminal_input(data: str, filtered: bool, seed: int = 0) -> list:
    """Feed raw terminal input to the driver's parser (or Textual's) in reads of random sizes."""
    parser = paste_safe_parser()() if filtered else XTermParser()
    rng = random.Random(seed)
    events_out, pos = [], 0
    while pos < len(data):
        size = rng.randint(1, 64)
        events_out += parser.feed(data[pos : pos + size])
        pos += size
    return events_out + list(parser.feed(""))


@pytest.mark.parametrize("seed", range(5))
def test_a_coloured_paste_reaches_the_app_whole_through_the_real_parser(seed):
    raw = PASTE_START + COLOURED.replace("\n", "\r") + PASTE_END  # CRs, as terminals paste
    got = parse_terminal_input(raw, filtered=True, seed=seed)
    assert [type(e) for e in got] == [events.Paste]
    pasted = [line.rstrip() for line in normalise(got[0].text).splitlines()]
    assert pasted == [line.rstrip() for line in PLAIN_LINES]


def test_without_the_filter_textual_turns_the_escapes_into_keystrokes():
    """Why the filter exists: the same input unfiltered loses lines to key events."""
    raw = PASTE_START + COLOURED.replace("\n", "\r") + PASTE_END
    got = parse_terminal_input(raw, filtered=False)
    assert any(isinstance(e, events.Key) for e in got)
    pasted = next(e for e in got if isinstance(e, events.Paste))
    assert len(normalise(pasted.text).splitlines()) < len(PLAIN_LINES)


def test_keys_outside_pastes_pass_the_filter_untouched():
    keys = "a\x1b[A\x1b[<0;10;5M\x1b\x1bOP\x1b[1;5C"  # a, up, mouse, escape, F1, ctrl+right
    paste_filter = PasteFilter()
    assert "".join(paste_filter.feed(ch) for ch in keys) == keys
    data = keys + PASTE_START + "x\x1b[31my" + PASTE_END + keys
    assert PasteFilter().feed(data) == keys + PASTE_START + "xy" + PASTE_END + keys


@pytest.mark.parametrize(
    "text, clean",
    [
        ("\x1b[1m\x1b[31mE   boom\x1b[0m", "E   boom"),  # SGR
        ("\x1b]0;title\x07text", "text"),  # OSC ended by BEL
        ("\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "link"),  # OSC 8 hyperlink, ended by ST
        ("\x1b(Bplain\x1b)0", "plain"),  # charset selection
        ("\x1b7saved\x1b8", "saved"),  # save/restore cursor
        ("\x1bPq#0;2;0;0;0\x1b\\after", "after"),  # DCS (sixel)
        ("\x1b[2K\rline", "\rline"),  # erase line
        ("[1m=== test session starts ===[0m", "=== test session starts ==="),  # ESC lost
        ("(B[m[31mred[39;49;00m", "red"),  # tput's reset, ESC lost
        ("cut at the end \x1b[3", "cut at the end "),
        ("bell\x07 and \x08backspace", "bell and backspace"),
        ("list[1] and dict['m'] stay", "list[1] and dict['m'] stay"),
    ],
)
def test_strip_escapes(text, clean):
    assert strip_escapes(text) == clean


def test_the_label_is_the_error_line_pytest_e_lines_included():
    assert label(normalise(COLOURED)) == "RuntimeError: Working outside of application context."
    assert label("=== FAILURES ===\nE       assert 404 == 200\nE        +  where 404") == (
        "assert 404 == 200"
    )
    assert label("just some words\nand more") == "just some words"


async def test_a_coloured_paste_finds_its_entry_and_shows_the_error_line_from_its_start():
    app = FlaskrefApp(kb_dirs=[FIXTURE_KB])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        box = app.query_one(QueryBox)
        box.post_message(events.Paste(COLOURED.replace("\n", "\r")))
        await settle(pilot)
        assert app.current.id == "working-outside-app-context"
        assert box.value == "RuntimeError: Working outside of application context.  (+38 lines)"
        assert box.cursor_position == 0 and box.selection == Selection(len(box.value), 0)
        assert box.query_text.count("\n") == 38 and "\x1b" not in box.query_text
        await pilot.press(*"csrf")  # typing replaces the paste
        assert box.value == "csrf"


async def test_a_one_line_paste_is_inserted_without_its_escapes():
    app = FlaskrefApp(kb_dirs=[FIXTURE_KB])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        box = app.query_one(QueryBox)
        box.post_message(events.Paste("\x1b[31mTemplateNotFound\x1b[0m"))
        await settle(pilot)
        assert box.value == "TemplateNotFound"
        assert app.current.id == "template-not-found"
