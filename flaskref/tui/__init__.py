"""The interactive reference (Textual). Imported only when the TUI opens, never by the
one-shot lookup: `textual.app` alone costs more than a whole lookup."""
