"""SARIF 2.1.0 output, the format GitHub code scanning uploads.

Paths are URIs relative to `%SRCROOT%` (the scanned root), so a scan run at the top of a
checkout lines up with the repository. Each rule carries its KB entry as help text; files that
did not parse become tool notifications rather than results.
"""

from __future__ import annotations

import json
from urllib.parse import quote

from flaskref.scan.model import RULES
from flaskref.scan.runner import Report

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
#: Rules about security get `error`; the rest are bugs waiting to happen: `warning`.
SECURITY = frozenset(
    {"debug-enabled", "hardcoded-secret-key", "insecure-session-cookie", "dev-server-in-production"}
)


def _uri(rel: str) -> str:
    return quote(rel, safe="/")


def _root_uri(report: Report) -> str:
    uri = report.root.as_uri()
    return uri if uri.endswith("/") else uri + "/"


def to_sarif(report: Report, version: str) -> str:
    rule_ids = sorted(RULES)
    index = {rule: i for i, rule in enumerate(rule_ids)}
    rules = []
    for rule_id in rule_ids:
        rule = RULES[rule_id]
        rules.append(
            {
                "id": rule.id,
                "name": "".join(w.capitalize() for w in rule.id.split("-")),
                "shortDescription": {"text": rule.summary},
                "help": {
                    "text": f"Run `flaskref show {rule.entry}` for the cause and the fix.",
                    "markdown": f"Run `flaskref show {rule.entry}` for the cause and the fix.",
                },
                "defaultConfiguration": {"level": "error" if rule.id in SECURITY else "warning"},
                "properties": {
                    "tags": ["flask", "security" if rule.id in SECURITY else "correctness"],
                    "entry": rule.entry,
                },
            }
        )
    results = [
        {
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            "level": "error" if f.rule in SECURITY else "warning",
            "message": {"text": f"{f.message} (flaskref show {f.entry})"},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(f.file), "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": f.line, "startColumn": f.column},
                    }
                }
            ],
            "properties": {"entry": f.entry},
        }
        for f in report.findings
    ]
    notifications = [
        {
            "level": "warning",
            "message": {"text": reason},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(rel), "uriBaseId": "%SRCROOT%"}
                    }
                }
            ],
        }
        for rel, reason in report.skipped
    ]
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "flaskref",
                        "version": version,
                        "informationUri": "https://pypi.org/project/flaskref/",
                        "rules": rules,
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": _root_uri(report)}},
                "invocations": [
                    {
                        "executionSuccessful": True,
                        "toolExecutionNotifications": notifications,
                    }
                ],
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2)
