"""The search index: plain text of every trainee page, written as a classic script for file://."""

from __future__ import annotations

import html
import json
import re

TAGS = re.compile(r"<[^>]+>")
SPACE = re.compile(r"\s+")
DROP = re.compile(r"<(script|style)\b.*?</\1>", re.S)


def plain_text(fragment: str) -> str:
    return SPACE.sub(" ", html.unescape(TAGS.sub(" ", DROP.sub(" ", fragment)))).strip()


def index_script(entries: list[dict]) -> bytes:
    """entries: [{url, title, text}] with urls relative to the site root."""
    data = json.dumps({"pages": entries}, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return ("window.SEARCH_INDEX = " + data.replace("</", "<\\/") + ";\n").encode("utf-8")
