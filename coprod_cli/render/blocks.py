"""The blocks a handout document is made of, shared by the Markdown parser and both renderers.

``coprod_cli.render.markdown`` parses Markdown into a list of these; ``render.pdf`` and
``render.html`` walk the same list, so the PDF and the HTML can never disagree about what a
document says. Plain dataclasses with no imports beyond the standard library.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass
class Span:
    """A run of text with one look. ``br`` is a line break; ``em`` is shown as bold."""

    text: str
    bold: bool = False
    em: bool = False
    code: bool = False
    href: str | None = None
    br: bool = False


Inline = list[Span]


@dataclass
class Heading:
    level: int
    spans: Inline


@dataclass
class Para:
    spans: Inline


@dataclass
class ListBlock:
    ordered: bool
    start: int
    items: list[list[Block]]


@dataclass
class Quote:
    blocks: list[Block]


@dataclass
class Code:
    text: str


@dataclass
class Rule:
    pass


@dataclass
class PageBreak:
    pass


@dataclass
class WriteBox:
    lines: int


@dataclass
class Ticks:
    items: list[Inline]


@dataclass
class Scale:
    low: int
    high: int
    labels: list[str]

    def label_for(self, value: int) -> str:
        """The word under ``value``: every number's own, or only the two ends'."""
        count = self.high - self.low + 1
        if len(self.labels) == count:
            return self.labels[value - self.low]
        if len(self.labels) == 2:
            return self.labels[0] if value == self.low else (
                self.labels[1] if value == self.high else "")
        return ""


@dataclass
class Picture:
    icon: str | None
    lines: list[Inline]


@dataclass
class Choice:
    """A ballot paper's option: a picture (a drawn one, a photo file, or none), the words,
    and an empty box on the right to mark with an X or a number."""

    icon: str | None
    lines: list[Inline]
    photo: str | None = None  # a picture file the caller of ``parse`` named, never the text


@dataclass
class Fill:
    labels: list[str]


@dataclass
class Table:
    header: list[Inline]
    rows: list[list[Inline]] = field(default_factory=list)


@dataclass
class Chart:
    """Bars with their numbers. ``value`` is None where a figure is hidden (small numbers);
    ``text`` is what is printed beside the bar ("12", "4.2", "fewer than 5")."""

    title: str
    bars: list[tuple[str, float | None, str]]
    maximum: float | None = None


Block = (Heading | Para | ListBlock | Quote | Code | Rule | PageBreak | WriteBox | Ticks | Scale
         | Picture | Choice | Fill | Table | Chart)


def plain_text(spans: Inline) -> str:
    """The words of some spans, for labels and accessible names."""
    return "".join("\n" if s.br else s.text for s in spans).strip()


_SENTENCE_END = re.compile(r"(?:(?<=[^\d\s][.!?])|(?<=[^\d\s][.!?][\"'”’)]))\s+"
                          r"(?=[\"'“‘(]?[A-Z0-9])")


def split_sentences(spans: Inline) -> list[Inline]:
    """Easy read: one sentence a line. Splits spans at full stops followed by a capital."""
    lines: list[Inline] = [[]]
    for span in spans:
        if span.br:
            lines.append([])
            continue
        if span.code or span.href:
            lines[-1].append(span)
            continue
        pieces = _SENTENCE_END.split(span.text)
        for i, piece in enumerate(pieces):
            if i:
                lines.append([])
            if piece:
                lines[-1].append(Span(piece, bold=span.bold, em=span.em))
    return [line for line in lines if plain_text(line)]
