"""The ZIM files in the Kiwix tools trainees and schools use: Debian's kiwix-serve serves them on loopback, Debian's
Chromium (through Playwright) reads them there, and Debian's zimcheck checks them.

The tiny course (built in full, handouts included) and the shipped course (its real Khmer, Burmese and Thai,
see tests/readers.py) are both served. Every browser test fails on a request that leaves the loopback server
and on any console error.
"""

from __future__ import annotations

import io
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import yaml

from test_browser import browser  # noqa: F401  (the Chromium fixture, shared with the other browser tests)

from conftest import COURSES, ROOT

pytestmark = pytest.mark.slow  # the shipped course, built once per run (tests/readers.py)
LANGS = ("en", "km", "my", "th", "vi")
KIWIX_SERVE, ZIMCHECK = shutil.which("kiwix-serve"), shutil.which("zimcheck")
# What a reader of each language might type in Kiwix's search box, and a page it must find. The Khmer, Burmese
# and Thai searches are typed as readers type them, without spaces: several words for ICU (ពលករ + ចំណាកស្រុក,
# migrant worker; แรงงาน + ข้าม + ชาติ, migrant workers) or one name ICU cuts in three (အာ + ဆီ + ယံ, ASEAN).
SEARCHES = [
    ("en", "consensus", "asean-context/how-asean-decides.html"),
    ("km", "ពលករចំណាកស្រុក", "glossary.html"),
    ("km", "អាស៊ាន", "glossary.html"),
    ("my", "အာဆီယံ", "glossary.html"),
    ("th", "แรงงานข้ามชาติ", "glossary.html"),
    ("vi", "người di cư", "glossary.html"),
]


@pytest.fixture(scope="module")
def zims(tiny_output, shipped_readers, tmp_path_factory) -> dict[str, Path]:
    """{book name: ZIM file}: the tiny course's, and the shipped course's in each language."""
    folder = tmp_path_factory.mktemp("zims")
    out = {}
    for path in sorted((tiny_output / "share").glob("*.zim")):
        out[path.stem] = Path(shutil.copy(path, folder / path.name))
    for name, data in shipped_readers.items():
        if name.endswith(".zim"):
            target = folder / Path(name).name
            target.write_bytes(data)
            out[target.stem] = target
    assert set(out) == {"tiny-course_en"} | {f"advocacy-with-asean_{lang}" for lang in LANGS}
    return out


@pytest.fixture(scope="module")
def kiwix(zims) -> str:
    """kiwix-serve on a free loopback port, serving every ZIM; its base URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([KIWIX_SERVE, "--address=127.0.0.1", f"--port={port}", *map(str, zims.values())],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def open_kiwix(browser, kiwix):
    """open_kiwix(path) -> page at 360 px; any request that is not to the loopback server fails the test."""
    from test_browser import Guard
    contexts = []

    def go(path: str, width: int = 360):
        context = browser.new_context(viewport={"width": width, "height": 740})
        guard = Guard(context, allow=lambda url: url.startswith(kiwix + "/"))
        contexts.append((context, guard))
        context.set_default_timeout(10000)
        page = context.new_page()
        page.goto(kiwix + path)
        return page

    yield go
    for context, guard in contexts:
        context.close()
        guard.check()


def html_entries(path: Path) -> list[str]:
    from libzim.reader import Archive
    zim = Archive(path)
    return [e.path for e in map(zim._get_entry_by_id, range(zim.entry_count)) if e.path.endswith(".html")]


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, b""


# --- The Kiwix tools' own checks ------------------------------------------------------------------

def test_zimcheck_passes_every_zim(zims):
    for name, path in zims.items():
        run = subprocess.run([ZIMCHECK, "-A", str(path)], capture_output=True, text=True)
        report = run.stdout + run.stderr
        assert run.returncode == 0 and "Overall Test Status: Pass" in report, f"{name}:\n{report}"
        assert "[ERROR]" not in report and "[WARNING]" not in report, f"{name}:\n{report}"


def test_metadata_the_kiwix_library_expects(zims):
    from libzim.reader import Archive
    from PIL import Image
    from courseware.zim import graphemes
    codes = {"en": "eng", "km": "khm", "my": "mya", "th": "tha", "vi": "vie"}
    released = yaml.safe_load((ROOT / "modules" / "course.yaml").read_text(encoding="utf-8"))["release_date"]
    for lang in LANGS:
        zim = Archive(zims[f"advocacy-with-asean_{lang}"])
        meta = {key: zim.get_metadata(key) for key in zim.metadata_keys}
        text = {key: value.decode("utf-8") for key, value in meta.items() if not key.startswith("Illustration")}
        assert text["Name"] == f"advocacy-with-asean_{lang}"
        assert text["Language"] == codes[lang]
        assert 0 < graphemes(text["Title"]) <= 30 and 0 < graphemes(text["Description"]) <= 80, text
        assert graphemes(text["Description"]) < graphemes(text["LongDescription"]) <= 4000
        assert text["Date"] == str(released)  # release_date in modules/course.yaml
        assert text["Creator"] and text["Publisher"] and "_ftindex:yes" in text["Tags"]
        icon = Image.open(io.BytesIO(meta["Illustration_48x48@1"]))
        assert (icon.format, icon.size) == ("PNG", (48, 48))
        assert zim.main_entry.get_item().path == "index.html"
        assert zim.has_fulltext_index and zim.has_title_index
    # In the reader's language where the title fits.
    assert Archive(zims["advocacy-with-asean_km"]).get_metadata("Title").decode() == "ការតស៊ូមតិជាមួយអាស៊ាន"


def test_a_zim_holds_one_language_and_no_facilitator_text(zims, tiny_output, shipped_output):
    from libzim.reader import Archive
    from readers import facilitator_sentences
    from courseware.fonts import text_of_html
    sentences = facilitator_sentences(shipped_output) + facilitator_sentences(tiny_output)
    assert "The answer is 1967." in sentences and len(sentences) > 100
    for name, path in zims.items():
        zim = Archive(path)
        paths = []
        for i in range(zim.entry_count):
            entry = zim._get_entry_by_id(i)
            paths.append(entry.path)
            if entry.path.endswith((".html", ".js")):
                text = re.sub(r"\s+", " ", text_of_html(bytes(entry.get_item().content).decode("utf-8")))
                leaked = [s for s in sentences if s in text]
                assert not leaked, f"{name}: {entry.path} has facilitator text: {leaked[:3]}"
                assert "facilitator-note" not in text and "language-switcher" not in text
        assert not any(p.startswith(("km/", "my/", "th/", "vi/", "facilitator/")) for p in paths), name


# --- Reading in Kiwix --------------------------------------------------------------------------------

def crawl(page, base: str, book: str) -> tuple[int, list[str]]:
    """Open the book's main page in Kiwix and follow every link inside the book: (pages seen, what is broken).
    Stylesheets, scripts, images and handouts are fetched too; #fragments must name an element."""
    root = f"{base}/{book}/"
    queue, seen, broken, ids, fragments = [root], set(), [], {}, []
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = page.goto(url)
        if response is None or response.status != 200:
            broken.append(f"{url}: {response.status if response else 'no response'}")
            continue
        if "text/html" not in (response.headers.get("content-type") or ""):
            continue
        ids[page.url.split("#")[0]] = set(page.evaluate("Array.from(document.querySelectorAll('[id]'), e => e.id)"))
        links = page.evaluate("""Array.from(document.querySelectorAll('a[href], link[href], script[src], img[src]'),
            e => [e.tagName, e.href || e.src, e.closest('#kiwixtoolbar') ? 'kiwix' : ''])""")
        for tag, link, where in links:
            if where == "kiwix" or not link.startswith(root):  # the Kiwix toolbar's own links, outside links
                continue
            target, _, fragment = link.partition("#")
            if fragment:
                fragments.append((url, target, fragment))
            if target.endswith((".html", "/")) and target not in seen:  # a page: opened in turn
                queue.append(target)
            elif target not in seen:  # a stylesheet, script, image or handout: fetched
                seen.add(target)
                status = page.request.get(target).status
                if status != 200:
                    broken.append(f"{target} (from {url}): {status}")
    for source, target, fragment in fragments:
        if target in ids and urllib.parse.unquote(fragment) not in ids[target]:
            broken.append(f"{target}#{fragment} (from {source}): no such id")
    return len(ids), broken


@pytest.mark.browser
@pytest.mark.parametrize("book", ["tiny-course_en", "advocacy-with-asean_en", "advocacy-with-asean_km"])
def test_every_internal_link_works_in_kiwix(open_kiwix, kiwix, zims, book):
    page = open_kiwix(f"/{book}/")
    assert page.locator("#kiwixtoolbar").count() == 1, "served by kiwix-serve, with its toolbar"
    pages, broken = crawl(page, kiwix, book)
    assert not broken, f"{len(broken)} broken links in {book}: {broken[:10]}"
    assert pages == len(html_entries(zims[book])), "every page of the ZIM is reached from its main page"


@pytest.mark.parametrize("lang", ["my", "th", "vi"])
def test_every_internal_link_answers_in_kiwix(kiwix, zims, lang):
    """The other languages: every page, and everything it links to, served (the browser crawls en and km)."""
    book = f"advocacy-with-asean_{lang}"
    root = f"{kiwix}/{book}/"
    queue, seen, broken = [root + "index.html"], set(), []
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        status, body = get(url)
        if status != 200:
            broken.append(f"{url}: {status}")
            continue
        if not url.endswith(".html"):
            continue
        for link in re.findall(r'(?:href|src)="([^"#?]+)', body.decode("utf-8")):
            target = urllib.parse.urljoin(url, link)
            if target.startswith(root):
                queue.append(target)
    assert not broken, broken[:10]
    assert len([u for u in seen if u.endswith(".html")]) == len(html_entries(zims[book]))


@pytest.mark.browser
def test_quiz_and_progress_work_in_kiwix(open_kiwix):
    page = open_kiwix("/tiny-course_en/basics/first-steps.html")
    quiz = page.locator("section.quiz")
    questions = quiz.locator(".quiz-question")
    questions.nth(0).get_by_role("button", name=re.compile("1967")).click()
    assert "8 August 1967" in questions.nth(0).locator(".quiz-feedback").inner_text()
    questions.nth(1).get_by_role("button", name="Yes").click()
    assert "Not quite." in questions.nth(1).locator(".quiz-feedback").inner_text()
    questions.nth(1).get_by_role("button", name="No").click()  # the quiz lets the reader try again: wrong first
    assert quiz.locator(".quiz-score").inner_text() == "Score: 1 of 2"
    # The progress record (localStorage, kept for the server's address) shows on the progress page.
    page.goto(page.url.replace("basics/first-steps.html", "progress.html"))
    row = page.locator('tr[data-lesson="basics/first-steps"]')
    assert row.locator(".score").inner_text() == "1 / 2"
    assert "1 of 2 lessons" in page.locator("#progress-summary").inner_text()


@pytest.mark.browser
@pytest.mark.parametrize("lang, words, expected", SEARCHES)
def test_kiwix_full_text_search_finds_words(open_kiwix, kiwix, lang, words, expected):
    """Typed in kiwix-serve's own search box, as a reader would; the server searches the ZIM's Xapian index."""
    book = f"advocacy-with-asean_{lang}"
    status, body = get(f"{kiwix}/{book}/{expected}")
    assert status == 200 and words in re.sub(r"\s+", " ", body.decode("utf-8")), f"'{words}' is not in {expected}"
    page = open_kiwix(f"/{book}/")
    box = page.locator("#kiwixsearchbox")
    box.fill(words)
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search\?"))
    hits = page.evaluate("Array.from(document.querySelectorAll('.results a'), a => a.getAttribute('href'))")
    assert f"/{book}/{expected}" in hits, f"searching '{words}' found {hits}"


@pytest.mark.browser
def test_the_course_search_page_works_in_kiwix(open_kiwix):
    """The site's own search page (the header's search box) works inside Kiwix too, Khmer words included."""
    page = open_kiwix("/advocacy-with-asean_km/search.html?q=" + urllib.parse.quote("ពលករចំណាកស្រុក"))
    assert page.locator(".search-result").count() > 0
    assert page.locator(".search-result a[href^='glossary.html']").count() >= 1


@pytest.mark.browser
def test_no_sideways_scroll_in_kiwix_at_360_px(open_kiwix):
    page = open_kiwix("/advocacy-with-asean_my/index.html")
    for path in ("index.html", "glossary.html", "migrant-rights/index.html", "asean-context/how-asean-decides.html"):
        page.goto(page.url.rsplit("/advocacy-with-asean_my/", 1)[0] + "/advocacy-with-asean_my/" + path)
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"), path


# --- Byte-identical builds --------------------------------------------------------------------------

def test_zims_and_epubs_are_byte_identical_from_one_build_to_the_next(tiny_output, tmp_path, shipped_output,
                                                                        shipped_readers):
    """Made again in a fresh process (another hash seed, other threads): the same bytes."""
    again = tmp_path / "output"
    run = subprocess.run([sys.executable, str(ROOT / "build.py"), "--root", str(COURSES / "tiny"), "--output",
                          str(again), "--jobs", "1"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    shared = sorted(p.relative_to(tiny_output) for p in (tiny_output / "share").rglob("*") if p.suffix in (".zim", ".epub"))
    assert len(shared) == 3
    for rel in shared:
        assert (again / rel).read_bytes() == (tiny_output / rel).read_bytes(), rel
    from readers import digest
    run = subprocess.run([sys.executable, str(ROOT / "tests" / "readers.py"), str(shipped_output)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    fresh = dict(reversed(line.split(" ", 1)) for line in run.stdout.splitlines())
    assert fresh == digest(shipped_readers)
    assert len(fresh) == 5 + 30


def test_a_language_whose_site_did_not_change_keeps_its_zim_and_books(tmp_path, monkeypatch):
    """The ZIM file and the EPUB books of a language are made again only when its trainee site (or a template, a
    font or the course's YAML) changed: an edit of the daily evaluation form, which only a PDF prints, makes
    none of them again, and an edit of a lesson makes them all again; each build equals a clean build's."""
    from courseware import epub, zim
    from courseware.cli import main
    root = tmp_path / "course"
    shutil.copytree(COURSES / "tiny" / "modules", root / "modules")
    out = tmp_path / "output"
    assert main(["--root", str(root), "--output", str(out), "--jobs", "1"]) == 0
    made = []
    real_zim, real_book = zim.write_zim, epub.Book.zip
    monkeypatch.setattr(zim, "write_zim", lambda *a: made.append("zim") or real_zim(*a))
    monkeypatch.setattr(epub.Book, "zip", lambda self, *a: made.append("epub") or real_book(self, *a))

    def edit(path: Path, old: str, new: str) -> None:
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def same_as_clean(name: str) -> None:
        clean = tmp_path / name
        monkeypatch.undo()
        assert main(["--root", str(root), "--output", str(clean), "--jobs", "1"]) == 0
        share = lambda o: {p.relative_to(o): p.read_bytes() for p in (o / "share").rglob("*") if p.is_file()}  # noqa: E731
        assert share(out) == share(clean)
        monkeypatch.setattr(zim, "write_zim", lambda *a: made.append("zim") or real_zim(*a))
        monkeypatch.setattr(epub.Book, "zip", lambda self, *a: made.append("epub") or real_book(self, *a))

    edit(root / "modules" / "assessment.yaml", "useful for my work", "useful for our work")
    assert main(["--root", str(root), "--output", str(out), "--jobs", "1"]) == 0
    assert made == []
    same_as_clean("clean-1")

    edit(root / "modules" / "01-basics" / "01-first-steps.md", "title: First steps", "title: First steps, revised")
    assert main(["--root", str(root), "--output", str(out), "--jobs", "1"]) == 0
    assert "zim" in made and "epub" in made
    same_as_clean("clean-2")
