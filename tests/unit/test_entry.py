"""The validator: each problem is reported as path:line: message."""

from pathlib import Path

import pytest

from flaskref import kb
from flaskref.entry import parse_file

from ..conftest import entry_text


def problems_of(write_entry, **kw) -> list[str]:
    path = write_entry(**kw)
    return [str(p) for p in parse_file(path)[1]]


def test_a_good_entry_has_no_problems(write_entry):
    path = write_entry(errors=["Something {thing} broke."])
    entry, problems = parse_file(path)
    assert problems == []
    assert entry.id == "sample-entry" and entry.errors == ("Something {thing} broke.",)
    assert entry.right_code == "x = 1\n"
    assert entry.code("right")[0].line > 10


def test_missing_field_names_the_field(write_entry):
    text = entry_text().replace("symptom: Something observable goes wrong.\n", "")
    found = problems_of(write_entry, text=text)
    assert any(p.endswith(":1: missing field 'symptom'") for p in found), found


def test_empty_fix(write_entry):
    found = problems_of(write_entry, fix="")
    assert any(":9: missing field 'fix'" in p for p in found), found


def test_unknown_topic_points_at_its_line(write_entry):
    text = entry_text(topic="cooking")
    found = problems_of(write_entry, topic="cooking", text=text)
    assert any(":4: unknown topic 'cooking'" in p for p in found), found


def test_topic_must_match_folder(write_entry):
    text = entry_text(topic="templates")
    found = problems_of(write_entry, topic="cli", text=text)
    assert any("differs from the folder 'cli'" in p for p in found), found


def test_id_must_match_file_name(write_entry):
    found = problems_of(write_entry, entry_id="other-name", text=entry_text("sample-entry"))
    assert any(":2: id 'sample-entry' differs from the file name" in p for p in found), found


def test_bad_yaml_reports_the_file_line(write_entry):
    text = entry_text().replace("tags: [sample]", "tags: [sample")
    path = write_entry(text=text)
    entry, found = parse_file(path)
    assert entry is None
    assert len(found) == 1 and "bad YAML in front matter" in str(found[0])
    assert str(found[0]).startswith(f"{path}:")


def test_unsafe_yaml_tags_are_refused(write_entry):
    text = entry_text().replace("tags: [sample]", "tags: !!python/object/apply:os.system ['true']")
    entry, found = parse_file(write_entry(text=text))
    assert entry is None and "bad YAML" in str(found[0])


def test_unbalanced_code_fence(write_entry):
    body = "## Why\n\nBecause.\n\n## Fix\n\n```python right\nx = 1\n"
    found = problems_of(write_entry, body=body)
    assert any("code fence opened here is never closed" in p for p in found), found


def test_python_block_that_does_not_parse(write_entry):
    body = "## Why\n\nx\n\n## Fix\n\n```python right\ndef f(:\n```\n"
    found = problems_of(write_entry, body=body)
    assert any("python block does not parse" in p for p in found), found


def test_missing_sections_and_stray_brace(write_entry):
    found = problems_of(write_entry, body="Just text.\n", errors=["bad { brace"])
    assert any("missing section '## Why'" in p for p in found)
    assert any("stray brace" in p for p in found)


def test_no_front_matter(write_entry):
    found = problems_of(write_entry, text="# Just markdown\n")
    assert found and found[0].endswith(":1: no front matter: the file must start with a '---' line")


def test_duplicate_id_and_broken_see_also(write_entry):
    write_entry("one", "cli", extra="see_also: [nowhere]\n")
    dup = write_entry("one", "templates", text=entry_text("one", "templates"))
    loaded = kb.load([write_entry.root])
    messages = [str(p) for p in loaded.problems]
    assert any(m.startswith(str(dup)) and "duplicate id 'one'" in m for m in messages), messages
    assert any(":10: see_also: no entry 'nowhere'" in m for m in messages), messages


def test_a_broken_file_does_not_stop_the_others(write_entry):
    write_entry("good-one")
    write_entry("broken", text="---\nid: [\n---\n")
    loaded = kb.load([write_entry.root])
    assert [e.id for e in loaded.entries] == ["good-one"]
    assert len(loaded.problems) == 1


def test_crlf_and_bom_are_accepted(write_entry):
    text = "\ufeff" + entry_text().replace("\n", "\r\n")
    entry, found = parse_file(write_entry(text=text))
    assert entry is not None and found == []


def test_numbers_in_lists_are_read_as_text(write_entry):
    text = entry_text().replace("tags: [sample]", "tags: [404, 2006, sample]")
    entry, found = parse_file(write_entry(text=text))
    assert found == [] and entry.tags == ("404", "2006", "sample")


def _with_block(info: str) -> str:
    return f"## Why\n\nBecause.\n\n## Fix\n\n```{info}\nx = 1\n```\n"


def test_a_right_block_may_say_why_it_cannot_run_alone(write_entry):
    entry, found = parse_file(write_entry(body=_with_block("python right excerpt")))
    assert found == []
    assert entry.code("right")[0].note == "excerpt"


def test_an_unknown_block_note_is_reported_at_its_fence(write_entry):
    path = write_entry(body=_with_block("python right maybe later"))
    fence = path.read_text().split("\n").index("```python right maybe later") + 1
    found = [str(p) for p in parse_file(path)[1]]
    assert any(f":{fence}: unknown note 'maybe later' after 'right'" in p for p in found), found


def test_a_reproducer_cannot_be_excused_from_running(write_entry):
    path = write_entry(body=_with_block("python reproduce excerpt"))
    found = [str(p) for p in parse_file(path)[1]]
    assert any("unknown note 'excerpt' after 'reproduce': this block must run" in p for p in found)


def test_libyaml_reads_every_bundled_front_matter_as_the_safe_loader_does():
    """Builds read front matter with libyaml when it is there; the values must be the ones
    the pure-Python safe loader (which gives the error messages) builds."""
    import yaml

    from flaskref import kb, paths
    from flaskref.entry import _SLOW, _fast_yaml, _yaml_loader

    if not getattr(yaml, "__with_libyaml__", False):
        pytest.skip("PyYAML without libyaml")
    files = kb.entry_files([paths.bundled_kb_dir()])
    assert len(files) > 100
    for path in files:
        text = Path(path).read_text(encoding="utf-8").split("\n---\n", 1)[0].removeprefix("---\n")
        assert _fast_yaml(text) == yaml.load(text, Loader=_yaml_loader()), path
    for text in ("a: &x 1\nb: *x\n", "a: [1, 2\n", "- just\n- a list\n"):
        fast = _fast_yaml(text)
        assert fast is _SLOW or fast == yaml.load(text, Loader=_yaml_loader())
    assert _fast_yaml("a: &x 1\nb: *x\n") is _SLOW  # aliases: refused by the slow loader
    assert _fast_yaml("a: [1, 2\n") is _SLOW  # errors: worded by the slow loader
    assert _fast_yaml("args: '*args'\n") == {"args": "*args"}
