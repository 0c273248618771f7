"""PDF books: one PDF put together from PDFs already laid out, so that no page is laid out twice in a build.

A book is a front (its cover and contents, laid out by WeasyPrint once the parts are) followed by its parts,
each a PDF laid out on its own (the course reader's parts are the module handouts, page for page). Each part
keeps its page numbers; the front's contents give, for each entry, the part and the page in it, read from the
part's named destinations (`anchors`). `assemble` joins the PDFs with pikepdf and keeps what PDF/UA asks for:

- one structure tree: the front's Document element, with each part's Document element under it as a Part, its
  struct parents renumbered after the front's (the ParentTree, each page's StructParents and each link's
  StructParent), so that every marked-content id stays reachable from the StructTreeRoot;
- the front's catalog: language, title and XMP metadata (PDF/UA identification), viewer preferences;
- each part's font subsets as they are (a page keeps the resources it was drawn with);
- bookmarks: the front's, then one per part (its title) holding the part's own;
- links: named destinations are made explicit (page and position), since names repeat from part to part
  (every handout has a `glossary`); a link of the front or of a part to `part:N#anchor` (N counted from 1)
  goes to that anchor of part N, `part:N` to its first page (a facilitator guide's day links to its glossary,
  in the back matter).
"""

from __future__ import annotations

import io
import re

import pikepdf
from pikepdf import Array, Dictionary, Name

PART_LINK = re.compile(r"^part:(\d+)(?:#(.*))?$")


def part_link(number: int, anchor: str | None = None) -> str:
    """The href, in a book's front or parts, of an anchor of its part `number` (from 1), or of the part's first page."""
    return f"part:{number}" + (f"#{anchor}" if anchor else "")


def page_count(pdf: bytes) -> int:
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return len(doc.pages)


def anchors(pdf: bytes) -> dict[str, int]:
    """Each named destination of a PDF (an HTML id WeasyPrint kept) -> the number of its page, from 1."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        pages = {page.obj.objgen: number for number, page in enumerate(doc.pages, 1)}
        return {name: pages[dest[0].objgen] for name, dest in _destinations(doc).items()}


def _destinations(doc: pikepdf.Pdf) -> dict[str, Array]:
    names = doc.Root.get("/Names")
    if names is None or "/Dests" not in names:
        return {}
    return {str(name): dest for name, dest in pikepdf.NameTree(names.Dests).items()}


def _explicit_links(doc: pikepdf.Pdf) -> None:
    """Point every link at its page and position instead of a named destination, and drop the names."""
    dests = _destinations(doc)
    for page in doc.pages:
        for annot in page.obj.get("/Annots", []):
            if isinstance(annot.get("/Dest"), pikepdf.String):
                annot.Dest = dests[str(annot.Dest)]
    names = doc.Root.get("/Names")
    if names is not None and "/Dests" in names:
        del names["/Dests"]
        if not names.keys():
            del doc.Root["/Names"]


def _parent_tree(doc: pikepdf.Pdf) -> list:
    """The ParentTree's flat [key, value, key, value, ...] array (WeasyPrint writes a single node)."""
    tree = doc.Root.StructTreeRoot.ParentTree
    if "/Kids" in tree:
        raise ValueError("a ParentTree with /Kids is not supported")
    return tree.Nums


def _outline_items(items, page_of) -> list[pikepdf.OutlineItem]:
    """Copies of outline items whose destinations are pages of a part: `page_of(page object)` is its copy."""
    out = []
    for item in items:
        dest = item.destination
        copy = pikepdf.OutlineItem(item.title, Array([page_of(dest[0]), *list(dest)[1:]]))
        copy.children.extend(_outline_items(item.children, page_of))
        out.append(copy)
    return out


def assemble(front: bytes, parts: list[tuple[str, bytes]]) -> bytes:
    """The book: the front's pages, then each part's pages as they were laid out. `parts`: (title, PDF)."""
    book = pikepdf.open(io.BytesIO(front))
    _explicit_links(book)
    document = book.Root.StructTreeRoot.K[0]
    nums = _parent_tree(book)
    next_key = max(int(nums[i]) for i in range(0, len(nums), 2)) + 1
    starts, part_dests, outline = [], [], []
    for title, data in parts:
        part = pikepdf.open(io.BytesIO(data))
        index = {page.obj.objgen: i for i, page in enumerate(part.pages)}
        part_dests.append({name: (index[dest[0].objgen], dest) for name, dest in _destinations(part).items()})
        _explicit_links(part)
        start = len(book.pages)
        starts.append(start)
        for page in part.pages:
            book.pages.append(page)  # pages and structure elements are copied once each, page refs kept
        # One copy of the part's structure under the front's Document element.
        element = book.copy_foreign(part.Root.StructTreeRoot.K[0])
        element.S, element.P = Name.Part, document
        document.K.append(element)
        part_nums = _parent_tree(part)
        for i in range(0, len(part_nums), 2):
            value = part_nums[i + 1]
            copied = (Array([book.copy_foreign(v) for v in value]) if isinstance(value, Array)
                      else book.copy_foreign(value))
            nums.extend([int(part_nums[i]) + next_key, copied])
        for page in book.pages[start:]:
            page.obj.StructParents = int(page.obj.StructParents) + next_key
            for annot in page.obj.get("/Annots", []):
                if "/StructParent" in annot:
                    annot.StructParent = int(annot.StructParent) + next_key
        next_key += max(int(part_nums[i]) for i in range(0, len(part_nums), 2)) + 1
        with part.open_outline() as own:
            page_of = lambda obj, start=start: book.pages[start + index[obj.objgen]].obj  # noqa: E731
            item = pikepdf.OutlineItem(title, Array([book.pages[start].obj, Name.XYZ, None, None, None]))
            item.children.extend(_outline_items(own.root, page_of))
            outline.append(item)
    book.Root.StructTreeRoot.ParentTreeNextKey = next_key
    _part_links(book, starts, part_dests)
    with book.open_outline() as own:
        own.root.extend(outline)
    out = io.BytesIO()
    book.save(out, deterministic_id=True, fix_metadata_version=False,
              object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


def _part_links(book: pikepdf.Pdf, starts: list[int], part_dests: list[dict]) -> None:
    """Turn the `part:N#anchor` links (URI actions as WeasyPrint writes them) into links to the page."""
    for page in book.pages:
        for annot in page.obj.get("/Annots", []):
            action = annot.get("/A")
            m = PART_LINK.match(str(action.URI)) if action is not None and action.get("/S") == Name.URI else None
            if not m:
                continue
            number, anchor = int(m.group(1)), m.group(2)
            start = starts[number - 1]
            if anchor:
                index, dest = part_dests[number - 1][anchor]
                annot.Dest = Array([book.pages[start + index].obj, *list(dest)[1:]])
            else:
                annot.Dest = Array([book.pages[start].obj, Name.XYZ, None, None, None])
            annot.Contents = pikepdf.String(anchor or f"part {number}")
            del annot["/A"]
