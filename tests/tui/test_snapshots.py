"""Snapshots of the main screen at several sizes, the topic browser and the help screen.

Built on a stub engine with fixed results over the fixture KB (tests/tui/stub_engine.py), so
neither a KB edit nor a ranking change moves them. Update with
`pytest tests/tui --snapshot-update` only after reading the report.
"""

from pathlib import Path

from textual import events

from flaskref.tui.app import FlaskrefApp
from flaskref.tui.widgets import QueryBox

from .conftest import settle
from .stub_engine import StubEngine

SIZE = (120, 36)
TRACEBACK = (Path(__file__).resolve().parent / "app_context_traceback.txt").read_text()


def stub_app(query: str = "") -> FlaskrefApp:
    return FlaskrefApp(query, open_engine=StubEngine)


async def _ready(pilot) -> None:
    """Fixed theme, no cursor blink, engine open and every search and render done."""
    pilot.app.theme = "textual-dark"
    await settle(pilot)
    pilot.app.query_one(QueryBox).cursor_blink = False
    await pilot.pause()


class TestMainScreen:
    def test_results_for_a_query(self, snap_compare):
        app = stub_app("RuntimeError: Working outside of application context.")
        assert snap_compare(app, terminal_size=SIZE, run_before=_ready)

    def test_pasted_traceback(self, snap_compare):
        async def paste(pilot):
            await _ready(pilot)
            pilot.app.query_one(QueryBox).post_message(events.Paste(TRACEBACK))
            await _ready(pilot)

        assert snap_compare(stub_app(), terminal_size=SIZE, run_before=paste)

    def test_80x24_shows_the_fix_and_code_first(self, snap_compare):
        app = stub_app("RuntimeError: Working outside of application context.")
        assert snap_compare(app, terminal_size=(80, 24), run_before=_ready)

    def test_60x20(self, snap_compare):
        app = stub_app("TemplateNotFound: index.html")
        assert snap_compare(app, terminal_size=(60, 20), run_before=_ready)

    def test_wide_problem_beside_fix(self, snap_compare):
        app = stub_app("RuntimeError: Working outside of application context.")
        assert snap_compare(app, terminal_size=(150, 40), run_before=_ready)

    def test_no_confident_answer(self, snap_compare):
        assert snap_compare(stub_app("something vague"), terminal_size=SIZE, run_before=_ready)

    def test_welcome(self, snap_compare):
        assert snap_compare(stub_app(), terminal_size=SIZE, run_before=_ready)

    def test_too_small(self, snap_compare):
        assert snap_compare(stub_app("template"), terminal_size=(50, 14), run_before=_ready)


class TestScreens:
    def test_topic_browser(self, snap_compare):
        async def open_topics(pilot):
            await _ready(pilot)
            await pilot.press("f2")
            await pilot.pause()

        assert snap_compare(stub_app(), terminal_size=SIZE, run_before=open_topics)

    def test_help(self, snap_compare):
        async def open_help(pilot):
            await _ready(pilot)
            await pilot.press("f1")
            await pilot.pause()

        assert snap_compare(stub_app(), terminal_size=SIZE, run_before=open_help)
