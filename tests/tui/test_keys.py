"""Keys: every key applied in order, ctrl and letter alternatives, help, full screen, history."""

from textual import events
from textual.widgets import Footer

from flaskref.tui.app import FlaskrefApp
from flaskref.tui.entry_view import EntryText
from flaskref.tui.screens import HelpScreen, TopicScreen
from flaskref.tui.widgets import QueryBox, ResultList

from .conftest import FIXTURE_KB, screen_text, settle


def send_batch(app, keys: list[str]) -> None:
    """Keys as one read from the terminal delivers them: all queued before any is handled."""
    for key in keys:
        app._driver.send_message(events.Key(key, key if len(key) == 1 else None))


async def test_editing_keys_in_a_batch_apply_in_order():
    app = FlaskrefApp(kb_dirs=[FIXTURE_KB])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        box = app.query_one(QueryBox)
        send_batch(app, ["a", "p", "p", "l", "backspace", "backspace", "a", "l"])
        await settle(pilot)
        assert box.value == "apal"
        send_batch(app, ["ctrl+u", "c", "o", "r", "s"])
        await settle(pilot)
        assert box.value == "cors"
        send_batch(app, ["ctrl+w", *"xTemplateNotFound", "home", "delete"])
        await settle(pilot)
        assert box.value == "TemplateNotFound"
        assert app.painted_query == "TemplateNotFound"


async def test_ctrl_keys_work_in_the_query_box_and_letters_outside_it():
    app = FlaskrefApp(kb_dirs=[FIXTURE_KB])
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+g")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.press("ctrl+t")
        assert isinstance(app.screen, TopicScreen)
        await pilot.press("escape")
        await pilot.press(*"TemplateNotFound t")  # letters in the box are typed
        await settle(pilot)
        assert app.query_one(QueryBox).value == "TemplateNotFound t"
        assert app.current.id == "template-not-found"
        await pilot.press("ctrl+y")
        assert app.clipboard == app.current.fix
        await pilot.press("ctrl+r")
        assert app.clipboard == app.current.right_code
        await pilot.press("down")  # into the results: letters are keys now
        assert isinstance(app.focused, ResultList)
        await pilot.press("y")
        assert app.clipboard == app.current.fix
        await pilot.press("t")
        assert isinstance(app.screen, TopicScreen)
        await pilot.press("escape")
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.press("slash")
        assert isinstance(app.focused, QueryBox)


async def test_the_footer_shows_the_f_key_and_its_ctrl_key_at_80_columns():
    app = FlaskrefApp(kb_dirs=[FIXTURE_KB])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.query_one(QueryBox).value = "TemplateNotFound"
        await settle(pilot)
        footer = screen_text(app).splitlines()[-1]
        for shown in (
            "F1 ^g Help",
            "F2 ^t Topics",
            "F3 ^y Copy fix",
            "F4 ^r Copy code",
            "F5 ^o Edit",
        ):
            assert shown in footer
        assert app.query_one(Footer).show_command_palette


async def test_help_lists_every_binding_and_scrolls():
    app = FlaskrefApp(kb_dirs=[FIXTURE_KB])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        text = "\n".join(f"{keys} {what}" for keys, what in app.screen.rows)
        for binding in FlaskrefApp.BINDINGS:
            assert (binding.tooltip or binding.description) in text
        assert "F7 ^f f" in text and "F2 ^t t" in text
        dialog = app.screen.query_one("#help-dialog")
        assert app.focused is dialog and dialog.max_scroll_y > 0  # taller than 24 rows
        await pilot.press("pagedown")
        await pilot.pause()
        assert dialog.scroll_y > 0


async def test_the_fix_pane_goes_full_screen_and_back():
    app = FlaskrefApp(kb_dirs=[FIXTURE_KB])
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(pilot)
        app.query_one(QueryBox).value = "TemplateNotFound"
        await settle(pilot)
        solution = app.query_one("#solution", EntryText)
        assert app.current.title not in solution.text  # two panes: the title is on the left
        await pilot.press("ctrl+f")
        await settle(pilot)
        assert app.screen.maximized is app.query_one("#solution-pane")
        assert solution.text.startswith(app.current.title)  # one pane: the problem comes too
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.maximized is None
        assert app.current.title not in solution.text


async def test_escape_history_follows_links_topics_and_palette_and_resets_on_search():
    app = FlaskrefApp(kb_dirs=[FIXTURE_KB])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.query_one(QueryBox).value = "Working outside of application context"
        await settle(pilot)
        assert app.current.id == "working-outside-app-context"
        see_also = app.query_one("#see-also")
        see_also.focus()
        see_also.highlighted = 0
        await pilot.press("enter")  # the See also link, from the keyboard
        await settle(pilot)
        assert app.current.id == "working-outside-request-context"
        await pilot.press("escape")
        assert app.current.id == "working-outside-app-context"

        app.open_entry("template-not-found")  # what the palette does
        await pilot.press("escape")
        assert app.current.id == "working-outside-app-context"

        app.query_one(QueryBox).value = "TemplateNotFound"  # a new search
        await settle(pilot)
        assert app.current.id == "template-not-found" and len(app.history) == 0
        app.open_entry("working-outside-request-context")
        await pilot.press("escape")
        assert app.current.id == "template-not-found"
        await pilot.press("escape")  # nothing older: back to the query box
        assert app.current.id == "template-not-found" and isinstance(app.focused, QueryBox)
