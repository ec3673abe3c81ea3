"""The removed-API table as the `removed-api` rule looks things up in it.

Rows follow the schema of `flaskref/removed.py` (generated data under flaskref/data/):
`library, module, owner, name, kind, deprecated_in, removed_in, replacement, changelog`, where
kind is "module" (the module `module` is gone), "name" (`module.name`), "attribute" (`name` on
instances of the class `owner`) or "keyword" (the keyword `name` of the callable `owner`). The
table is indexed once per scan and sent to the workers with the other settings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from flaskref.removed import FIELDS

#: Classes whose instances the rule recognises in source (`app = Flask(...)`, blueprints):
#: attribute rows of other classes are left out.
APP_OWNERS = ("Flask", "App", "Scaffold")
BLUEPRINT_OWNERS = ("Blueprint", "Scaffold")
RECOGNISED_OWNERS = frozenset(APP_OWNERS + BLUEPRINT_OWNERS)


@dataclass(frozen=True)
class Removal:
    library: str
    module: str
    owner: str
    name: str
    kind: str
    deprecated_in: str = ""
    removed_in: str = ""
    replacement: str = ""
    changelog: str = ""

    @property
    def dotted(self) -> str:
        if self.kind == "module":
            return self.module
        if self.kind == "name":
            return f"{self.module}.{self.name}"
        return f"{self.owner}.{self.name}"


@dataclass
class RemovedTable:
    modules: dict[str, Removal] = field(default_factory=dict)
    names: dict[tuple[str, str], Removal] = field(default_factory=dict)
    #: Attribute name -> removals, for the owners we can recognise (Flask apps, blueprints).
    attributes: dict[str, list[Removal]] = field(default_factory=dict)
    #: (callable's last name, keyword) -> removals.
    keywords: dict[tuple[str, str], list[Removal]] = field(default_factory=dict)
    #: Top-level packages and attribute names with a row: a file that mentions none of them
    #: needs no look-up (see `rules.TRIGGERS`).
    words: tuple[bytes, ...] = ()
    #: Every last name an attribute access can end in to be worth a look-up: removed names
    #: (`werkzeug.urls.url_quote`), modules (`werkzeug.contrib`) and app/blueprint attributes.
    attribute_words: frozenset[str] = frozenset()

    def mentioned(self, source: bytes) -> bool:
        return any(word in source for word in self.words)

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, str] | object]) -> RemovedTable:
        table = cls()
        roots = set()
        for raw in rows:
            values = {
                f: str((raw.get(f) if isinstance(raw, Mapping) else getattr(raw, f, "")) or "")
                for f in FIELDS
            }
            row = Removal(**values)
            roots.add((row.module or row.owner).split(".", 1)[0])
            if row.kind == "module":
                table.modules.setdefault(row.module, row)
            elif row.kind == "name":
                table.names.setdefault((row.module, row.name), row)
            elif row.kind == "attribute":
                # Only an app's or a blueprint's attributes can be told from source.
                if row.owner.rsplit(".", 1)[-1] in RECOGNISED_OWNERS:
                    table.attributes.setdefault(row.name, []).append(row)
            elif row.kind == "keyword":
                # A constructor's keyword is passed where the class is called.
                callee = row.owner.removesuffix(".__init__").rsplit(".", 1)[-1]
                table.keywords.setdefault((callee, row.name), []).append(row)
        words = {r for r in roots if r} | set(table.attributes)
        table.attribute_words = frozenset(
            {name for _, name in table.names}
            | {module.rsplit(".", 1)[-1] for module in table.modules}
            | set(table.attributes)
        )
        table.words = tuple(sorted(w.encode() for w in words))
        return table

    def module(self, dotted: str) -> Removal | None:
        """The row for a removed module, or for the removed package it lives in."""
        parts = dotted.split(".")
        for i in range(len(parts), 0, -1):
            found = self.modules.get(".".join(parts[:i]))
            if found is not None:
                return found
        return None

    def name(self, module: str, name: str) -> Removal | None:
        return self.names.get((module, name)) or self.module(f"{module}.{name}")


#: Removals older than the releases the generated table compares (Flask 1.0 on), which
#: projects still carry.
EARLIER = (
    Removal(
        "flask",
        "flask.ext",
        "",
        "ext",
        "module",
        "0.11",
        "1.0",
        "Import the extension's own package (`flask_sqlalchemy`, not `flask.ext.sqlalchemy`)",
    ),
)


def default_table() -> RemovedTable:
    """The table shipped with flaskref (`flaskref/removed.py`, generated from the releases),
    with the `EARLIER` removals."""
    from flaskref import removed

    return RemovedTable.from_rows([*removed.rows(), *EARLIER])
