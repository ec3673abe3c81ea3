"""flaskref: the offline Flask troubleshooting reference.

Kept empty of imports on purpose: `flaskref --json QUERY` must start fast, so each front end
imports only the modules it needs.
"""

__version__ = "0.1.0"
