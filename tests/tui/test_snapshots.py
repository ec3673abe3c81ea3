"""Snapshots of the main screen, the topic browser and the help screen.

Built from a small fixed KB (tests/tui/kb_fixture) so that KB edits do not change them.
Update with `pytest tests/tui --snapshot-update` only after reading the report.
"""

from pathlib import Path

from textual import events

from flaskref.tui.app import FlaskrefApp
from flaskref.tui.widgets import QueryBox

from .conftest import FIXTURE_KB, settle

SIZE = (120, 36)
TRACEBACK = (Path(__file__).resolve().parent / "app_context_traceback.txt").read_text()


async def _ready(pilot) -> None:
    """Fixed theme, no cursor blink, engine open and every search and preview done."""
    pilot.app.theme = "textual-dark"
    await settle(pilot)
    pilot.app.query_one(QueryBox).cursor_blink = False
    await pilot.pause()


class TestMainScreen:
    def test_results_for_a_query(self, snap_compare):
        app = FlaskrefApp("RuntimeError: Working outside of application context.", [FIXTURE_KB])
        assert snap_compare(app, terminal_size=SIZE, run_before=_ready)

    def test_pasted_traceback(self, snap_compare):
        async def paste(pilot):
            await _ready(pilot)
            pilot.app.query_one(QueryBox).post_message(events.Paste(TRACEBACK))
            await _ready(pilot)

        app = FlaskrefApp("", [FIXTURE_KB])
        assert snap_compare(app, terminal_size=SIZE, run_before=paste)

    def test_narrow_stacks(self, snap_compare):
        app = FlaskrefApp("TemplateNotFound: index.html", [FIXTURE_KB])
        assert snap_compare(app, terminal_size=(80, 36), run_before=_ready)


class TestScreens:
    def test_topic_browser(self, snap_compare):
        async def open_topics(pilot):
            await _ready(pilot)
            await pilot.press("f2")
            await pilot.pause()

        assert snap_compare(
            FlaskrefApp("", [FIXTURE_KB]), terminal_size=SIZE, run_before=open_topics
        )

    def test_help(self, snap_compare):
        async def open_help(pilot):
            await _ready(pilot)
            await pilot.press("f1")
            await pilot.pause()

        assert snap_compare(FlaskrefApp("", [FIXTURE_KB]), terminal_size=SIZE, run_before=open_help)
