"""`Record`: declared and typed like `typing.NamedTuple`, without importing `typing`.

Every lookup builds its records (entries, parsed queries, results) in a fresh process, and
importing `typing` costs about a sixth of bare Python's start-up. `typing.NamedTuple` is a
thin layer over `collections.namedtuple`; `Record` is the same layer, kept to what we use:
fields from the annotations, defaults from their values, methods and docstrings kept.
Type checkers see `typing.NamedTuple` itself.

    class Problem(Record):
        path: str
        line: int
        message: str = ""
"""

from __future__ import annotations

from collections import namedtuple

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NamedTuple as Record
else:

    class _RecordMeta(type):
        def __new__(mcls, name: str, bases: tuple, ns: dict):
            if not bases:  # `Record` itself
                return super().__new__(mcls, name, bases, ns)
            fields = list(ns.get("__annotations__", {}))
            defaults = [ns[f] for f in fields if f in ns]
            if any(f in ns for f in fields[: len(fields) - len(defaults)]):
                raise TypeError(f"{name}: a field without a default follows one with a default")
            base = namedtuple(name, fields, defaults=defaults, module=ns.get("__module__"))
            body = {k: v for k, v in ns.items() if k not in fields}
            body["__slots__"] = ()
            # A plain class: its subclasses and instances never see this metaclass again.
            return type(name, (base,), body)

    class Record(metaclass=_RecordMeta):
        __slots__ = ()
