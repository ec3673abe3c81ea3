"""The answer first, at any size: what is on screen without scrolling."""

import pytest

from flaskref.tui.app import FlaskrefApp
from flaskref.tui.entry_view import EntryText

from .conftest import FIXTURE_KB, screen_text, settle

QUERY = "RuntimeError: Working outside of application context."


def visible_lines(app, text_id: str = "#solution") -> list[str]:
    """The lines of an entry pane that show in its viewport right now (no scrolling)."""
    text = app.query_one(text_id, EntryText)
    pane = text.parent
    top, bottom = pane.content_region.y, pane.content_region.bottom
    return [
        line.rstrip()
        for y, line in enumerate(text.text.splitlines(), start=text.region.y)
        if top <= y < bottom
    ]


@pytest.mark.parametrize("size", [(80, 24), (60, 20), (120, 30), (150, 40)])
async def test_title_whole_fix_and_the_start_of_the_right_code_show_without_scrolling(size):
    app = FlaskrefApp(QUERY, [FIXTURE_KB])
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        entry = app.current
        assert entry.id == "working-outside-app-context"
        shown = visible_lines(app)
        joined = " ".join(shown)
        title_pane = visible_lines(app, "#problem") if size[0] >= 140 else shown
        assert " ".join(title_pane).startswith(entry.title)
        fix = "Fix: " + entry.fix.replace("`", "")  # inline code renders without backticks
        assert fix in " ".join(line.strip() for line in shown)
        assert "✓ Right" in shown
        first_code = entry.right_code.splitlines()[0]
        assert any(line.strip() == first_code for line in shown), joined
        on_screen = screen_text(app)
        assert first_code in on_screen and "✓ Right" in on_screen


async def test_too_small_says_so_and_recovers():
    app = FlaskrefApp(QUERY, [FIXTURE_KB])
    async with app.run_test(size=(50, 14)) as pilot:
        await settle(pilot)
        assert app.query_one("#too-small").display
        assert "too small" in screen_text(app)
        assert not app.query_one("#body").display
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert not app.query_one("#too-small").display
        assert app.current.title in screen_text(app)


async def test_results_are_one_line_each_above_the_entry():
    app = FlaskrefApp("working outside context", [FIXTURE_KB])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        results = app.query_one("#results")
        assert results.option_count >= 2
        rows = screen_text(app).splitlines()[results.region.y + 1 : results.region.y + 3]
        for row, index in zip(rows, range(2), strict=True):
            result = app._results[results.get_option_at_index(index).id]
            title = result.entry.title
            assert row.startswith("│ " + title[:20])  # a new result on each line
            assert row.rstrip(" │").endswith(f"{result.entry.topic} · {result.score:.0%}")


async def test_the_answer_is_in_the_first_paint_then_highlighted():
    """As `flaskref --tui QUERY` starts: the engine has answered before Textual starts."""
    from flaskref.search import Engine

    engine = Engine([FIXTURE_KB])
    app = FlaskrefApp(QUERY, [FIXTURE_KB], engine=engine, results=engine.search(QUERY, 20))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()  # one refresh, no waiting for the render thread
        solution = app.query_one("#solution", EntryText)
        first = screen_text(app)
        assert "Fix: Run that code inside" in first and "✓ Right" in first
        assert app.current.right_code.splitlines()[0] in first
        await settle(pilot)
        assert solution.shown is not None  # the whole entry, highlighted, replaced the draft
        code = next(s for s in solution._lines if "from flask import" in s.text)
        assert len({seg.style.color for seg in code if seg.text.strip()}) >= 2
        see_also = app.query_one("#see-also")  # its links, known once the engine is ready
        assert see_also.display and see_also.get_option_at_index(0).id == (
            "working-outside-request-context"
        )
        for _ in range(3):  # query box, results, fix pane, links
            await pilot.press("tab")
        assert app.focused is see_also


async def test_a_message_follows_the_width_too():
    app = FlaskrefApp("", [FIXTURE_KB])
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(pilot)
        assert "Type a topic" in app.query_one("#problem", EntryText).text  # welcome, left
        await pilot.resize_terminal(100, 30)
        await settle(pilot)
        one_pane = app.query_one("#solution", EntryText).text
        assert "Type a topic" in one_pane and "entries by topic" in one_pane
