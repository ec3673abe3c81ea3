"""The entry's documents: built from Entry fields alone, code labelled and highlighted."""

from dataclasses import dataclass

from flaskref import kb
from flaskref.search import Result
from flaskref.tui.app import FlaskrefApp
from flaskref.tui.entry_view import EntryText
from flaskref.tui.reader import DEFAULT_PALETTE, render_lines, solution_document

from .conftest import FIXTURE_KB, settle
from .stub_engine import StubEngine

BODY = """\
## Why

The old name was removed.

```python wrong
from werkzeug import url_quote
```

```python right
from urllib.parse import quote
```

```python reproduce
raise SystemExit("test only")
```
"""


@dataclass
class Generated:
    """A result of another kind (generated, not hand-written): only the shared fields."""

    id: str
    title: str
    symptom: str
    errors: tuple[str, ...]
    fix: str
    body: str


REMOVED = Generated(
    id="removed-url-quote",
    title="werkzeug.url_quote was removed",
    symptom="Importing it fails after upgrading Werkzeug.",
    errors=("ImportError: cannot import name 'url_quote' from 'werkzeug'",),
    fix="Use `urllib.parse.quote` instead.",
    body=BODY,
)


def text_of(document, width=70) -> str:
    return "\n".join(line.text.rstrip() for line in render_lines(document, width, DEFAULT_PALETTE))


def test_an_entry_like_result_renders_from_the_shared_fields():
    one_pane = text_of(solution_document(REMOVED, DEFAULT_PALETTE, with_problem=True))
    lines = one_pane.splitlines()
    assert lines[0] == REMOVED.title
    assert "Fix: Use urllib.parse.quote instead." in one_pane
    assert one_pane.index("✓ Right") < one_pane.index("Symptom") < one_pane.index("✗ Wrong")
    assert REMOVED.errors[0] in one_pane  # verbatim, underscores and quotes kept
    assert "test only" not in one_pane  # the KB's test blocks are not for readers


def test_code_is_highlighted_with_the_language_not_the_label():
    strips = render_lines(
        solution_document(REMOVED, DEFAULT_PALETTE, with_problem=False), 70, DEFAULT_PALETTE
    )
    code = next(s for s in strips if "from urllib.parse import quote" in s.text)
    colours = {seg.style.color for seg in code if seg.text.strip() and seg.style}
    assert len(colours) >= 2  # keywords and names differ: a Python lexer, not plain text


async def test_the_app_shows_a_generated_result_and_offers_no_edit_for_it():
    class WithGenerated(StubEngine):
        def search(self, text, limit=5):
            return [Result(REMOVED, 0.8, ("generated from Werkzeug's changelog",))]

    app = FlaskrefApp("url_quote", open_engine=WithGenerated)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.current is REMOVED
        assert "Fix: Use urllib.parse.quote instead." in app.query_one("#solution", EntryText).text
        assert app.check_action("copy_fix", ()) is True
        assert app.check_action("edit", ()) is None  # no file behind it
        assert app.check_action("copy_code", ()) is None


def test_every_fixture_entry_renders_at_narrow_widths():
    for entry in kb.load([FIXTURE_KB]).entries:
        for width in (20, 56, 100):
            text = text_of(solution_document(entry, DEFAULT_PALETTE, with_problem=True), width)
            assert text.splitlines()[0].strip()
            assert all(len(line) <= width for line in text.splitlines())


async def test_escape_sequences_in_a_kb_file_never_reach_the_terminal(tmp_path):
    """A `--kb` folder is anyone's: an OSC 52 in it would set the user's clipboard."""
    entry = tmp_path / "kb" / "common-mistakes" / "hostile.md"
    entry.parent.mkdir(parents=True)
    entry.write_text(
        '---\nid: hostile\ntitle: "Sourdough \\e]52;c;SGVsbG8=\\a starter"\n'
        "topic: common-mistakes\ntags: [sourdough]\nexceptions: [RuntimeError]\n"
        'errors:\n  - "Sourdough failed \\e[2J to rise"\n'
        'symptom: "It \\e[31mfails\\e[0m."\nfix: "Feed it \\e]0;pwned\\a daily."\n---\n\n'
        "## Why\n\nFlour \x1b[1mand\x1b[0m water.\n\n## Fix\n\n"
        "```python right\nstarter = feed(\x1b]52;c;SGVsbG8=\x07flour)\n```\n",
        encoding="utf-8",
    )
    app = FlaskrefApp("sourdough starter", [FIXTURE_KB, tmp_path / "kb"])
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(pilot)
        assert app.current.id == "hostile" and "\x1b" in app.current.title  # as in the file
        shown = "\n".join(
            [app.query_one(f"#{pane}", EntryText).text for pane in ("problem", "solution")]
            + [str(app.query_one("#results").get_option_at_index(0).prompt)]
            + [str(app.query_one("#why").render())]
        )
        assert "\x1b" not in shown and "\x07" not in shown
        words = " ".join(shown.split())
        assert "Sourdough starter" in words and "Fix: Feed it daily." in words
        assert "starter = feed(flour)" in words
