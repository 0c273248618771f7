"""LMS stage: SCORM 1.2 and SCORM 2004 packages and an IMS Common Cartridge, made from the trainee pages the
build already made (nothing is rendered twice), for organisations that run Moodle or another LMS.

Per language, output/lms/ holds:

- scorm12/NN-<module>.<lang>.zip and scorm2004/NN-<module>.<lang>.zip: one module, one SCO, one grade item;
- scorm12/course.<lang>.zip and scorm2004/course.<lang>.zip: the whole course as one SCO (one bookmark, one
  score over every quiz, and links between modules that keep working);
- course.<lang>.imscc: an IMS Common Cartridge 1.3, the lessons as web content and every quiz as a QTI
  assessment.

A package holds the trainee pages it needs, with the links to pages it does not hold taken out (the language
switcher, the search form, menu items and the previous/next links that lead out of it), the assets those
pages use, and a launch page (templates/lms/launch.html) whose script (templates/lms/scorm.js) finds the
LMS's API, shows the pages in a frame and reports what the learner does (see the README, "LMS packages").
"""

from __future__ import annotations

import functools
import json
import posixpath
import re
import urllib.parse
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import jinja2
import rjsmin

from .languages import language_site, without_switcher
from .model import Course, Module
from .pages import lesson_path, module_path
from .zipper import Zipper

LMS = "lms"  # the packages' folder in output/
LAUNCH = "launch.html"
SCRIPT = "assets/scorm.js"
EDITIONS = {"scorm12": "1.2", "scorm2004": "2004"}
LETTERS = "abcdefghijklmnopqrstuvwxyz"  # choice identifiers: SCORM 1.2 allows single characters a-z and 0-9
LEFT_OUT = ("handouts.html", "progress.html")  # print copies for trainers; progress kept in the browser, not the LMS

REF = re.compile(r'\b(?:href|src)="([^"]*)"')
CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+)["']?\s*\)""")
SEARCH_FORM = re.compile(r'(?m)^[ \t]*<form class="search-form".*?</form>\n?', re.S)
LINK_ITEM = re.compile(r'(?m)^[ \t]*<li(?: class="[^"]*")?><a href="([^"]*)"[^>]*>[^<]*</a></li>\n?')
PAGER_LINK = re.compile(r'(?m)^[ \t]*<a class="(?:prev|next)" rel="(?:prev|next)" href="([^"]*)">.*?</a>\n?', re.S)
ANCHOR = re.compile(r'<a\b([^>]*?) href="([^"]*)"')
NOT_ID = re.compile(r"[^A-Za-z0-9._-]+")
QUIZ_PARTS = re.compile(r'<html\b[^>]*>|<article\b[^>]*>|<div class="prose"[^>]*>|<section class="block quiz">.*?</section>',
                        re.S)


@dataclass(frozen=True)
class Choice:
    text: str
    correct: bool
    feedback: str


@dataclass(frozen=True)
class Question:
    prompt: str
    choices: tuple[Choice, ...]

    @property
    def multiple(self) -> bool:
        return sum(c.correct for c in self.choices) > 1


@dataclass(frozen=True)
class Quiz:
    """One quiz of a lesson page, read back from the page: its questions, right answers and feedback."""
    page: str  # the lesson page, relative to the language's site root
    lesson: str  # the lesson's key, module-id/lesson-id
    index: int  # its place among the page's quizzes (app.js counts them the same way)
    title: str
    lang: str  # the language its text is written in (English on a site whose lesson is not translated yet)
    questions: tuple[Question, ...]

    @property
    def id(self) -> str:
        return f"{self.lesson.replace('/', '.')}.quiz{self.index + 1}"


@dataclass(frozen=True)
class Sco:
    """One shareable content object: a module, or the whole course, in one language."""
    id: str  # NN-<module> or 'course'
    lang: str
    title: str
    description: str
    start: str  # the first page shown
    lessons: tuple[str, ...]  # the lesson pages a learner opens to complete it
    quizzes: tuple[Quiz, ...]
    files: dict = field(hash=False, compare=False)  # path in the package -> bytes (pages, assets; no launch page)


def packages(versions: dict, files: dict[str, bytes], course: Course, templates: Path) -> dict[str, bytes]:
    """Every LMS package of every language, as output paths (lms/...) -> bytes.

    `versions` is {lang: (course in lang, translation report)} (languages.translate_all); `files` holds the
    trainee sites already built, under html/ (English) and html/<lang>/."""
    env = _environment(templates / "lms")
    script = rjsmin.jsmin((templates / "lms" / "scorm.js").read_text(encoding="utf-8")).encode("utf-8") + b"\n"
    zipper = Zipper(course.release_date)
    out: dict[str, bytes] = {}
    for lang, (version, _) in versions.items():
        site = language_site(files, lang, course.languages)
        quizzes = {path: read_quizzes(path, site[path]) for path in sorted(site) if path.endswith(".html")}
        scos = [module_sco(module, lang, site, quizzes) for module in version.modules]
        scos.append(course_sco(version, lang, site, quizzes))
        for sco in scos:
            for folder, edition in EDITIONS.items():
                package = dict(sco.files)
                package[LAUNCH] = launch_page(env, sco, edition, course.mastery_score)
                package[SCRIPT] = script
                package["imsmanifest.xml"] = scorm_manifest(env, sco, edition, course, sorted(package))
                out[f"{LMS}/{folder}/{sco.id}.{lang}.zip"] = zipper.zip(package)
        out[f"{LMS}/course.{lang}.imscc"] = zipper.zip(cartridge(env, version, lang, site, quizzes, course))
    return out


def summary(files: dict[str, bytes]) -> list[str]:
    """A line for the terminal: how many packages, and the largest."""
    built = {k: len(v) for k, v in files.items() if k.startswith(LMS + "/")}
    if not built:
        return []
    scorm = [k for k in built if k.endswith(".zip")]
    largest = max(built, key=built.get)
    return [f"LMS packages: {len(scorm)} SCORM, {len(built) - len(scorm)} Common Cartridge; largest "
            f"{built[largest] / 1e6:.1f} MB ({largest}), {sum(built.values()) / 1e6:.1f} MB in all"]


# --- What goes in a package ------------------------------------------------------------------------------

def module_sco(module: Module, lang: str, site: dict, quizzes: dict) -> Sco:
    """A module: its overview and lessons, with the glossary and references they link to."""
    lessons = tuple(lesson_path(lesson) for lesson in module.lessons)
    pages = [module_path(module), *lessons, "glossary.html", "references.html"]
    return Sco(id=f"{module.number:02d}-{module.id}", lang=lang, title=module.title, description=module.summary,
               start=module_path(module), lessons=lessons,
               quizzes=tuple(q for page in lessons for q in quizzes.get(page, ())), files=gather(site, pages))


def course_sco(course: Course, lang: str, site: dict, quizzes: dict) -> Sco:
    """The whole course: every page of the trainee site but the handouts and the progress page."""
    lessons = tuple(lesson_path(lesson) for lesson in course.lessons)
    pages = [p for p in sorted(site) if p.endswith(".html") and p not in LEFT_OUT]
    return Sco(id="course", lang=lang, title=course.title, description=_course_description(course),
               start="index.html", lessons=lessons,
               quizzes=tuple(q for page in lessons for q in quizzes.get(page, ())), files=gather(site, pages))


def _course_description(course: Course) -> str:
    return course.subtitle or next((e.summary for e in course.editions if e.summary), course.title)


def gather(site: dict[str, bytes], pages: list[str]) -> dict[str, bytes]:
    """`pages` and every file they use (stylesheets, scripts, fonts, images), with the links to pages left
    out taken out of them."""
    out: dict[str, bytes] = {}
    todo = [p for p in pages if p in site]
    while todo:
        path = todo.pop()
        if path in out:
            continue
        out[path] = site[path]
        if path.endswith(".html"):
            refs = REF.findall(site[path].decode("utf-8"))
        elif path.endswith(".css"):
            refs = CSS_URL.findall(site[path].decode("utf-8"))
        else:
            continue
        for ref in refs:
            target = _target(path, ref)
            if target and target in site and not target.endswith((".html", ".pdf")):
                todo.append(target)  # a page is in the package only if chosen; a PDF never is (print)
    for font in [p for p in out if p.endswith(".woff2")]:  # the fonts' licence travels with them (SIL OFL 1.1)
        licence = posixpath.join(posixpath.dirname(font), "OFL.txt")
        if licence in site:
            out[licence] = site[licence]
    present = set(out)
    for path in out:
        if path.endswith(".html"):
            out[path] = trim_links(out[path].decode("utf-8"), path, present).encode("utf-8")
    return out


def _target(page: str, ref: str) -> str | None:
    """The site path a reference on `page` points to; None for anchors, other sites and data: URLs."""
    return _resolve(posixpath.dirname(page), ref)


@functools.lru_cache(maxsize=None)
def _resolve(folder: str, ref: str) -> str | None:
    if not ref or ref.startswith(("#", "data:", "mailto:", "javascript:", "//")) or re.match(r"^[a-z]+:", ref):
        return None
    path = urllib.parse.unquote(ref.split("#", 1)[0].split("?", 1)[0])
    if not path:
        return None
    return posixpath.normpath(posixpath.join(folder, path))


def trim_links(html: str, page: str, present: set[str]) -> str:
    """`html` without links to files outside the package: the language switcher (each language is its own
    package), the search form if search.html is left out, menu and breadcrumb items, previous and next
    links; any other link to a missing page keeps its words but loses its href."""
    def missing(ref: str) -> bool:
        target = _target(page, ref)
        return target is not None and target not in present

    html = without_switcher(html)
    if missing("search.html" if "/" not in page else "../" * page.count("/") + "search.html"):
        html = SEARCH_FORM.sub("", html)
    html = LINK_ITEM.sub(lambda m: "" if missing(m.group(1)) else m.group(0), html)
    html = PAGER_LINK.sub(lambda m: "" if missing(m.group(1)) else m.group(0), html)
    return ANCHOR.sub(lambda m: f"<a{m.group(1)}" if missing(m.group(2)) else m.group(0), html)


# --- Quizzes, read back from the trainee pages ------------------------------------------------------------

class _QuizReader(HTMLParser):
    """Collects each quiz of a trainee lesson page: title, prompts, choices and the quiz-data script (the right
    answers and feedback app.js already uses)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lesson = ""
        self.page_lang = ""
        self.text_lang: list[str] = []  # lang of the open elements that have one
        self.open: list[tuple[str, str | None]] = []  # (tag, lang) of every open element
        self.quizzes: list[dict] = []
        self.capture: tuple[str, str] | None = None  # (what, closing tag)
        self.buffer: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag in ("meta", "link", "img", "br", "input", "hr", "source", "wbr"):
            return
        self.open.append((tag, a.get("lang")))
        if tag == "html":
            self.page_lang = a.get("lang") or ""
        if tag == "article" and "lesson" in classes:
            self.lesson = a.get("data-lesson") or ""
        if tag == "section" and "quiz" in classes:
            langs = [lang for _, lang in self.open if lang]
            self.quizzes.append({"title": "", "prompts": [], "choices": [], "data": "[]",
                                 "lang": langs[-1] if langs else self.page_lang})
        elif not self.quizzes or self.capture or not self._in_quiz():
            return
        elif tag == "h3" and "block-title" in classes:
            self._start("title", tag)
        elif tag == "p" and "quiz-prompt" in classes:
            self.quizzes[-1]["choices"].append([])
            self._start("prompt", tag)
        elif tag == "li" and "quiz-choice" in classes:
            self._start("choice", tag)
        elif tag == "script" and "quiz-data" in classes:
            self._start("data", tag)

    def _in_quiz(self) -> bool:
        return any(tag == "section" for tag, _ in self.open)

    def _start(self, what, tag):
        self.capture, self.buffer = (what, tag), []

    def handle_data(self, data):
        if self.capture:
            self.buffer.append(data)

    def handle_endtag(self, tag):
        if self.capture and tag == self.capture[1]:
            what = self.capture[0]
            text = "".join(self.buffer)
            quiz = self.quizzes[-1]
            if what == "data":
                quiz["data"] = text
            else:
                text = " ".join(text.split())
                if what == "title":
                    quiz["title"] = text
                elif what == "prompt":
                    quiz["prompts"].append(text)
                else:
                    quiz["choices"][-1].append(text)
            self.capture = None
        while self.open:
            if self.open.pop()[0] == tag:
                break


def read_quizzes(page: str, html: bytes) -> tuple[Quiz, ...]:
    """The quizzes of a trainee page, in the order app.js numbers them; () for a page without any."""
    if b'class="block quiz"' not in html:
        return ()
    text = html.decode("utf-8")
    reader = _QuizReader()
    # Only what the reader needs, for speed: the <html> and lesson <article> tags, and each quiz's section
    # with the tags that open around it (for the language its text is in).
    reader.feed("".join(m.group(0) for m in QUIZ_PARTS.finditer(text)))
    quizzes = []
    for index, q in enumerate(reader.quizzes):
        answers = json.loads(q["data"])
        questions = tuple(
            Question(prompt, tuple(Choice(text, bool(a.get("correct")), a.get("feedback") or "")
                                   for text, a in zip(choices, answer)))
            for prompt, choices, answer in zip(q["prompts"], q["choices"], answers))
        quizzes.append(Quiz(page=page, lesson=reader.lesson, index=index, title=q["title"],
                            lang=q["lang"] or reader.page_lang, questions=questions))
    return tuple(quizzes)


# --- SCORM ---------------------------------------------------------------------------------------------

def launch_page(env: jinja2.Environment, sco: Sco, edition: str, mastery: int) -> bytes:
    """The page an LMS opens: it finds the API, then shows the pages in a frame and tracks them."""
    questions = sum(len(q.questions) for q in sco.quizzes)
    data = {
        "scorm": edition,
        "title": sco.title,
        "start": sco.start,
        "pages": sorted(p for p in sco.files if p.endswith(".html")),
        "lessons": list(sco.lessons),
        "quizzes": [{"page": q.page, "quiz": q.index, "id": q.id, "choices": [len(x.choices) for x in q.questions]}
                    for q in sco.quizzes],
        "mastery": mastery if questions else None,
    }
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).replace("</", "<\\/")
    return env.get_template("launch.html").render(sco=sco, data=text).encode("utf-8")


def scorm_manifest(env: jinja2.Environment, sco: Sco, edition: str, course: Course, files: list[str]) -> bytes:
    """imsmanifest.xml for SCORM 1.2 or SCORM 2004 4th Edition: one organization, one item, one SCO resource
    that lists every file of the package."""
    questions = sum(len(q.questions) for q in sco.quizzes)
    name = ncname(f"{_slug(course.title)}-{sco.id}-{sco.lang}")
    template = "imsmanifest-scorm12.xml" if edition == "1.2" else "imsmanifest-scorm2004.xml"
    return env.get_template(template).render(
        sco=sco, manifest=f"{name}-scorm{edition.replace('.', '')}", org=f"ORG-{name}", item=f"ITEM-{name}",
        resource=f"SCO-{name}", objective=f"OBJ-{name}", version=course.version, launch=LAUNCH, files=files,
        mastery=course.mastery_score if questions else None).encode("utf-8")


# --- IMS Common Cartridge 1.3 -------------------------------------------------------------------------

def cartridge(env: jinja2.Environment, course: Course, lang: str, site: dict, quizzes: dict,
              original: Course) -> dict[str, bytes]:
    """The files of course.<lang>.imscc: every module overview and lesson as web content under
    web_resources/, with the glossary, references and assets they use, and every quiz as a QTI 1.2
    assessment (the Common Cartridge profile), with its right answers and the feedback for each choice."""
    pages = [p for m in course.modules for p in [module_path(m), *(lesson_path(x) for x in m.lessons)]]
    web = gather(site, pages + ["glossary.html", "references.html"])
    files = {f"web_resources/{path}": data for path, data in web.items()}
    base = ncname(f"{_slug(original.title)}-{lang}")
    modules = []
    for module in course.modules:
        items = []
        for page, title in [(module_path(module), module.title),
                            *((lesson_path(x), x.title) for x in module.lessons)]:
            items.append({"id": ncname(f"I-{page}"), "title": title, "resource": ncname(f"R-{page}"),
                          "href": f"web_resources/{page}", "quiz": False})
            for quiz in quizzes.get(page, ()):
                folder = ncname(f"Q-{quiz.id}")
                files[f"{folder}/assessment.xml"] = env.get_template("assessment.xml").render(
                    quiz=quiz, ident=folder, title=f"{title}: {quiz.title}", letters=LETTERS).encode("utf-8")
                items.append({"id": ncname(f"I-{quiz.id}"), "title": f"{title}: {quiz.title}", "resource": folder,
                              "href": f"{folder}/assessment.xml", "quiz": True})
        modules.append({"id": ncname(f"M-{module.id}"), "title": module.title, "items": items})
    page_files = {item["href"] for m in modules for item in m["items"] if not item["quiz"]}
    shared = sorted(p for p in files if p.startswith("web_resources/") and p not in page_files)
    files["imsmanifest.xml"] = env.get_template("imsmanifest-cc13.xml").render(
        manifest=f"{base}-cc13", course=course, lang=lang, description=_course_description(course),
        modules=modules, shared=shared, shared_id=ncname(f"R-shared-{lang}"), root=ncname(f"ROOT-{base}"),
        org=ncname(f"ORG-{base}")).encode("utf-8")
    return files


# --- Shared helpers ------------------------------------------------------------------------------------

def _environment(folder: Path) -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), undefined=jinja2.StrictUndefined,
                              autoescape=True, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def ncname(text: str) -> str:
    """An XML identifier (xs:ID): letters, digits, '.', '-', '_', starting with a letter."""
    name = NOT_ID.sub("-", text).strip("-")
    return name if name[:1].isalpha() else f"id-{name}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "course"
