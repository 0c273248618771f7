"""Render PDF stage: every printable document, laid out by WeasyPrint.

Trainee documents (handouts, the course reader, test and evaluation forms, the attendance sheet,
certificates, the agenda) are rendered with the trainee audience, so facilitator notes and answers
are absent from their HTML before layout. Only the facilitator guide uses the facilitator audience.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import re
import shutil
import signal
import tempfile
import multiprocessing
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from markupsafe import Markup

from . import i18n, markup, pdfbook
from .i18n import labels as labels_for
from .load import READ_BEFOREHAND_MESSAGE, READ_BEFOREHAND_NOTE, RECAP_MINUTES, hhmm
from .markup import RenderContext
from .model import Course, Edition, Lesson, Module
from .pages import handout_name, localized_image
from .render_html import ref_id, term_id
from .templating import environment, render_template
from .timing import session_plan

log = logging.getLogger(__name__)

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ATTENDANCE_ROWS = 14  # rows that fit one landscape page at a height people can sign in
WALK_IN_ROWS = 4  # blank rows, at least, under the names on a named attendance sheet: for people not on the list
HTML_ID = re.compile(r'\bid="([^"]+)"')
HTML_HREF = re.compile(r'\bhref="#([^"]+)"')


@dataclass(frozen=True)
class PdfJob:
    """One PDF to lay out: its HTML, and where relative URLs in it point."""

    name: str
    html: str
    base_url: str
    source: str  # the source file to blame for resource errors, relative to the project
    # For a document with a page plan (the agenda on one page, the evaluation form on two pages a day at most):
    # the most pages it may take, a stylesheet beside print.css that tightens the layout, applied only when the
    # document runs over without it, and what to do when it runs over even so.
    pages: int = 0
    fit: str | None = None
    advice: str = ""
    output: bool = True  # a file of output/pdf/; False: only a part of a book


@dataclass(frozen=True)
class PdfBook:
    """A PDF made of the PDFs of other jobs, its parts, each laid out once (a part may be a document of its own:
    the course reader's parts are the module handouts), behind a front (cover and contents) whose job is made
    once the parts are laid out: `front(anchors)` gets, for each part, its anchors and their page numbers
    (pdfbook.anchors). Each part keeps its own page numbers; the contents say which part and page."""

    name: str
    parts: tuple  # (job name, title of the part in the bookmarks), in order
    front: Callable[[list], PdfJob]


# The documents, by file name. Trainee documents must never carry trainer material.
def reader_name() -> str:
    return "course-reader.pdf"


def guide_name(edition: Edition) -> str:
    return f"facilitator-guide-{edition.id}.pdf"


def guide_part_name(edition: Edition, part: str) -> str:
    """The job of one part of a facilitator guide (a book): "front", "day-N" or "back"."""
    return f"facilitator-guide-{edition.id}.{part}.pdf"


def session_part(day, index: int) -> str:
    """The part of a facilitator guide (guide_part_name) that holds the session `index` of a day."""
    return f"day-{day.number}-session-{index}"


def reader_front_name() -> str:
    return "course-reader.front.pdf"


def agenda_name(edition: Edition) -> str:
    return f"agenda-{edition.id}.pdf"


def evaluation_name(edition: Edition) -> str:
    return f"daily-evaluation-{edition.id}.pdf"


def attendance_name(edition: Edition) -> str:
    return f"attendance-{edition.id}.pdf"


def certificate_name(edition: Edition) -> str:
    return f"certificate-{edition.id}.pdf"


def named_certificates_name(edition: Edition) -> str:
    return f"certificates-{edition.id}-named.pdf"


def named_attendance_name(edition: Edition) -> str:
    return f"attendance-{edition.id}-named.pdf"


def pdf_date(course: Course) -> str:
    """The date stamped in every PDF: SOURCE_DATE_EPOCH if set, else the course release date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return course.release_date.isoformat() + "T00:00:00Z"


def anchor(lesson: Lesson) -> str:
    """The id of a lesson's article in any PDF that contains it."""
    return "lesson-" + lesson.key.replace("/", "--")


def css_string(text) -> Markup:
    """Quote a text as a CSS string inside a <style> element (running headers, page footers)."""
    escaped = "".join(f"\\{ord(ch):x} " if ch in '"\\<>&' or ord(ch) < 32 else ch for ch in str(text))
    return Markup(f'"{escaped}"')


@dataclass(frozen=True)
class RenderedLesson:
    html: str
    answers: tuple  # one tuple of correct letters per quiz question, in order


class PdfRenderer:
    """Turns one Course (in one language) into PdfJobs: the HTML of every printable document."""

    def __init__(self, course: Course, templates: Path):
        self.course, self.templates = course, templates
        self.env = environment(templates)
        i18n.install(self.env, course.lang, medium="print")
        self.env.filters["css_string"] = css_string
        self.by_path = {lesson.path.resolve(): lesson for lesson in course.lessons}
        self._lessons: dict = {}
        self._guides: dict = {}

    def article_id(self, lesson: Lesson) -> str | None:
        """`lesson-<id>` on a lesson's article, as languages.mark_pdf_html looks for it (unique ids only)."""
        same = [other for other in self.course.lessons if other.id == lesson.id]
        return f"lesson-{lesson.id}" if len(same) == 1 else None

    def context(self, english: bool = False) -> RenderContext:
        """How to render text for print; `english`: English source text printed in a translated document (not
        translated yet), rendered as English throughout, its labels and term expansions too."""
        source = self.course.written_in(english)
        return RenderContext(references=self.course.references, glossary=source.glossary,
                             lang=source.lang, labels=labels_for(source.lang),
                             digits=lambda n: i18n.digits(n, source.lang),
                             link=lambda href: href if ":" in href or href.startswith("#") else None,
                             image=lambda src: src,
                             glossary_url=lambda t: "#" + term_id(t), reference_url=lambda r: "#" + ref_id(r))

    def lesson(self, lesson: Lesson, audience: str, present: frozenset, report) -> RenderedLesson:
        """A lesson's body for print; links to lessons in `present` (same PDF) stay, others become text."""
        key = (lesson.key, audience, present)
        if key in self._lessons:
            return self._lessons[key]
        prefix = anchor(lesson) + "--"

        def link(href: str):
            if re.match(r"^[a-z][a-z0-9+.-]*:", href):
                return href
            if href.startswith("#"):
                return "#" + prefix + href[1:]
            file_part, _, frag = href.partition("#")
            target = self.by_path.get((lesson.path.parent / file_part).resolve())
            if target is None or target.key not in present:
                return None
            return "#" + anchor(target) + (f"--{frag}" if frag else "")

        english = "body" in lesson.english
        ctx = self.context(english)
        lang = "en" if english else self.course.lang
        ctx.image = lambda src: src if re.match(r"^[a-z]+:", src) else course_url(
            localized_image(lesson.path.parent / src, lang), self.course.root)
        ctx.link = link
        out = markup.render(lesson.body, path=lesson.path, report=report, ctx=ctx, audience=audience,
                            medium="print", offset=lesson.body_line)
        html = HTML_ID.sub(lambda m: f'id="{prefix}{m.group(1)}"', out.html)
        if english:  # marked so that hyphenation, line breaking and the PDF's tags treat it as English
            html = f'<div lang="en">\n{html}</div>\n'
        answers = tuple(tuple(LETTERS[i] for i, c in enumerate([c for c in (q.get("choices") or []) if c])
                              if c.get("correct")) for _, q in out.state.questions if q)
        rendered = RenderedLesson(html, answers)
        self._lessons[key] = rendered
        return rendered

    def common(self):
        ctx = self.context()
        return dict(course=self.course, inline=lambda t: markup.render_inline(t, ctx), term_id=term_id,
                    ref_id=ref_id, pdf_date=pdf_date(self.course), lang=self.course.lang, anchor=anchor,
                    article_id=self.article_id,
                    letters=LETTERS, handout_name=handout_name,
                    # English data shown in a translated document as it is (references, the agenda's notes)
                    english_data=Markup(' lang="en"') if self.course.lang != "en" else Markup(""),
                    beforehand_note=i18n.gettext_for(self.course.lang)(READ_BEFOREHAND_MESSAGE) % {
                        "m": i18n.digits(RECAP_MINUTES, self.course.lang)},
                    author_note=author_note, script_lang=script_lang)

    def job(self, name: str, template: str, source: str, header: str | None = None, fit: tuple = (0, None, ""),
            **context) -> PdfJob:
        """The PdfJob of one document; `fit`: its page plan, (most pages, tightening stylesheet, advice)."""
        return self.job_of_html(name, self.html(name, template, header, **context), source, fit)

    def html(self, name: str, template: str, header: str | None = None, **context) -> str:
        """The document `name`'s HTML; the template places its translation notice (pdf_notice(job_name))."""
        return render_template(self.env, template, **self.common(), header=header or self.course.title,
                               job_name=name, **context)

    def job_of_html(self, name: str, html: str, source: str, fit: tuple = (0, None, ""), output: bool = True) -> PdfJob:
        # A link whose target is not in this document (a heading of a lesson printed elsewhere) becomes
        # plain text: WeasyPrint would otherwise warn about the missing anchor.
        ids = set(HTML_ID.findall(html))
        html = HTML_HREF.sub(lambda m: m.group(0) if m.group(1) in ids else "", html)
        return PdfJob(name, html, (self.templates / "pdf").resolve().as_uri() + "/", source, *fit, output=output)

    def jobs(self, report, only_module: str | None = None) -> list[PdfJob]:
        """Every PDF of the course; with only_module (an id or folder name), that module's handout alone."""
        course = self.course
        course_yaml = course.source.name + "/course.yaml"
        out = [self.handout(module, report) for module in course.modules
               if only_module in (None, module.id, module.folder)]
        if only_module:
            return out
        if course.assessment:
            for kind in ("pre", "post"):
                out.append(self.job(f"{kind}-test.pdf", "pdf/test.html", course.source.name + "/assessment.yaml",
                                    test=course.assessment, kind=kind))
        for edition in course.editions:
            out += self.guide(edition, report)[0]
            out.append(self.job(agenda_name(edition), "pdf/agenda.html", course_yaml, edition=edition,
                                fit=(1, "agenda-tight.css", "shorten the session titles or the day's sessions")))
            if course.assessment:
                sides = {day.number: evaluation_sides(day, course.assessment) for day in edition.days}
                out.append(self.job(evaluation_name(edition), "pdf/evaluation.html", course_yaml, edition=edition,
                                    evaluation=course.assessment, sides=sides,
                                    fit=(sum(sides.values()), "evaluation-tight.css",
                                         "shorten the rating statements, the open questions or the day's sessions")))
            out.append(self.job(attendance_name(edition), "pdf/attendance.html", course_yaml, edition=edition,
                                sheets=attendance_sheets(())))
            out.append(self.job(certificate_name(edition), "pdf/certificate.html", course_yaml, edition=edition,
                                participants=(None,), learning_minutes=learning_minutes(edition)))
        return out

    def books(self, report) -> list[PdfBook]:
        """The PDFs put together from other jobs' PDFs: the course reader, from the module handouts; each
        facilitator guide, from its parts (PdfRenderer.guide)."""
        return [self.reader(report)] + [self.guide(edition, report)[1] for edition in self.course.editions]

    def job_with_back_matter(self, name: str, template: str, source: str, header: str | None = None,
                             **context) -> PdfJob:
        """A document that ends with the glossary terms and the references it shows: the template is rendered once
        without them to find the term and citation links in what it prints, then with them."""
        draft = self.html(name, template, header, terms=[], refs=[], **context)
        terms, refs = linked_terms_and_refs(self.course, draft)
        return self.job(name, template, source, header, terms=terms, refs=refs, **context)

    def named_documents(self, participants) -> list[PdfJob]:
        """For each edition, one certificate per participant and the attendance sheet with their names. Never
        cached: the names are personal data."""
        if not participants:
            return []
        course_yaml = self.course.source.name + "/course.yaml"
        out = []
        for edition in self.course.editions:
            out.append(self.job(named_certificates_name(edition), "pdf/certificate.html", course_yaml, edition=edition,
                                participants=tuple(participants), learning_minutes=learning_minutes(edition)))
            out.append(self.job(named_attendance_name(edition), "pdf/attendance.html", course_yaml, edition=edition,
                                sheets=attendance_sheets(tuple(participants))))
        return out

    def handout(self, module: Module, report) -> PdfJob:
        present = frozenset(lesson.key for lesson in module.lessons)
        lessons = [(lesson, self.lesson(lesson, "trainee", present, report)) for lesson in module.lessons]
        return self.job_with_back_matter(handout_name(module), "pdf/handout.html",
                                         self.course.source.name + "/" + module.folder, module=module, lessons=lessons)

    def reader(self, report) -> PdfBook:
        """Every module handout, page for page, behind a cover and contents of its own: the contents give each
        lesson's page in its module's handout, the number printed at the foot of that page."""
        modules = self.course.modules
        _ = i18n.gettext_for(self.course.lang)
        parts = tuple((handout_name(m), _("Module %(n)s") % {"n": i18n.digits(m.number, self.course.lang)}
                       + ": " + m.title) for m in modules)

        def front(anchors: list) -> PdfJob:
            return self.job(reader_front_name(), "pdf/reader.html",
                            self.course.source.name + "/course.yaml",
                            modules=list(zip(range(1, len(modules) + 1), modules, anchors)),
                            part_link=pdfbook.part_link)

        return PdfBook(reader_name(), parts, front)

    def guide(self, edition: Edition, report) -> tuple[list[PdfJob], PdfBook]:
        """A facilitator guide: (its parts' jobs, the book). Its parts are laid out on their own, so that an edit
        lays out again only the part it touches: one per day (its agenda and materials), one per session (its
        lesson with the facilitator notes) and one per section of the back matter (self-study, answer key,
        glossary, references), each with its title beside its page numbers; the front (cover, contents, agenda,
        what to print) is laid out once the parts are, its contents giving each entry's part and page. A link to
        another part (a glossary term, a lesson taught another day) becomes a pdfbook.part_link."""
        if edition.id in self._guides:
            return self._guides[edition.id]
        present = frozenset(lesson.key for lesson in edition.lessons)
        lessons = {lesson.key: self.lesson(lesson, "facilitator", present, report) for lesson in edition.lessons}
        plans = {(day.number, i): session_plan(s)
                 for day in edition.days for i, s in enumerate(day.sessions) if s.lesson}
        first_session = {}
        for day in edition.days:
            for i, s in enumerate(day.sessions):
                if s.lesson:
                    first_session.setdefault(s.lesson.key, (day.number, i))
        modules = {m.id: m for m in self.course.modules}
        materials = materials_by_lesson(edition.lessons)
        # Activity options come from English in every language, like a lesson's untranslated list of materials.
        english = {m for lesson in edition.lessons if self.course.lang != "en"
                   for m in activity_materials(lesson) + (list(lesson.materials) if "materials" in lesson.english else [])}
        by_day = {day.number: _unique(m for s in day.sessions if s.lesson for m in materials[s.lesson.key])
                  for day in edition.days}
        _ = i18n.gettext_for(self.course.lang)
        header = self.course.title + " · " + _("Facilitator guide")
        source = self.course.source.name + "/course.yaml"
        context = dict(edition=edition, lessons=lessons, plans=plans, modules=modules, first_session=first_session,
                       materials=materials, materials_by_day=by_day, english_materials=english,
                       assessment=self.course.assessment, documents=print_list(self.course, edition),
                       attendance_rows=ATTENDANCE_ROWS, part_link=pdfbook.part_link)
        html = lambda part, title, name, **more: self.html(  # noqa: E731
            guide_part_name(edition, name), "pdf/guide.html", header, part=part, page_part=title, **context, **more)
        parts, days = [], []
        for day in edition.days:
            parts.append((f"day-{day.number}", day.title, html("day", day.title, f"day-{day.number}", day=day)))
            days.append((len(parts), day, []))
            for i, s in enumerate(day.sessions):
                if s.lesson:
                    title = day.title + " · " + i18n.digits(hhmm(s.start), self.course.lang)
                    parts.append((session_part(day, i), title, html("session", title, session_part(day, i), day=day,
                                                                    index=i)))
                    days[-1][2].append((len(parts), s))
        first_back = len(parts)
        if edition.self_study:
            parts.append(("self-study", _("Self-study"), html("self-study", _("Self-study"), "self-study")))
        if self.course.assessment:
            title = _("Pre-test and post-test answer key")
            parts.append(("answer-key", title, html("answer-key", title, "answer-key")))
        # The glossary and the references list what the parts before them print, as job_with_back_matter's do.
        terms, refs = linked_terms_and_refs(self.course, "".join(text for _, _, text in parts))
        if terms:
            parts.append(("glossary", _("Glossary"), html("glossary", _("Glossary"), "glossary", terms=terms)))
        if refs:
            parts.append(("references", _("References"), html("references", _("References"), "references",
                                                               refs=refs)))
        names = [guide_part_name(edition, part) for part, _, _ in parts]
        jobs = [self.job_of_html(name, text, source, output=False)
                for name, text in zip(names, part_links([text for _, _, text in parts]))]
        titles = [title for _, title, _ in parts]
        back = list(zip(range(first_back + 1, len(parts) + 1), titles[first_back:]))

        def front(anchors: list) -> PdfJob:  # each part starts at its page 1: the anchors are not needed
            return self.job(guide_part_name(edition, "front"), "pdf/guide.html", source, header, part="front",
                            days=days, back=back, **context)

        self._guides[edition.id] = jobs, PdfBook(guide_name(edition), tuple(zip(names, titles)), front)
        return self._guides[edition.id]


def part_links(htmls: list[str]) -> list[str]:
    """The HTML of a book's parts, each link to an id of another part made a pdfbook.part_link (parts from 1)."""
    where: dict[str, int] = {}
    for number, html in enumerate(htmls, 1):
        for id in HTML_ID.findall(html):
            where.setdefault(id, number)
    out = []
    for number, html in enumerate(htmls, 1):
        own = set(HTML_ID.findall(html))
        out.append(HTML_HREF.sub(lambda m: m.group(0) if m.group(1) in own or m.group(1) not in where
                                 else f'href="{pdfbook.part_link(where[m.group(1)], m.group(1))}"', html))
    return out


def evaluation_sides(day, assessment) -> int:
    """The pages of one day's evaluation form: 1, or 2 when the open questions go on the back. From the front's
    estimated height in mm with English text; translations keep this plan (evaluation-tight.css, when needed)."""
    lessons = sum(1 for s in day.sessions if s.lesson)
    height = (60 + 10 * len(assessment.ratings) + (12 + 10 * lessons if lessons else 0)
              + 40 * len(assessment.open_questions))
    return 2 if height > 250 else 1


def script_lang(text) -> Markup:
    """` lang="my"` for a participant's name in Khmer, Burmese or Thai script: its line spacing and line breaks
    follow the script's (print.css), whatever the document's language."""
    from .segment import UNSPACED, lang_of_run
    run = UNSPACED.search(text) if isinstance(text, str) else None
    lang = lang_of_run(run.group(0), "") if run else ""
    return Markup(f' lang="{lang}"') if lang in ("km", "my", "th") else Markup("")


def author_note(session) -> str | None:
    """The note course.yaml gives a session, without the builder's read-beforehand note that load.py puts before
    it (print shows that one in the reader's language)."""
    note = session.note
    if note and session.read_beforehand and note.startswith(READ_BEFOREHAND_NOTE):
        note = note[len(READ_BEFOREHAND_NOTE):].strip()
    return note or None


def attendance_sheets(participants) -> list[list[tuple]]:
    """The rows of an attendance sheet, page by page: (number, participant or None for a blank row).

    Every page has ATTENDANCE_ROWS rows; the participants come first, then at least WALK_IN_ROWS blank rows,
    and the last page is filled up with blank rows. Without participants: one page of blank rows."""
    people = list(participants)
    wanted = len(people) + WALK_IN_ROWS if people else ATTENDANCE_ROWS
    rows = people + [None] * (-(-wanted // ATTENDANCE_ROWS) * ATTENDANCE_ROWS - len(people))
    return [list(enumerate(rows[i:i + ATTENDANCE_ROWS], i + 1)) for i in range(0, len(rows), ATTENDANCE_ROWS)]


def learning_minutes(edition: Edition) -> int:
    return sum(s.minutes for day in edition.days for s in day.sessions if s.lesson)


def materials_by_lesson(lessons) -> dict:
    """Lesson key -> the materials to prepare: the lesson's own, then each activity's, without repeats."""
    return {lesson.key: _unique(list(lesson.materials) + activity_materials(lesson)) for lesson in lessons}


def _unique(items) -> list[str]:
    """Items without repeats; an item already said inside an earlier one ('markers' after 'paper and
    markers') is a repeat too."""
    out: list[str] = []
    for item in items:
        words = re.compile(r"(?<!\w)" + re.escape(item.lower().strip()) + r"(?!\w)")
        if item.strip() and not any(words.search(earlier.lower()) for earlier in out):
            out.append(item)
    return out


def activity_materials(lesson: Lesson) -> list[str]:
    import yaml
    items = []
    lines = lesson.body.splitlines()
    for i, line in enumerate(lines):
        m = markup.HEADER.match(line)
        if not m or m.group(2).lower() != "activity":
            continue
        options = []
        for text in lines[i + 1:]:
            if not text.startswith("    ") or not text.strip():
                break
            options.append(text[4:])
        try:
            data = yaml.safe_load("\n".join(options)) if options else None
        except yaml.YAMLError:
            continue
        if isinstance(data, dict) and isinstance(data.get("materials"), list):
            items += [str(x) for x in data["materials"] if x not in (None, "")]
    return items


@dataclass(frozen=True)
class PrintItem:
    """One document in the guide's printing checklist."""

    name: str
    what: str
    copies: str


def course_url(path: Path, root: Path) -> str:
    """A `course:` URL for a file of the project (fetch.ProjectFetcher serves it): WeasyPrint names each image
    in the PDF after its URL, so a URL that does not say where the project is keeps the PDF the same wherever
    it is built (a cached PDF from before a move is then what a clean build makes)."""
    from urllib.parse import quote
    try:
        rel = path.resolve().relative_to(Path(root).resolve())
    except ValueError:  # outside the project: the fetcher refuses it, with its message
        return path.resolve().as_uri()
    return "course:" + quote(rel.as_posix())


def print_list(course: Course, edition: Edition) -> list[PrintItem]:
    """What to print before the course, and how many copies (the template translates the words)."""
    modules = []
    for lesson in edition.lessons:
        module = course.module(lesson.module_id)
        if module and module not in modules:
            modules.append(module)
    items = [PrintItem(agenda_name(edition), "agenda", "trainee")]
    items += [PrintItem(handout_name(m), "handout:" + str(m.number), "trainee") for m in modules]
    if course.assessment:
        items += [PrintItem("pre-test.pdf", "pre-test", "trainee"), PrintItem("post-test.pdf", "post-test", "trainee"),
                  PrintItem(evaluation_name(edition), "evaluation", "trainee")]
    items += [PrintItem(attendance_name(edition), "attendance", "one"),
              PrintItem(certificate_name(edition), "certificate", "trainee"),
              PrintItem(guide_name(edition), "guide", "facilitator")]
    return items


def linked_terms_and_refs(course: Course, html: str) -> tuple[list, list]:
    """The glossary entries and references a document's HTML links to, in glossary and reference-list order.

    Every glossary term the markup renderer marks and every citation is a link (#term-…, #ref-…), so these are
    exactly the terms and sources the printed text uses, in the document's audience and language."""
    targets = set(HTML_HREF.findall(html))
    return ([course.glossary[t] for t in course.glossary if term_id(t) in targets],
            [course.references[r] for r in course.references if ref_id(r) in targets])


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
    from .overlap import overlapping_lines
    handler = _Collect()
    wlog = logging.getLogger("weasyprint")
    wlog.addHandler(handler)
    wlog.propagate = False
    try:
        fetcher = ProjectFetcher([Path(r) for r in roots])
        # The identifier from the HTML with the project's folder left out, so that the same course gives the same
        # PDF wherever it is built.
        from .store import Places
        portable = Places(roots).portable(job.html)
        ident = hashlib.sha256(portable.encode("utf-8")).hexdigest()[:32].encode("ascii")
        options = dict(pdf_identifier=ident, pdf_variant="pdf/ua-1", uncompressed_pdf=False)
        document = weasyprint.HTML(string=job.html, base_url=job.base_url, url_fetcher=fetcher).render(**options)
        if job.pages and job.fit and len(document.pages) > job.pages:
            # Linked after print.css, so that its rules win; the HTML (and so the cache key) stays the same.
            tight = job.html.replace("</head>", f'<link rel="stylesheet" href="{job.fit}">\n</head>', 1)
            document = weasyprint.HTML(string=tight, base_url=job.base_url, url_fetcher=fetcher).render(**options)
        if job.pages and len(document.pages) > job.pages:
            expected = "one is" if job.pages == 1 else f"{job.pages} are"
            handler.records.append(f"takes {len(document.pages)} pages where {expected} expected"
                                   + (f", even with {job.fit}" if job.fit else "") + f": {job.advice}")
        # Lines whose marks touch (Khmer and Burmese need more line-height than Latin): measured on the laid-out
        # boxes, so every PDF of every language is checked by every build.
        handler.records += [overlap.message() for overlap in overlapping_lines(document)]
        return job.name, document.write_pdf(**options), handler.records, None
    except ResourceError as exc:
        return job.name, None, handler.records, f"{exc.reason}: {exc.url}"
    finally:
        wlog.removeHandler(handler)


@contextmanager
def private_tempdir():
    """Point `tempfile` at a folder of this build's own while PDFs are laid out, and remove it afterwards.

    WeasyPrint copies the fonts of each document into a `weasyprint-*` folder of the temporary folder and
    removes it only when the document's font configuration is garbage-collected, which a worker process that
    exits never does: a day of builds left hundreds of them (711 MB). Workers are forked inside this block and
    inherit the setting, so everything they leave is removed with the folder."""
    folder = tempfile.mkdtemp(prefix="courseware-pdf-")
    before = tempfile.tempdir
    tempfile.tempdir = folder
    try:
        yield Path(folder)
    finally:
        tempfile.tempdir = before
        shutil.rmtree(folder, ignore_errors=True)


def _die_with_the_build() -> None:
    """Worker initialiser: on Linux, ask the kernel to stop this worker when the build process dies (killed, or
    stopped with Ctrl+C), instead of letting it lay out PDFs for minutes as an orphan. The build handles Ctrl+C
    and SIGTERM and terminates its workers; a worker itself just stops on SIGTERM, without a traceback."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the pool's own shutdown is all there is
        pass
    if os.getppid() == 1:  # the build died before the request was made
        os._exit(1)


def render_pdfs(jobs: list[PdfJob], roots: list, report, workers: int | None = None) -> dict[str, bytes]:
    """Lay out every job, in parallel across the machine's cores, longest first."""
    files: dict[str, bytes] = {}
    workers = workers or min(len(jobs), os.cpu_count() or 1) or 1
    ordered = sorted(jobs, key=lambda j: -len(j.html))  # the big ones start first, so cores stay busy
    with private_tempdir():
        if workers == 1 or len(jobs) <= 1:
            results = [lay_out(job, roots) for job in ordered]
        else:
            # A multiprocessing pool, not concurrent.futures: leaving the block terminates the workers at once,
            # so a build stopped with Ctrl+C or SIGTERM does not wait minutes for the layouts under way.
            with multiprocessing.get_context("fork").Pool(workers, initializer=_die_with_the_build) as pool:
                results = pool.starmap(lay_out, [(job, roots) for job in ordered], chunksize=1)
    by_name = {job.name: job for job in jobs}
    for name, pdf, warnings, fatal in sorted(results, key=lambda r: r[0]):
        job = by_name[name]
        for w in warnings:
            report.warning(job.source, 1, 1, f"{name}: layout warning: {w}", "pdf-layout")
        if fatal:
            report.error(job.source, 1, 1, f"{name}: {fatal}", "pdf-resource")
        elif pdf is not None:
            files[name] = pdf
    return files
