"""Blocks to PDF with ReportLab: one A4 document, one or many parts, each in its own style.

This module lays out the document: page templates, bookmarks, progress and page numbers.
The blocks become flowables in ``render.pdf_blocks`` and ``render.pdf_handout``, and every
piece of text goes through ``render.pdf_layout.markup`` (XML-escaped, line breaks as
``<br/>``), so user text with ``<``, ``&`` or ``</para>`` prints as typed. Every font is set
explicitly to the shipped DejaVu family, the canvas starts in it too, and nothing falls back
to Helvetica.
Page numbers ("Page 2 of 3") count within each part, so a handout taken out of a pack still
reads right, and are printed at the size of the body text.

A pack repeats one document many times (ninety peer-evaluation forms), and laying out the
same form ninety times was most of a big pack's time. A part that repeats an earlier one
(the same parsed blocks, in the same style) is laid out once: each of its pages becomes a
PDF Form XObject, drawn on the original's pages and on every copy's, with only what differs
per page (its page number, its bookmark) drawn outside the form. The pages look the same,
their text extracts the same (pypdf follows forms), and the file is far smaller.
"""

from __future__ import annotations

import dataclasses
import io
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from coprod_cli.render import markdown as md
from coprod_cli.render.fonts import REGULAR, register_fonts
from coprod_cli.render.pdf_blocks import flowables
from coprod_cli.render.pdf_layout import MM, PAGE_H, PAGE_W, frame_height, frame_width
from coprod_cli.render.styles import INK, Style

__all__ = ["Part", "build_pdf", "flowables", "invariant", "repeatable"]


@dataclass
class Part:
    """One document of a pack: its title (for bookmarks), its blocks and its style."""

    title: str
    blocks: list[md.Block]
    style: Style


@dataclass
class _Plan:
    """What the canvas needs to put the pages in order: every part's title, and which parts
    are copies of an earlier one (by index) rather than laid out themselves."""

    titles: list[str]
    copy_of: dict[int, int] = field(default_factory=dict)


def invariant() -> int:
    """Byte-identical output under tests (``rl_config.invariant``) or reproducible builds."""
    from reportlab import rl_config

    return 1 if rl_config.invariant or os.environ.get("SOURCE_DATE_EPOCH") else 0


def repeatable(blocks: list[md.Block]) -> bool:
    """Whether copies of these blocks can be drawn from one layout: not if any text is a link
    (a link is an annotation of its own page, which a shared form cannot carry) or any
    picture is a photo file."""

    def plain(value: Any) -> bool:
        if isinstance(value, md.Span):
            return value.href is None
        if isinstance(value, md.Choice) and value.photo:
            return False
        if isinstance(value, list | tuple):
            return all(plain(v) for v in value)
        if dataclasses.is_dataclass(value):
            return all(plain(getattr(value, f.name)) for f in dataclasses.fields(value))
        return True

    return plain(blocks)


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
    plan = _Plan([part.title for part in parts])
    laid_out: dict[tuple[int, Style], int] = {}  # (id of the blocks, style) -> first part
    story: list[Any] = []
    total = len(parts)
    for index, part in enumerate(parts):
        key = (id(part.blocks), part.style)
        if key in laid_out:
            plan.copy_of[index] = laid_out[key]  # drawn from the first one's forms
            continue
        if repeatable(part.blocks):
            laid_out[key] = index
        if story:
            story.append(NextPageTemplate(part.style.name))
            story.append(PageBreak())
        story.append(_PartStart(index, total, part.style, progress))
        story.extend(flowables(part.blocks, part.style))
    if not story:
        plan.titles = [title]
        story.append(_PartStart(0, 1, next(iter(styles_used.values())), progress))

    def canvasmaker(*args: Any, **kwargs: Any) -> Any:
        return _NumberedCanvas(*args, running=running_numbers, plan=plan, **kwargs)

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

#: What a page may hold and still be shared as a form: a form carries only its drawing,
#: fonts and pictures, not a page's links, transparency, shadings or spot colours.
_PAGE_ONLY = ("_annotationrefs", "_shadingUsed", "_colorsUsed")


def _canvas_class() -> Any:
    """A canvas that keeps its pages until the end, to print "Page n of m": counted within
    each part (a handout taken out of a pack still reads right), or through the whole
    document (``running``, for a book whose contents page lists page numbers). At the end it
    also adds each part's bookmark (on the page it really starts on) and draws the copies."""
    global _CANVAS
    if _CANVAS is not None:
        return _CANVAS
    from reportlab.lib.colors import HexColor
    from reportlab.pdfbase.pdfdoc import PDFFormXObject
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, running: bool = False, plan: _Plan | None = None,
                     **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []
            self.coprod_part: tuple[int, Style] | None = None
            self.coprod_running = running
            self.coprod_plan = plan or _Plan([])

        def showPage(self) -> None:  # noqa: N802 (ReportLab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            plan = self.coprod_plan
            pages_of: dict[int, list[dict[str, Any]]] = {}
            loose = []  # pages before any part began (none in practice): printed as they are
            for page in self._pages:
                if page["coprod_part"]:
                    pages_of.setdefault(page["coprod_part"][0], []).append(page)
                else:
                    loose.append(page)
            shared = set(plan.copy_of.values())
            order: list[tuple[int, int, dict[str, Any]]] = []  # (part, its page, the page)
            for index in range(max([len(plan.titles), *(i + 1 for i in pages_of)])):
                source = plan.copy_of.get(index, index)
                order += [(index, n, page) for n, page in enumerate(pages_of.get(source, []))]
            total = len(loose) + len(order)
            for page in loose:
                self.__dict__.update(page)
                Canvas.showPage(self)
            for number, (index, n, page) in enumerate(order, start=len(loose) + 1):
                self.__dict__.update(page)
                source, st = page["coprod_part"]
                if source in shared:
                    if any(page[k] for k in _PAGE_ONLY) or page["_extgstate"].getState():
                        self._code = list(page["_code"])  # drawn as it was, line by line
                    else:
                        self._draw_as_form(f"coprodPart{source}Page{n + 1}",
                                           first=index == source)
                if n == 0:
                    key = f"part{index}"
                    self.bookmarkPage(key)
                    title = plan.titles[index] if index < len(plan.titles) else ""
                    self.addOutlineEntry(title, key, level=0)
                count = len(pages_of[source])
                label = f"Page {number} of {total}" if self.coprod_running else \
                    f"Page {n + 1} of {count}"
                self.saveState()
                self.setFont(REGULAR, st.body)
                self.setFillColor(HexColor(INK))
                self.drawString(st.margin_mm * MM, 11 * MM, label)
                self.restoreState()
                Canvas.showPage(self)
            Canvas.save(self)

        def _draw_as_form(self, name: str, *, first: bool) -> None:
            """Draw this page through the form ``name``, made from its drawing the first
            time (the page laid out), reused for every copy."""
            if first:
                form = PDFFormXObject(0, 0, *self._pagesize)
                form.compression = self._pageCompression
                form.setStreamList([self._preamble, *self._code])
                self._setXObjects(form)
                self._doc.addForm(name, form)
            self._code = []
            self._formsinuse: list[str] = []
            self.doForm(name)

    _CANVAS = NumberedCanvas
    return _CANVAS


class _PartStart:
    """Marks where a part begins: numbering restarts and progress moves (the bookmark is
    added when the pages are written, so it points at the page the part really starts on)."""

    def __new__(cls, index: int, total: int, st: Style,
                progress: Callable[[int, int], None] | None) -> Any:
        from reportlab.platypus import Flowable

        class PartStart(Flowable):  # type: ignore[misc]
            def wrap(self, aw: float, ah: float) -> tuple[float, float]:
                return 0, 0

            def draw(self) -> None:
                self.canv.coprod_part = (index, st)
                if progress:
                    progress(index, total)

        return PartStart()
