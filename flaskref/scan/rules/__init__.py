"""The checkers: each one handles the rules of one subject in the shared walk (`visitor.py`).

A checker is made per file with the file's `FileContext`; it declares `visit_<Node>` and
`leave_<Node>` methods and an optional `finish()`, and reports through the context (or leaves
facts for the project pass).
"""

from __future__ import annotations

from flaskref.scan.rules.app_config import AppConfig
from flaskref.scan.rules.import_time import ImportTime
from flaskref.scan.rules.routing import Routing
from flaskref.scan.rules.views import Views

CHECKERS = (AppConfig, ImportTime, Views, Routing)
