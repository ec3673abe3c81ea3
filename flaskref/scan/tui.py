"""`flaskref scan --tui`: the findings in a list, each opening the KB entry that explains it.

A screen of its own rather than a mode of the reference TUI, so the two can change apart. The
KB is loaded in a worker thread while the list is already on screen. Everything shown comes from
the scanned project or an entry, so list items are plain `Content` (no markup) and Markdown gets
escaped text.
"""

from __future__ import annotations

import re

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Markdown, OptionList, Static
from textual.widgets.option_list import Option

from flaskref.entry import Entry
from flaskref.scan.model import Finding
from flaskref.scan.output import clean
from flaskref.scan.runner import Report

#: Fenced blocks the test suite runs; a reader needs the wrong/right code, not these.
_SCRIPTS = re.compile(r"^```python (?:reproduce|fixed)\n.*?^```\n?", re.S | re.M)


def _md(text: str) -> str:
    """Plain text for Markdown: controls escaped, Markdown's own specials backslashed."""
    text = clean(text)
    for ch in "\\`*_[]<>#|":
        text = text.replace(ch, "\\" + ch)
    return text


def entry_markdown(finding: Finding, entry: Entry | None) -> str:
    head = [
        f"**{_md(finding.file)}:{finding.line}:{finding.column}** `{finding.rule}`",
        "",
        f"> {_md(finding.message)}",
        "",
    ]
    if entry is None:
        return "\n".join([*head, f"*No entry `{_md(finding.entry)}` in the KB in use.*"])
    body = _SCRIPTS.sub("", entry.body).strip()
    return "\n".join(
        [
            *head,
            f"# {_md(entry.title)}",
            "",
            entry.symptom,
            "",
            f"**Fix:** {entry.fix}",
            "",
            body,
            "",
            f"*flaskref show {entry.id}*",
        ]
    )


class ScanApp(App):
    TITLE = "flaskref scan"
    CSS = """
    #summary { height: 1; padding: 0 1; background: $boost; }
    #findings { width: 45%; min-width: 30; }
    #entry-pane { padding: 0 1; }
    """
    BINDINGS = [
        Binding("q", "quit", "Quit"),
        Binding("escape", "back", "Back to the list", show=False),
        Binding("tab", "focus_next", "Switch pane", show=False),
    ]

    def __init__(self, report: Report, kb_dirs: list[str]):
        super().__init__()
        self.report = report
        self.kb_dirs = kb_dirs
        self.entries: dict[str, Entry] | None = None
        self.shown: Finding | None = None

    def compose(self) -> ComposeResult:
        n, files = len(self.report.findings), self.report.files
        summary = f"{n} finding{'s' if n != 1 else ''} in {files} files under {self.report.root}"
        yield Static(Content(clean(summary)), id="summary")
        with Horizontal():
            yield OptionList(
                *(
                    Option(Content(f"{clean(f.file)}:{f.line}  {f.rule}"), id=str(i))
                    for i, f in enumerate(self.report.findings)
                ),
                id="findings",
            )
            with VerticalScroll(id="entry-pane"):
                yield Markdown(
                    "Nothing to show: no findings." if not n else "Loading the KB...",
                    id="entry",
                    open_links=False,
                )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#findings", OptionList).focus()
        self.load_entries()

    @work(thread=True, exclusive=True)
    def load_entries(self) -> None:
        from flaskref import kb

        loaded = {e.id: e for e in kb.load(self.kb_dirs).entries}
        self.call_from_thread(self._loaded, loaded)

    def _loaded(self, entries: dict[str, Entry]) -> None:
        self.entries = entries
        findings = self.query_one("#findings", OptionList)
        if self.report.findings:
            findings.highlighted = findings.highlighted or 0
            self._show(self.report.findings[findings.highlighted])

    @on(OptionList.OptionHighlighted, "#findings")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if self.entries is not None and event.option.id is not None:
            self._show(self.report.findings[int(event.option.id)])

    @on(OptionList.OptionSelected, "#findings")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._highlighted(event)
        self.query_one("#entry-pane").focus()

    def _show(self, finding: Finding) -> None:
        if finding is self.shown:
            return
        self.shown = finding
        entry = (self.entries or {}).get(finding.entry)
        self.query_one("#entry", Markdown).update(entry_markdown(finding, entry))
        self.query_one("#entry-pane", VerticalScroll).scroll_home(animate=False)

    def action_back(self) -> None:
        self.query_one("#findings").focus()


def run(report: Report, kb: list[str]) -> int:
    from flaskref import paths

    ScanApp(report, paths.kb_dirs(kb)).run()
    return 0
