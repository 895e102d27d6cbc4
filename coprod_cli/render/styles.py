"""The four handout styles as numbers: sizes, spacing, colours and the width of a line.

The numbers follow UK accessible-information guidance: clear print 12-14pt (UKAAF, RNIB),
easy read at least 16pt with pictures on the left (DH, Dudley SLT), large print 18pt with
bold headings (UKAAF), dyslexia-friendly cream paper, 1.5 line spacing and about 65
characters a line (BDA). Every style is left-aligned and sans serif, never uses
italics, and prints page numbers at the size of the body text.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from coprod_cli.errors import UsageError

STYLES = ("standard", "easy-read", "large-print", "dyslexia")
#: Accepted by ``get_style`` but not offered on the command line: what ``--per-person`` uses
#: for someone who asked for both easy read and large print.
COMBINED = "easy-read+large-print"

INK = "#1a1a2e"          # near-black text: strong contrast without the glare of pure black
ACCENT = "#2f5d8a"       # rules, boxes and pictures; never the only carrier of meaning
SOFT = "#e8eef5"         # table headings and picture backgrounds
RULED = "#6e8198"        # writing lines: 4:1 on white, 3.7:1 on cream (at least 3:1, WCAG)


@dataclass(frozen=True)
class Style:
    """Everything the PDF and HTML renderers need to lay out one style."""

    name: str
    label: str                 # words shown to people ("easy read")
    body: float                # body text size, points
    leading: float             # line spacing as a multiple of the size
    h1: float
    h2: float
    h3: float
    space_after: float         # points after a paragraph
    margin_mm: float           # left, top and bottom page margin
    max_chars: int | None      # characters a line, when the guidance sets one
    picture_mm: float          # the picture in a picture | words row
    write_line_mm: float       # height of one line in a write-in box
    background: str | None     # page colour; None is white
    split_sentences: bool      # easy read: each sentence starts its own line

    @property
    def line(self) -> float:
        return self.body * self.leading


_STYLES: dict[str, Style] = {
    "standard": Style("standard", "standard", body=12.5, leading=1.4, h1=21, h2=16, h3=13.5,
                      space_after=7, margin_mm=20, max_chars=None, picture_mm=14,
                      write_line_mm=11, background=None, split_sentences=False),
    "easy-read": Style("easy-read", "easy read", body=16, leading=1.5, h1=26, h2=21, h3=18,
                       space_after=11, margin_mm=18, max_chars=None, picture_mm=22,
                       write_line_mm=15, background=None, split_sentences=True),
    "large-print": Style("large-print", "large print", body=18, leading=1.4, h1=28, h2=23,
                         h3=20, space_after=10, margin_mm=18, max_chars=None, picture_mm=20,
                         write_line_mm=15, background=None, split_sentences=False),
    "dyslexia": Style("dyslexia", "dyslexia friendly", body=13, leading=1.5, h1=22, h2=17,
                      h3=14.5, space_after=9, margin_mm=20, max_chars=65, picture_mm=16,
                      write_line_mm=11, background="#fdf6e3", split_sentences=False),
}


def get_style(name: str) -> Style:
    """The style called ``name``; a clear usage error names the choices otherwise."""
    if name == COMBINED:
        easy = _STYLES["easy-read"]
        large = _STYLES["large-print"]
        return replace(easy, name=COMBINED, label="easy read, large print", body=large.body,
                       h1=large.h1, h2=large.h2, h3=large.h3)
    try:
        return _STYLES[name]
    except KeyError:
        raise UsageError(f"'{name}' is not a handout style.",
                         hint="Choose one of: " + ", ".join(STYLES) + ".") from None
