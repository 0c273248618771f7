"""The search index: plain text of every trainee lesson, module overview and glossary entry, segmented into
words at build time, written as a classic script so that the search page works from file:// (fetch(),
workers and ES modules do not). On a translated site, the overviews and the glossary are what a reader
can find with words of their own language while the lessons are still in English."""

from __future__ import annotations

import html
import json
import re

from . import segment

BLOCK_TAGS = re.compile(r"</?(?:p|li|ol|ul|dl|dt|dd|h[1-6]|div|section|aside|header|footer|article|table|tr|td|th|"
                        r"caption|blockquote|pre|figure|figcaption|br|hr|img)\b[^>]*>", re.I)
TAGS = re.compile(r"<[^>]+>")  # inline tags: removed without a space, so "(<a>ASEAN</a>)" reads "(ASEAN)"
SPACE = re.compile(r"\s+")
DROP = re.compile(r"<(script|style)\b.*?</\1>", re.S)
# A heading that ends without punctuation would run into the paragraph after it in a snippet ("… labour When
# ASEAN …"): it is closed with a middle dot, which reads the same in every script.
HEADING_CLOSE = re.compile(r"</h[1-6]>", re.I)
STOPS = ".?!:;।។။"


def _close_heading(m: re.Match) -> str:
    r"""` ·</hN>` unless the heading ends with a stop. (The same as substituting
    `(?<![.?!:;।។။])(\s*)(</h[1-6]>)` by `\1 ·\2`, which tried a match at every character of the page.)"""
    text, end = m.string, m.start()
    start = end
    while start and text[start - 1].isspace():
        start -= 1
    if start == end and start and text[start - 1] in STOPS:
        return m.group(0)
    return " ·" + m.group(0)

# Languages written without spaces between words: their text needs a dictionary-based word segmenter.
UNSPACED = frozenset({"th", "km", "my", "lo", "zh", "ja", "bo"})


def plain_text(fragment: str) -> str:
    """The readable text of an HTML fragment, on one line (scripts such as quiz data dropped)."""
    fragment = HEADING_CLOSE.sub(_close_heading, DROP.sub(" ", fragment))
    return SPACE.sub(" ", html.unescape(TAGS.sub("", BLOCK_TAGS.sub(" ", fragment)))).strip()


def index_entry(url: str, title: str, module: str, fragment: str, lang: str, text_lang: str | None = None) -> dict:
    """One page of the index: `text` keeps the original wording for snippets; for languages written
    without spaces, `words` holds the same text split into words by `segment.words` (ICU's dictionaries,
    as print uses), joined by spaces, for matching whole words."""
    text = plain_text(fragment)
    entry = {"url": url, "title": title, "module": module, "text": text}
    if text_lang and text_lang != lang:  # English shown on a translated site: the results mark it so
        entry["lang"] = text_lang
    base = lang.lower().replace("_", "-").split("-")[0]
    if base in UNSPACED:
        entry["words"] = segment.segment(text, base)
    return entry


def index_script(entries: list[dict], lang: str = "en") -> bytes:
    """entries: [{url, title, module, text[, words]}] with urls relative to the site root."""
    data = json.dumps({"lang": lang, "pages": entries}, ensure_ascii=False, separators=(",", ":"),
                      sort_keys=True)
    return ("window.SEARCH_INDEX = " + data.replace("</", "<\\/") + ";\n").encode("utf-8")
