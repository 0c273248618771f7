"""`check` reads lesson bodies without rendering them (courseware/scan.py): the same problems as the renderer, at
the same places, and the same blocks, checked objectives, quiz questions and heading ids."""

from __future__ import annotations

import re
import shutil

import markdown
import pytest

from conftest import LESSON, ROOT, minimal_course
from courseware import markup, zawgyi
from courseware.load import load_course
from courseware.markup import RenderContext
from courseware.problems import Report
from courseware.scan import scan

ID = re.compile(r'\bid="([^"]+)"')


def both(body: str, references: dict, offset: int = 10):
    """(what the renderer gives, what the scan gives): problems, heading ids, checked objectives, blocks and the
    lines of the quiz questions."""
    report = Report(ROOT)
    rendered = markup.convert(body, path=ROOT / "x.md", report=report, audience="facilitator", medium="web",
                              ctx=RenderContext(references=references, glossary={}), offset=offset,
                              expand_terms=True)
    old = (report.sorted(), set(ID.findall(rendered.html)), rendered.state)
    report = Report(ROOT)
    scanned = scan(body, path=ROOT / "x.md", report=report, offset=offset, references=references)
    new = (report.sorted(), scanned.anchors, scanned.state)
    return [(problems, ids, state.checks, [(b.type, b.line, b.title, b.options) for b in state.blocks],
             [line for line, _ in state.questions]) for problems, ids, state in (old, new)]


QUIZ = "/// quiz | Check\n- question: Why?\n  checks: [1]\n  choices:\n    - text: A\n      correct: true\n" \
       "    - text: B\n///\n"
BODIES = {
    "headings": "# Top\n\n## Start\n\n## Start\n\n### The `ASEAN` way [@charter] -- and _why_ ##\n\n"
                "##No space\n\nA setext heading\n-----------------\n\n## [A link](x.md) and ![a map](m.png) "
                "and snake_case\n\n## Missing [@nowhere]\n",
    "block titles": "/// activity | Map the actors\n    minutes: 10\n    checks: [1, 2]\n\n## Inside\n\n"
                    "//// facilitator-note | Start\nNote.\n////\n///\n\n" + QUIZ,
    "quiz problems": "/// quiz\n- question: Why?\n  checks: [3]\n  choices:\n    - text: A\n"
                     "- question: How?\n  choices: [{text: A, correct: true}, {text: B}]\n- nope\n///\n",
    "quiz not YAML": "/// quiz\n- question: [Why?\n///\n",
    "quiz never closed": QUIZ.removesuffix("///\n"),
    "block problems": "/// activty | X\n///\n\n/// activity | Y\n    minuts: 10\n    group: [a\n///\n\n"
                      "/// callout\n    type: danger\n\nText.\n///\n\n/// discussion\n    minutes: soon\n"
                      "    checks: 2\n\n//// key-points\nText.\n////\n/// worksheet\n///\n///\n\n<b>raw</b> and `<i>` code\n\n"
                      "///\n",
    "options not a mapping": "/// activity | A\n    - minutes\n    - 10\n\nText.\n///\n",
    "tabs and blank-looking lines": "/// activity | A\n\tminutes: 10\n    checks: [1]\n  \nText.\n///\n",
    "blank": "\n  \n",
}


@pytest.mark.parametrize("name", BODIES)
def test_scan_agrees_with_the_renderer(name):
    references = load_course(ROOT, Report(ROOT)).references
    rendered, scanned = both(BODIES[name], references)
    assert scanned == rendered


def test_scan_agrees_with_the_renderer_on_the_shipped_lessons():
    course = load_course(ROOT, Report(ROOT))
    for lesson in course.lessons:
        rendered, scanned = both(lesson.body, course.references, lesson.body_line)
        assert scanned == rendered, lesson.path
        assert scanned[1], f"{lesson.path}: no heading ids found"


def test_a_quiz_after_a_blank_line_is_reported_at_its_own_lines(make_course, run):
    """The renderer joins a quiz's paragraphs and drops the blank lines before them, so its line numbers were
    off by the blank lines; the scan reads the quiz where it is."""
    lesson = LESSON + "\n/// quiz\n\n- question: Why?\n  checks: [1]\n  choices:\n    - text: A\n    - text: B\n" \
                      "\n\n- question: How?\n  choices:\n    - text: A\n      correct: true\n///\n"
    lines = lesson.split("\n")
    first, second = lines.index("- question: Why?") + 1, lines.index("- question: How?") + 1
    root = make_course(minimal_course(**{"modules/01-mod/01-one.md": lesson}))
    code, out, err = run("check", "--root", root)
    assert code == 1
    errors = [line for line in err.splitlines() if ": error: " in line]
    assert errors == [
        f"modules/01-mod/01-one.md:{first}:1: error: quiz question 1 has no correct answer (mark one choice with "
        "'correct: true') [no-correct-answer]",
        f"modules/01-mod/01-one.md:{second}:1: error: quiz question 2 needs at least two choices [too-few-choices]"]


def test_a_link_to_a_block_title_or_a_heading_resolves(make_course, run):
    lesson = LESSON.replace("Some text.", "See [one](#do-it), [two](#start_1) and [three](#the-rule-asean-2008)."
                            "\n\n## Start\n\n## The rule [@charter]\n")
    root = make_course(minimal_course(**{"modules/01-mod/01-one.md": lesson}))
    code, out, err = run("check", "--root", root)
    assert code == 0, err
    root = make_course(minimal_course(**{"modules/01-mod/01-one.md": lesson.replace("#start_1", "#start-1")}))
    code, out, err = run("check", "--root", root)
    assert "link to '#start-1' in 01-one.md: no heading has that id (did you mean 'start_1'?)" in err


def test_check_renders_no_markdown(tmp_path, run, monkeypatch):
    """`check` of the shipped course in its five languages, clean and then with a broken block in a lesson and in
    a translation, with Python-Markdown made to fail: it reads and validates only."""
    def refuse(self, source):
        raise AssertionError("check rendered Markdown")
    monkeypatch.setattr(markdown.Markdown, "convert", refuse)
    shutil.copytree(ROOT / "modules", tmp_path / "modules")
    code, out, err = run("check", "--root", tmp_path)
    assert (code, err) == (0, ""), out
    assert out.strip().endswith("check passed: 0 errors, 0 warnings in 0 files")
    for name in ("01-what-is-asean.md", "01-what-is-asean.km.md"):
        path = next((tmp_path / "modules").glob(f"*/{name}"))
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("    minutes: 25\n", "    minutes: soon\n", 1), encoding="utf-8")
        assert path.read_text(encoding="utf-8") != text
    code, out, err = run("check", "--root", tmp_path)
    assert code == 1
    assert [line.split(": error: ")[1] for line in err.splitlines()] == [
        "'activity' block options: minutes: expected a whole number, found text 'soon' [wrong-type]"] * 2, err


def test_zawgyi_probability_is_the_detectors():
    lines = [line for path in sorted(ROOT.glob("modules/**/*.my.*")) for line in path.read_text("utf-8").split("\n")]
    lines += ["ျမန္မာႏိုင္ငံမွ ေ႐ႊ႕ေျပာင္းလုပ္သားမ်ား", "No Burmese here", ""]
    detector = zawgyi._detector()
    assert len(lines) > 1000
    assert [zawgyi.zawgyi_probability(line) for line in lines] == [detector.get_zawgyi_probability(line)
                                                                   for line in lines]
