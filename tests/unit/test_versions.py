"""The versions check reads what `importlib.metadata` and `packaging` would, without them in
the common case."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
import textwrap

from hypothesis import given
from hypothesis import strategies as st
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from flaskref import versions


def test_every_installed_distribution_has_the_version_importlib_metadata_reads():
    names = {d.metadata["Name"] for d in importlib.metadata.distributions()}
    assert {"flask", "Werkzeug", "packaging"} <= names | {n.lower() for n in names}
    for name in sorted(n for n in names if n):
        for spelling in (name, name.upper(), name.replace("-", "_"), name.replace("_", ".")):
            versions.installed.cache_clear()
            assert versions.installed(spelling) == importlib.metadata.version(spelling), spelling


def test_a_distribution_not_installed_has_no_version():
    versions.installed.cache_clear()
    assert versions.installed("no-such-distribution-anywhere") is None


def _packaging(spec: str, have: str) -> bool | None:
    try:
        return Version(have) in SpecifierSet(spec)
    except InvalidVersion:
        return None


RELEASES = st.lists(st.integers(0, 12), min_size=1, max_size=4).map(
    lambda parts: ".".join(map(str, parts))
)
HAVE = RELEASES | st.sampled_from(["2.0rc1", "3.0.dev0", "1.0.post1", "2.0+local", "x.y", "v2"])
CLAUSE = st.tuples(st.sampled_from([">=", "<=", "==", "!=", "<", ">", "~=", "==="]), RELEASES)
SPEC = st.lists(CLAUSE, max_size=3).map(lambda cs: ",".join(op + v for op, v in cs)) | (
    st.sampled_from([">=2.*", "==2.*", " >= 2.0 , < 3 ", ">=2.0,", "<4.7.1"])
)


def _outcome(compare, spec: str, have: str):
    try:
        return compare(spec, have)
    except InvalidSpecifier as exc:  # `~=1`, `>=2.*`: packaging says so, as before
        return type(exc)


@given(SPEC, HAVE)
def test_comparisons_equal_packagings(spec, have):
    assert _outcome(versions.contains, spec, have) == _outcome(_packaging, spec, have)


def test_the_common_check_imports_neither_importlib_metadata_nor_packaging():
    code = textwrap.dedent("""
        import sys
        from flaskref.versions import check
        print(check((("flask", ">=2.0"), ("werkzeug", "<1.0"))))
        print(sorted(m for m in ("importlib.metadata", "packaging") if m in sys.modules))
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    werkzeug = importlib.metadata.version("werkzeug")
    assert proc.stdout.splitlines() == [
        f"applies to werkzeug<1.0 (installed: {werkzeug})",
        "[]",
    ]


def _reference(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def test_eggs_zips_and_broken_metadata_are_read_as_importlib_metadata_reads_them(
    tmp_path, monkeypatch
):
    import zipfile

    site = tmp_path / "site"
    (site / "Plain_Pkg-1.2.3.dist-info").mkdir(parents=True)
    (site / "Plain_Pkg-1.2.3.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: plain-pkg\nVersion: 1.2.3\n\nVersion: 9.9 (the body)\n"
    )
    (site / "No_Meta-0.1.dist-info").mkdir()  # no METADATA file
    (site / "eggy-2.0.egg-info").mkdir()
    (site / "eggy-2.0.egg-info" / "PKG-INFO").write_text(
        "Metadata-Version: 1.1\nName: eggy\nVersion: 2.0\n"
    )
    zipped = tmp_path / "zipped.zip"
    with zipfile.ZipFile(zipped, "w") as zf:
        zf.writestr("zipped_pkg-3.1.dist-info/METADATA", "Name: zipped-pkg\nVersion: 3.1\n")
    for path in ([str(site)], ["", str(tmp_path / "missing"), str(site)], [str(zipped)]):
        monkeypatch.setattr(sys, "path", path)
        for name in ("plain-pkg", "PLAIN.PKG", "no-meta", "eggy", "zipped-pkg", "absent"):
            versions.installed.cache_clear()
            assert versions.installed(name) == _reference(name), (path, name)
    versions.installed.cache_clear()
