"""The PDF stage: every PDF of every language, from the documents' HTML to the files of output/pdf/.

This stage owns the PDF jobs from end to end: it asks each language's PdfRenderer for its documents, names
and marks them for their language (languages.localize_jobs), lays them out through the layout function the
pipeline hands it (the build's cache: cache.Session.render_pdfs), puts the books together from PDFs already
laid out (pdfbook: the course reader from the module handouts, so that no page is laid out twice), checks the
glyphs of every page laid out, and lays out the named documents (never cached).
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from . import fonts, languages, pdfbook, segment
from .render_pdf import PdfRenderer, render_pdfs


def pdf_documents(versions: dict, templates: Path, report, only_module: str | None = None) -> tuple[list, list]:
    """(jobs, books) of every language, named and marked for their language; with only_module (an id or
    folder name), only that module's handouts and no books."""
    jobs, books = [], []
    for lang, (course, lang_report) in versions.items():
        renderer = PdfRenderer(course, templates)
        languages.install(renderer.env, course, lang, lang_report, medium="print")
        jobs += languages.localize_jobs(renderer.jobs(report, only_module), lang)
        if not only_module:
            books += [languages.localize_book(book, lang) for book in renderer.books(report)]
    return jobs, books


def build(versions: dict, templates: Path, fonts_dir: Path, roots: list, report, lay_out, *,
          only_module: str | None = None, participants=(), workers: int | None = None,
          assemble=pdfbook.assemble) -> dict[str, bytes]:
    """The PDFs, by file name. `lay_out(jobs, roots, report, workers)` returns {job name: PDF} (render_pdfs, or
    the build's cache in front of it), `assemble(front, parts)` a book (pdfbook.assemble, or the cache in front
    of it); `participants`: the people of the named certificates and attendance sheets (personal data: laid out
    with render_pdfs directly, so that no copy of the names is kept)."""
    segment.install_actual_text()  # before any layout: exact text for copy, search and screen readers
    jobs, books = pdf_documents(versions, templates, report, only_module)
    pdfs = lay_out(jobs, roots, report, workers)
    # A book's front needs its parts' page numbers: laid out in a second, short round.
    ready = [book for book in books if all(name in pdfs for name, _ in book.parts)]
    fronts = [book.front([pdfbook.anchors(pdfs[name]) for name, _ in book.parts]) for book in ready]
    pdfs.update(lay_out(fronts, roots, report, workers))
    check_glyphs(jobs + fronts, pdfs, fonts_dir, report, workers)
    files = {job.name: pdfs[job.name] for job in jobs if job.output and job.name in pdfs}
    for book, front in zip(ready, fronts):
        if front.name in pdfs:
            files[book.name] = assemble(pdfs[front.name], [(title, pdfs[name]) for name, title in book.parts])
    if participants:
        course = versions[languages.SOURCE][0]
        named = PdfRenderer(course, templates).named_documents(participants)
        files.update(render_pdfs(named, roots, report, workers))
    return dict(sorted(files.items()))


def check_glyphs(jobs: list, pdfs: dict, fonts_dir: Path, report, workers: int | None = None) -> None:
    """Fail the build on any character no vendored font can draw, before and after layout (no empty boxes).

    Before layout, each character of a PDF's text that no font in fonts/ has is reported once, at its
    first use in the sources. After layout, each PDF's fonts are read back: text drawn with a font that
    is not vendored (a system fallback) or glyphs missing from a vendored font are errors too. Every page
    laid out is checked once: a book is made of pages checked here."""
    missing: dict[str, list[str]] = {}
    for job in jobs:
        for char in fonts.missing_glyphs(fonts.text_of_html(job.html), fonts_dir):
            missing.setdefault(char, []).append(job.name)
    for char, names in missing.items():
        where = _first_use(char, Path(report.root) / "modules")
        path, line, col = where or (jobs[0].source, 1, 1)
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        report.error(path, line, col, f"no font in fonts/ has a glyph for {fonts.describe(char)} (in {shown}); "
                     "write it another way, or vendor an OFL font that has it and add it to the font stacks",
                     "missing-glyph")
    names = [job.name for job in jobs if job.name in pdfs]
    # A PDF checked by an earlier build (the same bytes) is not read again: the build's function cache keeps
    # each PDF's problems by its content.
    memo = fonts.installed_cache()
    results = {}
    for name in names:
        found = memo.known(fonts.check_pdf, pdfs[name], fonts_dir) if memo is not None else None
        if found is not None:
            results[name] = found[0]
    todo = [name for name in names if name not in results]
    workers = max(1, min(workers or os.cpu_count() or 1, len(todo)))
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            checked = list(pool.map(fonts.check_pdf, [pdfs[n] for n in todo], [fonts_dir] * len(todo)))
    else:
        checked = [fonts.check_pdf(pdfs[n], fonts_dir) for n in todo]
    for name, problems in zip(todo, checked):
        results[name] = problems
        if memo is not None:
            memo.keep(fonts.check_pdf, (pdfs[name], fonts_dir), problems)
    sources = {job.name: job.source for job in jobs}
    for name, problems in ((n, results[n]) for n in names):
        problems = [p for p in problems if not any(repr(c) in p for c in missing)]  # reported above already
        for problem in problems[:10]:
            report.error(sources[name], 1, 1, f"{name}: {problem}", "missing-glyph")


def _first_use(char: str, source: Path):
    """(path, line, column) of the first use of `char` in the course sources, or None."""
    for path in sorted(source.rglob("*")):
        if path.suffix not in (".md", ".yaml", ".yml") or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        at = text.find(char)
        if at >= 0:
            line = text.count("\n", 0, at) + 1
            return path, line, at - (text.rfind("\n", 0, at) + 1) + 1
    return None
