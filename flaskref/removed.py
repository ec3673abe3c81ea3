"""APIs the libraries removed or renamed, generated from their releases (`tools/gen_removed.py`).

`find()` reads the error forms Python prints when code uses a name that is gone (`cannot import
name`, `No module named`, `has no attribute`, `unexpected keyword argument`, `takes N positional
arguments`) and returns the rows that name it. Nothing is read until a message has one of
those forms; then only the table file for the name's first letter.
"""

from __future__ import annotations

import json
import os
import re
from collections import namedtuple

from flaskref.entry import Entry

FIELDS = (
    "library",
    "module",
    "owner",
    "name",
    "kind",
    "deprecated_in",
    "removed_in",
    "replacement",
    "changelog",
)
DATA = os.path.join(os.path.dirname(__file__), "data")
_RANK = {"exact": 0, "inherited": 1, "parent": 2, "name": 3}
# An optional quote of any kind (', ", `, curly): one punctuation character. A class listing
# the curly quotes costs a millisecond more to compile, on every lookup that needs it.
_Q = r"[^\w\s]?"
_EXCEPTIONS = {
    "module": ("ModuleNotFoundError", "ImportError"),
    "name": ("ImportError", "AttributeError"),
    "attribute": ("AttributeError",),
    "keyword": ("TypeError",),
    "positional": ("TypeError",),
    "call": ("ArgumentError",),
}
# Calling conventions that went away without a name going with them: what the library prints.
_CALL_ERRORS = {
    "select": "Column expression, FROM clause, or other columns clause element expected, "
    "got {value}. Did you mean to say select({columns})?",
}


def shard_of(name: str) -> str:
    """The table file holding a name: its first letter, "_" for anything else."""
    c = name[:1].lower()
    return c if "a" <= c <= "z" else "_"


class Removed(namedtuple("_Removed", (*FIELDS, "match", "seen_as"), defaults=("", ""))):
    """One removed or renamed API.

    `library` is the PyPI name; `owner` is "" for modules and module-level names, the class
    for an attribute, the function or `Class.method` for a keyword or positional argument;
    `kind` is module | name | attribute | keyword | positional (became keyword-only) | call.
    `match` says how the message named it: exact, inherited (a subclass), parent (re-exported
    by a parent package), name (no module or class in the message to check); `seen_as` is the
    class or module as the message named it when that differs (`Request` for an attribute
    `BaseRequest` defined, `werkzeug` for a name of `werkzeug.security`).

    A `collections.namedtuple`: `typing.NamedTuple` costs a millisecond more per lookup.
    """

    __slots__ = ()

    @property
    def id(self) -> str:
        where = ".".join(p for p in (self.module, self.owner) if p)
        return f"removed:{self.library}:{where}:{self.name}:{self.kind}"

    @property
    def what(self) -> str:
        """The removed thing as code: `werkzeug.security.safe_str_cmp`, `send_file(max_age=)`."""
        if self.kind == "module":
            return self.module
        if self.kind == "name":
            return f"{self.module}.{self.name}"
        if self.kind == "attribute":
            return f"{self.owner}.{self.name}"
        if self.kind in ("keyword", "positional"):
            return f"{self.owner}({', '.join(n + '=' for n in self.name.split(', '))})"
        return self.name

    def fields(self) -> dict[str, object]:
        """The keys a `removed` result adds to the JSON output."""
        return {
            "library": self.library,
            "name": self.what,
            "deprecated_in": self.deprecated_in,
            "removed_in": self.removed_in,
            "replacement": self.replacement,
        }

    def errors(self) -> tuple[str, ...]:
        """The messages Python prints when code still uses it (as the message named it first)."""
        if self.kind == "module":
            return (f"No module named '{self.module}'",)
        if self.kind == "name":
            forms = tuple(
                form
                for module in dict.fromkeys(m for m in (self.seen_as, self.module) if m)
                for form in (
                    f"cannot import name '{self.name}' from '{module}'",
                    f"module '{module}' has no attribute '{self.name}'",
                )
            )
            # A module __getattr__ may say only the name (Flask 3.1's does).
            return forms + ((f"AttributeError: {self.name}",) if self.match == "name" else ())
        if self.kind == "attribute":
            return tuple(
                form
                for owner in dict.fromkeys(o for o in (self.seen_as, self.owner) if o)
                for form in (
                    f"'{owner}' object has no attribute '{self.name}'",
                    f"type object '{owner}' has no attribute '{self.name}'",
                )
            )
        if self.kind == "keyword":
            return (f"{self.owner}() got an unexpected keyword argument '{self.name}'",)
        if self.kind == "positional":
            return (f"{self.owner}() takes {{count}} positional {{arguments}} but {{given}} given",)
        template = _CALL_ERRORS.get(self.owner)
        return (template,) if template else ()

    def summary(self) -> str:
        lib = _display(self.library)
        if self.kind == "module":
            text = f"`{self.module}` was removed in {lib} {self.removed_in}"
        elif self.kind == "name":
            text = f"`{self.name}` was removed from `{self.module}` in {lib} {self.removed_in}"
        elif self.kind == "attribute":
            owner = self.seen_as or self.owner
            text = f"`{owner}.{self.name}` was removed in {lib} {self.removed_in}"
        elif self.kind == "keyword":
            text = f"`{self.owner}()` lost its `{self.name}` argument in {lib} {self.removed_in}"
        elif self.kind == "positional":
            names = ", ".join(f"`{n}`" for n in self.name.split(", "))
            text = f"`{self.owner}()` takes {names} only by keyword since {lib} {self.removed_in}"
        else:
            text = f"`{self.name}` was removed in {lib} {self.removed_in}"
        if self.deprecated_in:
            text += f" (deprecated in {self.deprecated_in})"
        if self.replacement:
            text += f"; {self._use()}"
        return text + "."

    def _use(self) -> str:
        r = self.replacement
        if " " not in r.strip("`"):
            return f"use `{r.strip('`')}` instead"
        return r[0].lower() + r[1:].rstrip(".") if r[:4] in ("Use ", "Pass", "Call") else r

    def to_entry(self, via: str | None = None) -> Entry:
        """The row as an entry for the front ends; `via` names the package whose code used the
        removed API when that is not the user's own code (an old extension)."""
        lib = _display(self.library)
        pin = f"{self.library}<{self.removed_in}"
        change = self._use() if self.replacement else "stop using it (see the changelog)"
        why = [self.summary()]
        if self.deprecated_in:
            why.append(
                f"{lib} {self.deprecated_in} warned about it with a DeprecationWarning, which "
                "Python hides by default."
            )
        why.append(
            f"Code written for an older {lib}, or an extension that has not caught up, still "
            "uses it."
        )
        body = ["## Why", "", " ".join(why), ""]
        if self.changelog:
            body += [f"The {lib} changelog says:", "", f"> {self.changelog}", ""]
        body += ["## Fix", "", "Two ways out:", ""]
        if via:
            body += [
                f"- The call is in `{via}`, not in your code: upgrade it "
                f"(`pip install -U {via}`); its releases made after {lib} {self.removed_in} "
                f"no longer use `{self.what}`. If there is none, pin `{pin}`.",
            ]
        body += [
            f"- Change the code: {change}.",
            f'- Or pin the old version until the code is updated: `pip install "{pin}"` '
            f"(`{pin}` in requirements).",
        ]
        fix = f"{change[0].upper()}{change[1:]}, or pin {pin}."
        if via:
            fix = f"Upgrade {via}, or pin {pin}."
        return Entry(
            id=self.id,
            title=self.summary().split(";")[0].split(" (deprecated")[0].replace("`", ""),
            topic="upgrades",
            tags=tuple(
                dict.fromkeys(t for t in (self.library, self.name, self.owner, self.module) if t)
            )
            + ("removed", "upgrade"),
            symptom=f"{_EXCEPTIONS[self.kind][0]}: {self.errors()[0] if self.errors() else ''} "
            f"after upgrading to {lib} {self.removed_in} or later.",
            fix=fix,
            path="",
            exceptions=_EXCEPTIONS[self.kind],
            errors=self.errors(),
            versions=((self.library, f">={self.removed_in}"),),
            body="\n".join(body),
        )


def _forms() -> dict[str, tuple[str, str]]:
    """form -> (text the message must contain, pattern)."""
    q = _Q
    name, dotted = rf"{q}(?P<name>\w+){q}", rf"{q}(?P<module>[\w.]+){q}"
    owner = rf"{q}(?P<owner>[\w.]+){q}"
    return {
        "import": (
            "cannot import name",
            rf"cannot import name {q}(?P<name>[\w.]+){q}(?:\s+from\s+{dotted})?",
        ),
        "nomodule": ("No module named", rf"No module named {dotted}"),
        "modattr": ("has no attribute", rf"module {dotted} has no attribute {name}"),
        "typeattr": ("has no attribute", rf"type object {owner} has no attribute {name}"),
        "objattr": ("has no attribute", rf"{owner} object has no attribute {name}"),
        "keyword": (
            "unexpected keyword argument",
            rf"(?P<func>[\w.]+)\(\) got an unexpected keyword argument {name}",
        ),
        "positional": (
            "positional argument",
            r"(?P<func>[\w.]+)\(\) takes (?:from \d+ to )?\d+ positional arguments? "
            r"but \d+ (?:were|was) given",
        ),
        "select": (
            "Did you mean to say select(",
            r"clause element expected, got \[.*?Did you mean to say select\(",
        ),
        # A module __getattr__ that says only the name: "AttributeError: _app_ctx_stack".
        "bare": ("AttributeError: ", r"^\s*AttributeError: (?P<name>\w+)\s*$"),
    }


_FORMS = _forms()
_COMPILED: dict[str, re.Pattern[str]] = {}


def find(message: str) -> list[Removed]:
    """The rows a Python error message names, best first (see `Removed.match`)."""
    found: dict[tuple[str, ...], Removed] = {}
    for form, (marker, source) in _FORMS.items():
        if marker not in message:  # most text has none: no regex is compiled for it
            continue
        pattern = _COMPILED.get(form)
        if pattern is None:
            pattern = _COMPILED[form] = re.compile(source, re.MULTILINE)
        for m in pattern.finditer(message):
            for row in _rows_for(form, m.groupdict()):
                key = tuple(row[:5])
                if key not in found or _RANK[row.match] < _RANK[found[key].match]:
                    found[key] = row
    return sorted(found.values(), key=lambda r: (_RANK[r.match], r.library, r.module, r.owner))


def _rows_for(form: str, g: dict[str, str | None]) -> list[Removed]:
    if form == "nomodule":
        module = g["module"] or ""
        leaf = module.rsplit(".", 1)[-1]
        return [r._replace(match="exact") for r in _named(leaf, "module") if r.module == module]
    if form in ("import", "modattr"):
        return _module_names(g["name"] or "", g.get("module"))
    if form in ("objattr", "typeattr"):
        owner, name = (g["owner"] or "").rsplit(".", 1)[-1], g["name"] or ""
        if owner == "module":  # Python 2: 'module' object has no attribute 'x'
            return _module_names(name, None)
        out = []
        for r in _named(name, "attribute"):
            if r.owner == owner:
                out.append(r._replace(match="exact"))
            elif r.owner in _inherits().get(r.library, {}).get(owner, ()):
                out.append(r._replace(match="inherited", seen_as=owner))
        return out
    if form == "keyword":
        return _callable_match(_named(g["name"] or "", "keyword"), g["func"] or "")
    if form == "positional":
        # One answer per function: its parameters that became keyword-only, in order.
        merged: dict[str, Removed] = {}
        for r in _callable_match(_positional(g["func"] or ""), g["func"] or ""):
            first = merged.get(r.owner)
            merged[r.owner] = first._replace(name=f"{first.name}, {r.name}") if first else r
        return list(merged.values())
    if form == "bare":
        return [r._replace(match="name") for r in _named(g["name"] or "", "name")]
    if form == "select":
        return [r._replace(match="exact") for r in _named("select([...])", "call")]
    return []


def _module_names(name: str, module: str | None) -> list[Removed]:
    out = []
    for r in _named(name, "name"):
        if module is None:
            out.append(r._replace(match="name"))
        elif r.module == module:
            out.append(r._replace(match="exact"))
        elif r.module.startswith(module + "."):
            out.append(r._replace(match="parent", seen_as=module))
    leaf = name.rsplit(".", 1)[-1]
    for r in _named(leaf, "module"):
        if module is None or r.module in (f"{module}.{name}", name):
            out.append(r._replace(match="exact" if module else "name"))
    return out


def _callable_match(rows: list[Removed], func: str) -> list[Removed]:
    """Rows whose function the message names: `Class.method` exactly, or the same method of a
    class it inherits from, or (Python < 3.10 prints no class) the bare method name."""
    cls, _, meth = func.rpartition(".")
    out = []
    for r in rows:
        r_cls, _, r_meth = r.owner.rpartition(".")
        if r.owner == func:
            out.append(r._replace(match="exact"))
        elif r_meth == meth and not cls:
            out.append(r._replace(match="name"))
        elif r_meth == meth and r_cls in _inherits().get(r.library, {}).get(cls, ()):
            out.append(r._replace(match="inherited"))
    return out


def _positional(func: str) -> list[Removed]:
    meth = func.rpartition(".")[2]
    # Positional rows are filed under the parameter; the message names only the function,
    # so every parameter row of that function is read from the "positional" index.
    index = _load("removed/positional.json")
    return [Removed(*raw) for raw in index.get(meth, ())]


def _named(name: str, kind: str) -> list[Removed]:
    if not name:
        return []
    shard = _load(f"removed/{shard_of(name)}.json")
    return [Removed(*raw) for raw in shard.get(name, ()) if raw[4] == kind]


def rows() -> list[Removed]:
    """Every row of the table, each once: for readers that index it their own way (scan)."""
    out = []
    shards = [
        n for n in os.listdir(os.path.join(DATA, "removed")) if len(n) == 6 and n[1:] == ".json"
    ]
    for name in sorted(shards):
        for raws in _load(f"removed/{name}").values():
            out.extend(Removed(*raw) for raw in raws)
    for raws in _load("removed/positional.json").values():
        out.extend(Removed(*raw) for raw in raws)
    return out


def _inherits() -> dict[str, dict[str, list[str]]]:
    return _load("removed/inherits.json")


def _display(library: str) -> str:
    return _load("libraries.json").get(library, library)


_CACHE: dict[str, object] = {}


def _load(name: str):
    data = _CACHE.get(name)
    if data is None:
        try:
            with open(os.path.join(DATA, name), encoding="utf-8") as fh:
                data = json.load(fh)
        except FileNotFoundError:
            data = {}
        _CACHE[name] = data
    return data
