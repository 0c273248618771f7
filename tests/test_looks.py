"""How the site looks (issue 16): screenshots of every page kind at 360 and 1280 px, compared with reviewed
reference images, and the layout rules measured in the browser, in English, Khmer and Burmese.

The pages come from tests/courses/looks, a frozen copy of the shipped course's first module (two lessons, in
English, Khmer and Burmese), built without PDFs. The reference images are in tests/screenshots/. After a
deliberate change to the look, regenerate them and look at every one before committing:

    REGENERATE_SCREENSHOTS=1 .venv/bin/python -m pytest tests/test_looks.py -k screenshot

A screenshot matches when at most TOLERANCE of its pixels differ visibly from the reference (antialiasing
and small differences between Chromium builds pass; a block that moves does not). On a mismatch the actual
image and a map of the differences are written beside the test's temporary folder, and the failure says where.
Set SCREENSHOTS_OUT to a folder to keep every screenshot taken, to look at them.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest

from conftest import COURSES
from test_browser import AXE, CHROMIUM, Guard, axe_violations, no_horizontal_scroll  # noqa: F401

pytestmark = pytest.mark.browser

REFERENCE = Path(__file__).resolve().parent / "screenshots"
REGENERATE = os.environ.get("REGENERATE_SCREENSHOTS") == "1"
TOLERANCE = 0.012  # the share of pixels that may differ
VISIBLE = 48  # how far (0-255, in any channel) a pixel must differ to count
HEIGHT = {360: 740, 1280: 800}  # a phone's first screen, a laptop's

# One page of each kind in the trainee site, English (the query shows results).
KINDS = {
    "home": "index.html",
    "module": "asean-context/index.html",
    "lesson": "asean-context/what-is-asean.html",
    "agenda": "agenda-one-day.html",
    "glossary": "glossary.html",
    "references": "references.html",
    "handouts": "handouts.html",
    "progress": "progress.html",
    "search": "search.html?q=consensus",
}
# Khmer and Burmese: the pages where the script's line height and width matter most.
SCRIPTS = {f"{lang}-{kind}": f"{lang}/{KINDS[kind]}" for lang in ("km", "my") for kind in ("home", "lesson")}


@pytest.fixture(scope="module")
def looks(tmp_path_factory) -> Path:
    """The looks course's trainee and facilitator sites (no PDFs): the output folder."""
    from courseware.pipeline import Options, build
    out = tmp_path_factory.mktemp("looks") / "output"
    result = build(COURSES / "looks", Options(pdf=False), out)
    assert not result.report.errors, result.report.format()
    return out


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        # The same rendering everywhere: no hinting, greyscale antialiasing, one device pixel per CSS pixel.
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--font-render-hinting=none", "--disable-lcd-text",
            "--force-device-scale-factor=1", "--hide-scrollbars", "--disable-background-networking",
            "--disable-component-update", "--no-first-run"])
        yield b
        b.close()


@pytest.fixture
def view(chromium):
    """view(site, path, width, script=True) -> page, loaded, its fonts ready; the guard is checked at the end."""
    contexts = []

    def go(site: Path, path: str, width: int, script: bool = True):
        context = chromium.new_context(viewport={"width": width, "height": HEIGHT.get(width, 740)}, java_script_enabled=script,
                                       reduced_motion="reduce")
        guard = Guard(context)
        contexts.append((context, guard))
        page = context.new_page()
        file, _, query = path.partition("?")
        page.goto((site / file).as_uri() + (f"?{query}" if query else ""))
        if query:
            page.wait_for_selector(".search-result, .search-count")
        page.evaluate("document.fonts.ready.then(() => document.fonts.status)")
        return page

    yield go
    for context, guard in contexts:
        context.close()
    for context, guard in contexts:
        guard.check()


# --- Screenshots -----------------------------------------------------------------------------------------

def _stored(image):
    """The image as kept in tests/screenshots: 96 colours, no dithering (a few KB per screen)."""
    from PIL import Image
    return image.convert("RGB").quantize(colors=96, method=Image.Quantize.MEDIANCUT,
                                         dither=Image.Dither.NONE).convert("RGB")


def match(name: str, png: bytes, scratch: Path) -> None:
    """Compare a screenshot with its reference image (or write it, with REGENERATE_SCREENSHOTS=1)."""
    from PIL import Image, ImageChops
    actual = _stored(Image.open(io.BytesIO(png)))
    if os.environ.get("SCREENSHOTS_OUT"):
        folder = Path(os.environ["SCREENSHOTS_OUT"])
        folder.mkdir(parents=True, exist_ok=True)
        actual.save(folder / f"{name}.png")
    reference = REFERENCE / f"{name}.png"
    if REGENERATE:
        REFERENCE.mkdir(exist_ok=True)
        actual.quantize(colors=96, dither=Image.Dither.NONE).save(reference, optimize=True)
        return
    assert reference.is_file(), f"no reference image {reference.name}: regenerate them (see this file's docstring)"
    expected = Image.open(reference).convert("RGB")
    assert expected.size == actual.size, f"{name}: {actual.size} px, the reference is {expected.size}"
    diff = ImageChops.difference(expected, actual)
    mask = Image.eval(diff.convert("L"), lambda v: 255 if v * 3 >= VISIBLE else 0)  # L averages the channels
    changed = mask.histogram()[255]
    ratio = changed / (actual.width * actual.height)
    if ratio > TOLERANCE:
        actual.save(scratch / f"{name}-actual.png")
        mask.save(scratch / f"{name}-diff.png")
        pytest.fail(f"{name}: {ratio:.1%} of the pixels differ from tests/screenshots/{name}.png (tolerance "
                    f"{TOLERANCE:.1%}); see {scratch}/{name}-actual.png and -diff.png; if the change is deliberate, "
                    "regenerate the reference images and look at them")


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("name", list(KINDS) + list(SCRIPTS))
def test_screenshot_of_every_page_kind(looks, view, tmp_path, name, width):
    """The first screen of each kind of page, and of a Khmer and a Burmese home page and lesson."""
    page = view(looks / "html", {**KINDS, **SCRIPTS}[name], width)
    match(f"{name}-{width}", page.screenshot(), tmp_path)


def test_screenshot_of_lesson_blocks_and_an_answered_quiz(looks, view, tmp_path):
    """Below the first screen on a phone: an activity with its icon, and a quiz question picked wrong, then right."""
    page = view(looks / "html", KINDS["lesson"], 360)
    match("lesson-activity-360", page.locator("section.activity").first.screenshot(), tmp_path)
    question = page.locator(".quiz-question").first
    question.locator("button.choice").nth(1).click()
    question.locator("button.choice").nth(0).click()
    match("lesson-quiz-360", question.screenshot(), tmp_path)
    page = view(looks / "facilitator", KINDS["lesson"], 360)
    match("facilitator-note-360", page.locator("aside.facilitator-note").first.screenshot(), tmp_path)


# --- Layout ----------------------------------------------------------------------------------------------

def test_module_cards_on_the_first_screen_of_the_home_page(looks, view):
    """At 1280 px the first row of module cards is whole on the first screen; on a phone the first card starts
    on it. (The cards used to start 3,300 px down.)"""
    page = view(looks / "html", "index.html", 1280)
    cards = page.locator(".cards > li")
    first = cards.first.bounding_box()
    assert first["y"] + first["height"] <= HEIGHT[1280], first
    for lang in ("", "km/", "my/"):
        page = view(looks / "html", lang + "index.html", 360)
        assert page.locator(".cards > li").first.bounding_box()["y"] < HEIGHT[360], lang


def test_the_modules_link_lands_on_the_modules(looks, view):
    page = view(looks / "html", KINDS["lesson"], 1280)
    page.locator(".site-nav").get_by_role("link", name="Modules").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("index.html#modules")
    assert abs(page.locator("#modules").bounding_box()["y"]) < 5, "scrolled to the modules"


@pytest.mark.parametrize("lang", ["", "km/", "my/"])
def test_a_lesson_uses_the_width_of_a_laptop(looks, view, lang):
    """At 1280 px the side list and the lesson together use at least 70 % of the width, the lesson's outline
    sits on the right, and the lines stay short enough to read."""
    page = view(looks / "html", lang + KINDS["lesson"], 1280)
    side = page.locator(".side-nav").bounding_box()
    main = page.locator("main").bounding_box()
    toc = page.locator(".toc").bounding_box()
    assert (side["width"] + main["width"]) / 1280 >= 0.7, (side, main)
    assert side["x"] + side["width"] <= main["x"] <= toc["x"] - main["width"], (side, main, toc)
    assert side["y"] < 300 and toc["y"] < 300, "the side lists start beside the title"
    width = page.evaluate("document.querySelector('.prose p').getBoundingClientRect().width")
    font = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.prose p')).fontSize)")
    assert width / font < 45, "lines longer than about 75 characters are hard to read"
    current = page.locator('.side-list [aria-current="page"]')
    assert current.count() == 1 and current.evaluate("a => a.firstChild.textContent") == page.locator("h1").inner_text()


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_no_page_leaves_half_a_laptop_screen_empty(looks, view, kind):
    """From the left edge of the side list (or of the page) to the right edge of the widest thing in it, every
    kind of page spans at least 70 % of a 1280 px screen."""
    page = view(looks / "html", KINDS[kind], 1280)
    left, right = page.evaluate("""() => {
        const boxes = [...document.querySelectorAll('.side, .side > *, main, main *')].map(e => e.getBoundingClientRect())
            .filter(r => r.width && r.height);
        return [Math.min(...boxes.map(r => r.left)), Math.max(...boxes.map(r => r.right))]; }""")
    assert (right - left) / 1280 >= 0.7, f"{kind}: the page spans {left:.0f} to {right:.0f} px"


@pytest.mark.parametrize("lang", ["", "km/", "my/"])
def test_no_sideways_scroll_at_320_px(looks, view, lang):
    page = view(looks / "html", lang + "index.html", 320)
    for path in KINDS.values():
        file, _, query = path.partition("?")
        page.goto((looks / "html" / lang / file).as_uri() + (f"?{query}" if query else ""))
        page.evaluate("document.fonts.ready")
        assert no_horizontal_scroll(page), f"{lang}{path} scrolls sideways at 320 px"
        page.locator("#menu-button").click()  # open, the side lists too
        assert no_horizontal_scroll(page), f"{lang}{path} scrolls sideways at 320 px with the menu open"


def test_glossary_a_to_z_and_the_way_back(looks, view):
    """The A-Z list jumps to each letter and stays at hand; each term's expansion and definition are set
    apart; Back returns to the lesson the reader came from, past the jumps made inside the glossary."""
    page = view(looks / "html", KINDS["lesson"], 360)
    page.locator(".prose a.term").first.click()
    page.wait_for_load_state("load")
    assert "glossary.html#term-" in page.url
    entry = page.locator("#" + page.url.split("#")[1])
    assert entry.locator("dt").count() == 1 and entry.locator("dd.expansion").count() <= 1
    assert entry.locator("dd.definition").count() == 1
    letters = page.locator(".az a")
    assert letters.count() >= 10 and letters.first.inner_text() == "A"
    letters.nth(3).click()
    target = page.locator(letters.nth(3).get_attribute("href"))
    bar = page.locator(".az-bar").bounding_box()
    assert target.bounding_box()["y"] >= bar["y"] + bar["height"] - 1, "the letter is not hidden under the bar"
    assert bar["y"] <= 1, "the A-Z list stays at the top of the screen"
    back = page.get_by_role("link", name="Back")
    assert back.is_visible()
    back.click()
    page.wait_for_load_state("load")
    assert page.url.endswith(KINDS["lesson"]), page.url


# --- Accessibility ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["", "km/", "my/"])
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_axe_on_every_page_kind_with_the_menu_open_and_closed(looks, view, kind, lang):
    page = view(looks / "html", lang + KINDS[kind], 360)
    assert axe_violations(page) == [], f"{lang}{kind} at 360 px, menu closed"
    page.locator("#menu-button").click()
    assert axe_violations(page) == [], f"{lang}{kind} at 360 px, menu open"
    page = view(looks / "html", lang + KINDS[kind], 1280)
    assert axe_violations(page) == [], f"{lang}{kind} at 1280 px"
