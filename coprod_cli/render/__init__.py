"""Rendering: Jinja2 templates to Markdown, and Markdown to PDF, HTML or Markdown files.

This is the public API the rest of coprod calls (handouts, grant PDFs, evaluation reports).
Nothing here touches the store, and the heavy libraries (Jinja2, markdown-it, ReportLab) are
imported only when something is rendered, so ``coprod --help`` stays fast.

``STYLES``
    ``("standard", "easy-read", "large-print", "dyslexia")``: see ``render.styles``.
``escape_markdown(text) -> str``
    Make any user text literal inside Markdown: no emphasis, links, headings, HTML or
    handout lines (``[write 3]``...) can come from it. Templates do this automatically for
    every ``{{ value }}``; call it yourself when you build Markdown in Python. It lives in
    ``coprod_cli.escape`` (no heavy imports) and is re-exported here.
``render_template(template, context, *, template_dirs, sandboxed=False) -> str``
    Fill in a Jinja2 template (a path inside one of ``template_dirs``) and return Markdown.
    Unknown variables are errors: ``ValidationError`` naming the template and the line.
    ``sandboxed=True`` for templates a user wrote.
``render_document(markdown, *, out, fmt="pdf", style="standard", title, author="",
subject="", lang="en-GB") -> Path``
    Write one document as ``pdf``, ``html`` or ``md`` to ``out``. The file is written
    atomically (temporary file, then rename): an error leaves no half-written file. A path
    that cannot be written raises ``CoprodError`` with one plain sentence.
    ``photos`` names picture files a ``[choice photo-N]`` line may show (ballot papers);
    Markdown never names a file itself.
``render_pack(documents, *, out, fmt="pdf", style="standard", title, author="", subject="",
lang="en-GB", progress=None) -> Path``
    Several ``(title, markdown)`` documents in one file, each starting on a new page with its
    own page numbers ("Page 1 of 2") and a PDF bookmark. ``progress(done, total)`` is called
    as each document is laid out.

The Markdown dialect (CommonMark, tables, and handout lines for write-in boxes, tick boxes,
rating scales, picture | words rows, fill-in lines and page breaks) is documented in
``coprod_cli.render.markdown``. PDFs carry title, author, subject and language, embed the
shipped DejaVu Sans, and are byte-for-byte reproducible when ``reportlab.rl_config.invariant``
is set or ``SOURCE_DATE_EPOCH`` is in the environment.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from coprod_cli.errors import CoprodError, UsageError
from coprod_cli.escape import escape_markdown
from coprod_cli.render.styles import STYLES, get_style
from coprod_cli.render.templates import render_template

__all__ = ["FORMATS", "STYLES", "escape_markdown", "render_document", "render_pack",
           "render_parts", "render_template"]

FORMATS = ("pdf", "html", "md")
Progress = Callable[[int, int], None]


def render_document(markdown: str, *, out: Path, fmt: str = "pdf", style: str = "standard",
                    title: str, author: str = "", subject: str = "",
                    lang: str = "en-GB", photos: dict[str, str] | None = None) -> Path:
    """Render one Markdown document to ``out``; see the module docstring. ``photos``: the
    picture files ``[choice photo-N]`` lines may show, by name (ballot papers)."""
    return render_parts([(title, markdown, style)], out=out, fmt=fmt, title=title,
                        author=author, subject=subject, lang=lang, photos=photos)


def render_pack(documents: list[tuple[str, str]], *, out: Path, fmt: str = "pdf",
                style: str = "standard", title: str, author: str = "", subject: str = "",
                lang: str = "en-GB", progress: Progress | None = None,
                running_numbers: bool = False) -> Path:
    """Render several ``(title, markdown)`` documents into one file, each on a new page.

    ``running_numbers`` numbers pages through the whole file (a book with a contents page)
    instead of within each document."""
    return render_parts([(t, m, style) for t, m in documents], out=out, fmt=fmt, title=title,
                        author=author, subject=subject, lang=lang, progress=progress,
                        running_numbers=running_numbers)


def render_parts(parts: list[tuple[str, str, str]], *, out: Path, fmt: str = "pdf",
                 title: str, author: str = "", subject: str = "", lang: str = "en-GB",
                 progress: Progress | None = None, running_numbers: bool = False,
                 photos: dict[str, str] | None = None) -> Path:
    """Like ``render_pack``, but each ``(title, markdown, style)`` part has its own style.

    Used for ``--per-person`` packs: one print job, each person's copies in their format.
    """
    if fmt not in FORMATS:
        raise UsageError(f"'{fmt}' is not an output format.",
                         hint="Choose one of: " + ", ".join(FORMATS) + ".")
    resolved = [(t, m, get_style(s)) for t, m, s in parts]
    out = Path(out)
    check_writable(out)
    total = len(resolved)
    if fmt == "md":
        data = "\n\n[pagebreak]\n\n".join(m.strip("\n") for _, m, _ in resolved) + "\n"
        payload = data.encode("utf-8")
        if progress:
            progress(total, total)
    else:
        from coprod_cli.render.markdown import parse

        # A pack repeats one document (ninety evaluation forms): parse each text once. The
        # blocks are read, never changed, by the PDF and HTML builders, so sharing is safe.
        seen: dict[str, Any] = {}
        parsed = [(t, seen[m] if m in seen else seen.setdefault(m, parse(m, photos)), st)
                  for t, m, st in resolved]
        if fmt == "html":
            from coprod_cli.render.html import build_html

            payload = build_html(parsed, title=title, author=author, subject=subject,
                                 lang=lang).encode("utf-8")
            if progress:
                progress(total, total)
        else:
            from coprod_cli.render.pdf import Part, build_pdf

            payload = build_pdf([Part(t, b, st) for t, b, st in parsed], title=title,
                                author=author, subject=subject, lang=lang, progress=progress,
                                running_numbers=running_numbers)
    _write(out, payload)
    return out


def check_writable(out: Path) -> None:
    """Fail before any work if ``out`` cannot be written, with one plain sentence."""
    hint = "Choose another place to save it, for example with --out."
    if out.is_dir():
        raise CoprodError(f"{out} is a folder, not a file name.",
                          hint=f"Give a file name inside it, for example {out / 'handouts.pdf'}.")
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise CoprodError(f"The folder {folder} does not exist.", hint=hint)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise CoprodError(f"coprod is not allowed to save files in {folder}.", hint=hint)


def _write(out: Path, payload: bytes) -> None:
    from coprod_cli.files import atomic_write_bytes

    try:
        atomic_write_bytes(out, payload, mode=0o600)
    except OSError as exc:
        reason = "the disk is full" if exc.errno == errno.ENOSPC else (
            exc.strerror or type(exc).__name__).lower()
        raise CoprodError(f"coprod could not save {out} because {reason}.",
                          hint="Choose another place to save it, for example with --out."
                          ) from None
