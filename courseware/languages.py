"""Build every language: each site and PDF in the reader's language, with its switcher and notices.

English is the source language: its site stays at output/html/ and its PDFs keep their names. Every
other language gets output/html/<lang>/ (and output/facilitator/<lang>/) with the same structure, and
PDFs named with a language suffix: handout-01-asean-context.km.pdf. Interface strings come from the
gettext catalogs (i18n.py); content from the translations beside the sources (translations.py), with a
notice in the reader's language where a page falls back to English, is out of date, or is a draft.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from markupsafe import Markup, escape

from . import i18n
from .model import Course
from .pages import Page, handout_name, relative
from .translations import LanguageReport

SOURCE = "en"
SITE = "html"  # the trainee site's folder in output/
SHARE = "share"  # what a trainer can send trainees, in output/: downloads, ZIM files, EPUB books
# The switcher as base.html places it, in its own row of the header.
SWITCHER = re.compile(r'<div class="wrap"><nav class="language-switcher".*?</nav></div>\n?', re.S)


def prefix(lang: str) -> str:
    """Where a language's site sits inside output/html/: "" for English, "km/" for Khmer."""
    return "" if lang == SOURCE else f"{lang}/"


def pdf_name(name: str, lang: str) -> str:
    """handout-01-asean-context.pdf -> handout-01-asean-context.km.pdf (English keeps its name)."""
    if lang == SOURCE:
        return name
    stem, dot, ext = name.rpartition(".")
    return f"{stem}.{lang}.{ext}" if dot else f"{name}.{lang}"


def language_site(files: dict[str, bytes], lang: str, languages) -> dict[str, bytes]:
    """One language's trainee site, paths relative to its root: html/ without the other languages' folders
    for English, html/<lang>/ for the others. The ZIM files, EPUB books, LMS packages and the downloads of
    one language are made from it."""
    root = f"{SITE}/{prefix(lang)}"
    others = tuple(f"{other}/" for other in languages if other != lang and prefix(other))
    site = {}
    for path, data in files.items():
        if path.startswith(root):
            rel = path[len(root):]
            if not rel.startswith(others):
                site[rel] = data
    return site


# --- Which sources a page shows, and how they stand ---------------------------------------------

def page_sources(course: Course, page: Page) -> tuple[list[Path], list[Path]]:
    """(the sources of the page's main text, the sources of its other parts)."""
    source = course.source
    if page.kind == "home":
        return [source / "home.md"], [source / "course.yaml"] + [m.path for m in course.modules]
    if page.kind == "module" and page.module is not None:
        return [page.module.path], [lesson.path for lesson in page.module.lessons]
    if page.kind == "lesson" and page.lesson is not None:
        return [page.lesson.path], [page.module.path] if page.module is not None else []
    if page.kind == "agenda":
        edition = page.edition
        lessons = edition.lessons if edition is not None else []
        return [source / "course.yaml"], [lesson.path for lesson in lessons]
    if page.kind == "glossary":
        return sorted({entry.path for entry in course.glossary.values()}), []
    return [], []


def page_state(course: Course, page: Page, report: LanguageReport) -> dict:
    """What a reader must be told about the page: fallback, stale, draft, partly English."""
    main, parts = page_sources(course, page)
    records = [report.of(p) for p in main]
    records = [r for r in records if r is not None]
    others = [r for r in (report.of(p) for p in parts) if r is not None]
    missing = bool(records) and all(r.state == "missing" for r in records)
    return {
        "missing": missing,
        "stale": any(r.state == "stale" for r in records),
        "draft": any(r.used and r.status == "draft" for r in records + others),
        "partial": (not missing and any(r.state == "missing" for r in records)) or
                   (not missing and any(r.state == "missing" for r in others)),
    }


def notice_html(course: Course, page: Page, lang: str, report: LanguageReport | None) -> Markup:
    if lang == SOURCE or report is None:
        return Markup("")
    _ = i18n.gettext_for(lang)
    state = page_state(course, page, report)
    lines = []
    if state["missing"]:
        lines.append(("missing", _("This page is shown in English because it has not been translated yet.")))
    if state["stale"]:
        lines.append(("stale", _("This translation is out of date: the English page has changed since it was "
                                 "translated.")))
    if state["partial"]:
        lines.append(("partial", _("Parts of this page are shown in English because they have not been "
                                   "translated yet.")))
    if state["draft"]:
        lines.append(("draft", _("Draft translation: machine-drafted and not yet reviewed by a native speaker.")))
    if not lines:
        return Markup("")
    # Compact on a phone: the first note shows, the others open from it (native <details>, no script).
    (kind, text), rest = lines[0], lines[1:]
    if rest:
        more = "".join(f'<p class="translation-{kind}">{escape(text)}</p>' for kind, text in rest)
        body = f'<details><summary class="translation-{kind}">{escape(text)}</summary>{more}</details>'
    else:
        body = f'<p class="translation-{kind}">{escape(text)}</p>'
    return Markup(f'<aside class="translation-notice" role="note" aria-label="{escape(_("Translation notes"))}">'
                  f'{body}</aside>\n')


def switcher_html(page: Page, lang: str, languages) -> Markup:
    """Links to the same page in every other language the course is built in."""
    if len(languages) < 2:
        return Markup("")
    _ = i18n.gettext_for(lang)
    items = []
    for other in languages:
        name = escape(i18n.autonym(other))
        if other == lang:
            items.append(f'<li><span aria-current="true" lang="{other}">{name}</span></li>')
            continue
        root = "" if lang == SOURCE else "../"
        target = relative(page.path, root + prefix(other) + page.path)
        items.append(f'<li><a href="{escape(target)}" hreflang="{other}" lang="{other}">{name}</a></li>')
    label = escape(_("Language"))
    return Markup(f'<nav class="language-switcher" aria-label="{label}"><span class="language-label">{label}:'
                  f'</span> <ul>{"".join(items)}</ul></nav>')


def without_switcher(page: str) -> str:
    """A built page without its language links, for what holds one language only (a ZIM file, an LMS package,
    a one-language download): the other languages are not there to link to."""
    return SWITCHER.sub("", page)


def install(env, course: Course, lang: str, report: LanguageReport | None, medium: str = "web") -> None:
    """Catalog, filters and the language globals the templates use (base.html: switcher, notice)."""
    i18n.install(env, lang, medium)
    env.globals["language_switcher"] = lambda page: switcher_html(page, lang, course.languages)
    env.globals["translation_notice"] = lambda page: notice_html(course, page, lang, report)
    if medium == "print" and lang != SOURCE:
        sources: dict = {}  # pdf_sources, worked out when the first document asks

        def notice(name: str, place: str = "heading") -> Markup:
            if not sources:
                sources.update(pdf_sources(course))
            return print_notice(course, lang, report, *sources.get(name, ([], [])), place=place)
        env.globals["pdf_notice"] = notice


# --- Site assets: fonts and the language styles --------------------------------------------------



def site_assets(files: dict[str, bytes], fonts_dir: Path) -> dict[str, bytes]:
    """WOFF2 subsets for the text of one site's files."""
    texts = [data.decode("utf-8", "replace") for path, data in sorted(files.items())
             if path.endswith((".html", ".js", ".css"))]
    from . import fonts  # fontTools: only for a build that makes sites, not for `check`
    out = fonts.site_fonts(texts, fonts_dir, "assets/fonts")
    return out


# --- PDF: language marks, break opportunities ----------------------------------------------------

COMPLEX_SCRIPTS = ("km", "my", "th")
# Letter-spacing pulls the vowel signs of Khmer, Burmese and Thai away from their consonants (WeasyPrint
# spaces every character, leaving a dotted circle), and upper case means nothing in these scripts.
PRINT_SCRIPT_CSS = ("<style>:lang(km), :lang(km) *, :lang(my), :lang(my) *, :lang(th), :lang(th) * "
                    "{ letter-spacing: normal !important; }</style>\n")




def pdf_notice_lines(course: Course, lang: str, report: LanguageReport, sources: list[Path],
                     titles: list[Path] = ()) -> list[tuple[str, str]]:
    """(kind, text) of what a reader must be told about a PDF's translation: drafts, stale parts, parts in English.

    `titles`: the sources of which the PDF prints a title only (a form's session titles): a title in English or
    a draft one is said, but not that the English file changed since it was translated: the printed title is
    the translator's still, and a change to a lesson's body does not make the agenda or a form wrong."""
    if lang == SOURCE:
        return []
    _ = i18n.gettext_for(lang)
    records = [r for r in (report.of(p) for p in sources) if r is not None]
    named = [r for r in (report.of(p) for p in titles) if r is not None]
    lines = []
    if any(r.state == "missing" for r in records + named):
        lines.append(("partial", _("Parts of this page are shown in English because they have not been "
                                   "translated yet.")))
    if any(r.state == "stale" for r in records):
        lines.append(("stale", _("This translation is out of date: the English page has changed since it was "
                                 "translated.")))
    if any(r.used and r.status == "draft" for r in records + named):
        lines.append(("draft", _("Draft translation: machine-drafted and not yet reviewed by a native speaker.")))
    return lines


def pdf_notice(course: Course, lang: str, report: LanguageReport, sources: list[Path], titles: list[Path] = ()) -> str:
    """A short note printed under the first heading: drafts, stale parts, parts in English."""
    lines = pdf_notice_lines(course, lang, report, sources, titles)
    if not lines:
        return ""
    items = "".join(f'<li class="translation-{kind}">{escape(text)}</li>' for kind, text in lines)
    return (f'<aside class="translation-notice" style="border-left: 3pt solid #000; padding: 1mm 3mm; '
            f'margin: 3mm 0; font-size: 9pt;"><ul style="list-style: none; margin: 0; padding: 0;">{items}'
            f'</ul></aside>')


def print_notice(course: Course, lang: str, report: LanguageReport, sources: list[Path], titles: list[Path] = (),
                 place: str = "heading") -> Markup:
    """The translation notice a PDF's template places (`pdf_notice(job_name, place)`, templates/pdf): "heading" a
    note under the document's first heading; "footer" a small line at the foot of every page (forms, the agenda:
    print.css runs .translation-footer into the page margin). The certificate a participant takes home has none."""
    if place == "footer":
        lines = pdf_notice_lines(course, lang, report, sources, titles)
        text = " · ".join(escape(text) for _, text in lines)
        return Markup(f'<p class="translation-footer">{text}</p>') if lines else Markup("")
    return Markup(pdf_notice(course, lang, report, sources, titles))


def mark_pdf_html(document: str, lang: str) -> str:
    """Add the script styles and insert line-break opportunities (the templates place the translation notice)."""
    if lang == SOURCE:
        return document
    if lang in COMPLEX_SCRIPTS and "</head>" in document:
        document = document.replace("</head>", PRINT_SCRIPT_CSS + "</head>", 1)
    # English fallbacks are marked part by part by the templates (en(), render_pdf: the lesson body).
    from . import segment  # ICU: only for a build that makes PDFs, not for `check`
    return segment.break_html(document, lang)


def pdf_sources(course: Course) -> dict[str, tuple[list[Path], list[Path]]]:
    """Each PDF job's name (English) -> (the sources of what it prints, the sources of which it prints a title
    only), for its translation notice (pdf_notice_lines). The agenda, the forms and the fronts of the books print
    the sessions' titles and times, not the lessons, and so does each day's part of a facilitator guide; each session's
    part prints its lesson whole, each section of the back matter what it lists."""
    from .render_pdf import (agenda_name, attendance_name, certificate_name, evaluation_name, guide_part_name,
                             reader_front_name, session_part)
    course_yaml = [course.source / "course.yaml"]
    assessment = [course.source / "assessment.yaml"] if course.assessment else []
    glossary = sorted({e.path for e in course.glossary.values()})
    out = {handout_name(m): ([m.path] + [lesson.path for lesson in m.lessons] + glossary, []) for m in course.modules}
    out.update({f"{kind}-test.pdf": (assessment, []) for kind in ("pre", "post")})
    out[reader_front_name()] = (course_yaml, [m.path for m in course.modules] + [l.path for l in course.lessons])
    for edition in course.editions:
        titles = [lesson.path for lesson in edition.lessons]
        out[agenda_name(edition)] = out[attendance_name(edition)] = (course_yaml, titles)
        out[evaluation_name(edition)] = (course_yaml + assessment, titles)
        out[certificate_name(edition)] = (course_yaml, [])
        out[guide_part_name(edition, "front")] = (course_yaml, titles)
        for day in edition.days:
            out[guide_part_name(edition, f"day-{day.number}")] = (
                course_yaml, [s.lesson.path for s in day.sessions if s.lesson])
            for i, s in enumerate(day.sessions):
                if s.lesson:
                    out[guide_part_name(edition, session_part(day, i))] = (course_yaml + [s.lesson.path], [])
        out[guide_part_name(edition, "self-study")] = ([], [lesson.path for lesson in edition.self_study])
        out[guide_part_name(edition, "answer-key")] = (assessment, [])
        out[guide_part_name(edition, "glossary")] = (glossary, [])
        out[guide_part_name(edition, "references")] = ([], [])  # English data, shown as it is
    return out


def localize_jobs(jobs, lang: str) -> list:
    """Rename each PDF job for its language and mark its HTML (script styles, break opportunities)."""
    out = []
    for job in jobs:
        html = mark_pdf_html(job.html, lang)
        out.append(dataclasses.replace(job, name=pdf_name(job.name, lang), html=html))
    return out


def localize_book(book, lang: str):
    """A PDF book (render_pdf.PdfBook) for its language: its name, its parts' names, its front marked as a job."""
    return dataclasses.replace(book, name=pdf_name(book.name, lang),
                               parts=tuple((pdf_name(name, lang), title) for name, title in book.parts),
                               front=lambda anchors: localize_jobs([book.front(anchors)], lang)[0])


# --- The per-language build, called by the pipeline ----------------------------------------------

def translate_all(course: Course, report) -> dict:
    """{lang: (the course in lang, its LanguageReport)} for every language course.yaml lists."""
    from .translations import check_sources, translate
    check_sources(course, report)
    return {lang: translate(course, lang, report) for lang in (course.languages or (SOURCE,))}


def site_handouts(versions: dict, pdfs: dict) -> dict[str, bytes]:
    """Each language's trainee and facilitator site gets its own copy of its handouts, under the name its pages
    link to."""
    files = {}
    for lang, (course, _) in versions.items():
        for module in course.modules:
            name = pdf_name(handout_name(module), lang)
            if name in pdfs:
                for site in ("html", "facilitator"):
                    files[f"{site}/{prefix(lang)}handouts/{handout_name(module)}"] = pdfs[name]
    return files


def sites(versions: dict, templates: Path, fonts_dir: Path, report) -> dict[str, bytes]:
    """The trainee and facilitator sites in every language, each with its font subsets."""
    from .render_html import SiteRenderer
    files = {}
    reports = {lang: lang_report for lang, (_, lang_report) in versions.items()}
    for lang, (course, lang_report) in versions.items():
        built = {}
        for audience, folder in (("trainee", "html"), ("facilitator", "facilitator")):
            renderer = SiteRenderer(course, templates, audience, reports)
            install(renderer.env, course, lang, lang_report)
            built[folder] = renderer.render_all(report)
        # One set of font subsets per language, covering both sites, so each font is cut once.
        assets = site_assets({f"{folder}/{path}": data for folder, site in built.items()
                              for path, data in site.items()}, fonts_dir)
        for folder, site in built.items():
            site.update(assets)
            files.update({f"{folder}/{prefix(lang)}{path}": data for path, data in site.items()})
    return files


def translation_report(versions: dict, report) -> str:
    """The per-language report written to output/translation-report.txt."""
    parts = [r.format(report) for lang, (_, r) in versions.items() if lang != SOURCE]
    return "\n\n".join(parts) + "\n" if parts else "English only: nothing to translate.\n"
