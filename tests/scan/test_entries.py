"""Every finding names a KB entry that exists, so `flaskref show ENTRY` always works."""

from pathlib import Path

from flaskref import kb, paths
from flaskref.scan.model import RULES
from flaskref.scan.options import load
from flaskref.scan.rules.import_time import PROXIES
from flaskref.scan.rules.removed import ENTRIES, GENERAL
from flaskref.scan.runner import scan

IDS = {e.id for e in kb.load([paths.bundled_kb_dir()]).entries}
PLANTED = Path(__file__).resolve().parent.parent / "data" / "scan" / "planted"


def test_every_rule_has_an_entry():
    assert {r.id: r.entry for r in RULES.values() if r.entry not in IDS} == {}


def test_entries_chosen_per_finding_exist():
    used = set(PROXIES.values()) | {f.entry for f in scan([PLANTED], load(PLANTED)).findings}
    used |= {entry for _, entry in ENTRIES} | {GENERAL, "send-from-directory-filename-path"}
    assert used - IDS == set()
    assert "session-cookie-httponly-samesite" in used  # not only the rules' defaults
