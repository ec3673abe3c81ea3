"""Standard input and output for the one-shot command, whatever state they are in.

A closed standard input or output, a full disk, a terminal whose encoding lacks a character,
argv bytes that are not UTF-8, a reader that went away: none of these may end in a traceback.
The CLI reports them in one line on standard error (`say`) and exits 2.
"""

from __future__ import annotations

import os
import sys

from flaskref.sanitize import escape_surrogates, sanitize


class UsageError(Exception):
    """Input we cannot use, explained in one line (closed or unreadable standard input)."""


def tolerate_encoding() -> None:
    """A character the output encoding lacks is written escaped, never an error."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def say(message: str) -> None:
    """One line on standard error, prefixed `flaskref: `; silent if there is nowhere to say it."""
    if sys.stderr is None:  # print(file=None) would write to standard output instead
        return
    try:
        print(f"flaskref: {sanitize(message)}", file=sys.stderr)
    except (OSError, ValueError):  # full, or closed while running
        pass


def stdin_is_tty() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def read_stdin(max_chars: int) -> str:
    """Standard input, decoded leniently; of a huge stream only the end stays in memory.

    The paste is cut to its last `max_chars` characters afterwards anyway, so the stream is
    read in chunks and no more than a few times that many bytes are kept.
    """
    if sys.stdin is None:
        raise UsageError("standard input is closed: give the query as words instead")
    stream = getattr(sys.stdin, "buffer", None)
    keep = 4 * max_chars  # bytes enough for max_chars characters of UTF-8
    try:
        if stream is None:
            return sys.stdin.read()[-max_chars:]
        data = bytearray()
        while chunk := stream.read(1 << 16):
            data += chunk
            if len(data) > 2 * keep:
                del data[:-keep]
    except OSError as exc:
        raise UsageError(f"cannot read standard input: {exc.strerror or exc}") from None
    return data.decode("utf-8", errors="replace")


def argv_text(words: list[str]) -> str:
    """Query words as text, their bytes that are not UTF-8 read like standard input's."""
    text = " ".join(words)
    if text.isascii():
        return text
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", errors="replace")
    except UnicodeEncodeError:  # a lone surrogate that no byte stands for
        return escape_surrogates(text)


def write_json(doc: str) -> None:
    """A JSON document as UTF-8 whatever the locale says (RFC 8259)."""
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(doc + "\n")
        return
    sys.stdout.flush()
    buffer.write((doc + "\n").encode("utf-8"))
    buffer.flush()


def detach_stdout() -> None:
    """Point standard output at /dev/null, so the interpreter's last flush cannot fail again."""
    try:
        fd = sys.stdout.fileno()
        devnull = os.open(os.devnull, os.O_WRONLY)
    except (AttributeError, OSError, ValueError):
        return
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)


def use_color(stream) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def width(stream) -> int:
    if not stream.isatty():
        return 80
    try:
        return max(40, min(os.get_terminal_size(stream.fileno()).columns, 120))
    except OSError:
        return 80
