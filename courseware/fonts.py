"""Fonts: subset the vendored Noto fonts to WOFF2 for the sites, and check that every glyph exists.

The trainee site must render Khmer, Burmese, Thai and Vietnamese on a phone that has none of these
fonts, from file:// with no network. So each site carries its own WOFF2 subsets of fonts/, cut with
fontTools (and compressed with brotli) to the characters its pages use, with every OpenType layout
feature kept: Khmer and Burmese need them to stack consonants and place vowel signs.
"""

from __future__ import annotations

import functools
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTFont

from .hooks import CacheHook

# Characters every subset keeps whatever the pages say: the dotted circle shapers insert before a
# stray combining mark, and the joiners and the zero-width space that segmentation inserts.
ALWAYS = {0x20, 0xA0, 0x200B, 0x200C, 0x200D, 0x25CC}
# Characters that never need a glyph: controls, and format characters a shaper consumes.
INVISIBLE_CATEGORIES = {"Cc", "Cf", "Zl", "Zp"}
TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class Face:
    family: str
    weight: int
    style: str  # normal | italic
    path: Path

    @property
    def woff2_name(self) -> str:
        return self.path.stem + ".woff2"


@functools.lru_cache(maxsize=None)
def faces(fonts_dir: Path) -> tuple[Face, ...]:
    """Every font in fonts/, with the family, weight and style its own tables declare."""
    out = []
    for path in sorted(fonts_dir.glob("*.[ot]tf")):
        font = TTFont(path, lazy=True)
        names = font["name"]
        family = str(names.getName(16, 3, 1, 0x409) or names.getName(1, 3, 1, 0x409))
        italic = bool(font["OS/2"].fsSelection & 1)
        out.append(Face(family, font["OS/2"].usWeightClass, "italic" if italic else "normal", path))
        font.close()
    return tuple(out)


@functools.lru_cache(maxsize=None)
def cmap(path: Path) -> frozenset[int]:
    font = TTFont(path, lazy=True)
    try:
        return frozenset(font.getBestCmap())
    finally:
        font.close()


def covered(fonts_dir: Path) -> frozenset[int]:
    """Every code point some vendored font has a glyph for."""
    out: set[int] = set()
    for face in faces(fonts_dir):
        out |= cmap(face.path)
    return frozenset(out)


def needs_glyph(char: str) -> bool:
    return unicodedata.category(char) not in INVISIBLE_CATEGORIES and char not in "\n\r\t"


def missing_glyphs(text: str, fonts_dir: Path) -> list[str]:
    """The characters of `text` that no vendored font can draw, in order of first appearance."""
    have = covered(fonts_dir)
    seen, out = set(), []
    for char in text:
        if char not in seen:
            seen.add(char)
            if ord(char) not in have and needs_glyph(char):
                out.append(char)
    return out


def describe(char: str) -> str:
    return f"U+{ord(char):04X} {unicodedata.name(char, 'unnamed')} ({char!r})"


# The cache hook: cutting subsets takes longer than rendering a whole course, so a build keeps them
# between builds by installing a cache for its duration (cache.session does it):
#
#     with fonts.caching(memo):    # memo.call(cut_woff2, path, codepoints) -> what cut_woff2 returns
#         ...                      # every subset_woff2 call in this context goes through memo
_CACHE = CacheHook("courseware.fonts.cache")


def installed_cache():
    """The function cache `caching()` installed for this build, or None."""
    return _CACHE.get()


def caching(cache):
    """Route every `subset_woff2` call in the current context through `cache` until the block ends."""
    return _CACHE.installed(cache)


def subset_woff2(path: Path, codepoints: frozenset[int]) -> bytes | None:
    """A WOFF2 subset of one font, or None when the pages use none of its characters (taken from the
    cache installed with `caching()`, if any)."""
    cache = _CACHE.get()
    if cache is None:
        return cut_woff2(path, codepoints)
    return cache.call(cut_woff2, path, codepoints)


def subset_sfnt(path: Path, codepoints: frozenset[int]) -> bytes | None:
    """A TrueType subset (not WOFF2, which many e-reader apps cannot read) for an EPUB book, or None when the
    book uses none of the font's characters; through the cache installed with `caching()`, if any."""
    cache = _CACHE.get()
    if cache is None:
        return cut_sfnt(path, codepoints)
    return cache.call(cut_sfnt, path, codepoints)


def cut_woff2(path: Path, codepoints: frozenset[int]) -> bytes | None:
    """Cut the subset (never cached between builds; see subset_woff2)."""
    return _cut(path, codepoints, "woff2")


def cut_sfnt(path: Path, codepoints: frozenset[int]) -> bytes | None:
    return _cut(path, codepoints, None)


# Every shaping feature and script (stacked consonants, marks, ligatures) and every name record (the copyright
# and licence notices the OFL requires) are kept: the sets of features, scripts and names are emptied, then
# inverted to "all".
KEEP_ALL = ("LAYOUT_FEATURE_TAG", "LAYOUT_SCRIPT_TAG", "NAME_ID", "NAME_LANG_ID")


@functools.lru_cache(maxsize=64)
def _cut(path: Path, codepoints: frozenset[int], flavor: str | None) -> bytes | None:
    """HarfBuzz's subsetter (hb-subset, through uharfbuzz) cuts the font, a hundred times faster than fontTools'
    (a second a font): the same glyphs, features and names; fontTools compresses it to WOFF2."""
    import uharfbuzz as hb
    from fontTools.ttLib import woff2
    wanted = set(codepoints) & cmap(path)
    if not wanted - ALWAYS:
        return None
    spec = hb.SubsetInput()
    spec.sets(hb.SubsetInputSets.UNICODE).update(sorted(wanted | (ALWAYS & cmap(path))))
    for name in KEEP_ALL:
        kept = spec.sets(getattr(hb.SubsetInputSets, name))
        kept.clear()
        kept.invert()
    spec.flags = hb.SubsetFlags.NO_HINTING | hb.SubsetFlags.DESUBROUTINIZE | hb.SubsetFlags.NOTDEF_OUTLINE
    cut = hb.subset(hb.Face(hb.Blob.from_file_path(str(path))), spec)
    if cut is None:
        raise ValueError(f"HarfBuzz could not subset {path.name}")
    sfnt = cut.blob.data
    if flavor is None:
        return sfnt
    out = io.BytesIO()
    woff2.compress(io.BytesIO(sfnt), out)  # keeps head.modified: builds must be byte-identical
    return out.getvalue()


def site_fonts(texts, fonts_dir: Path, folder: str = "assets/fonts") -> dict[str, bytes]:
    """WOFF2 subsets covering `texts` (the site's pages and scripts) and the @font-face rules that load them."""
    chars: set[str] = set()
    for text in texts:
        chars |= set(text)
    codepoints = with_decompositions(chars)
    files: dict[str, bytes] = {}
    rules = ["/* Generated by courseware/fonts.py: subsets of the vendored Noto fonts (SIL OFL 1.1, see OFL.txt). */"]
    all_faces = faces(fonts_dir)
    first = all_faces[0].family if all_faces else ""
    primary = set().union(*(cmap(f.path) for f in all_faces if f.family == first)) if all_faces else set()
    for face in all_faces:
        # A script font is needed only for characters the first family (Noto Sans) cannot draw.
        if face.family != first and not (codepoints & cmap(face.path)) - primary - ALWAYS:
            continue
        data = subset_woff2(face.path, frozenset(codepoints))
        if data is None:
            continue
        files[f"{folder}/{face.woff2_name}"] = data
        # A script font says which characters it is for, so that a browser downloads it only for a page that
        # has them: without it, bold text with a symbol such as "✗" fetches every bold script font in the
        # fallback list to look for the glyph.
        # Characters the first family draws (Latin punctuation, spaces) are drawn by it, so they are left out.
        scope = ("" if face.family == first else
                 f"unicode-range:{unicode_range((codepoints & cmap(face.path)) - primary)};")
        rules.append(f'@font-face{{font-family:"{face.family}";font-weight:{face.weight};'
                     f'font-style:{face.style};font-display:swap;{scope}'
                     f'src:url("{face.woff2_name}") format("woff2")}}')
    licence = fonts_dir / "OFL.txt"
    if files and licence.is_file():
        files[f"{folder}/OFL.txt"] = licence.read_bytes()
    files[f"{folder}/fonts.css"] = ("\n".join(rules) + "\n").encode("utf-8")
    return files


def with_decompositions(chars) -> set[int]:
    """The code points of `chars` and of their canonical and compatibility decompositions.

    A text shaper may draw a character through its decomposition: HarfBuzz draws Thai SARA AM (U+0E33,
    in ทำ, คำ, สำหรับ) as NIKHAHIT + SARA AA (U+0E4D U+0E32), and a precomposed Vietnamese letter as its
    base and combining marks when the font lacks it. A subset without those pieces shows empty boxes, or
    a system font inside a word."""
    out = {ord(c) for c in chars}
    for c in chars:
        for form in ("NFD", "NFKD"):
            out |= {ord(d) for d in unicodedata.normalize(form, c)}
    return out


def unicode_range(codepoints) -> str:
    """CSS unicode-range for a set of code points: U+1780-17DD,U+25CC."""
    spans: list[list[int]] = []
    for cp in sorted(codepoints):
        if spans and cp == spans[-1][1] + 1:
            spans[-1][1] = cp
        else:
            spans.append([cp, cp])
    return ",".join(f"U+{a:X}" if a == b else f"U+{a:X}-{b:X}" for a, b in spans)


# --- The glyph check: no empty boxes in any PDF ---------------------------------------------------

def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def check_pdf(data: bytes, fonts_dir: Path) -> list[str]:
    """Problems with the fonts of one PDF: text drawn with a font that is not vendored (a system fallback,
    because no vendored font has the glyph), or characters drawn with a font whose cmap lacks them.

    Each embedded font's ToUnicode map lists every glyph the PDF draws with it and the text it stands
    for, so checking those characters against the cmap of the vendored font checks the PDF's text
    against the fonts it uses, without extracting the text page by page. (pikepdf reads a 300-page
    guide in well under a second, where a pure-Python parser takes minutes.)"""
    import pikepdf

    families: dict[str, set[int]] = {}
    for face in faces(fonts_dir):
        families.setdefault(_key(face.family), set()).update(cmap(face.path))
    problems: dict[str, None] = {}
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for font in _fonts(pdf):
            base = str(font.get("/BaseFont", "")).lstrip("/").split("+", 1)[-1]
            family = max((f for f in families if _key(base).startswith(f)), key=len, default=None)
            drawn = _to_unicode(font)
            if family is None:
                problems[f"text is drawn with {base}, a font that is not in fonts/ (a system fallback: no "
                         f"vendored font has {_sample(drawn)})"] = None
                continue
            lacking = sorted(c for c in drawn if needs_glyph(c) and not c.isspace() and ord(c) not in families[family])
            for char in lacking[:8]:
                problems[f"{describe(char)} has no glyph in {base} (it would print as an empty box)"] = None
    return list(problems)


def _sample(chars: set[str]) -> str:
    shown = [describe(c) for c in sorted(chars) if needs_glyph(c) and not c.isspace()][:4]
    return ", ".join(shown) or "these characters"


def _fonts(pdf) -> list:
    """Every font dictionary the pages (and their form XObjects) use, each once."""
    seen, out, stack = set(), [], [page.obj.get("/Resources") for page in pdf.pages]
    while stack:
        resources = stack.pop()
        if resources is None:
            continue
        if resources.is_indirect:
            if resources.objgen in seen:
                continue
            seen.add(resources.objgen)
        for font in (resources.get("/Font") or {}).values():
            key = font.objgen if font.is_indirect else id(font)
            if key not in seen:
                seen.add(key)
                out.append(font)
        for xobject in (resources.get("/XObject") or {}).values():
            if xobject.get("/Subtype") == "/Form" and "/Resources" in xobject:
                stack.append(xobject.get("/Resources"))
    return out


HEX = re.compile(rb"<([0-9A-Fa-f]*)>")
BFCHAR = re.compile(rb"<([0-9A-Fa-f]*)>\s*<([0-9A-Fa-f]*)>")


def _to_unicode(font) -> set[str]:
    """Every character a font's ToUnicode CMap maps its glyphs to."""
    stream = font.get("/ToUnicode")
    if stream is None:
        return set()
    text = bytes(stream.read_bytes())
    chars: set[str] = set()

    def decode(hexdigits: bytes) -> str:
        raw = bytes.fromhex(hexdigits.decode("ascii"))
        return raw.decode("utf-16-be", "replace")

    for block in re.findall(rb"beginbfchar(.*?)endbfchar", text, re.S):
        for _src, dst in BFCHAR.findall(block):  # <glyph> <text>; the text may be empty, or a whole cluster
            chars.update(decode(dst))
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", text, re.S):
        for line in block.strip().splitlines():
            values = HEX.findall(line)
            if len(values) == 3 and b"[" not in line:
                lo, hi, dst = (int(v, 16) for v in values)
                start = decode(values[2])
                base = ord(start[-1]) if start else 0
                chars.update(start[:-1] + chr(base + k) for k in range(0, hi - lo + 1)) if start else None
            else:
                for dst in values[2:]:
                    chars.update(decode(dst))
    return {c for item in chars for c in item}


def text_of_html(document: str) -> str:
    """The text an HTML document shows (tags and scripts dropped, entities decoded)."""
    import html as html_lib
    document = re.sub(r"<(script|style|head)\b.*?</\1\s*>", " ", document, flags=re.S | re.I)
    return html_lib.unescape(TAG.sub(" ", document))
