"""Release files from PyPI, cached on disk: which versions to compare, and their source trees.

The only module of the generators that touches the network. It asks PyPI's JSON API for a
project's releases and downloads sdists with urllib into a cache folder
(`$FLASKREF_TOOLS_CACHE`, default `tools/.cache`); each sdist is unpacked there once, keeping the
package's `.py` files and the changelog, so a second run works offline.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import tarfile
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

from packaging.version import InvalidVersion, Version

PYPI = "https://pypi.org/pypi/{project}/json"
CHANGELOG_NAMES = ("changes", "changelog", "history", "news")


def cache_dir() -> Path:
    env = os.environ.get("FLASKREF_TOOLS_CACHE")
    return Path(env) if env else Path(__file__).resolve().parent / ".cache"


@dataclass(frozen=True)
class Release:
    version: str
    sdist_url: str
    filename: str


def releases(project: str) -> list[Release]:
    """Final, non-yanked releases that have an sdist, oldest first (cached for the run)."""
    path = cache_dir() / "pypi" / f"{project}.json"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        with urllib.request.urlopen(PYPI.format(project=project), timeout=60) as resp:
            data = resp.read()
        path.write_bytes(data)
    meta = json.loads(path.read_text())
    out = []
    for version, files in meta["releases"].items():
        try:
            v = Version(version)
        except InvalidVersion:
            continue
        if v.is_prerelease or v.is_devrelease:
            continue
        sdists = [f for f in files if f["packagetype"] == "sdist" and not f.get("yanked")]
        if sdists:
            url = urljoin(PYPI.format(project=project), sdists[0]["url"])
            out.append(Release(version, url, sdists[0]["filename"]))
    out.sort(key=lambda r: Version(r.version))
    return out


def minor_key(version: str) -> tuple[int, int]:
    v = Version(version)
    return (v.major, v.minor)


def by_minor(rels: list[Release], since: str) -> list[list[Release]]:
    """Releases from `since` on, grouped by X.Y, each group oldest first."""
    start = Version(since)
    groups: dict[tuple[int, int], list[Release]] = {}
    for r in rels:
        if Version(r.version) >= start:
            groups.setdefault(minor_key(r.version), []).append(r)
    return [groups[k] for k in sorted(groups)]


def source_tree(project: str, release: Release, packages: tuple[str, ...]) -> Path:
    """The unpacked package folders of one release (downloaded once)."""
    return _unpack(project, release, packages, "src")


def changelog_tree(project: str, release: Release) -> Path:
    """The changelog files of one release's sdist (CHANGES.rst, docs/changes.rst...)."""
    return _unpack(project, release, (), "changes")


def _unpack(project: str, release: Release, packages: tuple[str, ...], kind: str) -> Path:
    dest = cache_dir() / kind / project / release.version
    done = dest / ".complete"
    if done.exists():
        return dest
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    with urllib.request.urlopen(release.sdist_url, timeout=120) as resp:
        blob = resp.read()
    for name, data in _members(release.filename, blob):
        parts = name.split("/")[1:]  # drop the "Project-1.0/" folder
        rel = _keep(parts, packages) if packages else _changelog(parts)
        if rel is None:
            continue
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    done.write_text(release.sdist_url)
    return dest


def _members(filename: str, blob: bytes):
    if filename.endswith(".zip"):
        with zipfile.ZipFile(io.BytesIO(blob)) as zf:
            for info in zf.infolist():
                if not info.is_dir():
                    yield info.filename, zf.read(info)
        return
    with tarfile.open(fileobj=io.BytesIO(blob)) as tf:
        for member in tf.getmembers():
            if member.isfile():
                fh = tf.extractfile(member)
                if fh is not None:
                    yield member.name, fh.read()


def _keep(parts: list[str], packages: tuple[str, ...]) -> str | None:
    """Where a `.py` file of the sdist goes in the cache, or None to drop it."""
    if not parts or ".." in parts or not parts[-1].endswith(".py"):
        return None
    for prefix in ((), ("src",), ("lib",)):
        n = len(prefix)
        if tuple(parts[:n]) == prefix and len(parts) > n:
            rest = parts[n:]
            if rest[0].removesuffix(".py") in packages:
                return "/".join(rest)
    return None


def _changelog(parts: list[str]) -> str | None:
    """CHANGES.rst, docs/changes.rst, doc/build/changelog/changelog_14.rst..."""
    if not parts or ".." in parts:
        return None
    name = parts[-1].lower()
    stem = name.split(".")[0]
    if stem in CHANGELOG_NAMES or stem.startswith("changelog_"):
        if name.endswith((".rst", ".md", ".txt")) or "." not in name:
            return "/".join(parts)
    return None
