"""The EPUB books as reading apps get them: Debian's epubcheck on every book, then each book taken apart: its
navigation, languages, quizzes and answer key, glossary links, fonts, accessibility metadata and zip layout,
and every content document opened in Debian's Chromium at 360 px.

Books of the tiny course (built in full) and of the shipped course (its real Khmer, Burmese and Thai, see
tests/readers.py).
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
import yaml
from fontTools.ttLib import TTFont

from conftest import COURSES, ROOT

pytestmark = pytest.mark.slow  # the shipped course, built once per run (tests/readers.py)
EPUBCHECK_JAR = Path("/usr/share/java/epubcheck.jar")
NS = {"x": "http://www.w3.org/1999/xhtml", "opf": "http://www.idpf.org/2007/opf",
      "dc": "http://purl.org/dc/elements/1.1/", "epub": "http://www.idpf.org/2007/ops"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
LANGS = ("en", "km", "my", "th", "vi")
SCRIPT_FONT = {"km": "Noto Sans Khmer", "my": "Noto Sans Myanmar", "th": "Noto Sans Thai"}


@pytest.fixture(scope="module")
def books(tiny_output, shipped_readers) -> dict[str, bytes]:
    """{file name: EPUB}: the tiny course's books and the shipped course's 30 (5 languages, 5 modules + course)."""
    out = {p.name: p.read_bytes() for p in sorted((tiny_output / "share" / "epub").glob("*.epub"))}
    out.update({Path(n).name: data for n, data in shipped_readers.items() if n.endswith(".epub")})
    assert len(out) == 2 + 30
    return out


def book_lang(name: str) -> str:
    parts = name.split(".")
    return parts[-2] if len(parts) == 3 else "en"


class Book:
    """An EPUB taken apart: its files, package document and XHTML documents (parsed)."""

    def __init__(self, data: bytes):
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        self.files = {i.filename: self.zip.read(i) for i in self.zip.infolist()}
        self.opf = ET.fromstring(self.files["OEBPS/package.opf"])
        self.docs = {name[len("OEBPS/"):]: ET.fromstring(data) for name, data in self.files.items()
                     if name.endswith(".xhtml")}

    def manifest(self) -> dict[str, str]:
        return {i.get("href"): i.get("media-type") for i in self.opf.findall("opf:manifest/opf:item", NS)}

    def spine(self) -> list[str]:
        ids = {i.get("id"): i.get("href") for i in self.opf.findall("opf:manifest/opf:item", NS)}
        return [ids[r.get("idref")] for r in self.opf.findall("opf:spine/opf:itemref", NS)]

    def meta(self, prop: str) -> list[str]:
        return [m.text for m in self.opf.findall("opf:metadata/opf:meta", NS) if m.get("property") == prop]

    def text(self, name: str) -> str:
        return "".join(self.docs[name].find("x:body", NS).itertext())


@pytest.fixture(scope="module")
def parsed(books) -> dict[str, Book]:
    return {name: Book(data) for name, data in books.items()}


def test_epubcheck_reports_no_error_and_no_warning_on_any_book(books, tmp_path):
    for name, data in books.items():
        (tmp_path / name).write_bytes(data)
    run = subprocess.run([shutil.which("java"), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", str(EPUBCHECK_JAR),
                          str(ROOT / "tests" / "tools" / "EpubCheckAll.java"), *sorted(map(str, tmp_path.glob("*.epub")))],
                         capture_output=True, text=True)
    summary = [line for line in run.stdout.splitlines() if line.startswith("checked ")]
    assert len(summary) == len(books), run.stdout + run.stderr
    assert run.returncode == 0 and all(line.endswith(": 0 fatal, 0 errors, 0 warnings") for line in summary), \
        run.stdout + run.stderr


def test_the_container(books):
    for name, data in books.items():
        zf = zipfile.ZipFile(io.BytesIO(data))
        first = zf.infolist()[0]
        assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED), name
        assert zf.read("mimetype") == b"application/epub+zip"
        released = (COURSES / "tiny" if name.startswith(("01-basics", "tiny")) else ROOT) / "modules" / "course.yaml"
        day = yaml.safe_load(released.read_text(encoding="utf-8"))["release_date"]
        assert {i.date_time for i in zf.infolist()} == {(day.year, day.month, day.day, 0, 0, 0)}, name


def test_navigation_follows_the_modules_and_lessons(parsed):
    from courseware.load import load_course
    from courseware.problems import Report
    course = load_course(ROOT, Report(ROOT))
    book = parsed["advocacy-with-asean.epub"]
    toc = book.docs["nav.xhtml"].find(".//x:nav[@epub:type='toc']/x:ol", NS)
    entries = [(li.find("x:a", NS).text, [a.text for a in li.findall("x:ol/x:li/x:a", NS)]) for li in toc]
    modules = [(f"Module {m.number}: {m.title}", [lesson.title for lesson in m.lessons]) for m in course.modules]
    assert entries[0][1] == [] and book.docs["nav.xhtml"].find(".//x:a", NS).get("href") == "intro.xhtml"
    assert entries[1:] == modules + [("Glossary", []), ("References", []), ("Quiz answer key", [])]
    module_book = parsed["02-migrant-rights.km.epub"]
    toc = module_book.docs["nav.xhtml"].find(".//x:nav[@epub:type='toc']/x:ol", NS)
    assert len(toc) == 4 and len(toc[0].findall("x:ol/x:li", NS)) == len(course.modules[1].lessons)
    assert [li.find("x:a", NS).get("href") for li in toc][1:] == ["glossary.xhtml", "references.xhtml", "answers.xhtml"]
    # The reading order: title page, contents, then the chapters as the contents list them.
    for name, book in parsed.items():
        spine = book.spine()
        assert spine[:2] == ["title.xhtml", "nav.xhtml"] and set(spine) == set(book.docs), name
        assert book.manifest()["nav.xhtml"] == "application/xhtml+xml"


def test_every_document_says_its_language(parsed):
    for name, book in parsed.items():
        lang = book_lang(name)
        assert book.opf.find("opf:metadata/dc:language", NS).text == lang
        for doc_name, doc in book.docs.items():
            assert doc.get("lang") == doc.get(XML_LANG) == lang, (name, doc_name)
            for element in doc.iter():
                if element.get("lang") or element.get(XML_LANG):
                    assert element.get("lang") == element.get(XML_LANG), (name, doc_name, element.tag)
    # The answer key of a translated book: each quiz's questions, choices and feedback in the language of its
    # lesson (English for a lesson not translated yet), the labels in the book's.
    for name in ("advocacy-with-asean.km.epub", "02-migrant-rights.my.epub"):
        book = parsed[name]
        for part in book.docs["answers.xhtml"].findall(".//x:section[@class='quiz-answers']", NS):
            chapter, _, anchor = part.find("x:h2/x:a", NS).get("href").partition("#")
            doc = book.docs[chapter]
            up = {child: parent for parent in doc.iter() for child in parent}
            at, lang = doc.find(f".//*[@id='{anchor}']"), None
            while at is not None and lang is None:
                lang, at = at.get("lang"), up.get(at)
            marked = {e.get("lang") or book_lang(name) for e in part.iter()
                      if (e.get("class") or "") in ("quiz-prompt", "choice")}
            assert marked == {lang}, (name, chapter, marked, lang)


def test_quizzes_read_without_javascript_with_the_answers_at_the_end(parsed, tiny_output):
    for name, book in parsed.items():
        assert not [s for doc in book.docs.values() for s in doc.iter("{http://www.w3.org/1999/xhtml}script")], name
    book = parsed["01-basics.epub"]
    lesson = book.docs["basics.first-steps.xhtml"]
    quiz = lesson.find(".//x:section[@id='quiz-1']", NS)
    assert [li.text for li in quiz.findall(".//x:li[@class='quiz-choice']", NS)] == ["1967", "1999", "Yes", "No"]
    link = quiz.find(".//x:p[@class='answer-link']/x:a", NS)
    assert link.get("href") == "answers.xhtml#answers-1" and link.text == "Quiz answer key"
    key = book.docs["answers.xhtml"].find(".//x:section[@id='answers-1']", NS)
    assert key.find("x:h2/x:a", NS).get("href") == "basics.first-steps.xhtml#quiz-1"
    text = re.sub(r"\s+", " ", "".join(key.itertext()))
    assert "Answer: A" in text and "Answer: B" in text
    # Every choice's feedback, as the site's quiz data has it.
    page = (tiny_output / "html" / "basics" / "first-steps.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'<script class="quiz-data" type="application/json">(.*?)</script>', page, re.S).group(1))
    for question in data:
        for choice in question:
            assert choice["feedback"] in text
    # The shipped course: one answer section per quiz, one answer per question.
    course = parsed["advocacy-with-asean.epub"]
    quizzes = [s for doc in course.spine() for s in course.docs[doc].iter("{http://www.w3.org/1999/xhtml}section")
               if "quiz" in (s.get("class") or "").split()]  # in reading order, as the key lists them
    answers = course.docs["answers.xhtml"].findall(".//x:section[@class='quiz-answers']", NS)
    assert len(quizzes) == len(answers) >= 25
    for quiz, answer in zip(quizzes, answers):
        questions = quiz.findall(".//x:li[@class='quiz-question']", NS)
        assert len(answer.findall(".//x:p[@class='answer']", NS)) == len(questions)


def test_glossary_terms_link_to_the_glossary_chapter(parsed, shipped_output):
    site_terms = len(re.findall(r'<div class="entry" id="term-', (shipped_output / "html" / "glossary.html")
                                .read_text(encoding="utf-8")))
    assert site_terms > 50
    for name, book in parsed.items():
        glossary_ids = {e.get("id") for e in book.docs["glossary.xhtml"].iter() if e.get("id")}
        used = set()
        for doc_name, doc in book.docs.items():
            for a in doc.iter("{http://www.w3.org/1999/xhtml}a"):
                if "term" in (a.get("class") or "").split():
                    target, _, anchor = a.get("href").partition("#")
                    assert target in ("glossary.xhtml", "") and anchor in glossary_ids, (name, doc_name, a.get("href"))
                    used.add(anchor)
        terms = {e.get("id") for e in book.docs["glossary.xhtml"].iter("{http://www.w3.org/1999/xhtml}div")
                 if "entry" in (e.get("class") or "").split()}
        if name.startswith("advocacy-with-asean"):
            assert used <= terms and len(terms) == site_terms, name  # the whole glossary
        else:
            assert used == terms, name  # the terms the module uses


def test_fonts_are_embedded_and_draw_every_character(parsed):
    from courseware.fonts import needs_glyph
    for name, book in parsed.items():
        fonts = {href: data for href, data in ((h, book.files["OEBPS/" + h]) for h, t in book.manifest().items()
                                                if t == "font/ttf")}
        families, covered = set(), set()
        for data in fonts.values():
            font = TTFont(io.BytesIO(data))
            families.add(font["name"].getDebugName(1))
            covered |= set(font.getBestCmap())
        assert "Noto Sans" in families, name
        lang = book_lang(name)
        if lang in SCRIPT_FONT:
            assert SCRIPT_FONT[lang] in families, name
        rules = book.files["OEBPS/css/fonts.css"].decode()
        assert rules.count("@font-face") == len(fonts)
        for doc_name in book.docs:
            missing = {c for c in book.text(doc_name) if needs_glyph(c) and not c.isspace() and ord(c) not in covered}
            assert not missing, f"{name} {doc_name}: no embedded font draws {sorted(missing)}"


def test_accessibility_metadata(parsed):
    for name, book in parsed.items():
        assert "textual" in book.meta("schema:accessMode")
        assert book.meta("schema:accessModeSufficient") == ["textual"]
        assert {"structuralNavigation", "tableOfContents", "readingOrder"} <= set(book.meta("schema:accessibilityFeature"))
        assert book.meta("schema:accessibilityHazard") == ["none"]
        assert book.meta("schema:accessibilitySummary")
        if any(t.startswith("image/") for t in book.manifest().values()):
            assert "visual" in book.meta("schema:accessMode") and "alternativeText" in book.meta("schema:accessibilityFeature")
            for doc in book.docs.values():
                assert all(img.get("alt") is not None for img in doc.iter("{http://www.w3.org/1999/xhtml}img"))
    assert any(t.startswith("image/") for t in parsed["01-basics.epub"].manifest().values())


def test_no_facilitator_text_in_any_book(parsed, tiny_output, shipped_output):
    from readers import facilitator_sentences
    from courseware.segment import strip_breaks
    sentences = facilitator_sentences(shipped_output) + facilitator_sentences(tiny_output)
    assert "Secret facilitator text." in sentences
    for name, book in parsed.items():
        text = " ".join(re.sub(r"\s+", " ", strip_breaks(book.text(doc))) for doc in book.docs)
        leaked = [s for s in sentences if s in text]
        assert not leaked, f"{name}: {leaked[:3]}"
        assert "facilitator-note" not in b" ".join(book.files.values()).decode("utf-8", "replace")


@pytest.mark.browser
def test_every_document_reads_at_phone_width(parsed, tmp_path):
    """Each content document of each book in Chromium at 360 px: no sideways scroll, no line wider than the screen,
    no console error, nothing fetched from outside the book."""
    from playwright.sync_api import sync_playwright
    from test_browser import CHROMIUM, CHROMIUM_ARGS, Guard
    folders = {}
    for name, book in parsed.items():
        folder = tmp_path / name
        book.zip.extractall(folder)
        folders[name] = folder
    widest = """() => { let max = 0; const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        while (w.nextNode()) { const r = document.createRange(); r.selectNodeContents(w.currentNode);
          for (const rect of r.getClientRects()) { max = Math.max(max, rect.right); } }
        return [max, document.documentElement.scrollWidth, document.documentElement.clientWidth,
                document.fonts.status]; }"""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 360, "height": 740})
        guard = Guard(context)
        page = context.new_page()
        checked, seen = 0, set()
        for name, folder in folders.items():
            for doc in sorted((folder / "OEBPS").glob("*.xhtml")):
                # A lesson in its module's book and in the course's differs only where a link points: one is enough.
                text = (book_lang(name), doc.name, parsed[name].text(doc.name))
                if text in seen:
                    continue
                seen.add(text)
                page.goto(doc.as_uri())
                page.evaluate("document.fonts.ready.then(() => true)")
                right, scroll, client, _ = page.evaluate(widest)
                assert scroll <= client and right <= client + 0.5, f"{name} {doc.name}: {right} px wide at 360 px"
                checked += 1
        context.close()
        browser.close()
    guard.check()
    assert checked > 250


def test_a_build_can_skip_the_zims_and_epubs(run, tmp_path):
    code, out, err = run("--root", COURSES / "tiny", "--output", tmp_path / "out", "--no-readers", "--jobs", "1")
    assert code == 0, err
    share = {p.suffix for p in (tmp_path / "out" / "share").rglob("*")}
    assert ".zip" in share and not share & {".zim", ".epub"}
