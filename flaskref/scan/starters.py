"""The commands that start a project in production: Procfile, Dockerfile, supervisor/uWSGI
`*.ini`, and `fly.toml`/`railway.toml`/`nixpacks.toml`.

Each file becomes a list of `Command`s (one argv each, shell `&&`/`;` chains and `sh -c` split
apart); `project.py` decides which start the development server and which modules a production
server imports. Development files (`Procfile.dev`, `Dockerfile.dev`) are read but marked.
"""

from __future__ import annotations

import configparser
import json
import re
import shlex
import tomllib

from flaskref.scan.files import SourceFile
from flaskref.scan.model import Command, FileResult
from flaskref.scan.suppress import ignores

PYTHONS = re.compile(r"^(?:.*/)?python(?:\d+(?:\.\d+)?)?$")
RUNNERS = {("poetry", "run"), ("pipenv", "run"), ("uv", "run"), ("pdm", "run"), ("hatch", "run")}
WSGI_SERVERS = frozenset(
    {"gunicorn", "uwsgi", "waitress-serve", "uvicorn", "hypercorn", "daphne", "granian"}
)


def analyze_starter(source: SourceFile) -> FileResult:
    result = FileResult(source.rel)
    try:
        text = source.path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        result.error = f"cannot be read: {exc.strerror or exc}"
        return result
    reader = {
        "procfile": _procfile,
        "dockerfile": _dockerfile,
        "ini": _ini,
        "toml": _toml,
        "shell": _shell,
    }[source.kind]
    try:
        found = list(reader(text))
    except (configparser.Error, tomllib.TOMLDecodeError, ValueError) as exc:
        if source.kind == "toml" or source.kind == "ini":
            # Not every *.ini/*.toml is ours to judge; one we cannot read starts nothing.
            return result
        result.error = f"cannot be read: {exc}"
        return result
    result.ignores = ignores(text.encode("utf-8", "replace"))
    for line, process, command in found:
        for argv in split_commands(command):
            result.commands.append(Command(source.rel, line, argv, process, source.is_dev))
    return result


def split_commands(command: str | list[str]) -> list[tuple[str, ...]]:
    """Simple commands of a shell line or an exec-form list, `sh -c` and `&&` unpacked."""
    if isinstance(command, list):
        words = [str(w) for w in command]
        if len(words) >= 3 and words[0].rsplit("/", 1)[-1] in ("sh", "bash") and "-c" in words:
            return split_commands(words[words.index("-c") + 1])
        return [tuple(_strip(words))] if words else []
    try:
        lexer = shlex.shlex(command, posix=True, punctuation_chars=";&|")
        lexer.whitespace_split = True
        tokens = list(lexer)
    except ValueError:
        tokens = command.split()
    out, current = [], []
    for token in tokens:
        if token and set(token) <= set(";&|"):
            if current:
                out.append(current)
            current = []
        else:
            current.append(token)
    if current:
        out.append(current)
    commands = []
    for words in out:
        words = _strip(words)
        if len(words) >= 3 and words[0].rsplit("/", 1)[-1] in ("sh", "bash") and "-c" in words:
            commands.extend(split_commands(words[words.index("-c") + 1]))
        elif words:
            commands.append(tuple(words))
    return commands


def _strip(words: list[str]) -> list[str]:
    """Drop `exec`, `env`, `VAR=value` and `poetry run`-style prefixes."""
    while words:
        if words[0] in ("exec", "env", "nohup") or re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[0]):
            words = words[1:]
        elif len(words) > 1 and (words[0], words[1]) in RUNNERS:
            words = words[2:]
        else:
            break
    return words


def _shell(text: str):
    """An entrypoint script: each command line (continuations joined), `#` comments dropped."""
    logical, start = "", 0
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not logical:
            if not stripped or stripped.startswith("#"):
                continue
            start = number
        if stripped.endswith("\\"):
            logical += stripped[:-1] + " "
            continue
        yield start, "", logical + stripped
        logical = ""


def _procfile(text: str):
    for number, line in enumerate(text.splitlines(), 1):
        name, sep, command = line.partition(":")
        if sep and name.strip() and not name.lstrip().startswith("#"):
            yield number, name.strip(), command.strip()


def _dockerfile(text: str):
    """CMD/ENTRYPOINT of the last stage: earlier stages build, the last one runs."""
    entry = cmd = None
    logical, start = "", 0
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not logical and (not stripped or stripped.startswith("#")):
            continue
        if not logical:
            start = number
        if stripped.endswith("\\"):
            logical += stripped[:-1] + " "
            continue
        logical += stripped
        instruction, _, rest = logical.partition(" ")
        instruction = instruction.upper()
        logical = ""
        if instruction == "FROM":
            entry = cmd = None
        elif instruction in ("CMD", "ENTRYPOINT"):
            value = _exec_form(rest.strip())
            if instruction == "CMD":
                cmd = (start, value)
            else:
                entry = (start, value)
    if entry and cmd and isinstance(entry[1], list) and isinstance(cmd[1], list):
        yield entry[0], "", entry[1] + cmd[1]
        yield cmd[0], "", cmd[1]
    else:
        for found in (entry, cmd):
            if found:
                yield found[0], "", found[1]


def _exec_form(rest: str) -> str | list[str]:
    if rest.startswith("["):
        try:
            value = json.loads(rest)
        except ValueError:
            return rest
        if isinstance(value, list):
            return [str(v) for v in value]
    return rest


def _ini(text: str):
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.read_string(text)
    lines = text.splitlines()
    for section in parser.sections():
        if section.startswith("program:") and parser.has_option(section, "command"):
            value = parser.get(section, "command")
            yield _line_of(lines, "command"), section.split(":", 1)[1], value
        elif section == "uwsgi":
            for option in ("module", "wsgi", "wsgi-file", "mount"):
                if parser.has_option(section, option):
                    value = parser.get(section, option)
                    yield _line_of(lines, option), "uwsgi", ["uwsgi", f"--{option}", value]


def _toml(text: str):
    data = tomllib.loads(text)
    lines = text.splitlines()
    found = []
    processes = data.get("processes")
    if isinstance(processes, dict):  # fly.toml
        for name, command in processes.items():
            if isinstance(command, str):
                found.append((name, command))
    for table, key in (("experimental", "cmd"), ("deploy", "startCommand"), ("start", "cmd")):
        value = data.get(table, {}).get(key) if isinstance(data.get(table), dict) else None
        if isinstance(value, str | list):
            found.append(("web" if table != "experimental" else "", value))
    for name, command in found:
        needle = command if isinstance(command, str) else (command[0] if command else "")
        yield _line_of(lines, needle), name, command


def _line_of(lines: list[str], needle: str) -> int:
    for number, line in enumerate(lines, 1):
        if needle and needle in line:
            return number
    return 1
