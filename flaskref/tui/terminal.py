"""The terminal under the TUI: keys from /dev/tty when stdin is a pipe, pastes kept whole.

`python app.py 2>&1 | flaskref --tui` hands the traceback over on stdin, so the keys have to
come from the terminal itself: Textual's driver reads fd 0, so /dev/tty is opened onto fd 0
once the paste has been read. The driver below also filters escape sequences out of
bracketed pastes before Textual's parser sees them (see `paste.py`).
"""

from __future__ import annotations

import functools
import os

from flaskref.tui.paste import PasteFilter


def attach_keyboard() -> str | None:
    """Make fd 0 the terminal if stdin is not one; returns why it cannot be, or None."""
    if not os.isatty(2):
        return "the TUI draws on standard error, which is not a terminal"
    if os.isatty(0):
        return None
    try:
        fd = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
    except OSError as exc:
        return (
            "standard input is a pipe and the terminal (/dev/tty) cannot be opened for the "
            f"keys ({exc.strerror}); for a one-shot answer use `flaskref -` instead"
        )
    os.dup2(fd, 0)
    os.close(fd)
    return None


@functools.cache
def paste_safe_parser() -> type:
    """Textual's input parser, fed through a `PasteFilter`."""
    from textual._xterm_parser import XTermParser

    class PasteSafeParser(XTermParser):
        def __init__(self, debug: bool = False) -> None:
            super().__init__(debug)
            self._filter = PasteFilter()

        def feed(self, data: str):
            if not data:
                return super().feed(data)  # "" is the end of the input
            cleaned = self._filter.feed(data)  # "" while a cut sequence waits: not the end
            return super().feed(cleaned) if cleaned else ()

    return PasteSafeParser


@functools.cache
def paste_safe_driver() -> type:
    """Textual's Linux/macOS driver with escape sequences removed from pastes."""
    from textual.drivers import linux_driver

    class Driver(linux_driver.LinuxDriver):
        def run_input_thread(self) -> None:
            # LinuxDriver.run_input_thread makes its parser from the module's `XTermParser`;
            # ours behaves the same outside pastes, and only this process's TUI uses it.
            linux_driver.XTermParser = paste_safe_parser()
            super().run_input_thread()

    return Driver
