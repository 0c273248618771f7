"""Plan stage: which pages and documents the course produces, and the URL of each."""

from __future__ import annotations

import functools
import posixpath
from dataclasses import dataclass
from pathlib import Path

from .model import Course, Lesson, Module


@dataclass(frozen=True)
class Page:
    path: str  # relative to the site root, posix
    kind: str  # home | module | lesson | agenda | glossary | references | progress | search | handouts
    title: str
    module: Module | None = None
    lesson: Lesson | None = None
    edition: object = None


def lesson_path(lesson: Lesson) -> str:
    return f"{lesson.module_id}/{lesson.id}.html"


def module_path(module: Module) -> str:
    return f"{module.id}/index.html"


def relative(from_page: str, to: str) -> str:
    """URL of `to` as seen from `from_page`, both relative to the site root."""
    base = posixpath.dirname(from_page) or "."
    target, _, anchor = to.partition("#")
    rel = _relpath(target, base) if target else posixpath.basename(from_page)
    return rel + (f"#{anchor}" if anchor else "")


@functools.lru_cache(maxsize=4096)
def _relpath(target: str, base: str) -> str:
    # A site has a few folders and a few hundred pages, and each page links to the same ones: posixpath.relpath
    # (which asks the system for the working folder each time) was a tenth of the HTML stage.
    return posixpath.relpath(target, base)


def site_pages(course: Course) -> list[Page]:
    pages = [Page("index.html", "home", course.title)]
    for module in course.modules:
        pages.append(Page(module_path(module), "module", module.title, module=module))
        for lesson in module.lessons:
            pages.append(Page(lesson_path(lesson), "lesson", lesson.title, module=module, lesson=lesson))
    for edition in course.editions:
        pages.append(Page(f"agenda-{edition.id}.html", "agenda", edition.title, edition=edition))
    pages += [Page("glossary.html", "glossary", "Glossary"), Page("references.html", "references", "References"),
              Page("handouts.html", "handouts", "Handouts"), Page("progress.html", "progress", "My progress"),
              Page("search.html", "search", "Search")]
    return pages


def reading_order(course: Course) -> list[Page]:
    """Module overviews and lessons in the order a trainee reads them, for previous/next links."""
    return [p for p in site_pages(course) if p.kind in ("module", "lesson")]


def handout_name(module: Module) -> str:
    return f"handout-{module.number:02d}-{module.id}.pdf"


def localized_image(path: Path, lang: str) -> Path:
    """The image a page in `lang` shows for `path`: its translated copy beside it (`map.km.svg` for `map.svg`,
    the same drawing with its labels in Khmer) when there is one, else `path` itself. A translated lesson keeps
    the English image path, so its images are checked against the English source like its links."""
    if lang != "en":
        copy = path.with_name(f"{path.stem}.{lang}{path.suffix}")
        if copy.is_file():
            return copy
    return path

