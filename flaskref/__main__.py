"""`python -m flaskref` runs the same entry point as the `flaskref` script."""

import sys

from flaskref.cli import run

sys.exit(run())
