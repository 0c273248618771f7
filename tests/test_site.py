"""The trainee site as files: every link inside the bundle, trainer material absent, the zip, the single-file
modules, the page-weight report, the search index and asset minification."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from urllib.parse import unquote

import pytest

from conftest import COURSES, LESSON, ROOT, minimal_course
from courseware.package import BUDGET
from courseware.render_html import minify
from courseware.search import index_entry, index_script, plain_text
from courseware.zipper import Zipper

SECRET = "Secret facilitator text"  # a facilitator note in the tiny course
LINK = re.compile(r'\b(?:href|src)="([^"]*)"')


@pytest.fixture(scope="module")
def built(tiny_output) -> Path:
    return tiny_output


def test_every_link_and_resource_stays_inside_the_bundle(built):
    for folder in ("html", "facilitator"):
        root = built / folder
        for page in sorted(root.rglob("*.html")):
            for target in LINK.findall(page.read_text(encoding="utf-8")):
                if target.startswith(("#", "https://", "http://", "mailto:")):
                    continue  # anchors, and links a reader may follow when online (checked below: no resource)
                path = (page.parent / unquote(target.split("#")[0].split("?")[0])).resolve()
                assert root.resolve() in path.parents, f"{page}: {target} leaves the site"
                assert path.is_file(), f"{page.relative_to(built)}: {target} does not exist"


def test_no_resource_is_loaded_from_the_network(built):
    """Links to sources may point to the web (a reader follows them when online); nothing is loaded from it."""
    resource = re.compile(r'<(?:script|img|link|iframe|source|video|audio)\b[^>]*\b(?:src|href)="(https?:)?//', re.I)
    for page in list((built / "html").rglob("*.html")) + list((built / "share").rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        assert not resource.search(text), page
        assert "@import" not in text and "url(http" not in text
    for css in (built / "html").rglob("*.css"):
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", css.read_text(encoding="utf-8")), css


def test_trainer_material_is_absent_from_every_trainee_output(built):
    facilitator = (built / "facilitator" / "basics" / "first-steps.html").read_text(encoding="utf-8")
    assert SECRET in facilitator, "the facilitator edition has the notes"
    for path in sorted((built / "html").rglob("*")) + sorted((built / "share").rglob("*.html")):
        if path.is_file() and path.suffix in (".html", ".js", ".css", ".txt"):
            text = path.read_text(encoding="utf-8")
            assert SECRET not in text, path
            assert not re.search(r'class="[^"]*facilitator-note', text), path
    for download in sorted((built / "share").glob("*.zip")):  # the whole site's, each language's, the lite ones
        with zipfile.ZipFile(download) as zf:
            for name in zf.namelist():
                if name.endswith((".html", ".js")):
                    assert SECRET.encode() not in zf.read(name), name
    # Answer marks are in the facilitator edition only; the trainee quiz keeps its answers in script data.
    assert "answer-mark" in facilitator
    trainee = (built / "html" / "basics" / "first-steps.html").read_text(encoding="utf-8")
    assert "answer-mark" not in trainee and 'class="quiz-choice correct"' not in trainee


def test_headings_never_skip_a_level(built):
    """A call-out's title after a section heading must not jump from h2 to h4 (WCAG 1.3.1)."""
    pages = sorted((built / "html").rglob("*.html")) + sorted((built / "facilitator").rglob("*.html")) + \
        sorted((built / "share").rglob("*.html"))
    for page in pages:
        levels = [int(n) for n in re.findall(r"<h([1-6])\b", page.read_text(encoding="utf-8"))]
        assert levels and levels[0] == 1, page
        for before, after in zip(levels, levels[1:]):
            assert after <= before + 1, f"{page.relative_to(built)}: h{before} then h{after}"
    from courseware.render_html import _no_skipped_headings
    assert _no_skipped_headings('<h2>A</h2><aside><h4 class="t">Tip</h4></aside><h3>B</h3><h4>C</h4><h2>D</h2>', 1) \
        == '<h2>A</h2><aside><h3 class="t">Tip</h3></aside><h3>B</h3><h4>C</h4><h2>D</h2>'


def test_share_folder_layout(built):
    share = built / "share"
    assert sorted(p.relative_to(share).as_posix() for p in share.rglob("*") if p.is_file()) == [
        "epub/01-basics.epub", "epub/tiny-course.epub", "modules/01-basics.html", "tiny-course-en-lite.zip",
        "tiny-course-en.zip", "tiny-course-site.zip", "tiny-course_en.zim"]
    # The EPUBs and the ZIM: tests/test_epub.py, tests/test_zim.py; each language's downloads: tests/test_downloads.py


def test_single_file_module_inlines_everything(built):
    html = (built / "share" / "modules" / "01-basics.html").read_text(encoding="utf-8")
    for target in LINK.findall(html):
        assert target.startswith(("#", "data:", "https://", "http://")), f"refers outside the file: {target}"
    assert "<style>" in html and "<link" not in html and "<script src" not in html
    assert 'src="data:image/png;base64,' in html
    assert re.search(r'@font-face\s*\{\s*font-family:\s*"Noto Sans";\s*font-weight:\s*400;\s*font-style:\s*normal;.*'
                     r'src:\s*url\("data:font/woff2;base64,', html), "fonts are inlined"
    assert "url(\"Noto" not in html
    assert html.count('<article class="lesson"') == 2
    assert "<h1>" in html and html.count("<h1") == 1, "one h1: the module; lessons are h2"
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    assert 'id="term-asean"' in html and 'id="ref-asean-declaration-1967"' in html


def test_zip_is_deterministic_and_complete(built):
    site = {p.relative_to(built / "html").as_posix(): p.read_bytes()
            for p in sorted((built / "html").rglob("*")) if p.is_file()}
    first = Zipper(dt.date(2026, 1, 15)).zip(site, "course")
    again = Zipper(dt.date(2026, 1, 15)).zip(dict(reversed(list(site.items()))), "course")
    assert first == again
    written = (built / "share" / "tiny-course-site.zip").read_bytes()
    with zipfile.ZipFile(built / "share" / "tiny-course-site.zip") as zf:
        assert zf.testzip() is None
        assert {i.date_time for i in zf.infolist()} == {(2026, 1, 15, 0, 0, 0)}
        assert {n.split("/", 1)[1] for n in zf.namelist()} == set(site)
    assert len(written) < sum(map(len, site.values())), "compressed"


def test_page_weight_report(built):
    report = (built / "page-weight.txt").read_text(encoding="utf-8")
    assert "basics/first-steps.html" in report and "basics/second-steps.html" in report
    assert "share/modules/01-basics.html" in report and "OVER BUDGET" not in report
    for line in report.splitlines():
        if line.endswith("basics/first-steps.html"):
            total, html, css, js = (float(x) for x in re.findall(r"([\d.]+) KB", line))
            page = (built / "html" / "basics" / "first-steps.html").stat().st_size / 1024
            assert abs(html - page) < 0.06 and css > 5 and js > 5 and abs(total - html - css - js) < 0.2


def test_build_prints_the_weights_and_warns_over_budget(make_course, run):
    words = " ".join(["Advocacy needs patient, well-sourced arguments."] * 1600)  # about 75 KB of text
    root = make_course(minimal_course(**{"modules/01-mod/01-one.md": LESSON + "\n" + words + "\n"}))
    code, out, err = run("--root", root, "--html-only")
    assert code == 0
    assert "lesson pages: 1" in out and "trainee site:" in out
    assert re.search(r"modules/01-mod/01-one\.md:1:1: warning: the lesson page mod/one\.html weighs [\d.]+ K chars "
                     r"\([\d.]+ KB\) .*over the 60\.0 K chars budget.* \[page-weight\]", err)
    assert "OVER BUDGET" in (root / "output" / "page-weight.txt").read_text(encoding="utf-8")
    assert not (root / "output" / "share").exists(), "a partial build does not package an incomplete site"


def test_weights_cover_every_language(tmp_path):
    import dataclasses
    from courseware.load import load_course
    from courseware.package import lesson_weights
    from courseware.problems import Report
    course = load_course(COURSES / "tiny", Report(COURSES / "tiny"))
    course = dataclasses.replace(course, languages=("en", "km"))
    page = b'<link rel="stylesheet" href="../assets/style.css"><script src="../assets/app.js"></script>'
    site = {"basics/first-steps.html": page, "km/basics/first-steps.html": page + "ខ្មែរ".encode() * 100,
            "assets/style.css": b"x" * 100, "km/assets/style.css": b"x" * 200, "km/assets/app.js": b"y" * 50}
    weights = {w.path: (w.html, w.css, w.js, w.chars) for w in lesson_weights(site, course)}
    khmer = site["km/basics/first-steps.html"]
    assert weights == {"km/basics/first-steps.html": (len(khmer), 200, 50, len(khmer.decode()) + 250),
                       "basics/first-steps.html": (len(page), 100, 0, len(page) + 100)}
    assert len(khmer) > len(khmer.decode()) * 2, "the budget counts a Khmer letter once, not three times"


def test_tiny_lessons_are_far_under_budget(built):
    for line in (built / "page-weight.txt").read_text(encoding="utf-8").splitlines():
        if line.strip().endswith(".html") and "share/" not in line:
            assert float(line.split()[0]) * 1024 < BUDGET / 2


def test_plain_text_keeps_words_whole():
    assert plain_text('<p>An “<a href="#">ASEAN</a> instrument” (<abbr><a>ACMW</a></abbr>).</p><p>Next</p>') == \
        "An “ASEAN instrument” (ACMW). Next"
    assert plain_text("<li>one</li><li>two<br>three</li>") == "one two three"
    # A heading does not run into the next paragraph in a snippet; one that ends with punctuation is left be.
    assert plain_text('<h2 id="a">“Skilled <em>labour</em>”</h2><p>When ASEAN</p><h3>Why?</h3><p>So.</p>') == \
        "“Skilled labour” · When ASEAN Why? So."


def test_index_script_is_a_safe_classic_script():
    data = index_script([index_entry("a.html", "A </script> B", "M", "<p>x</p><script>no()</script>", "en")])
    text = data.decode("utf-8")
    assert text.startswith("window.SEARCH_INDEX = {") and text.endswith(";\n")
    assert "</script" not in text and "no()" not in text


def test_minify_keeps_strings_and_meaning(tmp_path):
    css = tmp_path / "a.css"
    css.write_text('/* note */\n.a  >  b ,\n.c :focus { content: " → ";  margin : 0 ; }\n', encoding="utf-8")
    # The space in ".c :focus" (any focused element inside .c) is meaning, not layout; strings stay as written.
    assert minify(css) == '.a>b,.c :focus{content:" → ";margin:0}\n'.encode("utf-8")
    js = tmp_path / "a.js"
    js.write_text('/* head */\n(function () {\n  // why\n  var s = "a  b // c";\n  var r = /x  y/;\n}());\n',
                  encoding="utf-8")
    assert minify(js) == b'(function(){var s="a  b // c";var r=/x  y/;}());\n'

def test_search_index_holds_module_overviews_and_glossary_entries_as_readers_see_them(make_course):
    """Module overviews and glossary entries are searchable; Markdown in an objective is indexed as shown."""
    import json

    from courseware.load import load_course
    from courseware.problems import Report
    from courseware.render_html import SiteRenderer
    files = minimal_course()
    files["modules/01-mod/module.yaml"] = files["modules/01-mod/module.yaml"].replace(
        "objectives: [Learn.]", "objectives: ['Explain the **founding** of ASEAN [@charter].']")
    root = make_course(files)
    report = Report(root)
    course = load_course(root, report)
    site = SiteRenderer(course, ROOT / "templates").render_all(report)
    assert not report.errors, report.format()
    script = site["assets/search-index.js"].decode("utf-8")
    pages = {p["url"]: p for p in json.loads(script[script.index("{"):script.rindex("}") + 1])["pages"]}
    overview = pages["mod/index.html"]
    assert "Explain the founding of ASEAN (ASEAN, 2008)." in overview["text"], overview["text"]
    assert "**" not in overview["text"] and "[@" not in overview["text"]
    term = pages["glossary.html#term-asean"]
    assert term["title"] == "ASEAN: Association of Southeast Asian Nations"
    assert term["text"] == "A regional organisation." and term["module"] == "Glossary"


def test_a_term_is_linked_once_per_section_and_spelled_out_once(make_course):
    """ASEAN is linked on its first use in each section and in each activity, and spelled out only once; its
    other uses are plain text."""
    from courseware.load import load_course
    from courseware.problems import Report
    from courseware.render_html import SiteRenderer
    lesson = LESSON.replace("Some text.", "ASEAN met. ASEAN met again, and ASEAN once more.\n\nStill ASEAN.\n\n"
                                          "## Later\n\nASEAN in a new section, then ASEAN.")
    lesson = lesson.replace("1. Step.", "1. Ask what ASEAN does, and why ASEAN matters.")
    root = make_course(minimal_course(**{"modules/01-mod/01-one.md": lesson}))
    report = Report(root)
    site = SiteRenderer(load_course(root, report), ROOT / "templates").render_all(report)
    assert not report.errors, report.format()
    page = site["mod/one.html"].decode("utf-8")
    prose = page[page.index('<div class="prose">'):page.index('<section class="block key-points')]
    link = '<a class="term" href="../glossary.html#term-asean">ASEAN</a>'
    assert prose.count(link) == 3, prose  # "Start", "Later" and the activity
    assert prose.count("ASEAN") == 8  # none lost
    assert prose.count("Association of Southeast Asian Nations") == 2  # the expansion and its title
    assert "<p>Still ASEAN.</p>" in prose and "then ASEAN.</p>" in prose and ", and why ASEAN matters." in prose
