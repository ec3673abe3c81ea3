"""The project pass: findings that need more than one file.

Every file was analysed on its own (possibly in another process); here their facts meet:
import cycles, endpoints and blueprints registered from several files, the commands that start
the app, and the per-file findings whose truth depends on the rest of the project.
"""

from __future__ import annotations

from flaskref.scan.cycles import circular_imports, module_targets
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
    scripts = {r.rel: r.commands for r in results if by_rel[r.rel].kind == "shell"}
    commands = [c for r in results if by_rel[r.rel].kind != "shell" for c in r.commands]
    out: list[Finding] = []
    starts = Starts(commands, [f for f, _ in python], {f.rel: r.facts for f, r in python}, scripts)
    in_context = imported_in_context({f.module: r.facts for f, r in app_code})
    loads_config = any(r.facts.loads_config for _, r in app_code)
    for f, r in app_code:
        if f.module not in in_context:
            out.extend(r.facts.import_time)
        if not loads_config:
            out.extend(r.facts.defaults)
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


def imported_in_context(modules: dict[str, FileFacts]) -> set[str]:
    """Modules first imported inside `with app.app_context():` (a factory importing its
    blueprints late), with everything their top-level imports pull in: code at their module
    level runs inside that context."""
    called = set().union(*(facts.context_calls for facts in modules.values()))
    imports = [imp for facts in modules.values() for imp in facts.context_imports]
    imports += [
        imp
        for facts in modules.values()
        for name, made in facts.function_imports.items()
        if name in called
        for imp in made
    ]
    todo = [target for imp in imports for target in module_targets(imp, modules)]
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for imp in modules[name].imports:
            todo.extend(module_targets(imp, modules))
    return seen


# -- duplicate endpoints and blueprints ----------------------------------------------------------


def _finding(rule: str, source: SourceFile, reg: Registration, message: str) -> Finding:
    return Finding(source.rel, reg.line, reg.column, rule, message, RULES[rule].entry)


def _name(key: str) -> str:
    """The variable name in a registration key (`pkg.views:bp` -> `bp`)."""
    return key.rsplit(":", 1)[-1]


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
                    f"endpoint {reg.label!r} is already taken on {_name(reg.target)} by the view "
                    f"at {where} (AssertionError: View function mapping is overwriting an "
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
            name = _name(reg.item)
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
        self,
        commands: list[Command],
        python: list[SourceFile],
        facts: dict[str, FileFacts],
        scripts: dict[str, list[Command]] | None = None,
    ):
        self.commands = self._expand([c for c in commands if not c.is_dev], scripts or {})
        self.python = python
        self.facts = facts
        self.by_module = {f.module: f for f in python}
        self.servers = [c for c in self.commands if self._server(c.argv)]
        self.scripts = {f.rel for c in self.commands for f in [self._script(c.argv)] if f}

    @staticmethod
    def _expand(commands: list[Command], scripts: dict[str, list[Command]]) -> list[Command]:
        """Replace a command that runs a project shell script (a Docker entrypoint) by the
        script's own commands; scripts nothing runs are not starters."""
        out: list[Command] = []
        seen: set[str] = set()
        todo = list(commands)
        while todo:
            command = todo.pop(0)
            argv = command.argv
            if argv and argv[0].rsplit("/", 1)[-1] in ("sh", "bash") and len(argv) > 1:
                argv = argv[1:]
            script = argv[0] if argv and argv[0].endswith(".sh") else ""
            found = [
                rel
                for rel in scripts
                if script
                and (
                    rel == script.lstrip("./")
                    or script.endswith("/" + rel)
                    or rel.rsplit("/", 1)[-1] == script.rsplit("/", 1)[-1]
                )
            ]
            if len(found) == 1:
                if found[0] not in seen:
                    seen.add(found[0])
                    todo.extend(
                        Command(c.file, c.line, c.argv, command.process, command.is_dev)
                        for c in scripts[found[0]]
                    )
                continue
            out.append(command)
        return out

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
