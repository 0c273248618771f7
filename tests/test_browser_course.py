"""The real course's trainee site in Chromium: every page offline, without errors, without sideways
scrolling on a 360 px phone, and with no axe-core violations; lesson pages within the weight budget.

The trainee sites of every language are rendered straight from the sources in modules/ (no PDFs), so the
check stays quick while the course grows. The browser visits the English site and the Burmese one (the
heaviest script, and the most English fallbacks to mark); the weight check covers every language.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT
from test_browser import Guard, axe_violations, browser, no_horizontal_scroll  # noqa: F401  (browser: a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def course_site(tmp_path_factory) -> tuple[Path, object]:
    from courseware import languages
    from courseware.load import load_course
    from courseware.package import lesson_weights
    from courseware.problems import Report
    from courseware.render_html import SiteRenderer
    from courseware.validate import validate
    report = Report(ROOT)
    course = load_course(ROOT, report)
    assert course is not None, report.format()
    validate(course, report)
    assert not report.errors, report.format()
    versions = languages.translate_all(course, report)
    files = languages.sites(versions, ROOT / "templates", ROOT / "fonts", report)
    assert not report.errors, report.format()
    site = {path[len("html/"):]: data for path, data in files.items() if path.startswith("html/")}
    out = tmp_path_factory.mktemp("course") / "html"
    for rel, data in site.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(data)
    for module in course.modules:
        (out.parent / f"module-{module.number}.html").write_text(
            SiteRenderer(course, ROOT / "templates", "trainee").render_module_file(module, report), encoding="utf-8")
    return out, lesson_weights(site, course)


def test_real_course_lesson_pages_within_budget(course_site):
    from courseware.package import BUDGET
    _, weights = course_site
    assert {w.path.split("/")[0] for w in weights} >= {"km", "my", "th", "vi"}, "every language is weighed"
    # Fonts are not counted. A margin, so that an edit does not tip a page over the budget unnoticed.
    heavy = [f"{w.path}: {w.weight / 1024:.1f} K chars" for w in weights if w.weight > BUDGET - 2048]
    assert not heavy, f"lesson pages near or over the {BUDGET // 1024} K-character budget: {heavy}"


def test_real_course_every_page_on_a_phone(course_site, browser):
    site, _ = course_site
    english = [p for p in site.rglob("*.html") if p.relative_to(site).parts[0] not in ("km", "my", "th", "vi")]
    pages = sorted(english) + sorted((site / "my").rglob("*.html")) + sorted(site.parent.glob("module-*.html"))
    assert len(pages) > 2 * 40
    problems = []
    context = browser.new_context(viewport={"width": 360, "height": 740})
    context.set_default_timeout(30000)
    guard = Guard(context)
    page = context.new_page()
    for path in pages:
        page.goto(path.as_uri())
        name = path.relative_to(site.parent).as_posix()
        if not no_horizontal_scroll(page):
            wide = page.evaluate("""Array.from(document.querySelectorAll('main *')).filter(e =>
                e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
                .slice(0, 3).map(e => e.tagName + '.' + e.className)""")
            problems.append(f"{name}: scrolls sideways at 360 px ({wide})")
        for v in axe_violations(page):
            problems.append(f"{name}: axe {v['id']} ({v['impact']}): {v['help']} at {v['nodes']}")
        if page.locator("section.quiz").count():  # the answered state too
            page.locator(".quiz-question").first.locator("button.choice").first.click()
            for v in axe_violations(page):
                problems.append(f"{name} (quiz answered): axe {v['id']}: {v['help']} at {v['nodes']}")
    context.close()
    guard.check()
    assert not problems, "\n".join(problems)
