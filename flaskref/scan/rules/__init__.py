"""The checkers: each one handles the rules of one subject in the shared walk (`visitor.py`).

A checker is made per file with the file's `FileContext`; it declares `visit_<Node>` and
`leave_<Node>` methods and an optional `finish()`, and reports through the context (or leaves
facts for the project pass).
"""

from __future__ import annotations

import re

from flaskref.scan.rules.app_config import AppConfig
from flaskref.scan.rules.import_time import ImportTime
from flaskref.scan.rules.removed import RemovedApi
from flaskref.scan.rules.routing import Routing
from flaskref.scan.rules.views import Views

CHECKERS = (AppConfig, ImportTime, Views, Routing, RemovedApi)

#: A checker cannot report anything in a file without one of these words (removed-api adds
#: the libraries and attribute names of its table, `RemovedTable.mentioned`): every rule needs
#: Flask imported, a setting's name, a route, a commit or a starter's `.run(`. A file without
#: any of them (most of a project's plain-Python modules) gets only the statement-level pass
#: that the project pass needs (imports and module-level names). Keep in step with the rules:
#: their positive tests fail if a word is missing here.
TRIGGERS = re.compile(
    rb"flask|Flask|DEBUG|debug|SECRET_KEY|secret_key|SESSION_COOKIE|create_all"
    rb"|route|add_url_rule|register_blueprint|commit|begin\(|\.run\("
    rb"|@[\w.]+\.(?:get|post|put|delete|patch)\("
)
