"""Render PDF stage: trainee handouts and the facilitator guide, laid out by WeasyPrint."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from . import markup
from .i18n import labels as labels_for
from .markup import RenderContext
from .model import Course, Module
from .pages import handout_name
from .render_html import ref_id, term_id
from .templating import environment, render_template

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PdfJob:
    """One PDF to lay out: its HTML, and where relative URLs in it point."""

    name: str
    html: str
    base_url: str
    source: str  # the source file to blame for resource errors, relative to the project


def pdf_date(course: Course) -> str:
    """The date stamped in every PDF: SOURCE_DATE_EPOCH if set, else the course release date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return course.release_date.isoformat() + "T00:00:00Z"


class PdfRenderer:
    def __init__(self, course: Course, templates: Path):
        self.course, self.templates = course, templates
        self.env = environment(templates)

    def context(self, module: Module | None = None) -> RenderContext:
        def image(src, directory):
            return (directory / src).resolve().as_uri()

        return RenderContext(references=self.course.references, glossary=self.course.glossary,
                             lang=self.course.lang, labels=labels_for(self.course.lang),
                             link=lambda href: href if ":" in href or href.startswith("#") else None,
                             image=lambda src: src,
                             glossary_url=lambda t: "#" + term_id(t), reference_url=lambda r: "#" + ref_id(r))

    def lesson_html(self, lesson, audience, report):
        ctx = self.context()
        ctx.image = lambda src: (lesson.path.parent / src).resolve().as_uri()
        ctx.link = lambda href: (href if ":" in href else ("#" + lesson.key.replace("/", "--") + "--" + href[1:]
                                                            if href.startswith("#") else None))
        return markup.render(lesson.body, path=lesson.path, report=report, ctx=ctx, audience=audience,
                             medium="print", offset=lesson.body_line).html

    def common(self):
        ctx = self.context()
        return dict(course=self.course, inline=lambda t: markup.render_inline(t, ctx), term_id=term_id,
                    ref_id=ref_id, pdf_date=pdf_date(self.course), lang=self.course.lang,
                    css=(self.templates / "pdf" / "print.css").resolve().as_uri(),
                    fonts=(self.templates.parent / "fonts").resolve().as_uri())

    def jobs(self, report) -> list[PdfJob]:
        jobs = []
        base = (self.templates / "pdf").resolve().as_uri() + "/"
        for module in self.course.modules:
            lessons = [(lesson, self.lesson_html(lesson, "trainee", report)) for lesson in module.lessons]
            terms, refs = used_terms_and_refs(self.course, module.lessons)
            html = render_template(self.env, "pdf/handout.html", module=module, lessons=lessons,
                                   terms=terms, refs=refs, **self.common())
            jobs.append(PdfJob(handout_name(module), html, base, self.course.source.name + "/" + module.folder))
        for edition in self.course.editions:
            lessons = {lesson.key: self.lesson_html(lesson, "facilitator", report) for lesson in edition.lessons}
            html = render_template(self.env, "pdf/guide.html", edition=edition, lessons=lessons,
                                   assessment=self.course.assessment, **self.common())
            jobs.append(PdfJob(f"facilitator-guide-{edition.id}.pdf", html, base, "modules/course.yaml"))
        return jobs


def used_terms_and_refs(course: Course, lessons) -> tuple[list, list]:
    pattern = markup.term_pattern(course.glossary)
    terms, refs = set(), set()
    for lesson in lessons:
        text = lesson.path.read_text(encoding="utf-8")
        if pattern:
            terms |= {m.group(1) for m in pattern.finditer(text)}
        for m in markup.CITATION.finditer(text):
            refs |= {x.strip().lstrip("@") for x in m.group(1).split(";")}
    return ([course.glossary[t] for t in course.glossary if t in terms],
            [course.references[r] for r in course.references if r in refs])


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records = []

    def emit(self, record):
        self.records.append(record.getMessage())


def lay_out(job: PdfJob, roots: list) -> tuple[str, bytes | None, list[str], str | None]:
    """Lay out one PDF (runs in a worker process). Returns (name, pdf, warnings, fatal error)."""
    import weasyprint

    from .fetch import ProjectFetcher, ResourceError
    handler = _Collect()
    wlog = logging.getLogger("weasyprint")
    wlog.addHandler(handler)
    wlog.propagate = False
    try:
        document = weasyprint.HTML(string=job.html, base_url=job.base_url, url_fetcher=ProjectFetcher([Path(r) for r in roots]))
        ident = hashlib.sha256(job.html.encode("utf-8")).hexdigest()[:32].encode("ascii")
        pdf = document.write_pdf(pdf_identifier=ident, pdf_variant="pdf/ua-1", uncompressed_pdf=False)
        return job.name, pdf, handler.records, None
    except ResourceError as exc:
        return job.name, None, handler.records, f"{exc.reason}: {exc.url}"
    finally:
        wlog.removeHandler(handler)


def render_pdfs(jobs: list[PdfJob], roots: list, report, workers: int | None = None) -> dict[str, bytes]:
    """Lay out every job, in parallel across the machine's cores."""
    files: dict[str, bytes] = {}
    workers = workers or min(len(jobs), os.cpu_count() or 1) or 1
    if workers == 1 or len(jobs) <= 1:
        results = [lay_out(job, roots) for job in jobs]
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(lay_out, jobs, [roots] * len(jobs)))
    by_name = {job.name: job for job in jobs}
    for name, pdf, warnings, fatal in results:
        job = by_name[name]
        for w in warnings:
            report.warning(job.source, 1, 1, f"{name}: layout warning: {w}", "pdf-layout")
        if fatal:
            report.error(job.source, 1, 1, f"{name}: {fatal}", "pdf-resource")
        elif pdf is not None:
            files[name] = pdf
    return files
