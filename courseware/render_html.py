"""Render HTML stage: the offline course site, for trainees or for facilitators."""

from __future__ import annotations

import re
from pathlib import Path

from . import markup
from .i18n import labels as labels_for
from .markup import RenderContext
from .model import Course, Lesson
from .pages import Page, handout_name, lesson_path, module_path, reading_order, relative, site_pages
from .search import index_script, plain_text
from .templating import environment, render_template

SLUG = re.compile(r"[^\w-]+", re.U)


def term_id(term: str) -> str:
    return "term-" + SLUG.sub("-", term.lower()).strip("-")


def ref_id(ref: str) -> str:
    return "ref-" + ref


class SiteRenderer:
    """Renders every page of one audience's site into {path: bytes}."""

    def __init__(self, course: Course, templates: Path, audience: str = "trainee"):
        self.course, self.audience = course, audience
        self.env = environment(templates)
        self.templates = templates
        self.by_path = {lesson.path.resolve(): lesson for lesson in course.lessons}
        self.images: dict[str, Path] = {}  # site path -> source file

    # URL helpers for one page ------------------------------------------------------------------
    def context_for(self, page: Page, lesson: Lesson | None, medium: str = "web") -> RenderContext:
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
            source = (lesson.path.parent / src).resolve()
            site = "images/" + source.relative_to(self.course.source.resolve()).as_posix()
            self.images[site] = source
            return relative(page.path, site)

        return RenderContext(references=self.course.references, glossary=self.course.glossary, link=link,
                             lang=self.course.lang, labels=labels_for(self.course.lang),
                             image=image, glossary_url=lambda t: relative(page.path, "glossary.html#" + term_id(t)),
                             reference_url=lambda r: relative(page.path, "references.html#" + ref_id(r)))

    def render_all(self, report) -> dict[str, bytes]:
        files: dict[str, bytes] = {}
        order = reading_order(self.course)
        pages = site_pages(self.course)
        self.search_entries: list[dict] = []
        for page in pages:
            files[page.path] = self.render_page(page, pages, order, report).encode("utf-8")
        files["assets/search-index.js"] = index_script(self.search_entries)
        assets = self.templates / "assets"
        for asset in sorted(assets.rglob("*")):
            if asset.is_file():
                files["assets/" + asset.relative_to(assets).as_posix()] = asset.read_bytes()
        for site_path, source in sorted(self.images.items()):
            files[site_path] = source.read_bytes()
        return files

    def render_page(self, page: Page, pages, order, report) -> str:
        course = self.course
        ctx = self.context_for(page, page.lesson)
        url = lambda to: relative(page.path, to)  # noqa: E731
        inline = lambda text: markup.render_inline(text, ctx)  # noqa: E731
        prev_page = next_page = None
        if page in order:
            i = order.index(page)
            prev_page = order[i - 1] if i > 0 else None
            next_page = order[i + 1] if i + 1 < len(order) else None
        crumbs = [("Course home", "index.html")]
        if page.module is not None and page.kind == "lesson":
            crumbs.append((f"Module {page.module.number}: {page.module.title}", module_path(page.module)))
        body = toc = None
        if page.lesson is not None:
            rendered = markup.render(page.lesson.body, path=page.lesson.path, report=report, ctx=ctx,
                                     audience=self.audience, medium="web", offset=page.lesson.body_line)
            body, toc = rendered.html, rendered.toc
            self.search_entries.append({"url": page.path, "title": page.title,
                                        "module": page.module.title, "text": plain_text(body)})
        elif page.kind == "home":
            body = markup.render(course.home, path=course.source / "home.md", report=report, ctx=ctx,
                                 audience=self.audience).html
        return render_template(
            self.env, f"html/{page.kind}.html", course=course, page=page, pages=pages, url=url, inline=inline,
            prev_page=prev_page, next_page=next_page, crumbs=crumbs, body=body, toc=toc,
            audience=self.audience, lesson_path=lesson_path, module_path=module_path, term_id=term_id,
            ref_id=ref_id, handout_name=handout_name, lang=course.lang, asset=lambda name: url("assets/" + name))
