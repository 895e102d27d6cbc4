"""Making text someone typed safe for the format it lands in: CSV cells and Markdown.

One home for both escapers, so every CSV file and every Markdown document coprod writes
neutralises user text the same way. This module imports nothing but the standard library:
domain code (reports, grants, the toolkit book) and the renderer can both use it without
pulling in Jinja2, markdown-it or ReportLab.

``csv_safe(value)``
    A value as a spreadsheet cell that is shown, never run: text starting with ``=``, ``+``,
    ``-``, ``@``, a tab or a carriage return gets a leading ``'`` (OWASP's advice against
    CSV injection). Numbers stay numbers; ``None`` is an empty cell.
``escape_markdown(text, *, one_line=False)``
    User text as Markdown that shows exactly that text: no emphasis, link, heading, list,
    quote, code, table cell, HTML or handout line (``[write 3]``...) can come from it. With
    ``one_line=True`` every run of whitespace becomes one space, for a table cell or a line
    that must stay one line; otherwise line breaks become hard breaks inside one paragraph.
"""

from __future__ import annotations

import re
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet may treat as the start of a formula (or of a hidden one)."""


def csv_safe(value: Any) -> Any:
    """``value`` as a CSV cell a spreadsheet shows as it is: '=SUM(..)' typed by someone is
    prefixed with ``'`` so it is not run. A number is left as a number (``-3`` is not a
    formula); ``None`` becomes an empty cell."""
    if value is None:
        return ""
    if isinstance(value, int | float):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


# Backslash-escaped wherever they appear. CommonMark lets any ASCII punctuation be escaped,
# so escaping one that would have been harmless costs nothing: these are the ones that can
# start emphasis, code, links, images, HTML, entities, table cells, strikethrough, or close
# an ATX heading (a trailing "#").
_ALWAYS = frozenset("\\`*_[]<>&|~(){}#!")
# Only at the start of a line can these begin a list, a quote, a thematic break or a table's
# delimiter row ("-", "+", ":", ">"; "#" and ">" are escaped everywhere already).
_LEADING = re.compile(r"^([>+:-])")
# "1. first" or "2) second" at the start of a line would be an ordered list.
_ORDERED = re.compile(r"^(\d+)([.)])")
# A line of "=" under a paragraph line makes that paragraph a heading (a setext heading).
_SETEXT = re.compile(r"^=+$")


def escape_markdown(text: str, *, one_line: bool = False) -> str:
    """User text as Markdown that shows exactly that text, whatever it contains.

    Safe anywhere inline: in a paragraph, a list item, a tick or picture line, a scale or
    fill label, a heading or a table cell (``|`` is escaped). Blank lines are dropped and the
    remaining line breaks become hard breaks, so multi-line text stays inside its paragraph,
    list item, tick or picture line. Headings and table cells are one line by nature: give
    them ``one_line=True`` (or single-line text: names and titles are), or the later lines
    become a paragraph of their own (still literal text, never markup).
    """
    if one_line:
        lines = [" ".join(text.split())]
    else:
        lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n")
                 .split("\n")]
    out = []
    for line in (line for line in lines if line):
        line = "".join("\\" + ch if ch in _ALWAYS else ch for ch in line)
        line = _LEADING.sub(r"\\\1", line)
        line = _ORDERED.sub(r"\1\\\2", line)
        if _SETEXT.match(line):
            line = "\\" + line
        out.append(line)
    return "\\\n".join(out)


#: What a terminal may act on instead of show: ESC sequences (CSI ``ESC [ ... final``, OSC
#: ``ESC ] ... BEL/ST``, and two-character ``ESC x``), then any remaining C0/C1 control.
#: An OSC with no terminator (Rich may already have dropped its BEL) loses only its
#: introducer and numbers, so the visible text after it is not swallowed.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]?|\x1b\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"
                      r"|\x1b\][0-9;]*|\x9b[0-?]*[ -/]*[@-~]?"
                      r"|\x9d[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)|\x9d[0-9;]*"
                      r"|\x1b[\x20-\x7e]?")
#: Bidirectional overrides, isolates and marks (U+202A-U+202E, U+2066-U+2069, U+200E/F,
#: U+061C), which can make text read backwards, and zero-width characters (U+200B, U+2060,
#: U+FEFF, U+180E), which can hide or split words. The zero-width joiner and non-joiner
#: (U+200C/D) stay: Persian and Indic names and emoji need them to be spelled right.
UNSAFE_FORMAT = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e"
                          "\u200f\u061c\u200b\u2060\ufeff\u180e")
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f" + "".join(sorted(UNSAFE_FORMAT)) + "]")
_UNSAFE_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f" + "".join(sorted(UNSAFE_FORMAT)) + "]")


def terminal_safe(text: Any, *, one_line: bool = False) -> str:
    """Stored or bundled text as a terminal shows it, never acts on it: escape sequences
    (a window title, a cleared screen, a fake prompt) go whole, and every other C0/C1
    control, bidi override and zero-width character is dropped. Line breaks and tabs stay
    unless ``one_line``, where they become spaces. Rich strips BEL, CR and BS itself but not
    ESC, so every console coprod prints through applies this (``cli.context``)."""
    text = _ESCAPES.sub("", str(text))
    if one_line:
        text = re.sub(r"[\n\t\r]", " ", text)
        return _UNSAFE_ONE_LINE.sub("", text)
    return _UNSAFE.sub("", text)


def is_terminal_unsafe(text: str) -> bool:
    """Whether ``text`` holds anything :func:`terminal_safe` would drop (line breaks aside)."""
    return terminal_safe(text) != text
