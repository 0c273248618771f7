"""Render HTML stage: the offline course site, for trainees or for facilitators."""

from __future__ import annotations

import base64
import html
import mimetypes
import re
from pathlib import Path

import rcssmin
import rjsmin

from . import markup
from .i18n import N_, gettext_for, labels as labels_for
from .markup import RenderContext
from .model import Course, Lesson, Module
from .pages import (Page, handout_name, lesson_path, localized_image, module_path, reading_order, relative,
                    site_pages)
from .search import index_entry, index_script
from .templating import environment, render_template

SLUG = re.compile(r"[^\w-]+", re.U)


def term_id(term: str) -> str:
    return "term-" + SLUG.sub("-", term.lower()).strip("-")


def ref_id(ref: str) -> str:
    return "ref-" + ref


def by_letter(glossary: dict) -> list[tuple[str, list]]:
    """The glossary's (term, entry) pairs in alphabetical order, grouped by first letter, for the A-Z list."""
    groups: dict[str, list] = {}
    for term, entry in sorted(glossary.items(), key=lambda item: (item[0].casefold(), item[0])):
        first = term[:1].upper()
        groups.setdefault(first if first.isalpha() else "0-9", []).append((term, entry))
    return list(groups.items())


class SiteRenderer:
    """Renders every page of one audience's site into {path: bytes}."""

    def __init__(self, course: Course, templates: Path, audience: str = "trainee", translations: dict | None = None):
        """`translations`: {lang: LanguageReport} of every language, for the facilitator site's status page."""
        self.course, self.audience = course, audience
        self.translations = {lang: r for lang, r in (translations or {}).items() if r.items}
        self.status: list = []
        self.env = environment(templates)
        self.templates = templates
        self.by_path = {lesson.path.resolve(): lesson for lesson in course.lessons}
        self.images: dict[str, Path] = {}  # site path -> source file

    # URL helpers for one page ------------------------------------------------------------------
    def context_for(self, page: Page, lesson: Lesson | None, medium: str = "web",
                    english: bool = False) -> RenderContext:
        """How to render text on `page`. `english`: the text is the English source shown on a translated site
        (not translated yet), so it is rendered as English throughout: labels and term expansions too."""
        def link(href: str):
            if re.match(r"^[a-z][a-z0-9+.-]*:", href) or href.startswith("#") or lesson is None:
                return href
            file_part, _, anchor = href.partition("#")
            target = self.by_path.get((lesson.path.parent / file_part).resolve())
            if target is None:
                return href
            return relative(page.path, lesson_path(target) + (f"#{anchor}" if anchor else ""))

        def image(src: str):
            if lesson is None or re.match(r"^[a-z]+:", src):
                return src
            source = localized_image((lesson.path.parent / src).resolve(), "en" if english else self.course.lang)
            site = "images/" + source.relative_to(self.course.source.resolve()).as_posix()
            self.images[site] = source
            return relative(page.path, site)

        source = self.course.written_in(english)
        return RenderContext(references=self.course.references, glossary=source.glossary, link=link,
                             lang=source.lang, labels=labels_for(source.lang),
                             image=image, glossary_url=lambda t: relative(page.path, "glossary.html#" + term_id(t)),
                             reference_url=lambda r: relative(page.path, "references.html#" + ref_id(r)))

    def render_all(self, report) -> dict[str, bytes]:
        files: dict[str, bytes] = {}
        order = reading_order(self.course)
        pages = site_pages(self.course)
        if self.audience == "facilitator" and self.translations:
            pages.append(Page("translations.html", "translations", gettext_for(self.course.lang)(N_("Translation status"))))
            self.status = self.translation_status(report)
        entries: list[dict] = []
        for page in pages:
            body, toc = self.page_body(page, report)
            files[page.path] = self.render_page(page, pages, order, body, toc).encode("utf-8")
            entries += self.index_entries(page, body)
        files["assets/search-index.js"] = index_script(entries, self.course.lang)
        assets = self.templates / "assets"
        for asset in sorted(assets.rglob("*")):
            if asset.is_file():
                files["assets/" + asset.relative_to(assets).as_posix()] = minify(asset)
        for site_path, source in sorted(self.images.items()):
            files[site_path] = source.read_bytes()
        return files

    def render_pages(self, kinds: set[str], report, full_download: str) -> dict[str, bytes]:
        """The trainee site's pages of `kinds` only, as a download without the handout PDFs has them: where a
        page links to a handout, it says the handouts are in `full_download` (the file name)."""
        order, pages = reading_order(self.course), site_pages(self.course)
        return {page.path: self.render_page(page, pages, order, *self.page_body(page, report),
                                            full_download=full_download).encode("utf-8")
                for page in pages if page.kind in kinds}

    def translation_status(self, report) -> list[dict]:
        """What the facilitator site's status page shows of each language: its report, its parts (None for the
        course-wide files, else the module) and its files, the ones with work left first."""
        modules = {m.folder: m for m in self.course.modules}
        order = ("stale", "missing", "translated")
        return [{"lang": lang, "report": r, "parts": [(modules.get(p.part), p) for p in r.parts()],
                 "files": [(t, report.rel(t.path)) for t in sorted(r.items, key=lambda t: (
                     order.index(t.state), report.rel(t.path)))]}
                for lang, r in self.translations.items()]

    def page_body(self, page: Page, report) -> tuple[str | None, list | None]:
        """The rendered Markdown body of a lesson or the home page, and a lesson's outline."""
        if page.lesson is not None:
            ctx = self.context_for(page, page.lesson, english="body" in page.lesson.english)
            rendered = markup.render(page.lesson.body, path=page.lesson.path, report=report, ctx=ctx,
                                     audience=self.audience, medium="web", offset=page.lesson.body_line)
            return _no_skipped_headings(rendered.html, 2), rendered.toc
        if page.kind == "home":
            ctx = self.context_for(page, None, english="home" in self.course.english)
            return markup.render(self.course.home, path=self.course.source / "home.md", report=report, ctx=ctx,
                                 audience=self.audience).html, None
        return None, None

    def index_entries(self, page: Page, body: str | None) -> list[dict]:
        """What the search page finds on this page: a lesson's text, a module overview, the glossary entries."""
        course = self.course
        if page.lesson is not None:
            return [index_entry(page.path, page.title, page.module.title, body, course.lang,
                                "en" if "body" in page.lesson.english else None)]
        if page.kind == "module" and page.module is not None:
            module = page.module
            ctx = self.context_for(page, None)
            # Objectives are Markdown (citations, emphasis): indexed as the page shows them, not as written.
            fragment = " ".join([html.escape(module.summary),
                                 *(markup.render_inline(o, ctx) for o in module.objectives),
                                 *(html.escape(lesson.title) for lesson in module.lessons)])
            return [index_entry(page.path, module.title, "", fragment, course.lang,
                                "en" if "summary" in module.english else None)]
        if page.kind == "glossary":
            label = gettext_for(course.lang)("Glossary")
            return [index_entry(f"glossary.html#{term_id(term)}",
                                f"{term}: {entry.expansion}" if entry.expansion else term, label,
                                html.escape(entry.definition), course.lang,
                                "en" if "definition" in entry.english else None)
                    for term, entry in course.glossary.items()]
        return []

    def render_page(self, page: Page, pages, order, body: str | None, toc, full_download: str | None = None) -> str:
        course = self.course
        ctx = self.context_for(page, page.lesson)
        url = lambda to: relative(page.path, to)  # noqa: E731
        inline = lambda text: markup.render_inline(text, ctx)  # noqa: E731
        prev_page = next_page = None
        if page in order:
            i = order.index(page)
            prev_page = order[i - 1] if i > 0 else None
            next_page = order[i + 1] if i + 1 < len(order) else None
        return render_template(
            self.env, f"html/{page.kind}.html", course=course, page=page, pages=pages, url=url, inline=inline,
            prev_page=prev_page, next_page=next_page, body=body, toc=toc,
            audience=self.audience, lesson_path=lesson_path, module_path=module_path, term_id=term_id,
            ref_id=ref_id, handout_name=handout_name, lang=course.lang, asset=lambda name: url("assets/" + name),
            translation_status=self.status, by_letter=by_letter, full_download=full_download)

    # One module as one self-contained file ------------------------------------------------------
    def render_module_file(self, module: Module, report) -> str:
        """The module overview, every lesson, and the terms and sources they use in one HTML file, with the
        stylesheet, the script and the images inlined: small enough to send over a messaging app."""
        terms: dict[str, None] = {}  # insertion-ordered sets of what the lessons link to
        refs: dict[str, None] = {}
        assets = self.templates / "assets"

        def context(lesson: Lesson | None, english: bool = False) -> RenderContext:
            def link(href: str):
                if re.match(r"^[a-z][a-z0-9+.-]*:", href):
                    return href
                if href.startswith("#"):
                    return f"#{_lesson_anchor(lesson)}--{href[1:]}" if lesson else href
                if lesson is None:
                    return None
                file_part, _, anchor = href.partition("#")
                target = self.by_path.get((lesson.path.parent / file_part).resolve())
                if target is None or target.module_id != module.id:
                    return None  # not in this file: keep the words, drop the dead link
                return "#" + _lesson_anchor(target) + (f"--{anchor}" if anchor else "")

            def image(src: str):
                if lesson is None or re.match(r"^[a-z]+:", src):
                    return src
                return _data_uri(localized_image((lesson.path.parent / src).resolve(),
                                                 "en" if english else self.course.lang))

            def glossary_url(term: str) -> str:
                terms.setdefault(term)
                return "#" + term_id(term)

            def reference_url(ref: str) -> str:
                refs.setdefault(ref)
                return "#" + ref_id(ref)

            source = self.course.written_in(english)
            return RenderContext(references=self.course.references, glossary=source.glossary, link=link,
                                 image=image, glossary_url=glossary_url, reference_url=reference_url,
                                 lang=source.lang, labels=labels_for(source.lang))

        lessons = []
        for lesson in module.lessons:
            ctx = context(lesson)
            rendered = markup.render(lesson.body, path=lesson.path, report=report,
                                     ctx=context(lesson, english="body" in lesson.english), audience=self.audience,
                                     medium="web", offset=lesson.body_line)
            lessons.append({"lesson": lesson, "anchor": _lesson_anchor(lesson),
                            "body": _no_skipped_headings(_nest_headings(_prefix_ids(rendered.html,
                                                                                    _lesson_anchor(lesson) + "--")), 3),
                            "inline": (lambda c: lambda text: markup.render_inline(text, c))(ctx)})
        module_ctx = context(None)
        return render_template(
            self.env, "html/module-file.html", course=self.course, module=module, lessons=lessons,
            inline=lambda text: markup.render_inline(text, module_ctx), audience=self.audience,
            glossary=[self.course.glossary[t] for t in self.course.glossary if t in terms],
            references=[self.course.references[r] for r in self.course.references if r in refs],
            term_id=term_id, ref_id=ref_id, lang=self.course.lang,
            notice_page=Page(module_path(module), "module", module.title, module=module),
            css=inline_icons((minify(assets / "style.css") + minify(assets / "pages.css")).decode("utf-8"), assets),
            js=minify(assets / "app.js").decode("utf-8").replace("</", "<\\/"))


def minify(asset: Path) -> bytes:
    """The stylesheet or script without comments and layout whitespace (rcssmin, rjsmin): every lesson page
    loads both, and a cheap phone pays for each byte. Other files are kept as they are."""
    data = asset.read_bytes()
    if asset.suffix == ".css":
        return rcssmin.cssmin(data.decode("utf-8")).encode("utf-8") + b"\n"
    if asset.suffix == ".js":
        return rjsmin.jsmin(data.decode("utf-8")).encode("utf-8") + b"\n"
    return data


ICON_URL = re.compile(r"url\((icons/[\w-]+\.svg)\)")


def inline_icons(css: str, assets: Path) -> str:
    """The stylesheet with its icons (assets/icons/*.svg) as data: URLs, for a page that stands alone."""
    def data(m):
        svg = (assets / m.group(1)).read_text(encoding="utf-8").strip()
        return 'url("data:image/svg+xml,' + re.sub(r'[%#<>"]', lambda c: f"%{ord(c.group(0)):02X}", svg) + '")'
    return ICON_URL.sub(data, css)


def _lesson_anchor(lesson: Lesson) -> str:
    return "lesson-" + lesson.id


ID_ATTR = re.compile(r'(<[a-zA-Z][^<>]*?\sid=")([^"]+)"')
HEADING = re.compile(r"<(/?)h([1-6])\b")


def _prefix_ids(fragment: str, prefix: str) -> str:
    """Make a lesson's heading ids unique when several lessons share one page."""
    return ID_ATTR.sub(lambda m: f'{m.group(1)}{prefix}{m.group(2)}"', fragment)


def _nest_headings(fragment: str) -> str:
    """Move a lesson's headings one level down, under the lesson title."""
    return HEADING.sub(lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + 1, 6)}", fragment)


def _no_skipped_headings(fragment: str, previous: int) -> str:
    """Lift a heading that would skip a level (a call-out's h4 straight after an h2) to the next level down
    from the one before it, so that screen-reader users can follow the outline (WCAG 1.3.1)."""
    out, pos, last, current = [], 0, previous, previous
    for m in HEADING.finditer(fragment):
        closing, level = m.group(1), int(m.group(2))
        if not closing:
            current = last = min(level, last + 1)
        out.append(f"{fragment[pos:m.start()]}<{closing}h{current}")
        pos = m.end()
    return "".join(out) + fragment[pos:]


def _data_uri(path: Path) -> str:
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{mime};base64," + base64.b64encode(path.read_bytes()).decode("ascii")
