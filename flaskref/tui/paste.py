"""Pastes as terminals deliver them: colour codes, cursor codes and all.

Terminals paste text as it was copied, so pytest or `flask run` output copied with colours
arrives full of escape sequences. Textual's input parser reads an escape inside a bracketed
paste as the start of a key sequence: the escape's characters and up to 32 following ones
become keystrokes, and lines of the paste are lost. `PasteFilter` removes the sequences from
the raw terminal input, inside pastes only, before Textual parses it; `strip_escapes` cleans
any paste text that still holds some, including sequences that lost their ESC byte on the way
(`[1m=== test session starts`).

The escape pattern itself is `flaskref.sanitize`'s; what a paste needs beyond it (sequences
cut between reads, remnants without their ESC byte) stays here.
"""

from __future__ import annotations

import re

from flaskref.query import parse
from flaskref.sanitize import ESCAPE_SEQUENCE

PASTE_START = "\x1b[200~"
PASTE_END = "\x1b[201~"

# The start of a sequence cut off by the end of a read (the rest comes with the next read).
_PARTIAL = re.compile(r"\x1b(?:\[[0-?]*[ -/]*|[\]PX^_][^\x07\x1b]*\x1b?|[ -/]*)\Z")
# Sequences whose ESC byte was lost (copied from a log viewer, eaten by a program on the way):
# colours, erase and cursor codes, the OSC title/hyperlink form, and tput's "(B" reset.
_REMNANT = re.compile(
    r"\[(?:\d{1,3}(?:[;:]\d{1,3})*)?m"
    r"|\[\d{0,3}[JK]"
    r"|\[\?\d{1,4}[hl]"
    r"|\](?:0|1|2|8|133);[^\n\x07]*?(?:\x07|\\)"
    r"|\(B(?=\[[\d;]*m)"
)
# Control characters other than tab and line breaks (BEL, backspace, shift-in/out...).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PYTEST_E = re.compile(r"^E\s{1,12}(?=\S)")
_MAX_PENDING = 4096
"""A string sequence (OSC, DCS) is held back across reads up to this length, then dropped."""


def strip_escapes(text: str) -> str:
    """The text without escape sequences, their ESC-less remnants and control characters."""
    text = _PARTIAL.sub("", text)  # first: "\x1b[3" at the end is no two-character "\x1b["
    text = ESCAPE_SEQUENCE.sub("", text)
    text = _REMNANT.sub("", text)
    return _CONTROL.sub("", text)


def normalise(text: str) -> str:
    """A paste ready for the parser: no escapes, "\\n" line breaks (terminals send CR)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return strip_escapes(text).strip("\n")


def label(text: str) -> str:
    """The one line that stands for a paste in the query box: the real error line.

    The parser's primary error if it found one (a pytest `E   ` line included), else the first
    pytest `E` line, else the first line of text.
    """
    parsed = parse(text)
    if parsed.primary:
        return parsed.primary.line.splitlines()[0]
    for line in text.splitlines():
        if _PYTEST_E.match(line):
            return _PYTEST_E.sub("", line).strip()
    return parsed.summary()


class PasteFilter:
    """Removes escape sequences from raw terminal input while a bracketed paste is open.

    Everything outside pastes (keys, mouse reports, the paste markers) passes through
    untouched, so a lone escape key is never held back. Inside a paste a sequence cut by the
    end of a read waits for the next read.
    """

    def __init__(self) -> None:
        self._in_paste = False
        self._pending = ""
        self._tail = ""  # the end of passed-through input, to spot a start marker cut in two

    def feed(self, data: str) -> str:
        out: list[str] = []
        while data:
            if self._in_paste:
                text, self._pending = self._pending + data, ""
                data = self._paste(text, out)
            else:
                data = self._outside(data, out)
        return "".join(out)

    def _outside(self, data: str, out: list[str]) -> str:
        seen = self._tail + data
        at = seen.find(PASTE_START)
        if at < 0:
            out.append(data)
            self._tail = seen[-(len(PASTE_START) - 1) :]
            return ""
        cut = at + len(PASTE_START) - len(self._tail)  # where the paste starts in `data`
        out.append(data[:cut])
        self._in_paste, self._tail, self._pending = True, "", ""
        return data[cut:]

    def _paste(self, text: str, out: list[str]) -> str:
        """Clean paste text up to its end marker; returns what follows the marker."""
        pos = 0
        while True:
            esc = text.find("\x1b", pos)
            if esc < 0:
                out.append(text[pos:])
                return ""
            out.append(text[pos:esc])
            if text.startswith(PASTE_END, esc):
                out.append(PASTE_END)
                self._in_paste = False
                return text[esc + len(PASTE_END) :]
            if PASTE_END.startswith(text[esc:]) or _PARTIAL.match(text, esc):
                rest = text[esc:]
                self._pending = rest if len(rest) <= _MAX_PENDING else ""
                return ""
            match = ESCAPE_SEQUENCE.match(text, esc)
            pos = match.end() if match else esc + 1
