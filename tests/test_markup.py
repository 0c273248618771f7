"""The quick inline steps (markup.QuickInlineProcessor) give exactly Python-Markdown's output."""

from __future__ import annotations

from pathlib import Path

import markdown
import pytest
from markdown.inlinepatterns import SimpleTextInlineProcessor

from courseware import markup

MODULES = Path(__file__).resolve().parent.parent / "modules"
EXTENSIONS = ["tables", "sane_lists", "smarty", "toc"]
# Every inline pattern of Python-Markdown and smarty at work, and texts that look like them but are not.
SAMPLES = [
    "A line  \nbroken, a `code span`, an escaped \\*star\\*, *em*, _em_, **strong**, __strong__.",
    "[A link](https://example.org/a) and ![an image](pic.png \"Title\") and [a reference][r] [r].\n\n[r]: x.html",
    "<https://example.org/auto> and <someone@example.org>, &amp; &#169; &copy; and <b>raw</b> html.",
    "Quotes: \"double\", 'single', the '80s, \"'nested' quotes\", it's, rock 'n' roll; O'Brien.",
    "Dashes -- en, --- em, - hyphen, ---- four; an ellipsis... and four dots.... and <<angles>>.",
    "Nothing to do at all here, in plain words",
    "ក្រុមប្រឹក្សា ASEAN \"AICHR\" -- ၁၂၃ ... ไทย 'quoted'",
    "* a list with *em*\n* and `code` -- and \"quotes\"\n\n| a | b |\n|---|---|\n| *x* | 'y' |",
]


def corpus() -> list[str]:
    """The samples and every Markdown file of the shipped course, in every language."""
    return SAMPLES + [p.read_text(encoding="utf-8") for p in sorted(MODULES.rglob("*.md"))]


def test_the_quick_steps_give_python_markdowns_output():
    texts = corpus()
    assert len(texts) > 100
    plain, quick = markdown.Markdown(extensions=EXTENSIONS), markdown.Markdown(extensions=EXTENSIONS)
    markup.quicken(quick)
    assert isinstance(quick.treeprocessors["inline"], markup.QuickInlineProcessor)
    assert isinstance(quick.treeprocessors["smarty"], markup.QuickInlineProcessor)
    for text in texts:
        assert quick.reset().convert(text) == plain.reset().convert(text), text[:200]


def test_the_quick_steps_skip_texts_no_pattern_can_match():
    md = markdown.Markdown(extensions=EXTENSIONS)
    markup.quicken(md)
    inline, smarty = md.treeprocessors["inline"], md.treeprocessors["smarty"]
    for text in ("plain words", "ក្រុមប្រឹក្សា", "a - b . c"):
        assert not inline.needed.search(text) and not smarty.needed.search(text)
    for text in ("a *b*", "a [b]", "a `b`", "a &amp;", "a <b", "a\\b", "a  \nb"):
        assert inline.needed.search(text), text
    for text in ("it's", 'a "b"', "a -- b", "a... b"):
        assert smarty.needed.search(text), text


def test_an_inline_pattern_the_table_does_not_know_stops_the_build():
    md = markdown.Markdown(extensions=EXTENSIONS)
    md.inlinePatterns.register(SimpleTextInlineProcessor(r"(%%)"), "percent", 5)
    with pytest.raises(RuntimeError, match="percent"):
        markup.quicken(md)


def test_glossary_text_takes_the_lessons_typography_and_is_not_read_as_markdown():
    assert markup.smart_text("ASEAN Foreign Ministers' Meeting") == "ASEAN Foreign Ministers&rsquo; Meeting"
    assert markup.smart_text('The "Know Your Rights" desk -- open...') == \
        "The &ldquo;Know Your Rights&rdquo; desk &ndash; open&hellip;"
    assert markup.smart_text("a *star* and <b> & [a](b)") == "a *star* and &lt;b&gt; &amp; [a](b)"


def test_the_quick_step_overrides_a_method_python_markdown_still_calls():
    """QuickInlineProcessor overrides InlineProcessor's private __handleInline; were it renamed in a Python-Markdown
    upgrade, the skip would silently stop (the output would stay right): it must exist and be what the step calls."""
    assert "_InlineProcessor__handleInline" in vars(markdown.treeprocessors.InlineProcessor)
    md = markdown.Markdown(extensions=EXTENSIONS)
    markup.quicken(md)
    seen = []
    step = md.treeprocessors["smarty"]
    original = step._InlineProcessor__handleInline
    step._InlineProcessor__handleInline = lambda data, index=0: seen.append(data) or original(data, index)
    md.convert("Plain words, and it's quoted.")
    assert seen, "Python-Markdown no longer calls __handleInline: QuickInlineProcessor skips nothing"
