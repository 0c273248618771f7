"""Page layout, checked on WeasyPrint's own page boxes: no heading alone at the bottom of a page, and
activities, worksheets, boxes and table rows never split across pages when they fit on one."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import COURSES, ROOT

HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6", "caption"}
KEEP_WITH_NEXT = {"block-head", "block-label", "block-title", "kicker", "keep"}
UNSPLIT = {"activity", "discussion", "case-study", "callout", "key-points", "worksheet", "quiz-question", "box",
           "agenda-day", "certificate", "open-question"}
PAGE_HEIGHT = 257 / 25.4 * 72 * 0.95  # A4 minus the margins, in points, with a little slack


def classes(element) -> set:
    return set((element.get("class") or "").split()) if element is not None else set()


def lay_out(root: Path, names=None) -> dict:
    """{pdf name: WeasyPrint Document} for the course at `root`, rendered but not written."""
    import weasyprint

    from courseware.fetch import ProjectFetcher
    from courseware.load import load_course
    from courseware.problems import Report
    from courseware.render_pdf import PdfRenderer
    report = Report(root)
    course = load_course(root, report)
    jobs = PdfRenderer(course, ROOT / "templates").jobs(report)
    assert not report.errors
    return {job.name: weasyprint.HTML(string=job.html, base_url=job.base_url,
                                      url_fetcher=ProjectFetcher([root, ROOT])).render()
            for job in jobs if names is None or job.name in names}


def body_of(page):
    return next(b for b in page._page_box.children if getattr(b, "element_tag", None) == "html")


def last_line_chain(box, chain=()):
    """The boxes that contain the last line of text on the page, outermost first."""
    from weasyprint.formatting_structure import boxes
    found = None
    for child in getattr(box, "children", []):
        if isinstance(child, boxes.LineBox):
            found = (*chain, box)
        elif hasattr(child, "children"):
            found = last_line_chain(child, (*chain, box)) or found
    return found


def headings_at_page_bottom(document) -> list[str]:
    problems = []
    for number, page in enumerate(document.pages[:-1], 1):
        chain = last_line_chain(body_of(page)) or ()
        for box in chain:
            if box.element_tag in HEADINGS or classes(box.element) & KEEP_WITH_NEXT:
                text = "".join(box.element.itertext()).strip()[:60] if box.element is not None else ""
                problems.append(f"page {number}: '{text}' ends the page")
                break
    return problems


def split_blocks(document) -> list[str]:
    """Blocks that should stay whole but start on one page and end on another although they would fit."""
    pages_of, height = {}, {}

    def walk(box, number):
        element = getattr(box, "element", None)
        if box.element_tag == "thead":  # header rows repeat on every page of a table, by design
            return
        if element is not None and (classes(element) & UNSPLIT or box.element_tag == "tr") \
                and box.element_tag not in ("html", "body"):
            key = id(element)
            if box.element_tag == "tr" or classes(element) & UNSPLIT:
                pages_of.setdefault(key, (element, set()))[1].add(number)
                height[key] = height.get(key, 0) + box.margin_height()
                return
        for child in getattr(box, "children", []):
            walk(child, number)

    for number, page in enumerate(document.pages, 1):
        walk(body_of(page), number)
    return [f"{'/'.join(sorted(classes(el))) or el.tag} '{''.join(el.itertext()).strip()[:50]}' on pages "
            f"{sorted(pages)}" for key, (el, pages) in pages_of.items() if len(pages) > 1 and height[key] < PAGE_HEIGHT]


@pytest.fixture(scope="module")
def tiny():
    return lay_out(COURSES / "tiny")


def test_no_heading_alone_at_the_bottom_of_a_page(tiny):
    for name, document in tiny.items():
        assert headings_at_page_bottom(document) == [], name


def test_activities_worksheets_boxes_and_table_rows_are_not_split(tiny):
    for name, document in tiny.items():
        assert split_blocks(document) == [], name


def test_the_checks_can_fail():
    """Without the print rules, a heading is left at the bottom and a box is split: both are reported."""
    import weasyprint
    filler = "".join(f"<p>Paragraph {i} " + "word " * 60 + "</p>" for i in range(7))
    html = ("<style>@page { size: A4; margin: 20mm } h2 { break-after: auto } .tall { height: 150mm; "
            "break-inside: avoid }</style>" + filler + "<h2>Left behind</h2><div class='tall'>x</div>"
            + filler + "<div class='box'>" + "<p>line</p>" * 15 + "</div>")
    document = weasyprint.HTML(string=html).render()
    assert headings_at_page_bottom(document) == ["page 1: 'Left behind' ends the page"]
    assert len(split_blocks(document)) == 1 and split_blocks(document)[0].startswith("box 'line")


@pytest.mark.slow
def test_full_course_layout():
    if not (ROOT / "modules" / "course.yaml").is_file():
        pytest.skip("no course in modules/")
    documents = lay_out(ROOT)
    problems = {name: headings_at_page_bottom(d) + split_blocks(d) for name, d in documents.items()}
    assert {k: v for k, v in problems.items() if v} == {}
    pages = {name: len(d.pages) for name, d in documents.items()}
    for name, count in pages.items():
        if name.startswith(("agenda-", "attendance-", "certificate-")):
            assert count == 1, (name, count)
        elif name.startswith(("pre-test", "post-test")):
            assert count <= 4, (name, count)
        elif name.startswith("daily-evaluation-"):
            assert count <= 2 * 5, (name, count)  # at most one sheet, both sides, per day
        elif name.startswith("handout-"):
            assert 8 <= count <= 120, (name, count)
        elif name.count(".") == 2:  # a part or the front of a book: "facilitator-guide-two-day.day-1.pdf"
            assert 1 <= count <= 120, (name, count)
        else:
            assert 20 <= count <= 700, (name, count)


def long_day_course(make_course, sessions: int) -> Path:
    """The minimal course with one day of `sessions` short sessions after its lesson."""
    from conftest import minimal_course
    course_yaml = minimal_course()["modules/course.yaml"].replace('start: "09:00"', 'start: "08:00"')
    course_yaml = course_yaml.replace('end: "12:00"', 'end: "20:00"')
    course_yaml += "".join(f"          - session: Session {i}\n            minutes: 10\n" for i in range(sessions))
    return make_course(minimal_course(**{"modules/course.yaml": course_yaml}))


def agenda_job(root: Path):
    from courseware.load import load_course
    from courseware.problems import Report
    from courseware.render_pdf import PdfRenderer
    report = Report(root)
    jobs = PdfRenderer(load_course(root, report), ROOT / "templates").jobs(report)
    assert not report.errors
    return next(job for job in jobs if job.name == "agenda-short.pdf")


def test_an_agenda_that_runs_over_one_page_is_laid_out_tighter(make_course):
    import io

    import weasyprint
    from pypdf import PdfReader

    from courseware.fetch import ProjectFetcher
    from courseware.render_pdf import lay_out
    root = long_day_course(make_course, 20)
    job = agenda_job(root)
    plain = weasyprint.HTML(string=job.html, base_url=job.base_url, url_fetcher=ProjectFetcher([root, ROOT])).render()
    assert len(plain.pages) > 1  # print.css alone does not fit it on one page
    name, pdf, warnings, fatal = lay_out(job, [root, ROOT])
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert (len(pages), warnings, fatal) == (1, [], None)
    assert "Session 19" in pages[0].extract_text()


def test_an_agenda_too_long_for_one_page_is_a_build_warning(make_course, run):
    root = long_day_course(make_course, 40)
    code, out, err = run("--root", root, "--pdf-only")
    assert code == 0
    assert ("modules/course.yaml:1:1: warning: agenda-short.pdf: layout warning: takes 3 pages where one is "
            "expected, even with agenda-tight.css: shorten the session titles or the day's sessions [pdf-layout]") in err


@pytest.fixture(scope="module")
def agendas():
    """{pdf name: WeasyPrint Document} of the course's agendas, every edition in every language."""
    import io

    from pypdf import PdfReader

    from courseware import languages, pdf_stage
    from courseware.load import load_course
    from courseware.problems import Report
    from courseware.render_pdf import lay_out
    from courseware.validate import validate
    if not (ROOT / "modules" / "course.yaml").is_file():
        pytest.skip("no course in modules/")
    report = Report(ROOT)
    course = load_course(ROOT, report)
    validate(course, report)
    versions = languages.translate_all(course, report)
    jobs = [job for job in pdf_stage.pdf_documents(versions, ROOT / "templates", report)[0]
            if job.name.startswith("agenda-")]
    assert not report.errors
    out = {}
    for job in jobs:
        name, pdf, warnings, fatal = lay_out(job, [ROOT])
        assert not warnings and not fatal, (name, warnings, fatal)
        out[name] = PdfReader(io.BytesIO(pdf))
    return out


@pytest.mark.slow
def test_the_agenda_is_one_page_in_every_language_and_edition(agendas):
    import yaml
    course = yaml.safe_load((ROOT / "modules" / "course.yaml").read_text(encoding="utf-8"))
    expected = {f"agenda-{e['id']}{'' if lang == 'en' else '.' + lang}.pdf"
                for e in course["editions"] for lang in course["languages"]}
    assert set(agendas) == expected and len(expected) >= 10
    pages = {name: len(pdf.pages) for name, pdf in agendas.items()}
    assert pages == {name: 1 for name in expected}


def test_a_named_attendance_sheet_keeps_its_rows_on_each_page():
    """26 names and 4 walk-in rows make 3 pages of 14 rows; a 120-character name and a long organisation keep
    their row's height, so no page runs over and the numbering goes on from page to page."""
    import io
    import re

    import weasyprint
    from pypdf import PdfReader

    from courseware.certificates import MAX_NAME, Participant
    from courseware.fetch import ProjectFetcher
    from courseware.load import load_course
    from courseware.problems import Report
    from courseware.render_pdf import PdfRenderer
    root = COURSES / "tiny"
    people = [Participant(f"Participant {letter}", "Migrant Workers Rights Network", "Thailand")
              for letter in "ABCDEFGHIJKLMNOPQRSTUVWXY"]
    people.insert(3, Participant(("Long " * 30)[:MAX_NAME], "Legal Support for Children and Women, Phnom Penh office",
                                 "Cambodia"))
    jobs = PdfRenderer(load_course(root, Report(root)), ROOT / "templates").named_documents(people)
    job = next(j for j in jobs if j.name == "attendance-one-day-named.pdf")
    document = weasyprint.HTML(string=job.html, base_url=job.base_url,
                               url_fetcher=ProjectFetcher([root, ROOT])).render()
    assert headings_at_page_bottom(document) == [] and split_blocks(document) == []
    pages = [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(document.write_pdf())).pages]
    assert len(pages) == 3
    for number, page in enumerate(pages):
        rows = page.split("Date: ____", 1)[1].split("Tiny course Page")[0]
        assert [int(n) for n in re.findall(r"\b\d+\b", rows)] == list(range(14 * number + 1, 14 * number + 15))
        assert page.endswith(f"Tiny course Page {number + 1} of 3")
    assert "3 Participant C Migrant" in pages[0] and "4 Long Long" in pages[0] and "14 Participant M " in pages[0]
    assert "15 Participant N " in pages[1] and "26 Participant Y Migrant Workers Rights Network Thailand 27" in pages[1]
    assert "Participant" not in pages[2]
