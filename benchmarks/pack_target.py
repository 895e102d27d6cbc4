"""A 100-page handouts pack vs building the same flowables with raw ReportLab.

The figure is everything ``coprod handouts print`` does to make the PDF: parse the Markdown,
make the flowables, lay them out with our page templates and page numbers, write the file.
The baseline is what a hand-written ReportLab script would cost for the same pages: make the
very same flowables (Paragraphs, Tables, Drawings; the documents are parsed beforehand, not
timed) and build them with a plain ``SimpleDocTemplate`` into memory. The ratio is therefore
the price of the Markdown layer, page templates, "Page n of m" numbering and the file write.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable
from pathlib import Path

from timing import median_seconds

from coprod_cli import resources
from coprod_cli.handouts import pack as handouts
from coprod_cli.sessions.forms import load_form
from coprod_cli.sessions.library import Library

Report = Callable[..., bool]


def pack_documents(copies: int) -> list[tuple[str, str, str]]:
    library = Library(resources.sessions_dir(), None, [resources.templates_dir()])
    loaded = library.get("wellbeing-five-ways")
    request = handouts.PackRequest(loaded=loaded, organisation="Beech House",
                                   service="Recovery", copies=copies, only=[],
                                   style="standard", per_person=False)
    form = load_form(handouts.EVALUATION_FORM, [resources.data_dir()])
    docs = handouts.build_documents(request, template_dirs=library.template_dirs,
                                    user_template_dir=None, form=form)
    return [(d.title, d.markdown, d.style) for d in docs]


def pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


def bench_pack(report: Report, runs: int) -> bool:
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import PageBreak, SimpleDocTemplate

    from coprod_cli.render import render_parts
    from coprod_cli.render.fonts import register_fonts
    from coprod_cli.render.markdown import parse
    from coprod_cli.render.pdf import flowables
    from coprod_cli.render.styles import get_style

    register_fonts()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "pack.pdf"
        copies = 40
        parts = pack_documents(copies)
        render_parts(parts, out=out, title="Pack")
        while pages(out) < 100:  # grow the pack until it is at least 100 pages
            copies += 10
            parts = pack_documents(copies)
            render_parts(parts, out=out, title="Pack")
        page_count = pages(out)

        def ours() -> None:
            render_parts(parts, out=out, title="Pack", author="Beech House")

        parsed = [(parse(markdown), get_style(style)) for _, markdown, style in parts]

        def raw() -> None:
            story: list = []
            for index, (blocks, style) in enumerate(parsed):
                if index:
                    story.append(PageBreak())
                story.extend(flowables(blocks, style))
            SimpleDocTemplate(io.BytesIO(), pagesize=A4, title="Pack").build(story)

        ours()
        raw()
        figure = median_seconds(ours, runs)
        baseline = median_seconds(raw, runs)
    return report(f"handouts pack ({page_count} pages) vs raw ReportLab", figure, baseline,
                  1.3)

