"""Read a PDF with pypdf and find pages that end in a heading or a label ("Say:").

A page "ends" at its lowest line of text (page numbers aside), unless something is drawn
below it (a write-in box, a table's lines, a picture): then the heading has its content
with it. A heading is text larger than the page's usual text; a label ends with ":".
Used by tests only, so `make test` needs no poppler.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import ContentStream

_PAGE_NUMBER = re.compile(r"Page \d+ of \d+")


@dataclass
class Line:
    y: float
    text: str
    size: float


def _mul(a: list[float], b: list[float]) -> list[float]:
    return [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
            a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
            a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5]]


def _lowest_drawing(page: object, reader: PdfReader, width: float, height: float) -> float:
    """The lowest y of any line or shape drawn on the page (a full-page background aside),
    inside Form XObjects too: a pack's repeated forms are drawn from one."""
    lowest = height

    def walk(contents: object, resources: object, ctm: list[float]) -> None:
        nonlocal lowest
        stack: list[list[float]] = []
        in_text = False

        def point_y(x: float, y: float) -> float:
            return ctm[1] * x + ctm[3] * y + ctm[5]

        for operands, op in ContentStream(contents, reader).operations:
            if op == b"BT":
                in_text = True
            elif op == b"ET":
                in_text = False
            elif in_text:
                continue
            elif op == b"q":
                stack.append(ctm)
            elif op == b"Q":
                ctm = stack.pop() if stack else ctm
            elif op == b"cm":
                ctm = _mul([float(v) for v in operands], ctm)
            elif op == b"Do":
                form = resources["/XObject"][operands[0]].get_object()  # type: ignore[index]
                if form.get("/Subtype") == "/Form":
                    matrix = [float(v) for v in form.get("/Matrix", [1, 0, 0, 1, 0, 0])]
                    walk(form, form.get("/Resources", resources), _mul(matrix, ctm))
            elif op == b"re":
                x, y, w, h = (float(v) for v in operands)
                if abs(w) * abs(ctm[0] or 1) > width * 0.95 and abs(h) > height * 0.9:
                    continue  # the page colour
                lowest = min(lowest, point_y(x, y), point_y(x, y + h))
            elif op in (b"m", b"l"):
                lowest = min(lowest, point_y(float(operands[0]), float(operands[1])))
            elif op == b"c":
                lowest = min(lowest, point_y(float(operands[4]), float(operands[5])))

    walk(page.get_contents(), page["/Resources"],  # type: ignore[index, attr-defined]
         [1.0, 0.0, 0.0, 1.0, 0.0, 0.0])
    return lowest


def page_lines(page: object) -> list[Line]:
    lines: list[Line] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        words = text.strip()
        if words and not _PAGE_NUMBER.fullmatch(words):
            lines.append(Line(tm[5] * cm[3] + cm[5], words,
                              size * abs(tm[3] or 1) * abs(cm[3] or 1)))

    page.extract_text(visitor_text=visit)  # type: ignore[attr-defined]
    return lines


def bad_page_ends(path: Path) -> list[tuple[int, str]]:
    """(page number, last words) of each page ending in a heading or a label."""
    reader = PdfReader(path)
    found = []
    for number, page in enumerate(reader.pages, start=1):
        lines = page_lines(page)
        if not lines:
            continue
        box = page.mediabox
        bottom = min(line.y for line in lines)
        last = [line for line in lines if abs(line.y - bottom) < 2]
        if _lowest_drawing(page, reader, float(box.width), float(box.height)) < bottom - 4:
            continue  # a box, table or line is drawn below the last words
        sizes = sorted(line.size for line in lines)
        usual = sizes[len(sizes) // 2]
        text = " ".join(line.text for line in last)
        if text.endswith(":") or max(line.size for line in last) > usual * 1.15:
            found.append((number, text))
    return found
