"""The theme is remembered; F6 switches between the last light and the last dark theme."""

import json

from flaskref.tui import settings
from flaskref.tui.app import FlaskrefApp

from .conftest import FIXTURE_KB, settle


async def test_a_theme_chosen_in_the_palette_is_remembered_and_f6_comes_back_to_it():
    app = FlaskrefApp(kb_dirs=[FIXTURE_KB])
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.theme = "nord"  # what choosing it in the palette does
        await pilot.pause()
        assert json.loads(settings.settings_file().read_text())["theme"] == "nord"
        await pilot.press("f6")
        await pilot.pause()
        assert app.theme == "textual-light"
        assert not app.palette.dark  # the entry view renders in the new theme's colours
        assert app.palette.heading == app.get_css_variables()["text-primary"].upper()
        await pilot.press("ctrl+l")
        assert app.theme == "nord"  # the dark theme chosen, not textual-dark

    again = FlaskrefApp(kb_dirs=[FIXTURE_KB])
    async with again.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert again.theme == "nord"
        again.theme = "solarized-light"
        await pilot.press("f6")
        await pilot.press("f6")
        assert again.theme == "solarized-light"  # the light one chosen is kept too


async def test_a_broken_settings_file_is_reported_and_ignored():
    path = settings.settings_file()
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    app = FlaskrefApp(kb_dirs=[FIXTURE_KB])
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        assert app.theme == "textual-dark"
        assert any(str(path) in n.message for n in app._notifications)


def test_settings_that_cannot_be_written_are_a_message(monkeypatch, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(blocker))  # a file where the folder should be
    problem = settings.save({"theme": "nord"})
    assert problem and "Could not save the settings" in problem
