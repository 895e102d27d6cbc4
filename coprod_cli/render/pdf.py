"""Blocks to PDF with ReportLab: one A4 document, one or many parts, each in its own style.

Every piece of text goes through ``_markup`` (XML-escaped, line breaks as ``<br/>``), so user
text with ``<``, ``&`` or ``</para>`` prints as typed. Every font is set explicitly to the
shipped DejaVu family, the canvas starts in it too, and nothing falls back to Helvetica.
Page numbers ("Page 2 of 3") count within each part, so a handout taken out of a pack still
reads right, and are printed at the size of the body text.
"""

from __future__ import annotations

import io
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from coprod_cli.render import markdown as md
from coprod_cli.render.fonts import BOLD, REGULAR, register_fonts
from coprod_cli.render.styles import ACCENT, INK, SOFT, Style

MM = 72 / 25.4
PAGE_W, PAGE_H = 210 * MM, 297 * MM
_SAMPLE = ("The quick brown fox jumps over the lazy dog. Pack my box with five dozen liquor "
           "jugs, and thank you for coming today.")
_SAFE_LINK = ("http://", "https://", "mailto:", "tel:")


@dataclass
class Part:
    """One document of a pack: its title (for bookmarks), its blocks and its style."""

    title: str
    blocks: list[md.Block]
    style: Style


def invariant() -> int:
    """Byte-identical output under tests (``rl_config.invariant``) or reproducible builds."""
    from reportlab import rl_config

    return 1 if rl_config.invariant or os.environ.get("SOURCE_DATE_EPOCH") else 0


def frame_width(st: Style) -> float:
    """The text width: the page less margins, narrowed to ``max_chars`` where a style asks."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    width = PAGE_W - 2 * st.margin_mm * MM
    if st.max_chars:
        per_char = stringWidth(_SAMPLE, REGULAR, st.body) / len(_SAMPLE)
        width = min(width, per_char * st.max_chars)
    return width


def build_pdf(parts: list[Part], *, title: str, author: str, subject: str, lang: str,
              progress: Callable[[int, int], None] | None = None,
              running_numbers: bool = False) -> bytes:
    """The whole PDF as bytes; nothing touches the disk until the caller writes it."""
    register_fonts()
    from reportlab.platypus import BaseDocTemplate, NextPageTemplate, PageBreak

    buffer = io.BytesIO()
    styles_used: dict[str, Style] = {}
    for part in parts:
        styles_used.setdefault(part.style.name, part.style)
    doc = BaseDocTemplate(
        buffer, pagesize=(PAGE_W, PAGE_H), title=title, author=author, subject=subject,
        creator="coprod", producer="coprod", lang=lang, invariant=invariant(),
        displayDocTitle=True, initialFontName=REGULAR, initialFontSize=12,
        pageTemplates=[_page_template(st) for st in styles_used.values()],
        leftMargin=0, rightMargin=0, topMargin=0, bottomMargin=0)
    story: list[Any] = []
    total = len(parts)
    for index, part in enumerate(parts):
        if index:
            story.append(NextPageTemplate(part.style.name))
            story.append(PageBreak())
        story.append(_PartStart(index, total, part.title, part.style, progress))
        story.extend(flowables(part.blocks, part.style))
    if not story:
        story.append(_PartStart(0, 1, title, next(iter(styles_used.values())), progress))
    def canvasmaker(*args: Any, **kwargs: Any) -> Any:
        return _NumberedCanvas(*args, running=running_numbers, **kwargs)

    doc.build(story, canvasmaker=canvasmaker)
    if progress:
        progress(total, total)
    return buffer.getvalue()


def _page_template(st: Style) -> Any:
    from reportlab.lib.colors import HexColor
    from reportlab.platypus import Frame, PageTemplate

    margin = st.margin_mm * MM
    bottom = 11 * MM + st.body * 2.2
    frame = Frame(margin, bottom, frame_width(st), PAGE_H - margin - bottom, id="text",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)

    def on_page(canv: Any, _doc: Any) -> None:
        if st.background:
            canv.saveState()
            canv.setFillColor(HexColor(st.background))
            canv.rect(0, 0, PAGE_W, PAGE_H, stroke=0, fill=1)
            canv.restoreState()

    return PageTemplate(id=st.name, frames=[frame], onPage=on_page)


class _NumberedCanvas:  # a factory: the real class is made lazily, after reportlab imports
    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        return _canvas_class()(*args, **kwargs)


_CANVAS: Any = None


def _canvas_class() -> Any:
    """A canvas that keeps its pages until the end, to print "Page n of m": counted within
    each part (a handout taken out of a pack still reads right), or through the whole
    document (``running``, for a book whose contents page lists page numbers)."""
    global _CANVAS
    if _CANVAS is not None:
        return _CANVAS
    from reportlab.lib.colors import HexColor
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, running: bool = False, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []
            self.coprod_part: tuple[int, Style] | None = None
            self.coprod_running = running

        def showPage(self) -> None:  # noqa: N802 (ReportLab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            counts = Counter(p["coprod_part"][0] for p in self._pages if p["coprod_part"])
            seen: Counter[int] = Counter()
            running, total = self.coprod_running, len(self._pages)
            for number, page in enumerate(self._pages, start=1):
                self.__dict__.update(page)
                part = page["coprod_part"]
                if part:
                    index, st = part
                    seen[index] += 1
                    label = f"Page {number} of {total}" if running else \
                        f"Page {seen[index]} of {counts[index]}"
                    self.saveState()
                    self.setFont(REGULAR, st.body)
                    self.setFillColor(HexColor(INK))
                    self.drawString(st.margin_mm * MM, 11 * MM, label)
                    self.restoreState()
                Canvas.showPage(self)
            Canvas.save(self)

    _CANVAS = NumberedCanvas
    return _CANVAS


class _PartStart:
    """Marks where a part begins: numbering restarts, a bookmark is added, progress moves."""

    def __new__(cls, index: int, total: int, title: str, st: Style,
                progress: Callable[[int, int], None] | None) -> Any:
        from reportlab.platypus import Flowable

        class PartStart(Flowable):  # type: ignore[misc]
            def wrap(self, aw: float, ah: float) -> tuple[float, float]:
                return 0, 0

            def draw(self) -> None:
                canv = self.canv
                canv.coprod_part = (index, st)
                key = f"part{index}"
                canv.bookmarkPage(key)
                canv.addOutlineEntry(title, key, level=0)
                if progress:
                    progress(index, total)

        return PartStart()


# -- blocks to flowables -----------------------------------------------------------------

def _styles(st: Style) -> dict[str, Any]:
    from reportlab.lib.colors import HexColor
    from reportlab.lib.enums import TA_CENTER, TA_LEFT
    from reportlab.lib.styles import ParagraphStyle

    ink = HexColor(INK)
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=st.body, leading=st.line,
                          textColor=ink, alignment=TA_LEFT, spaceAfter=st.space_after,
                          splitLongWords=1, allowWidows=0, allowOrphans=0)
    out = {"body": body,
           "cell": ParagraphStyle("cell", parent=body, spaceAfter=0),
           "label": ParagraphStyle("label", parent=body, spaceAfter=0, alignment=TA_CENTER,
                                   fontSize=st.body if st.body >= 16 else st.body * 0.92,
                                   leading=(st.body if st.body >= 16 else st.body * 0.92)
                                   * 1.2),
           "number": ParagraphStyle("number", parent=body, spaceAfter=0, alignment=TA_CENTER,
                                    fontName=BOLD)}
    for level, size in ((1, st.h1), (2, st.h2), (3, st.h3)):
        out[f"h{level}"] = ParagraphStyle(
            f"h{level}", parent=body, fontName=BOLD, fontSize=size, leading=size * 1.25,
            spaceBefore=(0 if level == 1 else size * 0.8), spaceAfter=size * 0.45,
            keepWithNext=1, textColor=ink if level > 1 else HexColor(ACCENT))
    out["h1"].spaceAfter = st.h1 * 0.6
    out["soft"] = HexColor(SOFT)
    out["accent"] = HexColor(ACCENT)
    out["ink"] = ink
    return out


def _markup(spans: md.Inline) -> str:
    """Spans as ReportLab paragraph markup. Every piece of text is escaped here."""
    parts: list[str] = []
    for span in spans:
        if span.br:
            parts.append("<br/>")
            continue
        text = xml_escape(span.text).replace("\n", "<br/>")
        if span.href and span.href.lower().startswith(_SAFE_LINK):
            href = xml_escape(span.href, {'"': "&quot;"})
            shown = span.href.removeprefix("mailto:").removeprefix("tel:")
            text = f'<link href="{href}">{text}</link>'
            if shown.strip() != span.text.strip():
                text += f" ({xml_escape(shown)})"
        if span.bold or span.em:  # no italics in any style: emphasis is bold
            text = f"<b>{text}</b>"
        parts.append(text)
    return "".join(parts)


def _lines(spans: md.Inline, st: Style) -> list[md.Inline]:
    return md.split_sentences(spans) if st.split_sentences else [spans]


def flowables(blocks: list[md.Block], st: Style, width: float | None = None) -> list[Any]:
    """ReportLab flowables for ``blocks`` laid out for style ``st``."""
    register_fonts()

    s = _styles(st)
    width = width or frame_width(st)
    out: list[Any] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        made = _flowable(block, st, s, width)
        follower = blocks[i + 1] if i + 1 < len(blocks) else None
        if isinstance(block, md.Para | md.Heading | md.Picture) and isinstance(
                follower, md.WriteBox | md.Scale | md.Fill | md.Ticks):
            # a question and its answer space never part across a page, nor from the
            # heading above them (ReportLab will not chain keepWithNext into a KeepTogether)
            lead: list[Any] = []
            while out and _keeps_with_next(out[-1]):
                lead.insert(0, out.pop())
            made = [_together(lead + made + _flowable(follower, st, s, width))]
            i += 1
        elif isinstance(block, md.Para) and md.plain_text(block.spans).endswith(":"):
            for flowable in made:  # "Say:" stays with what is to be said
                flowable.keepWithNext = 1
        if isinstance(block, md.PageBreak) and out:
            out[-1].keepWithNext = 0  # a heading kept "with" a page break makes a blank page
        if follower is None and isinstance(block, md.Para) and out and len(
                md.plain_text(block.spans)) < 60 and not isinstance(blocks[i - 1],
                                                                   md.PageBreak):
            lead = [out.pop()]  # "Thank you." never alone on a page
            while out and _keeps_with_next(out[-1]):
                lead.insert(0, out.pop())
            made = [_together(lead + made)]
        out.extend(made)
        i += 1
    return out


def _together(items: list[Any]) -> Any:
    """One KeepTogether of ``items``; nested ones are flattened (ReportLab lays a
    KeepTogether inside another out badly, pushing it a page further than needed)."""
    from reportlab.platypus import KeepTogether

    flat: list[Any] = []
    for item in items:
        flat.extend(item._content if isinstance(item, KeepTogether) else [item])
    return KeepTogether(flat)


def _keeps_with_next(flowable: Any) -> bool:
    check = getattr(flowable, "getKeepWithNext", None)
    return bool(check()) if check else False


def _flowable(block: md.Block, st: Style, s: dict[str, Any], width: float) -> list[Any]:
    from reportlab.platypus import (
        HRFlowable,
        ListFlowable,
        ListItem,
        PageBreak,
        Paragraph,
        Spacer,
    )

    if isinstance(block, md.Heading):
        level = min(block.level, 3)
        return [Paragraph(_markup(block.spans), s[f"h{level}"])]
    if isinstance(block, md.Para):
        return [Paragraph(_markup(line), s["body"]) for line in _lines(block.spans, st)]
    if isinstance(block, md.ListBlock):
        items = []
        for item in block.items:
            inner = flowables(item, st, width - st.body * 1.8) or [Spacer(1, 1)]
            items.append(ListItem(inner))
        return [ListFlowable(
            items, bulletType="1" if block.ordered else "bullet", start=block.start if
            block.ordered else "•", bulletFontName=REGULAR if block.ordered else BOLD,
            bulletFontSize=st.body, bulletColor=s["ink"], leftIndent=st.body * 1.8,
            bulletFormat="%s." if block.ordered else None, spaceAfter=st.space_after * 0.5)]
    if isinstance(block, md.Quote):
        return [_boxed(flowables(block.blocks, st, width - 14), s, width)]
    if isinstance(block, md.Code):
        return [Paragraph(xml_escape(block.text).replace("\n", "<br/>"), s["body"])]
    if isinstance(block, md.Rule):
        return [HRFlowable(width="100%", thickness=1, color=s["accent"],
                           spaceBefore=st.space_after, spaceAfter=st.space_after)]
    if isinstance(block, md.PageBreak):
        return [PageBreak()]
    if isinstance(block, md.WriteBox):
        return [_WriteBox(block.lines, st), Spacer(1, st.space_after)]
    if isinstance(block, md.Ticks):
        return [_ticks(block, st, s, width)]
    if isinstance(block, md.Scale):
        return [_scale(block, st, s, width), Spacer(1, st.space_after)]
    if isinstance(block, md.Picture):
        return [_picture(block, st, s, width)]
    if isinstance(block, md.Fill):
        return [_fill(block, st, s, width), Spacer(1, st.space_after)]
    if isinstance(block, md.Table):
        return [_table(block, st, s, width), Spacer(1, st.space_after)]
    if isinstance(block, md.Chart):
        return [_chart(block, st, s, width), Spacer(1, st.space_after)]
    return []


def _table_style(commands: list[tuple[Any, ...]]) -> Any:
    """A TableStyle that starts in our font: empty cells would otherwise use Helvetica."""
    from reportlab.platypus import TableStyle

    return TableStyle([("FONTNAME", (0, 0), (-1, -1), REGULAR), *commands])


def _boxed(inner: list[Any], s: dict[str, Any], width: float) -> Any:
    from reportlab.platypus import Table

    table = Table([[inner]], colWidths=[width], splitInRow=1)
    table.setStyle(_table_style([("LINEBEFORE", (0, 0), (0, 0), 3, s["accent"]),
                               ("LEFTPADDING", (0, 0), (-1, -1), 12),
                               ("TOPPADDING", (0, 0), (-1, -1), 2),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
    return table


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
            canv.setStrokeColor(HexColor("#b8c4d0"))
            canv.setLineWidth(0.6)
            for n in range(1, self.lines):
                y = n * self.line_h
                canv.line(8, y, self.width - 8, y)
            canv.restoreState()

    return WriteBox


def _WriteBox(lines: int, st: Style) -> Any:  # noqa: N802 (reads like the class it makes)
    return _write_box_class()(lines, st)


def _square(size: float, text: str = "", font_size: float = 0) -> Any:
    """A drawn square (a tick box, or a numbered box on a rating scale)."""
    from reportlab.graphics.shapes import Drawing, Rect, String
    from reportlab.lib.colors import HexColor

    d = Drawing(size, size, initialFontName=BOLD)
    d.add(Rect(1, 1, size - 2, size - 2, rx=3, ry=3, strokeColor=HexColor(ACCENT),
               strokeWidth=1.4, fillColor=HexColor("#ffffff")))
    if text:
        d.add(String(size / 2, size / 2 - font_size * 0.36, text, fontName=BOLD,
                     fontSize=font_size, fillColor=HexColor(INK), textAnchor="middle"))
    return d


def _ticks(block: md.Ticks, st: Style, s: dict[str, Any], width: float) -> Any:
    from reportlab.platypus import Paragraph, Table

    box = st.body * 1.35
    gap = st.body * 0.7
    texts = [md.plain_text(item) for item in block.items]
    if not st.split_sentences and 1 < len(texts) <= 5 and max(map(len, texts)) <= 14:
        # short choices ("Yes", "Maybe", "No") sit side by side on one line
        cell = width / len(texts)
        row: list[Any] = []
        for item in block.items:
            row += [_square(box), Paragraph(_markup(item), s["cell"])]
        table = Table([row], colWidths=[box + gap, cell - box - gap] * len(texts),
                      hAlign="LEFT")
    else:
        rows = [[_square(box), Paragraph(_markup(item), s["cell"])] for item in block.items]
        table = Table(rows, colWidths=[box + gap, width - box - gap], hAlign="LEFT")
    table.setStyle(_table_style([("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                               ("TOPPADDING", (0, 0), (-1, -1), st.body * 0.25),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), st.body * 0.25)]))
    table.spaceAfter = st.space_after
    return table


def _scale(block: md.Scale, st: Style, s: dict[str, Any], width: float) -> Any:
    from reportlab.platypus import Paragraph, Table

    values = list(range(block.low, block.high + 1))
    col = width / len(values)
    box = min(st.body * 2.1, col * 0.8)
    numbers = [_square(box, str(v), st.body) for v in values]
    commands: list[tuple[Any, ...]] = [
        ("ALIGN", (0, 0), (-1, 0), "CENTER"), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]
    rows: list[list[Any]] = [numbers]
    if len(block.labels) == len(values):
        from reportlab.lib.styles import ParagraphStyle
        from reportlab.pdfbase.pdfmetrics import stringWidth

        size = s["label"].fontSize
        words = [w for label in block.labels for w in label.split()] or [""]
        widest = max(stringWidth(w, REGULAR, size) for w in words)
        if widest > col - 6:  # shrink a little rather than break a word in two
            size = max(12.0, size * (col - 6) / widest)
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
    table = Table(rows, colWidths=[col] * len(values), hAlign="LEFT")
    table.setStyle(_table_style(commands))
    return table


def _picture(block: md.Picture, st: Style, s: dict[str, Any], width: float) -> Any:
    from reportlab.platypus import Paragraph, Table

    from coprod_cli.render.icons import drawing

    size = st.picture_mm * MM
    gap = st.body * 1.0
    picture = drawing(block.icon, size, REGULAR) if block.icon else ""
    lines = [Paragraph(_markup(line), s["cell"]) for spans in block.lines
             for line in _lines(spans, st)]
    table = Table([[picture, lines]], colWidths=[size + gap, width - size - gap],
                  hAlign="LEFT")
    table.setStyle(_table_style([("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                               ("TOPPADDING", (0, 0), (-1, -1), 0),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
    table.spaceAfter = st.space_after * 1.2
    return table


def _fill(block: md.Fill, st: Style, s: dict[str, Any], width: float) -> Any:
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
    table.setStyle(_table_style(commands))
    return table


def _table(block: md.Table, st: Style, s: dict[str, Any], width: float) -> Any:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, Spacer, Table

    columns = max([len(block.header), *(len(r) for r in block.rows)] or [1])
    head_style = ParagraphStyle("th", parent=s["cell"], fontName=BOLD)
    pad = max(3.0, (st.write_line_mm * MM - st.line) / 2)

    def cell(spans: md.Inline, style: Any) -> Any:
        return Paragraph(_markup(spans), style) if md.plain_text(spans) else Spacer(1, st.line)

    rows = []
    if block.header:
        rows.append([cell(c, head_style) for c in block.header] +
                    [""] * (columns - len(block.header)))
    for row in block.rows:
        rows.append([cell(c, s["cell"]) for c in row] + [""] * (columns - len(row)))
    table = Table(rows, colWidths=_column_widths(block, columns, st, width),
                  repeatRows=1 if block.header else 0, hAlign="LEFT")
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.8, s["accent"]), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 6), ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), pad), ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
        ("FONTNAME", (0, 0), (-1, -1), REGULAR), ("FONTSIZE", (0, 0), (-1, -1), st.body)]
    if block.header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), s["soft"]))
    table.setStyle(_table_style(commands))
    return table


def _chart(block: md.Chart, st: Style, s: dict[str, Any], width: float) -> Any:
    """A bar chart as a table: label | number | bar. Every number is printed beside its bar
    (the PDF is not tagged, so nothing may exist only as a picture), and long labels wrap in
    their own column instead of colliding with the axis as chart labels do."""
    from reportlab.graphics import shapes
    from reportlab.graphics.shapes import Drawing, Rect, String
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import KeepTogether, Paragraph, Table

    # The drawing renderer starts every drawing in STATE_DEFAULTS' font (Helvetica), which
    # puts Helvetica in the PDF even with no text drawn: start it in ours instead.
    shapes.STATE_DEFAULTS["fontName"] = REGULAR

    label_w, number_w = width * 0.42, width * 0.16
    bar_w = width - label_w - number_w
    known = [v for _, v, _ in block.bars if v is not None]
    top = block.maximum or max(known, default=0) or 1
    bar_h = max(st.body * 0.9, 8)
    rows = []
    number_style = ParagraphStyle("chart-n", parent=s["cell"], alignment=2)
    for label, value, text in block.bars:
        drawing = Drawing(bar_w - 12, bar_h + 2)
        if value is not None and value > 0:
            drawing.add(Rect(0, 1, (bar_w - 14) * min(value / top, 1), bar_h,
                             fillColor=s["accent"], strokeColor=None))
        elif value is None:
            drawing.add(String(2, bar_h * 0.25, "(hidden)", fontName=REGULAR,
                               fontSize=max(st.body * 0.75, 8), fillColor=s["ink"]))
        rows.append([Paragraph(_markup([md.Span(label)]), s["cell"]),
                     Paragraph(_markup([md.Span(text)]), number_style), drawing])
    table = Table(rows, colWidths=[label_w, number_w, bar_w], hAlign="LEFT")
    table.setStyle(_table_style([
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LINEBELOW", (0, 0), (-1, -1), 0.4, s["soft"]),
        ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
    parts: list[Any] = []
    if block.title:
        parts.append(Paragraph(_markup([md.Span(block.title, bold=True)]), s["body"]))
    return KeepTogether([*parts, table])


def _column_widths(block: md.Table, columns: int, st: Style, width: float) -> list[float]:
    """Share the width by content: no column narrower than its longest word."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    pad = 12 + 2
    natural = [width / columns / 2] * columns
    for c in range(columns):  # a column left mostly blank is for writing in: a fair share
        blank = sum(1 for row in block.rows if c >= len(row) or not md.plain_text(row[c]))
        if block.rows and blank * 2 > len(block.rows):
            natural[c] = width / columns
    minimum = [30.0] * columns
    for r, row in enumerate([block.header, *block.rows]):
        font = BOLD if r == 0 and block.header else REGULAR
        for c, spans in enumerate(row[:columns]):
            text = md.plain_text(spans)
            if not text:
                continue
            natural[c] = max(natural[c], stringWidth(text, font, st.body) + pad)
            longest = max(stringWidth(word, font, st.body) for word in text.split())
            minimum[c] = max(minimum[c], min(longest + pad, width / columns))
    if sum(natural) <= width:
        return [n * width / sum(natural) for n in natural]
    spare = width - sum(minimum)
    if spare <= 0:
        return [width / columns] * columns
    extra = [n - m for n, m in zip(natural, minimum, strict=True)]
    return [m + spare * e / (sum(extra) or 1) for m, e in zip(minimum, extra, strict=True)]
