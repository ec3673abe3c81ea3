"""Editing an entry: a bundled one is copied into the user's KB; a broken editor is a toast."""

import contextlib
import os
import stat
from pathlib import Path

import pytest

from flaskref import paths
from flaskref.tui.app import FlaskrefApp
from flaskref.tui.editing import EditError, editor_command
from flaskref.tui.widgets import QueryBox

from .conftest import BUNDLED, FIXTURE_KB, settle


@pytest.mark.parametrize(
    "editor, says",
    [
        ("/nonexistent", "Editor not found: /nonexistent"),
        ("nano-not-installed -v", "Editor not found: nano-not-installed"),
        ('vim "', "not a valid command"),
        (" ", "Set $EDITOR"),
        ("", "Set $EDITOR"),
    ],
)
async def test_a_missing_or_broken_editor_is_a_toast_not_a_crash(monkeypatch, editor, says):
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", editor)
    app = FlaskrefApp(kb_dirs=[FIXTURE_KB])
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        app.query_one(QueryBox).value = "TemplateNotFound"
        await settle(pilot)
        await pilot.press("f5")
        await pilot.press("ctrl+o")
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert len(messages) == 2 and all(says in m for m in messages)
        assert app.is_running and app.current.id == "template-not-found"
    assert not os.path.exists(paths.user_kb_dir())  # nothing copied for an editor that cannot run


def test_visual_wins_over_editor():
    assert editor_command({"VISUAL": "true -x", "EDITOR": "vi"}) == ["true", "-x"]
    with pytest.raises(EditError):
        editor_command({"VISUAL": "", "EDITOR": ""})


@pytest.fixture
def fake_editor(tmp_path):
    """A real editor program: it rewrites the entry's fix line, like a person would."""
    script = tmp_path / "edit-fix"
    script.write_text('#!/bin/sh\nsed -i \'s/^fix: .*/fix: "Edited in my editor."/\' "$1"\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


async def test_f5_on_a_bundled_entry_edits_a_copy_in_the_users_kb(monkeypatch, fake_editor):
    monkeypatch.setenv("EDITOR", str(fake_editor))
    monkeypatch.delenv("VISUAL", raising=False)
    app = FlaskrefApp(kb_dirs=paths.kb_dirs())
    # Headless tests cannot hand the terminal over; the editor runs all the same.
    monkeypatch.setattr(app, "suspend", contextlib.nullcontext)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        app.query_one(QueryBox).value = "TemplateNotFound"
        await settle(pilot)
        entry = app.current
        bundled = entry.path
        before = open(bundled, encoding="utf-8").read()
        await pilot.press("f5")
        await settle(pilot, rounds=8)
        copy = Path(paths.user_kb_dir()) / entry.topic / os.path.basename(bundled)
        assert copy.is_file() and "Edited in my editor." in copy.read_text()
        assert open(bundled, encoding="utf-8").read() == before  # site-packages untouched
        assert any(str(copy) in n.message for n in app._notifications)
        assert app.current.id == entry.id and app.current.fix == "Edited in my editor."
        assert app.current.path == str(copy)


async def test_editing_the_users_own_entry_edits_it_in_place(monkeypatch, fake_editor, tmp_path):
    own = tmp_path / "mine"
    src = FIXTURE_KB / "templates" / "template-not-found.md"
    (own / "templates").mkdir(parents=True)
    target = own / "templates" / src.name
    target.write_text(src.read_text())
    monkeypatch.setenv("EDITOR", str(fake_editor))
    app = FlaskrefApp(kb_dirs=[*BUNDLED, own])
    monkeypatch.setattr(app, "suspend", contextlib.nullcontext)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        app.open_entry("template-not-found")
        assert app.current.path == str(target)
        await pilot.press("f5")
        await settle(pilot, rounds=8)
        assert app.current.fix == "Edited in my editor."
        assert not os.path.exists(paths.user_kb_dir())


async def test_a_generated_answer_opens_but_cannot_be_edited(monkeypatch, fake_editor):
    """A removed-API row has no file behind it: it is shown, and edit stays greyed out."""
    monkeypatch.setenv("EDITOR", str(fake_editor))
    app = FlaskrefApp(kb_dirs=paths.kb_dirs())
    monkeypatch.setattr(app, "suspend", contextlib.nullcontext)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        app.query_one(
            QueryBox
        ).value = (
            "ImportError: cannot import name 'FallbackAsyncAdaptedQueuePool' from 'sqlalchemy.pool'"
        )
        await settle(pilot, rounds=8)
        assert app.current is not None and app.current.id.startswith("removed:")
        assert app.check_action("copy_fix", ()) is True
        assert app.check_action("edit", ()) is None
        await pilot.press("f5")
        await settle(pilot)
        assert app.is_running and app.current.id.startswith("removed:")
    assert not os.path.exists(paths.user_kb_dir())  # the editor never ran: nothing copied
