"""Lines whose marks touch: the ink of one printed line reaching into the next line of the same block.

Khmer and Burmese stack vowel signs and medials far above and below the line, further than Latin text,
so a line-height that suits English lets them collide (issue 13). After layout, and before the PDF is
written, every pair of consecutive lines in a block is measured with Pango's own ink rectangles, on the
glyphs WeasyPrint laid out: first each line's text boxes as wholes (`pango_layout_line_get_extents`),
then, only where those touch, glyph by glyph (`pango_font_get_glyph_extents`), so that a low mark at one
end of a line and a high one at the other end of the next are not taken for a collision.
"""

from __future__ import annotations

from dataclasses import dataclass

CLEARANCE = 0.01  # points: ink closer than this counts as touching (rounding in the layout is far smaller)
COLUMN = 0.5  # points: the width of the columns in which glyph inks are compared


@dataclass(frozen=True)
class Overlap:
    """One line's ink reaching `depth` points into the next line's, on page `page` (1-based)."""

    page: int
    upper: str
    lower: str
    depth: float

    def message(self) -> str:
        return (f"page {self.page}: the marks of the line '{self.upper}' reach {self.depth:.1f} pt into the next "
                f"line '{self.lower}' (give this script more line-height in templates/pdf/print.css)")


def line_pairs(box, out: list) -> list:
    """Every (line, next line) of the same block under `box`, in document order."""
    from weasyprint.formatting_structure import boxes
    previous = None
    for child in getattr(box, "children", ()):
        if isinstance(child, boxes.LineBox):
            if previous is not None:
                out.append((previous, child))
            previous = child
            _atomic(child, out)  # an inline-block in the line holds lines of its own
        else:
            previous = None
            line_pairs(child, out)
    return out


def _atomic(box, out: list) -> None:
    from weasyprint.formatting_structure import boxes
    for child in getattr(box, "children", ()):
        if isinstance(child, boxes.InlineBox):
            _atomic(child, out)
        elif isinstance(child, boxes.AtomicInlineLevelBox) and hasattr(child, "children"):
            line_pairs(child, out)


def text_boxes(line) -> list:
    """The visible text of a line box, inline boxes (links, bold, spans) opened."""
    from weasyprint.formatting_structure import boxes
    out = []
    for child in getattr(line, "children", ()):
        if isinstance(child, boxes.TextBox):
            if child.text.strip() and child.style["visibility"] == "visible" and child.style["font_size"]:
                out.append(child)
        elif isinstance(child, boxes.InlineBox):
            out += text_boxes(child)
    return out


class _Ink:
    """Ink rectangles (x0, y0, x1, y1), in points on the page, y downwards, of laid-out text boxes."""

    def __init__(self):
        from weasyprint.text.ffi import ffi
        self.rect = ffi.new("PangoRectangle *")
        self.boxes: dict[int, tuple] = {}
        self.glyph_extents: dict = {}

    def _first_line(self, textbox):
        layout = textbox.pango_layout
        layout.reactivate(textbox.style)  # as drawing does: WeasyPrint frees each Pango layout after layout
        return layout, layout.get_first_line()[0]

    def of_box(self, textbox) -> tuple | None:
        """The ink of a whole text box, or None for a box that draws nothing."""
        key = id(textbox)
        if key not in self.boxes:
            from weasyprint.text.ffi import FROM_UNITS, ffi, pango
            layout, line = self._first_line(textbox)
            try:
                pango.pango_layout_line_get_extents(line, self.rect, ffi.NULL)
                r = self.rect
                ink = None
                if r.width > 0 and r.height > 0:
                    x = textbox.position_x + r.x * FROM_UNITS
                    y = textbox.position_y + textbox.baseline + r.y * FROM_UNITS
                    ink = (x, y, x + r.width * FROM_UNITS, y + r.height * FROM_UNITS)
            finally:
                layout.deactivate()
            self.boxes[key] = ink
        return self.boxes[key]

    def of_glyphs(self, textbox) -> list[tuple]:
        """The ink of each glyph of a text box."""
        from weasyprint.text.ffi import FROM_UNITS, ffi, pango
        layout, line = self._first_line(textbox)
        out = []
        try:
            x = textbox.position_x
            baseline = textbox.position_y + textbox.baseline
            run = line.runs
            while run != ffi.NULL:
                item, run = run.data, run.next
                font, glyphs = item.item.analysis.font, item.glyphs
                for i in range(glyphs.num_glyphs):
                    info = glyphs.glyphs[i]
                    extents = self.glyph_extents.get((font, info.glyph))
                    if extents is None:
                        pango.pango_font_get_glyph_extents(font, info.glyph, self.rect, ffi.NULL)
                        r = self.rect
                        extents = (r.x * FROM_UNITS, r.y * FROM_UNITS, r.width * FROM_UNITS, r.height * FROM_UNITS)
                        self.glyph_extents[(font, info.glyph)] = extents
                    gx, gy, width, height = extents
                    if width > 0 and height > 0:
                        left = x + info.geometry.x_offset * FROM_UNITS + gx
                        top = baseline + info.geometry.y_offset * FROM_UNITS + gy
                        out.append((left, top, left + width, top + height))
                    x += info.geometry.width * FROM_UNITS
        finally:
            layout.deactivate()
        return out


def _depth(upper: list[tuple], lower: list[tuple]) -> float:
    """How far (points) the lowest ink of `upper` reaches below the highest ink of `lower` above it."""
    deepest = 0.0
    for ux0, _, ux1, uy1 in upper:
        for lx0, ly0, lx1, _ in lower:
            if ux0 < lx1 and lx0 < ux1 and uy1 - ly0 > deepest:
                deepest = uy1 - ly0
    return deepest


def _glyph_depth(upper: list[tuple], lower: list[tuple]) -> float:
    """_depth for many glyphs: the lowest ink of `upper` per column, against the highest of `lower`."""
    bottom: dict[int, float] = {}
    for x0, _, x1, y1 in upper:
        for column in range(int(x0 / COLUMN), int(x1 / COLUMN) + 1):
            if bottom.get(column, float("-inf")) < y1:
                bottom[column] = y1
    deepest = 0.0
    for x0, y0, x1, _ in lower:
        for column in range(int(x0 / COLUMN), int(x1 / COLUMN) + 1):
            reach = bottom.get(column, float("-inf")) - y0
            if reach > deepest:
                deepest = reach
    return deepest


def _text(line, limit: int = 40) -> str:
    text = " ".join("".join(t.text for t in text_boxes(line)).replace("\u200b", "").split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def overlapping_lines(document) -> list[Overlap]:
    """Every pair of consecutive lines of a block, on every page, whose inks touch."""
    ink = _Ink()
    found = []
    for number, page in enumerate(document.pages, 1):
        for upper, lower in line_pairs(page._page_box, []):
            upper_boxes, lower_boxes = text_boxes(upper), text_boxes(lower)
            if not upper_boxes or not lower_boxes:
                continue
            a = [r for r in map(ink.of_box, upper_boxes) if r]
            b = [r for r in map(ink.of_box, lower_boxes) if r]
            if _depth(a, b) <= CLEARANCE:
                continue
            depth = _glyph_depth([g for t in upper_boxes for g in ink.of_glyphs(t)],
                                 [g for t in lower_boxes for g in ink.of_glyphs(t)])
            if depth > CLEARANCE:
                found.append(Overlap(number, _text(upper), _text(lower), depth))
    return found
