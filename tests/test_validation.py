"""Validation: every kind of content problem is reported as path:line:col with a stable code."""

from __future__ import annotations

import pytest

from conftest import COURSE_YAML, GLOSSARY, LESSON, MODULE_YAML, minimal_course

MODULE_MISSPELT = "id: mod\ntitle: T\nsumary: S\nsummary: S\nobjectives: [x]\nlessons: [01-one.md]\n"
MODULE_TWO = "id: mod\ntitle: T\nsummary: S\nobjectives: [x]\nlessons:\n  - 01-one.md\n  - 02-two.md\n"


def check(make_course, run, **files):
    root = make_course(minimal_course(**files))
    code, out, err = run("check", "--root", root)
    return code, (err + out)


def test_clean_course_passes(make_course, run):
    code, text = check(make_course, run)
    assert code == 0, text
    assert text.strip().endswith("check passed: 0 errors, 0 warnings in 0 files")


CASES = [
    ("yaml syntax", {"modules/01-mod/module.yaml": "id: mod\ntitle: [unclosed\n"},
     "modules/01-mod/module.yaml:3:1: error: YAML syntax error", "[yaml-syntax]"),
    ("missing field", {"modules/01-mod/module.yaml": "id: mod\ntitle: T\nobjectives: [x]\nlessons: [01-one.md]\n"},
     "modules/01-mod/module.yaml:1:1: error: missing required field 'summary' in module", "[missing-field]"),
    ("unknown field", {"modules/01-mod/module.yaml": MODULE_MISSPELT},
     "modules/01-mod/module.yaml:3:1: error: unknown field 'sumary' in module (did you mean 'summary'?)",
     "[unknown-field]"),
    ("wrong type", {"modules/01-mod/01-one.md": LESSON.replace("teaching_minutes: 30", "teaching_minutes: half")},
     "modules/01-mod/01-one.md:3:19: error: teaching_minutes: expected a whole number, found text 'half'",
     "[wrong-type]"),
    ("unknown block", {"modules/01-mod/01-one.md": LESSON + "\n/// activty | X\n///\n"},
     "modules/01-mod/01-one.md:23:5: error: unknown block type 'activty' (did you mean 'activity'?)",
     "[unknown-block]"),
    ("listed lesson missing", {"modules/01-mod/module.yaml": MODULE_TWO},
     "modules/01-mod/module.yaml:7:5: error: lessons[2]: '02-two.md' does not exist", "[missing-file]"),
    ("unlisted lesson", {"modules/01-mod/03-extra.md": LESSON},
     "modules/01-mod/03-extra.md:1:1: error: lesson file is not listed in 01-mod/module.yaml 'lessons'",
     "[unlisted-lesson]"),
    ("duplicate id", {"modules/glossary.yaml": "- term: ASEAN\n  definition: a\n- term: ASEAN\n  definition: b\n"},
     "modules/glossary.yaml:3:1: error: duplicate glossary term 'ASEAN' (also at modules/glossary.yaml:1)",
     "[duplicate-id]"),
    ("broken link", {"modules/01-mod/01-one.md": LESSON.replace("Some text.", "See [two](02-two.md).")},
     "modules/01-mod/01-one.md:13:5: error: link to '02-two.md' does not resolve to a lesson", "[broken-link]"),
    ("broken anchor", {"modules/01-mod/01-one.md": LESSON.replace("Some text.", "See [start](#strat).")},
     "modules/01-mod/01-one.md:13:5: error: link to '#strat' in 01-one.md: no heading has that id "
     "(did you mean 'start'?)", "[broken-anchor]"),
    ("missing image", {"modules/01-mod/01-one.md": LESSON.replace("Some text.", "![A map](images/map.png)")},
     "modules/01-mod/01-one.md:13:1: error: image 'images/map.png' does not exist", "[missing-image]"),
    ("image without alt", {"modules/01-mod/01-one.md": LESSON.replace("Some text.", "![](images/map.png)"),
                           "modules/01-mod/images/map.png": b"\x89PNG\r\n\x1a\n"},
     "modules/01-mod/01-one.md:13:1: error: image 'images/map.png' has no alt text", "[image-alt]"),
    ("quiz without answer", {"modules/01-mod/01-one.md": LESSON + (
        "\n/// quiz\n- question: Why?\n  checks: [1]\n  choices:\n    - text: A\n    - text: B\n///\n")},
     "modules/01-mod/01-one.md:24:1: error: quiz question 1 has no correct answer", "[no-correct-answer]"),
    ("undefined term", {"modules/01-mod/01-one.md": LESSON.replace("Some text.", "The AICHR met.")},
     "modules/01-mod/01-one.md:13:5: error: 'AICHR' looks like an acronym but is not in the glossary",
     "[undefined-term]"),
    ("unknown reference", {"modules/01-mod/01-one.md": LESSON.replace("Some text.", "A fact [@chartr].")},
     "modules/01-mod/01-one.md:13:8: error: citation '@chartr' is not in references.yaml (did you mean 'charter'?)",
     "[unknown-reference]"),
    ("agenda names unknown lesson", {"modules/course.yaml": COURSE_YAML.replace(
        "lesson: mod/one", "lesson: mod/onr")},
     "modules/course.yaml:15:21: error: session names unknown lesson 'mod/onr'", "[unknown-lesson]"),
    ("day overrun", {"modules/course.yaml": COURSE_YAML.replace(
        "lesson: mod/one", "lesson: mod/one\n            minutes: 200")},
     "modules/course.yaml:11:9: error: short, day 1 ('Day 1'): sessions end at 12:20, after the day's end at "
     "12:00 (overrun of 20 minutes)", "[day-overrun]"),
    ("raw html", {"modules/01-mod/01-one.md": LESSON.replace("Some text.", "Some <script>x</script> text.")},
     "modules/01-mod/01-one.md:13:6: error: raw HTML '<script>' is not allowed in lessons", "[raw-html]"),
    ("unchecked objective", {"modules/01-mod/01-one.md": LESSON.replace("    checks: [1]\n", "")},
     "modules/01-mod/01-one.md:6:5: error: objective 1 ('Learn one thing.') is not checked",
     "[unchecked-objective]"),
    ("bad block option", {"modules/01-mod/01-one.md": LESSON.replace("    minutes: 10", "    minuts: 10")},
     "modules/01-mod/01-one.md:16:5: error: 'activity' block options: unknown field 'minuts' in activity "
     "(did you mean 'minutes'?)", "[unknown-field]"),
    ("unclosed block", {"modules/01-mod/01-one.md": LESSON.rstrip().removesuffix("///") + "\n"},
     "modules/01-mod/01-one.md:15:1: error: block 'activity' is never closed", "[unclosed-block]"),
    ("not a date", {"modules/course.yaml": COURSE_YAML.replace("release_date: 2026-01-15", "release_date: 2026-13-45")},
     "modules/course.yaml:3:15: error: expected a date as YYYY-MM-DD, found '2026-13-45', which is not a date",
     "[yaml-syntax]"),
    ("unknown language", {"modules/course.yaml": COURSE_YAML.replace("languages: [en]", "languages: [en, kh]")},
     "modules/course.yaml:5:17: error: languages[2]: expected one of en, km, my, th, vi", "[languages]"),
    ("not an image", {"modules/01-mod/01-one.md": LESSON.replace("Some text.", "![A map](images/map.png)"),
                      "modules/01-mod/images/map.png": b"<html>not a picture</html>"},
     "modules/01-mod/01-one.md:13:1: error: image 'images/map.png': expected a PNG, JPEG, GIF, WebP or SVG image, "
     "found a file that is not an image", "[bad-image]"),
    ("block options not YAML", {"modules/01-mod/01-one.md": LESSON.replace("    minutes: 10", "    minutes: [10")},
     "modules/01-mod/01-one.md:17:", "[yaml-syntax]"),
    ("colon in a text", {"modules/01-mod/module.yaml": "id: mod\ntitle: ASEAN: a primer\nsummary: S\n"
                                                        "objectives: [x]\nlessons: [01-one.md]\n"},
     "modules/01-mod/module.yaml:2:13: error: YAML syntax error: mapping values are not allowed here: a colon "
     "followed by a space inside a text starts a new field; put the whole text in double quotes", "[yaml-syntax]"),
    ("empty objectives", {"modules/01-mod/01-one.md": LESSON.replace("  - Learn one thing.\n", "").replace(
        "objectives:", "objectives: []")},
     "modules/01-mod/01-one.md:5:13: error: objectives: expected at least one item", "[missing-field]"),
]


@pytest.mark.parametrize("name, files, start, code", CASES, ids=[c[0] for c in CASES])
def test_problem_is_reported(make_course, run, name, files, start, code):
    exit_code, text = check(make_course, run, **files)
    assert exit_code == 1, text
    lines = text.splitlines()
    matching = [line for line in lines if line.startswith(start)]
    assert matching, f"expected a line starting with:\n{start}\ngot:\n{text}"
    assert matching[0].endswith(code)
    assert lines[-1].startswith("build failed: ")


OBJECTIVE_STYLES = {
    "block list": "objectives:\n  - Learn one thing.\n  - Learn another thing.\n",
    "block list after a comment": "objectives:  # what trainees can do afterwards\n  - Learn one thing.\n"
                                  "  - Learn another thing.\n",
    "flow list": "objectives: [Learn one thing., Learn another thing.]\n",
    "flow list over lines": "objectives: [\n    Learn one thing.,\n    Learn another thing.\n  ]\n",
    "quoted item over lines": 'objectives:\n  - "Compare two bodies:\n    - the first and the second."\n'
                              "  - Learn another thing.\n",
    "folded item": "objectives:\n  - >-\n    Compare two bodies\n    - the first and the second.\n"
                   "  - Learn another thing.\n",
}


@pytest.mark.parametrize("style", OBJECTIVE_STYLES)
def test_unchecked_objective_points_at_the_objective(make_course, run, style):
    lesson = LESSON.replace("objectives:\n  - Learn one thing.\n", OBJECTIVE_STYLES[style])
    assert lesson != LESSON
    lines = lesson.split("\n")
    line = next(n for n, text in enumerate(lines, 1) if "Learn another thing." in text)
    col = lines[line - 1].index("Learn another thing.") + 1
    code, text = check(make_course, run, **{"modules/01-mod/01-one.md": lesson})
    assert code == 1
    errors = [p for p in text.splitlines() if ": error: " in p]
    assert errors == [f"modules/01-mod/01-one.md:{line}:{col}: error: objective 2 ('Learn another thing.') is not "
                      "checked by any activity, discussion, worksheet or quiz question (add 'checks: [2]') "
                      "[unchecked-objective]"], text


def test_citation_in_key_points_is_checked(make_course, run):
    lesson = LESSON.replace("  - One thing.", "  - One thing [@chartr].")
    code, text = check(make_course, run, **{"modules/01-mod/01-one.md": lesson})
    assert code == 1
    assert "modules/01-mod/01-one.md:8:15: error: citation '@chartr' is not in references.yaml" in text


def test_all_problems_collected_and_sorted(make_course, run):
    files = {"modules/01-mod/01-one.md": LESSON.replace("Some text.", "The AICHR met [@nope].")
             .replace("minutes: 10", "minuts: 10")}
    code, text = check(make_course, run, **files)
    problems = [line for line in text.splitlines() if ": error: " in line]
    assert len(problems) == 4, text  # undefined term, unknown reference, unknown field, missing 'minutes'
    keys = [(p.split(":")[0], int(p.split(":")[1]), int(p.split(":")[2])) for p in problems]
    assert keys == sorted(keys)
    assert text.splitlines()[-1] == "build failed: 4 errors, 0 warnings in 1 file"


def test_untraced_fact_is_a_warning(make_course, run):
    lesson = LESSON.replace("Some text.", "ASEAN was founded in 1967.\n\nIt has 11 members [@charter].")
    code, text = check(make_course, run, **{"modules/01-mod/01-one.md": lesson})
    assert code == 0, text
    assert ("modules/01-mod/01-one.md:13:22: warning: '1967' never appears next to a citation in this lesson"
            in text)
    cited = lesson.replace("founded in 1967.", "founded in 1967 [@charter].")
    code, text = check(make_course, run, **{"modules/01-mod/01-one.md": cited})
    assert "untraced-fact" not in text and code == 0


def test_unquoted_time_is_understood(make_course, run):
    course = COURSE_YAML.replace('start: "09:00"', "start: 09:00")
    code, text = check(make_course, run, **{"modules/course.yaml": course})
    assert code == 0, text


def test_read_beforehand_session_is_recap_plus_activities(make_course, run):
    from pathlib import Path

    from courseware.load import load_course
    from courseware.problems import Report
    course = COURSE_YAML.replace("- lesson: mod/one", "- lesson: mod/one\n            read_beforehand: true")
    root = make_course(minimal_course(**{"modules/course.yaml": course}))
    report = Report(Path(root))
    loaded = load_course(Path(root), report)
    session = loaded.editions[0].days[0].sessions[0]
    assert (session.minutes, session.read_beforehand) == (30 + 10, True)
    assert session.note.startswith("Read beforehand: trainees read this lesson the evening before.")
    assert not report.problems


def test_self_study_lessons_are_checked(make_course, run):
    course = COURSE_YAML + "    self_study: [mod/onne]\n"
    code, text = check(make_course, run, **{"modules/course.yaml": course})
    assert code == 1
    assert "modules/course.yaml:16:18: error: self_study names unknown lesson 'mod/onne' (did you mean 'mod/one'?)" \
        in text
    course = COURSE_YAML + "    self_study: [mod/one]\n"
    code, text = check(make_course, run, **{"modules/course.yaml": course})
    assert "self_study lesson 'mod/one' is also in the agenda of 'short' [duplicate-id]" in text


@pytest.mark.parametrize("broken, own_error", [
    ("---\ntitle: Lesson one\n", "modules/01-mod/01-one.md:1:1: error: expected front matter"),
    (LESSON.replace("objectives:", "objectivs:"), "modules/01-mod/01-one.md:5:1: error: unknown field 'objectivs'"),
], ids=["unreadable", "objectives misspelt"])
def test_a_broken_lesson_reports_its_own_error_only(make_course, run, broken, own_error):
    """A lesson that cannot be read, or lost its objectives to a typo, is reported once: the agenda that names
    it and the activities that check its objectives add no errors of their own."""
    exit_code, text = check(make_course, run, **{"modules/01-mod/01-one.md": broken})
    assert exit_code == 1, text
    errors = [line for line in text.splitlines() if ": error: " in line]
    assert any(line.startswith(own_error) for line in errors), text
    assert not [line for line in errors if line.endswith(("[unknown-lesson]", "[bad-check]"))], text


@pytest.mark.parametrize("name", ["glossary.yaml", "references.yaml"])
def test_an_unreadable_glossary_or_reference_list_is_one_error(make_course, run, name):
    """A tab in glossary.yaml is one YAML error, not one 'not in the glossary' error per term in the course."""
    files = minimal_course()
    files["modules/01-mod/01-one.md"] = LESSON.replace("Some text.", "ASEAN met [@charter]. ASEAN again [@charter].")
    files[f"modules/{name}"] += "\t- oops\n"
    exit_code, text = check(make_course, run, **files)
    assert exit_code == 1, text
    errors = [line for line in text.splitlines() if ": error: " in line]
    assert len(errors) == 1 and errors[0].startswith(f"modules/{name}:") and "[yaml-syntax]" in errors[0], text


def test_a_heavy_image_is_a_warning(make_course, run):
    """A real PNG of over 500 KB builds, with a warning that names its size."""
    import io
    import os

    from PIL import Image
    data = io.BytesIO()
    Image.frombytes("RGB", (500, 500), os.urandom(500 * 500 * 3)).save(data, "PNG")  # noise: no compression
    code, text = check(make_course, run, **{
        "modules/01-mod/01-one.md": LESSON.replace("Some text.", "![A photo](images/photo.png)"),
        "modules/01-mod/images/photo.png": data.getvalue()})
    assert code == 0, text
    assert "modules/01-mod/01-one.md:13:1: warning: image 'images/photo.png' is 0.8 MB" in text, text
    assert text.rstrip().endswith("check passed: 0 errors, 1 warning in 1 file"), text


def test_an_unreadable_module_is_one_error(make_course, run):
    """A module.yaml YAML cannot read is reported once: the agenda naming its lessons adds nothing."""
    exit_code, text = check(make_course, run, **{"modules/01-mod/module.yaml": "id: mod\ntitle: ASEAN: a primer\n"})
    assert exit_code == 1, text
    errors = [line for line in text.splitlines() if ": error: " in line]
    assert len(errors) == 1 and errors[0].startswith("modules/01-mod/module.yaml:2:"), text


def test_a_lesson_linked_from_outside_the_project_is_refused(make_course, run, tmp_path_factory):
    """A lesson that is a symbolic link to a file elsewhere is named as the author sees it, and refused."""
    outside = tmp_path_factory.mktemp("elsewhere") / "lesson.md"
    outside.write_text(LESSON, encoding="utf-8")
    files = minimal_course()
    del files["modules/01-mod/01-one.md"]
    root = make_course(files)
    (root / "modules/01-mod/01-one.md").symlink_to(outside)
    exit_code, out, err = run("check", "--root", root)
    text = out + err
    assert exit_code == 1, text
    errors = [line for line in text.splitlines() if ": error: " in line]
    assert len(errors) == 1, text
    assert errors[0].startswith("modules/01-mod/01-one.md:1:1: error: 'modules/01-mod/01-one.md' is a link to a "
                                "file outside the project"), text
    assert errors[0].endswith("[unsafe-path]"), text


@pytest.mark.parametrize("target", ["file:///etc/passwd", "/etc/passwd", "../../../etc/passwd"])
def test_an_image_outside_the_project_says_so(make_course, run, target):
    code, text = check(make_course, run, **{
        "modules/01-mod/01-one.md": LESSON.replace("Some text.", f"![A map]({target})")})
    assert code == 1, text
    assert f"modules/01-mod/01-one.md:13:1: error: image '{target}' is outside" in text, text
    assert "[unsafe-path]" in text and "does not exist" not in text, text


@pytest.mark.parametrize("nested", [" " + "[" * 400 + "]" * 400, "\n" + "\n".join("  " * i + "- x:" for i in range(300))],
                         ids=["flow", "block"])
def test_deeply_nested_yaml_is_a_path_line_error(make_course, run, nested):
    """Found by mutating the sources at random: a few hundred levels of nesting was an internal RecursionError."""
    module = MODULE_YAML + "extra:" + nested + "\n"
    code, text = check(make_course, run, **{"modules/01-mod/module.yaml": module})
    assert code == 1, text
    errors = [line for line in text.splitlines() if ": error: " in line]
    assert len(errors) == 1 and errors[0].startswith("modules/01-mod/module.yaml:"), text
    assert "levels of nested lists and mappings" in errors[0] and "internal error" not in text, text
    assert not errors[0].startswith("modules/01-mod/module.yaml:1:"), text


def test_a_control_character_is_reported_on_its_own_line(make_course, run):
    glossary = GLOSSARY.replace("A regional organisation.", "A regional\x07 organisation.")
    code, text = check(make_course, run, **{"modules/glossary.yaml": glossary})
    assert code == 1, text
    assert "modules/glossary.yaml:3:25: error: YAML syntax error: expected text, found the control character " \
           "U+0007" in text, text


POINTERS = LESSON.replace("key_points:", "materials:\n  - Role cards (printed from the facilitator note)\nkey_points:").replace(
    "Some text.",
    "Compare your answer (see the facilitator note).\n\nThe facilitator notes on a flipchart what groups say.\n\n"
    "/// facilitator-note\nThe answers are in this facilitator note, and in the facilitator guide.\n///\n\n"
    "/// quiz\n- question: Who?\n  checks: [1]\n  choices:\n    - text: A\n      correct: true\n"
    "      feedback: The facilitator's notes explain why.\n    - text: B\n///\n\n"
    "Ask for the facilitator guide.")


def test_trainee_text_pointing_to_facilitator_notes_is_a_warning(make_course, run):
    """Trainees never see facilitator notes: trainee text that sends them there is reported where it is, but not
    the notes themselves, the facilitator's materials list, or 'notes' as a verb."""
    code, text = check(make_course, run, **{"modules/01-mod/01-one.md": POINTERS})
    assert code == 0, text
    warnings = [line for line in text.splitlines() if ": warning: " in line]
    assert [w.split(": warning: ")[0] for w in warnings] == [
        "modules/01-mod/01-one.md:15:30", "modules/01-mod/01-one.md:29:21", "modules/01-mod/01-one.md:33:13"], text
    assert warnings[0].startswith("modules/01-mod/01-one.md:15:30: warning: trainee text points to 'facilitator note', "
                                  "which trainees never see"), text
    assert all(w.endswith("[facilitator-pointer]") for w in warnings), text


TIMED = LESSON.replace("1. Step.\n", """\
1. Give each group the cards.
2. Groups sort the cards
   and agree on an order. (5 minutes, or longer with big groups)
   - a sub-list item (9 minutes) is not a step
3. **Present (6 minutes per team).** Each group presents. (4 minutes)

//// facilitator-note
1. A list in a note (30 minutes) is not a step either.
////
""")


@pytest.mark.parametrize("minutes, warning", [
    (9, None),
    (10, "modules/01-mod/01-one.md:15:1: warning: activity 'Do it' takes 10 minutes, but its steps add up to 9; "
         "step 1 gives none: end each step with its time, e.g. '(10 minutes)', so that the steps add up to the "
         "block's minutes [step-minutes]"),
], ids=["adds up", "does not add up"])
def test_activity_steps_must_add_up_to_its_minutes(make_course, run, minutes, warning):
    """A step states its time in brackets, on any of its lines; a time per team, a sub-list or a nested block
    does not count."""
    lesson = TIMED.replace("    minutes: 10", f"    minutes: {minutes}")
    code, text = check(make_course, run, **{"modules/01-mod/01-one.md": lesson})
    assert code == 0, text
    warnings = [line for line in text.splitlines() if ": warning: " in line]
    assert warnings == ([warning] if warning else []), text


def test_untimed_steps_of_a_discussion_are_not_reported(make_course, run):
    """A discussion's numbered items are often questions: only a discussion that times its steps is checked."""
    questions = LESSON.replace("/// activity", "/// discussion").replace("1. Step.\n", "1. Why?\n2. How?\n")
    code, text = check(make_course, run, **{"modules/01-mod/01-one.md": questions})
    assert code == 0 and "[step-minutes]" not in text, text
    timed = questions.replace("1. Why?", "1. Why? (3 minutes)").replace("2. How?", "2. How? (3 minutes)")
    code, text = check(make_course, run, **{"modules/01-mod/01-one.md": timed})
    assert ("modules/01-mod/01-one.md:15:1: warning: discussion 'Do it' takes 10 minutes, but its steps add up "
            "to 6:") in text, text


SVG_OK = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="100" height="50" '
          'viewBox="0 0 100 50"><defs><path id="p" d="M0 0 L10 10"/></defs><use xlink:href="#p"/>'
          '<rect width="10" height="10" style="fill: url(#p)"/><text x="5" y="20">Label</text></svg>')


@pytest.mark.parametrize("svg, found", [
    (SVG_OK, None),
    (SVG_OK.replace("<text", "<script>alert(1)</script><text"), "error: image 'images/d.svg' contains a <script> element"),
    (SVG_OK.replace("<rect ", '<rect onclick="go()" '), "error: image 'images/d.svg' has an event handler attribute (onclick)"),
    (SVG_OK.replace('xlink:href="#p"', 'xlink:href="https://example.org/x.svg#p"'),
     "error: image 'images/d.svg' points outside the drawing (href=\"https://example.org/x.svg#p\")"),
    (SVG_OK.replace("url(#p)", "url(http://example.org/a.png)"), "error: image 'images/d.svg' refers to an outside file"),
    (SVG_OK.replace("<rect ", "<foreignObject><p>x</p></foreignObject><rect "),
     "error: image 'images/d.svg' contains a <foreignObject> element"),
    ('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "y">]>' + SVG_OK,
     "error: image 'images/d.svg' has a DOCTYPE or ENTITY declaration"),
    (SVG_OK.replace(' viewBox="0 0 100 50"', ""), "warning: image 'images/d.svg' has no viewBox"),
    (SVG_OK.replace("Label", "x" * 120_000), "warning: image 'images/d.svg' is 120 KB"),
], ids=["clean", "script", "event handler", "outside href", "outside url()", "foreignObject", "entity", "no viewBox",
        "too big"])
def test_svg_drawings_are_checked(make_course, run, svg, found):
    """An SVG in a lesson may not run code or fetch anything, and should scale and stay small."""
    code, text = check(make_course, run, **{
        "modules/01-mod/01-one.md": LESSON.replace("Some text.", "![A diagram](images/d.svg)"),
        "modules/01-mod/images/d.svg": svg})
    problems = [line for line in text.splitlines() if ": error: " in line or ": warning: " in line]
    if found is None:
        assert code == 0 and problems == [], text
    else:
        assert len(problems) == 1 and problems[0].startswith("modules/01-mod/01-one.md:13:1: " + found), text
        assert code == (1 if found.startswith("error") else 0), text


def test_a_translated_copy_of_a_drawing_is_checked_too(make_course, run):
    """`d.km.svg`, the drawing with Khmer labels that Khmer pages show, is held to the same rules as `d.svg`."""
    code, text = check(make_course, run, **{
        "modules/01-mod/01-one.md": LESSON.replace("Some text.", "![A diagram](images/d.svg)"),
        "modules/01-mod/images/d.svg": SVG_OK,
        "modules/01-mod/images/d.km.svg": SVG_OK.replace("<text", '<text onload="x()"')})
    assert code == 1, text
    assert ("modules/01-mod/01-one.md:13:1: error: image 'images/d.svg' (its copy 'd.km.svg') has an event handler "
            "attribute (onload)") in text, text


def test_a_page_shows_the_translated_copy_of_an_image(tmp_path):
    from courseware.pages import localized_image
    (tmp_path / "d.svg").write_text(SVG_OK)
    (tmp_path / "d.km.svg").write_text(SVG_OK)
    assert localized_image(tmp_path / "d.svg", "km") == tmp_path / "d.km.svg"
    assert localized_image(tmp_path / "d.svg", "my") == tmp_path / "d.svg"
    assert localized_image(tmp_path / "d.svg", "en") == tmp_path / "d.svg"
