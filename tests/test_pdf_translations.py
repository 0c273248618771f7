"""Translations in print, read back from the real PDFs of a course built in five languages.

Handouts and guides open with the notice under their first heading (tests/test_languages.py). Forms a
trainee fills in and the agenda carry it as a small line at the foot of every page, in the margin, so it
takes no room from the form; the certificate a participant takes home carries none. The test and the
evaluation form are translated (assessment.<lang>.yaml) where a translation exists, keep the English page
plan, and Khmer and Burmese PDFs number their pages in their own digits (issue 13).
"""

from __future__ import annotations

import subprocess
import unicodedata

import pytest
from pypdf import PdfReader

from conftest import COURSES
from courseware import i18n
from courseware.load import source_hash
from test_languages import LANGS, ZWSP, multilingual_course, squash

FOOTED = ["agenda-short", "attendance-short", "daily-evaluation-short", "pre-test", "post-test"]
ASSESSMENT_KM = """\
translation_of: {hash}
status: draft
test:
  title: តេស្តចំណេះដឹង
  instructions: គូសរង្វង់ចម្លើយមួយសម្រាប់សំណួរនីមួយៗ។
  questions:
    - question: តើអាស៊ានមានរដ្ឋសមាជិកប៉ុន្មាន?
      choices:
        - text: "១០"
          feedback: នេះពិតរហូតដល់ខែតុលា ឆ្នាំ ២០២៥។
        - text: "១១"
          feedback: ទីម័រខាងកើតបានចូលជាសមាជិកនៅថ្ងៃទី ២៦ ខែតុលា ឆ្នាំ ២០២៥។
evaluation:
  title: ការវាយតម្លៃប្រចាំថ្ងៃ
  ratings:
    - វគ្គថ្ងៃនេះមានប្រយោជន៍សម្រាប់ការងាររបស់ខ្ញុំ។
  open_questions:
    - តើអ្វីជារឿងមានប្រយោជន៍បំផុតដែលអ្នកបានរៀនថ្ងៃនេះ?
"""
MM = 72 / 25.4


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The five-language course with a test and an evaluation form, PDFs only: the output folder."""
    from courseware.pipeline import Options, build
    root = tmp_path_factory.mktemp("notices")
    files = multilingual_course()
    files["modules/assessment.yaml"] = (COURSES / "tiny" / "modules" / "assessment.yaml").read_text(encoding="utf-8")
    files["modules/assessment.km.yaml"] = ASSESSMENT_KM.format(hash=source_hash(files["modules/assessment.yaml"]))
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    result = build(root, Options(html=False), root / "output")
    assert not result.report.errors, result.report.format()
    return root / "output"


def notices(lang: str) -> list[str]:
    """Every translation notice a PDF may carry, in the reader's language, without spaces."""
    _ = i18n.gettext_for(lang)
    return [squash(_("Parts of this page are shown in English because they have not been translated yet.")),
            squash(_("This translation is out of date: the English page has changed since it was translated.")),
            squash(_("Draft translation: machine-drafted and not yet reviewed by a native speaker."))]


def region(path, page: int, top: float, height: float) -> str:
    """The text poppler reads in a band of one page (points from the top), without spaces or ZWSP."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-f", str(page), "-l", str(page), "-x", "0",
                          "-y", str(int(top)), "-W", "2000", "-H", str(int(height)), str(path), "-"],
                         capture_output=True, text=True, check=True).stdout
    return squash(unicodedata.normalize("NFC", out.replace(ZWSP, "")))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("doc", FOOTED)
def test_forms_and_the_agenda_carry_the_notice_as_a_footer_line_on_every_page(built, doc, lang):
    path = built / "pdf" / f"{doc}.{lang}.pdf"
    pages = PdfReader(path).pages
    for number, page in enumerate(pages, 1):
        height = float(page.mediabox.height)
        margin = (15 if float(page.mediabox.width) > height else 20) * MM  # landscape pages have 15 mm margins
        foot = region(path, number, height - margin, margin)
        body = region(path, number, 0, height - margin)
        assert body, f"{doc}.{lang}.pdf page {number} is empty"
        assert squash(i18n.gettext_for(lang)("Page")) in foot  # the band is the footer
        shown = [n for n in notices(lang) if n in foot]
        assert shown, f"{doc}.{lang}.pdf page {number}: no translation notice in the footer: {foot!r}"
        assert not [n for n in notices(lang) if n in body], f"{doc}.{lang}.pdf page {number}: notice in the body"


@pytest.mark.parametrize("lang", LANGS)
def test_the_certificate_carries_no_translation_notice(built, lang):
    path = built / "pdf" / f"certificate-short.{lang}.pdf"
    text = region(path, 1, 0, 2000)
    assert squash(i18n.gettext_for(lang)("Certificate of completion")) in text
    assert not [n for n in notices(lang) if n in text]


def test_english_forms_have_no_notice_and_the_handout_keeps_its_note_under_the_heading(built):
    english = region(built / "pdf" / "attendance-short.pdf", 1, 0, 2000)
    assert "Attendancesheet" in english and not [n for n in notices("en") if n in english]
    handout = built / "pdf" / "handout-01-mod.vi.pdf"
    first_pages = region(handout, 1, 0, 2000) + region(handout, 2, 0, 2000)
    assert notices("vi")[2] in first_pages


def test_the_test_and_the_evaluation_form_are_printed_in_their_translation(built):
    test, evaluation = region(built / "pdf" / "pre-test.km.pdf", 1, 0, 2000), region(
        built / "pdf" / "daily-evaluation-short.km.pdf", 1, 0, 2000)
    assert squash("តេស្តចំណេះដឹង") in test and squash("តើអាស៊ានមានរដ្ឋសមាជិកប៉ុន្មាន?") in test
    assert "Knowledge" not in test and "ASEAN" not in test
    assert squash("ការវាយតម្លៃប្រចាំថ្ងៃ") in evaluation and "Daily" not in evaluation
    # Without a translation, the English text, with the notice that parts are in English.
    burmese = region(built / "pdf" / "pre-test.my.pdf", 1, 0, 2000)
    assert "Knowledgetest" in burmese and notices("my")[0] in burmese


@pytest.mark.parametrize("lang", LANGS)
def test_translated_evaluation_forms_keep_the_english_page_plan(built, lang):
    english = len(PdfReader(built / "pdf" / "daily-evaluation-short.pdf").pages)
    assert len(PdfReader(built / "pdf" / f"daily-evaluation-short.{lang}.pdf").pages) == english


@pytest.mark.parametrize("lang, digits", [("km", "០១២៣៤៥៦៧៨៩"), ("my", "၀၁၂၃၄၅၆၇၈၉"), ("th", "0123456789"),
                                          ("vi", "0123456789")])
@pytest.mark.parametrize("doc", ["handout-01-mod", "pre-test", "agenda-short"])
def test_page_numbers_are_in_the_digits_of_the_text(built, doc, lang, digits):
    """Khmer and Burmese print in their own digits, page numbers and times too; Thai and Vietnamese in 0-9."""
    path = built / "pdf" / f"{doc}.{lang}.pdf"
    pages = PdfReader(path).pages
    height = float(pages[0].mediabox.height)
    margin = (15 if float(pages[0].mediabox.width) > height else 20) * MM
    page = 2 if doc.startswith("handout") else 1  # a handout's cover has no page number
    foot = region(path, page, height - margin, margin)
    page_word = squash(i18n.gettext_for(lang)("Page"))
    number = foot[foot.rindex(page_word) + len(page_word):]
    assert number[:1] == digits[page], foot  # "Page 1 of N"
    others = "0123456789០១២៣៤៥៦៧៨៩၀၁၂၃၄၅၆၇၈၉".replace(digits[0], "").translate(str.maketrans("", "", digits))
    assert not [c for c in number if c in others], foot
    if doc == "agenda-short":
        body = region(path, 1, 0, height - margin)
        assert digits[0] + digits[9] + ":" + digits[0] + digits[0] in body  # 09:00, the day's start
