"""Blocks to ReportLab flowables: the layout rules that keep a handout readable on paper.

``flowables`` walks the parsed blocks of one document and makes flowables in the style's
sizes: a question and its answer space never part across a page (nor from the heading above
them), a "Say:" line stays with what is to be said, and a short last line is never alone on
a page. Headings, paragraphs, lists, quotes, code, tables and charts are made here; the
handout lines (write-in boxes, ticks, scales, pictures, fill-in lines) in
``render.pdf_handout``.
"""

from __future__ import annotations

import re
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from coprod_cli.render import markdown as md
from coprod_cli.render.fonts import BOLD, REGULAR, register_fonts
from coprod_cli.render.pdf_handout import (
    ballot_paper,
    choice_row,
    fill_lines,
    picture_row,
    rating_scale,
    tick_boxes,
    write_box,
)
from coprod_cli.render.pdf_layout import (
    MM,
    frame_height,
    frame_width,
    lines_for,
    markup,
    paragraph_styles,
    table_style,
)
from coprod_cli.render.styles import Style


def flowables(blocks: list[md.Block], st: Style, width: float | None = None) -> list[Any]:
    """ReportLab flowables for ``blocks`` laid out for style ``st``."""
    register_fonts()

    s = paragraph_styles(st)
    whole_page = width is None  # a document, not the inside of a list item or a quote
    width = width or frame_width(st)
    out: list[Any] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        made = _flowable(block, st, s, width)
        follower = blocks[i + 1] if i + 1 < len(blocks) else None
        if isinstance(block, md.Heading) and block.level > 1 and i and isinstance(
                blocks[i - 1], md.Heading) and made:
            # the title's own space is enough: no second gap straight under it
            made[0].style = s[f"h{min(block.level, 3)}_close"]
        if isinstance(block, md.Para | md.Heading | md.Picture) and isinstance(
                follower, md.WriteBox | md.Scale | md.Fill | md.Ticks):
            # a question and its answer space never part across a page, nor from the
            # heading above them (ReportLab will not chain keepWithNext into a KeepTogether)
            lead: list[Any] = []
            while out and _keeps_with_next(out[-1]):
                lead.insert(0, out.pop())
            if isinstance(block, md.Para) and made:
                made[-1].style = s["question"]  # a question sits close to its answer space
            elif isinstance(block, md.Picture) and made:
                made[-1].spaceAfter = st.space_after * 0.4
            made = lead + made + _flowable(follower, st, s, width)
            i += 1
            if _side_by_side(blocks, i, st):
                # large print: two write-in questions share the page width, so one form
                # keeps to one page at 18pt with every box its full number of lines
                made = lead + [_two_columns(blocks[i - 1:i + 3], st, s, width)]
                i += 2
            while isinstance(follower, md.Fill) and i + 1 < len(blocks) and isinstance(
                    blocks[i + 1], md.Fill):  # lines to fill in stay together (signatures)
                i += 1
                made += _flowable(blocks[i], st, s, width)
            made = [_together(made)]
        elif isinstance(block, md.Choice):
            # a ballot paper is one sheet: from the last page break or rule to the line
            # after its last option, with the options made smaller if it would not fit
            lead = []
            while out and type(out[-1]).__name__ not in _PAPER_EDGES:
                lead.insert(0, out.pop())
            choices = [block]
            while i + 1 < len(blocks) and isinstance(blocks[i + 1], md.Choice):
                i += 1
                choices.append(blocks[i])  # type: ignore[arg-type]
            tail: list[Any] = []
            if i + 1 < len(blocks) and isinstance(blocks[i + 1], md.Para | md.Picture) and (
                    i + 2 == len(blocks) or isinstance(blocks[i + 2], md.Rule | md.PageBreak)):
                i += 1
                tail = _flowable(blocks[i], st, s, width)
            made = [_together(ballot_paper(lead, choices, tail, st, s, width,
                                           frame_height(st)))]
        elif isinstance(block, md.Chart) or (isinstance(block, md.Table)
                                             and len(block.rows) <= KEEP_TABLE_ROWS):
            # a chart or a short table is never split across a page, nor parted from the
            # heading above it
            lead = []
            while out and _keeps_with_next(out[-1]):
                lead.insert(0, out.pop())
            made = [_together(lead + made)]
        elif isinstance(block, md.Para) and (md.plain_text(block.spans).endswith(":") or (
                _short_lead(blocks, i))):
            for flowable in made:  # "Say:" stays with what is to be said
                flowable.keepWithNext = 1
        elif isinstance(block, md.ListBlock | md.Quote) and out and _keeps_with_next(out[-1]):
            # ReportLab will not keep a heading or "Accessibility tips:" with a list or a
            # quote by keepWithNext alone: hold them together explicitly
            lead = []
            while out and _keeps_with_next(out[-1]):
                lead.insert(0, out.pop())
            made = [_together(lead + made)]
        if isinstance(block, md.PageBreak):
            # space before a page break would spill onto a page of its own: a blank page
            while out and type(out[-1]).__name__ == "Spacer":
                out.pop()
            if out:
                out[-1].keepWithNext = 0  # kept "with" a page break makes a blank page
        if follower is None and isinstance(block, md.Para) and out and len(
                md.plain_text(block.spans)) < 60 and not isinstance(blocks[i - 1],
                                                                   md.PageBreak):
            lead = [out.pop()]  # "Thank you." never alone on a page
            while out and _keeps_with_next(out[-1]):
                lead.insert(0, out.pop())
            made = [_together(lead + made)]
        out.extend(made)
        i += 1
    if whole_page:
        _keep_closing_section(out, width, frame_height(st))
    return out


#: What starts a new ballot paper: a page break, or the rule between papers on one page.
_PAPER_EDGES = ("PageBreakIfNotEmpty", "PageBreak", "HRFlowable")


def _keep_closing_section(out: list[Any], width: float, page: float) -> None:
    """A short last section ("A no I would like to practise" and its box) never stands alone
    on a last page: it is kept with what comes before it, when the two fit on one page."""
    start = next((k for k in range(len(out) - 1, 0, -1) if _is_heading(out[k])), None)
    if start is None:
        return
    import io

    from reportlab.pdfgen.canvas import Canvas

    canv = Canvas(io.BytesIO())  # only to measure: some flowables wrap on a canvas
    closing = sum(_height(f, width, page, canv) for f in out[start:])
    if closing > page / 3:
        return
    first = start - 1
    while first > 0 and type(out[first]).__name__ == "Spacer":  # space is not content
        first -= 1
    before = sum(_height(f, width, page, canv) for f in out[first:start])
    if closing + before <= page * 0.9:
        out[first:] = [_together(out[first:])]


def _height(flowable: Any, width: float, page: float, canv: Any) -> float:
    """How tall a flowable is laid out, with the space around it (a KeepTogether answers
    "taller than any page" to force a split: its real height is ``_H``)."""
    from reportlab.platypus import KeepTogether

    height = flowable.wrapOn(canv, width, page)[1]
    if isinstance(flowable, KeepTogether):
        height = flowable._H
    return float(height + flowable.getSpaceBefore() + flowable.getSpaceAfter())


def _is_heading(flowable: Any) -> bool:
    from reportlab.platypus import KeepTogether

    content = flowable._content if isinstance(flowable, KeepTogether) else [flowable]
    first = next((f for f in content if type(f).__name__ != "Spacer"), None)
    name = getattr(getattr(first, "style", None), "name", "")
    return name in ("h2", "h3", "h2c", "h3c")


def _side_by_side(blocks: list[md.Block], i: int, st: Style) -> bool:
    """Whether the question and write-in box ending at ``i`` pair with the next two blocks."""
    return (st.body >= 18 and not st.split_sentences and i + 2 < len(blocks)
            and isinstance(blocks[i - 1], md.Para) and isinstance(blocks[i], md.WriteBox)
            and isinstance(blocks[i + 1], md.Para) and isinstance(blocks[i + 2], md.WriteBox))


def _two_columns(blocks: list[md.Block], st: Style, s: dict[str, Any], width: float) -> Any:
    from reportlab.platypus import Table

    gap = st.body
    half = (width - gap) / 2
    cells: list[list[Any]] = [[], []]
    for n, block in enumerate(blocks):
        if isinstance(block, md.WriteBox):  # a line fewer, each at the style's full height
            block = md.WriteBox(max(2, block.lines - 1))
        made = _flowable(block, st, s, half)
        if isinstance(block, md.Para) and made:
            made[-1].style = s["question"]
        cells[n // 2] += made
    table = Table([[cells[0], "", cells[1]]], colWidths=[half, gap, half], hAlign="LEFT")
    table.setStyle(table_style([("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                               ("TOPPADDING", (0, 0), (-1, -1), 0),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
    table.spaceAfter = st.space_after
    return table


def _short_lead(blocks: list[md.Block], i: int) -> bool:
    """A short line straight under a heading ("10:00 to 10:15, led by ...") and before more
    content stays with what follows, so the heading is never left with only that line."""
    block = blocks[i]
    return (i > 0 and isinstance(blocks[i - 1], md.Heading) and i + 1 < len(blocks)
            and isinstance(block, md.Para) and len(md.plain_text(block.spans)) <= 200
            and not isinstance(blocks[i + 1], md.Heading | md.PageBreak))


def _together(items: list[Any]) -> Any:
    """One KeepTogether of ``items``; nested ones are flattened (ReportLab lays a
    KeepTogether inside another out badly, pushing it a page further than needed)."""
    from reportlab.platypus import KeepTogether

    flat: list[Any] = []
    for item in items:
        flat.extend(item._content if isinstance(item, KeepTogether) else [item])
    return KeepTogether(flat)


KEEP_TABLE_ROWS = 25
"""Tables up to this many rows stay on one page; longer ones split, repeating the header."""


def _keeps_with_next(flowable: Any) -> bool:
    check = getattr(flowable, "getKeepWithNext", None)
    return bool(check()) if check else False


def _flowable(block: md.Block, st: Style, s: dict[str, Any], width: float) -> list[Any]:
    from reportlab.platypus import (
        HRFlowable,
        ListFlowable,
        ListItem,
        Paragraph,
        Spacer,
    )
    from reportlab.platypus.flowables import PageBreakIfNotEmpty

    if isinstance(block, md.Heading):
        level = min(block.level, 3)
        return [Paragraph(markup(block.spans), s[f"h{level}"])]
    if isinstance(block, md.Para):
        lines = lines_for(block.spans, st)
        made = [Paragraph(markup(line), s["body"]) for line in lines]
        for line, paragraph in zip(lines[:-1], made, strict=False):
            if md.plain_text(line).endswith(":"):  # "...ask the group:" keeps its next line
                paragraph.keepWithNext = 1
        return made
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
        # a page already begun empty is not turned again (no blank page after a full one)
        return [PageBreakIfNotEmpty()]
    if isinstance(block, md.WriteBox):
        return [write_box(block.lines, st), Spacer(1, st.space_after)]
    if isinstance(block, md.Ticks):
        return [tick_boxes(block, st, s, width)]
    if isinstance(block, md.Scale):
        return [rating_scale(block, st, s, width), Spacer(1, st.space_after * 0.5)]
    if isinstance(block, md.Picture):
        return [picture_row(block, st, s, width)]
    if isinstance(block, md.Choice):
        return [choice_row(block, st, s, width)]
    if isinstance(block, md.Fill):
        return [fill_lines(block, st, s, width), Spacer(1, st.space_after)]
    if isinstance(block, md.Table):
        return [_table(block, st, s, width), Spacer(1, st.space_after)]
    if isinstance(block, md.Chart):
        return [_chart(block, st, s, width), Spacer(1, st.space_after)]
    return []


def _boxed(inner: list[Any], s: dict[str, Any], width: float) -> Any:
    from reportlab.platypus import Table

    table = Table([[inner]], colWidths=[width], splitInRow=1)
    table.setStyle(table_style([("LINEBEFORE", (0, 0), (0, 0), 3, s["accent"]),
                               ("LEFTPADDING", (0, 0), (-1, -1), 12),
                               ("TOPPADDING", (0, 0), (-1, -1), 2),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
    return table


def _table(block: md.Table, st: Style, s: dict[str, Any], width: float) -> Any:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, Spacer, Table

    columns = max([len(block.header), *(len(r) for r in block.rows)] or [1])
    # a table is read a cell at a time: lines a little closer than in running text (never
    # in the styles that ask for 1.5 spacing), so a run sheet keeps to one page at 18pt
    body = ParagraphStyle("td", parent=s["cell"], leading=st.line if st.leading >= 1.5
                          else st.body * 1.25)
    head_style = ParagraphStyle("th", parent=body, fontName=BOLD)
    # a row is at least as tall as a line of handwriting (13 mm at most, so a sign-in sheet
    # of names still fits its page in the larger styles); a row of several lines gets only
    # a little padding, so a run sheet keeps to one page
    row_h = min(st.write_line_mm, 13.0) * MM
    pad = 2.0

    def cell(spans: md.Inline, style: Any) -> Any:
        return Paragraph(markup(spans), style) if md.plain_text(spans) else Spacer(1, st.line)

    rows = []
    if block.header:
        rows.append([cell(c, head_style) for c in block.header] +
                    [""] * (columns - len(block.header)))
    for row in block.rows:
        rows.append([cell(c, body) for c in row] + [""] * (columns - len(row)))
    table = Table(rows, colWidths=_column_widths(block, columns, st, width),
                  repeatRows=1 if block.header else 0, hAlign="LEFT",
                  minRowHeights=[row_h] * len(rows))
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.8, s["accent"]), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 6), ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), pad), ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
        ("FONTNAME", (0, 0), (-1, -1), REGULAR), ("FONTSIZE", (0, 0), (-1, -1), st.body)]
    if block.header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), s["soft"]))
    offset = 1 if block.header else 0
    if len(block.rows) >= 2:  # never a page of only the header and one row
        commands.append(("NOSPLIT", (0, len(rows) - 2), (-1, len(rows) - 1)))
    for r, row in enumerate(block.rows[:-1]):
        if _section_row(row):  # "Theme: ..." never alone at the foot of a page
            commands.append(("NOSPLIT", (0, r + offset), (-1, r + offset + 1)))
    table.setStyle(table_style(commands))
    return table


def _section_row(row: list[md.Inline]) -> bool:
    """A row that heads the rows under it: bold words in the first cell, the rest blank."""
    return (len(row) > 1 and bool(row[0]) and all(span.bold for span in row[0])
            and not any(md.plain_text(cell) for cell in row[1:]))


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
        rows.append([Paragraph(markup([md.Span(label)]), s["cell"]),
                     Paragraph(markup([md.Span(text)]), number_style), drawing])
    table = Table(rows, colWidths=[label_w, number_w, bar_w], hAlign="LEFT")
    table.setStyle(table_style([
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LINEBELOW", (0, 0), (-1, -1), 0.4, s["soft"]),
        ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
    parts: list[Any] = []
    if block.title:
        parts.append(Paragraph(markup([md.Span(block.title, bold=True)]), s["body"]))
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
        for c, spans in enumerate(row[:columns]):
            text = md.plain_text(spans)
            if not text:
                continue
            # bold is wider: a bold total ("£0.00") measured in regular would break in two
            font = BOLD if (r == 0 and block.header) or all(
                span.bold for span in spans if span.text.strip()) else REGULAR
            natural[c] = max(natural[c], stringWidth(text, font, st.body) + pad)
            # split where ReportLab may break a line: never at a no-break space ("10 min")
            longest = max(stringWidth(word, font, st.body)
                          for word in re.split(r"[ \t\n]+", text.strip()))
            minimum[c] = max(minimum[c], longest + pad)
    if sum(natural) <= width:
        return [n * width / sum(natural) for n in natural]
    spare = width - sum(minimum)
    if spare <= 0:  # even the longest words do not fit: share out in their proportion
        return [m * width / sum(minimum) for m in minimum]
    extra = [n - m for n, m in zip(natural, minimum, strict=True)]
    return [m + spare * e / (sum(extra) or 1) for m, e in zip(minimum, extra, strict=True)]
