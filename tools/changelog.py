"""Reading a project's changelog: which version deprecated or removed a name, and what replaces it.

Understands the layouts the covered projects use: Pallets' reStructuredText ("Version 2.1.0"
underlined, `-` bullets, nested bullets under "Remove previously deprecated code"), Markdown
("## Version 8.1.0", "## 4.0.1"), and SQLAlchemy's `.. changelog::` / `.. change::` blocks.
Each bullet or change block becomes one `Item` of plain text (roles and markup stripped,
code kept in backticks), so the line shown to users reads like the changelog.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from packaging.version import InvalidVersion, Version

_HEADER = re.compile(
    r"^\s*(?:#+\s*)?(?:\*\*)?(?:Version|Release|v)?\s*(\d+\.\d+(?:\.\d+)*)(?:\*\*)?\b[^\n]*$",
    re.I,
)
_UNDERLINE = re.compile(r"^\s*([-=~^*+])\1{2,}\s*$")
_SQLA_VERSION = re.compile(r"^\s*:version:\s*(\S+)")
_BULLET = re.compile(r"^(\s*)[-*+]\s+(\S.*)$")
_ROLE = re.compile(r":(?:[a-z]+:)?[a-z]+:`~?\.?([^`<]*?)(?:\s*<[^>]*>)?`")  # :meth:`~a.b` -> a.b
_MYST_ROLE = re.compile(r"\{[a-z]+\}`~?\.?([^`<]*?)(?:\s*<[^>]*>)?`")
_REFS = re.compile(r"\(?(?::(?:pr|issue|ticket)s?:|\{(?:pr|issue)\})`[^`]*`\)?")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]+\)")


@dataclass(frozen=True)
class Item:
    version: str
    text: str
    context: str = ""
    """The bullet a nested bullet sits under ("Remove previously deprecated code.")."""


@dataclass(frozen=True)
class Note:
    deprecated_in: str
    replacement: str
    line: str


def load(folder: Path) -> list[Item]:
    """Every item of every changelog file under `folder` (duplicated includes dropped)."""
    items: list[Item] = []
    seen: set[Item] = set()
    if not folder.is_dir():
        return items
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            for item in parse(path.read_text(encoding="utf-8", errors="replace")):
                if item not in seen:
                    seen.add(item)
                    items.append(item)
    return items


def clean(text: str) -> str:
    text = _REFS.sub("", text)
    text = _ROLE.sub(r"``\1``", text)
    text = _MYST_ROLE.sub(r"``\1``", text)
    text = _LINK.sub(r"\1", text)
    text = text.replace("``", "`")
    text = re.sub(r"`_[a-z]+\.", "`", text)  # SQLAlchemy's doc prefixes: `_sql.select`
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"\s+([.,;])", r"\1", text)


def parse(text: str) -> list[Item]:
    lines = text.splitlines()
    items: list[Item] = []
    version = ""
    current: list[str] | None = None
    indent = 0
    in_change = False
    change_indent = 0
    parents: list[tuple[int, str]] = []  # the bullets of this version an item may sit under

    def flush() -> None:
        nonlocal current
        if current and version:
            body = clean(" ".join(current))
            if body:
                while parents and parents[-1][0] >= indent:
                    parents.pop()
                items.append(Item(version, body, parents[-1][1] if parents else ""))
                parents.append((indent, body))
        current = None

    for i, line in enumerate(lines):
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        m = _SQLA_VERSION.match(line)
        header = _HEADER.match(line)
        if m:
            flush()
            version, in_change = m.group(1), False
            parents.clear()
            continue
        if header and (_UNDERLINE.match(nxt) or line.lstrip().startswith("#")):
            flush()
            version, in_change = header.group(1), False
            parents.clear()
            continue
        if line.strip().startswith(".. change::"):
            flush()
            parents.clear()
            change_indent = len(line) - len(line.lstrip())
            current, in_change, indent = [], True, change_indent
            continue
        if line.strip().startswith(".. changelog::"):
            flush()
            in_change = False
            continue
        if in_change:
            if line.strip().startswith(":") and not current:
                continue  # :tags:, :tickets: fields
            if line.strip() and len(line) - len(line.lstrip()) <= change_indent:
                flush()
                in_change = False
            else:
                if _BULLET.match(line):  # a list inside a change: one item per bullet
                    flush()
                    current, indent = [], change_indent + 1
                if current is not None:
                    current.append(line.strip().lstrip("*-+ ") if not current else line.strip())
                continue
        b = _BULLET.match(line)
        if b and not _UNDERLINE.match(line):
            flush()
            current, indent = [b.group(2)], len(b.group(1))
            continue
        if current is not None:
            if not line.strip():
                # A blank line ends a bullet unless the bullet goes on, indented, after it.
                if not (nxt.strip() and len(nxt) - len(nxt.lstrip()) > indent) or _BULLET.match(
                    nxt
                ):
                    flush()
                continue
            if len(line) - len(line.lstrip()) > indent:
                current.append(line.strip())
            else:
                flush()
    flush()
    return items


def _version(v: str) -> Version | None:
    try:
        return Version(v)
    except InvalidVersion:
        return None


def mentions(text: str, name: str, owner: str = "", module: str = "") -> bool:
    """Whether a changelog text is about `name` (as code, or qualified by its owner).

    In code, `X.name` counts only when X is the owner or (the end of) the module, and
    `name.attr` is about the attribute, not the name. A bare word counts only for identifiers
    no English sentence contains (`safe_str_cmp`, `TextField`): "env" in prose is no mention.
    """
    word = re.escape(name)
    allowed = {p for p in (owner, owner.split(".")[-1]) if p}
    allowed |= {ALIASES[p] for p in list(allowed) if p in ALIASES}
    parts = module.split(".") if module else []
    allowed |= {".".join(parts[i:]) for i in range(len(parts))}
    for span in _SPAN.findall(text):
        for m in re.finditer(rf"(?<![\w])((?:[\w]+\.)*){word}(?![\w])(\.\w)?", span):
            prefix = m.group(1).rstrip(".")
            if m.group(2):
                continue
            if not prefix or prefix in allowed or prefix.split(".")[-1] in allowed:
                return True
    distinctive = "_" in name.strip("_") or re.search(r"[a-z][A-Z]", name) or name.isupper()
    return bool(distinctive and re.search(rf"(?<![\w.`]){word}(?![\w.`])", text))


_SPAN = re.compile(r"`([^`]+)`")
# How changelogs name instances of the usual owners: `app.env`, `bp.json_encoder`.
ALIASES = {"Flask": "app", "Blueprint": "bp", "Request": "request", "Response": "response"}
_CODE = r"`([^`]+)`"
_REPLACE_PATTERNS = (
    r"{name}`?\s+(?:\w+\s+)?(?:is|was|has been)?\s*renamed\s+(?:to\s+)?" + _CODE,
    _CODE + r"\s+replaces\s+(?:\w+'s\s+)?`{name}`",
    _CODE + r"\s+(?:is|was|has been)\s+renamed\s+from\s+`{name}`",
    r"{name}`?\s+(?:is|was|has been)?\s*(?:replaced|superseded)\s+(?:by|with)\s+" + _CODE,
    r"{name}`?\s+(?:is|was|has been)?\s*moved\s+to\s+" + _CODE,
    r"[Uu]se\s+" + _CODE + r"\s+instead\s+of\s+`{name}`",
)
_GENERIC_PATTERNS = (
    r"(?:[Uu]se|[Cc]all|[Pp]ass|[Ii]mport(?: \w+)?(?: directly)? from)\s+" + _CODE
    + r"\s*(?:directly\s+)?instead",
    r"in\s+favou?r\s+of\s+" + _CODE,
    r"(?:replaced|superseded)\s+(?:by|with)\s+" + _CODE,
    r"renamed\s+to\s+" + _CODE,
    r"moved\s+to\s+" + _CODE,
)  # fmt: skip


def replacement(text: str, name: str) -> str:
    """What the changelog says to use instead of `name`, or ''."""
    word = re.escape(name)
    for pattern in _REPLACE_PATTERNS:
        m = re.search(pattern.format(name=rf"`?[\w.]*{word}(?:\(\))?"), text)
        if m:
            return m.group(1)
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z`])", text)
    for i, sentence in enumerate(sentences):
        if not mentions(sentence, name, "", ""):
            continue
        for candidate in sentences[i : i + 2]:
            for pattern in _GENERIC_PATTERNS:
                m = re.search(pattern, candidate)
                if m and m.group(1).strip("`") != name:
                    return m.group(1)
            if re.search(r"\binstead\b", candidate) and candidate is not sentence:
                return candidate
        break
    return ""


def excerpt(text: str, name: str, limit: int = 320) -> str:
    """The item, or for a long one the sentences around the first mention of `name`."""
    if len(text) <= limit:
        return text
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z`])", text)
    for i, sentence in enumerate(sentences):
        if mentions(sentence, name):
            out = " ".join(sentences[i : i + 2])
            return out if len(out) <= limit else out[: limit - 1].rstrip() + "…"
    return text[: limit - 1].rstrip() + "…"


def explain(
    items: list[Item], removal, removed_in: str, since: str = "0", prefer: str = ""
) -> Note:
    """Deprecation version, replacement and changelog line for one removal.

    Items older than three minor releases before the window (`since`) are not read: what a
    0.3 changelog says about a name of the same spelling is about something else.
    """
    start = Version(since)
    floor = Version(
        f"{start.major}.{start.minor - 3}"
        if start.minor >= 3
        else f"{start.major - 1 if start.major else 0}.0"
    )
    items = [it for it in items if (v := _version(it.version)) is not None and v >= floor]
    name, owner = removal.name, removal.owner
    if removal.kind == "module":
        name = removal.module
    removed_v = _version(removed_in)
    # A generic parameter or attribute name ("app", "env") must come with its function.
    need = ""
    if removal.kind in ("keyword", "positional", "attribute") and "_" not in name.strip("_"):
        need = owner.split(".")[0] if removal.kind == "attribute" else owner.split(".")[-1]
        need = f"{need}|{ALIASES[need]}" if need in ALIASES else need
    hits = [
        (v, it)
        for it in items
        if (v := _version(it.version)) is not None
        and mentions(it.text, name, owner, removal.module)
        and (not need or re.search(rf"(?<![\w])(?:{need})(?![\w])", it.text))
    ]
    if removal.kind == "module" and not hits:
        leaf = removal.module.rsplit(".", 1)[-1]
        hits = [
            (v, it)
            for it in items
            if (v := _version(it.version)) is not None and mentions(it.text, leaf, "")
        ]
    deprecated = sorted(
        (
            (v, it)
            for v, it in hits
            if removed_v
            and v < removed_v
            and (v.major, v.minor) != (removed_v.major, removed_v.minor)  # not 2.1.0b1 for 2.1.0
            and re.search(r"deprecat|renamed", it.text, re.I)
        ),
        key=lambda p: p[0],
    )
    removed = [
        it
        for v, it in hits
        if removed_v
        and (v.major, v.minor) == (removed_v.major, removed_v.minor)
        and v <= removed_v
        and (
            re.search(r"\b(remov|drop|no longer|renamed|replaced)", it.text, re.I)
            or re.match(r"(Remove|Removed|Drop|Dropped)\b", it.context)
        )
    ]
    if not removed and removal.kind == "name" and removed_v:
        # "Remove most top-level attributes provided by the `werkzeug` module": about the
        # module's names as a whole.
        removed = [
            it
            for it in items
            if it.version == removed_in or it.version == f"{removed_v.major}.{removed_v.minor}"
            if f"`{removal.module}`" in it.text and re.search(r"\bremov", it.text, re.I)
        ]
    preferred = _version(prefer) if prefer else None
    if (
        removal.kind == "name"
        and preferred
        and not any((v.major, v.minor) == (preferred.major, preferred.minor) for v, _ in deprecated)
    ):
        # "Deprecate the `werkzeug.urls` module": the whole module, dated by the code's warning.
        deprecated += [
            (v, it)
            for it in items
            if (v := _version(it.version)) is not None
            and (v.major, v.minor) == (preferred.major, preferred.minor)
            and f"`{removal.module}`" in it.text
            and re.search(r"deprecat", it.text, re.I)
        ]
    dep_item = deprecated[0][1] if deprecated else None
    if preferred:  # the code's own warning dates the deprecation: that release's item or none
        dep_item = next(
            (
                it
                for v, it in deprecated
                if (v.major, v.minor) == (preferred.major, preferred.minor)
            ),
            None,
        )
    line_item = removed[0] if removed else dep_item
    hint = ""
    for it in [*(it for _, it in deprecated), *removed]:
        hint = replacement(it.text, name)
        if hint:
            break
    return Note(
        deprecated_in=deprecated[0][1].version if deprecated else "",
        replacement=hint,
        line=excerpt(line_item.text, name) if line_item else "",
    )
