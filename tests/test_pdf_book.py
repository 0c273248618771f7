"""The course reader is put together from the module handouts' PDFs (courseware/pdfbook.py), not laid out again:
its pages are the handouts' pages, and the combined PDF keeps a whole, valid tag structure."""

from __future__ import annotations

import io
import re
import shutil

import pikepdf
import pytest
from pypdf import PdfReader

from conftest import COURSES

HANDOUTS = ["handout-01-basics.pdf", "handout-02-again.pdf"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The tiny course with a second module (a copy of the first), built once."""
    from courseware.cli import main
    tmp = tmp_path_factory.mktemp("book")
    root = tmp / "course"
    shutil.copytree(COURSES / "tiny" / "modules", root / "modules")
    module = root / "modules" / "02-again"
    shutil.copytree(root / "modules" / "01-basics", module)
    yaml_path = module / "module.yaml"
    yaml_path.write_text(re.sub(r"(?m)^id:.*$", "id: again", yaml_path.read_text(encoding="utf-8"), count=1),
                         encoding="utf-8")
    course = root / "modules" / "course.yaml"
    course.write_text(course.read_text(encoding="utf-8").replace("modules: [01-basics]", "modules: [01-basics, 02-again]"),
                      encoding="utf-8")
    out = tmp / "output"
    assert main(["--root", str(root), "--output", str(out), "--pdf-only", "--no-readers"]) == 0
    return out


def page_texts(data: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


def test_the_reader_is_the_handouts_page_for_page_behind_its_cover_and_contents(built):
    reader = page_texts((built / "pdf" / "course-reader.pdf").read_bytes())
    handouts = [page_texts((built / "pdf" / name).read_bytes()) for name in HANDOUTS]
    front = len(reader) - sum(map(len, handouts))
    assert front == 2 and "COURSE READER" in reader[0] and reader[1].startswith("Contents")
    at = front
    for pages in handouts:
        assert reader[at:at + len(pages)] == pages  # the same pages, with their own "Page X of Y"
        at += len(pages)
    # The contents give each entry's page in its module, the number printed at the foot of that page.
    toc = reader[1]
    for number, pages in enumerate(handouts, 1):
        section = toc[toc.index(f"Module {number}:"):]
        for title in (f"{number}.1 First steps", f"{number}.2 Second steps", "Glossary", "References"):
            m = re.search(re.escape(title) + r" ?\.+ ?(\d+)", section)
            assert m, f"{title} of module {number} has no page number in the contents"
            page = pages[int(m.group(1)) - 1]
            assert title.split(" ", 1)[-1] in page and f"Page {m.group(1)} of {len(pages)}" in page


def test_the_reader_links_and_bookmarks_go_to_the_right_module(built):
    pdf = pikepdf.open(built / "pdf" / "course-reader.pdf")
    number = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
    starts = [2, 2 + len(pikepdf.open(built / "pdf" / HANDOUTS[0]).pages)]
    assert "/Names" not in pdf.Root  # every link has an explicit destination: names repeat from module to module
    targets = [number[annot.Dest[0].objgen] for page in pdf.pages for annot in page.obj.get("/Annots", [])]
    assert targets and all(0 <= t < len(pdf.pages) for t in targets)
    contents = [number[annot.Dest[0].objgen] for annot in pdf.pages[1].obj.Annots]
    assert contents[0] == starts[0] and starts[1] in contents  # "Module 2" goes to the second handout's cover
    with pdf.open_outline() as outline:
        titles = [item.title for item in outline.root]
        assert titles == ["Tiny course", "Module 1: The basics", "Module 2: The basics"]
        for item, start in zip(list(outline.root)[1:], starts):
            assert number[item.destination[0].objgen] == start
            assert [c.title for c in item.children][1:] == ["First steps", "Second steps", "Glossary", "References"]
    assert pdf.Root.Lang == "en" and pdf.Root.MarkInfo.Marked
    assert str(pdf.docinfo.Title) == "Tiny course: Course reader"
    with pdf.open_metadata() as xmp:
        assert xmp.get("dc:title") == "Tiny course: Course reader"
        assert "pdfuaid" in str(pdf.Root.Metadata.read_bytes())


def marked_content(page: pikepdf.Page) -> set[int]:
    """The marked-content ids (MCID) drawn on a page."""
    ids = set()
    for operands, operator in pikepdf.parse_content_stream(page):
        if str(operator) == "BDC" and isinstance(operands[1], pikepdf.Dictionary) and "/MCID" in operands[1]:
            ids.add(int(operands[1].MCID))
    return ids


def margin_box(element) -> bool:
    """WeasyPrint (70) tags the text of the page's margin boxes (running header, "Page X of Y") as a Span in a
    NonStruct whose /P is the Document but which the Document does not list: such an MCID resolves in the
    ParentTree but is not reachable from the root, in every PDF WeasyPrint writes (in a book, that Document is a
    Part: pdfbook.assemble changes nothing else)."""
    parent = element.P
    return (element.S == "/Span" and parent.get("/S") == "/NonStruct" and parent.P.get("/S") in ("/Document", "/Part")
            and not any(isinstance(k, pikepdf.Dictionary) and k.objgen == parent.objgen for k in parent.P.K))


def check_tags(pdf: pikepdf.Pdf) -> int:
    """Assert the structure tree is whole: every page's StructParents resolves in the ParentTree to the elements
    that hold its MCIDs, every MCID drawn is reachable from the StructTreeRoot (except WeasyPrint's margin
    boxes, see margin_box), and every link annotation's StructParent leads to the element that holds it.
    Returns the number of MCIDs checked."""
    root = pdf.Root.StructTreeRoot
    nums = root.ParentTree.Nums
    parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    assert len(parents) == len(nums) // 2, "a ParentTree key is used twice"
    reached, objects = {}, {}  # (page, mcid) -> element; annotation -> element

    def walk(element, parent):
        assert element.P.objgen == parent.objgen, "an element's /P is not its parent"
        kids = element.get("/K")
        kids = kids if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]
        for kid in kids:
            if isinstance(kid, int):
                key = (element.Pg.objgen, int(kid))
            elif kid.get("/Type") == "/MCR":
                key = (kid.get("/Pg", element.get("/Pg")).objgen, int(kid.MCID))
            elif kid.get("/Type") == "/OBJR":
                objects[kid.Obj.objgen] = element
                continue
            else:
                walk(kid, element)
                continue
            assert key not in reached, "an MCID is claimed by two elements"
            reached[key] = element

    for top in root.K:
        walk(top, root)
    keys = [int(page.obj.StructParents) for page in pdf.pages]
    assert len(set(keys)) == len(keys), "two pages share their StructParents"
    checked = 0
    for page in pdf.pages:
        drawn = marked_content(page)
        mine = {mcid for (pg, mcid) in reached if pg == page.obj.objgen}
        array = parents[int(page.obj.StructParents)]
        margins = {mcid for mcid in drawn - mine if margin_box(array[mcid])}
        assert drawn - margins == mine, f"page {page.index + 1}: MCIDs drawn {sorted(drawn - mine - margins)} " \
                                        f"unreached, {sorted(mine - drawn)} not drawn"
        for mcid in drawn - margins:
            assert array[mcid].objgen == reached[(page.obj.objgen, mcid)].objgen
            checked += 1
        for annot in page.obj.get("/Annots", []):
            assert parents[int(annot.StructParent)].objgen == objects[annot.objgen].objgen
    assert int(root.ParentTreeNextKey) > max(parents) if "/ParentTreeNextKey" in root else True
    return checked


@pytest.mark.parametrize("name", ["course-reader.pdf"] + HANDOUTS)
def test_the_tag_structure_is_whole(built, name):
    pdf = pikepdf.open(built / "pdf" / name)
    assert check_tags(pdf) > 100
    if name == "course-reader.pdf":  # each module's structure is a Part of the reader's Document
        document = pdf.Root.StructTreeRoot.K[0]
        assert document.S == "/Document"
        assert [kid.S for kid in document.K if kid.get("/S") == "/Part"] == ["/Part", "/Part"]


def test_the_checker_finds_a_broken_structure(built):
    """check_tags can fail: a page whose StructParents points at another page's entry is caught."""
    pdf = pikepdf.open(built / "pdf" / "course-reader.pdf")
    pdf.pages[3].obj.StructParents = int(pdf.pages[4].obj.StructParents)
    with pytest.raises(AssertionError):
        check_tags(pdf)


def test_the_reader_keeps_each_handouts_font_subsets(built):
    def fonts(pdf):
        return {str(font.BaseFont) for page in pdf.pages for font in page.Resources.Font.values()}
    reader = fonts(pikepdf.open(built / "pdf" / "course-reader.pdf"))
    for name in HANDOUTS:
        assert fonts(pikepdf.open(built / "pdf" / name)) <= reader


GUIDE = "facilitator-guide-one-day.pdf"


def test_the_guide_is_its_days_and_back_matter_with_contents_naming_each_part(built):
    """A facilitator guide is a book of its days, sessions and back-matter sections, each laid out on its own (an
    edit lays out only the part it touches): the contents name each part, whose pages say its name at their foot;
    they give no page number to a part (each starts at its page 1), only to the front's own sections."""
    guide = page_texts((built / "pdf" / GUIDE).read_bytes())
    toc = guide[1]
    for title, part in (("09:30 First steps", "Day 1: Basics · 09:30"), ("10:45 Second steps", "Day 1: Basics · 10:45"),
                        ("Glossary", "Glossary"), ("References", "References")):
        assert title in toc and not re.search(re.escape(title) + r" ?\.+ ?\d", toc), title
        assert any(f"{part} · Page 1 of " in page and title.split(" ", 1)[-1] in page for page in guide), title
    assert re.search(r"Agenda ?\.+ ?\d+", toc), "the front's own sections keep their page numbers"


def test_the_guide_links_from_a_day_to_its_glossary_and_keeps_its_tags(built):
    pdf = pikepdf.open(built / "pdf" / GUIDE)
    texts = page_texts((built / "pdf" / GUIDE).read_bytes())
    number = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
    glossary = next(i for i, text in enumerate(texts) if text.startswith("Glossary"))
    day = [i for i, text in enumerate(texts) if "Day 1: Basics · 09:30 · Page" in text]
    links = [(i, annot) for i in day for annot in pdf.pages[i].obj.get("/Annots", [])]
    assert "/Names" not in pdf.Root and all("/Dest" in annot for _, annot in links)
    assert glossary in {number[annot.Dest[0].objgen] for _, annot in links}  # a term goes to the back matter
    assert check_tags(pdf) > 100
    assert len([kid for kid in pdf.Root.StructTreeRoot.K[0].K if kid.get("/S") == "/Part"]) == 6  # 3 of day 1, 3 back
    with pdf.open_outline() as outline:
        assert [item.title for item in outline.root][-6:] == [
            "Day 1: Basics", "Day 1: Basics · 09:30", "Day 1: Basics · 10:45", "Pre-test and post-test answer key",
            "Glossary", "References"]


def test_a_rebuild_takes_unchanged_books_and_glyph_checks_from_the_cache(tmp_path, monkeypatch):
    """Editing the daily evaluation form changes one PDF: the reader and the guide, whose parts did not change,
    are not put together again, and the PDFs laid out before are not read again for the glyph check; the output
    is byte-identical to a clean build's."""
    from courseware import fonts, pdfbook
    from courseware.cli import main
    root = tmp_path / "course"
    shutil.copytree(COURSES / "tiny" / "modules", root / "modules")
    out = tmp_path / "output"
    assert main(["--root", str(root), "--output", str(out), "--pdf-only", "--jobs", "1"]) == 0
    before = {p.name: p.read_bytes() for p in (out / "pdf").glob("*.pdf")}
    form = root / "modules" / "assessment.yaml"
    form.write_text(form.read_text(encoding="utf-8").replace("useful for my work", "useful for our work"),
                    encoding="utf-8")

    assembled, checked = [], []
    real_assemble, real_fonts = pdfbook.assemble, fonts._fonts  # check_pdf reads each PDF's fonts with _fonts
    monkeypatch.setattr(pdfbook, "assemble", lambda *a: assembled.append(1) or real_assemble(*a))
    monkeypatch.setattr(fonts, "_fonts", lambda pdf: checked.append(1) or real_fonts(pdf))
    assert main(["--root", str(root), "--output", str(out), "--pdf-only", "--jobs", "1"]) == 0
    after = {p.name: p.read_bytes() for p in (out / "pdf").glob("*.pdf")}
    changed = sorted(name for name in after if after[name] != before.get(name))
    assert changed == ["daily-evaluation-one-day.pdf"]
    assert assembled == [] and len(checked) == 1  # only the new form is read back

    monkeypatch.undo()
    clean = tmp_path / "clean"
    assert main(["--root", str(root), "--output", str(clean), "--pdf-only", "--jobs", "1"]) == 0
    assert {p.name: p.read_bytes() for p in (clean / "pdf").glob("*.pdf")} == after
