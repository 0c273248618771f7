"""The faithfulness checks of translations (courseware/faithful.py), each on a real translation of the course
broken on purpose, and the shipped translations passing them all."""

from __future__ import annotations

import re
import shutil

import pytest

from conftest import ROOT
from courseware import faithful
from courseware.load import load_course
from courseware.problems import Report

LESSON = ROOT / "modules" / "01-asean-context" / "01-what-is-asean.md"


def split(text: str) -> tuple[str, int]:
    """(body, line before the body) of a lesson file."""
    end = text.index("\n---\n", 4) + len("\n---\n")
    return text[end:], text[:end].count("\n")


@pytest.fixture(scope="module")
def course():
    report = Report(ROOT)
    loaded = load_course(ROOT, report)
    assert loaded is not None
    return loaded


def problems(course, lang: str, change=lambda body: body) -> list[str]:
    source_body, source_offset = split(LESSON.read_text(encoding="utf-8"))
    path = LESSON.with_name(f"{LESSON.stem}.{lang}.md")
    body, offset = split(path.read_text(encoding="utf-8"))
    changed = change(body)
    assert changed != body or change("x") == "x", "the change must change something"
    report = Report(ROOT)
    faithful.compare(source_body, source_offset, changed, offset, path, lang, report, course.glossary, {})
    return [f"{p.line}: {p.level}: {p.message} [{p.code}]" for p in report.problems]


@pytest.mark.parametrize("lang", ["km", "my", "th", "vi"])
def test_a_shipped_translation_is_faithful(course, lang):
    assert problems(course, lang) == []


def test_a_dropped_quiz_choice_is_an_error(course):
    def drop(body):  # the last choice of the first question: its text and feedback lines
        quiz = body.index("/// quiz")
        start = body.index("    - text:", body.index("    - text:", body.index("    - text:", quiz) + 1) + 1)
        end = body.index("- question:", start)
        return body[:start] + body[end:]
    found = problems(course, "km", drop)
    assert any("quiz question 1 has 2 choices, the English source 3" in p for p in found), found


def test_a_moved_correct_answer_is_an_error(course):
    def move(body):
        quiz = body.index("/// quiz")
        first = body.index("      correct: true\n", quiz)
        body = body[:first] + body[first + len("      correct: true\n"):]
        second_choice = body.index("      feedback:", body.index("    - text:", body.index("    - text:", quiz) + 1))
        return body[:second_choice] + "      correct: true\n" + body[second_choice:]
    found = problems(course, "my", move)
    assert any("quiz question 1: the correct answer is choice 2 here, choice 1 in the English source" in p
               for p in found), found


def test_a_dropped_citation_is_an_error(course):
    found = problems(course, "th", lambda body: body.replace(" [@ians-timor-leste-2025]", "", 1))
    assert any("citations differ from the English source: missing 'ians-timor-leste-2025'" in p for p in found), found


def test_a_changed_link_is_an_error(course):
    found = problems(course, "vi", lambda body: body.replace("(02-how-asean-decides.md)", "(02-how-asean.md)", 1))
    assert any("links differ from the English source" in p and "'02-how-asean-decides.md'" in p for p in found), found


def test_a_dropped_block_is_an_error(course):
    def drop(body):
        start = body.index("/// discussion")
        end = body.index("\n///\n", body.index("\n////\n", start)) + len("\n///\n")
        return body[:start] + body[end:]
    found = problems(course, "km", drop)
    assert any("blocks differ from the English source: block 3 should be 'discussion'" in p for p in found), found


@pytest.mark.parametrize("lang, digit", [("km", "១៩៦៧"), ("my", "၁၉၆၇"), ("th", "1967"), ("vi", "1967")])
def test_a_lost_number_is_an_error_in_any_digits(course, lang, digit):
    """Replacing the founding year by another in one paragraph is reported at that paragraph."""
    text = (LESSON.with_name(f"{LESSON.stem}.{lang}.md")).read_text(encoding="utf-8")
    assert digit in split(text)[0], f"the {lang} translation writes 1967 as {digit}"
    found = problems(course, lang, lambda body: body.replace(digit, digit[:-1] + digit[0], 1))
    assert any("number(s) of the English paragraph missing here: 1967" in p and "[translation-number]" in p
               for p in found), found


def test_numbers_agree_across_digit_systems_and_separators():
    assert faithful.numbers("about 480,000 people in 2019 (4.9 million)") == \
        faithful.numbers("ប្រមាណ ៤៨០ ០០០ នាក់ ក្នុងឆ្នាំ ២០១៩ (៤,៩ លាន)") == \
        faithful.numbers("၄၈၀,၀၀၀ ဦး ၂၀၁၉ (၄.၉ သန်း)")
    assert faithful.numbers("see [@severino-2008] and [lesson 5](05-numbers.md)") == {}


def test_a_lost_acronym_of_an_asean_body_is_a_warning(course):
    lesson = ROOT / "modules" / "03-engagement" / "01-aichr.md"
    path = lesson.with_name("01-aichr.km.md")
    source_body, source_offset = split(lesson.read_text(encoding="utf-8"))
    body, offset = split(path.read_text(encoding="utf-8"))
    report = Report(ROOT)
    faithful.compare(source_body, source_offset, body.replace("AICHR", "XXXXX"), offset, path, "km", report,
                     course.glossary, {})
    assert any(p.code == "translation-term" and "AICHR" in p.message for p in report.problems), report.format()


def test_a_paragraph_left_in_english_is_a_warning(course):
    english = "This paragraph was not translated and is still written in the English of the source text."
    for lang in ("km", "vi"):
        found = problems(course, lang, lambda body: body.replace("\n\n", f"\n\n{english}\n\n", 1))
        assert any("still in English" in p and ": warning: " in p for p in found), (lang, found)


def test_check_reports_a_broken_translation_with_path_and_line(tmp_path, run):
    """End to end: `build.py check` on a copy of the course whose Burmese lesson lost a quiz choice."""
    shutil.copytree(ROOT / "modules", tmp_path / "modules")
    path = tmp_path / "modules" / "01-asean-context" / "01-what-is-asean.my.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^    - text: \"၁၂\"\n      feedback: .*\n", "", text, count=1), encoding="utf-8")
    assert path.read_text(encoding="utf-8") != text
    code, out, err = run("check", "--root", tmp_path)
    assert code == 1, out + err
    assert re.search(r"modules/01-asean-context/01-what-is-asean\.my\.md:\d+:1: error: quiz question 3 has 2 "
                     r"choices, the English source 3", err), err
