"""The translated pre/post test and daily evaluation form (modules/assessment.<lang>.yaml, issue 13): the shipped
drafts are complete and faithful, and each check is shown on a real draft broken on purpose."""

from __future__ import annotations

import dataclasses
import re
import shutil

import pytest

from conftest import ROOT
from courseware.load import load_course
from courseware.problems import Report
from courseware.translations import translate

LANGS = ["km", "my", "th", "vi"]


@pytest.fixture(scope="module")
def course():
    report = Report(ROOT)
    loaded = load_course(ROOT, report)
    assert loaded is not None and loaded.assessment is not None
    return loaded


def translated(course, tmp_path, lang: str, change=None):
    """(the assessment in `lang`, its translation record, the problems reported at the translation)."""
    folder = tmp_path / "modules"
    folder.mkdir(exist_ok=True)
    shutil.copy(ROOT / "modules" / "assessment.yaml", folder / "assessment.yaml")
    text = (ROOT / "modules" / f"assessment.{lang}.yaml").read_text(encoding="utf-8")
    if change is not None:
        changed = change(text)
        assert changed != text, "the change must change something"
        text = changed
    (folder / f"assessment.{lang}.yaml").write_text(text, encoding="utf-8")
    report = Report(tmp_path)
    result, lang_report = translate(dataclasses.replace(course, source=folder), lang, report)
    found = [f"{report.rel(p.path)}:{p.line}: {p.level}: {p.message} [{p.code}]" for p in report.problems
             if p.path and "assessment" in str(p.path)]
    return result.assessment, lang_report.of(folder / "assessment.yaml"), found


@pytest.mark.parametrize("lang", LANGS)
def test_a_shipped_draft_translates_every_text_faithfully(course, tmp_path, lang):
    assessment, record, found = translated(course, tmp_path, lang)
    assert found == []
    assert (record.state, record.status, record.kind) == ("translated", "draft", "assessment")
    english = course.assessment
    assert assessment.english == frozenset()
    assert assessment.test_title != english.test_title and assessment.evaluation_title != english.evaluation_title
    assert len(assessment.questions) == len(english.questions) == 15
    for mine, theirs in zip(assessment.questions, english.questions):
        assert mine.english == frozenset() and mine.question != theirs.question
        assert [c.correct for c in mine.choices] == [c.correct for c in theirs.choices]  # from English
        assert all(not c.english for c in mine.choices)
    assert len(assessment.ratings) == len(english.ratings) and assessment.ratings != english.ratings
    assert len(assessment.open_questions) == len(english.open_questions)


@pytest.mark.parametrize("lang", ["km", "my"])
def test_khmer_and_burmese_drafts_write_numbers_in_their_own_digits(lang):
    text = (ROOT / "modules" / f"assessment.{lang}.yaml").read_text(encoding="utf-8")
    body = text[text.index("\ntest:"):]
    assert not re.search(r"[0-9]", re.sub(r"(?m)^\s*#.*$", "", body)), "Latin digits in the content"
    assert ("២០" if lang == "km" else "၂၀") in body  # the 20 minutes of the instructions


def test_a_dropped_choice_is_an_error_at_its_question(course, tmp_path):
    def drop(text):  # the third choice of question 2
        return re.sub(r"(?m)^        - text: អគ្គលេខាធិការអាស៊ានជាអ្នកសម្រេច\n          feedback: .*\n", "", text)
    assessment, _, found = translated(course, tmp_path, "km", drop)
    assert any(re.match(r"modules/assessment\.km\.yaml:\d+: error: question 2 has 3 choices here, 4 in the English "
                        r"source: never drop or add a choice", p) for p in found), found
    assert assessment.questions[1].english == frozenset() and assessment.questions[1].choices[2].english  # English


def test_a_dropped_question_is_an_error(course, tmp_path):
    def drop(text):
        start = text.index("    - question: តើអាស៊ាន")
        return text[:start] + text[text.index("    - question:", start + 10):]
    assessment, _, found = translated(course, tmp_path, "km", drop)
    assert any("error: the test has 14 questions here, 15 in the English source: translate every question, in the "
               "same order (never drop or add one) [translation-structure]" in p for p in found), found
    assert all(q.english == {"question"} for q in assessment.questions)  # shown in English, with the English answers


def test_a_correct_answer_in_a_translation_is_an_error(course, tmp_path):
    def mark(text):
        return text.replace('        - text: "១០"\n', '        - text: "១០"\n          correct: true\n', 1)
    assessment, _, found = translated(course, tmp_path, "km", mark)
    assert any("question 1, choice 1: leave 'correct' out of a translation; the correct answer comes from the "
               "English source" in p for p in found), found
    assert [c.correct for c in assessment.questions[0].choices] == [False, True, False, False]


@pytest.mark.parametrize("lang, number", [("km", "២០"), ("my", "၂၀"), ("th", "20"), ("vi", "20")])
def test_a_lost_number_is_an_error_at_its_line(course, tmp_path, lang, number):
    _, _, found = translated(course, tmp_path, lang, lambda text: text.replace(f" {number} ", " ", 1))
    assert any(re.match(r"modules/assessment\.\w+\.yaml:(9|10): error: number\(s\) of the English text missing here: "
                        r"20 ", p) for p in found), found


def test_a_lost_acronym_of_an_asean_body_is_a_warning(course, tmp_path):
    _, _, found = translated(course, tmp_path, "my", lambda text: text.replace("ကော်မရှင် (AICHR)", "ကော်မရှင်"))
    assert any("warning: the English acronym of AICHR is not in this section" in p for p in found), found


def test_a_dropped_rating_is_an_error_and_the_ratings_stay_english(course, tmp_path):
    def drop(text):
        return re.sub(r"(?m)^    - ภาษาและความเร็วเหมาะกับฉัน\n", "", text)
    assessment, _, found = translated(course, tmp_path, "th", drop)
    assert any("'ratings' has 6 items but the English source has 7" in p for p in found), found
    assert "ratings" in assessment.english and assessment.ratings == course.assessment.ratings


def test_a_text_left_in_english_is_a_warning(course, tmp_path):
    def leave(text):
        return text.replace("title: Đánh giá hằng ngày", "title: Daily evaluation form")
    _, _, found = translated(course, tmp_path, "vi", lambda t: leave(t).replace(
        "Chỉ ngư dân di cư", "Migrant fishers only"))
    assert any("warning: this text is still in English in a translation" in p for p in found), found


def test_without_a_translation_the_forms_show_the_english_marked_as_english(course, tmp_path):
    from courseware import languages
    folder = tmp_path / "modules"
    folder.mkdir()
    shutil.copy(ROOT / "modules" / "assessment.yaml", folder / "assessment.yaml")
    report = Report(tmp_path)
    result, lang_report = translate(dataclasses.replace(course, source=folder), "km", report)
    assert lang_report.of(folder / "assessment.yaml").state == "missing"
    assert result.assessment.english >= {"test_title", "ratings"}
    versions = {"km": (dataclasses.replace(result, source=folder), lang_report)}
    from courseware.render_pdf import PdfRenderer
    renderer = PdfRenderer(versions["km"][0], ROOT / "templates")
    languages.install(renderer.env, versions["km"][0], "km", lang_report)
    job = next(j for j in renderer.jobs(report) if j.name == "pre-test.pdf")
    assert '<h1 lang="en">Knowledge test</h1>' in job.html
    assert '<p class="keep" lang="en">How does ASEAN usually make its decisions?</p>' in job.html
    assert '<span lang="en">11</span>' not in job.html  # a number is the same in every language
