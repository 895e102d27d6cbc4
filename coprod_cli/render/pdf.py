"""Blocks to PDF with ReportLab: one A4 document, one or many parts, each in its own style.

This module lays out the document: page templates, bookmarks, progress and page numbers.
The blocks become flowables in ``render.pdf_blocks`` and ``render.pdf_handout``, and every
piece of text goes through ``render.pdf_layout.markup`` (XML-escaped, line breaks as
``<br/>``), so user text with ``<``, ``&`` or ``</para>`` prints as typed. Every font is set
explicitly to the shipped DejaVu family, the canvas starts in it too, and nothing falls back
to Helvetica.
Page numbers ("Page 2 of 3") count within each part, so a handout taken out of a pack still
reads right, and are printed at the size of the body text.
"""

from __future__ import annotations

import io
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from coprod_cli.render import markdown as md
from coprod_cli.render.fonts import REGULAR, register_fonts
from coprod_cli.render.pdf_blocks import flowables
from coprod_cli.render.pdf_layout import MM, PAGE_H, PAGE_W, frame_height, frame_width
from coprod_cli.render.styles import INK, Style

__all__ = ["Part", "build_pdf", "flowables", "invariant"]


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
    bottom = 11 * MM + st.body * 1.7  # room for "Page 1 of 2" and a clear gap above it
    frame = Frame(margin, bottom, frame_width(st), frame_height(st), id="text",
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
