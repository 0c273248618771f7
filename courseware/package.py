"""Package stage: what a trainee can be sent. A zip of the trainee site; per language, a zip of that language's
site and a lite one without the handout PDFs, for a phone with little data; one self-contained HTML file per
module; and the page-weight report that keeps lesson pages light enough for a cheap phone."""

from __future__ import annotations

import base64
import posixpath
import re
import statistics
from dataclasses import dataclass
from pathlib import Path

from . import fonts, languages
from .model import Course
from .pages import lesson_path
from .render_html import SiteRenderer
from .zipper import Zipper

# A lesson page, with its stylesheet and script, but without fonts and images, counted in characters: in
# UTF-8 a Khmer, Burmese or Thai letter takes three bytes where an English one takes one, but what a phone
# parses and lays out, and what a page costs once zipped or sent (compressed), goes with the characters. For
# English, characters and bytes are the same figure.
BUDGET = 60 * 1024
SITE, SHARE = languages.SITE, languages.SHARE  # output/html/ and output/share/
LINKED = re.compile(r"""<(?:link\b[^>]*\brel="stylesheet"[^>]*\bhref|script\b[^>]*\bsrc)="([^"]+)\"""")
NOT_SLUG = re.compile(r"[^a-z0-9]+")
LITE_PAGES = {"module", "handouts"}  # the pages that link to the handout PDFs: rendered again for a lite download


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
    downloads: tuple[tuple[str, int, int], ...] = ()  # (language, bytes of its full download, of its lite one)
    course_slug: str = ""  # what the downloads' names start with
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
        if self.downloads:
            lines.append(f"downloads ({SHARE}/{download_name(self.course_slug, '<lang>')}, and lite without PDFs): "
                         + ", ".join(f"{lang} {full / 1024 / 1024:.1f} and {_mb(lite)}"
                                     for lang, full, lite in self.downloads))
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
        if self.downloads:
            out += ["", "Downloads: each language's trainee site, with its handout PDFs and (lite) without:"]
            out += [f"{_kb(size):>11}  {SHARE}/{download_name(self.course_slug, lang, lite)}"
                    for lang, *sizes in self.downloads for lite, size in zip((False, True), sizes)]
        if self.module_files:
            out += ["", "Single-file modules (everything inlined):"]
            out += [f"{_kb(size):>9}  {SHARE}/{name}" for name, size in self.module_files]
        return "\n".join(out) + "\n"


def package(course: Course, templates: Path, files: dict[str, bytes], report, *, share: bool,
            versions: dict | None = None) -> tuple[dict, WeightReport]:
    """Files to add to the output (the zips, the single-file modules, the report) and the weight report.

    `versions` ({lang: (course in lang, translation report)}, see languages.translate_all) adds each module
    file in every other language, named like the PDFs: 01-asean-context.km.html.

    `files` maps output paths to bytes and holds the trainee site under html/. With `share` false (a
    partial build, where the site in memory is incomplete) only the weight report is produced.
    """
    site = {path[len(SITE) + 1:]: data for path, data in files.items() if path.startswith(SITE + "/")}
    out: dict[str, bytes] = {}
    zip_name = zip_size = None
    modules: list[tuple[str, int]] = []
    downloads: list[tuple[str, int, int]] = []
    name = slug(course.title) or "course"
    if share:
        zipper = Zipper(course.release_date)  # the downloads share most of their files: each deflated once
        zip_name = f"{name}-site.zip"
        out[f"{SHARE}/{zip_name}"] = zipper.zip(site, name)
        zip_size = len(out[f"{SHARE}/{zip_name}"])
        for lang, (version, lang_report) in (versions or {languages.SOURCE: (course, None)}).items():
            renderer = SiteRenderer(version, templates, "trainee")
            languages.install(renderer.env, version, lang, lang_report)  # as languages.sites: the same pages
            full, lite = language_downloads(files, lang, version, renderer, zipper, name, report)
            out[f"{SHARE}/{download_name(name, lang)}"] = full
            out[f"{SHARE}/{download_name(name, lang, lite=True)}"] = lite
            downloads.append((lang, len(full), len(lite)))
            for module in version.modules:
                file_name = languages.pdf_name(f"modules/{module.number:02d}-{module.id}.html", lang)
                page = inline_fonts(renderer.render_module_file(module, report), templates.parent / "fonts")
                out[f"{SHARE}/{file_name}"] = page.encode("utf-8")
                modules.append((file_name, len(out[f"{SHARE}/{file_name}"])))
    weights = WeightReport(lessons=tuple(lesson_weights(site, course)), bundle_bytes=sum(map(len, site.values())),
                           bundle_files=len(site), zip_name=zip_name, zip_bytes=zip_size,
                           module_files=tuple(modules), downloads=tuple(downloads), course_slug=name)
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


def download_name(course_slug: str, lang: str, lite: bool = False) -> str:
    """advocacy-with-asean-km.zip, advocacy-with-asean-km-lite.zip"""
    return f"{course_slug}-{lang}{'-lite' * lite}.zip"


def language_downloads(files: dict[str, bytes], lang: str, course: Course, renderer: SiteRenderer, zipper: Zipper,
                       course_slug: str, report) -> tuple[bytes, bytes]:
    """The downloads of one language (download_name): its trainee site with its handouts, and the same without
    the PDFs (lite), each in one folder named like the zip. A download holds one language, so its pages have no
    language links; the lite one's module pages and handouts page are rendered again (by `renderer`, in `lang`)
    to name the full download where the others link to a handout."""
    full, light = download_name(course_slug, lang), download_name(course_slug, lang, lite=True)
    site = {path: _one_language(path, data)
            for path, data in languages.language_site(files, lang, course.languages).items()}
    lite = {path: data for path, data in site.items() if not path.endswith(".pdf")}
    lite.update((path, _one_language(path, page))
                for path, page in renderer.render_pages(LITE_PAGES, report, full_download=full).items())
    return zipper.zip(site, full.removesuffix(".zip")), zipper.zip(lite, light.removesuffix(".zip"))


def _one_language(path: str, data: bytes) -> bytes:
    """A file of a language's site as a one-language download holds it: a page without its language links."""
    return languages.without_switcher(data.decode("utf-8")).encode("utf-8") if path.endswith(".html") else data


def slug(text: str) -> str:
    return NOT_SLUG.sub("-", text.lower()).strip("-")


def _kb(n: float) -> str:
    return f"{n / 1024:.1f} KB"


def _kc(n: float) -> str:
    """Thousands of characters (of 1,024, like the KB beside them, so that English reads the same figure)."""
    return f"{n / 1024:.1f} K chars"


def _mb(n: float) -> str:
    return f"{n / 1024 / 1024:.1f} MB"
