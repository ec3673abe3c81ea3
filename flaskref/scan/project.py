"""The project pass: findings that need more than one file.

Every file was analysed on its own (possibly in another process); here their facts meet:
import cycles, endpoints and blueprints registered from several files, the commands that start
the app, and the per-file findings whose truth depends on the rest of the project.
"""

from __future__ import annotations

from flaskref.scan.cycles import circular_imports
from flaskref.scan.files import SourceFile
from flaskref.scan.model import RULES, Command, FileFacts, FileResult, Finding, Registration
from flaskref.scan.starters import PYTHONS, WSGI_SERVERS


def combine(
    files: list[SourceFile], results: list[FileResult], selected: frozenset[str]
) -> list[Finding]:
    """Findings of the project pass, plus the per-file ones the project confirms."""
    by_rel = {f.rel: f for f in files}
    python = [(by_rel[r.rel], r) for r in results if by_rel[r.rel].kind == "python" and not r.error]
    app_code = [(f, r) for f, r in python if not f.is_test]
    commands = [c for r in results for c in r.commands]
    out: list[Finding] = []
    starts = Starts(commands, [f for f, _ in python], {f.rel: r.facts for f, r in python})
    for f, r in python:
        for finding in r.facts.main_only:
            if not starts.served_elsewhere(f):
                out.append(finding)
    committers = set().union(*(r.facts.committers for _, r in python)) if python else set()
    if "<teardown>" not in committers:
        for _, r in app_code:
            out.extend(f for f, calls in r.facts.uncommitted if not calls & committers)
    if "duplicate-endpoint" in selected:
        out.extend(_duplicates([(f, r.facts.views) for f, r in app_code]))
    if "blueprint-registered-twice" in selected:
        out.extend(_twice([(f, r.facts.blueprints) for f, r in app_code]))
    if "circular-import" in selected:
        modules = {f.module: (f, r.facts) for f, r in app_code}
        out.extend(circular_imports(modules, starts.started()))
    if "dev-server-in-production" in selected:
        out.extend(starts.dev_servers())
    return [f for f in out if f.rule in selected]


# -- duplicate endpoints and blueprints ----------------------------------------------------------


def _finding(rule: str, source: SourceFile, reg: Registration, message: str) -> Finding:
    return Finding(source.rel, reg.line, reg.column, rule, message, RULES[rule].entry)


def _duplicates(views: list[tuple[SourceFile, list[Registration]]]) -> list[Finding]:
    seen: dict[tuple[str, str], tuple[SourceFile, Registration]] = {}
    out = []
    for source, regs in views:
        for reg in regs:
            first = seen.setdefault((reg.target, reg.label), (source, reg))
            if first[1].item == reg.item:
                continue
            where = f"{first[0].rel}:{first[1].line}"
            out.append(
                _finding(
                    "duplicate-endpoint",
                    source,
                    reg,
                    f"endpoint {reg.label!r} is already taken by the view at {where} on the same "
                    "app or blueprint (AssertionError: View function mapping is overwriting an "
                    "existing endpoint function); rename one or pass endpoint=",
                )
            )
    return out


def _twice(blueprints: list[tuple[SourceFile, list[Registration]]]) -> list[Finding]:
    seen: dict[tuple[str, str, str], tuple[SourceFile, Registration]] = {}
    out = []
    for source, regs in blueprints:
        for reg in regs:
            key = (reg.target, reg.item, reg.label)
            if key not in seen:
                seen[key] = (source, reg)
                continue
            first = seen[key]
            name = reg.item.rsplit(":", 1)[-1]
            out.append(
                _finding(
                    "blueprint-registered-twice",
                    source,
                    reg,
                    f"blueprint {name} is already registered on this app at "
                    f"{first[0].rel}:{first[1].line} (ValueError: The name ... is already "
                    "registered for this blueprint); drop one, or give this one name=",
                )
            )
    return out


# -- the commands that start the app -------------------------------------------------------------


class Starts:
    """What the starter files run, matched to the project's Python files."""

    def __init__(
        self, commands: list[Command], python: list[SourceFile], facts: dict[str, FileFacts]
    ):
        self.commands = [c for c in commands if not c.is_dev]
        self.python = python
        self.facts = facts
        self.by_module = {f.module: f for f in python}
        self.servers = [c for c in self.commands if self._server(c.argv)]
        self.scripts = {f.rel for c in self.commands for f in [self._script(c.argv)] if f}

    @staticmethod
    def _server(argv: tuple[str, ...]) -> bool:
        words = list(argv)
        if words and PYTHONS.match(words[0]) and len(words) > 2 and words[1] == "-m":
            words = words[2:]
        return bool(words) and words[0].rsplit("/", 1)[-1] in WSGI_SERVERS

    def _script(self, argv: tuple[str, ...]) -> SourceFile | None:
        """The project file `python x.py` / `python -m pkg` runs as `__main__`."""
        if not argv or not PYTHONS.match(argv[0]):
            return None
        rest = [w for w in argv[1:] if w not in ("-u", "-O", "-OO", "-B", "-E")]
        if not rest:
            return None
        if rest[0] == "-m" and len(rest) > 1:
            return self.by_module.get(rest[1]) or self.by_module.get(rest[1] + ".__main__")
        if rest[0].endswith(".py"):
            return self._file(rest[0])
        return None

    def _file(self, written: str) -> SourceFile | None:
        path = written.lstrip("./") if written.startswith("./") else written
        tail = path.strip("/")
        exact = [f for f in self.python if f.rel == tail]
        if exact:
            return exact[0]
        ends = [f for f in self.python if tail.endswith("/" + f.rel) or f.rel.endswith("/" + tail)]
        if len(ends) == 1:
            return ends[0]
        base = tail.rsplit("/", 1)[-1]
        named = [f for f in self.python if f.rel.rsplit("/", 1)[-1] == base]
        return named[0] if len(named) == 1 else None

    def started(self) -> set[str]:
        """Modules a starter runs as a script or hands to a WSGI server (`app:app`)."""
        names = {f.module for f in self.python if f.rel in self.scripts}
        for command in self.servers:
            for word in command.argv[1:]:
                module = word.split("=", 1)[-1].split(":", 1)[0]
                if ":" in word and module in self.by_module:
                    names.add(module)
        return names

    def served_elsewhere(self, source: SourceFile) -> bool:
        """Production starts a WSGI server, and nothing runs this file as a script: its
        `__main__` block never runs in production."""
        return bool(self.servers) and source.rel not in self.scripts

    def dev_servers(self) -> list[Finding]:
        out = []
        for command in self.commands:
            if command.process not in ("", "web", "app") and not command.process.startswith(
                ("web", "app")
            ):
                continue
            what = self._dev_server(command.argv)
            if what:
                debug = " with the debugger on" if "--debug" in command.argv else ""
                out.append(
                    Finding(
                        command.file,
                        command.line,
                        1,
                        "dev-server-in-production",
                        f"`{what}` starts Flask's development server{debug} as the production "
                        "entry; run a WSGI server instead (gunicorn 'app:app', waitress-serve)",
                        RULES["dev-server-in-production"].entry,
                    )
                )
        return out

    def _dev_server(self, argv: tuple[str, ...]) -> str:
        words = list(argv)
        if not words:
            return ""
        if PYTHONS.match(words[0]) and len(words) > 3 and words[1] == "-m" and words[2] == "flask":
            words = words[2:]
        if words[0].rsplit("/", 1)[-1] == "flask":
            # `flask [--app x] [--debug] run ...`: the sub-command is the first bare word.
            skip = False
            for word in words[1:]:
                if skip:
                    skip = False
                elif word in ("--app", "-A", "--env-file", "-e"):
                    skip = True
                elif not word.startswith("-"):
                    return "flask run" if word == "run" else ""
            return ""
        script = self._script(argv)
        if script is not None and self.facts[script.rel].runs_dev_server:
            return " ".join(argv[:3])
        return ""
