"""EPUB 3 books: each module and the whole course, in each language, for the reading apps of phones.

A book is made of the trainee pages the build already made (nothing is rendered again): the main part of each
module overview and lesson page, turned into XHTML; the glossary entries and references the book links to;
and an answer key. Reading apps often run no script, so each quiz is a plain list of questions and choices,
with a link to the answer key at the end of the book, which gives each right answer and the feedback on every
choice (taken from the quiz data of the page). The vendored fonts are embedded as TrueType subsets cut to the
book's characters, so that Khmer and Burmese read right on a phone that has no such fonts; Khmer and Burmese
text also gets a zero-width space between words (as the PDFs do), since many reading apps cannot find the
line breaks of these scripts themselves.

Books are zipped byte-identically from one build to the next: `mimetype` first and stored, then every file
in a fixed order with the course's release date as its time.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import posixpath
import re
import uuid
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import tinyhtml5

from . import fonts, i18n, segment
from .languages import SHARE, SOURCE, language_site, pdf_name
from .package import slug
from .pages import lesson_path, module_path
from .templating import environment, render_template

FOLDER = f"{SHARE}/epub"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EPUB_NS = "http://www.idpf.org/2007/ops"
ET.register_namespace("epub", EPUB_NS)
MAIN = re.compile(r"<main\b[^>]*>(.*)</main>", re.S)
VOID = re.compile(r"<(br|hr|img|meta|link|col|wbr|source)\b([^>]*)></\1>")
MEDIA_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
               ".svg": "image/svg+xml"}
# What a page has for a browser and a book has no use for: the in-page contents (the reading app has its own),
# the lines to write on in print, links to the PDF handouts, the home page's jump links and resume line.
DROP_TAGS = {"script", "style", "form", "button", "input", "noscript", "template"}
DROP_CLASSES = {"toc", "write-space", "print-only", "handout-link", "home-jump", "resume", "pager", "language-switcher"}
DROP_ATTRIBUTES = {"loading", "tabindex", "data-lesson", "data-page", "data-kind"}
UUID_NAMESPACE = uuid.UUID("5b0e4a3c-2d4f-4b7e-9c1a-7a1d2f3e4c5b")  # identifiers: stable for a book and language


@dataclass
class Chapter:
    """One XHTML document of a book."""
    name: str  # file name inside the book, e.g. "asean-context.what-is-asean.xhtml"
    title: str
    kind: str  # title | intro | module | lesson | glossary | references | answers
    body: ET.Element | str  # a tree made from a site page, or XHTML text (the title page)
    source: str | None = None  # the site page it was made from
    title_lang: str | None = None  # the title's language, where a translated book shows it in English
    epub_type: str | None = None


@dataclass
class Quiz:
    anchor: str  # the quiz's id in its chapter
    chapter: str
    label: str  # "Module 1 · Lesson 2: "
    title: str  # the lesson's title
    title_lang: str | None  # its language, where it differs from the book's
    lang: str | None  # the quiz's language (its questions, choices and feedback), where it differs from the book's
    section: ET.Element  # the quiz in its chapter
    questions: list = field(default_factory=list)  # [(prompt element, [(choice element, correct, feedback)])]


def books(versions: dict, files: dict[str, bytes], templates: Path, fonts_dir: Path,
          only: str | None = None) -> dict[str, bytes]:
    """share/epub/: one book per module and one for the whole course, in every language (or `only` that one)."""
    english = versions[SOURCE][0]
    out = {}
    for lang, (course, _) in versions.items():
        if only not in (None, lang):
            continue
        site = Site(language_site(files, lang, course.languages))
        env = environment(templates)
        i18n.install(env, lang)
        named = {pdf_name(f"{module.number:02d}-{module.id}.epub", lang):
                 Book(course, english, lang, site, env, templates, module) for module in course.modules}
        named[pdf_name(f"{slug(english.title) or 'course'}.epub", lang)] = Book(course, english, lang, site, env,
                                                                                 templates)
        documents = {name: book.documents() for name, book in named.items()}
        # One set of font subsets per language, cut to the characters of all its books (the course's book holds
        # nearly all of them): fontTools takes about half a second a font, and a language has six books.
        embedded = book_fonts([text for docs in documents.values() for text in docs.values()], fonts_dir)
        for name, book in named.items():
            out[f"{FOLDER}/{name}"] = book.zip(documents[name], embedded)
    return out


def book_fonts(texts, fonts_dir: Path) -> dict[str, bytes]:
    """TrueType subsets of the vendored fonts cut to the characters of `texts`, and css/fonts.css with their
    @font-face rules."""
    chars: set[str] = set()
    for text in texts:
        chars |= set(fonts.text_of_html(text))
    chars |= set("✓✗ —.:,0123456789")  # what the answer key adds
    codepoints = frozenset(fonts.with_decompositions(chars))
    out, rules = {}, ["/* Subsets of the vendored Noto fonts, SIL Open Font License 1.1 (in each font's name "
                      "table). */"]
    faces = fonts.faces(fonts_dir)
    primary = set().union(*(fonts.cmap(f.path) for f in faces if f.family == faces[0].family)) if faces else set()
    for face in faces:
        # As on the site (fonts.site_fonts): a script font only for what the first family cannot draw.
        if face.family != faces[0].family and not (codepoints & fonts.cmap(face.path)) - primary - fonts.ALWAYS:
            continue
        data = fonts.subset_sfnt(face.path, codepoints)
        if data is None:
            continue
        name = f"fonts/{face.path.stem}.ttf"
        out[name] = data
        rules.append(f'@font-face {{ font-family: "{face.family}"; font-weight: {face.weight}; '
                     f'font-style: {face.style}; src: url("../{name}"); }}')
    out["css/fonts.css"] = ("\n".join(rules) + "\n").encode("utf-8")
    return out


class Site:
    """One language's trainee site: each page's main part parsed once, copied for each book."""

    def __init__(self, files: dict[str, bytes]):
        self.files = files
        self._parsed: dict[str, ET.Element] = {}

    def main(self, path: str) -> ET.Element:
        if path not in self._parsed:
            page = self.files[path].decode("utf-8")
            m = MAIN.search(page)
            body = tinyhtml5.parse(f"<!DOCTYPE html><main>{m.group(1) if m else ''}</main>",
                                   namespace_html_elements=False).find("body/main")
            _clean(body)
            self._parsed[path] = body
        return copy.deepcopy(self._parsed[path])


class Book:
    """One EPUB: a module (or the whole course) in one language."""

    def __init__(self, course, english, lang: str, site: Site, env, templates: Path, module=None):
        self.course, self.english, self.lang, self.site, self.env = course, english, lang, site, env
        self.templates, self.module = templates, module
        self._ = i18n.gettext_for(lang)
        self.quizzes: list[Quiz] = []
        self.images: dict[str, str] = {}  # site path -> path in the book
        self.chapters = self._chapters()

    # --- The chapters, in reading order ------------------------------------------------------------

    def _chapters(self) -> list[Chapter]:
        _ = self._
        course, modules = self.course, [self.module] if self.module else list(self.course.modules)
        body = render_template(self.env, "epub/title.xhtml", course=course, module=self.module)
        chapters = [Chapter("title.xhtml", self.title, "title", body, epub_type="frontmatter")]
        if self.module is None and "index.html" in self.site.files:
            intro = self.site.main("index.html").find(".//div[@class='prose']")
            if intro is not None:
                heading = intro.find("h2")
                chapters.append(Chapter("intro.xhtml", _text(heading) if heading is not None else course.title,
                                        "intro", intro, "index.html", epub_type="bodymatter"))
        for module in modules:
            chapters.append(Chapter(f"{module.id}.xhtml", self._module_title(module), "module",
                                    self.site.main(module_path(module)), module_path(module),
                                    "en" if "title" in module.english and self.lang != SOURCE else None))
            for lesson in module.lessons:
                path = lesson_path(lesson)
                if path in self.site.files:
                    chapters.append(Chapter(f"{module.id}.{lesson.id}.xhtml", lesson.title, "lesson",
                                            self.site.main(path), path,
                                            "en" if "title" in lesson.english and self.lang != SOURCE else None))
        for chapter in chapters:
            if chapter.kind == "lesson":
                self._plain_quizzes(chapter)
        used_terms, used_refs = self._used(chapters)
        for page, kind, used in (("glossary.html", "glossary", used_terms),
                                 ("references.html", "references", used_refs)):
            if page in self.site.files and (used or self.module is None):
                tree = self._selection(page, None if self.module is None else used)
                chapters.append(Chapter(f"{kind}.xhtml", _text(tree.find("h1")), kind, tree, page,
                                        epub_type="glossary" if kind == "glossary" else "bibliography"))
        self._link(chapters)
        if self.quizzes:  # after the links: the key copies the questions and choices with theirs
            chapters.append(Chapter("answers.xhtml", _("Quiz answer key"), "answers", self._answer_key(),
                                    epub_type="backmatter"))
        return chapters

    @property
    def title(self) -> str:
        return self._module_title(self.module) if self.module else self.course.title

    def _module_title(self, module) -> str:
        """Module 1: ASEAN context and background (in the book's language)."""
        return self._("Module %(n)s") % {"n": module.number} + ": " + module.title

    def _used(self, chapters) -> tuple[set, set]:
        """The glossary terms and references the chapters link to (their ids: term-asean, ref-charter)."""
        terms, refs = set(), set()
        for chapter in chapters:
            if not isinstance(chapter.body, ET.Element):
                continue
            for a in chapter.body.iter("a"):
                target, _, anchor = a.get("href", "").partition("#")
                name = posixpath.basename(target)
                if name == "glossary.html" and anchor:
                    terms.add(anchor)
                elif name == "references.html" and anchor:
                    refs.add(anchor)
        return terms, refs

    def _selection(self, page: str, used: set | None) -> ET.Element:
        """The glossary's entries (each `div.entry` with its term, expansion and definition, under its letter) or
        the references (each `li`), all of them or only those the book uses (by id). The site's A-Z bar and its
        Back link are the site's: a book has its own contents."""
        tree = self.site.main(page)
        up = {child: parent for parent in tree.iter() for child in parent}
        for element in list(tree.iter()):
            classes = _classes(element)
            if (element.tag == "p" and "lead" in classes) or "az-bar" in classes:
                up[element].remove(element)
            elif used is not None and element.get("id") and ("entry" in classes or element.tag == "li") \
                    and element.get("id") not in used:
                up[element].remove(element)
        for section in [e for e in tree.iter("section") if "letter" in _classes(e)]:
            if not any("entry" in _classes(e) for e in section.iter()):
                up[section].remove(section)  # a letter none of the book's terms starts with
        return tree

    # --- Quizzes: plain lists here, answers at the end ---------------------------------------------------

    def _plain_quizzes(self, chapter: Chapter) -> None:
        """Each quiz keeps its questions and choices; its answers (the page's quiz data) go to the answer key,
        linked from under the quiz."""
        lesson_number = {lesson_path(lesson): n for m in self.course.modules
                         for n, lesson in enumerate(m.lessons, 1)}
        module = next(m for m in self.course.modules if chapter.source.startswith(m.id + "/"))
        label = self._("Module %(m)s · Lesson %(l)s") % {"m": module.number, "l": lesson_number[chapter.source]} + ": "
        up = {child: parent for parent in chapter.body.iter() for child in parent}
        for n, section in enumerate(s for s in chapter.body.iter("section") if "quiz" in _classes(s)):
            lang, at = None, section
            while at is not None and lang is None:  # the nearest lang: a lesson still in English says lang="en"
                lang, at = at.get("lang"), up.get(at)
            parents = {child: parent for parent in section.iter() for child in parent}
            script = next((e for e in section.iter("script") if "quiz-data" in _classes(e)), None)
            answers = json.loads(script.text or "[]") if script is not None else []
            if script is not None:
                _remove(script, parents)
            anchor = section.get("id") or f"quiz-{n + 1}"
            section.set("id", anchor)
            quiz = Quiz(anchor, chapter.name, label, chapter.title, chapter.title_lang,
                        lang if lang and lang != self.lang else None, section)
            for i, question in enumerate(q for q in section.iter("li") if "quiz-question" in _classes(q)):
                prompt = question.find("p")
                choices = [c for c in question.iter("li") if "quiz-choice" in _classes(c)]
                marks = answers[i] if i < len(answers) else []
                quiz.questions.append((prompt, [
                    (c, bool(marks[j].get("correct")) if j < len(marks) else False,
                     marks[j].get("feedback") if j < len(marks) else None) for j, c in enumerate(choices)]))
            self.quizzes.append(quiz)

    def _answer_key(self) -> ET.Element:
        _ = self._
        root = ET.Element("section", {"class": "answers"})
        ET.SubElement(root, "h1").text = _("Quiz answer key")
        for n, quiz in enumerate(self.quizzes, 1):
            body = quiz.section.find("div") if quiz.section.find("div") is not None else quiz.section
            link = ET.SubElement(ET.SubElement(body, "p", {"class": "answer-link"}), "a",
                                 {"href": f"answers.xhtml#answers-{n}"})
            link.text = _("Quiz answer key")
            part = ET.SubElement(root, "section", {"class": "quiz-answers", "id": f"answers-{n}"})
            heading = ET.SubElement(ET.SubElement(part, "h2"), "a", {"href": f"{quiz.chapter}#{quiz.anchor}"})
            heading.text = quiz.label
            _lang(ET.SubElement(heading, "span"), quiz.title_lang).text = quiz.title
            questions = ET.SubElement(part, "ol", {"class": "questions"})
            for prompt, choices in quiz.questions:
                item = ET.SubElement(questions, "li")
                if prompt is not None:
                    item.append(_lang(_moved(prompt, quiz.chapter), quiz.lang))
                letters = [chr(ord("A") + j) for j in range(len(choices))]
                right = ", ".join(letter for letter, (_c, correct, _f) in zip(letters, choices) if correct)
                ET.SubElement(item, "p", {"class": "answer"}).text = _("Answer") + f": {right}"
                listing = ET.SubElement(item, "ul", {"class": "choices"})
                for letter, (choice, correct, feedback) in zip(letters, choices):
                    li = ET.SubElement(listing, "li", {"class": "right" if correct else "wrong"})
                    mark = ET.SubElement(li, "span", {"class": "letter"})
                    mark.text = f"{letter}. {'✓' if correct else '✗'} "
                    text = _lang(ET.SubElement(li, "span", {"class": "choice"}), quiz.lang)
                    choice = _moved(choice, quiz.chapter)
                    text.text = choice.text
                    for child in choice:
                        text.append(child)
                    li[-1].tail = " — "
                    if feedback:  # the authors' words, in the lesson's language
                        _lang(ET.SubElement(li, "span", {"class": "feedback"}), quiz.lang).text = feedback
                    else:
                        ET.SubElement(li, "span", {"class": "feedback"}).text = _("Correct.") if correct else \
                            _("Not quite.")
        return root

    # --- Links and images ------------------------------------------------------------------------------

    def _link(self, chapters: list[Chapter]) -> None:
        """Point every link at the chapter that holds its target; keep the words of links to pages that are not
        in this book (another module, the agenda, a handout); copy the images in."""
        by_page = {c.source: c.name for c in chapters if c.source}
        ids = {c.name: {e.get("id") for e in c.body.iter() if e.get("id")} for c in chapters
               if isinstance(c.body, ET.Element)}
        for chapter in chapters:
            if not isinstance(chapter.body, ET.Element):
                continue
            base = posixpath.dirname(chapter.source or "")
            parents = {child: parent for parent in chapter.body.iter() for child in parent}
            for a in list(chapter.body.iter("a")):
                href = a.get("href")
                if href is None or re.match(r"^[a-z][a-z0-9+.-]*:", href):
                    continue
                target, _, anchor = href.partition("#")
                if not target:  # inside the same page
                    name = chapter.name
                elif chapter.source is None:  # made here (the answer key): already a chapter name
                    name = target
                else:
                    name = by_page.get(posixpath.normpath(posixpath.join(base, target)))
                if name is None:
                    _unwrap(a, parents)
                    continue
                a.set("href", (name if name != chapter.name else "") + (f"#{anchor}" if anchor in ids.get(name, ())
                                                                         else ""))
                if not a.get("href"):
                    a.set("href", name)
            for img in chapter.body.iter("img"):
                src = posixpath.normpath(posixpath.join(base, img.get("src", "")))
                if src in self.site.files and posixpath.splitext(src)[1].lower() in MEDIA_TYPES:
                    self.images.setdefault(src, "images/" + src.replace("/", "-"))
                    img.set("src", self.images[src])

    # --- The files of the book ---------------------------------------------------------------------------

    def documents(self) -> dict[str, str]:
        """Every XHTML document of the book, by file name."""
        docs = {}
        for chapter in self.chapters:
            body = chapter.body if isinstance(chapter.body, str) else _xhtml(chapter.body, self.lang)
            docs[chapter.name] = render_template(self.env, "epub/chapter.xhtml", lang=self.lang, title=chapter.title,
                                                 kind=chapter.kind, epub_type=chapter.epub_type, body=body)
        docs["nav.xhtml"] = render_template(self.env, "epub/nav.xhtml", book=self.metadata())
        return docs

    def metadata(self) -> dict:
        """What the package document, the navigation document and the NCX say about the book."""
        _ = self._
        toc, current = [], None
        for chapter in self.chapters:
            entry = {"href": chapter.name, "label": chapter.title, "lang": chapter.title_lang, "children": []}
            if chapter.kind == "lesson" and current is not None:
                current["children"].append(entry)
                continue
            if chapter.kind == "title":
                continue
            toc.append(entry)
            current = entry if chapter.kind == "module" else None
        first = next((c.name for c in self.chapters if c.kind in ("intro", "module")), "title.xhtml")
        landmarks = [{"type": "toc", "href": "nav.xhtml", "label": _("Contents")},
                     {"type": "bodymatter", "href": first, "label": self.title}]
        landmarks += [{"type": c.epub_type, "href": c.name, "label": c.title} for c in self.chapters
                      if c.kind in ("glossary", "references")]
        which = f"{slug(self.english.title)}/{self.module.id if self.module else 'course'}/{self.lang}"
        return {
            "lang": self.lang, "title": self.title, "toc": toc, "landmarks": landmarks,
            "identifier": f"urn:uuid:{uuid.uuid5(UUID_NAMESPACE, which)}",
            "creator": self.course.publisher, "publisher": self.course.publisher,
            "date": self.course.release_date.isoformat(),
            "modified": f"{self.course.release_date.isoformat()}T00:00:00Z",
            "description": self.module.summary if self.module else (self.course.subtitle or ""),
            "collection": self.course.title if self.module else None,
            "position": self.module.number if self.module else None,
            "images": bool(self.images),
        }

    def zip(self, docs: dict[str, str], embedded: dict[str, bytes]) -> bytes:
        """The book's EPUB file: its documents (see `documents`), stylesheets, fonts and images."""
        files: dict[str, bytes] = {"css/book.css": (self.templates / "epub" / "book.css").read_bytes()}
        files.update({name: text.encode("utf-8") for name, text in docs.items()})
        files.update(embedded)
        files.update({book_path: self.site.files[src] for src, book_path in self.images.items()})
        book = self.metadata()
        manifest = []
        for name in sorted(files):
            media = {**MEDIA_TYPES, ".xhtml": "application/xhtml+xml", ".css": "text/css", ".ttf": "font/ttf"}[
                posixpath.splitext(name)[1]]
            props = "nav" if name == "nav.xhtml" else None
            manifest.append({"id": _id(name), "href": name, "media_type": media, "properties": props})
        manifest.append({"id": "ncx", "href": "toc.ncx", "media_type": "application/x-dtbncx+xml", "properties": None})
        order = [self.chapters[0].name, "nav.xhtml"] + [c.name for c in self.chapters[1:]]
        spine = [{"id": _id(name)} for name in order]
        book.update(manifest=manifest, spine=spine)
        files["package.opf"] = render_template(self.env, "epub/package.opf", book=book).encode("utf-8")
        files["toc.ncx"] = render_template(self.env, "epub/toc.ncx", book=book).encode("utf-8")
        container = (self.templates / "epub" / "container.xml").read_bytes()
        return epub_zip({"META-INF/container.xml": container, **{f"OEBPS/{k}": v for k, v in files.items()}},
                        self.course.release_date)


# --- Page trees -------------------------------------------------------------------------------------------

def _classes(element: ET.Element) -> set[str]:
    return set((element.get("class") or "").split())


def _text(element) -> str:
    return "".join(element.itertext()).strip() if element is not None else ""


def _clean(root: ET.Element) -> None:
    """Drop what a book has no use for (scripts, the in-page contents, writing lines, links to handouts), turn
    <details> into plain paragraphs (the translation notes), give every lang its xml:lang twin."""
    parents = {child: parent for parent in root.iter() for child in parent}
    for element in list(root.iter()):
        if element is root:
            continue
        if element.tag in DROP_TAGS and not (element.tag == "script" and "quiz-data" in _classes(element)) \
                or _classes(element) & DROP_CLASSES or element.get("id") == "resume":
            _remove(element, parents)
    for element in list(root.iter()):
        if element.tag == "details":
            element.tag = "div"
        elif element.tag == "summary":
            element.tag = "p"
        for name in DROP_ATTRIBUTES & set(element.attrib):
            del element.attrib[name]
        if element.get("hidden") is not None:
            element.set("hidden", "hidden")
        if element.get("lang"):
            element.set(XML_LANG, element.get("lang"))


def _lang(element: ET.Element, lang: str | None) -> ET.Element:
    """Mark an element as written in `lang` (lang and xml:lang), when it is given."""
    if lang:
        element.set("lang", lang)
        element.set(XML_LANG, lang)
    return element


def _moved(element: ET.Element, chapter: str) -> ET.Element:
    """A copy of an element of `chapter` for another chapter: its links inside `chapter` name it."""
    element = copy.deepcopy(element)
    for a in element.iter("a"):
        if a.get("href", "").startswith("#"):
            a.set("href", chapter + a.get("href"))
    return element


def _remove(element: ET.Element, parents: dict) -> None:
    """Remove an element, keeping its tail text."""
    parent = parents.get(element)
    if parent is None:
        return
    index = list(parent).index(element)
    if element.tail:
        if index > 0:
            prev = parent[index - 1]
            prev.tail = (prev.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _unwrap(element: ET.Element, parents: dict) -> None:
    """Replace an element by its content (a link to a page that is not in the book keeps its words)."""
    parent = parents.get(element)
    if parent is None:
        return
    index = list(parent).index(element)
    children = list(element)
    lead = element.text or ""
    if index > 0:
        prev = parent[index - 1]
        prev.tail = (prev.tail or "") + lead
    else:
        parent.text = (parent.text or "") + lead
    parent.remove(element)
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)
        parents[child] = parent
    tail = element.tail or ""
    if children:
        children[-1].tail = (children[-1].tail or "") + tail
    elif index > 0:
        parent[index - 1].tail = (parent[index - 1].tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail


def _xhtml(root: ET.Element, lang: str) -> str:
    """A page tree as XHTML: Khmer and Burmese with break opportunities between words."""
    root = copy.deepcopy(root)
    parents = {child: parent for parent in root.iter() for child in parent}
    for script in [e for e in root.iter("script")]:
        _remove(script, parents)
    for element in root.iter():
        element.text = _breaks(element.text, lang)
        element.tail = _breaks(element.tail, lang)
    root.tag = "section" if root.tag == "main" else root.tag
    text = ET.tostring(root, encoding="unicode", short_empty_elements=False)
    return VOID.sub(r"<\1\2/>", text)


def _breaks(text: str | None, lang: str) -> str | None:
    if not text or not segment.PRINT_BREAK_SCRIPTS.search(text):
        return text
    return segment.break_runs(text, lang)


def _id(name: str) -> str:
    return "x-" + re.sub(r"[^A-Za-z0-9_-]", "-", name)


def epub_zip(files: dict[str, bytes], date: dt.date) -> bytes:
    """An EPUB container: `mimetype` first and stored, every other file deflated, fixed times, fixed order."""
    buffer = io.BytesIO()
    stamp = (max(date.year, 1980), date.month, date.day, 0, 0, 0)
    with zipfile.ZipFile(buffer, "w") as zf:
        info = zipfile.ZipInfo("mimetype", date_time=stamp)
        info.compress_type = zipfile.ZIP_STORED
        zf.writestr(info, b"application/epub+zip")
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            zf.writestr(info, files[name], compresslevel=9)
    return buffer.getvalue()
