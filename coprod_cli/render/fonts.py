"""The one font family every coprod PDF uses: DejaVu Sans, shipped inside the package.

Helvetica (ReportLab's default) has no glyph for the Welsh ŵ and silently prints a black box,
so nothing coprod prints may fall back to it. DejaVu Sans covers Welsh, Polish, Irish,
Turkish and the ✓ ☐ symbols; the TrueType files live next to this module (with their licence)
so they ship in the wheel and never depend on what the computer has installed.
"""

from __future__ import annotations

from pathlib import Path

FONT_DIR = Path(__file__).resolve().parent / "fonts"
REGULAR = "CoprodSans"
BOLD = "CoprodSans-Bold"
FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf"}

_registered = False


def register_fonts() -> str:
    """Register the family once per process (so ``<b>`` works) and return its name.

    Italic maps to the regular face on purpose: our styles never use italics (UKAAF and the
    British Dyslexia Association both advise against them); emphasis becomes bold instead.
    """
    global _registered
    if not _registered:
        from reportlab.lib.fonts import addMapping
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        for name, filename in FILES.items():
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))
        pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR,
                                      boldItalic=BOLD)
        # registerFontFamily covers <b>; addMapping makes <i> inside <b> resolve too.
        addMapping(REGULAR, 0, 1, REGULAR)
        addMapping(REGULAR, 1, 1, BOLD)
        _registered = True
    return REGULAR
