"""What `pyapi` reads from a release: modules, classes, functions, and the queries over them.

Plain dataclasses, pickled by `gen_removed.py` between runs. The queries answer what a
removal check needs: where a name really comes from (`resolve`, following re-exports and
`__getattr__` aliases), whether a module still binds it, a class's bases within the package
and what they provide (a builtin base such as `dict` counts with its own attributes).
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass, field

# Module-level dunder names that users read (werkzeug.__version__ went in 3.1).
PUBLIC_DUNDERS = frozenset({"__version__"})
BUILTIN_BASES = frozenset(
    {"object", "Exception", "BaseException", "dict", "list", "tuple", "str", "bytes", "int",
     "type", "set", "frozenset", "property", "ValueError", "TypeError", "KeyError",
     "RuntimeError", "LookupError", "AttributeError", "ImportError", "Warning",
     "DeprecationWarning", "UserWarning", "Generic", "Protocol", "NamedTuple", "TypedDict"}
)  # fmt: skip


@dataclass
class Function:
    args: list[str]
    """Parameters passable by position or keyword, in order (self/cls dropped for methods)."""
    kwonly: list[str]
    posonly: int
    varargs: bool
    varkw: bool

    @property
    def params(self) -> list[str]:
        """Everything that can be passed by keyword."""
        return self.args + self.kwonly

    @property
    def positional(self) -> int:
        return self.posonly + len(self.args)


@dataclass
class ClassInfo:
    module: str
    name: str
    bases: list[str]
    """Base classes as written (`BaseRequest`, `sansio.App`)."""
    attrs: set[str] = field(default_factory=set)
    """Public attributes defined in the class body or assigned on self in `__init__`."""
    bound: set[str] = field(default_factory=set)
    """Every attribute the class body or any method assigns (self.x anywhere counts)."""
    methods: dict[str, Function] = field(default_factory=dict)
    dynamic: bool = False
    """Defines __getattr__: any attribute may still resolve."""


@dataclass
class Module:
    name: str
    is_package: bool
    hidden: bool = False
    """A private module (`markupsafe._native`): read so names resolve and its deprecation
    warnings are known, never reported."""
    public: dict[str, str] = field(default_factory=dict)
    """name -> 'class' | 'function' | 'name': what users may import from here."""
    bound: set[str] = field(default_factory=set)
    imports: dict[str, tuple[str, str]] = field(default_factory=dict)
    """local name -> (absolute module, name there); the name is '' for `import x`."""
    star: list[str] = field(default_factory=list)
    dynamic: bool = False
    """A module __getattr__ whose names could not be read: any name may still resolve."""
    functions: dict[str, Function] = field(default_factory=dict)
    classes: dict[str, ClassInfo] = field(default_factory=dict)
    deprecations: list[str] = field(default_factory=list)
    """Texts of warnings.warn(..., DeprecationWarning) calls, for 'deprecated in' and hints."""


@dataclass
class Snapshot:
    modules: dict[str, Module]

    def resolve(self, module: str, name: str, depth: int = 0) -> tuple[str, str] | None:
        """Where `from module import name` really comes from: (defining module, name)."""
        mod = self.modules.get(module)
        if mod is None or depth > 6:
            return None
        if name in mod.classes or name in mod.functions:
            return module, name
        if name in mod.imports:
            src, orig = mod.imports[name]
            if not orig:
                return None
            return self.resolve(src, orig, depth + 1) or (src, orig)
        for star in mod.star:
            found = self.resolve(star, name, depth + 1)
            if found:
                return found
        return None

    def binds(self, module: str, name: str, depth: int = 0) -> bool:
        mod = self.modules.get(module)
        if mod is None or depth > 6:
            return False
        if mod.dynamic or name in mod.bound:
            return True
        if f"{module}.{name}" in self.modules:  # a submodule is importable by name
            return True
        return any(self.binds(s, name, depth + 1) for s in mod.star)

    def find_class(self, module: str, name: str) -> ClassInfo | None:
        found = self.resolve(module, name)
        if found:
            mod = self.modules.get(found[0])
            if mod and found[1] in mod.classes:
                return mod.classes[found[1]]
        matches = [m.classes[name] for m in self.modules.values() if name in m.classes]
        return matches[0] if len(matches) == 1 else None

    def find_function(self, module: str, name: str) -> Function | None:
        found = self.resolve(module, name)
        if found:
            mod = self.modules.get(found[0])
            if mod and found[1] in mod.functions:
                return mod.functions[found[1]]
        return None

    def mro(self, cls: ClassInfo, depth: int = 0) -> list[ClassInfo]:
        """The class and its bases found in this package, nearest first (external ones skipped)."""
        out = [cls]
        if depth > 10:
            return out
        for base in cls.bases:
            head, _, last = base.rpartition(".")
            mod = self.modules.get(cls.module)
            found = None
            if head and mod and head in mod.imports:
                src, orig = mod.imports[head]
                target = f"{src}.{orig}" if orig else src
                found = self.find_class(target, last)
            if found is None and last not in BUILTIN_BASES:
                found = self.find_class(cls.module, last)
            if found is not None and found is not cls:
                out.extend(c for c in self.mro(found, depth + 1) if c not in out)
        return out

    def has_external_base(self, cls: ClassInfo) -> bool:
        """Whether a base comes from another package, whose attributes this snapshot can't see."""
        for c in self.mro(cls):
            mod = self.modules.get(c.module)
            for base in c.bases:
                last = base.rpartition(".")[2]
                if last in BUILTIN_BASES:
                    continue
                head = base.rpartition(".")[0] or last
                src = mod.imports.get(head) if mod else None
                if src and not src[0].split(".")[0] == c.module.split(".")[0]:
                    return True
        return False

    def effective_attrs(self, cls: ClassInfo, bound: bool = False) -> set[str]:
        out: set[str] = set()
        for c in self.mro(cls):
            out |= c.bound if bound else c.attrs
            if bound:  # what a builtin base (dict, Exception) provides is still there
                for base in c.bases:
                    builtin = getattr(builtins, base.rpartition(".")[2], None)
                    if isinstance(builtin, type):
                        out |= set(dir(builtin))
        return out

    def effective_method(self, cls: ClassInfo, name: str) -> tuple[ClassInfo, Function] | None:
        """The method a class has, and the class that defines it (Python's error messages name
        that class: `Scaffold.route()`)."""
        for c in self.mro(cls):
            if name in c.methods:
                return c, c.methods[name]
        return None

    def is_dynamic(self, cls: ClassInfo) -> bool:
        return any(c.dynamic for c in self.mro(cls))


def is_public(name: str, private: frozenset[str] = frozenset()) -> bool:
    if name in private or name in PUBLIC_DUNDERS:
        return True
    return not name.startswith("_")
