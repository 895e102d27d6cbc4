"""The pack baseline: the same text as coprod's pack, laid out with plain ReportLab platypus.

``python plain_reportlab_pack.py PACK.md OUT.pdf`` reads the Markdown that
``coprod handouts print --format md`` wrote for the very pack being timed, and builds a PDF
the way a hand-written script would: ``Paragraph``, ``Spacer``, ``Table``, ``PageBreak`` and a
small ``Drawing`` per picture, in a ``SimpleDocTemplate``, with DejaVu Sans registered as
coprod registers it. None of coprod's own code is imported: this is what the pack would cost
without coprod's Markdown layer, handout lines, icons, page templates and page numbers.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.graphics.shapes import Circle, Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONTS = Path(__file__).resolve().parents[1] / "coprod_cli" / "render" / "fonts"
pdfmetrics.registerFont(TTFont("Sans", str(FONTS / "DejaVuSans.ttf")))
pdfmetrics.registerFont(TTFont("Sans-Bold", str(FONTS / "DejaVuSans-Bold.ttf")))
pdfmetrics.registerFontFamily("Sans", normal="Sans", bold="Sans-Bold", italic="Sans",
                              boldItalic="Sans-Bold")

BODY = ParagraphStyle("body", fontName="Sans", fontSize=12, leading=16, spaceAfter=6)
H1 = ParagraphStyle("h1", parent=BODY, fontName="Sans-Bold", fontSize=20, leading=26,
                    spaceAfter=10)
H2 = ParagraphStyle("h2", parent=BODY, fontName="Sans-Bold", fontSize=15, leading=20,
                    spaceBefore=8, keepWithNext=1)
QUOTE = ParagraphStyle("quote", parent=BODY, leftIndent=8 * mm, borderPadding=4,
                       borderColor=colors.grey, borderWidth=0.5)
CELL = ParagraphStyle("cell", parent=BODY, fontSize=11, leading=14, spaceAfter=0)
GRID = TableStyle([("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                   ("VALIGN", (0, 0), (-1, -1), "TOP"),
                   ("FONTNAME", (0, 0), (-1, -1), "Sans")])
WIDTH = A4[0] - 40 * mm


def inline(text: str) -> str:
    text = escape(text.replace("&nbsp;", "\u00a0").replace("\\", ""))
    return re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", text)


def picture(name: str) -> Drawing:
    drawing = Drawing(16 * mm, 16 * mm)
    drawing.add(Circle(8 * mm, 8 * mm, 7 * mm, fillColor=colors.whitesmoke))
    drawing.add(String(8 * mm, 6 * mm, name[:1].upper(), fontName="Sans-Bold", fontSize=16,
                       textAnchor="middle"))
    return drawing


def boxes(rows: int, cols: list[str] | None = None) -> Table:
    data = [[Paragraph(inline(c), CELL) for c in cols]] if cols else []
    data += [[""] * (len(cols) if cols else 1) for _ in range(rows)]
    table = Table(data, colWidths=[WIDTH / max(1, len(cols or [""]))] * len(cols or [""]),
                  rowHeights=[None if cols else 10 * mm] * bool(cols) + [10 * mm] * rows)
    table.setStyle(GRID)
    return table


def table(lines: list[str]) -> Table:
    rows = [[Paragraph(inline(c.strip()), CELL) for c in line.strip().strip("|").split("|")]
            for line in lines if not re.fullmatch(r"\|[\s\-|:]+\|", line.strip())]
    width = max(len(r) for r in rows)
    result = Table(rows, colWidths=[WIDTH / width] * width, repeatRows=1)
    result.setStyle(GRID)
    return result


def story(markdown: str) -> list:
    flow: list = []
    paragraph: list[str] = []
    lines = markdown.splitlines()

    def flush() -> None:
        if paragraph:
            flow.append(Paragraph("<br/>".join(inline(p) for p in paragraph), BODY))
            paragraph.clear()

    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if not line.strip():
            flush()
        elif line.startswith("|"):
            flush()
            block = [line]
            while index < len(lines) and lines[index].startswith("|"):
                block.append(lines[index])
                index += 1
            flow.append(table(block))
        elif line == "[pagebreak]":
            flush()
            flow.append(PageBreak())
        elif line.startswith("# ") or line.startswith("## "):
            flush()
            flow.append(Paragraph(inline(line.lstrip("# ")), H1 if line[1] == " " else H2))
        elif line.startswith("[fill "):
            flush()
            flow.append(boxes(1, [c.strip() for c in line[6:-1].split("|")]))
        elif line.startswith("[write "):
            flush()
            flow.append(boxes(int(line[7:-1])))
        elif line.startswith("[scale "):
            flush()
            labels = line.split(":", 1)[1].rstrip("]").split("|")
            flow.append(boxes(1, [f"☐ {label.strip()}" for label in labels]))
        elif line.startswith("[picture "):
            flush()
            name, _, words = line[9:].partition("] ")
            text = [words]
            while index < len(lines) and lines[index].strip() and \
                    not lines[index].startswith("["):
                text.append(lines[index])
                index += 1
            row = Table([[picture(name), Paragraph("<br/>".join(map(inline, text)), BODY)]],
                        colWidths=[20 * mm, WIDTH - 20 * mm])
            flow.append(row)
        elif line.startswith("[ ] "):
            paragraph.append("☐ " + line[4:])
        elif line.startswith("- "):
            flush()
            flow.append(Paragraph(inline(line[2:]), BODY, bulletText="•"))
        elif re.match(r"\d+\. ", line):
            flush()
            number, _, words = line.partition(" ")
            flow.append(Paragraph(inline(words), BODY, bulletText=number))
        elif line.startswith("> "):
            quoted = [line[2:]]
            while index < len(lines) and lines[index].startswith(">"):
                quoted.append(lines[index][2:])
                index += 1
            flush()
            flow.append(Paragraph("<br/>".join(map(inline, quoted)), QUOTE))
        else:
            paragraph.append(line)
    flush()
    flow.append(Spacer(1, 1))
    return flow


def main(source: str, out: str) -> int:
    doc = SimpleDocTemplate(out, pagesize=A4, title="Pack", leftMargin=20 * mm,
                            rightMargin=20 * mm, topMargin=20 * mm, bottomMargin=20 * mm)
    doc.build(story(Path(source).read_text(encoding="utf-8")))
    return doc.page


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
