"""The handout lines as PDF: write-in boxes, tick boxes, rating scales, picture rows and
fill-in lines, drawn to be filled in by hand.

Boxes and squares are drawn shapes (never font glyphs that might be missing), sized from the
style so large print gets larger boxes; labels go through ``pdf_layout.markup`` or are
XML-escaped. ``render.pdf_blocks`` calls these for the matching blocks.
"""

from __future__ import annotations

from functools import cache
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from coprod_cli.render import markdown as md
from coprod_cli.render.fonts import BOLD, REGULAR
from coprod_cli.render.pdf_layout import MM, lines_for, markup, table_style
from coprod_cli.render.styles import ACCENT, INK, RULED, Style


@cache
def _write_box_class() -> Any:
    from reportlab.lib.colors import HexColor
    from reportlab.platypus import Flowable

    class WriteBox(Flowable):  # type: ignore[misc]
        """A rounded box with faint writing lines: room for handwriting, not a form field."""

        def __init__(self, lines: int, st: Style) -> None:
            super().__init__()
            self.lines = lines
            self.line_h = st.write_line_mm * MM

        def wrap(self, aw: float, ah: float) -> tuple[float, float]:
            self.width = aw
            self.height = self.lines * self.line_h
            return self.width, self.height

        def draw(self) -> None:
            canv = self.canv
            canv.saveState()
            canv.setFillColor(HexColor("#ffffff"))
            canv.setStrokeColor(HexColor(ACCENT))
            canv.setLineWidth(1.2)
            canv.roundRect(0, 0, self.width, self.height, 6, stroke=1, fill=1)
            canv.setStrokeColor(HexColor(RULED))
            canv.setLineWidth(0.7)
            for n in range(1, self.lines):
                y = n * self.line_h
                canv.line(8, y, self.width - 8, y)
            canv.restoreState()

    return WriteBox


def write_box(lines: int, st: Style) -> Any:
    """Room for ``lines`` lines of handwriting."""
    return _write_box_class()(lines, st)


@cache
def _square_class() -> Any:
    from reportlab.lib.colors import HexColor
    from reportlab.platypus import Flowable

    class Square(Flowable):  # type: ignore[misc]
        """A rounded square drawn straight on the canvas (a pack has thousands: drawing each
        through a ReportLab ``Drawing`` cost more than laying out all of a form's text)."""

        def __init__(self, size: float, text: str, font_size: float) -> None:
            super().__init__()
            self.width = self.height = size
            self.text, self.font_size = text, font_size

        def wrap(self, aw: float, ah: float) -> tuple[float, float]:
            return self.width, self.height

        def draw(self) -> None:
            canv, size = self.canv, self.width
            canv.saveState()
            canv.setStrokeColor(HexColor(ACCENT))
            canv.setFillColor(HexColor("#ffffff"))
            canv.setLineWidth(1.4)
            canv.roundRect(1, 1, size - 2, size - 2, 3, stroke=1, fill=1)
            if self.text:
                canv.setFillColor(HexColor(INK))
                canv.setFont(BOLD, self.font_size)
                canv.drawCentredString(size / 2, size / 2 - self.font_size * 0.36, self.text)
            canv.restoreState()

    return Square


def _square(size: float, text: str = "", font_size: float = 0) -> Any:
    """A drawn square (a tick box, or a numbered box on a rating scale)."""
    return _square_class()(size, text, font_size)


def tick_boxes(block: md.Ticks, st: Style, s: dict[str, Any], width: float) -> Any:
    from reportlab.platypus import Paragraph, Table

    box = st.body * 1.35
    gap = st.body * 0.7
    texts = [md.plain_text(item) for item in block.items]
    if 1 < len(texts) <= 5 and max(map(len, texts)) <= 14:
        # short choices ("Yes", "Maybe", "No") sit side by side on one line
        cell = width / len(texts)
        row: list[Any] = []
        for item in block.items:
            row += [_square(box), Paragraph(markup(item), s["cell"])]
        table = Table([row], colWidths=[box + gap, cell - box - gap] * len(texts),
                      hAlign="LEFT")
    else:
        rows = [[_square(box), Paragraph(markup(item), s["cell"])] for item in block.items]
        table = Table(rows, colWidths=[box + gap, width - box - gap], hAlign="LEFT")
    table.setStyle(table_style([("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                               ("TOPPADDING", (0, 0), (-1, -1), st.body * 0.25),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), st.body * 0.25)]))
    table.spaceAfter = st.space_after
    return table


def rating_scale(block: md.Scale, st: Style, s: dict[str, Any], width: float) -> Any:
    from reportlab.platypus import Paragraph, Table

    values = list(range(block.low, block.high + 1))
    col = width / len(values)
    # large print: the numbers stay at 18pt in a snugger box, so one form fits one page
    box = min(st.body * (1.5 if st.body >= 18 else 1.8), col * 0.8)
    widths = [col] * len(values)
    numbers = [_square(box, str(v), st.body) for v in values]
    commands: list[tuple[Any, ...]] = [
        ("ALIGN", (0, 0), (-1, 0), "CENTER"), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]
    rows: list[list[Any]] = [numbers]
    if st.split_sentences and len(block.labels) == len(values) and len(values) > 1:
        # easy read: a face from sad to happy above each number, with its word below
        from coprod_cli.render.icons import drawing, face

        size = min(st.picture_mm * MM * 0.5, col * 0.8)
        faces = [drawing("face", size, REGULAR, face(n / (len(values) - 1)))
                 for n in range(len(values))]
        rows.insert(0, faces)
        commands.append(("ALIGN", (0, 0), (-1, 1), "CENTER"))
    if len(block.labels) == len(values):
        from reportlab.lib.styles import ParagraphStyle
        from reportlab.pdfbase.pdfmetrics import stringWidth

        size = s["label"].fontSize
        # a column as wide as its longest word, the spare shared out: the words stay at the
        # style's size ("Completely" in large print) and never break in two
        labels = [block.label_for(v) for v in values]
        needed = [max(stringWidth(label, REGULAR, size) + 6, box + 6) for label in labels]
        if sum(needed) > width:  # too wide on one line each: words may wrap, not break
            needed = [max([stringWidth(w, REGULAR, size) + 6 for w in label.split()]
                          + [box + 6]) for label in labels]
        if sum(needed) <= width:
            spare = (width - sum(needed)) / len(values)
            widths = [n + spare for n in needed]
        else:  # only when even that will not fit: shrink a little rather than break words
            size = max(12.0, size * width / sum(needed))
            widths = [width * n / sum(needed) for n in needed]
        fitted = ParagraphStyle("fit", parent=s["label"], fontSize=size, leading=size * 1.2)
        rows.append([Paragraph(xml_escape(block.label_for(v)), fitted) for v in values])
    elif block.labels:
        from reportlab.lib.enums import TA_LEFT, TA_RIGHT
        from reportlab.lib.styles import ParagraphStyle

        half = len(values) // 2
        left = ParagraphStyle("l", parent=s["label"], alignment=TA_LEFT)
        right = ParagraphStyle("r", parent=s["label"], alignment=TA_RIGHT)
        row: list[Any] = [""] * len(values)
        row[0] = Paragraph(xml_escape(block.labels[0]), left)
        row[-half] = Paragraph(xml_escape(block.labels[1]), right)
        rows.append(row)
        commands += [("SPAN", (0, 1), (half - 1, 1)), ("SPAN", (-half, 1), (-1, 1))]
    table = Table(rows, colWidths=widths, hAlign="LEFT")
    table.setStyle(table_style(commands))
    return table


def picture_row(block: md.Picture, st: Style, s: dict[str, Any], width: float) -> Any:
    from reportlab.platypus import Paragraph, Table

    from coprod_cli.render.icons import drawing

    size = st.picture_mm * MM
    gap = st.body * 1.0
    picture = drawing(block.icon, size, REGULAR) if block.icon else ""
    lines = [Paragraph(markup(line), s["cell"]) for spans in block.lines
             for line in lines_for(spans, st)]
    table = Table([[picture, lines]], colWidths=[size + gap, width - size - gap],
                  hAlign="LEFT")
    table.setStyle(table_style([("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                               ("TOPPADDING", (0, 0), (-1, -1), 0),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
    table.spaceAfter = st.space_after * 1.2
    return table


def _photo(path: str, size: float) -> Any:
    """A picture file scaled to fit a ``size`` square, its shape kept."""
    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import Image

    width, height = ImageReader(path).getSize()
    scale = size / max(width, height, 1)
    return Image(path, width=width * scale, height=height * scale)


def _mark_box(size: float) -> Any:
    from reportlab.graphics.shapes import Drawing, Rect
    from reportlab.lib.colors import HexColor, white

    box = Drawing(size, size)
    box.add(Rect(2, 2, size - 4, size - 4, rx=4, ry=4, strokeColor=HexColor(INK),
                 strokeWidth=2.5, fillColor=white))
    return box


def ballot_paper(lead: list[Any], choices: list[md.Choice], tail: list[Any], st: Style,
                 s: dict[str, Any], width: float, page: float) -> list[Any]:
    """A whole ballot paper's flowables: the options at full size, or smaller (down to
    half) when the paper would not otherwise fit on one page."""
    import io

    from reportlab.pdfgen.canvas import Canvas

    canv = Canvas(io.BytesIO())  # only to measure

    def height(items: list[Any]) -> float:
        return float(sum(f.wrapOn(canv, width, page)[1] + f.getSpaceBefore()
                         + f.getSpaceAfter() for f in items))

    fixed = height(lead) + height(tail)
    for scale in (1.0, 0.85, 0.7, 0.6, 0.5):
        rows = [choice_row(c, st, s, width, scale) for c in choices]
        if fixed + height(rows) <= page * 0.97:
            break
    return lead + rows + tail


def choice_row(block: md.Choice, st: Style, s: dict[str, Any], width: float,
               scale: float = 1.0) -> Any:
    """A ballot option: picture | words | an empty box to mark, inside a ruled frame;
    ``scale`` below 1 makes the picture, the box and the space smaller (never the words)."""
    from reportlab.platypus import Paragraph, Table

    from coprod_cli.render.icons import drawing

    size = st.picture_mm * MM * scale
    box = max(size * 0.85, 11 * MM)
    pad = st.body * 0.5 * max(scale, 0.6)
    if block.photo:
        picture: Any = _photo(block.photo, size)
    elif block.icon:
        picture = drawing(block.icon, size, REGULAR)
    else:
        picture = ""
    words = [Paragraph(markup(line), s["body"]) for spans in block.lines
             for line in lines_for(spans, st)]
    words_w = width - size - box - 4 * pad
    table = Table([[picture, words, _mark_box(box)]],
                  colWidths=[size + 2 * pad, words_w, box + 2 * pad], hAlign="LEFT")
    table.setStyle(table_style([("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                                ("BOX", (0, 0), (-1, -1), 1, s["accent"]),
                                ("LEFTPADDING", (0, 0), (-1, -1), pad),
                                ("RIGHTPADDING", (0, 0), (-1, -1), pad),
                                ("TOPPADDING", (0, 0), (-1, -1), pad),
                                ("BOTTOMPADDING", (0, 0), (-1, -1), pad)]))
    table.spaceAfter = st.space_after * 0.6
    return table


def fill_lines(block: md.Fill, st: Style, s: dict[str, Any], width: float) -> Any:
    """Labels with lines to write on; labels that will not share a row each get their own."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import Paragraph, Table

    label_w = [min(stringWidth(label, BOLD, st.body) + st.body * 0.6, width * 0.45)
               for label in block.labels]
    min_line = 30 * MM
    one_row = sum(label_w) + min_line * len(block.labels) <= width
    groups = [block.labels] if one_row else [[label] for label in block.labels]
    rows: list[list[Any]] = []
    col_widths: list[float] = []
    commands: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4), ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]
    for r, group in enumerate(groups):
        widths = [label_w[block.labels.index(label)] for label in group]
        line_w = (width - sum(widths)) / len(group)
        row: list[Any] = []
        for c, label in enumerate(group):
            row += [Paragraph(f"<b>{xml_escape(label)}</b>", s["cell"]), ""]
            commands.append(("LINEBELOW", (2 * c + 1, r), (2 * c + 1, r), 1, s["accent"]))
            if r == 0:
                col_widths += [widths[c], line_w]
        rows.append(row)
    if not one_row:
        col_widths = [max(label_w), width - max(label_w)]
    table = Table(rows, colWidths=col_widths, hAlign="LEFT")
    # room above each line to write on; a label that wraps makes its row taller, never
    # overlapping what is above it
    commands.append(("TOPPADDING", (0, 0), (-1, -1), max(4.0, st.write_line_mm * MM - st.line)))
    table.setStyle(table_style(commands))
    return table
