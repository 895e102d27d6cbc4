"""The PDF page and the text on it: page size, text width, paragraph styles, safe markup.

Shared by every part of the PDF renderer (``render.pdf`` lays out the document,
``render.pdf_blocks`` and ``render.pdf_handout`` turn blocks into ReportLab flowables).
Every piece of text reaches ReportLab through ``markup``, which XML-escapes it, so user text
with ``<``, ``&`` or ``</para>`` prints as typed; every style and table starts in the shipped
DejaVu fonts, so nothing falls back to Helvetica. ReportLab is imported only inside the
functions, when something is rendered.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape as xml_escape

from coprod_cli.render import markdown as md
from coprod_cli.render.fonts import BOLD, REGULAR
from coprod_cli.render.styles import ACCENT, INK, SOFT, Style

MM = 72 / 25.4
PAGE_W, PAGE_H = 210 * MM, 297 * MM
_SAMPLE = ("The quick brown fox jumps over the lazy dog. Pack my box with five dozen liquor "
           "jugs, and thank you for coming today.")
SAFE_LINK = ("http://", "https://", "mailto:", "tel:")


def frame_width(st: Style) -> float:
    """The text width: the page less margins, narrowed to ``max_chars`` where a style asks."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    width = PAGE_W - 2 * st.margin_mm * MM
    if st.max_chars:
        per_char = stringWidth(_SAMPLE, REGULAR, st.body) / len(_SAMPLE)
        width = min(width, per_char * st.max_chars)
    return width


def frame_height(st: Style) -> float:
    """The text height of a page: the page less the top margin and the page-number foot."""
    return PAGE_H - st.margin_mm * MM - (11 * MM + st.body * 1.7)


def paragraph_styles(st: Style) -> dict[str, Any]:
    from reportlab.lib.colors import HexColor
    from reportlab.lib.enums import TA_CENTER, TA_LEFT
    from reportlab.lib.styles import ParagraphStyle

    ink = HexColor(INK)
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=st.body, leading=st.line,
                          textColor=ink, alignment=TA_LEFT, spaceAfter=st.space_after,
                          splitLongWords=1, allowWidows=0, allowOrphans=0)
    out = {"body": body,
           "cell": ParagraphStyle("cell", parent=body, spaceAfter=0),
           "question": ParagraphStyle("question", parent=body, spaceAfter=st.space_after * 0.4),
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
    for level in (2, 3):
        out[f"h{level}_close"] = ParagraphStyle(f"h{level}c", parent=out[f"h{level}"],
                                                spaceBefore=0)
    out["soft"] = HexColor(SOFT)
    out["accent"] = HexColor(ACCENT)
    out["ink"] = ink
    return out


def markup(spans: md.Inline) -> str:
    """Spans as ReportLab paragraph markup. Every piece of text is escaped here."""
    parts: list[str] = []
    for span in spans:
        if span.br:
            parts.append("<br/>")
            continue
        text = xml_escape(span.text).replace("\n", "<br/>")
        if span.href and span.href.lower().startswith(SAFE_LINK):
            href = xml_escape(span.href, {'"': "&quot;"})
            shown = span.href.removeprefix("mailto:").removeprefix("tel:")
            text = f'<link href="{href}">{text}</link>'
            if shown.strip() != span.text.strip():
                text += f" ({xml_escape(shown)})"
        if span.bold or span.em:  # no italics in any style: emphasis is bold
            text = f"<b>{text}</b>"
        parts.append(text)
    return "".join(parts)


def lines_for(spans: md.Inline, st: Style) -> list[md.Inline]:
    return md.split_sentences(spans) if st.split_sentences else [spans]


def table_style(commands: list[tuple[Any, ...]]) -> Any:
    """A TableStyle that starts in our font: empty cells would otherwise use Helvetica."""
    from reportlab.platypus import TableStyle

    return TableStyle([("FONTNAME", (0, 0), (-1, -1), REGULAR), *commands])
