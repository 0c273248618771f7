"""The whole build, stage by stage: load, validate, render HTML, render PDF, write."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import cache, languages
from .load import load_course
from .problems import Report
from .certificates import read_participants
from .validate import validate
from .write import write

TOOL_ROOT = Path(__file__).resolve().parent.parent  # templates/ and fonts/ live beside build.py


@dataclass
class Options:
    html: bool = True
    pdf: bool = True
    lms: bool = True  # SCORM packages and the Common Cartridge (output/lms/): a full build, or alone (--lms-only)
    module: str | None = None
    clean: bool = False
    check_only: bool = False
    workers: int | None = None
    progress: object = None  # a progress.Progress to show work as it happens; None is silent
    participants: Path | None = None  # CSV for named certificates: personal data, never cached (issue 5)
    readers: bool = True  # share/: a Kiwix ZIM file and EPUB books per language, in a full build (issue 12)


@dataclass
class Result:
    report: Report
    files: dict = field(default_factory=dict)
    seconds: float = 0.0
    stats: object = None  # cache.Stats: what this build redid and what it reused
    up_to_date: bool = False  # nothing the build reads changed since the last one: it did nothing
    translations: dict = field(default_factory=dict)  # lang -> translations.LanguageReport
    check_problems: list = field(default_factory=list)  # what the validation stages reported
    weights: object = None  # package.WeightReport: lesson page weights and the bundle's size


def build(root: Path, options: Options, output: Path | None = None) -> Result:
    """Build the course under `root` into `output` (default root/output); nothing is written on error.

    Unchanged lessons and PDFs are taken from the caches of the last build (see cache.py), unless
    options.clean; the manifest and caches are saved only after a successful write. The session installs
    the Markdown and font caches for the stages (markup.caching, fonts.caching) and lays out the PDFs."""
    started = time.perf_counter()
    output = output or root.resolve() / "output"
    roots = [root.resolve(), TOOL_ROOT]
    fingerprint = cache.input_fingerprint(roots)
    config = {"html": options.html, "pdf": options.pdf, "lms": options.lms, "readers": options.readers,
              "module": options.module,
              "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH"), "participants": bool(options.participants)}
    if not options.clean and not options.participants:  # like make: nothing changed, nothing to do
        saved = cache.up_to_date(output, fingerprint, None if options.check_only else config)
        if saved is not None:
            report = Report(root.resolve())
            report.problems.extend(saved)
            return Result(report, seconds=time.perf_counter() - started, stats=cache.Stats(), up_to_date=True)
    if options.check_only:  # reads and validates only: no caches to load, nothing rendered
        return _build(root, options, output, None)
    with cache.session(output, roots, use_previous=not options.clean, progress=options.progress) as session:
        result = _build(root, options, output, session)
        if result.files and not result.report.errors:
            result.stats = session.finish(root.resolve(), result.files, config, _partial(options),
                                          TOOL_ROOT / "templates", fingerprint, _kept(result.report.problems),
                                          result.check_problems)
    return result


def _kept(problems) -> list:
    """Problems to keep in the manifest: none about the participants' file, which may quote their names."""
    return [p for p in problems if not p.code.startswith("participants")]


def _partial(options: Options) -> bool:
    return bool(options.module) or not (options.html and options.pdf)


def _lms(options: Options) -> bool:
    """The LMS packages come with a full build, or alone (--lms-only); not with --html-only, --pdf-only or
    --module, which an author runs often and which do not need them."""
    return options.lms and not options.module and options.html == options.pdf


def _build(root: Path, options: Options, output: Path, session: cache.Session | None) -> Result:
    started = time.perf_counter()
    root = root.resolve()
    output = output or root / "output"
    templates = TOOL_ROOT / "templates"
    report = Report(root)
    # The whole course, even for `--module`: links between modules, the agendas, the search index and the font
    # subsets of the sites all need every module. `--module` only narrows the PDFs laid out.
    course = load_course(root, report)
    result = Result(report)
    if course is None:
        return result
    validate(course, report)
    versions = languages.translate_all(course, report)  # {lang: (course in lang, translation report)}
    result.translations = {lang: lang_report for lang, (_, lang_report) in versions.items()}
    people = read_participants(options.participants, report) if options.participants else ()
    result.check_problems = _kept(report.problems)
    if report.errors or options.check_only:
        return result
    # What only a build needs (templates, WeasyPrint, fonts, packages), imported here so that `check` starts fast;
    # each stage's own libraries (pikepdf, libzim, the EPUB parser) where that stage runs.
    from .package import package
    from .templating import TemplateError
    files: dict[str, bytes] = {}
    try:
        if options.pdf:
            from . import pdf_stage
            pdfs = pdf_stage.build(versions, templates, TOOL_ROOT / "fonts", [root, TOOL_ROOT], report,
                                   session.render_pdfs, only_module=options.module, participants=people,
                                   workers=options.workers, assemble=session.assemble_book)
            files.update({f"pdf/{name}": data for name, data in pdfs.items()})
            files.update(languages.site_handouts(versions, pdfs))  # each site links to its own handouts
        if options.html or _lms(options):
            sites = languages.sites(versions, templates, TOOL_ROOT / "fonts", report)
            if _lms(options):  # lms/: SCORM 1.2 and 2004 packages and a Common Cartridge, from the trainee site
                from . import lms
                files.update(lms.packages(versions, sites, course, templates))
        if options.html:
            files.update(sites)
            shared, result.weights = package(versions[languages.SOURCE][0], templates, files, report,
                                             share=not _partial(options), versions=versions)
            files.update(shared)  # share/: the zipped trainee site and one file per module; page-weight.txt
            if options.readers and not _partial(options):  # share/: ZIMs for Kiwix and EPUBs, from the trainee site
                from . import epub, zim
                shared = cache.readers_inputs([root, TOOL_ROOT])
                for lang, (course_in_lang, _) in versions.items():  # a language whose site did not change: reused
                    key = cache.readers_key(lang, languages.language_site(files, lang, course_in_lang.languages), shared)
                    files.update(session.reuse_files(key, lambda lang=lang: {
                        **zim.zims(versions, files, templates, only=lang),
                        **epub.books(versions, files, templates, TOOL_ROOT / "fonts", only=lang)}))
        files["translation-report.txt"] = languages.translation_report(versions, report).encode("utf-8")
    except TemplateError as exc:
        report.error(exc.path, exc.line, 1, exc.message, "template")
    if report.errors:
        return result
    partial = _partial(options)
    write(output, files, keep_existing=partial and not options.clean)
    result.files = files
    result.seconds = time.perf_counter() - started
    return result
