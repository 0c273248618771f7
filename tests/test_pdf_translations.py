"""Translation notices in print, read back from the real PDFs of a course built in five languages.

Handouts and guides open with the notice under their first heading (tests/test_languages.py). Forms a
trainee fills in and the agenda carry it as a small line at the foot of every page, in the margin, so it
takes no room from the form; the certificate a participant takes home carries none.
"""

from __future__ import annotations

import subprocess
import unicodedata

import pytest
from pypdf import PdfReader

from conftest import COURSES
from courseware import i18n
from test_languages import LANGS, ZWSP, multilingual_course, squash

FOOTED = ["agenda-short", "attendance-short", "daily-evaluation-short", "pre-test", "post-test"]
MM = 72 / 25.4


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The five-language course with a test and an evaluation form, PDFs only: the output folder."""
    from courseware.pipeline import Options, build
    root = tmp_path_factory.mktemp("notices")
    files = multilingual_course()
    files["modules/assessment.yaml"] = (COURSES / "tiny" / "modules" / "assessment.yaml").read_text(encoding="utf-8")
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
