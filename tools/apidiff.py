"""What one release removed compared with the one before: modules, names, attributes, keywords.

Works on two `pyapi.Snapshot`s. A class attribute is checked on every surviving public class
against everything it inherits, but reported once, on the class that defined it; `inherits`
records which classes reach it, so `'Request' object has no attribute 'is_xhr'` can find the
row that `BaseRequest` owns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from apimodel import ClassInfo, Function, Snapshot, is_public


@dataclass(frozen=True)
class Removal:
    module: str
    owner: str
    name: str
    kind: str  # module | name | attribute | keyword | positional


@dataclass
class Diff:
    removals: list[Removal]
    inherits: dict[str, set[str]]
    """class name -> names of the classes whose removed attributes it inherited."""


def diff(
    old: Snapshot,
    new: Snapshot,
    private: frozenset[str] = frozenset(),
    surface: Callable[[str], bool] | None = None,
) -> Diff:
    """Removals from `old` to `new`, in the modules `surface` accepts (default: all)."""
    out: list[Removal] = []
    inherits: dict[str, set[str]] = {}
    done: set[int] = set()
    for mname in sorted(old.modules):
        if old.modules[mname].hidden or (surface is not None and not surface(mname)):
            continue
        if mname not in new.modules:
            out.append(Removal(mname, "", mname.rsplit(".", 1)[-1], "module"))
            continue
        mod = old.modules[mname]
        for name, what in sorted(mod.public.items()):
            if not new.binds(mname, name):
                out.append(Removal(mname, "", name, "name"))
            elif what == "class" or name in mod.imports:
                # Classes are checked where they are defined, once, also when a surface module
                # only re-exports them (sqlalchemy.Column lives in sqlalchemy.sql.schema).
                cls = old.find_class(mname, name)
                new_cls = new.find_class(mname, name) if cls is not None else None
                if new_cls is not None and id(cls) not in done:
                    done.add(id(cls))
                    _class_diff(old, new, cls, new_cls, private, out, inherits)
            elif what == "function" and name in mod.functions:
                new_fn = new.find_function(mname, name)
                if new_fn is not None:
                    out += _param_diff(mname, name, mod.functions[name], new_fn)
    seen: set[Removal] = set()
    unique = [r for r in out if not (r in seen or seen.add(r))]
    return Diff(unique, inherits)


def _class_diff(
    old: Snapshot,
    new: Snapshot,
    cls: ClassInfo,
    new_cls: ClassInfo,
    private: frozenset[str],
    out: list[Removal],
    inherits: dict[str, set[str]],
) -> None:
    if not is_public(cls.name, private) or new.is_dynamic(new_cls):
        return
    still = new.effective_attrs(new_cls, bound=True)
    # A base from another package may now provide what the class stopped defining itself.
    for base in [] if new.has_external_base(new_cls) else old.mro(cls):
        for attr in sorted(base.attrs - still):
            out.append(Removal(base.module, base.name, attr, "attribute"))
            if base is not cls:
                inherits.setdefault(cls.name, set()).add(base.name)
    if new_cls.name != cls.name:  # renamed (BaseQuery -> Query): its objects carry the new name
        inherits.setdefault(new_cls.name, set()).add(cls.name)
    for meth, fn in sorted(cls.methods.items()):
        if not (is_public(meth, private) or meth in ("__init__", "__call__")):
            continue
        found = new.effective_method(new_cls, meth)
        if found is not None:
            # A TypeError names the function as the new release defines it.
            owner_cls, new_fn = found
            out += _param_diff(cls.module, f"{owner_cls.name}.{meth}", fn, new_fn)


def _param_diff(module: str, owner: str, fn: Function, new_fn: Function) -> list[Removal]:
    out = []
    if not new_fn.varkw:
        for p in fn.params:
            if p not in new_fn.params and not p.startswith("_"):
                out.append(Removal(module, owner, p, "keyword"))
    if not new_fn.varargs and new_fn.positional < fn.positional:
        for p in fn.args:
            if p in new_fn.kwonly and not p.startswith("_"):
                out.append(Removal(module, owner, p, "positional"))
    return out
