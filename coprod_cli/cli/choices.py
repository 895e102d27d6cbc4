"""The option choices many commands share, declared once: list formats, paper formats, styles.

Typer shows an enum's values in ``--help`` (``--format <table|json>``) and refuses anything
else with its own message, so commands that offer the same choice use the same enum and the
same words reach every user.
"""

from __future__ import annotations

from enum import StrEnum


class ListFormat(StrEnum):
    """A list or one record on screen: a table to read, or JSON (each item with its id)."""

    table = "table"
    json = "json"


class DocFormat(StrEnum):
    """A printed paper: PDF to print, HTML for screen readers and phones, or Markdown."""

    pdf = "pdf"
    html = "html"
    md = "md"


class PaperStyle(StrEnum):
    """Every style a paper can be printed in."""

    standard = "standard"
    easy_read = "easy-read"
    large_print = "large-print"
    dyslexia = "dyslexia"


class ThreeStyles(StrEnum):
    """The styles of papers that have no dyslexia-friendly layout of their own."""

    standard = "standard"
    easy_read = "easy-read"
    large_print = "large-print"
