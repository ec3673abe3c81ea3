"""`Record` behaves as `typing.NamedTuple` does for the records we declare."""

from __future__ import annotations

import pickle
from typing import NamedTuple

import pytest

from flaskref.entry import CodeBlock, Entry
from flaskref.record import Record


class Ours(Record):
    """A docstring."""

    name: str
    line: int = 1
    tags: tuple[str, ...] = ()

    @property
    def where(self) -> str:
        return f"{self.name}:{self.line}"


class Theirs(NamedTuple):
    name: str
    line: int = 1
    tags: tuple[str, ...] = ()


def test_fields_defaults_and_tuple_behaviour_match_named_tuple():
    for cls in (Ours, Theirs):
        a = cls("x")
        assert a == ("x", 1, ()) and a.line == 1 and a[0] == "x"
        assert cls._fields == ("name", "line", "tags")
        assert cls._field_defaults == {"line": 1, "tags": ()}
        assert a._replace(line=3) == cls("x", 3)
        assert a._asdict() == {"name": "x", "line": 1, "tags": ()}
        assert cls._make(["y", 2, ("t",)]) == cls(name="y", line=2, tags=("t",))
        assert repr(a) == f"{cls.__name__}(name='x', line=1, tags=())"
        with pytest.raises(AttributeError):
            a.name = "y"
        with pytest.raises(TypeError):
            cls()
    assert Ours("a", 2).where == "a:2" and Ours.__doc__ == "A docstring."
    assert not hasattr(Ours("a"), "__dict__")  # slots, as a tuple


def test_records_pickle_by_name():
    entry = Entry("x", "T", "routing", (), "s", "f", "p", blocks=(CodeBlock("python", "", "c", 1),))
    assert pickle.loads(pickle.dumps(entry)) == entry
    assert type(pickle.loads(pickle.dumps(Ours("a")))) is Ours


def test_a_field_without_default_after_one_with_is_refused():
    with pytest.raises(TypeError, match="without a default"):

        class Bad(Record):
            a: int = 0
            b: int
