"""Where flaskref's folders are: the same as platformdirs says, without importing it on Linux."""

from __future__ import annotations

import os
import sys

import platformdirs
import pytest

from flaskref import paths

linux_only = pytest.mark.skipif(sys.platform != "linux", reason="the shortcut is Linux's")


@linux_only
@pytest.mark.parametrize("xdg", [None, "", "relative/dir", "/abs/xdg", "/abs/trailing/"])
@pytest.mark.parametrize("home", [None, "", "relative-home", "/abs/home", "/abs/home/"])
def test_user_folders_are_platformdirs(monkeypatch, xdg, home):
    for name, value in (("XDG_DATA_HOME", xdg), ("XDG_CACHE_HOME", xdg), ("HOME", home)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    monkeypatch.delenv(paths.CACHE_ENV, raising=False)
    for ours, theirs in (
        (
            paths.user_kb_dir,
            lambda: os.path.join(platformdirs.user_data_dir("flaskref", appauthor=False), "kb"),
        ),
        (paths.cache_dir, lambda: platformdirs.user_cache_dir("flaskref", appauthor=False)),
    ):
        try:
            expected = theirs()
        except RuntimeError as exc:  # no home platformdirs can find: neither answers
            with pytest.raises(RuntimeError):
                ours()
            assert "home" in str(exc)
            continue
        assert ours() == expected


@linux_only
def test_only_linux_with_a_usable_home_takes_the_shortcut(monkeypatch):
    monkeypatch.setenv("HOME", "/abs/home")
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    assert (
        paths._linux_user_dir("XDG_DATA_HOME", "~/.local/share")
        == "/abs/home/.local/share/flaskref"
    )
    monkeypatch.setenv("ANDROID_DATA", "/data")
    monkeypatch.setenv("ANDROID_ROOT", "/system")
    assert paths._linux_user_dir("XDG_DATA_HOME", "~/.local/share") is None
    monkeypatch.delenv("ANDROID_DATA")
    monkeypatch.setattr(sys, "platform", "darwin")
    assert paths._linux_user_dir("XDG_DATA_HOME", "~/.local/share") is None
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("HOME", "relative")
    assert paths._linux_user_dir("XDG_DATA_HOME", "~/.local/share") is None
