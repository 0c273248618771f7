"""Printable PDFs of the tiny course, read back with pypdf: what trainees may see, fonts, tags, pages, layout."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from conftest import COURSES, ROOT
from courseware import cache

TINY = COURSES / "tiny"
PEOPLE = "Name;Organisation;Email\nSomchai Jaidee;Migrant Workers Rights Network;s@example.org\n\n" \
         " Nguyễn  Thị Lan ;;\nសុខ ដារ៉ា;Legal Support for Children and Women;\n"
NAMES = ["Somchai Jaidee", "Nguyễn Thị Lan", "សុខ ដារ៉ា"]

GUIDE = "facilitator-guide-one-day.pdf"
TRAINEE = ["handout-01-basics.pdf", "course-reader.pdf", "pre-test.pdf", "post-test.pdf", "agenda-one-day.pdf",
           "daily-evaluation-one-day.pdf", "attendance-one-day.pdf", "certificate-one-day.pdf",
           "certificates-one-day-named.pdf", "attendance-one-day-named.pdf"]
NAMED = ("certificates-one-day-named.pdf", "attendance-one-day-named.pdf")  # the only files with the names
A4 = (595.28, 841.89)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The tiny course built once, with a participants file kept outside the project."""
    from courseware.cli import main
    tmp = tmp_path_factory.mktemp("pdf")
    people = tmp / "participants.csv"
    people.write_text(PEOPLE, encoding="utf-8")
    out = tmp / "output"
    assert main(["--root", str(TINY), "--output", str(out), "--participants", str(people)]) == 0
    return out


def reader(built, name) -> PdfReader:
    return PdfReader(io.BytesIO((built / "pdf" / name).read_bytes()))


def text(built, name) -> str:
    """All the text of a PDF with whitespace collapsed, so that line breaks do not hide a phrase."""
    return " ".join(" ".join(page.extract_text().split()) for page in reader(built, name).pages)


def page_texts(built, name) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in reader(built, name).pages]


def trainer_material() -> tuple[list[str], list[str]]:
    """Trainer material of the tiny course, read from its sources: (in the guide, in no trainee PDF).

    Facilitator notes, quiz feedback and the test's correct answers with their explanations must be in
    the guide; the explanations of the test's wrong choices are not printed anywhere."""
    guide = []
    for lesson in sorted((TINY / "modules").glob("*/*.md")):
        body = lesson.read_text(encoding="utf-8")
        for note in re.findall(r"^/{4,} ?facilitator-note\n(.*?)\n/{4,}$", body, re.S | re.M):
            guide += [line.strip() for line in note.splitlines() if line.strip()]
        guide += [m.strip() for m in re.findall(r"^\s+feedback: (.+)$", body, re.M)]
    test = yaml.safe_load((TINY / "modules" / "assessment.yaml").read_text(encoding="utf-8"))["test"]
    choices = [c for q in test["questions"] for c in q["choices"] if c.get("feedback")]
    guide += [c["feedback"] for c in choices if c.get("correct")]
    return guide, guide + [c["feedback"] for c in choices if not c.get("correct")]


def test_every_printable_document_is_built(built):
    names = sorted(p.name for p in (built / "pdf").iterdir())
    assert names == sorted(TRAINEE + [GUIDE])


def test_trainer_material_is_absent_from_every_trainee_pdf_and_present_in_the_guide(built):
    in_guide, secrets = trainer_material()
    assert len(in_guide) >= 6 and "The answer is 1967. Secret facilitator text." in in_guide
    guide = text(built, GUIDE)
    for secret in in_guide:
        assert secret in guide, f"{secret!r} missing from the facilitator guide"
    for name in TRAINEE:
        trainee = text(built, name)
        leaked = [s for s in secrets if s in trainee]
        assert not leaked, f"{name} shows trainer material: {leaked}"
        assert "Facilitator note" not in trainee and "✓" not in trainee and "answer key" not in trainee.lower()


def test_the_guide_has_timing_plan_materials_steps_and_answer_keys(built):
    guide = text(built, GUIDE)
    for expected in ["Timing plan", "09:30–09:49 19 INPUT Founding", "09:49–10:09 20 ACTIVITY Timeline (small groups",
                     "10:09–10:20 11 CASE STUDY Recruited under an MOU", "10:20–10:30 10 QUIZ Check yourself",
                     "09:30–10:30 60 Total", "10:45–11:05 20 INPUT Practice", "11:15–11:45 30 ACTIVITY Share plans", "Materials checklist",
                     "☐ Flipchart paper", "☐ cards", "Quiz answer key 1 A · 2 B", "Steps, notes and content",
                     "Pre-test and post-test answer key", "1 B How many member states does ASEAN have? B. 11",
                     "Bring the printed worksheets.", "Before the course: what to print", "Agenda: One-day workshop",
                     "10:30–10:45 BREAK: Tea break"]:
        assert expected in guide, expected


def test_forms_have_no_answers_but_everything_to_fill_in(built):
    for kind, label in (("pre", "PRE-TEST: FIRST DAY"), ("post", "POST-TEST: LAST DAY")):
        form = text(built, f"{kind}-test.pdf")
        assert label in form and "How many member states does ASEAN have?" in form
        assert "Name" in form and "Organisation" in form and "Score: ______ / 1" in form
    evaluation = page_texts(built, "daily-evaluation-one-day.pdf")
    assert len(evaluation) == 1 and "Day 1: Basics" in evaluation[0]
    assert "09:30 First steps" in evaluation[0] and "What was the most useful thing you learned today?" in evaluation[0]
    attendance = text(built, "attendance-one-day.pdf")
    assert "Attendance sheet" in attendance and "Day 1 Date:" in attendance and " 14 " in attendance + " "
    certificate = text(built, "certificate-one-day.pdf")
    assert "Certificate of completion" in certificate and "NAME OF PARTICIPANT" in certificate
    assert "One-day workshop" in certificate and not any(n in certificate for n in NAMES)


def test_agenda_is_one_page_with_every_session_and_break(built):
    pages = page_texts(built, "agenda-one-day.pdf")
    assert len(pages) == 1
    for expected in ["09:00–09:30", "Welcome and introductions", "First steps", "BREAK: Tea break", "10:45–11:45"]:
        assert expected in pages[0]


def test_named_certificates_one_page_each_and_nowhere_else(built):
    pages = page_texts(built, "certificates-one-day-named.pdf")
    assert len(pages) == len(NAMES)
    for page, name in zip(pages, NAMES):
        assert name in page
    assert "Migrant Workers Rights Network" in pages[0] and "s@example.org" not in " ".join(pages)
    assert list((built / cache.CACHE / cache.FILES).glob("*.pdf")), "the PDFs the build keeps are read too"
    for path in built.rglob("*"):
        if not path.is_file() or path.name in NAMED:
            continue
        data = path.read_bytes()
        assert not any(n.encode("utf-8") in data for n in NAMES), f"a participant's name is in {path}"
        if path.suffix == ".pdf":
            body = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)
            assert not any(n in body for n in NAMES), f"a participant's name is in {path}"


def test_named_attendance_sheet_lists_the_participants_then_blank_rows(built):
    [page] = page_texts(built, "attendance-one-day-named.pdf")
    assert "Attendance sheet" in page and "Day 1 Date:" in page
    rows = page.split("Day 1 Date: ____", 1)[1]
    assert rows.strip() == ("1 Somchai Jaidee Migrant Workers Rights Network 2 Nguyễn Thị Lan 3 សុខ ដារ៉ា Legal "
                            "Support for Children and Women 4 5 6 7 8 9 10 11 12 13 14 Tiny course Page 1 of 1")
    blank = page_texts(built, "attendance-one-day.pdf")[0]
    assert " 14 " in blank + " " and not any(n in blank for n in NAMES)


def fonts_of(pdf: PdfReader) -> dict:
    """BaseFont -> font dictionary, for every font used on any page (and in its form XObjects)."""
    found = {}

    def walk(resources):
        resources = resources.get_object() if resources is not None else {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            found[font["/BaseFont"]] = font
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Resources") is not None:
                walk(xobject["/Resources"])

    for page in pdf.pages:
        walk(page.get("/Resources"))
    return found


@pytest.mark.parametrize("name", TRAINEE + [GUIDE])
def test_every_font_is_embedded_subset_and_from_the_project(built, name):
    fonts = fonts_of(reader(built, name))
    assert fonts
    for base, font in fonts.items():
        descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        descriptor = descendant["/FontDescriptor"].get_object()
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), f"{base} is not embedded"
        assert re.match(r"^/[A-Z]{6}\+", base), f"{base} is not a subset"
        assert base.split("+", 1)[1].startswith("Noto-Sans"), f"{base} does not come from fonts/"


@pytest.mark.parametrize("name", TRAINEE + [GUIDE])
def test_documents_are_tagged_with_language_and_metadata(built, name):
    pdf = reader(built, name)
    root = pdf.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] is True or root["/MarkInfo"]["/Marked"] == True  # noqa: E712
    assert "/StructTreeRoot" in root and root["/Lang"] == "en"
    meta = pdf.metadata
    assert meta["/Title"].startswith("Tiny course: ") and meta["/Author"] == "Course team"
    assert "pdfuaid" in root["/Metadata"].get_object().get_data().decode("utf-8")
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]


@pytest.mark.parametrize("name, low, high, landscape", [
    ("handout-01-basics.pdf", 5, 12, False),
    ("course-reader.pdf", 7, 14, False),
    (GUIDE, 9, 20, False),
    ("pre-test.pdf", 1, 1, False),
    ("post-test.pdf", 1, 1, False),
    ("daily-evaluation-one-day.pdf", 1, 1, False),
    ("agenda-one-day.pdf", 1, 1, True),
    ("attendance-one-day.pdf", 1, 1, True),
    ("attendance-one-day-named.pdf", 1, 1, True),
    ("certificate-one-day.pdf", 1, 1, True),
])
def test_page_counts_and_a4_sizes(built, name, low, high, landscape):
    pdf = reader(built, name)
    assert low <= len(pdf.pages) <= high
    for page in pdf.pages:
        size = (round(float(page.mediabox.width), 2), round(float(page.mediabox.height), 2))
        assert size == (A4[::-1] if landscape else A4)


def test_page_x_of_y_running_header_and_toc_page_numbers(built):
    """The reader's front (cover, contents) has no page numbers; then come the module's handout pages, each
    with its own "Page X of Y" (tests/test_pdf_book.py checks a course of several modules)."""
    pages = page_texts(built, "course-reader.pdf")
    handout = page_texts(built, "handout-01-basics.pdf")
    assert "Page" not in pages[0] + pages[1] and len(pages) == 2 + len(handout)
    n = len(handout)
    for number, page in enumerate(pages[3:], 2):  # the handout's cover has no footer either
        assert f"Page {number} of {n}" in page and "Tiny course" in page
    toc = pages[1]
    for title in ("Module 1: The basics", "1.1 First steps", "1.2 Second steps", "Glossary", "References"):
        m = re.search(re.escape(title) + r" ?\.+ ?(\d+)", toc)
        assert m, f"{title} has no page number in the contents"
        target = handout[int(m.group(1)) - 1]
        assert title.split(" ", 1)[-1].replace("1: ", "") in target
    lesson_page = next(p for p in pages if "First steps" in p and "Objectives" in p)
    assert "Module 1: The basics" in lesson_page  # the running header names the module


def test_worksheets_leave_ruled_writing_space(built):
    from courseware.render_pdf import PdfRenderer
    from courseware.load import load_course
    from courseware.problems import Report
    course = load_course(TINY, Report(TINY))
    handout = next(j for j in PdfRenderer(course, ROOT / "templates").jobs(Report(TINY)) if j.name.startswith("handout"))
    worksheet = handout.html[handout.html.index('class="block worksheet"'):]
    worksheet = worksheet[:worksheet.index("</section>")]
    assert worksheet.count('class="write-line"') == 2 * 3  # two prompts, `lines: 3`


def _contrast_on_white(hex_colour: str) -> float:
    def channel(v):
        v = int(v, 16) / 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(hex_colour[i:i + 2]) for i in (0, 2, 4))
    return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05)


def test_print_css_uses_greys_and_dark_colours_only():
    """Greys, except the modules' colours (mod-N) and the icons (issue 16): dark enough to print as dark greys on a
    grey printer (4.5:1 against white at least), and never the only sign of anything (the module is named in
    words, each block has its label)."""
    css = (ROOT / "templates" / "pdf" / "print.css").read_text(encoding="utf-8")
    modules = re.findall(r"\.mod-\d \{ --mod: #([0-9a-fA-F]{6}); \}", css)
    assert len(modules) == 6
    colours = re.findall(r"#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b", re.sub(r"\.mod-\d \{ --mod: #\w+; \}", "", css))
    assert colours
    for c in colours:
        c = "".join(ch * 2 for ch in c) if len(c) == 3 else c
        assert c[0:2] == c[2:4] == c[4:6], f"#{c} is not a grey: meaning must not depend on colour"
    assert not re.search(r"\b(rgb|hsl)a?\(", css)
    icons = sorted((ROOT / "templates" / "assets" / "icons").glob("*.svg"))
    used = set(re.findall(r"icons/([\w-]+)\.svg", css))
    assert used and used <= {p.stem for p in icons}
    for c in modules + [re.search(r'stroke="#(\w{6})"', (ROOT / "templates" / "assets" / "icons" / f"{name}.svg")
                                  .read_text()).group(1) for name in sorted(used)]:
        assert _contrast_on_white(c) >= 4.5, f"#{c} would print as a pale grey"


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="pdftoppm (poppler-utils) is not installed")
@pytest.mark.parametrize("name", ["agenda-one-day.pdf", "certificate-one-day.pdf", "pre-test.pdf"])
def test_pages_render_to_png_with_ink_inside_the_page(built, tmp_path, name):
    from PIL import Image
    subprocess.run(["pdftoppm", "-r", "30", "-png", "-gray", str(built / "pdf" / name), str(tmp_path / "p")],
                   check=True)
    image = Image.open(next(tmp_path.glob("p*.png"))).convert("L")
    width, height = image.size
    dark = [(x, y) for x in range(width) for y in range(height) if image.getpixel((x, y)) < 128]
    assert len(dark) > 200, "the page is blank"
    margin = 3  # nothing printed in the outer 2.5 mm that office printers cannot reach
    assert all(margin <= x < width - margin and margin <= y < height - margin for x, y in dark)


def test_a_one_module_build_lays_out_only_that_handout(make_course):
    """`build.py --module`: the reader, guides and forms need every module, so they are kept from the last build."""
    from conftest import LESSON, MODULE_YAML, minimal_course
    from courseware.load import load_course
    from courseware.problems import Report
    from courseware.render_pdf import PdfRenderer
    course_yaml = minimal_course()["modules/course.yaml"].replace("modules: [01-mod]", "modules: [01-mod, 02-two]")
    course_yaml += "          - lesson: two/one\n"
    root = make_course(minimal_course(**{
        "modules/course.yaml": course_yaml,
        "modules/02-two/module.yaml": MODULE_YAML.replace("id: mod", "id: two"),
        "modules/02-two/01-one.md": LESSON}))
    renderer = PdfRenderer(load_course(root, Report(root)), ROOT / "templates")
    names = lambda only: sorted(j.name for j in renderer.jobs(Report(root), only))
    assert names("two") == ["handout-02-two.pdf"]
    whole = names(None)
    assert {"handout-01-mod.pdf", "handout-02-two.pdf", "facilitator-guide-short.day-1.pdf",
            "agenda-short.pdf", "attendance-short.pdf", "certificate-short.pdf"} <= set(whole)
    reader, guide = renderer.books(Report(root))  # put together from other jobs' PDFs
    assert reader.name == "course-reader.pdf"
    assert [name for name, _ in reader.parts] == ["handout-01-mod.pdf", "handout-02-two.pdf"]
    assert guide.name == "facilitator-guide-short.pdf"
    assert [name for name, _ in guide.parts] == [  # one day and its two sessions, no back matter
        "facilitator-guide-short.day-1.pdf", "facilitator-guide-short.day-1-session-0.pdf",
        "facilitator-guide-short.day-1-session-1.pdf"]


def test_back_matter_lists_the_terms_and_sources_the_document_prints(make_course):
    """A term and a citation only in a facilitator note are in the guide's glossary and references, not in the
    trainee handout's; a term only in a module objective is in the handout's glossary, and its link works."""
    from conftest import LESSON, MODULE_YAML, minimal_course
    from courseware.load import load_course
    from courseware.problems import Report
    from courseware.render_pdf import PdfRenderer
    glossary = ("- term: MOU\n  expansion: memorandum of understanding\n  definition: An agreement.\n"
                "- term: AICHR\n  expansion: ASEAN Intergovernmental Commission on Human Rights\n"
                "  definition: A commission.\n- term: ACMW\n  expansion: ASEAN Committee on Migrant Workers\n"
                "  definition: A committee.\n")
    lesson = LESSON + "\n/// facilitator-note\nAsk about the MOU here [@charter].\n///\n"
    root = make_course(minimal_course(**{
        "modules/glossary.yaml": glossary,
        "modules/01-mod/module.yaml": MODULE_YAML.replace("objectives: [Learn.]", "objectives: [Learn about AICHR.]"),
        "modules/01-mod/01-one.md": lesson}))
    report = Report(root)
    jobs = {j.name: j.html for j in PdfRenderer(load_course(root, report), ROOT / "templates").jobs(report)}
    assert not report.errors
    handout, session, glossary, references = (jobs[f"{name}.pdf"] for name in (
        "handout-01-mod", "facilitator-guide-short.day-1-session-0", "facilitator-guide-short.glossary",
        "facilitator-guide-short.references"))
    assert 'id="term-mou"' in glossary and 'id="ref-charter"' in references
    # The guide's session links to its back matter, other parts of the book (pdfbook.part_link).
    assert 'href="part:3#term-mou"' in session and 'href="part:4#ref-charter"' in session
    assert "MOU" not in handout and 'id="ref-charter"' not in handout
    assert 'id="term-aichr"' in handout and 'href="#term-aichr"' in handout
    assert 'id="term-acmw"' not in handout + glossary  # in the glossary, used nowhere
