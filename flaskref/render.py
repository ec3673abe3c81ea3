"""Printing results: JSON for scripts, plain text for pipes, Rich colour on a terminal.

Rich is imported only when colouring a terminal, and everything from an entry or a query goes
into Rich `Text`/`Syntax` objects, never through markup, so a pasted `[bold]` prints as typed.
Every field is passed through `sanitize()` first, plain or Rich: an entry from someone's `--kb`
folder or a paste may carry escape sequences a terminal would obey (Rich strips only some).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from io import TextIOBase

from flaskref.entry import CodeBlock, Entry
from flaskref.result import Result
from flaskref.sanitize import escape_surrogates, sanitize

# `typing.TextIO` would cost an import of `typing` on every lookup; streams are TextIOBase.


def to_json(query: str, results: Sequence[Result]) -> str:
    """The `--json` document; `shared/eval/score.py` and editor plugins read these keys.

    Every result has `kind` ("entry", "removed", "message") and the same fields whatever its
    kind; a generated kind adds its own (`removed`: library, name, deprecated_in, removed_in,
    replacement; `message`: library, version, file, line, function, condition). `path` is
    empty for a generated kind: no file holds it.

    JSON escapes control characters itself; only undecodable bytes (lone surrogates, which
    no UTF-8 can carry) are written as `\\xNN` text.
    """
    return json.dumps(
        {"query": escape_surrogates(query), "results": [_json_result(r) for r in results]},
        indent=2,
        ensure_ascii=False,
    )


def _json_result(r: Result) -> dict[str, object]:
    doc: dict[str, object] = {
        "id": r.entry.id,
        "kind": r.kind,
        "title": r.entry.title,
        "topic": r.entry.topic,
        "errors": list(r.entry.errors),
        "symptom": r.entry.symptom,
        "fix": r.entry.fix,
        "score": r.score,
        "path": escape_surrogates(r.entry.path),
        "why": [escape_surrogates(w) for w in r.why],
    }
    for key, value in (r.details or {}).items():
        doc.setdefault(key, escape_surrogates(value) if isinstance(value, str) else value)
    return doc


def shown(entry: Entry) -> Entry:
    """The entry with every text field sanitized for a terminal."""
    return entry._replace(
        id=sanitize(entry.id),
        title=sanitize(entry.title),
        topic=sanitize(entry.topic),
        tags=tuple(sanitize(t) for t in entry.tags),
        symptom=sanitize(entry.symptom),
        fix=sanitize(entry.fix),
        path=sanitize(entry.path),
        errors=tuple(sanitize(e) for e in entry.errors),
        body=sanitize(entry.body),
        blocks=tuple(
            CodeBlock(sanitize(b.lang), sanitize(b.label), sanitize(b.code), b.line, b.note)
            for b in entry.blocks
        ),
    )


def _shown_result(result: Result) -> Result:
    return result._replace(entry=shown(result.entry), why=tuple(sanitize(w) for w in result.why))


def _wrap(label: str, text: str, width: int) -> list[str]:
    pad = " " * 9
    import textwrap  # plain output only: JSON never wraps

    lines = textwrap.wrap(text, width=width - 9) or [""]
    return [f"{label:<9}{lines[0]}"] + [pad + ln for ln in lines[1:]]


def plain_entry(
    entry: Entry, width: int = 80, score: float | None = None, *, code: bool = True
) -> list[str]:
    """An entry as lines of plain text, readable in 80 columns; `code` adds the right code."""
    entry = shown(entry)
    head = entry.title
    tail = f"[{entry.topic}" + (f", {score:.0%}]" if score is not None else "]")
    out = [head if len(head) + len(tail) + 2 > width else f"{head}  {tail}"]
    if len(head) + len(tail) + 2 > width:
        out.append(tail)
    out.append("")
    out += _wrap("Symptom", entry.symptom, width)
    for i, err in enumerate(entry.errors[:3]):
        out += _wrap("Error" if i == 0 else "", err, width)
    out += _wrap("Fix", entry.fix, width)
    right = entry.right_code if code else None
    if right:
        out.append("")
        out += ["    " + ln if ln else "" for ln in right.rstrip("\n").split("\n")]
    return out


def print_results(
    results: Sequence[Result], out: TextIOBase, *, color: bool, width: int = 80
) -> None:
    """The best result in full, then the next titles."""
    results = [_shown_result(r) for r in results]
    best, rest = results[0], results[1:]
    if color:
        _print_rich_entry(best, out, width)
    else:
        generated = best.kind != "entry"
        out.write("\n".join(plain_entry(best.entry, width, best.score, code=not generated)) + "\n")
        if generated:  # no file to `show`: the details (replacement, source lines) come here
            out.write("\n" + "\n".join(plain_markdown(best.entry.body, width)) + "\n")
        if best.why:
            out.write("\n" + "\n".join(_wrap("Matched", "; ".join(best.why), width)) + "\n")
        if not generated:
            out.write(f"More     flaskref show {best.entry.id}\n")
    if rest:
        out.write("\nAlso:\n")
        out.write(_listing(rest, width, start=2))


def plain_markdown(body: str, width: int = 80) -> list[str]:
    """A short Markdown body as plain lines: headings as words, paragraphs and list items
    wrapped to `width`, code indented by four spaces."""
    import textwrap

    out: list[str] = []
    in_code = False
    for line in body.splitlines():
        if line.startswith("```"):
            in_code = not in_code
            continue
        if in_code:
            out.append(("    " + line) if line else "")
        elif line.startswith("#"):
            out.append(line.lstrip("#").strip())
        elif line.strip():
            indent = " " * (len(line) - len(line.lstrip()))
            bullet = "- " if line.lstrip().startswith(("- ", "> ")) else ""
            out += textwrap.wrap(
                line.strip(),
                width=width,
                initial_indent=indent,
                subsequent_indent=indent + " " * len(bullet),
            )
        else:
            out.append("")
    return out


def _listing(results: Sequence[Result], width: int, start: int = 1) -> str:
    """Numbered titles, each with its id, topic and score below, within `width` columns."""
    lines = []
    for n, r in enumerate(results, start):
        lines.append(_fit(f"  {n}. {r.entry.title}", width))
        lines.append(_fit(f"     {r.entry.id}  [{r.entry.topic}, {r.score:.0%}]", width))
    return "\n".join(lines) + "\n"


def _fit(line: str, width: int) -> str:
    return line if len(line) <= width else line[: width - 1] + "\u2026"


def print_nearest(
    query_summary: str, results: Sequence[Result], out: TextIOBase, width: int = 80
) -> None:
    """What to say when nothing is confident: the nearest titles and what to try."""
    query_summary = sanitize(query_summary)
    results = [_shown_result(r) for r in results]
    out.write(_fit(f"No confident answer for: {query_summary}", width) + "\n")
    if results:
        out.write("Nearest entries:\n")
        out.write(_listing(results, width))
    out.write(
        "Try the final error line of the traceback, fewer words, or `flaskref topics` to browse.\n"
    )


def print_entry(entry: Entry, out: TextIOBase, *, color: bool, width: int = 80) -> None:
    """`flaskref show ID`: the whole entry, its Markdown body included."""
    entry = shown(entry)
    if color:
        from rich.console import Console
        from rich.markdown import Markdown

        console = Console(file=out, width=width, highlight=False, force_terminal=True)
        _print_rich_header(console, entry, None)
        console.print(Markdown(entry.body, code_theme="monokai", hyperlinks=False))
    else:
        # The body carries the code blocks itself: the header leaves them out.
        out.write("\n".join(plain_entry(entry, width, code=False)))
        out.write("\n\n" + entry.body + "\n")
    out.write(f"\nFile: {entry.path}\n")


def _print_rich_header(console, entry: Entry, score: float | None) -> None:
    from rich.table import Table
    from rich.text import Text

    title = Text(entry.title, style="bold")
    title.append(
        f"  [{entry.topic}" + (f", {score:.0%}]" if score is not None else "]"), style="dim"
    )
    console.print(title)
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold cyan", no_wrap=True)
    grid.add_column()
    grid.add_row("Symptom", Text(entry.symptom))
    for i, err in enumerate(entry.errors[:3]):
        grid.add_row("Error" if i == 0 else "", Text(err, style="red"))
    grid.add_row("Fix", Text(entry.fix, style="green"))
    console.print(grid)


def _print_rich_entry(result: Result, out: TextIOBase, width: int) -> None:
    from rich.console import Console
    from rich.syntax import Syntax
    from rich.text import Text

    console = Console(file=out, width=width, highlight=False, force_terminal=True)
    _print_rich_header(console, result.entry, result.score)
    if result.kind != "entry":  # no file to `show`: the details come here
        from rich.markdown import Markdown

        console.print(Markdown(result.entry.body, code_theme="monokai", hyperlinks=False))
        if result.why:
            console.print(Text("Matched  " + "; ".join(result.why), style="dim"))
        return
    code = result.entry.right_code
    if code:
        console.print()
        console.print(
            Syntax(code.rstrip("\n"), "python", theme="monokai", background_color="default")
        )
    if result.why:
        console.print(Text("Matched  " + "; ".join(result.why), style="dim"))
    console.print(Text(f"More     flaskref show {result.entry.id}", style="dim"))
