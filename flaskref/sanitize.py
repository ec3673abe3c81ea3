"""Text from a paste, an entry or a file name, made safe to parse or to show on a terminal.

Anything flaskref prints may come from someone else: a `--kb` entry, a pasted log, a file
name. A terminal obeys escape sequences in it (OSC 52 writes the clipboard, CSI clears the
screen, a bare CR overwrites the line before), so every non-JSON output path passes its text
through `sanitize()`. Parsing a paste needs less: `strip_escapes()` removes colour codes and
keeps the text. JSON escapes control characters itself and only needs `escape_surrogates()`.

The pattern follows ECMA-48: CSI, the string sequences (OSC, DCS, SOS, PM, APC) ended by BEL
or ST, charset designations such as `tput sgr0`'s `ESC ( B` and every other two-byte ESC
sequence, and the 8-bit C1 forms. Every branch is linear: no nested or overlapping repeats.
"""

from __future__ import annotations

import re

ESCAPE_SEQUENCE = re.compile(
    r"""
    (?:\x1b\[|\x9b) [\x30-\x3f]* [\x20-\x2f]* [\x40-\x7e]     # CSI: colours, cursor, erase
  | (?:\x1b[\]P^_X]|[\x90\x98\x9d-\x9f])                      # OSC, DCS, SOS, PM, APC ...
    [^\x07\x1b\x9c\n]* (?:\x07|\x1b\\|\x9c)?                  # ... to BEL or ST (or the line end)
  | \x1b [\x20-\x2f]* [\x30-\x7e]                             # ESC ( B, ESC 7, ESC c, ESC = ...
    """,
    re.VERBOSE,
)
"""A complete escape sequence: CSI, string sequences, charset and other ESC sequences.

An unterminated string sequence ends at the line's end, so a stray `ESC ]` in a paste never
swallows the rest of it; what remains of a broken sequence holds no ESC, so it is inert.
"""

# C0 controls but tab and newline, DEL, and C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Lone surrogates: Python's stand-ins for bytes of argv or a file name that are not UTF-8.
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def strip_escapes(text: str) -> str:
    """The text without escape sequences (colour codes in a pasted log), all else kept."""
    return ESCAPE_SEQUENCE.sub("", text)


def sanitize(text: str) -> str:
    """Text that is safe to write to a terminal, for every non-JSON output.

    Escape sequences and control characters are removed, except newline and tab (CR too: a
    CRLF becomes a newline); bytes that were not UTF-8 are shown as `\\xNN`.
    """
    text = strip_escapes(text)
    text = _CONTROL.sub("", text)
    return escape_surrogates(text)


def escape_surrogates(text: str) -> str:
    """Undecodable bytes (kept by Python as lone surrogates) written as `\\xNN` text.

    A surrogate cannot be encoded as UTF-8: printed as it is, it crashes a strict UTF-8
    stream or, with `surrogateescape`, writes invalid UTF-8 (invalid JSON among others).
    """
    if not _SURROGATE.search(text):
        return text
    return _SURROGATE.sub(_surrogate_text, text)


def _surrogate_text(m: re.Match[str]) -> str:
    code = ord(m.group())
    if 0xDC80 <= code <= 0xDCFF:  # surrogateescape: the byte it stands for
        return f"\\x{code - 0xDC00:02x}"
    return f"\\u{code:04x}"
