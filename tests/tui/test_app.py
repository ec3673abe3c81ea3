"""The TUI driven with Pilot, on the real bundled KB and the real engine."""

from pathlib import Path

from textual import events

from flaskref.entry import TOPICS
from flaskref.tui.app import FlaskrefApp
from flaskref.tui.entry_view import EntryText
from flaskref.tui.screens import HelpScreen, TopicScreen
from flaskref.tui.widgets import QueryBox, ResultList, WhyPanel

from .conftest import BUNDLED, FIXTURE_KB, settle

TRACEBACK = (
    Path(__file__).resolve().parent.parent / "data" / "tracebacks" / "heyoo-106.txt"
).read_text()


async def test_typing_a_topic_selects_its_entry():
    app = FlaskrefApp(kb_dirs=BUNDLED)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press(*"working outside application context")
        await settle(pilot)
        assert app.current is not None and app.current.id == "working-outside-app-context"
        results = app.query_one(ResultList)
        assert results.option_count > 1 and results.highlighted == 0


async def test_pasting_a_whole_traceback_searches_all_of_it():
    app = FlaskrefApp(kb_dirs=BUNDLED)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        box = app.query_one(QueryBox)
        box.post_message(events.Paste(TRACEBACK.replace("\n", "\r")))  # as terminals send it
        await settle(pilot)
        assert app.current.id == "werkzeug-url-quote-import"
        assert box.value.startswith("ImportError: cannot import name 'url_quote'")
        assert "lines)" in box.value and box.query_text.count("\n") > 5


async def test_arrow_keys_move_through_results_and_enter_reads():
    app = FlaskrefApp(kb_dirs=BUNDLED)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.query_one(QueryBox).value = "session cookie"  # typing: see the first test
        await settle(pilot)
        results = app.query_one(ResultList)
        first = app.current.id
        await pilot.press("down")  # from the box into the list
        assert app.focused is results
        await pilot.press("down")
        await settle(pilot)
        second = results.get_option_at_index(1).id
        assert app.current.id == second != first
        await pilot.press("enter")
        assert app.focused.id == "solution-pane"
        await pilot.press("escape")  # no history: back to the box
        assert isinstance(app.focused, QueryBox)


async def test_copy_fix_puts_the_fix_on_the_clipboard_and_is_off_without_an_entry():
    app = FlaskrefApp(kb_dirs=BUNDLED)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        assert app.check_action("copy_fix", ()) is None  # nothing shown yet
        app.query_one(QueryBox).value = "TemplateNotFound"
        await settle(pilot)
        assert app.current.id == "template-not-found"
        await pilot.press("f3")
        assert app.clipboard == app.current.fix
        assert "Fix copied" in [n.message for n in app._notifications]
        await pilot.press("f4")
        assert app.clipboard == app.current.right_code


async def test_markup_in_a_paste_is_shown_literally():
    app = FlaskrefApp(kb_dirs=BUNDLED)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        paste = "[bold]sourdough[/] bread\n[/user] [link=x]baking[/link]"
        app.query_one(QueryBox).post_message(events.Paste(paste))
        await settle(pilot)
        assert app.query_one(QueryBox).value.startswith("[bold]sourdough[/] bread")
        assert app.current is None  # not confident: nothing presented as the answer


async def test_the_layout_follows_the_width():
    """Wide: results | problem | fix. Medium: results | fix. Narrow: results above the fix."""
    for size, two_panes, stacked in (
        ((150, 40), True, False),
        ((120, 40), False, False),
        ((80, 40), False, True),
    ):
        app = FlaskrefApp(kb_dirs=BUNDLED)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            await pilot.press(*"url_for absolute url")
            await settle(pilot)
            results = app.query_one(ResultList).region
            solution = app.query_one("#solution-pane").region
            assert app.query_one("#problem-pane").display is two_panes
            assert (solution.y > results.y) is stacked
            assert (solution.x > results.x) is not stacked
            fix = app.query_one("#solution", EntryText).text
            title_shown = " ".join(app.current.title.split()) in " ".join(fix.split())
            assert "Fix: " in fix and title_shown is not two_panes  # a long title wraps


async def test_topic_browser_lists_topics_with_counts_and_opens_an_entry():
    app = FlaskrefApp(kb_dirs=BUNDLED)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, TopicScreen)
        tree = screen.query_one("#topic-tree")
        labels = [str(node.label) for node in tree.root.children]
        assert len(labels) == len(TOPICS)
        assert any(label.startswith("app-context (") for label in labels)
        first_topic = tree.root.children[0]
        first_topic.expand()
        await pilot.pause()
        entry_id = first_topic.children[0].data
        screen.dismiss(entry_id)
        await settle(pilot)
        assert app.current.id == entry_id


async def test_help_and_see_also_navigation():
    app = FlaskrefApp(kb_dirs=BUNDLED)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        app.query_one(QueryBox).value = "working outside application context"  # as if typed
        await settle(pilot)
        app.open_entry("working-outside-request-context")  # what a see-also link does
        assert app.current.id == "working-outside-request-context"
        await pilot.press("escape")
        assert app.current.id == "working-outside-app-context"


async def test_why_panel_explains_the_highlighted_result():
    app = FlaskrefApp(kb_dirs=BUNDLED)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.query_one(QueryBox).value = "Working outside of request context"
        await settle(pilot)
        why = app.query_one(WhyPanel)
        assert not why.has_class("-empty")
        assert "Why it matched" in str(why.border_title)
        assert "•" in str(why.render())


async def test_broken_kb_file_is_reported_once_not_a_crash(tmp_path):
    broken = tmp_path / "kb" / "templates" / "broken.md"
    broken.parent.mkdir(parents=True)
    broken.write_text("---\nid: [oops\n---\n[bold]body[/]\n")
    app = FlaskrefApp(kb_dirs=[FIXTURE_KB, tmp_path / "kb"])
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        notes = [n.message for n in app._notifications]
        assert len(notes) == 1 and "broken.md:2" in notes[0]
        await pilot.press(*"TemplateNotFound")
        await settle(pilot)
        assert app.current.id == "template-not-found"
        assert len(app._notifications) == 1


async def test_no_match_shows_a_hint_and_edit_without_editor_says_so(monkeypatch):
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    app = FlaskrefApp(kb_dirs=[FIXTURE_KB])
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        app.query_one(QueryBox).value = "zzzz qqqq"
        await settle(pilot)
        assert app.current is None and app.query_one(ResultList).option_count == 0
        assert "No match" in app.query_one("#solution", EntryText).text
        assert app.check_action("edit", ()) is None
        app.query_one(QueryBox).value = "TemplateNotFound"
        await settle(pilot)
        await pilot.press("f5")
        assert "EDITOR" in [n.message for n in app._notifications][-1]


async def test_a_burst_of_arrow_keys_loses_none_to_the_focus_change():
    """Keys arriving together (held down, pasted by a terminal) all act, in order."""
    app = FlaskrefApp(kb_dirs=[FIXTURE_KB])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.query_one(QueryBox).value = "RuntimeError: Working outside of"
        await settle(pilot)
        for key in ("down", "down", "up", "up"):  # into the list, 1, 0, back to the box
            app._driver.send_message(events.Key(key, None))
        await settle(pilot)
        assert isinstance(app.focused, QueryBox)
        for key in ("down", "down", "down", "up"):
            app._driver.send_message(events.Key(key, None))
        await settle(pilot)
        results = app.query_one(ResultList)
        assert app.focused is results and results.highlighted == 1
        assert app.current.id == results.get_option_at_index(1).id


async def test_the_palette_shows_titles_literally_and_offers_only_what_applies(write_entry):
    write_entry("markup-title", title="[bold]Sourdough[/] with a [/user] tag")
    app = FlaskrefApp(kb_dirs=[FIXTURE_KB, write_entry.root])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Browse topics" in titles and "Copy fix" not in titles and "Edit entry" not in titles
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Sourdough")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.current.id == "markup-title"
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Copy fix" in titles and "Edit entry" in titles
        await pilot.press("escape")  # back where we were: nothing
        assert app.current.id == "markup-title"
