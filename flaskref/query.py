"""Reading what people paste: tracebacks, log lines, error pages, or a few words.

`parse()` turns the text into a `ParsedQuery`: the exceptions it shows (the last one is the
primary; earlier ones in a chain are evidence), the stack frames split into the user's code and
the libraries it went through, an HTTP status, and the words that are left. Pure Python and
regexes, no index: the ranking in `search.py` decides what the pieces are worth.
"""

from __future__ import annotations

import re

from flaskref.record import Record
from flaskref.sanitize import strip_escapes

#: A paste is read from its end, where the error is: at most this many characters and lines.
MAX_CHARS = 256 * 1024
MAX_LINES = 5000

# Line prefixes added by log formatters, docker compose, pytest and friends; applied repeatedly.
# The first group starts a new log record: a message's continuation lines stop there.
_RECORD_PREFIXES = [
    re.compile(
        r"^\[?\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:[.,]\d+)?"
        r"(?:\s?(?:[+-]\d\d:?\d\d|Z|UTC))?\]?:?\s*"
    ),
    re.compile(r"^\[\d+\]\s+"),  # gunicorn "[1234] "
    re.compile(r"^\[(?:ERROR|WARNING|WARN|INFO|DEBUG|CRITICAL)\]\s*"),
    re.compile(r"^(?:ERROR|WARNING|INFO|DEBUG|CRITICAL)/[\w\-]+\]\s*"),  # celery, after its date
    re.compile(r"^(?:ERROR|WARNING|INFO|DEBUG|CRITICAL)\s+in\s+[\w.]+:\s*"),  # flask app.logger
    re.compile(r"^(?:ERROR|WARNING|CRITICAL)(?::[\w.\-]+)+:\s*"),  # logging.basicConfig
]
_CARRIER_PREFIXES = [
    re.compile(r"^[\w.\-]+\s+\|\s?"),  # docker compose: "web-1  | "
    re.compile(r"^E\s{1,6}(?=\S)"),  # pytest
]
_FRAME = re.compile(r'^\s*File "(?P<path>[^"]+)", line (?P<line>\d+)(?:, in (?P<func>.*))?$')
_TB_HEAD = re.compile(r"^\s*Traceback \(most recent call last\):?\s*$")
_CHAIN = re.compile(
    r"^\s*(?:During handling of the above exception, another exception occurred|"
    r"The above exception was the direct cause of the following exception)\s*:?\s*$"
)
# A dotted class name. Searches start it only where a name starts (not inside `a.b.Name`),
# and a part never gives back characters: unanchored, the pattern would otherwise rescan a
# long token from each of its characters (quadratic time).
_NAME = r"(?<!\w)(?<!\w\.)(?:[A-Za-z_]\w*+\.)*[A-Z]\w*"
_EXC_LINE = re.compile(rf"^(?P<type>{_NAME})(?::\s*(?P<msg>.*))?$")
_EXC_INLINE = re.compile(
    rf"(?P<type>{_NAME}(?:Error|Exception|Exit|Warning|NotFound|Interrupt))(?::\s+(?P<msg>.+))?"
)
_EXC_REPR = re.compile(
    rf"(?P<type>{_NAME}(?:Error|Exception|Warning))\("
    r"(?:'(?P<msg1>(?:[^'\\\n]|\\.)*+)'|\"(?P<msg2>(?:[^\"\\\n]|\\.)*+)\")\)"
)
EXCEPTION_SUFFIX = re.compile(r"(?:Error|Exception|Exit|Warning|NotFound|Interrupt|Found)$")
"""How Python's exception classes are usually named; the catalog lists the others."""
_HTTP_PAGE = re.compile(
    r"^(?P<code>[1-5]\d\d)\s+(?P<reason>[A-Z][A-Za-z' ]+?)(?::\s*(?P<msg>.*))?$"
)
_HTTP_LOG = re.compile(
    r'"(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) \S+ HTTP/[\d.]+"\s+(?P<code>[1-5]\d\d)\b'
)
_SITE = re.compile(r"(?:site|dist)-packages/+(?P<lib>[A-Za-z_][\w]*)")
_STDLIB = re.compile(r"/(?:lib|Lib)/python\d(?:\.\d+)?/(?P<mod>[A-Za-z_]\w*)")
_CARETS = re.compile(r"^[\^~\s]+$")


class Frame(Record):
    path: str
    line: int
    function: str
    source: str
    library: str | None
    """The package the frame is in (`flask`, `sqlalchemy`), `python` for the standard library,
    None for the user's own code."""


class RaisedError(Record):
    type: str
    """As written: `werkzeug.routing.exceptions.BuildError` or `BuildError`."""
    message: str

    @property
    def name(self) -> str:
        return self.type.rsplit(".", 1)[-1]

    @property
    def line(self) -> str:
        return f"{self.type}: {self.message}" if self.message else self.type


class ParsedQuery(Record):
    raw: str
    text: str
    """The paste with colour codes and log prefixes removed."""
    errors: tuple[RaisedError, ...] = ()
    frames: tuple[Frame, ...] = ()
    http_status: int | None = None
    words: str = ""
    """What is left once frames and exception lines are taken out: a question, a log line."""
    is_traceback: bool = False
    truncated: bool = False
    """Only the end of a long paste was read (see `cap_paste`)."""

    @property
    def primary(self) -> RaisedError | None:
        return self.errors[-1] if self.errors else None

    @property
    def evidence_text(self) -> tuple[str, ...]:
        """The earlier exceptions of a chain, as lines: evidence beside the primary one."""
        return tuple(e.line for e in self.errors[:-1])

    @property
    def libraries(self) -> tuple[str, ...]:
        """Libraries the stack went through, the one that raised last."""
        seen: list[str] = []
        for f in self.frames:
            if f.library and f.library != "python":
                if f.library in seen:
                    seen.remove(f.library)
                seen.append(f.library)
        return tuple(seen)

    @property
    def import_cycle(self) -> bool:
        """Whether the frames show a module imported again while it was still being imported
        (the same file twice at module level): a circular import, whatever the message says."""
        seen: set[str] = set()
        for f in self.frames:
            if f.function == "<module>" and f.library is None:
                if f.path in seen:
                    return True
                seen.add(f.path)
        return False

    @property
    def is_empty(self) -> bool:
        return not self.text.strip()

    def summary(self) -> str:
        """One line for a long paste: the primary error, or the first words."""
        if self.primary:
            return self.primary.line.splitlines()[0]
        first = next((ln for ln in self.text.splitlines() if ln.strip()), "")
        return first.strip()


def cap_paste(text: str) -> tuple[str, bool]:
    """The end of a long paste, where the error is, and whether anything was cut.

    At most `MAX_LINES` lines and `MAX_CHARS` characters are kept, starting at a whole line,
    so parsing and ranking take bounded time and memory whatever is pasted or piped.
    """
    if len(text) <= MAX_CHARS and text.count("\n") < MAX_LINES:
        return text, False
    tail = text[-MAX_CHARS:]
    lines = tail.split("\n")
    keep = lines[-MAX_LINES:]
    if len(keep) == len(lines) and len(tail) < len(text) and len(keep) > 1:
        keep = keep[1:]  # the first line was cut in the middle
    return "\n".join(keep), True


def clean(text: str) -> str:
    """Strip colour codes and log prefixes, normalise line endings."""
    return "\n".join(line for line, _ in _clean_lines(text)).strip("\n")


def _clean_lines(text: str) -> list[tuple[str, bool]]:
    """Each line without its prefixes, and whether it began a new log record."""
    text = strip_escapes(text).replace("\r\n", "\n").replace("\r", "\n")
    out = []
    for line in text.split("\n"):
        line = line.rstrip()
        record = False
        for _ in range(4):
            before = line
            for prefix in _CARRIER_PREFIXES:
                line = prefix.sub("", line, count=1)
            for prefix in _RECORD_PREFIXES:
                stripped = prefix.sub("", line, count=1)
                record = record or stripped != line
                line = stripped
            if line == before:
                break
        out.append((line, record))
    start, end = 0, len(out)
    while start < end and not out[start][0].strip():
        start += 1
    while end > start and not out[end - 1][0].strip():
        end -= 1
    return out[start:end]


# Lines a server prints on every start or for every request: in a pasted log they explain
# nothing that went wrong, so they give way to whatever did (see `_routine_lines`).
_ROUTINE = re.compile(
    r"^\s*(?:\*\s*(?:Serving Flask app|Debug mode:|Running on|Restarting with|Debugger is active"
    r"|Debugger PIN|Detected change in|Environment:|Tip: There are \.env)"
    r"|WARNING: This is a development server|Use a production WSGI server instead"
    r"|Press CTRL\+C to quit|Starting gunicorn|Listening at: |Using worker: |Booting worker with"
    r"|Handling signal: |Worker exiting |Shutting down: Master"
    r"|INFO:\s+(?:Started server process|Waiting for application startup"
    r"|Application startup complete|Uvicorn running on|Started reloader process))"
)


def _routine_lines(lines: list[str]) -> set[int]:
    """The routine lines of a log (banners, successful requests), if anything else in it is an
    event: an exception, a traceback, a request answered 4xx or 5xx. A paste of nothing but
    routine lines keeps them: then they are what the question is about."""
    routine: set[int] = set()
    event = False
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        request = _HTTP_LOG.search(line)
        if _ROUTINE.match(line) or (request and int(request.group("code")) < 400):
            routine.add(i)
        elif not event and (
            request or _FRAME.match(line) or _TB_HEAD.match(line) or _inline_errors(line)
        ):
            event = True
    return routine if event else set()


def parse(raw: str) -> ParsedQuery:
    """Parse whatever was pasted or typed (of a long paste, its end: see `cap_paste`)."""
    raw, truncated = cap_paste(raw)
    cleaned = _clean_lines(raw)
    routine = _routine_lines([line for line, _ in cleaned])
    if routine:
        cleaned = [c for i, c in enumerate(cleaned) if i not in routine]
    lines = [line for line, _ in cleaned]
    starts = {i for i, (_, record) in enumerate(cleaned) if record}
    text = "\n".join(lines)
    frames: list[Frame] = []
    errors: list[RaisedError] = []
    leftover: list[str] = []
    http_status = None
    is_tb = any(_TB_HEAD.match(ln) for ln in lines) or any(_FRAME.match(ln) for ln in lines)

    i = 0
    while i < len(lines):
        line = lines[i]
        frame = _FRAME.match(line)
        if frame:
            source = ""
            j = i + 1
            while (
                j < len(lines) and lines[j].startswith((" ", "\t")) and not _FRAME.match(lines[j])
            ):
                if not _CARETS.match(lines[j]) and not source:
                    source = lines[j].strip()
                j += 1
            frames.append(_frame(frame, source))
            i = j
            if is_tb and j < len(lines) and not lines[j].startswith((" ", "\t")):
                i = _exception_after_frames(lines, j, errors, starts)
            continue
        if _TB_HEAD.match(line) or _CHAIN.match(line) or not line.strip():
            i += 1
            continue
        status = _HTTP_LOG.search(line)
        if status:
            if http_status is None or http_status < 400 or int(status.group("code")) >= 400:
                http_status = int(status.group("code"))  # the last failed request wins
            i += 1  # its address, date and path say nothing about the problem
            continue
        page = _HTTP_PAGE.match(line.strip())
        if page and not errors:
            http_status = int(page.group("code"))
            errors.append(
                RaisedError(f"{page.group('code')} {page.group('reason')}", page.group("msg") or "")
            )
            i += 1
            continue
        found = _inline_errors(line)
        if found:
            errors.extend(found)
            before = line.strip().split(found[0].type, 1)[0].strip()
            if before:  # "With Flask-SQLAlchemy query, I get RuntimeError: ..."
                leftover.append(before)
            # A bare message's continuation lines (wrapped text) belong to it.
            j = i + 1
            more = []
            while (
                j < len(lines)
                and lines[j].strip()
                and j not in starts
                and not _looks_structural(lines[j])
                and not is_tb
            ):
                more.append(lines[j].strip())
                j += 1
            if more:
                last = errors[-1]
                errors[-1] = RaisedError(last.type, "\n".join([last.message, *more]))
            i = j
            continue
        leftover.append(line.strip())
        i += 1

    words = " ".join(leftover)
    return ParsedQuery(
        raw=raw,
        text=text,
        errors=tuple(errors),
        frames=tuple(frames),
        http_status=http_status,
        words=words,
        is_traceback=is_tb,
        truncated=truncated,
    )


def _frame(m: re.Match[str], source: str) -> Frame:
    path = m.group("path").replace("\\", "/")  # Windows paths, pasted or JSON-escaped
    lib = None
    found = list(_SITE.finditer(path))
    site = found[-1] if found else None  # the innermost site-packages, for nested venvs
    if site:
        lib = site.group("lib")
        if lib.endswith(".py"):
            lib = lib[:-3]
    elif _STDLIB.search(path):
        lib = "python"
    return Frame(path, int(m.group("line")), (m.group("func") or "").strip(), source, lib)


def _exception_after_frames(
    lines: list[str], j: int, errors: list[RaisedError], starts: set[int]
) -> int:
    """Read the exception line after a traceback's frames, with its continuation lines."""
    m = _EXC_LINE.match(lines[j].strip())
    if not m:
        return j
    message = [m.group("msg") or ""]
    k = j + 1
    while k < len(lines):
        ln = lines[k]
        if k in starts or _TB_HEAD.match(ln) or _CHAIN.match(ln) or _FRAME.match(ln):
            break
        if not ln.strip():
            # Blank lines inside a message (Flask's context errors have one) continue it,
            # unless what follows is a chain marker or a new traceback.
            q = k + 1
            while q < len(lines) and not lines[q].strip():
                q += 1
            nxt = lines[q] if q < len(lines) else ""
            if not nxt or _CHAIN.match(nxt) or _TB_HEAD.match(nxt) or _FRAME.match(nxt):
                break
            stop = next((b for b in range(k + 1, q) if b in starts), q)
            message.extend([""] * (stop - k))
            k = stop
            continue
        message.append(ln.strip())
        k += 1
    text = "\n".join(message).strip()
    errors.append(RaisedError(m.group("type"), text))
    # "TaskException: RuntimeError: ..." names the real error inside the message.
    inner = _inline_errors(text.split("\n", 1)[0])
    if inner and inner[0].type != m.group("type"):
        errors.extend(inner)
    return k


def _inline_errors(line: str) -> list[RaisedError]:
    """Errors named inside a log line: `Foo: RuntimeError: msg`, `raised: KeyError('x')`."""
    found: list[RaisedError] = []
    for m in _EXC_REPR.finditer(line):
        msg = m.group("msg1") if m.group("msg1") is not None else m.group("msg2")
        msg = msg.replace("\\n", "\n").replace("\\'", "'").replace('\\"', '"')
        found.append(RaisedError(m.group("type"), msg))
    if found:
        return found
    stripped = line.strip()
    m = _EXC_LINE.match(stripped)
    if (
        m
        and (
            EXCEPTION_SUFFIX.search(m.group("type"))
            or "." in m.group("type")
            or (m.group("msg") and m.group("type") in _unsuffixed_exceptions())
        )
        and (m.group("msg") is not None or EXCEPTION_SUFFIX.search(m.group("type")))
    ):
        found.append(RaisedError(m.group("type"), (m.group("msg") or "").strip()))
        inner = _EXC_INLINE.match((m.group("msg") or "").strip())
        if inner and inner.group("msg"):
            found.append(RaisedError(inner.group("type"), inner.group("msg").strip()))
        return found
    m2 = _EXC_INLINE.search(stripped)
    if m2 and m2.group("msg") and m2.start() > 0:
        found.append(RaisedError(m2.group("type"), m2.group("msg").strip()))
    return found


def _unsuffixed_exceptions() -> frozenset[str]:
    """The libraries' exception classes whose names do not end like one (`BadSignature`),
    read from the message catalog the first time a line could start with one."""
    global _UNSUFFIXED
    if _UNSUFFIXED is None:
        from flaskref.catalog import exception_names

        _UNSUFFIXED = exception_names()
    return _UNSUFFIXED


_UNSUFFIXED: frozenset[str] | None = None


def _looks_structural(line: str) -> bool:
    return bool(
        _FRAME.match(line) or _TB_HEAD.match(line) or _CHAIN.match(line) or _HTTP_LOG.search(line)
    )
