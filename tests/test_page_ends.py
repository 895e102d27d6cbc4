"""No page of a printed pack ends in a heading or a label ("Step 3: ...", "Say:",
"Accessibility tips:") with its content on the next page: every built-in pack, every style,
read back with pypdf (no poppler needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from coprod_cli import resources
from coprod_cli.render import STYLES
from coprod_cli.sessions.library import Library
from tests.page_ends import bad_page_ends

SESSIONS = [s.id for s in Library(resources.sessions_dir(), None,
                                  [resources.templates_dir()]).all()]


@pytest.mark.parametrize("session_id", SESSIONS)
def test_no_page_of_a_built_in_pack_ends_in_a_heading_or_label(cli, tmp_path: Path,
                                                                 session_id: str) -> None:
    for style in STYLES:
        out = tmp_path / f"{session_id}-{style}.pdf"
        cli("handouts", "print", session_id, "--style", style, "--out", str(out))
        assert bad_page_ends(out) == [], f"{style}: pages ending in a heading or label"


def _page(path: Path, last: str, size: float = 12, box_below: bool = False) -> Path:
    from reportlab.pdfgen.canvas import Canvas

    from coprod_cli.render.fonts import REGULAR, register_fonts

    register_fonts()
    canvas = Canvas(str(path))
    canvas.setFont(REGULAR, 12)
    for n in range(10):
        canvas.drawString(72, 700 - n * 16, f"Ordinary line {n}.")
    canvas.setFont(REGULAR, size)
    canvas.drawString(72, 400, last)
    if box_below:
        canvas.rect(72, 300, 300, 60)
    canvas.showPage()
    canvas.save()
    return path


def test_the_check_finds_a_label_or_heading_at_the_foot_and_nothing_else(tmp_path) -> None:
    assert bad_page_ends(_page(tmp_path / "a.pdf", "Say:")) == [(1, "Say:")]
    assert bad_page_ends(_page(tmp_path / "b.pdf", "Step 3: Talk", size=16)) == [
        (1, "Step 3: Talk")]
    assert bad_page_ends(_page(tmp_path / "c.pdf", "Say:", box_below=True)) == []
    assert bad_page_ends(_page(tmp_path / "d.pdf", "A full sentence.")) == []


def test_no_page_of_the_toolkit_book_ends_in_a_heading_label_or_theme_row(cli,
                                                                           tmp_path) -> None:
    from tests.page_ends import page_lines

    out = tmp_path / "book.pdf"
    cli("toolkit", "build", "--out", str(out))
    assert bad_page_ends(out) == []
    from pypdf import PdfReader

    for page in PdfReader(out).pages:
        lines = page_lines(page)
        if lines:
            bottom = min(line.y for line in lines)
            last = " ".join(line.text for line in lines if abs(line.y - bottom) < 2)
            assert not last.startswith("Theme:"), last


@pytest.mark.parametrize(("handout", "style", "closing"), [
    ("saying-no-kindly", "easy-read", "A no I would like to practise"),
    ("support-circle", "easy-read", "One connection I will make this week"),
    ("support-circle", "large-print", "One connection I will make this week")])
def test_a_short_closing_section_is_never_alone_on_the_last_page(cli, tmp_path: Path,
                                                                 handout: str, style: str,
                                                                 closing: str) -> None:
    from pypdf import PdfReader

    from tests.page_ends import page_lines

    out = tmp_path / "handout.pdf"
    cli("handouts", "print", "relationships-trust", "--only", handout, "--style", style,
        "--out", str(out))
    last = sorted(page_lines(PdfReader(str(out)).pages[-1]), key=lambda line: -line.y)
    texts = [line.text for line in last]
    assert closing in texts
    assert texts.index(closing) > 0, "the closing section stands alone on the last page"
