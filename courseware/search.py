"""The search index: plain text of every trainee lesson, segmented into words at build time, written as a
classic script so that the search page works from file:// (fetch(), workers and ES modules do not)."""

from __future__ import annotations

import html
import json
import re

BLOCK_TAGS = re.compile(r"</?(?:p|li|ol|ul|dl|dt|dd|h[1-6]|div|section|aside|header|footer|article|table|tr|td|th|"
                        r"caption|blockquote|pre|figure|figcaption|br|hr|img)\b[^>]*>", re.I)
TAGS = re.compile(r"<[^>]+>")  # inline tags: removed without a space, so "(<a>ASEAN</a>)" reads "(ASEAN)"
SPACE = re.compile(r"\s+")
DROP = re.compile(r"<(script|style)\b.*?</\1>", re.S)

# Languages written without spaces between words: their text needs a dictionary-based word segmenter.
UNSPACED = frozenset({"th", "km", "my", "lo", "zh", "ja", "bo"})


def plain_text(fragment: str) -> str:
    """The readable text of an HTML fragment, on one line (scripts such as quiz data dropped)."""
    return SPACE.sub(" ", html.unescape(TAGS.sub("", BLOCK_TAGS.sub(" ", DROP.sub(" ", fragment))))).strip()


def segment(text: str, lang: str) -> list[str]:
    """Split `text` into words for the search index.

    Languages written with spaces (en, vi, ...) split on whitespace. Languages written without spaces
    (th, km, my, ...) are split by ICU's dictionary-based word break iterator when PyICU is installed;
    without it they fall back to whitespace, which still finds whole phrases by substring.
    """
    base = lang.lower().replace("_", "-").split("-")[0]
    if base in UNSPACED:
        try:
            import icu  # PyICU; the languages stage makes it a dependency
        except ImportError:
            icu = None
        if icu is not None:
            return _icu_words(icu, text, base)
    return text.split()


def _icu_words(icu, text: str, lang: str) -> list[str]:
    breaker = icu.BreakIterator.createWordInstance(icu.Locale(lang))
    breaker.setText(text)
    words, start = [], breaker.first()
    for end in breaker:
        word = text[start:end].strip()
        if word and any(ch.isalnum() for ch in word):
            words.append(word)
        start = end
    return words


def index_entry(url: str, title: str, module: str, fragment: str, lang: str) -> dict:
    """One page of the index: `text` keeps the original wording for snippets; for languages written
    without spaces, `words` holds the same text segmented into space-separated words for matching."""
    text = plain_text(fragment)
    entry = {"url": url, "title": title, "module": module, "text": text}
    if lang.lower().split("-")[0] in UNSPACED:
        entry["words"] = " ".join(segment(text, lang))
    return entry


def index_script(entries: list[dict], lang: str = "en") -> bytes:
    """entries: [{url, title, module, text[, words]}] with urls relative to the site root."""
    data = json.dumps({"lang": lang, "pages": entries}, ensure_ascii=False, separators=(",", ":"),
                      sort_keys=True)
    return ("window.SEARCH_INDEX = " + data.replace("</", "<\\/") + ";\n").encode("utf-8")
