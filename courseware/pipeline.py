"""The whole build, stage by stage: load, validate, render HTML, render PDF, write."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from .load import load_course
from .pages import handout_name
from .problems import Report
from .render_html import SiteRenderer
from .render_pdf import PdfRenderer, render_pdfs
from .templating import TemplateError
from .validate import validate
from .write import write

TOOL_ROOT = Path(__file__).resolve().parent.parent  # templates/ and fonts/ live beside build.py


@dataclass
class Options:
    html: bool = True
    pdf: bool = True
    module: str | None = None
    clean: bool = False
    check_only: bool = False
    workers: int | None = None


@dataclass
class Result:
    report: Report
    files: dict = field(default_factory=dict)
    seconds: float = 0.0


def build(root: Path, options: Options, output: Path | None = None) -> Result:
    """Build the course under `root` into `output` (default root/output); nothing is written on error."""
    started = time.perf_counter()
    root = root.resolve()
    output = output or root / "output"
    templates = TOOL_ROOT / "templates"
    report = Report(root)
    course = load_course(root, report, options.module)
    result = Result(report)
    if course is None:
        return result
    validate(course, report)
    if report.errors or options.check_only:
        return result
    files: dict[str, bytes] = {}
    try:
        if options.pdf:
            pdfs = render_pdfs(PdfRenderer(course, templates).jobs(report), [root, TOOL_ROOT], report,
                               options.workers)
            files.update({f"pdf/{name}": data for name, data in pdfs.items()})
            for module in course.modules:  # the trainee site links to its own copy of each handout
                name = handout_name(module)
                if name in pdfs:
                    files[f"html/handouts/{name}"] = pdfs[name]
        if options.html:
            for audience, folder in (("trainee", "html"), ("facilitator", "facilitator")):
                site = SiteRenderer(course, templates, audience).render_all(report)
                files.update({f"{folder}/{path}": data for path, data in site.items()})
    except TemplateError as exc:
        report.error(exc.path, exc.line, 1, exc.message, "template")
    if report.errors:
        return result
    partial = bool(options.module) or not (options.html and options.pdf)
    write(output, files, keep_existing=partial and not options.clean)
    result.files = files
    result.seconds = time.perf_counter() - started
    return result
