"""The real `flaskref --tui` in a pseudo-terminal: piped tracebacks, pastes, exit statuses."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
TRACEBACK = (HERE / "app_context_traceback.txt").read_text()
COLOURED = (HERE / "pytest_colour.txt").read_text()
CTRL_Q, CTRL_T = b"\x11", b"\x14"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals")


class Terminal:
    """A child process on a fresh 100x30 pseudo-terminal, its standard input a pipe.

    With `controlling`, the terminal is the child's controlling terminal (its /dev/tty), as
    in a shell; without, the child has none (cron, a CI runner).
    """

    def __init__(self, argv: list[str], stdin: str, *, controlling: bool = True) -> None:
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        os.set_blocking(self.master, False)

        def session() -> None:
            os.setsid()
            if controlling:
                fcntl.ioctl(1, termios.TIOCSCTTY, 0)

        env = {**os.environ, "TERM": "xterm-256color"}
        env.pop("NO_COLOR", None)
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=slave,
            stderr=slave,
            env=env,
            preexec_fn=session,
            cwd=HERE,
        )
        os.close(slave)
        self.proc.stdin.write(stdin.encode())
        self.proc.stdin.close()
        self.output = b""

    def _read(self, wait: float) -> None:
        ready, _, _ = select.select([self.master], [], [], wait)
        if ready:
            try:
                self.output += os.read(self.master, 65536)
            except OSError:
                pass

    def wait_for(self, marker: bytes, timeout: float = 60) -> None:
        """Until `marker` has been drawn since the last call."""
        start, deadline = len(self.output), time.monotonic() + timeout
        while marker not in self.output[start:]:
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self._read(0.2)
                if marker in self.output[start:]:
                    return
                raise AssertionError(f"{marker!r} not drawn; output ends {self.output[-600:]!r}")
            self._read(0.05)

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    def exit_status(self, timeout: float = 30) -> int:
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < deadline:
            self._read(0.05)  # keep reading: a full terminal buffer would block the app
        self._read(0.1)
        os.close(self.master)
        if self.proc.poll() is None:
            self.proc.kill()
            raise AssertionError("did not exit")
        return self.proc.returncode


def flaskref(*args: str) -> list[str]:
    return [sys.executable, "-m", "flaskref", *args, "--kb", str(HERE / "kb_fixture")]


def test_a_piped_traceback_is_answered_and_the_keys_still_work():
    term = Terminal(flaskref("--tui"), TRACEBACK)  # python app.py 2>&1 | flaskref --tui
    term.wait_for(b"(+19 lines)")  # the box shows the paste's error line and its size
    term.wait_for(b"Fix:")
    term.send(CTRL_T)  # keys come from the terminal, not the exhausted pipe
    term.wait_for(b"Topics: ")
    term.send(b"\x1b")
    time.sleep(0.3)
    term.send(CTRL_Q)
    assert term.exit_status() == 0


def test_a_coloured_paste_through_the_real_driver_is_kept_whole():
    term = Terminal(flaskref("--tui"), "")  # nothing piped: the query comes as a paste
    term.wait_for(b"Type a topic")
    term.send(b"\x1b[200~" + COLOURED.replace("\n", "\r").encode() + b"\x1b[201~")
    term.wait_for(b"RuntimeError: Working outside of application context.  (+38 lines)")
    term.send(CTRL_Q)
    assert term.exit_status() == 0


def test_without_a_terminal_for_the_keys_it_says_why_and_exits_2():
    term = Terminal(flaskref("--tui"), TRACEBACK, controlling=False)
    status = term.exit_status()
    assert status == 2
    assert b"cannot open the TUI" in term.output and b"/dev/tty" in term.output


def test_a_crash_exits_non_zero():
    crash = (
        "import sys\n"
        "from flaskref.tui import app\n"
        "def broken(self, *args):\n"
        "    raise RuntimeError('boom in the UI')\n"
        "app.FlaskrefApp.on_mount = broken\n"
        "sys.exit(app.run('', ['kb_fixture']))\n"
    )
    term = Terminal([sys.executable, "-c", crash], "")
    assert term.exit_status() == 1
    assert b"boom in the UI" in term.output
