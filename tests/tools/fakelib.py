"""A tiny fake library with four releases, written into a folder, served like PyPI would.

1.0.0 is the start; 1.1.0 deprecates `safe_cmp`; 2.0.0 removes it, a module, two attributes
and a keyword, makes `paginate` keyword-only, and moves `Moved` while re-exporting it from
its old place; 2.0.1, a patch release, removes `patch_gone`.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from releases import Release

APP_1 = """
class Base:
    legacy_flag = False

    def send(self, path, cache_timeout=None, *, etag=True):
        return path


class App(Base):
    session_name = "session"

    def __init__(self, name):
        self.name = name
        self.env = "production"


def paginate(page=None, per_page=None):
    return page, per_page
"""

APP_2 = """
class Base:
    def send(self, path, max_age=None, *, etag=True):
        return path


class App(Base):
    def __init__(self, name):
        self.name = name
        self.env = "production"


def paginate(*, page=None, per_page=None):
    return page, per_page
"""

SECURITY_1 = """
def safe_cmp(a, b):
    return a == b


def keep_cmp(a, b):
    return a == b


def patch_gone():
    return None
"""

SECURITY_1_1 = """
import warnings


def safe_cmp(a, b):
    warnings.warn(
        "'safe_cmp' is deprecated and will be removed in FakeLib 2.0."
        " Use 'hmac.compare_digest' instead.",
        DeprecationWarning,
    )
    return a == b


def keep_cmp(a, b):
    return a == b


def patch_gone():
    return None
"""

SECURITY_2 = """
def keep_cmp(a, b):
    return a == b


def patch_gone():
    return None
"""

SECURITY_2_1 = """
def keep_cmp(a, b):
    return a == b
"""

INIT_1 = "from .security import safe_cmp, keep_cmp\nfrom .app import App\n"
INIT_2 = "from .security import keep_cmp\nfrom .app import App\n"

RELEASES = {
    "1.0.0": {
        "__init__.py": INIT_1,
        "security.py": SECURITY_1,
        "app.py": APP_1,
        "contrib.py": "def fix():\n    return 1\n",
        "util.py": "class Moved:\n    pass\n",
    },
    "1.1.0": {
        "__init__.py": INIT_1,
        "security.py": SECURITY_1_1,
        "app.py": APP_1,
        "contrib.py": "def fix():\n    return 1\n",
        "util.py": "class Moved:\n    pass\n",
    },
    "2.0.0": {
        "__init__.py": INIT_2,
        "security.py": SECURITY_2,
        "app.py": APP_2,
        "new_home.py": "class Moved:\n    pass\n",
        "util.py": "from .new_home import Moved\n",
    },
    "2.0.1": {
        "__init__.py": INIT_2,
        "security.py": SECURITY_2_1,
        "app.py": APP_2,
        "new_home.py": "class Moved:\n    pass\n",
        "util.py": "from .new_home import Moved\n",
    },
}

CHANGES = """\
Version 2.0.1
-------------

Released 2020-02-02

-   Remove ``patch_gone``. :pr:`12`


Version 2.0.0
-------------

Released 2020-01-01

-   Remove previously deprecated code. :pr:`10`

    -   ``safe_cmp`` is removed. Use ``hmac.compare_digest`` instead.
    -   The ``cache_timeout`` parameter of ``send`` is renamed to
        ``max_age``.


Version 1.1.0
-------------

-   ``safe_cmp`` is deprecated. Use ``hmac.compare_digest``
    instead. :issue:`9`
"""


class FakeSource:
    """Stands in for `releases` (PyPI): the same four functions, over a folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        for version, files in RELEASES.items():
            for name, text in files.items():
                path = root / "src" / version / "fakelib" / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(textwrap.dedent(text))
        (root / "changes").mkdir(parents=True, exist_ok=True)
        (root / "changes" / "CHANGES.rst").write_text(CHANGES)

    def releases(self, project: str) -> list[Release]:
        return [Release(v, "", f"{project}-{v}.tar.gz") for v in RELEASES]

    def source_tree(self, project: str, release: Release, packages: tuple[str, ...]) -> Path:
        return self.root / "src" / release.version

    def changelog_tree(self, project: str, release: Release) -> Path:
        return self.root / "changes"

    def cache_dir(self) -> Path:
        return self.root / "cache"
