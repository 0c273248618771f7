"""The downloads of share/ (issue 14): the whole trainee site, and per language its own site with its handouts
(<course>-<lang>.zip) and a lite one without PDFs for phones (<course>-<lang>-lite.zip).

Built from two small courses: tests/courses/tiny (English only, with images and every kind of link) and
tests/courses/looks (English, Khmer and Burmese), each with a full build, PDFs included. Every download is
unzipped and read as a trainee's phone would: no link leads out of it or to a missing file, none to another
language, no PDF in a lite one, and Chromium opens the Khmer lite download from file://.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import unquote

import pytest

from conftest import COURSES, ROOT
from courseware import i18n, languages
from courseware.load import load_course
from courseware.pages import handout_name, module_path
from courseware.problems import Report
from test_browser import Guard, axe_violations, browser  # noqa: F401  (browser: a fixture)

LINK = re.compile(r'\b(?:href|src)="([^"]*)"')
CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+)["']?\s*\)""")
OUTSIDE = ("#", "https://", "http://", "mailto:")  # anchors, and links a reader follows when online (test_site.py)
MODULE_NOTE = ("The printable handout for this module (PDF) is not in this light download. It is in the full download: "
               "%(file)s.")
HANDOUTS_NOTE = ("The printable PDF handouts are not in this light download, to keep it small. They are in the full "
                 "download: %(file)s.")
HANDOUT_LINK = re.compile(r'<p class="handout-link">.*?</p>\n', re.S)
MAIN = re.compile(r"<main\b.*</main>", re.S)


@pytest.fixture(scope="module")
def looks(tmp_path_factory) -> Path:
    """The looks course (English, Khmer, Burmese) built in full: its output folder."""
    from courseware.pipeline import Options, build
    out = tmp_path_factory.mktemp("looks-downloads") / "output"
    result = build(COURSES / "looks", Options(workers=1), out)
    assert not result.report.errors, result.report.format()
    return out


@pytest.fixture(scope="module", params=["tiny", "looks"])
def built(request, tiny_output, looks) -> tuple[str, Path]:
    return request.param, {"tiny": tiny_output, "looks": looks}[request.param]


def course_of(name: str):
    root = COURSES / name
    course = load_course(root, Report(root))
    assert course is not None
    return course


def downloads(output: Path) -> dict[str, Path]:
    """{'site' or lang or lang-lite: zip}: every download of share/."""
    found = {}
    for path in sorted((output / "share").glob("*.zip")):
        m = re.fullmatch(r".+?-(site|[a-z]{2}(?:-lite)?)\.zip", path.name)
        assert m, f"unexpected file in share/: {path.name}"
        found[m.group(1)] = path
    return found


def unzip(path: Path, into: Path) -> tuple[Path, dict[str, bytes]]:
    """The download's folder once unzipped, and its files ({path inside that folder: bytes})."""
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None
        names = zf.namelist()
        assert names == sorted(names), "names in order"
        folder = path.stem.removesuffix("-site")  # the whole site's in <course>/, as before the downloads
        tops = {n.split("/", 1)[0] for n in names}
        assert tops == {folder}, f"{path.name} unzips into one folder named like it, not {tops}"
        zf.extractall(into)
        files = {n.split("/", 1)[1]: zf.read(n) for n in names}
    return into / folder, files


def site_of(output: Path, lang: str, course) -> dict[str, bytes]:
    files = {f"html/{p.relative_to(output / 'html').as_posix()}": p.read_bytes()
             for p in (output / "html").rglob("*") if p.is_file()}
    return languages.language_site(files, lang, course.languages)


def test_every_link_in_every_download_resolves_inside_it(built, tmp_path):
    name, output = built
    course = course_of(name)
    made = downloads(output)
    assert set(made) == {"site", *course.languages, *(f"{lang}-lite" for lang in course.languages)}
    checked = 0
    for which, path in made.items():
        root, files = unzip(path, tmp_path)
        assert "index.html" in files, f"{path.name}: index.html at the root of its folder"
        for rel in files:
            if not rel.endswith((".html", ".css")):
                continue
            page = root / rel
            text = page.read_text(encoding="utf-8")
            for target in (LINK if rel.endswith(".html") else CSS_URL).findall(text):
                if target.startswith(OUTSIDE) or (rel.endswith(".css") and target.startswith("data:")):
                    continue
                resolved = (page.parent / unquote(target.split("#")[0].split("?")[0])).resolve()
                assert root.resolve() in resolved.parents, f"{path.name}: {rel}: {target} leaves the download"
                assert resolved.is_file(), f"{path.name}: {rel}: {target} is not in the download"
                checked += 1
            if which != "site" and rel.endswith(".html"):  # one language: nothing links to the others
                assert "language-switcher" not in text and "hreflang" not in text, f"{path.name}: {rel}"
    assert checked > 100
    if len(course.languages) > 1:  # the whole site keeps its language links: the check above means something
        _, files = unzip(made["site"], tmp_path / "again")
        assert b'class="language-switcher"' in files["index.html"]


def test_a_language_download_is_that_languages_site_with_exactly_its_handouts(built, tmp_path):
    name, output = built
    course = course_of(name)
    made = downloads(output)
    for lang in course.languages:
        site = site_of(output, lang, course)
        _, files = unzip(made[lang], tmp_path / lang)
        assert set(files) == set(site), f"{made[lang].name}: the language's whole trainee site, nothing else"
        handouts = {f"handouts/{handout_name(module)}" for module in course.modules}
        assert {p for p in files if p.endswith(".pdf")} == handouts
        for path in handouts:  # that language's handouts, as the PDF stage made them
            assert files[path] == (output / "pdf" / languages.pdf_name(Path(path).name, lang)).read_bytes(), path
        for path, data in files.items():
            one_language = languages.without_switcher(site[path].decode()).encode() if path.endswith(".html") else None
            assert data == (one_language or site[path]), f"{made[lang].name}: {path}"


def test_a_lite_download_has_no_pdf_and_names_the_full_download_in_the_readers_language(built, tmp_path):
    name, output = built
    course = course_of(name)
    made = downloads(output)
    for lang in course.languages:
        _, full = unzip(made[lang], tmp_path / lang)
        _, lite = unzip(made[f"{lang}-lite"], tmp_path / f"{lang}-lite")
        assert not [p for p in lite if p.lower().endswith(".pdf")], f"{made[f'{lang}-lite'].name} holds PDFs"
        assert set(lite) == {p for p in full if not p.endswith(".pdf")}
        _ = i18n.gettext_for(lang)
        file = made[lang].name
        module_note, handouts_note = _(MODULE_NOTE) % {"file": file}, _(HANDOUTS_NOTE) % {"file": file}
        if lang != "en":
            assert module_note != MODULE_NOTE % {"file": file}, f"not translated into {lang}"
        changed = {p for p in lite if lite[p] != full[p]}
        modules = {module_path(module) for module in course.modules}
        assert changed == modules | {"handouts.html"}, "only the pages that link to handouts are different"
        for path in modules:
            page, with_pdfs = lite[path].decode(), full[path].decode()
            assert f'<p class="handout-link">{module_note}</p>' in page, (lang, path)
            assert ".pdf" not in page and ".pdf" in with_pdfs
            assert HANDOUT_LINK.sub("", page) == HANDOUT_LINK.sub("", with_pdfs), "the rest of the page as it was"
        page, with_pdfs = lite["handouts.html"].decode(), full["handouts.html"].decode()
        assert f'<p class="lead">{handouts_note}</p>' in page and ".pdf" not in page
        assert MAIN.sub("", page) == MAIN.sub("", with_pdfs)
        items = re.findall(r'<li class="mod-\d+"><a href="handouts/[^"]+">(.*?) <span class="meta">\(PDF\)</span>'
                           r'</a></li>', with_pdfs)
        assert len(items) == len(course.modules) and all(f"<li>{item}</li>" in page for item in items), \
            "the handouts it lacks, module by module, without links"


def test_page_weight_report_and_summary_give_each_downloads_size(built):
    _, output = built
    report = (output / "page-weight.txt").read_text(encoding="utf-8")
    for which, path in downloads(output).items():
        if which == "site":
            assert f"share/{path.name} {path.stat().st_size / 1024 / 1024:.1f} MB" in report
        else:
            assert f"{path.stat().st_size / 1024:.1f} KB  share/{path.name}\n" in report, path.name
    assert re.search(r"downloads \(share/[a-z-]+-<lang>\.zip, and lite without PDFs\): en [\d.]+ and [\d.]+ MB", report)


def test_two_builds_give_byte_identical_downloads(looks, tmp_path):
    """A second build, in a fresh process with another hash seed (set and dict orders), from nothing."""
    env = {**os.environ, "PYTHONHASHSEED": "7"}
    second = tmp_path / "output"
    done = subprocess.run([sys.executable, str(ROOT / "build.py"), "--root", str(COURSES / "looks"), "--output",
                           str(second), "--jobs", "1", "--no-readers"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    first, again = downloads(looks), downloads(second)
    assert set(first) == set(again) and len(first) == 7
    for which in first:
        assert first[which].read_bytes() == again[which].read_bytes(), first[which].name
    with zipfile.ZipFile(first["km-lite"]) as zf:
        assert {i.date_time for i in zf.infolist()} == {(2026, 11, 27, 0, 0, 0)}, "the course's release date"


@pytest.mark.browser
def test_khmer_lite_download_in_chromium_from_file(looks, tmp_path, browser):  # noqa: F811  (browser: a fixture)
    made = downloads(looks)
    root, _ = unzip(made["km-lite"], tmp_path)
    _ = i18n.gettext_for("km")
    file = made["km"].name
    context = browser.new_context(viewport={"width": 360, "height": 740})
    context.set_default_timeout(30000)
    guard = Guard(context)  # every request that is not file:// aborted and recorded; console errors recorded
    page = context.new_page()
    page.goto((root / "index.html").as_uri())
    assert page.locator("html").get_attribute("lang") == "km"
    page.locator(".cards a").first.click()
    assert page.locator(".handout-link").inner_text() == _(MODULE_NOTE) % {"file": file}
    assert page.locator("main a[href$='.pdf']").count() == 0
    assert axe_violations(page) == [], "lite module page"
    page.locator(".lesson-list a").first.click()
    assert page.locator("article.lesson").count() == 1 and page.url.endswith("/what-is-asean.html")
    page.locator("#menu-button").click()  # a phone: the course menu is folded behind the Menu button
    page.locator("#site-nav a[href$='handouts.html']").click()
    assert page.url == (root / "handouts.html").as_uri()
    note = page.locator("main .lead").inner_text()
    assert note == _(HANDOUTS_NOTE) % {"file": file} and "ទាញយក" in note and file in note
    assert page.locator("main a[href$='.pdf']").count() == 0
    assert axe_violations(page) == [], "lite handouts page"
    context.close()
    guard.check()
