"""`flaskref scan --tui`, driven with Pilot: a finding opens its entry."""

from pathlib import Path

from textual.widgets import Markdown, OptionList

from flaskref import paths
from flaskref.scan.model import Finding
from flaskref.scan.options import load
from flaskref.scan.runner import Report, scan
from flaskref.scan.tui import ScanApp

PLANTED = Path(__file__).resolve().parent.parent / "data" / "scan" / "planted"


async def _ready(pilot):
    for _ in range(5):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def test_a_finding_opens_its_entry():
    report = scan([PLANTED], load(PLANTED))
    app = ScanApp(report, [paths.bundled_kb_dir()])
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot)
        first = report.findings[0]
        source = app.query_one("#entry", Markdown).source
        assert f"flaskref show {first.entry}" in source
        target = next(i for i, f in enumerate(report.findings) if f.rule == "json-dumps-response")
        app.query_one("#findings", OptionList).highlighted = target
        await _ready(pilot)
        source = app.query_one("#entry", Markdown).source
        assert "# Return JSON with jsonify" in source
        assert "python reproduce" not in source
        await pilot.press("enter")
        assert app.focused.id == "entry-pane"
        await pilot.press("escape")
        assert app.focused.id == "findings"


async def test_text_from_the_project_is_never_markup(tmp_path):
    finding = Finding("[/user]\x1b[2J.py", 3, 1, "debug-enabled", "[bold]x[/]", "no-such-entry")
    app = ScanApp(Report(tmp_path, 1, [finding]), [paths.bundled_kb_dir()])
    async with app.run_test(size=(100, 30)) as pilot:
        await _ready(pilot)
        source = app.query_one("#entry", Markdown).source
        assert "\\[/user\\]\\\\x1b\\[2J.py" in source  # shown, escaped, not run
        assert "No entry `no-such-entry`" in source
