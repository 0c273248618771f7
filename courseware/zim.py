"""Kiwix ZIM files: each language's trainee site in one file, with a title index and a full-text index.

The Kiwix apps (Android, desktop, and kiwix-serve on the hotspots schools and NGOs use) open a ZIM file as
one book, search it with the Xapian index inside it, and pass it on by USB, SD card or Bluetooth. The ZIM
holds the trainee pages the build made, as they are (nothing is rendered again), less the language links,
since a ZIM holds one language. Their JavaScript runs in Kiwix as on the offline site: quizzes, the progress
record (localStorage) and the site's own search page.

Xapian (inside libzim) splits words at spaces and punctuation, so Khmer, Burmese and Thai, written without
spaces, would be indexed as whole phrases that no search matches. Each page is therefore indexed from a copy
of its text split into words by ICU (segment.py, as the site's own search index): a word a reader types is
a term of the index.

libzim writes a random UUID into the ZIM header and into each of its two Xapian databases, and an MD5 of
the whole file at its end. `deterministic` replaces the UUIDs with ones derived from the content and
computes the checksum again, so that two builds of the same course give byte-identical files.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import os
import posixpath
import re
import struct
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from libzim.writer import Creator, Hint, IndexData, Item, StringProvider

from . import languages, search, segment

SHARE = languages.SHARE
# ISO 639-3 codes, which the Kiwix library expects in the Language metadata.
ISO_639_3 = {"en": "eng", "km": "khm", "my": "mya", "th": "tha", "vi": "vie", "lo": "lao"}
MIMETYPES = {".html": "text/html", ".css": "text/css", ".js": "application/javascript", ".json": "application/json",
             ".txt": "text/plain", ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg",
             ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp", ".woff2": "font/woff2",
             ".pdf": "application/pdf"}
COMPRESSED = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".woff2", ".pdf"}  # zstd would gain nothing
JOINED = 4  # the longest run of words typed without spaces that Kiwix's search finds (see words_of)
NOT_INDEXED = {"search.html", "progress.html"}  # pages with no text of their own
# The Kiwix library's limits, in grapheme clusters (what a reader sees as one character).
TITLE_MAX, DESCRIPTION_MAX, LONG_DESCRIPTION_MAX = 30, 80, 4000
TITLE = re.compile(r"<title>(.*?)</title>", re.S)
MAIN = re.compile(r"<main\b[^>]*>(.*)</main>", re.S)
GLASS_MAGIC = b"\x0f\x0dXapian Glass"  # the version file of a Xapian database: magic, 2-byte version, UUID
ILLUSTRATION = "zim/illustration-48.png"  # under templates/


@dataclass(frozen=True)
class Entry:
    path: str  # inside the ZIM, relative to the language's site root
    data: bytes
    title: str = ""
    index_title: str = ""  # what Xapian indexes: the title, and the page's text, split into words
    index_text: str = ""
    words: int = 0

    @property
    def mimetype(self) -> str:
        return MIMETYPES.get(posixpath.splitext(self.path)[1].lower(), "application/octet-stream")

    @property
    def is_page(self) -> bool:
        return self.path.endswith(".html")


def file_name(course, lang: str) -> str:
    """advocacy-with-asean_km.zim: the English title's slug, as share/'s other files."""
    from .package import slug
    return f"{slug(course.title) or 'course'}_{lang}.zim"


def zims(versions: dict, files: dict[str, bytes], templates: Path, only: str | None = None) -> dict[str, bytes]:
    """share/<course>_<lang>.zim for every language (or `only` that one): its trainee site, from the built
    `files`."""
    english = versions[languages.SOURCE][0]
    illustration = (templates / ILLUSTRATION).read_bytes()
    out = {}
    for lang, (course, _) in versions.items():
        if only not in (None, lang):
            continue
        site = languages.language_site(files, lang, course.languages)
        entries = [entry(path, data, course, lang) for path, data in sorted(site.items())]
        pictures = any(e.mimetype.startswith("image/") for e in entries)
        out[f"{SHARE}/{file_name(english, lang)}"] = write_zim(entries, metadata(course, english, lang, pictures),
                                                               illustration, lang)
    return out


def entry(path: str, data: bytes, course, lang: str) -> Entry:
    """A file of the site as a ZIM entry; a page without its language links, with its title and the text
    Xapian indexes."""
    if not path.endswith(".html"):
        return Entry(path, data)
    page = languages.without_switcher(data.decode("utf-8"))
    title = page_title(page, course.title)
    text = ""
    if path not in NOT_INDEXED:
        main = MAIN.search(page)
        text = search.plain_text(main.group(1) if main else page)
    count = len(segment.words(text, lang) if segment.UNSPACED.search(text) else text.split())
    return Entry(path, page.encode("utf-8"), title, words_of(title, lang), words_of(text, lang), count)


def page_title(page: str, course_title: str) -> str:
    """The page's <title> without the course's name after it (the course title for the home page)."""
    m = TITLE.search(page)
    title = html.unescape(m.group(1)).strip() if m else ""
    suffix = f" · {course_title}"
    if title.endswith(suffix) and title != suffix:
        title = title[:-len(suffix)]
    return title or course_title


def words_of(text: str, lang: str) -> str:
    """Text as Xapian should index it. Runs of Khmer, Burmese or Thai (in any page: a term of one script can
    sit in another language's text) become their words, split by ICU and separated by spaces, then every
    sequence of two to JOINED words written together again. Kiwix passes what a reader types to Xapian as it
    is, and a reader types several words without spaces ("แรงงานข้ามชาติ", migrant workers: three words for
    ICU), or a name ICU cuts into syllables ("အာဆီယံ", ASEAN): each is then a term of the index."""
    if not segment.UNSPACED.search(text):
        return text
    base = lang.split("-")[0]

    def terms(m: re.Match) -> str:
        run = m.group(0)
        words = segment.words(run, segment.lang_of_run(run, base))
        joined = ["".join(words[i:i + n]) for n in range(2, JOINED + 1) for i in range(len(words) - n + 1)]
        return " " + " ".join(words + joined) + " "

    return re.sub(r" {2,}", " ", segment.UNSPACED.sub(terms, text)).strip()


# --- Metadata ------------------------------------------------------------------------------------

def graphemes(text: str) -> int:
    """How many characters a reader sees (grapheme clusters, as the Kiwix library counts them)."""
    import icu
    it = icu.BreakIterator.createCharacterInstance(icu.Locale.getRoot())
    it.setText(text)
    return sum(1 for _ in it)


def fit(text: str, limit: int, *fallbacks: str) -> str:
    """The first of `text` and `fallbacks` within `limit` graphemes, or the last one cut at a word."""
    for candidate in (text, *fallbacks):
        if candidate and graphemes(candidate) <= limit:
            return candidate
    words, out = (fallbacks[-1] if fallbacks else text).split(), ""
    for word in words:
        if graphemes(f"{out} {word}".strip() + "…") > limit:
            break
        out = f"{out} {word}".strip()
    return out + "…"


def metadata(course, english, lang: str, pictures: bool = False) -> dict[str, str]:
    """The metadata the Kiwix library shows and checks: in the book's language where it fits the limits."""
    from . import i18n
    _ = i18n.gettext_for(lang)
    title = fit(course.title, TITLE_MAX, english.title)
    description = fit(course.subtitle or course.title, DESCRIPTION_MAX, english.subtitle or english.title)
    modules = "; ".join(f"{m.number}. {m.title}" for m in course.modules)
    long_description = fit(f"{course.subtitle or course.title}. " + _("Modules") + f": {modules}.", LONG_DESCRIPTION_MAX)
    tags = ["_category:other", "_ftindex:yes", f"_pictures:{'yes' if pictures else 'no'}", "_videos:no",
            "_details:yes", "course", "training"]
    return {
        "Name": file_name(english, lang).removesuffix(".zim"),
        "Title": title,
        "Description": description,
        "LongDescription": long_description if long_description != description else "",
        "Language": ISO_639_3.get(lang, lang),
        "Creator": course.publisher,
        "Publisher": course.publisher,
        "Date": course.release_date.isoformat(),
        "Tags": ";".join(tags),
        "Flavour": "trainee",
        "Scraper": "courseware (build.py, python-libzim)",
    }


# --- Writing --------------------------------------------------------------------------------------

def write_zim(entries: list[Entry], meta: dict[str, str], illustration: bytes, lang: str) -> bytes:
    """The ZIM file's bytes, byte-identical for identical input."""
    with tempfile.TemporaryDirectory(prefix="zim-") as tmp:
        target = Path(tmp) / "book.zim"
        creator = Creator(str(target)).config_indexing(True, ISO_639_3.get(lang, lang))
        creator.config_clustersize(2048 * 1024)
        # One worker: with several, pages reach the Xapian index in the order the threads finish, and the
        # index (so the file) differs from one build to the next.
        creator.config_nbworkers(1)
        with _quiet(), creator:
            creator.set_mainpath("index.html")
            for name, value in meta.items():
                if value:
                    creator.add_metadata(name, value)
            creator.add_illustration(48, illustration)
            for e in entries:
                creator.add_item(_Item(e, {Hint.FRONT_ARTICLE: e.is_page,
                                           Hint.COMPRESS: posixpath.splitext(e.path)[1].lower() not in COMPRESSED}))
        return deterministic(target.read_bytes())


class _Item(Item):
    """An entry as libzim asks for it."""

    def __init__(self, e: Entry, hints: dict):
        super().__init__()
        self.e, self.hints = e, hints

    def get_path(self):
        return self.e.path

    def get_title(self):
        return self.e.title

    def get_mimetype(self):
        return self.e.mimetype

    def get_contentprovider(self):
        return StringProvider(self.e.data)

    def get_hints(self):
        return self.hints

    def get_indexdata(self):
        return _Index(self.e) if self.e.is_page else None


class _Index(IndexData):
    """What Xapian indexes for a page: its words (split by ICU), not its HTML."""

    def __init__(self, e: Entry):
        super().__init__()
        self.e = e

    def has_indexdata(self):
        return bool(self.e.index_text)

    def get_title(self):
        return self.e.index_title

    def get_content(self):
        return self.e.index_text

    def get_keywords(self):
        return ""

    def get_wordcount(self):
        return self.e.words

    def get_geoposition(self):
        return None


@contextlib.contextmanager
def _quiet():
    """Send what libzim prints on standard output ("Index titles", "ZIM file is ready!") to /dev/null."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def deterministic(data: bytes) -> bytes:
    """The ZIM with its random UUIDs (the header's, each Xapian database's) derived from its content, and its
    MD5 checksum computed again."""
    buf = bytearray(data)
    checksum_at = struct.unpack_from("<Q", buf, 72)[0]  # the header's checksumPos: the last 16 bytes
    if checksum_at + 16 != len(buf):
        raise ValueError("unexpected ZIM layout: the checksum is not at the end")
    glass = [m.start() + len(GLASS_MAGIC) + 2 for m in re.finditer(re.escape(GLASS_MAGIC), bytes(buf))]
    uuids = [8] + glass
    for at in uuids:
        buf[at:at + 16] = bytes(16)
    digest = hashlib.sha256(bytes(buf[:checksum_at])).digest()
    for n, at in enumerate(uuids):
        buf[at:at + 16] = hashlib.sha256(digest + n.to_bytes(2, "big")).digest()[:16]
    buf[checksum_at:] = hashlib.md5(bytes(buf[:checksum_at])).digest()
    return bytes(buf)


def readers_summary(files: dict[str, bytes]) -> list[str]:
    """A line for the terminal: the ZIM files and EPUB books of share/, how many and the largest."""
    parts = []
    for ext, what in ((".zim", "ZIM file"), (".epub", "EPUB book")):
        made = {name: len(data) for name, data in files.items() if name.startswith(SHARE + "/") and name.endswith(ext)}
        if made:
            largest = max(made, key=lambda name: (made[name], name))
            parts.append(f"{len(made)} {what}{'s' * (len(made) != 1)}, largest {made[largest] / 1024:.0f} KB "
                         f"({largest[len(SHARE) + 1:]})")
    return ["Kiwix and e-readers: " + "; ".join(parts)] if parts else []
