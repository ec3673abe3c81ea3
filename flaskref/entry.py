"""One KB entry: the immutable `Entry`, and parsing a Markdown file into one.

Parsing needs PyYAML and markdown-it-py, which cost more to import than a whole lookup may
take; they are imported inside `parse_file`, so code that only handles `Entry` objects rebuilt
from the index (the one-shot lookup) never loads them. Records are `Record`s (typed tuples,
`record.py`) rather than frozen dataclasses for the same reason: `dataclasses` (with
`inspect`) adds ~7 ms to a lookup.
"""

from __future__ import annotations

import os
import re
import stat
from functools import lru_cache

from flaskref.paths import StrPath
from flaskref.record import Record

TOPICS: dict[str, str] = {
    "app-context": "Application context: current_app, g, app_context()",
    "request-context": "Request context: request, session, url_for outside a request",
    "circular-imports": "Circular imports, the app factory, init_app",
    "sessions-security": "Sessions, SECRET_KEY, cookies, CSRF",
    "debug-mode": "Debug mode, the debugger and the reloader",
    "blueprints": "Blueprints, endpoints and url_for",
    "sqlalchemy": "Flask-SQLAlchemy and SQLAlchemy sessions",
    "production": "Deployment: WSGI servers, proxies, static files",
    "common-mistakes": "Views, responses, request data, HTTP errors",
    "templates": "Jinja templates and static files",
    "cli": "The flask command and finding the app",
    "extensions": "Flask-Login, Flask-CORS and other extensions",
    "migrations": "Flask-Migrate and Alembic",
    "upgrades": "Errors after upgrading Flask, Werkzeug, Jinja2",
}

REQUIRED = ("id", "title", "topic", "tags", "symptom", "fix")
LISTS = ("tags", "exceptions", "errors", "seed", "see_also")
KNOWN = frozenset(REQUIRED + LISTS + ("versions",))
REQUIRED_SECTIONS = ("Why", "Fix")
#: An entry is a few kilobytes; anything much larger is not one (and would cost memory).
MAX_FILE_BYTES = 256 * 1024

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_SEED = re.compile(r"^S(0[1-9]|[12][0-9]|3[0-3])$")
_BAD_BRACE = re.compile(r"(?<!\{)\{(?![A-Za-z_][A-Za-z0-9_]*\}|\{)")


#: Notes a `python right` block may carry after its label, saying why the test suite cannot
#: run it on its own: the tests run every other `right` block and expect it to exit 0.
BLOCK_NOTES = {
    "excerpt": "uses names defined elsewhere (another file of the project, the code above)",
    "service": "needs a server or a package the tests do not install (Redis, SMTP, Celery)",
    "server": "starts serving and does not exit by itself",
}
#: Labels whose blocks the test suite always runs: a note cannot excuse them.
RUN_LABELS = ("reproduce", "fixed")


class CodeBlock(Record):
    """A fenced block; `label` is the word after the language (wrong, right, reproduce...),
    `note` the word after the label, if any (see `BLOCK_NOTES`)."""

    lang: str
    label: str
    code: str
    line: int
    note: str = ""


class Entry(Record):
    id: str
    title: str
    topic: str
    tags: tuple[str, ...]
    symptom: str
    fix: str
    path: str
    exceptions: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()
    seed: tuple[str, ...] = ()
    versions: tuple[tuple[str, str], ...] = ()
    see_also: tuple[str, ...] = ()
    body: str = ""
    blocks: tuple[CodeBlock, ...] = ()

    def code(self, label: str) -> list[CodeBlock]:
        return [b for b in self.blocks if b.label == label]

    @property
    def right_code(self) -> str | None:
        """The first block showing the right way, for the one-shot output and "copy code"."""
        blocks = self.code("right")
        return blocks[0].code if blocks else None

    def to_dict(self) -> dict[str, object]:
        data = self._asdict()
        data["blocks"] = [b._asdict() for b in self.blocks]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Entry:
        """Rebuild an entry stored in the index (JSON turned the tuples into lists)."""
        data = dict(data)
        for name in LISTS:
            data[name] = tuple(data.get(name) or ())
        data["versions"] = tuple(tuple(pair) for pair in data.get("versions") or ())
        data["blocks"] = tuple(CodeBlock(**b) for b in data.get("blocks") or ())
        return cls(**data)


class Problem(Record):
    """Something wrong with a KB file, printed as `path:line: message`."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class _Parse:
    """What parsing one file has found so far."""

    def __init__(self, path: StrPath) -> None:
        self.path = os.fspath(path)
        self.problems: list[Problem] = []
        self.fm_lines: list[str] = []
        self.unusable = False
        """A problem that keeps the entry out of the index (reported all the same)."""

    def add(self, line: int, message: str, *, unusable: bool = False) -> None:
        self.problems.append(Problem(self.path, line, message))
        self.unusable = self.unusable or unusable

    def field_line(self, name: str) -> int:
        """The file line of a front-matter key, so a message points where to edit."""
        pattern = re.compile(rf"^{re.escape(name)}\s*:")
        for i, text in enumerate(self.fm_lines):
            if pattern.match(text):
                return i + 2  # line 1 is the opening '---'
        return 1


def parse_file(path: StrPath) -> tuple[Entry | None, list[Problem]]:
    """Parse one entry file; the entry is None when it is too broken to index."""
    entry, problems, _ = read_entry(path)
    return entry, problems


def read_entry(path: StrPath) -> tuple[Entry | None, list[Problem], bytes | None]:
    """`parse_file`, and the bytes it parsed (None if the file could not be read): the index
    keeps their digest to tell an edited file from a touched one."""
    state = _Parse(path)
    data = _read(state, path)
    if data is None:
        return None, state.problems, None
    entry, problems = _parse_data(state, data)
    return entry, problems, data


def _parse_data(state: _Parse, data: bytes) -> tuple[Entry | None, list[Problem]]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        state.add(1, f"not UTF-8 text ({exc.reason} at byte {exc.start})")
        return None, state.problems
    text = text.replace("\r\n", "\n").lstrip("\ufeff")
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        state.add(1, "no front matter: the file must start with a '---' line")
        return None, state.problems
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        state.add(1, "front matter is not closed: add a '---' line after it")
        return None, state.problems
    state.fm_lines = lines[1:end]
    body_offset = end + 1  # the body's first line is file line end + 2
    meta = _load_yaml(state, "\n".join(state.fm_lines))
    if meta is None:
        return None, state.problems
    body = "\n".join(lines[end + 1 :])
    blocks, sections = _parse_body(state, body, body_offset)
    entry = _build(state, meta, body, blocks, sections)
    return entry, state.problems


def _read(state: _Parse, path: StrPath) -> bytes | None:
    """The file's bytes, if it is a regular file of an entry's size.

    Checked before reading, so a FIFO named `x.md` cannot block a lookup and a link to
    /dev/zero cannot fill the memory; checked again on the opened file, which may have been
    swapped in between.
    """
    try:
        info = os.stat(path)
        if stat.S_ISREG(info.st_mode) and info.st_size <= MAX_FILE_BYTES:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
            with open(fd, "rb") as fh:
                info = os.fstat(fh.fileno())
                data = fh.read(MAX_FILE_BYTES + 1) if stat.S_ISREG(info.st_mode) else b""
    except OSError as exc:
        state.add(1, f"cannot read: {exc.strerror or exc}")
        return None
    if not stat.S_ISREG(info.st_mode):
        state.add(1, "not a regular file (a folder, FIFO or device): skipped")
        return None
    if info.st_size > MAX_FILE_BYTES or len(data) > MAX_FILE_BYTES:
        state.add(1, f"larger than {MAX_FILE_BYTES // 1024} KB: not an entry, skipped")
        return None
    return data


def _yaml_loader():
    """`yaml.SafeLoader` (no Python objects) that also refuses aliases.

    An alias repeats a node; nested, a few hundred bytes of them expand to gigabytes (the
    "billion laughs"). Entries never need them.
    """
    import yaml

    class Loader(yaml.SafeLoader):
        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                mark = self.peek_event().start_mark
                raise yaml.composer.ComposerError(
                    None, None, "aliases (*name) are not allowed in front matter", mark
                )
            return super().compose_node(parent, index)

    return Loader


def _fast_yaml(text: str) -> object:
    """The front matter read by libyaml's safe loader (ten times faster than the pure-Python
    one: most of a large KB's build), or `_SLOW` when the pure-Python loader must read it:
    libyaml missing, a YAML error (its message is the pure-Python loader's), or an alias
    (refused there, see `_yaml_loader`). Both loaders build the same values."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", None)
    if loader is None:
        return _SLOW
    try:
        if "*" in text and any(isinstance(e, yaml.AliasEvent) for e in yaml.parse(text, loader)):
            return _SLOW
        return yaml.load(text, Loader=loader)  # a safe loader, in C
    except (yaml.YAMLError, RecursionError):
        return _SLOW


_SLOW = object()


def _load_yaml(state: _Parse, text: str) -> dict[str, object] | None:
    import yaml

    meta = _fast_yaml(text)
    if meta is not _SLOW:
        if not isinstance(meta, dict):
            state.add(2, "front matter must be a mapping of fields (key: value)")
            return None
        return meta
    try:
        meta = yaml.load(text, Loader=_yaml_loader())  # a SafeLoader: see _yaml_loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        state.add(line, f"bad YAML in front matter: {problem}")
        return None
    except RecursionError:
        state.add(2, "bad YAML in front matter: nested too deeply")
        return None
    if not isinstance(meta, dict):
        state.add(2, "front matter must be a mapping of fields (key: value)")
        return None
    return meta


@lru_cache(maxsize=1)
def _markdown():
    """One CommonMark parser for every entry (making one costs about as much as parsing an
    entry), reading block structure only: headings and fences are all an entry needs, and
    inline parsing was most of the rest."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").disable("inline")


def _parse_body(state: _Parse, body: str, offset: int) -> tuple[list[CodeBlock], list[str]]:
    md_lines = body.split("\n")
    tokens = _markdown().parse(body)
    blocks: list[CodeBlock] = []
    sections: list[str] = []
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open" and tok.tag == "h2":
            sections.append(tokens[i + 1].content.strip())
        if tok.type != "fence" or tok.map is None:
            continue
        start, stop = tok.map
        line = offset + start + 1
        closing = md_lines[stop - 1].strip() if stop - 1 < len(md_lines) else ""
        if stop - start < 2 or not closing.startswith(tok.markup[0] * len(tok.markup)):
            state.add(line, f"code fence opened here is never closed (add a '{tok.markup}' line)")
            continue
        words = tok.info.split()
        lang = words[0].lower() if words else ""
        label = words[1].lower() if len(words) > 1 else ""
        note = " ".join(words[2:]).lower()
        if note and (note not in BLOCK_NOTES or label in RUN_LABELS):
            known = ", ".join(BLOCK_NOTES)
            state.add(
                line,
                f"unknown note '{note}' after '{label}'"
                + (f" (one of: {known})" if label not in RUN_LABELS else ": this block must run"),
            )
        blocks.append(CodeBlock(lang, label, tok.content, line, note))
        if lang == "python":
            import ast

            try:
                ast.parse(tok.content)
            except SyntaxError as exc:
                state.add(line + (exc.lineno or 0), f"python block does not parse: {exc.msg}")
            except (ValueError, RecursionError, MemoryError) as exc:
                state.add(line, f"python block does not parse: {exc or 'nested too deeply'}")
    return blocks, sections


def _build(
    state: _Parse,
    meta: dict[str, object],
    body: str,
    blocks: list[CodeBlock],
    sections: list[str],
) -> Entry | None:
    for key in meta:
        if key not in KNOWN:
            state.add(state.field_line(str(key)), f"unknown field '{key}'")
    for name in REQUIRED:
        value = meta.get(name)
        if value is None or (isinstance(value, str | list) and not value):
            state.add(state.field_line(name), f"missing field '{name}'", unusable=True)
    for name in ("id", "title", "topic", "symptom", "fix"):
        value = meta.get(name)
        if value is not None and not isinstance(value, str):
            unusable = name in ("id", "title", "topic")
            state.add(state.field_line(name), f"'{name}' must be text", unusable=unusable)
    lists: dict[str, tuple[str, ...]] = {}
    for name in LISTS:
        value = meta.get(name) or []
        # Numbers are fine as text ("404", "2006"): YAML reads an unquoted 404 as an int.
        if isinstance(value, list):
            value = [
                str(v) if isinstance(v, int | float) and not isinstance(v, bool) else v
                for v in value
            ]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            state.add(state.field_line(name), f"'{name}' must be a list of non-empty strings")
            value = []
        lists[name] = tuple(v.strip() for v in value)

    # An id names the entry in `show ID`, links and the index: one that is not a plain slug
    # (`../../etc/passwd`) or a topic we do not know keeps the entry out of the index.
    entry_id = meta.get("id")
    if isinstance(entry_id, str) and entry_id:
        if not _ID.match(entry_id):
            state.add(
                state.field_line("id"),
                f"id {entry_id!r}: use lowercase words and '-'",
                unusable=True,
            )
        elif entry_id != os.path.splitext(os.path.basename(state.path))[0]:
            state.add(state.field_line("id"), f"id '{entry_id}' differs from the file name")
    topic = meta.get("topic")
    if isinstance(topic, str) and topic:
        if topic not in TOPICS:
            state.add(state.field_line("topic"), f"unknown topic {topic!r}", unusable=True)
        elif (folder := os.path.basename(os.path.dirname(state.path))) != topic:
            state.add(
                state.field_line("topic"), f"topic '{topic}' differs from the folder '{folder}'"
            )
    fix = meta.get("fix")
    if isinstance(fix, str) and "\n" in fix.strip():
        state.add(state.field_line("fix"), "'fix' must be one line")
    for sid in lists["seed"]:
        if not _SEED.match(sid):
            state.add(state.field_line("seed"), f"unknown seed point '{sid}' (S01-S33)")
    for template in lists["errors"]:
        if _BAD_BRACE.search(template.replace("{{", "").replace("}}", "")):
            state.add(
                state.field_line("errors"),
                f"stray brace in error template {template!r}: write a literal brace as '{{{{'",
            )
    versions = _versions(state, meta.get("versions"))
    for name in REQUIRED_SECTIONS:
        if name not in sections:
            state.add(1, f"missing section '## {name}'")
    if state.unusable:
        return None
    return Entry(
        id=entry_id,
        title=meta["title"].strip(),
        topic=topic,
        tags=lists["tags"],
        symptom=" ".join(str(meta["symptom"]).split()),
        fix=str(meta["fix"]).strip(),
        path=state.path,
        exceptions=lists["exceptions"],
        errors=lists["errors"],
        seed=lists["seed"],
        versions=versions,
        see_also=lists["see_also"],
        body=body.strip("\n"),
        blocks=tuple(blocks),
    )


def _versions(state: _Parse, raw: object) -> tuple[tuple[str, str], ...]:
    if raw is None:
        return ()
    line = state.field_line("versions")
    if not isinstance(raw, dict):
        state.add(line, "'versions' must map a distribution name to a specifier")
        return ()
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    out = []
    for name, spec in raw.items():
        try:
            SpecifierSet(str(spec))
        except InvalidSpecifier:
            state.add(line, f"versions: '{spec}' for {name} is not a version specifier")
            continue
        out.append((str(name).lower(), str(spec)))
    return tuple(out)
