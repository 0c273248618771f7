"""Every language built: sites and PDFs in km, my, th and vi beside English, with notices, fonts and checks.

One small course is written here with real Khmer, Burmese, Thai and Vietnamese text: lesson one is
translated in every language (a draft), lesson two in none (it falls back to English), and the
Vietnamese module overview is stale on purpose (it records the hash of an older English text).
"""

from __future__ import annotations

import base64
import io
import re
from html.parser import HTMLParser
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import ROOT, minimal_course
from test_browser import browser, open_page  # noqa: F401  (Chromium fixtures: offline guard checked per page)
from courseware.load import source_hash

LANGS = ("km", "my", "th", "vi")
ZWSP = "\u200b"

COURSE = """\
title: Test course
version: "1.0"
release_date: 2026-01-15
publisher: Test team
languages: [en, km, my, th, vi]
modules: [01-mod]
editions:
  - id: short
    title: Short workshop
    days:
      - title: "Day 1: Basics"
        start: "09:00"
        end: "12:30"
        sessions:
          - session: Welcome
            minutes: 15
          - lesson: mod/one
          - break: Tea break
            minutes: 15
          - lesson: mod/two
"""

LESSON_TWO = """\
---
title: Lesson two
teaching_minutes: 20
activity_minutes: 10
objectives:
  - Learn another thing.
key_points:
  - Another thing.
---

## More

This lesson is only in English.

/// discussion | Talk
    minutes: 10
    group: plenary
    checks: [1]

What did you learn?
///
"""

# Lesson one in each language: a title, one objective, a long run of unspaced script, and an activity.
TEXT = {
    "km": dict(title="មេរៀនទីមួយ", objective="រៀនរឿងមួយ។", point="រឿងមួយ។",
               body="ការផ្លាស់ប្តូរទីលំនៅរបស់ពលករចំណាកស្រុកនៅក្នុងតំបន់មេគង្គគឺជាបញ្ហាសំខាន់មួយសម្រាប់អង្គការសង្គមស៊ីវិល"
                    "ដែលធ្វើការលើសិទ្ធិមនុស្សនិងសិទ្ធិការងារហើយអាស៊ានត្រូវតែស្តាប់សំឡេងរបស់ពួកគេ។",
               step="ពិភាក្សាជាក្រុម។", notice="ទំព័រនេះត្រូវបានបង្ហាញជាភាសាអង់គ្លេស"),
    "my": dict(title="ပထမ သင်ခန်းစာ", objective="အရာတစ်ခုကို သင်ယူရန်။", point="အရာတစ်ခု။",
               body="မြန်မာနိုင်ငံမှရွှေ့ပြောင်းလုပ်သားများသည်ထိုင်းနိုင်ငံတွင်အလုပ်လုပ်ကိုင်ကြပြီးသူတို့၏အခွင့်အရေးများကို"
                    "ကာကွယ်ရန်အာဆီယံအဖွဲ့ဝင်နိုင်ငံများပူးပေါင်းဆောင်ရွက်ရန်လိုအပ်သည်။",
               step="အုပ်စုလိုက် ဆွေးနွေးပါ။", notice="အင်္ဂလိပ်ဘာသာဖြင့် ပြထားသည်"),
    "th": dict(title="บทเรียนที่หนึ่ง", objective="เรียนรู้หนึ่งเรื่อง", point="หนึ่งเรื่อง",
               body="แรงงานข้ามชาติจากประเทศเพื่อนบ้านทำงานในประเทศไทยเป็นจำนวนมากและต้องการการคุ้มครองสิทธิ"
                    "ตามมาตรฐานแรงงานระหว่างประเทศอย่างเท่าเทียมกับแรงงานไทย",
               step="อภิปรายเป็นกลุ่ม", notice="หน้านี้แสดงเป็นภาษาอังกฤษ"),
    "vi": dict(title="Bài học thứ nhất", objective="Học một điều.", point="Một điều.",
               body="Người lao động di cư từ các nước láng giềng làm việc ở Thái Lan cần được bảo vệ quyền lợi theo "
                    "các tiêu chuẩn lao động quốc tế, bình đẳng với người lao động sở tại.",
               step="Thảo luận theo nhóm.", notice="Trang này hiển thị bằng tiếng Anh"),
}
LABEL = {"km": "សកម្មភាព", "my": "လှုပ်ရှားမှု", "th": "กิจกรรม", "vi": "Hoạt động"}
DRAFT = {"km": "ការបកប្រែព្រាង", "my": "ဘာသာပြန် မူကြမ်း", "th": "คำแปลฉบับร่าง", "vi": "Bản dịch nháp"}
STALE = {"km": "ការបកប្រែនេះហួសសម័យ", "my": "ခေတ်မမီတော့ပါ", "th": "คำแปลนี้ล้าสมัย", "vi": "Bản dịch này đã cũ"}


def lesson_translation(lang: str, english: str) -> str:
    t = TEXT[lang]
    return (f"---\ntranslation_of: {source_hash(english)}\nstatus: draft\ntitle: {t['title']}\n"
            f"objectives:\n  - {t['objective']}\nkey_points:\n  - {t['point']}\n---\n\n## {t['title']}\n\n"
            f"{t['body']}\n\n/// activity | {t['title']}\n    minutes: 10\n    group: pairs\n    checks: [1]\n\n"
            f"1. {t['step']}\n///\n")


def multilingual_course() -> dict:
    files = minimal_course(**{"modules/course.yaml": COURSE})
    files["modules/01-mod/module.yaml"] = files["modules/01-mod/module.yaml"].replace(
        "lessons: [01-one.md]", "lessons: [01-one.md, 02-two.md]")
    files["modules/01-mod/02-two.md"] = LESSON_TWO
    english = files["modules/01-mod/01-one.md"]
    for lang in LANGS:
        files[f"modules/01-mod/01-one.{lang}.md"] = lesson_translation(lang, english)
        files[f"modules/home.{lang}.md"] = (f"---\ntranslation_of: {source_hash(files['modules/home.md'])}\n"
                                            f"status: reviewed\n---\n{TEXT[lang]['body']}\n")
        files[f"modules/01-mod/module.{lang}.yaml"] = (
            f"translation_of: {source_hash(files['modules/01-mod/module.yaml']) if lang != 'vi' else '0123456789ab'}\n"
            f"status: draft\ntitle: {TEXT[lang]['title']}\nobjectives: [{TEXT[lang]['objective']}]\n")
    files["modules/glossary.km.yaml"] = (f"translation_of: {source_hash(files['modules/glossary.yaml'])}\n"
                                         "status: draft\nterms:\n  ASEAN:\n    expansion: សមាគមប្រជាជាតិអាស៊ីអាគ្នេយ៍\n"
                                         "    definition: អង្គការតំបន់។\n")
    files["modules/course.th.yaml"] = (f"translation_of: {source_hash(COURSE)}\nstatus: draft\n"
                                       "title: หลักสูตรทดสอบ\neditions:\n  short:\n    title: การประชุมสั้น\n"
                                       "    days: ['วันที่ 1: พื้นฐาน']\nsessions:\n  Welcome: ต้อนรับ\n  Tea break: พักดื่มชา\n")
    return files


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The multilingual course built once: (project root, output folder)."""
    from courseware.pipeline import Options, build
    root = tmp_path_factory.mktemp("multi")
    for rel, text in multilingual_course().items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    out = root / "output"
    result = build(root, Options(), out)
    assert not result.report.errors, result.report.format()
    return root, out


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def pdf_text(path: Path) -> str:
    reader = PdfReader(path)
    text = "\n".join(page.extract_text() for page in reader.pages)
    return unicodedata.normalize("NFC", text.replace(ZWSP, ""))


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --- Layout of the output ------------------------------------------------------------------------

def test_english_stays_at_the_root_and_each_language_has_its_own_tree(built):
    _, out = built
    assert '<html lang="en">' in read(out / "html" / "index.html")
    for lang in LANGS:
        for folder in ("html", "facilitator"):
            for page in ("index.html", "mod/index.html", "mod/one.html", "mod/two.html", "glossary.html"):
                assert (out / folder / lang / page).is_file(), (folder, lang, page)
        assert f'<html lang="{lang}">' in read(out / "html" / lang / "mod" / "one.html")
        assert (out / "pdf" / f"handout-01-mod.{lang}.pdf").is_file()
        assert (out / "pdf" / f"facilitator-guide-short.{lang}.pdf").is_file()
        assert (out / "html" / lang / "handouts" / "handout-01-mod.pdf").read_bytes() == \
            (out / "pdf" / f"handout-01-mod.{lang}.pdf").read_bytes()
    assert (out / "pdf" / "handout-01-mod.pdf").is_file()


def test_every_page_links_to_itself_in_every_other_language(built):
    _, out = built
    site = out / "html"
    pages = [p for p in site.rglob("*.html") if "handouts" not in p.parts]
    assert len(pages) > 40
    for page in pages:
        html = read(page)
        nav = re.search(r'<nav class="language-switcher".*?</nav>', html, re.S)
        assert nav, page
        links = dict((lang, href) for href, lang in re.findall(r'<a href="([^"]+)" hreflang="(\w+)"', nav.group(0)))
        here = re.search(r'<span aria-current="true" lang="(\w+)"', nav.group(0)).group(1)
        assert set(links) | {here} == {"en", *LANGS}
        rel = page.relative_to(site).as_posix()
        same = rel if here == "en" else rel.split("/", 1)[1]
        for lang, href in links.items():
            target = (page.parent / href).resolve()
            assert target.is_file(), (page, href)
            expected = site / same if lang == "en" else site / lang / same
            assert target == expected.resolve(), (page, lang, href)


def test_content_and_lesson_labels_are_translated(built):
    _, out = built
    for lang in LANGS:
        html = read(out / "html" / lang / "mod" / "one.html")
        assert TEXT[lang]["title"] in html and TEXT[lang]["body"] in html
        assert LABEL[lang] in html and ">Activity<" not in html  # the activity label, from the catalog


TEMPLATES_USE_GETTEXT = '_("Objectives")' in (Path(__file__).resolve().parent.parent / "templates" / "html" /
                                               "lesson.html").read_text(encoding="utf-8")


@pytest.mark.skipif(not TEMPLATES_USE_GETTEXT, reason="the site templates do not write their strings as _() yet")
def test_interface_strings_are_translated(built):
    _, out = built
    for lang in LANGS:
        html = read(out / "html" / lang / "mod" / "one.html")
        assert ">Objectives<" not in html and ">Key points<" not in html and ">Previous<" not in html, lang


# --- Fallback, stale and draft marks ------------------------------------------------------------------

class _LangOfText(HTMLParser):
    """Each text of a page with the language it is marked as: the `lang` of its nearest ancestor."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__()
        self.stack, self.texts = [], []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            lang = dict(attrs).get("lang") or (self.stack[-1][1] if self.stack else "")
            self.stack.append((tag, lang))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        # (The document's <title> cannot carry a language of its own: not counted.)
        if data.strip() and self.stack and self.stack[-1][0] not in ("script", "style", "title"):
            self.texts.append((self.stack[-1][1], " ".join(data.split())))


def languages_of(html: str) -> dict[str, set]:
    parser = _LangOfText()
    parser.feed(html)
    out: dict[str, set] = {}
    for lang, text in parser.texts:
        out.setdefault(text, set()).add(lang)
    return out


def test_untranslated_page_falls_back_to_english_with_a_notice_in_the_readers_language(built):
    _, out = built
    for lang in LANGS:
        html = read(out / "html" / lang / "mod" / "two.html")
        assert TEXT[lang]["notice"] in html
        marked = languages_of(html)
        # The English lesson is marked as English, part by part (WCAG 3.1.2) ...
        for english in ("This lesson is only in English.", "Lesson two", "Learn another thing.", "Another thing.",
                        "More", "What did you learn?"):
            assert marked[english] == {"en"}, (lang, english, marked.get(english))
        # ... and rendered as English throughout: its labels too, not the reader's language inside English text.
        assert marked["Discussion"] == {"en"}, lang
        # The page around it stays in the reader's language, and is marked so.
        assert "Objectives" not in marked and "Key points" not in marked, lang
        notices = [texts for text, texts in marked.items() if TEXT[lang]["notice"] in text]
        assert notices and all(texts == {lang} for texts in notices), (lang, notices)
        assert not re.search(r'<(html|body|main)\b[^>]*lang="en"', html)
    assert "translation-notice" not in read(out / "html" / "mod" / "two.html")


def test_single_file_module_in_every_language(built):
    """The module file a trainer sends over a messaging app, in the reader's language: translated parts in
    it, English parts marked English, the reader's script font inlined, still one self-contained file."""
    from fontTools.ttLib import TTFont
    _, out = built
    files = sorted(p.name for p in (out / "share" / "modules").glob("*.html"))
    assert files == ["01-mod.html"] + [f"01-mod.{lang}.html" for lang in sorted(LANGS)]
    family = {"km": "Noto Sans Khmer", "my": "Noto Sans Myanmar", "th": "Noto Sans Thai", "vi": "Noto Sans"}
    for lang in LANGS:
        html = read(out / "share" / "modules" / f"01-mod.{lang}.html")
        assert f'<html lang="{lang}">' in html and "<link" not in html and "<script src" not in html
        marked = languages_of(html)
        assert marked[TEXT[lang]["title"]] == {lang}  # the translated module and lesson one
        assert marked["This lesson is only in English."] == {"en"} and marked["Lesson two"] == {"en"}, lang
        assert DRAFT[lang] in html, lang  # the page's translation notes
        # The script's font is inlined, cut to the file's characters, and covers them.
        faces = re.findall(r'font-family:"([^"]+)";[^}]*url\("data:font/woff2;base64,([^"]+)"\)', html)
        assert family[lang] in {f for f, _ in faces}, lang
        covered = set()
        for _, data in faces:
            covered |= set(TTFont(io.BytesIO(base64.b64decode(data))).getBestCmap())
        body = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
        visible = {c for c in re.sub(r"<[^>]+>", "", body) if unicodedata.category(c)[0] in "LMNPS"}
        assert not {c for c in visible if ord(c) not in covered}, lang


def test_agenda_marks_what_is_still_english(built):
    """Thai has a course.th.yaml (edition, day and session titles); Khmer has none: its agenda is English
    text on a Khmer page, marked so, while the Thai one is not marked English at all."""
    _, out = built
    km = languages_of(read(out / "html" / "km" / "agenda-short.html"))
    for english in ("Short workshop", "Day 1: Basics", "Welcome", "Tea break", "Lesson two", "Test course"):
        assert km[english] == {"en"}, (english, km.get(english))
    th = read(out / "html" / "th" / "agenda-short.html")
    marked = languages_of(th)
    for thai in ("การประชุมสั้น", "วันที่ 1: พื้นฐาน", "ต้อนรับ", "พักดื่มชา", "หลักสูตรทดสอบ"):
        assert marked[thai] == {"th"}, (thai, marked.get(thai))
    assert marked["Lesson two"] == {"en"}
    # References cite documents as published: English on every site, and marked so.
    refs = languages_of(read(out / "html" / "km" / "references.html"))
    assert refs["The ASEAN Charter"] == {"en"}
    progress = languages_of(read(out / "html" / "km" / "progress.html"))
    assert progress["Lesson two"] == {"en"} and progress[TEXT["km"]["title"]] == {"km"}


@pytest.mark.browser
def test_search_on_a_translated_site_finds_the_readers_own_words(built, open_page):
    """While lessons are English, a Thai reader searching in Thai finds the translated module overview and
    glossary entries; English results are marked English; no result suggests trying an English word."""
    _, out = built
    search = lambda lang, q: open_page((out / "html" / lang / "search.html").as_uri() + "?q=" + q)  # noqa: E731
    page = search("th", TEXT["th"]["title"])
    links = page.locator(".search-result > a")
    assert "mod/index.html" in links.evaluate_all("els => els.map(a => a.getAttribute('href'))")
    page = search("km", "អង្គការតំបន់")  # a translated glossary definition
    first = page.locator(".search-result > a").first
    assert first.inner_text().startswith("ASEAN") and first.get_attribute("href").startswith("glossary.html#")
    page = search("km", "English")
    english = page.locator(".search-result > a[lang=en]")
    assert english.count() >= 1 and "Lesson two" in english.all_inner_texts()
    page = search("th", "ไม่มีคำนี้")
    assert page.locator(".search-result").count() == 0
    assert page.locator(".search-hint").inner_text().startswith("ขณะนี้บทเรียนยังเป็นภาษาอังกฤษ")


def test_english_parts_of_a_translated_handout_are_marked_english(built):
    """The HTML WeasyPrint lays out for a translated handout: the lesson not yet translated is English,
    labels and all, and marked lang="en" (hyphenation, line breaks, PDF tags); the rest is not."""
    from courseware import languages, pdf_stage
    from courseware.load import load_course
    from courseware.problems import Report
    root, _ = built
    report = Report(root)
    course = load_course(root, report)
    versions = languages.translate_all(course, report)
    jobs = {job.name: job for job in pdf_stage.pdf_documents(versions, ROOT / "templates", report)[0]}
    assert not report.errors, report.format()
    for lang in LANGS:
        marked = languages_of(jobs[f"handout-01-mod.{lang}.pdf"].html.replace(ZWSP, ""))
        for english in ("This lesson is only in English.", "Lesson two", "Learn another thing.", "Another thing.",
                        "What did you learn?", "Discussion"):
            assert marked[english] == {"en"}, (lang, english, marked.get(english))
        assert marked[TEXT[lang]["title"]] == {lang}, lang  # lesson one, translated
        assert not any(text in marked for text in ("Objectives", "Key points")), lang


def test_draft_and_stale_marks_in_html_and_pdf(built):
    _, out = built
    for lang in LANGS:
        lesson = read(out / "html" / lang / "mod" / "one.html")
        assert DRAFT[lang] in lesson and STALE[lang] not in lesson
        assert not re.search(r'<main [^>]*lang="en"', lesson) and 'lang="en"' not in lesson.split("<main")[1].split("</main>")[0], lang
        module = read(out / "html" / lang / "mod" / "index.html")
        assert (STALE[lang] in module) == (lang == "vi")
    # In print, the handout opens with the notes (the other languages: test_pdf_text_survives_extraction).
    handout = pdf_text(out / "pdf" / "handout-01-mod.vi.pdf")
    assert squash(DRAFT["vi"]) in squash(handout) and squash(STALE["vi"]) in squash(handout)
    assert "Bản dịch" not in pdf_text(out / "pdf" / "handout-01-mod.pdf")


def test_translation_report(built):
    _, out = built
    report = read(out / "translation-report.txt")
    assert "km: 4 translated, 0 stale, 2 missing, of 6 sources (3 used are drafts)" in report
    assert "th: 4 translated, 0 stale, 2 missing, of 6 sources (3 used are drafts)" in report
    assert "vi: 2 translated, 1 stale, 3 missing, of 6 sources (2 used are drafts)" in report
    assert re.search(r"stale +modules/01-mod/module\.vi\.yaml, draft, \d+ words +\(translation_of: [0-9a-f]{12}\)", report)
    assert re.search(r"missing +modules/01-mod/02-two\.km\.md, \d+ words", report)
    # Per part of the course: the course-wide files, then each module, with the English words left to translate.
    assert re.search(r"(?m)^  01-mod +3 +2 +2 +0 +0 +1 +\d+$", report), report
    words = int(re.search(r"km: .*; 1 reviewed; ([\d,]+) English words left to translate", report)[1].replace(",", ""))
    assert words >= len("This lesson is only in English".split())


def test_the_facilitator_site_shows_the_translation_status_in_every_language(built):
    _, out = built
    for folder in ("", "km/", "vi/"):
        page = read(out / "facilitator" / f"{folder}translations.html")
        assert page.count('<section class="translation-status"') == 4  # km, my, th, vi
        assert "modules/01-mod/02-two.km.md" in page and "translation_of: " in page
        assert 'aria-current="page">' in page
        assert 'href="translations.html"' in read(out / "facilitator" / f"{folder}index.html")
        assert "translations.html" not in read(out / "html" / f"{folder}index.html")  # facilitators only
        assert not (out / "html" / f"{folder}translations.html").exists()
    khmer = read(out / "facilitator" / "km" / "translations.html")
    assert "ស្ថានភាពការបកប្រែ" in khmer and '<span lang="my">' in khmer


def test_the_translation_status_page_passes_axe(built, open_page):
    from test_browser import axe_violations
    _, out = built
    for folder in ("", "my/"):
        page = open_page(out / "facilitator" / f"{folder}translations.html")
        assert axe_violations(page) == [], folder


# --- Fonts ------------------------------------------------------------------------------------------

def test_site_fonts_are_woff2_subsets_covering_every_character_of_the_pages(built):
    from fontTools.ttLib import TTFont
    _, out = built
    for lang in LANGS:
        fonts = out / "html" / lang / "assets" / "fonts"
        css = read(fonts / "fonts.css")
        faces = re.findall(r'font-family:\s*"([^"]+)";\s*font-weight:\s*(\d+);\s*font-style:\s*(\w+);.*?url\("([^"]+)"\)', css)
        assert faces and (fonts / "OFL.txt").is_file()
        covered = set()
        for family, weight, style, name in faces:
            font = TTFont(fonts / name)
            assert font.flavor == "woff2"
            covered |= set(font.getBestCmap())
        text = "".join(read(p) for p in (out / "html" / lang).rglob("*.html"))
        visible = {c for c in re.sub(r"<[^>]+>", "", text) if unicodedata.category(c)[0] in "LMNPS"}
        assert not {c for c in visible if ord(c) not in covered}, lang
        # ... and what a shaper may draw them with: Thai SARA AM (ทำ, จำนวน) is drawn as U+0E4D U+0E32.
        pieces = {d for c in visible for form in ("NFD", "NFKD") for d in unicodedata.normalize(form, c)}
        assert not {f"U+{ord(d):04X}" for d in pieces if ord(d) not in covered and unicodedata.category(d) != "Zs"}, lang
        if lang == "th":
            assert {0x0E33, 0x0E4D, 0x0E32} <= covered
        assert any(f == {"km": "Noto Sans Khmer", "my": "Noto Sans Myanmar", "th": "Noto Sans Thai",
                         "vi": "Noto Sans"}[lang] for f, *_ in faces)


def test_build_fails_on_a_character_no_font_can_draw(make_course, run):
    files = minimal_course()
    files["modules/01-mod/01-one.md"] = files["modules/01-mod/01-one.md"].replace("Some text.", "Some text: 中文.")
    root = make_course(files)
    code, out, err = run("--root", root, "--pdf-only")
    assert code == 1
    assert ("modules/01-mod/01-one.md:13:12: error: no font in fonts/ has a glyph for U+4E2D CJK UNIFIED "
            "IDEOGRAPH-4E2D ('中') (in handout-01-mod.pdf, ") in err, err
    assert "DejaVu" not in err  # the system fallback after layout is the same problem: reported once


# --- PDFs --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_pdf_text_survives_extraction(built, lang):
    """Every line of Khmer, Burmese and Thai carries its exact text (/ActualText), because WeasyPrint's
    per-glyph ToUnicode map cannot tell a glyph's text in one cluster from its text in another; poppler
    (pdftotext, and the viewers built on it) reads it. Vietnamese needs nothing: pypdf reads it exactly."""
    import subprocess
    _, out = built
    path = out / "pdf" / f"handout-01-mod.{lang}.pdf"
    assert str(PdfReader(path).trailer["/Root"]["/Lang"]) == lang
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    text = unicodedata.normalize("NFC", text.replace(ZWSP, ""))
    for key in ("title", "body", "step"):
        assert squash(TEXT[lang][key]) in squash(text), (lang, key)
    assert squash(DRAFT[lang]) in squash(text)
    if lang == "vi":
        assert squash(TEXT[lang]["body"]) in squash(pdf_text(path))


def test_khmer_and_burmese_print_html_carries_break_opportunities(built):
    """Word boundaries from ICU become U+200B in the HTML WeasyPrint lays out (zero-width, never drawn)."""
    for lang, expected in (("km", True), ("my", True), ("th", False), ("vi", False)):
        job = _handout_job(built[0], lang)
        body = job.html.split("<body", 1)[1]
        assert (ZWSP in body) == expected, lang
        assert ZWSP not in job.html.split("<body", 1)[0]  # never in the head (title, metadata)
        if expected:
            assert TEXT[lang]["body"] not in body  # the long run is broken up...
            assert TEXT[lang]["body"] in body.replace(ZWSP, "")  # ...and nothing else changed


def test_print_turns_letter_spacing_off_for_complex_scripts(built):
    """Letter-spacing splits Khmer clusters in WeasyPrint (a vowel sign drawn on a dotted circle)."""
    for lang in LANGS:
        head = _handout_job(built[0], lang).html.split("</head>", 1)[0]
        assert (f":lang({lang}) * {{" in head or f":lang({lang}) *, " in head) == (lang != "vi"), lang


def _handout_job(root: Path, lang: str):
    from courseware import languages, pdf_stage
    from courseware.load import load_course
    from courseware.pipeline import TOOL_ROOT
    from courseware.problems import Report
    report = Report(root)
    course = load_course(root, report)
    versions = {lang: languages.translate_all(course, report)[lang]}
    jobs, _ = pdf_stage.pdf_documents(versions, TOOL_ROOT / "templates", report)
    [job] = [j for j in jobs if j.name.startswith("handout")]
    return job


@pytest.mark.parametrize("lang", LANGS)
def test_pdf_lines_stay_inside_the_column(built, lang):
    """Lay the handout out again and check that no line of text runs past the right edge of its page box."""
    import weasyprint

    from courseware.fetch import ProjectFetcher
    from courseware.pipeline import TOOL_ROOT
    root, _ = built
    job = _handout_job(root, lang)
    document = weasyprint.HTML(string=job.html, base_url=job.base_url,
                               url_fetcher=ProjectFetcher([root, TOOL_ROOT])).render()
    overflows = []
    for page in document.pages:
        right = page._page_box.content_box_x() + page._page_box.width + 0.5
        for box in _text_boxes(page._page_box):
            if box.position_x + box.width > right:
                overflows.append(box.text[:30])
    assert not overflows, overflows


def _text_boxes(box):
    from weasyprint.layout import boxes
    if isinstance(box, boxes.TextBox):
        yield box
    for child in getattr(box, "children", []):
        yield from _text_boxes(child)


# --- Translation problems are content errors -----------------------------------------------------------

ZAWGYI = "ျမန္မာႏိုင္ငံမွ ေ႐ႊ႕ေျပာင္းလုပ္သားမ်ား"


@pytest.mark.parametrize("name,text,expected", [
    ("modules/01-mod/01-one.my.md", "---\ntranslation_of: {h}\nstatus: draft\n---\n\n{z}\n",
     "modules/01-mod/01-one.my.md:6:1: error: Burmese text in the Zawgyi encoding"),
    ("modules/01-mod/01-one.km.md", "---\ntranslation_of: {h}\nstatus: final\n---\n\nអត្ថបទ\n",
     "modules/01-mod/01-one.km.md:2:1: error: translation needs 'status: draft' or 'status: reviewed' (found 'final')"),
    ("modules/01-mod/01-one.km.md", "---\nstatus: draft\n---\n\nអត្ថបទ\n",
     "modules/01-mod/01-one.km.md:2:1: error: translation needs 'translation_of: {h}'"),
    ("modules/01-mod/01-one.km.md", "---\ntranslation_of: {h}\nstatus: draft\nobjectives: [a, b]\n---\n\nអត្ថបទ\n",
     "modules/01-mod/01-one.km.md:4:1: error: 'objectives' has 2 items but the English source has 1"),
    ("modules/glossary.vi.yaml", "translation_of: {g}\nstatus: draft\nterms:\n  ASEN:\n    definition: x\n",
     "modules/glossary.vi.yaml:4:3: error: 'ASEN' is not a term of glossary.yaml (did you mean 'ASEAN'?)"),
])
def test_translation_problems_are_reported_with_their_line(make_course, run, name, text, expected):
    files = minimal_course(**{"modules/course.yaml": COURSE.replace("          - break: Tea break\n            "
                                                                     "minutes: 15\n          - lesson: mod/two\n", "")})
    h, g = source_hash(files["modules/01-mod/01-one.md"]), source_hash(files["modules/glossary.yaml"])
    files[name] = text.format(h=h, g=g, z=ZAWGYI)
    code, out, err = run("check", "--root", make_course(files))
    assert code == 1
    assert expected.format(h=h) in err, err


def test_zawgyi_in_an_english_source_is_rejected(make_course, run):
    files = minimal_course()
    files["modules/01-mod/01-one.md"] = files["modules/01-mod/01-one.md"].replace("Some text.", f"Some text {ZAWGYI}")
    code, out, err = run("check", "--root", make_course(files))
    assert code == 1 and "modules/01-mod/01-one.md:13:11: error: Burmese text in the Zawgyi encoding" in err, err


# --- In Chromium, at phone width ------------------------------------------------------------------------

SCRIPT_FONT = {"km": "Noto Sans Khmer", "my": "Noto Sans Myanmar", "th": "Noto Sans Thai", "vi": "Noto Sans"}


@pytest.fixture(scope="module")
def phone(built, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2)
    context.route(re.compile(r"^(?!file:).*"), lambda route: route.abort())  # offline: nothing leaves the bundle
    yield context.new_page()
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("lang", LANGS)
def test_no_horizontal_overflow_at_360px_and_bundled_fonts_load(built, phone, lang, tmp_path_factory):
    _, out = built
    shots = Path(__import__("os").environ.get("LANGUAGE_SCREENSHOTS") or tmp_path_factory.mktemp("shots"))
    shots.mkdir(parents=True, exist_ok=True)
    for page in ("index.html", "mod/one.html", "mod/two.html", "glossary.html", "agenda-short.html"):
        phone.goto((out / "html" / lang / page).as_uri())
        phone.evaluate("document.fonts.ready")
        width = phone.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert width[0] <= width[1], (lang, page, width)
        wide = phone.evaluate("""() => [...document.querySelectorAll('main *')]
            .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
            .map(e => e.tagName + ': ' + e.textContent.slice(0, 30))""")
        assert not wide, (lang, page, wide)
        loaded = phone.evaluate("""family => [...document.fonts].filter(f => f.family.replace(/"/g, '') === family)
            .map(f => f.status)""", SCRIPT_FONT[lang])
        assert "loaded" in loaded, (lang, page, loaded)  # drawn with the site's own WOFF2, not a system font
        if page == "mod/one.html":
            phone.screenshot(path=str(shots / f"lesson-{lang}.png"), full_page=True)


MENU = {"km": "ម៉ឺនុយ", "my": "မီနူး", "th": "เมนู", "vi": "Menu"}


@pytest.mark.browser
@pytest.mark.parametrize("lang", LANGS)
def test_a_translated_lesson_starts_on_the_first_screen_of_a_phone(built, open_page, lang):
    """At 360 px with JavaScript: the menu folded behind its button (in the reader's language), the language
    links on one line, one note of the translation notice: the lesson title starts within the first 400 px."""
    _, out = built
    for name in ("mod/one.html", "mod/two.html"):
        page = open_page(out / "html" / lang / name, width=360)
        page.evaluate("document.fonts.ready")
        button = page.locator("#menu-button")
        assert button.is_visible() and button.inner_text() == MENU[lang], (lang, name)
        assert page.locator(".site-nav a").first.is_hidden(), (lang, name)
        top = page.locator("h1").bounding_box()["y"]
        assert top < 400, f"{lang}/{name}: the lesson title starts {top:.0f} px down"
        switcher = page.locator("nav.language-switcher")
        assert switcher.get_attribute("aria-label"), "the switcher keeps its name for screen readers"
        links = switcher.locator("li > [lang]")
        tops = {round(links.nth(i).bounding_box()["y"]) for i in range(links.count())}
        assert links.count() == 5 and len(tops) == 1, f"{lang}/{name}: the language links wrap"


@pytest.mark.browser
@pytest.mark.parametrize("lang", LANGS)
def test_translation_notice_shows_its_first_note_and_opens_to_the_others(built, open_page, lang):
    _, out = built
    page = open_page(out / "html" / lang / "mod/two.html", width=360)
    notice = page.locator("main aside.translation-notice")
    summary = notice.locator("details > summary")
    draft = notice.locator("details > p", has_text=DRAFT[lang])
    assert TEXT[lang]["notice"] in summary.inner_text() and summary.is_visible()
    assert summary.evaluate("s => s.closest('[lang]').lang") == lang, "the notice is in the reader's language"
    assert draft.is_hidden(), "on a phone the other notes wait behind the first"
    summary.click()
    assert draft.is_visible()
    summary.press("Enter")
    assert draft.is_hidden()
    page.emulate_media(media="print")
    assert draft.is_visible(), "on paper every note shows"
    assert summary.evaluate("s => getComputedStyle(s).listStyleType") == "none", "no disclosure triangle on paper"
    # A page with one note shows it, with nothing to open.
    page = open_page(out / "html" / lang / "mod/one.html", width=360)
    notice = page.locator("main aside.translation-notice")
    assert notice.locator("details").count() == 0 and notice.get_by_text(DRAFT[lang]).is_visible()


def test_a_stale_lesson_body_is_noted_where_it_is_printed_not_on_the_forms(tmp_path):
    """An English lesson edited after its translation: the guide's session that prints the lesson says it is out
    of date; the agenda, the forms and the guide's day, which print only its title, say nothing of it (the title is the translator's
    still), so an English edit does not lay them out again in every language."""
    from courseware.load import load_course
    from courseware.pdf_stage import pdf_documents
    from courseware.problems import Report
    files = multilingual_course()
    files["modules/01-mod/01-one.md"] += "\nA sentence added in English after the translations.\n"
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    report = Report(tmp_path)
    from courseware.languages import translate_all
    versions = translate_all(load_course(tmp_path, report), report)
    jobs, _ = pdf_documents(versions, ROOT / "templates", report)
    html = {job.name: job.html.replace(ZWSP, "") for job in jobs}
    for lang in LANGS:
        assert STALE[lang] in html[f"facilitator-guide-short.day-1-session-1.{lang}.pdf"], lang
        assert STALE[lang] in html[f"handout-01-mod.{lang}.pdf"], lang
        for name in ("agenda-short", "attendance-short", "daily-evaluation-short", "facilitator-guide-short.day-1"):
            if f"{name}.{lang}.pdf" in html:
                assert STALE[lang] not in html[f"{name}.{lang}.pdf"], (name, lang)
                assert DRAFT[lang] in html[f"{name}.{lang}.pdf"], (name, lang)  # the titles are drafts
