"""The sanitizer: no escape sequence or control character reaches a terminal."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flaskref.query import parse
from flaskref.sanitize import escape_surrogates, sanitize, strip_escapes

ESC = "\x1b"

# (what a hostile text carries, what is left of it)
SEQUENCES = [
    (f"{ESC}[31mred{ESC}[0m", "red"),
    (f"{ESC}[2J{ESC}[Hcleared", "cleared"),  # clear screen, cursor home
    (f"{ESC}[?1049halt screen", "alt screen"),
    (f"{ESC}(Bsgr0", "sgr0"),  # `tput sgr0` selects the US-ASCII charset
    (f"{ESC}$)Amulti-byte charset", "multi-byte charset"),
    (f"{ESC}]52;c;aGVsbG8=\x07clipboard", "clipboard"),  # OSC 52 ended by BEL
    (f"{ESC}]0;window title{ESC}\\title", "title"),  # OSC ended by ST
    (f"{ESC}]8;;https://evil.example{ESC}\\link{ESC}]8;;{ESC}\\", "link"),
    (f"{ESC}P1$r{ESC}\\dcs", "dcs"),  # DCS
    (f"{ESC}_apc payload{ESC}\\apc", "apc"),
    (f"{ESC}7saved{ESC}8", "saved"),  # cursor save / restore
    (f"{ESC}creset", "reset"),  # full reset
    ("\x9b2Jc1 csi", "c1 csi"),  # 8-bit CSI
    ("\x9d52;c;eA==\x9cc1 osc", "c1 osc"),  # 8-bit OSC ended by 8-bit ST
]


@pytest.mark.parametrize("hostile, left", SEQUENCES)
def test_escape_sequences_are_removed(hostile, left):
    assert sanitize(hostile) == left
    assert strip_escapes(hostile) == left


def test_controls_are_removed_but_newline_and_tab_kept():
    assert sanitize("a\rb\r\nc\x08d\x07e\x00f\x7fg\x85h\tend\n") == "ab\ncdefgh\tend\n"


def test_strip_escapes_keeps_controls_for_the_parser():
    assert strip_escapes("line\r\nnext\x00") == "line\r\nnext\x00"


def test_unterminated_string_sequence_stops_at_the_line_end():
    assert sanitize(f"{ESC}]52;c;never ended\nsecond line") == "\nsecond line"


def test_undecodable_bytes_are_shown_as_escapes():
    raw = b"caf\xe9 \xff".decode("utf-8", "surrogateescape")
    assert sanitize(raw) == "caf\\xe9 \\xff"
    assert escape_surrogates("lone \ud800") == "lone \\ud800"
    assert escape_surrogates("plain é") == "plain é"
    sanitize(raw).encode("utf-8")  # strict UTF-8: no error


@given(st.text())
def test_nothing_a_terminal_obeys_is_left(text):
    out = sanitize(text)
    assert not any(
        ch < " " and ch not in "\n\t" or "\x7f" <= ch <= "\x9f" or "\ud800" <= ch <= "\udfff"
        for ch in out
    )
    out.encode("utf-8")


def test_tput_sgr0_before_an_error_line_parses_as_the_error():
    reset = f"{ESC}(B{ESC}[m"
    parsed = parse(f"{ESC}[1m{ESC}[31mRuntimeError{reset}: Working outside of request context.")
    assert parsed.primary.type == "RuntimeError"
    assert parsed.primary.message == "Working outside of request context."
