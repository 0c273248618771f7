"""Word segmentation with ICU: words for the search index, break opportunities for print.

Khmer, Burmese and Thai are written without spaces between words. Chromium finds the line breaks
itself, but WeasyPrint (through Pango) lets long Khmer and Burmese runs overflow the column (issue 6),
so before layout we insert a zero-width space (U+200B) at every word boundary ICU finds. The same
ICU word iterator splits text into words for the search index, so search and print agree.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import icu

ZWSP = "\u200b"
# Scripts written without spaces, whose runs we segment: Thai, Lao, Myanmar (with its extensions), Khmer.
UNSPACED = re.compile(r"[\u0e00-\u0eff\u1000-\u109f\uaa60-\uaa7f\ua9e0-\ua9ff\u1780-\u17ff\u19e0-\u19ff]+")
# Where print needs the help: Pango breaks Thai with libthai, but not Khmer or Burmese.
PRINT_BREAK_SCRIPTS = re.compile(r"[\u1000-\u109f\uaa60-\uaa7f\ua9e0-\ua9ff\u1780-\u17ff\u19e0-\u19ff]+")
SCRIPT_LANG = (("\u1780", "\u17ff", "km"), ("\u19e0", "\u19ff", "km"), ("\u1000", "\u109f", "my"),
               ("\uaa60", "\uaa7f", "my"), ("\ua9e0", "\ua9ff", "my"), ("\u0e00", "\u0e7f", "th"),
               ("\u0e80", "\u0eff", "lo"))
TAG_OR_TEXT = re.compile(r"(<!--.*?-->|<(script|style|title|head)\b.*?</\2\s*>|<[^>]*>)", re.S | re.I)


@functools.lru_cache(maxsize=None)
def _iterator(lang: str):
    return icu.BreakIterator.createWordInstance(icu.Locale(lang or "en"))


def _boundaries(text: str, lang: str) -> list[int]:
    """Word boundaries of `text` as Python string offsets (ICU counts UTF-16 units)."""
    it = _iterator(lang)
    it.setText(text)
    units = [0] + list(it)
    if all(ord(c) < 0x10000 for c in text):
        return units
    # Map UTF-16 offsets back to code point offsets for text outside the BMP (emoji, rare symbols).
    mapping, unit = {}, 0
    for index, char in enumerate(text):
        mapping[unit] = index
        unit += 2 if ord(char) >= 0x10000 else 1
    mapping[unit] = len(text)
    return [mapping[u] for u in units if u in mapping]


def lang_of_run(run: str, default: str) -> str:
    """The language whose dictionary segments a run of unspaced script."""
    first = run[0]
    for low, high, lang in SCRIPT_LANG:
        if low <= first <= high:
            return lang
    return default


def words(text: str, lang: str = "en") -> list[str]:
    """Split text into words (no spaces or punctuation), with ICU's dictionary for Thai, Khmer, Burmese.

    The one word splitter of the builder: the search index (search.py) uses it too."""
    bounds = _boundaries(text, lang)
    out = []
    for start, end in zip(bounds, bounds[1:]):
        piece = text[start:end]
        # A word has a letter or digit, or a combining mark (a vowel sign that ICU left on its own);
        # spaces and punctuation (the Khmer khan "។", the Burmese section mark "။") are not words.
        if any(c.isalnum() or unicodedata.category(c).startswith("M") for c in piece):
            out.append(piece)
    return out


def segment(text: str, lang: str = "en", separator: str = " ") -> str:
    """Text with its words separated by `separator`: what the search index stores and matches."""
    return separator.join(words(text, lang))


# Khmer and Burmese punctuation that ends a phrase or a sentence (khan, bariyoosan, colon, lek too; the Burmese
# little and full section marks): it stays on the line of the word before it, never starting the next line.
CLOSING_MARKS = frozenset("\u17d4\u17d5\u17d6\u17d7\u104a\u104b")


def break_runs(text: str, lang: str = "en", pattern: re.Pattern = PRINT_BREAK_SCRIPTS) -> str:
    """Insert U+200B at each word boundary inside runs of Khmer and Burmese (never inside a cluster, and never
    before a closing punctuation mark)."""
    def one(m: re.Match) -> str:
        run = m.group(0)
        bounds = _boundaries(run, lang_of_run(run, lang))
        out = []
        for piece in (run[a:b] for a, b in zip(bounds, bounds[1:])):
            if out and piece and piece[0] not in CLOSING_MARKS:
                out.append(ZWSP)
            out.append(piece)
        return "".join(out)

    return pattern.sub(one, text)


def break_html(document: str, lang: str = "en") -> str:
    """Insert break opportunities into the text of an HTML document; tags, attributes, scripts untouched."""
    parts = TAG_OR_TEXT.split(document)
    out, i = [], 0
    while i < len(parts):
        chunk = parts[i]
        if i % 3 == 0:  # text between tags
            out.append(break_runs(chunk, lang) if PRINT_BREAK_SCRIPTS.search(chunk) else chunk)
            i += 1
        else:  # a tag (group 1) followed by the captured element name (group 2), which we skip
            out.append(chunk)
            i += 2
    return "".join(out)


def strip_breaks(text: str) -> str:
    """The text without the break opportunities we inserted (for comparing extracted PDF text)."""
    return text.replace(ZWSP, "")




# --- Print: the real text of each line, for copy, search and screen readers ---------------------------

def install_actual_text() -> None:
    """Make WeasyPrint mark each line of Khmer, Burmese or Thai text with its real text (/ActualText).

    WeasyPrint's ToUnicode map gives each glyph one text, so a glyph that appears in two different
    clusters (a Khmer consonant with and without a vowel sign, Thai sara am drawn as two glyphs, Burmese
    medials) is extracted, copied and read aloud as the text of the first cluster it was drawn in. An
    /ActualText span around the line tells PDF readers the exact text instead (issue 6). Idempotent;
    call it before PDFs are laid out (worker processes forked afterwards inherit it)."""
    import pydyf
    from weasyprint.draw import text as draw_text_module

    original = draw_text_module.draw_first_line
    if getattr(original, "_actual_text", False):
        return

    def draw_first_line(stream, textbox, *args, **kwargs):
        text = getattr(textbox, "text", "") or ""
        if not UNSPACED.search(text):
            return original(stream, textbox, *args, **kwargs)
        actual = pydyf.Dictionary({"ActualText": pydyf.String(strip_breaks(text))})
        stream.begin_marked_content("Span", actual)
        try:
            return original(stream, textbox, *args, **kwargs)
        finally:
            stream.end_marked_content()

    draw_first_line._actual_text = True
    draw_text_module.draw_first_line = draw_first_line
