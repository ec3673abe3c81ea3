"""circular-import: replay the project's module-level imports the way Python runs them.

Starting from a module that is certainly imported first (one that creates the Flask app, a
package's `__init__`, a script a starter runs), each module's top-level imports run in order; an
imported project module runs to its end first, unless it is already running. A
`from M import name` while M is still running, paused at an import above the line that defines
`name`, is the ImportError ("partially initialized module"). Only the first failure of each
replay is real (the exception stops the import), so that is the one reported.
"""

from __future__ import annotations

from flaskref.scan.files import SourceFile
from flaskref.scan.model import RULES, FileFacts, Finding, Import


def module_targets(imp: Import, modules: dict) -> list[str]:
    """Project modules an import statement runs: parents first, then submodules named."""
    out = []
    parts = imp.module.split(".")
    for i in range(1, len(parts) + 1):
        name = ".".join(parts[:i])
        if name in modules:
            out.append(name)
    for name in imp.names:
        sub = f"{imp.module}.{name}"
        if sub in modules:
            out.append(sub)
    return out


def _replay(entry: str, modules: dict[str, tuple[SourceFile, FileFacts]]) -> Finding | None:
    #: For a running module, the line of the import it is paused at; absent once done.
    paused: dict[str, int] = {}
    done: set[str] = set()

    def run(name: str) -> Finding | None:
        source, facts = modules[name]
        for imp in facts.imports:
            paused[name] = imp.line
            for target in module_targets(imp, modules):
                if target not in paused and target not in done:
                    failure = run(target)
                    if failure is not None:
                        return failure
            if imp.module in paused and imp.module != name:
                failure = _check(source, imp, imp.module, paused[imp.module], modules)
                if failure is not None:
                    return failure
        paused.pop(name, None)
        done.add(name)
        return None

    # A module's parent packages run before it does.
    parts = entry.split(".")
    for i in range(1, len(parts)):
        parent = ".".join(parts[:i])
        if parent in modules and parent not in done:
            failure = run(parent)
            if failure is not None:
                return failure
    return run(entry)


def _check(source: SourceFile, imp: Import, module: str, at: int, modules: dict) -> Finding | None:
    """`from module import names` while `module` is paused at line `at`."""
    facts = modules[module][1]
    for name in imp.names:
        if f"{module}.{name}" in modules:
            continue  # a submodule, not a name the module defines
        defined = facts.defined.get(name)
        if defined is None or defined < at:
            continue  # defined before the pause, or we cannot tell where
        return Finding(
            source.rel,
            imp.line,
            imp.column,
            "circular-import",
            f"circular import: {module} is still being imported (paused at line {at}, an import "
            f"that leads here) and defines {name} only at line {defined}, so this import fails "
            f"(ImportError: cannot import name {name!r} from partially initialized module); "
            "import it after the definition, or move it to a module of its own",
            RULES["circular-import"].entry,
        )
    return None


def circular_imports(
    modules: dict[str, tuple[SourceFile, FileFacts]], started: set[str]
) -> list[Finding]:
    """Replay from every module certain to be imported first; `started` holds the modules the
    project's starters run or serve."""
    entries = [
        name
        for name, (source, facts) in modules.items()
        if facts.makes_app or source.path.name == "__init__.py" or name in started
    ]
    found: dict[tuple[str, int], Finding] = {}
    for entry in sorted(entries):
        failure = _replay(entry, modules)
        if failure is not None:
            found.setdefault((failure.file, failure.line), failure)
    return list(found.values())
