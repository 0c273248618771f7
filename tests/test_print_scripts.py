"""Each script printed the way it is read (issue 13): emphasis without fake italics in Khmer, Burmese and Thai,
in print and on the site, and numbers in the digits of the text in Khmer and Burmese print."""

from __future__ import annotations

import pytest

from conftest import ROOT
from courseware import i18n


def styles_of_emphasis(lang: str, stylesheet: str, caplog) -> dict:
    """{text: (font-style, font-weight)} of the words of a paragraph in `lang` laid out with a stylesheet (the
    site's style.css goes through WeasyPrint's cascade, which is the standard one: its screen-only rules, which
    WeasyPrint warns about and ignores, are not what is tested)."""
    import weasyprint
    from weasyprint.formatting_structure import boxes

    from courseware.fetch import ProjectFetcher
    html = (f'<html lang="{lang}"><head><link rel="stylesheet" href="{stylesheet}"></head><body>'
            '<p>plain <em>emphasis</em> <i>idiom</i> <span lang="en"><em>English</em></span></p>'
            '<p class="quiz-feedback">feedback</p></body></html>')
    base = (ROOT / "templates" / ("pdf" if stylesheet == "print.css" else "assets")).as_uri() + "/"
    document = weasyprint.HTML(string=html, base_url=base, url_fetcher=ProjectFetcher([ROOT])).render()
    if stylesheet == "style.css":
        caplog.clear()
    found = {}

    def walk(box):
        if isinstance(box, boxes.TextBox) and box.text.strip():
            found[box.text.strip()] = (box.style["font_style"], box.style["font_weight"])
        for child in getattr(box, "children", ()):
            walk(child)
    for page in document.pages:
        walk(page._page_box)
    return found


@pytest.mark.parametrize("stylesheet", ["print.css", "style.css"])
@pytest.mark.parametrize("lang", ["km", "my", "th"])
def test_emphasis_is_bold_and_upright_in_scripts_without_italics(lang, stylesheet, caplog):
    found = styles_of_emphasis(lang, stylesheet, caplog)
    assert found["emphasis"] == ("normal", 700) and found["idiom"] == ("normal", 700)
    assert found["plain"][0] == "normal"
    assert found["English"][0] == "italic"  # an English part keeps its real italics
    if stylesheet == "print.css":
        assert found["feedback"][0] == "normal"  # italics for style: upright


@pytest.mark.parametrize("stylesheet", ["print.css", "style.css"])
def test_vietnamese_and_english_keep_italics(stylesheet, caplog):
    for lang in ("vi", "en"):
        assert styles_of_emphasis(lang, stylesheet, caplog)["emphasis"][0] == "italic"


def test_print_writes_numbers_in_the_digits_of_khmer_and_burmese():
    assert (i18n.digits(2026, "km"), i18n.digits("09:30", "my"), i18n.digits(15, "th")) == ("២០២៦", "၀၉:၃၀", "15")
    assert (i18n.counter_style("km"), i18n.counter_style("my"), i18n.counter_style("vi")) == ("khmer", "myanmar",
                                                                                              "decimal")


@pytest.mark.parametrize("medium, expected", [("print", "ម៉ូឌុលទី ២ · ០៩:៣០ · ១ ម៉ោង ៣០ នាទី"),
                                              ("web", "ម៉ូឌុលទី 2 · 09:30 · 1 ម៉ោង 30 នាទី")])
def test_templates_show_numbers_in_khmer_digits_in_print_only(medium, expected):
    from courseware.templating import environment
    env = environment(ROOT / "templates")
    i18n.install(env, "km", medium)
    template = env.from_string('{{ _("Module %(n)s", n=2) }} · {{ 570 | hhmm }} · {{ 90 | duration }}')
    assert template.render() == expected
