"""`build.py new module` and `build.py new lesson`: skeletons that pass `check` and build, lists edited in place."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from conftest import minimal_course
from courseware.scaffold import ScaffoldError, append_to_list

ROOT = Path(__file__).resolve().parent.parent
TINY = Path(__file__).resolve().parent / "courses" / "tiny"


@pytest.fixture
def tiny(tmp_path):
    shutil.copytree(TINY / "modules", tmp_path / "modules")
    return tmp_path


def test_new_module_and_lessons_pass_check_and_build(tiny, run):
    code, out, err = run("new", "module", "budget-advocacy", "--root", tiny)
    assert (code, err) == (0, "")
    folder = tiny / "modules" / "02-budget-advocacy"
    assert "created modules/02-budget-advocacy/module.yaml" in out
    assert "updated modules/course.yaml" in out
    assert yaml.safe_load((tiny / "modules" / "course.yaml").read_text())["modules"] == ["01-basics",
                                                                                       "02-budget-advocacy"]
    module = yaml.safe_load((folder / "module.yaml").read_text())
    assert module["id"] == "budget-advocacy" and module["title"] == "Budget advocacy"
    assert module["lessons"] == ["01-introduction.md"]
    code, out, err = run("new", "lesson", "budget-advocacy", "power-mapping", "--root", tiny,
                         "--title", "Power: who decides?")
    assert code == 0, err
    assert yaml.safe_load((folder / "module.yaml").read_text())["lessons"] == ["01-introduction.md",
                                                                              "02-power-mapping.md"]
    lesson = (folder / "02-power-mapping.md").read_text()
    assert 'title: "Power: who decides?"' in lesson
    code, out, err = run("new", "lesson", "01-basics", "third-lesson", "--root", tiny)  # by folder name
    assert code == 0, err
    assert (tiny / "modules" / "01-basics" / "03-third-lesson.md").is_file()
    assert run("check", "--root", tiny) == (0, "check passed: 0 errors, 0 warnings in 0 files\n", "")
    code, out, err = run("--root", tiny, "--html-only")
    assert code == 0, err
    page = (tiny / "output" / "html" / "budget-advocacy" / "power-mapping.html").read_text(encoding="utf-8")
    assert "Power: who decides?" in page and "Explain it to a partner" in page
    assert "Advice and answers for the facilitator" not in page  # the skeleton's facilitator note
    facilitator = tiny / "output" / "facilitator" / "budget-advocacy" / "power-mapping.html"
    assert "Advice and answers for the facilitator" in facilitator.read_text(encoding="utf-8")


def test_skeleton_objectives_are_checked_and_documented(tiny, run):
    run("new", "lesson", "basics", "practice-round", "--root", tiny)
    text = (tiny / "modules" / "01-basics" / "03-practice-round.md").read_text()
    assert text.count("\n    checks: [1]\n") == 1 and text.count("\n  checks: [2]\n") == 1
    front = text.split("---")[1]
    for field in ("title", "teaching_minutes", "activity_minutes", "objectives", "key_points"):
        assert f"\n{field}:" in front
    assert front.count("\n#") >= 5, "each group of fields is explained by a comment"
    # Removing the quiz leaves objective 2 unchecked: check names it, so the skeleton teaches the rule.
    (tiny / "modules" / "01-basics" / "03-practice-round.md").write_text(text.split("/// quiz")[0])
    code, out, err = run("check", "--root", tiny)
    assert code == 1 and "objective 2" in err and "[unchecked-objective]" in err


def test_new_module_in_the_real_course_layout(tmp_path, run):
    """course.yaml with a block list and comments, as in modules/: the comments and layout stay."""
    shutil.copytree(ROOT / "modules", tmp_path / "modules")
    before = (tmp_path / "modules" / "course.yaml").read_text()
    assert run("check", "--root", tmp_path)[0] == 0
    code, out, err = run("new", "module", "digital-campaigns", "--root", tmp_path)
    assert code == 0, err
    after = (tmp_path / "modules" / "course.yaml").read_text()
    folders = yaml.safe_load(before)["modules"]
    number = int(folders[-1][:2]) + 1
    assert yaml.safe_load(after)["modules"] == folders + [f"{number:02d}-digital-campaigns"]
    assert [line for line in after.splitlines() if line.startswith("#")] == \
        [line for line in before.splitlines() if line.startswith("#")]
    assert len(after.splitlines()) == len(before.splitlines()) + 1
    assert run("check", "--root", tmp_path)[0] == 0


@pytest.mark.parametrize("args, message", [
    (["new", "module", "Bad Name"], "'Bad Name' is not a valid module name"),
    (["new", "module", "basics"], "a module named 'basics' exists already: modules/01-basics"),
    (["new", "lesson", "basic", "x"], "no module 'basic' in modules/ (did you mean 'basics'?)"),
    (["new", "lesson", "basics", "first-steps"], "a lesson named 'first-steps' exists already in modules/01-basics"),
    (["new", "lesson", "basics", "under_score"], "'under_score' is not a valid lesson name"),
    (["new", "chapter", "x"], "usage: build.py new module NAME | build.py new lesson MODULE NAME"),
    (["new"], "usage: build.py new module NAME"),
])
def test_usage_errors_write_nothing(tiny, run, args, message):
    before = {p: p.read_bytes() for p in sorted(tiny.rglob("*")) if p.is_file()}
    code, out, err = run(*args, "--root", tiny)
    assert code == 2 and message in err and out == ""
    assert {p: p.read_bytes() for p in sorted(tiny.rglob("*")) if p.is_file()} == before


def test_names_are_refused_for_other_commands(tiny, run):
    code, out, err = run("check", "extra", "--root", tiny)
    assert code == 2 and "unexpected argument" in err


@pytest.mark.parametrize("text, expected", [
    ("modules: [a]\n", "modules: [a, b]\n"),
    ("modules: []  # none yet\n", "modules: [b]  # none yet\n"),
    ("modules:\n  - a\n# between\n  - c\nnext: 1\n", "modules:\n  - a\n# between\n  - c\n  - b\nnext: 1\n"),
    ("x: 1\nmodules:\n    - a   # first\n\nother: [z]\n", "x: 1\nmodules:\n    - a   # first\n    - b\n\nother: [z]\n"),
])
def test_append_to_list_keeps_layout(text, expected):
    assert append_to_list(text, "modules", "b") == expected


@pytest.mark.parametrize("text", ["other: 1\n", "modules: a\n", "modules:\n  a: 1\n", "modules: [a\n"])
def test_append_to_list_refuses_what_it_cannot_edit_safely(text):
    with pytest.raises(ScaffoldError):
        append_to_list(text, "modules", "b")


def test_minimal_course_gets_a_module(make_course, run):
    root = make_course(minimal_course())
    assert run("new", "module", "second", "--root", root)[0] == 0
    assert run("check", "--root", root)[0] == 0
