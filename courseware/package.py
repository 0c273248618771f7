"""Package stage: what a trainee can be sent. A zip of the trainee site, one self-contained HTML file per
module, and the page-weight report that keeps lesson pages light enough for a cheap phone."""

from __future__ import annotations

import base64
import datetime as dt
import io
import posixpath
import re
import statistics
import zipfile
from dataclasses import dataclass
from pathlib import Path

from . import fonts
from .model import Course
from .pages import lesson_path
from .render_html import SiteRenderer

# A lesson page, with its stylesheet and script, but without fonts and images, counted in characters: in
# UTF-8 a Khmer, Burmese or Thai letter takes three bytes where an English one takes one, but what a phone
# parses and lays out, and what a page costs once zipped or sent (compressed), goes with the characters. For
# English, characters and bytes are the same figure.
BUDGET = 60 * 1024
SITE = "html"  # the trainee site's folder in output/
SHARE = "share"
LINKED = re.compile(r"""<(?:link\b[^>]*\brel="stylesheet"[^>]*\bhref|script\b[^>]*\bsrc)="([^"]+)\"""")
NOT_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class PageWeight:
    path: str  # relative to the site root
    html: int  # bytes
    css: int
    js: int
    chars: int = 0  # characters of the three together: what the budget counts

    @property
    def total(self) -> int:
        return self.html + self.css + self.js

    @property
    def weight(self) -> int:
        return self.chars or self.total


@dataclass(frozen=True)
class WeightReport:
    lessons: tuple[PageWeight, ...]  # heaviest first
    bundle_bytes: int
    bundle_files: int
    zip_name: str | None = None
    zip_bytes: int | None = None
    module_files: tuple[tuple[str, int], ...] = ()
    budget: int = BUDGET

    @property
    def over_budget(self) -> list[PageWeight]:
        return [p for p in self.lessons if p.weight > self.budget]

    def summary(self) -> list[str]:
        """A few lines for the terminal."""
        lines = []
        if self.lessons:
            heaviest = self.lessons[0]
            median = statistics.median(p.weight for p in self.lessons)
            lines.append(f"lesson pages: {len(self.lessons)}, median {_kc(median)}, heaviest {_kc(heaviest.weight)} "
                         f"({heaviest.path}, {_kb(heaviest.total)}); budget {_kc(self.budget)}, "
                         f"{len(self.over_budget)} over")
        bundle = f"trainee site: {_mb(self.bundle_bytes)} in {self.bundle_files} files"
        if self.zip_name:
            bundle += f"; {SHARE}/{self.zip_name} {_mb(self.zip_bytes or 0)}"
        lines.append(bundle)
        if self.module_files:
            largest = max(self.module_files, key=lambda m: m[1])
            lines.append(f"single-file modules: {len(self.module_files)}, largest {_kb(largest[1])} ({largest[0]})")
        return lines

    def text(self) -> str:
        """The full report, one line per lesson page, as written to output/page-weight.txt."""
        out = ["Page weight of the trainee site: HTML, CSS and JS of each lesson page, without fonts and images.",
               f"Budget: {_kc(self.budget)} per lesson page, counted in characters (a Khmer, Burmese or Thai letter "
               "is three bytes in UTF-8 and one character).", "",
               f"{'total':>9} {'html':>9} {'css':>9} {'js':>9} {'characters':>13}  page"]
        for p in self.lessons:
            flag = "  OVER BUDGET" if p.weight > self.budget else ""
            out.append(f"{_kb(p.total):>9} {_kb(p.html):>9} {_kb(p.css):>9} {_kb(p.js):>9} {_kc(p.weight):>13}  "
                       f"{p.path}{flag}")
        out += ["", *self.summary()]
        if self.module_files:
            out += ["", "Single-file modules (everything inlined):"]
            out += [f"{_kb(size):>9}  {SHARE}/{name}" for name, size in self.module_files]
        return "\n".join(out) + "\n"


def package(course: Course, templates: Path, files: dict[str, bytes], report, *, share: bool,
            versions: dict | None = None) -> tuple[dict, WeightReport]:
    """Files to add to the output (the zip, the single-file modules, the report) and the weight report.

    `versions` ({lang: (course in lang, translation report)}, see languages.translate_all) adds each module
    file in every other language, named like the PDFs: 01-asean-context.km.html.

    `files` maps output paths to bytes and holds the trainee site under html/. With `share` false (a
    partial build, where the site in memory is incomplete) only the weight report is produced.
    """
    site = {path[len(SITE) + 1:]: data for path, data in files.items() if path.startswith(SITE + "/")}
    out: dict[str, bytes] = {}
    zip_name = zip_size = None
    modules: list[tuple[str, int]] = []
    if share:
        name = slug(course.title) or "course"
        zip_name = f"{name}-site.zip"
        out[f"{SHARE}/{zip_name}"] = site_zip(site, name, course.release_date)
        zip_size = len(out[f"{SHARE}/{zip_name}"])
        from . import languages
        for lang, (version, lang_report) in (versions or {languages.SOURCE: (course, None)}).items():
            renderer = SiteRenderer(version, templates, "trainee")
            if lang != languages.SOURCE:
                languages.install(renderer.env, version, lang, lang_report)
            for module in version.modules:
                file_name = languages.pdf_name(f"modules/{module.number:02d}-{module.id}.html", lang)
                page = inline_fonts(renderer.render_module_file(module, report), templates.parent / "fonts")
                out[f"{SHARE}/{file_name}"] = page.encode("utf-8")
                modules.append((file_name, len(out[f"{SHARE}/{file_name}"])))
    weights = WeightReport(lessons=tuple(lesson_weights(site, course)), bundle_bytes=sum(map(len, site.values())),
                           bundle_files=len(site), zip_name=zip_name, zip_bytes=zip_size,
                           module_files=tuple(modules))
    by_page = {path: lesson for lesson, path in _lesson_pages(course)}
    warned = set()
    for page in weights.over_budget:  # heaviest first: one warning per lesson, naming its heaviest page
        lesson = by_page[page.path]
        if lesson.path in warned:
            continue
        warned.add(lesson.path)
        others = sum(1 for p in weights.over_budget if by_page[p.path] is lesson) - 1
        report.warning(lesson.path, 1, 1, f"the lesson page {page.path} weighs {_kc(page.weight)} "
                       f"({_kb(page.total)}) with its stylesheet and script, over the {_kc(BUDGET)} budget for phones"
                       + (f" (and {others} more language{'s' * (others > 1)})" if others else "")
                       + "; shorten or split the lesson", "page-weight")
    out["page-weight.txt"] = weights.text().encode("utf-8")
    return out, weights


def lesson_weights(site: dict[str, bytes], course: Course) -> list[PageWeight]:
    """Weight of each lesson page: its HTML plus the stylesheets and scripts it links (fonts and images excluded)."""
    weights = []
    for lesson, path in _lesson_pages(course):
        if path not in site:
            continue
        html = site[path]
        text = html.decode("utf-8")
        css = js = 0
        chars = len(text)
        for href in sorted(set(LINKED.findall(text))):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(path), href.split("#")[0].split("?")[0]))
            data = site.get(target, b"")
            chars += len(data.decode("utf-8", errors="replace"))
            if target.endswith(".css"):
                css += len(data)
            else:
                js += len(data)
        weights.append(PageWeight(path, len(html), css, js, chars))
    return sorted(weights, key=lambda p: (-p.weight, p.path))


def _lesson_pages(course: Course):
    """(lesson, page path) for every lesson in every language: English at the root, others under <lang>/,
    where a translation in a script such as Khmer or Burmese weighs more per word."""
    prefixes = [""] + [f"{lang}/" for lang in course.languages if lang != course.lang]
    return [(lesson, prefix + lesson_path(lesson)) for prefix in prefixes for lesson in course.lessons]


def inline_fonts(page: str, fonts_dir: Path) -> str:
    """Add WOFF2 subsets of the vendored fonts, cut to the page's own characters, as data: URLs, so that
    Khmer, Burmese and Thai read right on a phone that has no such font."""
    subsets = fonts.site_fonts([page], fonts_dir, "f")
    rules = subsets.pop("f/fonts.css", b"").decode("utf-8")
    for name, data in subsets.items():
        if name.endswith(".woff2"):
            uri = "data:font/woff2;base64," + base64.b64encode(data).decode("ascii")
            rules = rules.replace(f'url("{name[2:]}")', f'url("{uri}")')
    if "@font-face" not in rules:
        return page
    return page.replace("</head>", f"<style>\n{rules}</style>\n</head>", 1)


def site_zip(site: dict[str, bytes], folder: str, date: dt.date) -> bytes:
    """The site in one folder inside a zip; byte-identical for identical input (fixed times, sorted names)."""
    buffer = io.BytesIO()
    stamp = (max(date.year, 1980), date.month, date.day, 0, 0, 0)
    with zipfile.ZipFile(buffer, "w") as zf:
        for path in sorted(site):
            info = zipfile.ZipInfo(f"{folder}/{path}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3  # unix, so the permissions above are honoured on every platform
            zf.writestr(info, site[path], compresslevel=9)
    return buffer.getvalue()


def slug(text: str) -> str:
    return NOT_SLUG.sub("-", text.lower()).strip("-")


def _kb(n: float) -> str:
    return f"{n / 1024:.1f} KB"


def _kc(n: float) -> str:
    """Thousands of characters (of 1,024, like the KB beside them, so that English reads the same figure)."""
    return f"{n / 1024:.1f} K chars"


def _mb(n: float) -> str:
    return f"{n / 1024 / 1024:.1f} MB"
