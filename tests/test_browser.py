"""The trainee site in a real browser: Debian's Chromium driven by Playwright, from file://, network blocked.

Every test fails on a request that leaves the bundle and on any console error. The tiny course is built
once for the module; each test gets a fresh browser context (so a fresh localStorage).
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import COURSE_YAML, LESSON, ROOT

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]

# One page of each kind in the tiny course's trainee site.
PAGE_TYPES = {
    "home": "index.html",
    "module": "basics/index.html",
    "lesson": "basics/first-steps.html",
    "agenda": "agenda-one-day.html",
    "glossary": "glossary.html",
    "references": "references.html",
    "handouts": "handouts.html",
    "progress": "progress.html",
    "search": "search.html",
}


@pytest.fixture(scope="module")
def built(tiny_output) -> Path:
    """The tiny course's whole output folder (trainee site, facilitator site, PDFs, share/)."""
    return tiny_output


@pytest.fixture(scope="module")
def site(built) -> Path:
    return built / "html"


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Guard:
    """Blocks and records every request that is not file://, and every console error or page error."""

    def __init__(self, context, allow=lambda url: url.startswith("file://")):
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.allow = allow
        context.route("**/*", self._route)
        context.on("page", self.watch)

    def _route(self, route):
        url = route.request.url
        if self.allow(url):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def watch(self, page):
        page.on("console", lambda m: self.errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        # A file in the bundle that fails is an error; one whose load was cut off because the test moved to
        # another page (net::ERR_ABORTED, typically a font still loading) is not.
        page.on("requestfailed", lambda r: self.errors.append(f"failed: {r.url} {r.failure}")
                if r.url.startswith("file://") and "ERR_ABORTED" not in (r.failure or "") else None)

    def check(self):
        assert not self.outside, f"requests left the bundle: {self.outside}"
        assert not self.errors, f"console errors: {self.errors}"


@pytest.fixture
def open_page(browser):
    """open_page(path, width=360, **context_options) -> page; the guard is checked when the test ends."""
    contexts = []

    def go(url: str | Path, width: int = 360, height: int = 740, guard_allow=None, **options):
        context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True, **options)
        guard = Guard(context, guard_allow) if guard_allow else Guard(context)
        contexts.append((context, guard))
        context.set_default_timeout(30000)  # actions wait for states; a loaded CI machine is slow
        page = context.new_page()
        page.goto(url.as_uri() if isinstance(url, Path) else url)
        page.guard = guard
        return page

    yield go
    for context, guard in contexts:
        context.close()
    for context, guard in contexts:
        guard.check()


def axe_violations(page) -> list:
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    # preload: false, or axe fetches the stylesheets again with XHR, which file:// refuses (console error).
    return page.evaluate("""tags => axe.run(document, {preload: false, runOnly: {type: 'tag', values: tags}})
        .then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                           nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))""", AXE_TAGS)


def images_not_loaded(page) -> list:
    """The sources of the page's images that fail to load. Lesson images are loading="lazy", so one below the
    fold may not have been asked for yet: each is asked for now and waited for, loaded or failed."""
    return page.evaluate("""() => Promise.all(Array.from(document.images).map(i => {
        i.loading = 'eager';
        return (i.complete ? Promise.resolve() : new Promise(done => { i.onload = i.onerror = done; }))
            .then(() => i.naturalWidth ? null : i.src);
    })).then(srcs => srcs.filter(Boolean))""")


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def open_menu(page):
    """On a phone the course menu is folded behind its button: open it (nothing to do where the menu shows).
    After a click that navigated, the new page's stylesheet may not apply yet, and until it does the button is
    not shown (is_visible does not wait): wait for the page's load first. Under two test suites in parallel,
    the menu was found "not folded", then folded when the stylesheet came, and the link never showed."""
    page.wait_for_load_state("load")
    button = page.locator("#menu-button")
    if button.is_visible():
        button.click()
        assert button.get_attribute("aria-expanded") == "true"


# --- Offline, every page ---------------------------------------------------------------------------

def test_every_page_loads_offline_without_errors(site, built, open_page):
    pages = sorted(site.rglob("*.html")) + sorted((built / "facilitator").rglob("*.html"))
    assert len(pages) >= 2 * len(PAGE_TYPES)
    page = open_page(pages[0])
    for path in pages:
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        assert page.evaluate("document.documentElement.lang") == "en"
        broken = images_not_loaded(page)
        assert not broken, f"{path}: images that did not load: {broken}"
        no_alt = page.evaluate("Array.from(document.images).filter(i => !i.hasAttribute('alt')).length")
        assert no_alt == 0, path


def test_the_guard_catches_outside_requests_and_console_errors(tmp_path, browser):
    """The offline check itself can fail: a page that reaches out, or logs an error, is caught."""
    page_file = tmp_path / "leaky.html"
    page_file.write_text('<!DOCTYPE html><html lang="en"><title>x</title><img src="https://example.org/x.png" alt="">'
                         '<img src="missing.png" alt=""><script>console.error("boom")</script></html>', encoding="utf-8")
    context = browser.new_context()
    guard = Guard(context)
    page = context.new_page()
    page.goto(page_file.as_uri())
    page.wait_for_load_state("load")
    assert images_not_loaded(page) == ["https://example.org/x.png", (tmp_path / "missing.png").as_uri()]
    context.close()
    assert guard.outside == ["https://example.org/x.png"]
    assert any("boom" in e for e in guard.errors)
    assert any("missing.png" in e for e in guard.errors), guard.errors  # a file missing from the bundle


# --- Layout ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("width", [320, 360])
def test_no_horizontal_scroll_on_a_phone(site, built, open_page, width):
    page = open_page(site / "index.html", width=width)
    pages = sorted(site.rglob("*.html")) + sorted((built / "share" / "modules").glob("*.html"))
    for path in pages:
        page.goto(path.as_uri())
        assert no_horizontal_scroll(page), f"{path.relative_to(built)} scrolls sideways at {width} px"
    # The quiz after answering, and search results, must fit too.
    page.goto((site / "basics/first-steps.html").as_uri())
    page.locator("button.choice").first.click()
    assert no_horizontal_scroll(page)
    # A choice with a glossary term inside still wraps as one paragraph.
    assert page.locator("button.choice > *:not(.choice-text)").count() == 0
    page.goto((site / "search.html").as_uri() + "?q=ASEAN")
    assert page.locator(".search-result").count() > 0
    assert no_horizontal_scroll(page)


ENLARGE_TEXT = "document.documentElement.style.fontSize = '200%'"


@pytest.mark.parametrize("path", ["basics/first-steps.html", "agenda-one-day.html", "progress.html"])
def test_text_enlarged_to_200_percent_reflows_on_a_phone(site, open_page, path):
    """WCAG 1.4.4 and 1.4.10: at 360 px with the text twice as big, nothing runs off the side, and a table too
    wide for the screen scrolls inside itself, not the page."""
    page = open_page(site / "basics/first-steps.html")  # a visit, so the progress page shows a date
    page.goto((site / path).as_uri())
    page.evaluate(ENLARGE_TEXT)
    assert no_horizontal_scroll(page), f"{path} scrolls sideways with the text at 200 %"
    spills = page.evaluate("""() => Array.from(document.querySelectorAll('main *')).filter(e => {
        const r = e.getBoundingClientRect(), box = (e.closest('.table-scroll, .prose table') || document.documentElement);
        return r.width && !e.closest('.table-scroll, .prose table, .visually-hidden') && r.right > box.clientWidth + 1;
    }).map(e => e.tagName + ': ' + e.textContent.trim().slice(0, 30))""")
    assert not spills, f"runs past the right edge: {spills}"
    for meta in page.locator(".block-meta").all():  # an activity's time, group and materials stay in its box
        block = meta.evaluate("m => m.closest('.block').getBoundingClientRect().right")
        assert max(dd.bounding_box()["x"] + dd.bounding_box()["width"] for dd in meta.locator("dd").all()) <= block
    for table in page.locator(".progress-table").all():
        title, whole = table.evaluate("t => [t.querySelector('th[scope=row]').clientWidth, t.clientWidth]")
        assert title >= whole / 3, f"the lesson titles get {title} of {whole} px"


@pytest.mark.parametrize("width", [320, 1280])
def test_activity_details_sit_beside_their_labels(site, open_page, width):
    """At ordinary text size an activity's time, group and materials read as a two-column list: each value on
    its label's line, all values lined up (with enlarged text they go under their labels: the test above)."""
    page = open_page(site / "basics/first-steps.html", width=width)
    rows = page.locator(".block-meta").first.evaluate("""m => Array.from(m.children).map(c => {
        const r = c.getBoundingClientRect(); return [c.tagName, Math.round(r.top), Math.round(r.left)]; })""")
    labels, values = rows[0::2], rows[1::2]
    assert [r[0] for r in labels] == ["DT"] * len(labels) and len(values) == len(labels) >= 2
    assert all(dd[1] == dt[1] for dt, dd in zip(labels, values)), rows
    assert len({dd[2] for dd in values}) == 1 and values[0][2] > labels[0][2], rows


def test_reading_column_and_outline_on_a_desktop(site, open_page):
    page = open_page(site / "basics/second-steps.html", width=1280, height=900)
    width = page.evaluate("document.querySelector('.prose p').getBoundingClientRect().width")
    font = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.prose p')).fontSize)")
    assert 14 <= font <= 20
    assert width / font < 45, "lines longer than about 75 characters are hard to read"
    assert page.evaluate("getComputedStyle(document.querySelector('.site-nav')).display") != "none"


# --- Navigation and keyboard ------------------------------------------------------------------------

def test_navigation_by_links_breadcrumbs_and_pager(site, open_page):
    page = open_page(site / "index.html")
    page.get_by_role("link", name=re.compile("The basics")).first.click()
    assert page.url.endswith("basics/index.html")
    assert page.locator("h1").inner_text() != ""
    page.locator(".lesson-list a").first.click()
    assert page.url.endswith("basics/first-steps.html")
    crumbs = page.locator(".breadcrumbs a")
    assert crumbs.count() == 2
    assert page.locator('.breadcrumbs [aria-current="page"]').inner_text() == "First steps"
    page.locator(".pager a[rel=next]").click()
    assert page.url.endswith("basics/second-steps.html")
    page.locator(".pager a[rel=prev]").click()
    assert page.url.endswith("basics/first-steps.html")
    page.locator(".breadcrumbs a").nth(1).click()
    assert page.url.endswith("basics/index.html")
    page.locator(".breadcrumbs a").first.click()
    assert page.url.endswith("/index.html") and not page.url.endswith("basics/index.html")
    for name, target in (("Glossary", "glossary.html"), ("Handouts", "handouts.html"), ("My progress", "progress.html")):
        open_menu(page)
        page.locator(".site-nav").get_by_role("link", name=name).click()
        assert page.url.endswith(target)


def test_acronyms_link_to_the_glossary_and_are_spelled_out_once(site, open_page):
    page = open_page(site / "basics/first-steps.html")
    prose = page.locator(".prose")
    assert prose.inner_text().count("Association of Southeast Asian Nations") == 1
    link = prose.locator("a.term", has_text="ASEAN").first
    link.click()
    assert page.url.endswith("glossary.html#term-asean")
    page.wait_for_load_state("load")
    assert page.evaluate("document.getElementById(location.hash.slice(1)).textContent.trim()").startswith("ASEAN")


def test_keyboard_skip_link_and_focus(site, open_page):
    page = open_page(site / "basics/first-steps.html")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.evaluate("document.activeElement.getBoundingClientRect().left") >= 0, "the skip link shows on focus"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # Tabbing on reaches a link in the lesson, and focus is visible.
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("!!document.activeElement.closest('main')"):
            break
    assert page.evaluate("!!document.activeElement.closest('main')")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", ""), "focused element has no visible outline"


# --- The menu on a phone ----------------------------------------------------------------------------

NAV_LINKS = ["Modules", "Agenda", "Glossary", "Handouts", "My progress", "Search"]


def nav_links_shown(page) -> list[str]:
    return page.evaluate("""() => Array.from(document.querySelectorAll('.site-nav a'))
        .filter(a => a.offsetParent && a.getBoundingClientRect().height > 0).map(a => a.textContent.trim())""")


@pytest.mark.parametrize("kind", sorted(PAGE_TYPES))
def test_phone_menu_folds_behind_a_button_on_every_page(site, open_page, kind):
    """Every kind of page runs the script that folds the menu (app.js): closed at load, the lesson (h1) on the
    first screen, and the button opens it and closes it again, with the side lists (the modules, or a lesson's
    module and outline) where the page has them."""
    page = open_page(site / PAGE_TYPES[kind], width=360)
    button = page.get_by_role("button", name="Menu")
    assert button.is_visible() and button.get_attribute("aria-expanded") == "false"
    controlled = button.get_attribute("aria-controls").split()
    assert controlled == (["site-nav"] if kind == "home" else ["site-nav", "side"])
    assert page.locator("#site-nav").evaluate("n => n.matches('nav.site-nav')") and nav_links_shown(page) == []
    side = page.locator("#side")
    assert side.count() == (kind != "home") and (kind == "home" or side.is_hidden())
    assert page.locator("h1").bounding_box()["y"] < 400, "the page starts on the first screen of a phone"
    button.click()
    assert button.get_attribute("aria-expanded") == "true" and nav_links_shown(page) == NAV_LINKS
    assert kind == "home" or side.locator(".side-list a").first.is_visible()
    button.click()
    assert button.get_attribute("aria-expanded") == "false" and nav_links_shown(page) == []
    assert kind == "home" or side.is_hidden()


def test_phone_menu_opens_and_closes_by_keyboard(site, open_page):
    page = open_page(site / "basics/first-steps.html", width=360)
    focused = lambda: page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()")  # noqa: E731
    # Tab order: skip link, course title, the menu button; the folded menu is skipped, the languages come next.
    for _ in range(3):
        page.keyboard.press("Tab")
    assert focused() == "menu-button"
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('.breadcrumbs')"), focused()  # tiny course: one language
    page.keyboard.press("Shift+Tab")
    assert focused() == "menu-button"
    page.keyboard.press("Enter")
    assert page.get_attribute("#menu-button", "aria-expanded") == "true"
    page.keyboard.press("Tab")  # into the menu, in its order; no trap: on past its end
    assert focused() == "Modules"
    for name in NAV_LINKS[1:]:
        page.keyboard.press("Tab")
        assert focused() == name
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('.breadcrumbs')"), focused()
    # Escape closes it and puts focus back on the button.
    page.keyboard.press("Shift+Tab")
    assert focused() == "Search"
    page.keyboard.press("Escape")
    assert page.get_attribute("#menu-button", "aria-expanded") == "false" and nav_links_shown(page) == []
    assert focused() == "menu-button"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid", "the focus ring shows on the button"
    page.keyboard.press("Space")
    assert page.get_attribute("#menu-button", "aria-expanded") == "true"
    page.keyboard.press("Space")
    assert page.get_attribute("#menu-button", "aria-expanded") == "false"
    # An open menu's links are real links.
    page.keyboard.press("Enter")
    page.locator(".site-nav").get_by_role("link", name="Glossary").click()
    assert page.url.endswith("glossary.html")
    assert page.get_attribute("#menu-button", "aria-expanded") == "false", "closed again on the next page"


@pytest.mark.parametrize("kind", ["lesson", "search", "home"])
def test_menu_shows_in_full_without_javascript_and_on_a_desktop(site, open_page, kind):
    page = open_page(site / PAGE_TYPES[kind], width=360, java_script_enabled=False)
    assert nav_links_shown(page) == NAV_LINKS, "without JavaScript every link of the menu shows"
    assert page.locator("#menu-button").is_hidden()
    page = open_page(site / PAGE_TYPES[kind], width=1280, height=900)
    assert page.locator("#menu-button").is_hidden(), "wide screens have no menu button"
    assert nav_links_shown(page) == NAV_LINKS[:-1], "the menu as before (the search box in the header)"
    heights = page.evaluate("Array.from(document.querySelectorAll('.site-nav a')).filter(a => a.offsetParent)"
                            ".map(a => Math.round(a.getBoundingClientRect().top))")
    assert len(set(heights)) == 1, "the menu on one line"
    page.emulate_media(media="print")
    assert page.locator("#menu-button").is_hidden()


def test_axe_with_the_phone_menu_open_and_closed(site, open_page):
    page = open_page(site / "basics/first-steps.html", width=360)
    assert axe_violations(page) == [], "menu closed"
    open_menu(page)
    assert axe_violations(page) == [], "menu open"


# --- Search -----------------------------------------------------------------------------------------

def test_search_from_the_menu_on_a_phone(site, open_page):
    page = open_page(site / "basics/first-steps.html", width=360)
    assert page.locator("#search-q").is_hidden(), "phones get a Search link, not a box, to keep the header short"
    assert page.locator("#menu-button").is_visible(), "in the menu, behind its button"
    open_menu(page)
    page.locator(".site-nav").get_by_role("link", name="Search").click()
    assert page.url.endswith("search.html")
    page.fill("#search-page-q", "treaty")
    page.press("#search-page-q", "Enter")
    page.wait_for_url(re.compile(r"search\.html\?q=treaty"))
    assert page.locator(".search-result").count() >= 1


def test_search_from_the_header_with_snippets(site, open_page):
    page = open_page(site / "basics/first-steps.html", width=1280)
    page.fill("#search-q", "treaty")
    page.press("#search-q", "Enter")
    page.wait_for_url(re.compile(r"search\.html\?q=treaty"))
    results = page.locator(".search-result")
    assert results.count() >= 1
    first = results.first
    assert first.locator("mark").first.inner_text().lower() == "treaty"
    assert len(first.locator("p").inner_text()) > 20, "a snippet of the text around the match"
    first.locator("a").click()
    assert page.url.endswith(".html") and "/basics/" in page.url


def test_search_as_you_type_and_no_results(site, open_page):
    page = open_page(site / "search.html")
    page.fill("#search-page-q", "zzzzunknownword")
    page.wait_for_selector(".search-count")
    assert "No lessons contain" in page.locator(".search-count").inner_text()
    page.fill("#search-page-q", "MOU treaty")  # every word must appear in a result
    page.wait_for_function("document.querySelectorAll('.search-result').length > 0")
    assert page.locator(".search-result mark").count() >= 1
    page.fill("#search-page-q", "MOU zzzzunknownword")
    page.wait_for_function("document.querySelectorAll('.search-result').length == 0")


def test_search_lists_every_result_it_counts(site, tmp_path, open_page):
    """A word found on 60 pages: the page says 60 results and lists 60 (it once said 76 and listed 50)."""
    import shutil
    from courseware.search import index_entry, index_script
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    entries = [index_entry(f"basics/page-{n}.html", f"Page {n}", "The basics", "<p>Migrant workers and ASEAN.</p>", "en")
               for n in range(60)]
    (copy / "assets" / "search-index.js").write_bytes(index_script(entries, "en"))
    page = open_page((copy / "search.html").as_uri() + "?q=migrant")
    assert page.locator(".search-count").inner_text() == "60 results for migrant"
    assert page.locator(".search-result").count() == 60


def test_search_in_a_language_written_without_spaces(site, tmp_path, open_page):
    """Thai text is segmented at build time (ICU) and the query in the browser (Intl.Segmenter)."""
    pytest.importorskip("icu", reason="PyICU segments Thai at build time")
    import shutil
    from courseware.search import index_entry, index_script
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    body = "<p>แรงงานข้ามชาติในประเทศไทยมีสิทธิได้รับค่าจ้างขั้นต่ำ</p><p>อาเซียนมีสมาชิกสิบเอ็ดประเทศ</p>"
    entries = [index_entry("basics/first-steps.html", "สิทธิของแรงงาน", "พื้นฐาน", body, "th"),
               index_entry("basics/second-steps.html", "อื่น ๆ", "พื้นฐาน", "<p>การประชุมประจำปี</p>", "th")]
    assert " " in entries[0]["words"], "segmented into words at build time"
    (copy / "assets" / "search-index.js").write_bytes(index_script(entries, "th"))
    page = open_page((copy / "search.html").as_uri() + "?q=" + "ค่าจ้าง")
    results = page.locator(".search-result")
    assert results.count() == 1
    assert results.first.locator("a").inner_text() == "สิทธิของแรงงาน"
    marks = results.first.locator("mark").all_inner_texts()
    assert "".join(marks).startswith("ค่าจ้าง") or marks[0] == "ค่าจ้าง", marks  # one word or two: both highlighted
    page.fill("#search-page-q", "แรงงานข้ามชาติ")  # two words typed without a space: both must match
    page.wait_for_function("document.querySelectorAll('.search-result').length == 1")
    page.fill("#search-page-q", "แรงงานประชุม")  # one word from each page: no page has both
    page.wait_for_function("document.querySelectorAll('.search-result').length == 0")


def test_search_index_is_a_classic_script_without_trainer_material(site):
    index = (site / "assets" / "search-index.js").read_text(encoding="utf-8")
    assert index.startswith("window.SEARCH_INDEX = ")
    assert "Secret facilitator text" not in index
    search_page = (site / "search.html").read_text(encoding="utf-8")
    assert 'type="module"' not in search_page and "fetch(" not in (site / "assets" / "search.js").read_text()


# --- Quizzes ----------------------------------------------------------------------------------------

def test_quiz_answered_right_and_wrong_with_score_and_retry(site, open_page):
    """A wrong pick shows why under the choice, and the learner tries the others until the right one: each
    choice tried keeps its feedback. The score counts the questions whose first pick was right."""
    page = open_page(site / "basics/first-steps.html")
    quiz = page.locator("section.quiz")
    questions = quiz.locator(".quiz-question")
    questions.nth(0).get_by_role("button", name=re.compile("1967")).click()
    feedback = questions.nth(0).locator(".quiz-choice").nth(0).locator(".quiz-feedback")
    assert "Correct." in feedback.inner_text() and "8 August 1967" in feedback.inner_text()
    assert quiz.locator(".quiz-score").inner_text() == "Score: 1 of 2"
    assert quiz.locator(".quiz-retry").is_hidden()
    second = questions.nth(1)
    second.get_by_role("button", name="Yes").click()
    wrong = second.locator(".quiz-choice").nth(0).locator(".quiz-feedback")
    assert "Not quite." in wrong.inner_text() and "less formal agreement" in wrong.inner_text()
    # The question stays open: no answer is given away, and the other choice can still be tried.
    assert second.get_by_role("button", name="No").get_attribute("aria-disabled") is None
    assert second.locator(".quiz-feedback").count() == 1 and "Right." not in second.inner_text()
    assert quiz.locator(".quiz-retry").is_hidden(), "not every question is finished"
    second.get_by_role("button", name="No").click()
    assert "Right." in second.locator(".quiz-choice").nth(1).locator(".quiz-feedback").inner_text()
    assert "less formal agreement" in wrong.inner_text(), "the first pick's feedback stays"
    assert quiz.locator(".quiz-score").inner_text() == "Score: 1 of 2", "right at the second pick does not score"
    for button in second.locator("button.choice").all():
        assert button.get_attribute("aria-disabled") == "true", "finished: the buttons stop"
    # A further click on a finished question changes nothing.
    second.get_by_role("button", name="Yes").click(force=True)  # aria-disabled, but a finger can still tap it
    assert second.locator(".quiz-feedback").count() == 2 and quiz.locator(".picked-wrong").count() == 1
    retry = quiz.get_by_role("button", name="Try again")
    retry.click()
    assert quiz.locator(".picked-right, .picked-wrong, .quiz-feedback").count() == 0
    assert quiz.locator(".quiz-score").inner_text() == ""
    questions.nth(0).get_by_role("button", name=re.compile("1967")).click()
    second.get_by_role("button", name="No").click()
    assert quiz.locator(".quiz-score").inner_text() == "Score: 2 of 2"


def test_quiz_feedback_is_heard_once(polyglot, open_page):
    """A screen reader hears "Correct" once: the feedback "Correct. Four foreign ministers..." is not preceded
    by a second "Correct."; the mark is hidden from it, each pick's feedback is announced once (one live region
    per question, no description on the button), and a choice whose feedback says nothing gets the word."""
    page = open_page(polyglot / "html" / "mod/one.html")
    quiz = page.locator("section.quiz")
    quiz.locator("button.choice").nth(0).click()
    line = quiz.locator(".quiz-choice").nth(0).locator(".quiz-feedback")
    spoken = line.evaluate("""p => Array.from(p.childNodes).filter(n => !(n.getAttribute && n.getAttribute('aria-hidden')))
        .map(n => n.textContent).join('')""")
    assert spoken.lower().count("correct") == 1, spoken
    assert spoken.strip().startswith("Correct. Four foreign ministers"), spoken
    assert line.locator("[aria-hidden=true]").inner_text().strip() == "✓"
    live = quiz.evaluate("q => Array.from(q.querySelectorAll('[aria-live]')).map(e => e.className)")
    assert sorted(live) == ["quiz-choices", "quiz-score"], live
    assert quiz.locator("[aria-describedby]").count() == 0


def test_quiz_tells_an_lms_each_pick_and_retry(site, open_page):
    """The hooks a SCORM launch page uses (courseware/lms.py): awaCourse.watch hears each pick and each retry,
    with "done" once the question is finished and "right" if the first pick was right; awaCourse.pick puts a
    pick back."""
    page = open_page(site / "basics/first-steps.html")
    page.evaluate("window.heard = []; window.awaCourse.watch(e => window.heard.push(e))")
    page.evaluate("window.awaCourse.pick(0, 1, 0)")  # question 2, "Yes": wrong
    page.evaluate("window.awaCourse.pick(0, 1, 1)")  # then "No": right, at the second pick
    page.evaluate("window.awaCourse.pick(0, 0, 0)")  # question 1, "1967": right at once
    page.get_by_role("button", name="Try again").click()
    assert page.evaluate("window.heard") == [
        {"type": "pick", "quiz": 0, "question": 1, "choice": 0, "done": False, "right": False},
        {"type": "pick", "quiz": 0, "question": 1, "choice": 1, "done": True, "right": False},
        {"type": "pick", "quiz": 0, "question": 0, "choice": 0, "done": True, "right": True},
        {"type": "retry", "quiz": 0}]


MULTI_QUIZ = """
/// quiz | Check yourself
- question: Which are ASEAN members? Choose all that apply.
  checks: [1]
  choices:
    - text: Cambodia
      correct: true
      feedback: Yes, since 1999.
    - text: India
      feedback: No, India is a dialogue partner.
    - text: Timor-Leste
      correct: true
      feedback: Yes, since 2025.
///
"""


def test_quiz_with_several_right_answers(make_course, open_page):
    """'Choose all that apply': the question ends when every right answer is found; one wrong pick on the
    way makes it count as wrong."""
    from conftest import minimal_course
    from courseware.pipeline import Options, build
    root = make_course(minimal_course(**{"modules/01-mod/01-one.md": LESSON + MULTI_QUIZ}))
    result = build(root, Options(pdf=False), root / "output")
    assert not result.report.errors, result.report.format()
    page = open_page(root / "output" / "html" / "mod" / "one.html")
    quiz = page.locator("section.quiz")
    quiz.get_by_role("button", name="Cambodia").click()
    assert quiz.locator(".quiz-score").inner_text() == "Score: 0 of 1", "not finished after one of two"
    assert quiz.get_by_role("button", name="India").get_attribute("aria-disabled") is None
    quiz.get_by_role("button", name="Timor-Leste").click()
    assert quiz.locator(".quiz-score").inner_text() == "Score: 1 of 1"
    assert quiz.locator(".quiz-feedback.right").count() == 2
    assert "since 1999" in quiz.inner_text() and "since 2025" in quiz.inner_text()
    quiz.get_by_role("button", name="Try again").click()
    quiz.get_by_role("button", name="India").click()
    assert "dialogue partner" in quiz.locator(".quiz-feedback").inner_text()
    quiz.get_by_role("button", name="Cambodia").click()
    quiz.get_by_role("button", name="Timor-Leste").click()
    assert quiz.locator(".quiz-score").inner_text() == "Score: 0 of 1"
    assert quiz.get_by_role("button", name="Try again").is_visible()


def test_quiz_by_keyboard(site, open_page):
    page = open_page(site / "basics/first-steps.html")
    first = page.locator("button.choice").first
    first.focus()
    page.keyboard.press("Enter")
    assert page.locator(".quiz-feedback.right").count() == 1
    second = page.locator(".quiz-question").nth(1).locator("button.choice").first
    for _ in range(6):  # past the other choice of question 1 and the glossary link in question 2
        page.keyboard.press("Tab")
        if second.evaluate("b => b === document.activeElement"):
            break
    page.keyboard.press("Space")
    assert page.locator(".quiz-feedback.wrong").count() == 1
    assert page.locator(".quiz-score").inner_text() == "Score: 1 of 2"
    page.keyboard.press("Tab")  # on to the other choice, still open after the wrong pick
    page.keyboard.press("Enter")
    assert page.locator(".quiz-feedback.right").count() == 2
    assert page.get_by_role("button", name="Try again").is_visible()


def test_quiz_without_javascript_is_readable_and_hides_the_answers(site, open_page):
    page = open_page(site / "basics/first-steps.html", java_script_enabled=False)
    quiz = page.locator("section.quiz")
    text = quiz.inner_text()
    assert "When was ASEAN founded?" in text and "1967" in text and "1999" in text
    for answer_text in ("Yes, on 8 August 1967.", "that is when Cambodia joined", "Right.", "Correct"):
        assert answer_text not in text
    assert page.locator(".quiz-choice.correct, .answer-mark").count() == 0
    assert page.locator("button.choice").count() == 0


def test_progress_page_without_javascript_shows_no_dead_controls(site, open_page):
    """Without JavaScript the name box and the print, save and clear buttons would do nothing: they are not shown,
    and the page says why there is no record."""
    page = open_page(site / "progress.html", java_script_enabled=False)
    controls = page.evaluate("Array.from(document.querySelectorAll('main button, main input')).filter(e => e.offsetParent)"
                             ".map(e => e.id || e.textContent)")
    assert controls == []
    assert "JavaScript is turned off" in page.locator("main").inner_text()
    assert page.locator(".progress-table").first.is_visible(), "the list of lessons still reads"
    page = open_page(site / "progress.html")
    assert page.locator("#progress-name").is_visible() and page.locator("#progress-export").is_visible()


# --- Progress ---------------------------------------------------------------------------------------

def test_progress_survives_a_reload_and_shows_everywhere(site, open_page):
    page = open_page(site / "basics/first-steps.html")
    quiz = page.locator("section.quiz")
    quiz.locator(".quiz-question").nth(0).get_by_role("button", name=re.compile("1967")).click()
    quiz.locator(".quiz-question").nth(1).get_by_role("button", name="No").click()
    page.goto((site / "progress.html").as_uri())
    row = page.locator('tr[data-lesson="basics/first-steps"]')
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", row.locator(".visited").inner_text())
    assert row.locator(".score").inner_text() == "2 / 2"
    assert page.locator('tr[data-lesson="basics/second-steps"] .visited').inner_text() == "–"
    assert "opened 1 of 2 lessons" in page.locator("#progress-summary").inner_text()
    page.reload()
    assert page.locator('tr[data-lesson="basics/first-steps"] .score').inner_text() == "2 / 2"
    page.goto((site / "basics/index.html").as_uri())
    assert page.locator('.lesson-list li[data-lesson="basics/first-steps"].opened').count() == 1
    assert page.locator('.lesson-list li[data-lesson="basics/second-steps"].opened').count() == 0
    page.goto((site / "basics/second-steps.html").as_uri())
    assert page.locator(".side-list li.opened").count() == 2, "both lessons are ticked in the side list"
    assert "opened" in page.locator(".side-list li.opened").first.inner_text()
    page.goto((site / "index.html").as_uri())
    resume = page.locator("#resume")
    assert resume.is_visible() and "Continue where you left off:" in resume.inner_text()
    assert "Second steps" in resume.inner_text()
    card = page.locator(".card").first
    assert card.locator(".card-progress").inner_text().strip() == "2 of 2 lessons opened"
    assert card.locator("progress").evaluate("p => p.value") == 2
    resume.click()
    assert page.url.endswith("basics/second-steps.html")


def test_progress_export_file_and_printable_summary(site, open_page, tmp_path):
    page = open_page(site / "basics/second-steps.html")
    page.goto((site / "progress.html").as_uri())
    page.fill("#progress-name", "Dara Sok")
    page.reload()
    assert page.input_value("#progress-name") == "Dara Sok", "the name is kept"
    with page.expect_download() as info:
        page.click("#progress-export")
    download = info.value
    assert download.suggested_filename.startswith("learning-record-dara-sok-")
    assert download.suggested_filename.endswith(".txt")
    path = tmp_path / "record.txt"
    download.save_as(path)
    record = path.read_text(encoding="utf-8")
    assert "Name: Dara Sok" in record and "[x] Second steps" in record and "First steps" not in record
    assert path.stat().st_size < 2000
    assert "Saved as" in page.locator("#progress-status").inner_text()
    # The printed summary: navigation and buttons are left out; the name and the tables are in.
    page.emulate_media(media="print")
    assert page.locator(".site-header").is_hidden() and page.locator(".progress-actions").is_hidden()
    assert page.locator(".progress-table").first.is_visible()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(page.pdf())).pages)
    assert "Dara Sok" in text and "Second steps" in text and "Print a summary" not in text


def test_clearing_the_record(site, open_page):
    page = open_page(site / "basics/first-steps.html")
    page.goto((site / "progress.html").as_uri())
    page.on("dialog", lambda d: d.accept())
    page.click("#progress-reset")
    page.wait_for_load_state("load")
    assert page.locator('tr[data-lesson="basics/first-steps"] .visited').inner_text() == "–"


# --- Print ------------------------------------------------------------------------------------------

def test_lesson_print_styles(site, open_page):
    page = open_page(site / "basics/second-steps.html", width=1280)
    page.emulate_media(media="print")
    for hidden in (".site-header", ".breadcrumbs", ".pager", ".site-footer"):
        assert page.locator(hidden).is_hidden(), hidden
    assert page.locator("h1").is_visible()
    if page.locator(".worksheet").count():
        assert page.locator(".write-line").first.is_visible(), "worksheets get lines to write on"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(page.pdf())).pages)
    assert "Second steps" in text and "Search the course" not in text


# --- Accessibility ----------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", sorted(PAGE_TYPES))
def test_axe_finds_no_violations(site, open_page, kind):
    for width in (360, 1280):
        page = open_page(site / PAGE_TYPES[kind], width=width)
        assert axe_violations(page) == [], f"{kind} at {width} px"


def test_axe_on_interactive_states_facilitator_edition_and_single_file(site, built, open_page):
    page = open_page(site / "basics/first-steps.html")
    questions = page.locator(".quiz-question")
    questions.nth(0).locator("button.choice").nth(0).click()
    questions.nth(1).locator("button.choice").nth(0).click()
    assert axe_violations(page) == [], "answered quiz"
    page = open_page((site / "search.html").as_uri() + "?q=ASEAN")
    assert page.locator(".search-result").count() > 0
    assert axe_violations(page) == [], "search results"
    page = open_page(site / "progress.html")
    assert axe_violations(page) == [], "progress page"
    page = open_page(built / "facilitator" / "basics" / "first-steps.html")
    assert axe_violations(page) == [], "facilitator lesson"
    page = open_page(sorted((built / "share" / "modules").glob("*.html"))[0], width=1280)
    assert axe_violations(page) == [], "single-file module"


# --- Sharing: the zip and the single-file modules ----------------------------------------------------

def test_single_file_module_needs_nothing_else(built, open_page):
    module_file = sorted((built / "share" / "modules").glob("*.html"))[0]
    page = open_page(module_file, guard_allow=lambda url: url.split("#")[0] == module_file.as_uri())
    assert page.locator("article.lesson").count() == 2
    assert page.evaluate("document.images.length") and not images_not_loaded(page)
    assert page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor") != "rgba(0, 0, 0, 0)"
    # Links stay inside the file: lessons, glossary and references are anchors.
    hrefs = page.evaluate("Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'))")
    assert all(h.startswith(("#", "http://", "https://", "mailto:")) for h in hrefs), hrefs
    ids = page.evaluate("Array.from(document.querySelectorAll('[id]')).map(e => e.id)")
    assert len(ids) == len(set(ids)), "ids are unique across lessons"
    assert all(h[1:] in ids for h in hrefs if h.startswith("#") and len(h) > 1), "every anchor has a target"
    # The cross-lesson link and a glossary link work inside the file.
    page.locator(".prose a", has_text="next lesson").click()
    assert page.evaluate("location.hash").startswith("#lesson-second-steps--")
    page.locator(".quiz-question").first.locator("button.choice").first.click()
    assert "Correct." in page.locator(".quiz-feedback").first.inner_text()
    html = module_file.read_text(encoding="utf-8")
    assert "Secret facilitator text" not in html and "Facilitator note" not in html


def test_zipped_site_opens_and_works(built, tmp_path, open_page):
    zips = sorted((built / "share").glob("*-site.zip"))  # each language's downloads: tests/test_downloads.py
    assert len(zips) == 1
    with zipfile.ZipFile(zips[0]) as zf:
        names = zf.namelist()
        top = {n.split("/")[0] for n in names}
        assert len(top) == 1, "the site unzips into one folder"
        site_files = {p.relative_to(built / "html").as_posix() for p in (built / "html").rglob("*") if p.is_file()}
        assert {n.split("/", 1)[1] for n in names} == site_files
        zf.extractall(tmp_path)
    index = tmp_path / top.pop() / "index.html"
    page = open_page(index)
    page.locator(".cards a").first.click()
    page.locator(".lesson-list a").first.click()
    page.locator("button.choice").first.click()
    assert "Correct." in page.locator(".quiz-feedback").first.inner_text()


# --- Phones, tap targets, focus and the answer key (QA review) ---------------------------------------

# A course in English, Khmer and Burmese (the Khmer and Burmese lessons fall back to English, as much of the
# real course does) whose lesson has the real course's widest kind of table, a table that cannot fit a phone,
# an outline, a quiz and a facilitator note.
POLYGLOT_COURSE = COURSE_YAML.replace("languages: [en]", "languages: [en, km, my]")

POLYGLOT_LESSON = LESSON[:LESSON.index("## Start")] + """\
## Who to meet

| ASEAN body | Who represents your country | Usually based in |
|---|---|---|
| AICHR (ASEAN Intergovernmental Commission on Human Rights) | one representative appointed by the government | varies; AICHR reports to the foreign ministers |
| ACWC (ASEAN Commission on the Promotion and Protection of the Rights of Women and Children) | two representatives (women's rights, children's rights) | varies from country to country |
| ACMW (ASEAN Committee on the Implementation of the ASEAN Declaration on the Protection and Promotion of the Rights of Migrant Workers) | senior officials from the labour ministry (focal points) | labour ministry |

## The conventions, year by year

| Convention | Step one | Step two | Step three | Step four | Step five | Step six | Step seven |
|---|---|---|---|---|---|---|---|
| C97 Migration for Employment (Revised) | signed | ratified | reported | reviewed | reported | reviewed | reported |
| C143 Migrant Workers (Supplementary Provisions) | none | none | signed | ratified | reported | reviewed | reported |

## Check yourself

/// quiz | Check yourself
- question: When was ASEAN founded?
  checks: [1]
  choices:
    - text: 8 August 1967, in Bangkok
      correct: true
      feedback: Correct. Four foreign ministers and Malaysia's deputy prime minister signed the Declaration there.
    - text: 24 February 1976, in Bali
      feedback: No. That was the first Summit.
///

## Notes

""" + LESSON[LESSON.index("/// activity"):] + """
/// facilitator-note
Give the answer only after everyone has tried.
///
"""


@pytest.fixture(scope="module")
def polyglot(tmp_path_factory) -> Path:
    """The output folder of a small course built in English, Khmer and Burmese (sites only)."""
    from conftest import minimal_course
    from courseware.pipeline import Options, build
    root = tmp_path_factory.mktemp("polyglot")
    from conftest import GLOSSARY
    glossary = GLOSSARY + "".join(f"- term: {term}\n  expansion: {expansion}\n  definition: An ASEAN body.\n" for term, expansion in (
        ("AICHR", "ASEAN Intergovernmental Commission on Human Rights"),
        ("ACWC", "ASEAN Commission on the Promotion and Protection of the Rights of Women and Children"),
        ("ACMW", "ASEAN Committee on the Implementation of the ASEAN Declaration on Migrant Workers")))
    files = minimal_course(**{"modules/course.yaml": POLYGLOT_COURSE, "modules/01-mod/01-one.md": POLYGLOT_LESSON,
                              "modules/glossary.yaml": glossary})
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    result = build(root, Options(pdf=False), root / "output")
    assert not result.report.errors, result.report.format()
    return root / "output"


def fonts_ready(page):
    page.evaluate("() => document.fonts.ready.then(() => document.fonts.size)")


def edge_shade(page, table, side: str) -> float:
    """How dark the page is 2 px inside the table's left or right edge (the median over its height, 0-255)."""
    from PIL import Image
    box = table.bounding_box()
    x = box["x"] + 2 if side == "left" else box["x"] + box["width"] - 3
    shot = page.screenshot(clip={"x": x, "y": box["y"], "width": 1, "height": box["height"]})
    pixels = sorted(Image.open(io.BytesIO(shot)).convert("L").tobytes())
    return pixels[len(pixels) // 2]


@pytest.mark.parametrize("lang", ["", "km/", "my/"])
def test_lesson_tables_fit_a_phone_or_show_that_they_scroll(polyglot, open_page, lang):
    page = open_page(polyglot / "html" / lang / "mod/one.html", width=360)
    fonts_ready(page)
    assert no_horizontal_scroll(page)
    tables = page.locator(".prose table")
    bodies, wide = tables.nth(0), tables.nth(1)
    # Three columns of long names fit a 360 px phone without scrolling, and show no shadow.
    assert bodies.evaluate("t => t.scrollWidth <= t.clientWidth"), "the three-column table fits at 360 px"
    bodies.scroll_into_view_if_needed()
    assert edge_shade(page, bodies, "left") > 250 and edge_shade(page, bodies, "right") > 250
    # Eight columns cannot fit: the table scrolls inside itself, and a shadow shows the side with more to see.
    assert wide.evaluate("t => t.scrollWidth > t.clientWidth + 50")
    wide.scroll_into_view_if_needed()
    assert edge_shade(page, wide, "right") < 235, "no shadow at the right edge of a table that scrolls"
    assert edge_shade(page, wide, "left") > 250
    wide.evaluate("t => { t.scrollLeft = t.scrollWidth; }")
    assert edge_shade(page, wide, "left") < 235, "no shadow at the left edge once the table is scrolled"
    assert edge_shade(page, wide, "right") > 250
    assert no_horizontal_scroll(page)
    # Printed, a table is a table again: all of it, no shadows.
    page.emulate_media(media="print")
    assert wide.evaluate("t => getComputedStyle(t).display") == "table"
    assert wide.evaluate("t => getComputedStyle(t).backgroundImage") == "none"


TAP_TARGETS = ".language-switcher a, .site-nav a, .breadcrumbs a, .side-nav a, .toc a"


@pytest.mark.parametrize("lang", ["", "km/", "my/"])
@pytest.mark.parametrize("width", [320, 360])
def test_tap_targets_are_big_enough_and_apart(polyglot, open_page, lang, width):
    """WCAG 2.2 2.5.8: at least 24 x 24 CSS px, none overlapping; the menu and the languages get about 40 px."""
    page = open_page(polyglot / "html" / lang / "mod/one.html", width=width)
    fonts_ready(page)
    button = page.locator("#menu-button").bounding_box()
    assert button["width"] >= 39.5 and button["height"] >= 39.5, button
    open_menu(page)
    boxes = page.evaluate("""sel => Array.from(document.querySelectorAll(sel)).filter(a => a.offsetParent)
        .map(a => { const r = a.getBoundingClientRect();
                    return {name: a.closest('nav, .toc').classList[0] + ': ' + a.textContent.trim(),
                            x: r.left, y: r.top, w: r.width, h: r.height}; })""", TAP_TARGETS)
    kinds = {b["name"].split(":")[0] for b in boxes}
    assert kinds == {"language-switcher", "site-nav", "breadcrumbs", "side-nav", "toc"}, kinds
    for b in boxes:
        assert b["w"] >= 24 and b["h"] >= 24, f"{b['name']}: {b['w']:.0f} x {b['h']:.0f} px"
        if b["name"].startswith(("language-switcher", "site-nav")):
            assert b["h"] >= 39.5 and b["w"] >= 39.5, f"{b['name']}: {b['w']:.0f} x {b['h']:.0f} px"
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            overlap = min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"]) > 0.5 and \
                min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"]) > 0.5
            assert not overlap, f"{a['name']} and {b['name']} overlap"
    # The bigger targets do not cost a line: at 360 px every language is still on one line.
    if width == 360:
        tops = {round(b["y"]) for b in boxes if b["name"].startswith("language-switcher")}
        assert len(tops) == 1, "the language links wrap onto a second line"


def parse_colour(css: str) -> tuple[float, float, float]:
    r, g, b = (float(v) for v in re.match(r"rgba?\(([\d.]+), ([\d.]+), ([\d.]+)", css).groups())
    return r, g, b


def contrast(c1, c2) -> float:
    def luminance(c):
        lin = [v / 255 / 12.92 if v / 255 <= 0.04045 else ((v / 255 + 0.055) / 1.055) ** 2.4 for v in c]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    hi, lo = sorted((luminance(c1), luminance(c2)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


FOCUS_STYLE = """e => {
    e.focus();
    const s = getComputedStyle(e);
    const opaque = el => { for (; el; el = el.parentElement) {
        const bg = getComputedStyle(el).backgroundColor;
        if (bg !== 'rgba(0, 0, 0, 0)' && bg !== 'transparent') { return bg; } } return 'rgb(255, 255, 255)'; };
    return {focusVisible: e.matches(':focus-visible'), outline: s.outlineColor, outlineStyle: s.outlineStyle,
            outlineWidth: parseFloat(s.outlineWidth), offset: parseFloat(s.outlineOffset), shadow: s.boxShadow,
            inside: opaque(e), around: opaque(e.parentElement)};
}"""


def test_focus_ring_stands_out_on_every_background(polyglot, open_page):
    """WCAG 2.4.11 and 1.4.11: the focus ring has 3:1 against whatever is around it and inside it."""
    places = {  # where a keyboard user lands, and the background there
        "lesson link (white)": ("mod/one.html", 360, ".prose a"),
        "outline link (in the menu)": ("mod/one.html", 360, ".toc a"),
        "side list link (white)": ("mod/one.html", 1280, ".side-list a"),
        "module card (white)": ("index.html", 360, ".card a"),
        "start button (white on blue)": ("index.html", 1280, ".hero .button"),
        "hero link (blue)": ("index.html", 1280, ".hero .button.secondary"),
        "A-Z letter (grey)": ("glossary.html", 360, ".az a"),
        "quiz choice (white button)": ("mod/one.html", 360, "button.choice"),
        "site title (blue header)": ("mod/one.html", 360, ".site-title"),
        "menu button (white on blue)": ("mod/one.html", 360, "#menu-button"),
        "menu link (dark blue)": ("mod/one.html", 360, ".site-nav a"),
        "language link (blue header)": ("mod/one.html", 360, ".language-switcher a"),
        "search button (white on blue)": ("mod/one.html", 1280, ".search-form button"),
        "search box": ("mod/one.html", 1280, "#search-q"),
        "blue button (white page)": ("progress.html", 360, "#progress-print"),
        "breadcrumb (white)": ("mod/one.html", 360, ".breadcrumbs a"),
    }
    for name, (path, width, selector) in places.items():
        page = open_page(polyglot / "html" / path, width=width)
        if selector in (".site-nav a", ".toc a"):
            open_menu(page)
        page.keyboard.press("Tab")  # the last input was a key: programmatic focus shows the ring too
        style = page.locator(selector).first.evaluate(FOCUS_STYLE)
        assert style["focusVisible"], name
        assert style["outlineStyle"] == "solid" and style["outlineWidth"] >= 2, name
        halo = re.match(r"(rgba?\([^)]*\)) 0px 0px 0px ([\d.]+)px$", style["shadow"])
        assert halo, f"{name}: no halo around the ring ({style['shadow']})"
        ring, light = parse_colour(style["outline"]), parse_colour(halo.group(1))
        assert float(halo.group(2)) >= style["offset"] + style["outlineWidth"] + 2, f"{name}: the halo shows outside the ring"
        assert style["offset"] >= 1, f"{name}: the halo shows inside the ring too"
        assert contrast(ring, light) >= 3, f"{name}: the two tones of the ring"
        for side in ("around", "inside"):
            background = parse_colour(style[side])
            best = max(contrast(ring, background), contrast(light, background))
            assert best >= 3, f"{name}: focus ring {best:.1f}:1 against {style[side]} ({side})"


@pytest.mark.parametrize("lang", ["km/", "my/", ""])
def test_search_label_stays_clear_of_the_focus_ring(polyglot, open_page, lang):
    page = open_page(polyglot / "html" / lang / "search.html", width=360)
    fonts_ready(page)
    page.keyboard.press("Tab")
    style = page.locator("#search-page-q").evaluate(FOCUS_STYLE)
    spread = float(re.search(r"0px 0px 0px ([\d.]+)px", style["shadow"]).group(1))
    ring = max(style["offset"] + style["outlineWidth"], spread)
    # The bottom of the label's glyphs (a range's box covers the font's descent: Khmer and Burmese vowel marks).
    label_bottom = page.evaluate("""() => { const r = document.createRange();
        r.selectNodeContents(document.querySelector('label[for=search-page-q]'));
        return Math.max(...Array.from(r.getClientRects()).map(b => b.bottom)); }""")
    input_top = page.locator("#search-page-q").bounding_box()["y"]
    assert label_bottom + ring <= input_top, f"the focus ring ({ring} px) covers the label: {label_bottom} vs {input_top}"


def test_facilitator_answer_key_has_letters_and_separate_feedback(polyglot, open_page):
    page = open_page(polyglot / "facilitator" / "mod/one.html", width=360)
    choices = page.locator(".quiz-choices").first
    assert choices.evaluate("o => getComputedStyle(o).listStyleType") == "upper-alpha"
    assert choices.evaluate("o => parseFloat(getComputedStyle(o).paddingLeft)") >= 20, "room for the letters"
    assert choices.locator(".quiz-choice").first.evaluate("li => getComputedStyle(li).display") == "list-item"
    first = choices.locator(".quiz-choice").first
    feedback = first.locator(".quiz-feedback")
    text_bottom = first.evaluate("""li => { const r = document.createRange(); r.selectNodeContents(li.firstChild);
        return r.getBoundingClientRect().bottom; }""")
    assert feedback.bounding_box()["y"] >= text_bottom, "the feedback starts on a line of its own"
    assert feedback.evaluate("f => getComputedStyle(f).borderLeftStyle") == "solid", "set apart from the choice"
    # The trainee site is unchanged: lettered buttons, no answers or feedback until a choice is made.
    page = open_page(polyglot / "html" / "mod/one.html", width=360)
    assert page.locator(".quiz-choices").first.evaluate("o => getComputedStyle(o).listStyleType") == "none"
    assert page.locator("button.choice").first.evaluate(
        "b => getComputedStyle(b, '::before').content") == "counter(choice, upper-alpha)"
    assert page.locator(".quiz-choice .quiz-feedback, .answer-mark").count() == 0
    assert "Correct." not in page.locator("section.quiz").inner_text()


@pytest.mark.parametrize("name, expected", [
    ("မောင်မောင် ထွန်း", "မောင်မောင်-ထွန်း"),
    ("សុខ ដារ៉ា", "សុខ-ដារ៉ា"),
    ("Nguyễn Thị Lan", "nguyễn-thị-lan"),
    ('  A/B:C*"?<>|\\ d\u200b\u202eE  ', "a-b-c-d-e"),
], ids=["burmese", "khmer", "vietnamese", "unsafe-characters"])
def test_progress_export_file_name_keeps_a_name_in_any_script(site, open_page, name, expected):
    page = open_page(site / "progress.html")
    page.fill("#progress-name", name)
    with page.expect_download() as info:
        page.click("#progress-export")
    filename = info.value.suggested_filename
    assert re.fullmatch(r"learning-record-(.+)-\d{4}-\d\d-\d\d\.txt", filename).group(1) == expected, filename
    assert expected in page.locator("#progress-status").inner_text()


@pytest.mark.parametrize("lang, width", [("km/", 360), ("my/", 360), ("", 320)])
def test_progress_dates_stay_on_one_line(polyglot, open_page, lang, width):
    page = open_page(polyglot / "html" / lang / "mod/one.html", width=width)
    page.goto((polyglot / "html" / lang / "progress.html").as_uri())
    fonts_ready(page)
    cell = page.locator('tr[data-lesson="mod/one"] .visited')
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", cell.inner_text())
    lines, spills = cell.evaluate("""td => { const r = document.createRange(); r.selectNodeContents(td);
        const rects = Array.from(r.getClientRects()), box = td.getBoundingClientRect();
        return [new Set(rects.map(b => Math.round(b.top))).size, Math.max(...rects.map(b => b.right)) > box.right]; }""")
    assert lines == 1, "the date breaks at a hyphen"
    assert not spills, "the date runs out of its column"
    assert no_horizontal_scroll(page)
