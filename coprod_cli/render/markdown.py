"""Handout Markdown: CommonMark plus a few lines handouts need, parsed into plain blocks.

Templates produce Markdown; this module turns it into a short list of ``Block`` objects
(defined in ``coprod_cli.render.blocks``, and importable from here too) that both the PDF and
the HTML renderer walk, so the two outputs can never disagree about what a document says.
Parsing is markdown-it-py (CommonMark, with tables), with raw HTML switched off: ``<b>`` in a
source is shown as the four characters ``<b>``, never interpreted.

Handout lines (each on a line of its own; a directive line may follow a paragraph directly):

``[write]`` or ``[write 3]``
    A write-in box with room for that many lines of handwriting (1 to 20; default 1).
``[ ] words``
    A tick box with words beside it. Consecutive lines make one list; ``- [ ] words`` works
    too.
``[scale 1-5: Not at all | A little | Some | Quite a lot | A lot]``
    A rating scale: numbered boxes to tick, with a word under each one. Give one label per
    number, or just two for the ends (``[scale 0-10: Not at all | Completely]``), or none.
``[picture NAME] words``
    A picture | words row: the picture on the left, the words on the right (easy read). The
    lines straight after it, up to a blank line, are more words for the same picture, one
    idea a line. ``[picture] words`` leaves the picture space empty, to line words up. Names
    are listed in ``coprod_cli.render.icons.ICONS`` (people, walk, eye, book, heart, ...).
``[choice NAME] words``
    A ballot paper's option: the picture (a name from ``ICONS``; or ``photo-N``, a picture
    file the caller passes to :func:`parse` as ``photos``, never a path in the text; or
    nothing for a plain row), the words, and an empty box on the right to mark. The lines
    straight after it, up to a blank line, are more words, as for ``[picture]``. In a PDF,
    the rows and everything since the last page break or rule (``---``), with one line
    after them, are one ballot paper: kept on one page, the rows smaller if need be.
``[fill Job | Who | By when]``
    Labelled lines to fill in, side by side on one row (a form field per label).
``[pagebreak]``
    Start a new page.

Charts are a fenced block whose info string is ``chart`` holding JSON (made by
``chart_block``): ``{"title": "By role", "bars": [["carer", 12], ["volunteer", "fewer than
5"]]}``. The PDF draws each bar beside its number; the HTML is a table of the numbers.

``coprod_cli.escape.escape_markdown`` makes any user text literal: every character Markdown
or these lines could act on is backslash-escaped (so ``[write 3]`` from a user becomes
``\\[write 3\\]``), lines cannot start a heading, list, quote or code block, and line breaks
are kept as hard breaks inside one paragraph.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Any

from coprod_cli.errors import ValidationError
from coprod_cli.render.blocks import (
    Block,
    Chart,
    Choice,
    Code,
    Fill,
    Heading,
    Inline,
    ListBlock,
    PageBreak,
    Para,
    Picture,
    Quote,
    Rule,
    Scale,
    Span,
    Table,
    Ticks,
    WriteBox,
    plain_text,
    split_sentences,
)

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_block import StateBlock
    from markdown_it.token import Token

__all__ = ["Block", "Chart", "Choice", "Code", "Fill", "Heading", "Inline", "ListBlock",
           "PageBreak", "Para", "Picture", "Quote", "Rule", "Scale", "Span", "Table", "Ticks",
           "WriteBox", "chart_block", "parse", "plain_text", "split_sentences"]

_UNESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def _unescape(text: str) -> str:
    return _UNESCAPE.sub(r"\1", text).strip()


def _split_labels(text: str | None) -> list[str]:
    if not text or not text.strip():
        return []
    return [_unescape(part) for part in re.split(r"(?<!\\)\|", text)]


def chart_block(title: str, bars: list[tuple[str, float | int | str | None]],
                maximum: float | None = None) -> str:
    """Markdown for a chart: a fenced ``chart`` block of JSON, so any label text is safe.

    A bar whose value is not a number (e.g. "fewer than 5") is drawn empty and labelled
    with that text.
    """
    import json

    rows = [[label, value] for label, value in bars]
    body = json.dumps({"title": title, "bars": rows, "max": maximum}, ensure_ascii=False)
    return f"```chart\n{body}\n```"


def _figure(value: float) -> str:
    """A bar's number as people read it: thousands separated, no needless decimals."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0")


def _chart(content: str, line: int) -> Chart:
    import json

    try:
        data = json.loads(content)
        bars = []
        for label, value in data["bars"]:
            if isinstance(value, bool) or not isinstance(value, int | float | str | None):
                raise ValueError("a value must be a number or text")
            number = float(value) if isinstance(value, int | float) else None
            text = (_figure(value) if isinstance(value, int | float) else str(value or "-"))
            bars.append((str(label), number, text))
        maximum = data.get("max")
        return Chart(str(data.get("title") or ""), bars,
                     float(maximum) if isinstance(maximum, int | float) else None)
    except (ValueError, KeyError, TypeError) as exc:
        raise ValidationError(f"The chart on line {line} is not valid ({exc}).",
                              hint='Write it as {"title": ..., "bars": [["label", 12], ...]}.'
                              ) from None



# -- parsing -----------------------------------------------------------------------------

_DIRECTIVE = re.compile(
    r"^\[(?:"
    r"(?P<tick> )\](?:[ \t]+(?P<ticktext>.*))?"
    r"|(?P<write>write)(?:[ \t]+(?P<lines>\d{1,2}))?\]"
    r"|scale[ \t]+(?P<low>\d{1,2})[ \t]*-[ \t]*(?P<high>\d{1,2})(?:[ \t]*:(?P<labels>.*))?\]"
    r"|(?P<picture>picture|choice)(?:[ \t]+(?P<icon>[a-z0-9-]+))?\](?:[ \t]+(?P<words>.*))?"
    r"|fill[ \t]+(?P<fill>.+)\]"
    r"|(?P<pagebreak>pagebreak)\]"
    r")[ \t]*$")


def _line(state: StateBlock, number: int) -> str:
    start = state.bMarks[number] + state.tShift[number]
    return str(state.src[start:state.eMarks[number]])


def _hard_break_at_end(text: str) -> bool:
    stripped = text.rstrip(" \t")
    return (len(stripped) - len(stripped.rstrip("\\"))) % 2 == 1


def _directive_rule(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    if state.is_code_block(start_line):
        return False
    match = _DIRECTIVE.match(_line(state, start_line))
    if not match:
        return False
    if silent:
        return True
    groups = match.groupdict()
    next_line = start_line + 1

    def push_inline(text: str) -> None:
        token = state.push("inline", "", 0)
        token.content = text.strip()
        token.map = [start_line, next_line]
        token.children = []

    if groups["tick"] is not None:
        text = groups["ticktext"] or ""
        while _hard_break_at_end(text) and next_line < end_line \
                and not state.isEmpty(next_line):  # escaped multi-line text stays in the tick
            text += "\n" + _line(state, next_line)
            next_line += 1
        state.push("coprod_tick_open", "", 1)
        push_inline(text)
        state.push("coprod_tick_close", "", -1)
    elif groups["picture"] is not None:
        words = [groups["words"] or ""]
        while next_line < end_line and not state.isEmpty(next_line) \
                and state.sCount[next_line] >= state.blkIndent \
                and not _DIRECTIVE.match(_line(state, next_line)):
            words.append(_line(state, next_line))
            next_line += 1
        opener = state.push("coprod_picture_open", "", 1)
        opener.meta = {"icon": groups["icon"], "choice": groups["picture"] == "choice"}
        for text in words:
            push_inline(text)
        state.push("coprod_picture_close", "", -1)
    else:
        token = state.push("coprod_directive", "", 0)
        token.meta = {k: v for k, v in groups.items() if v is not None}
        token.map = [start_line, next_line]
    state.line = next_line
    return True


@functools.cache
def _parser() -> MarkdownIt:
    """One parser for the process: a MarkdownIt keeps no state between documents."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    md.block.ruler.before("table", "coprod_directive", _directive_rule,
                          {"alt": ["paragraph", "reference", "blockquote", "list"]})
    return md


def parse(markdown: str, photos: dict[str, str] | None = None) -> list[Block]:
    """Markdown (with the handout lines above) as blocks, or a ``ValidationError``.
    ``photos``: picture files a ``[choice photo-N]`` line may show, by name."""
    tokens = _parser().parse(markdown)
    blocks, _ = _blocks(tokens, 0, None, photos or {})
    return blocks


def _spans(token: Token) -> Inline:
    spans: Inline = []
    bold = em = 0
    href: str | None = None
    for child in token.children or []:
        kind = child.type
        if kind == "text":
            if child.content:
                spans.append(Span(child.content, bold=bold > 0, em=em > 0, href=href))
        elif kind == "softbreak":
            spans.append(Span(" ", bold=bold > 0, em=em > 0, href=href))
        elif kind == "hardbreak":
            spans.append(Span("", br=True))
        elif kind == "strong_open":
            bold += 1
        elif kind == "strong_close":
            bold -= 1
        elif kind == "em_open":
            em += 1
        elif kind == "em_close":
            em -= 1
        elif kind == "code_inline":
            spans.append(Span(child.content, bold=bold > 0, code=True))
        elif kind == "link_open":
            href = str(child.attrs.get("href", ""))
        elif kind == "link_close":
            href = None
        elif kind == "image":
            spans.append(Span(child.content or "(picture)", bold=bold > 0))
        else:  # anything else is shown as its text, never interpreted
            if child.content:
                spans.append(Span(child.content, bold=bold > 0, em=em > 0))
    return spans


def _directive(meta: dict[str, Any], line: int) -> Block:
    if "write" in meta:
        count = int(meta.get("lines", 1))
        if not 1 <= count <= 20:
            raise ValidationError(f"A write-in box needs 1 to 20 lines, not {count} "
                                  f"(line {line}).")
        return WriteBox(count)
    if "low" in meta:
        low, high = int(meta["low"]), int(meta["high"])
        labels = _split_labels(meta.get("labels"))
        count = high - low + 1
        if not 2 <= count <= 11:
            raise ValidationError(f"A rating scale needs 2 to 11 points; {low}-{high} has "
                                  f"{count} (line {line}).")
        if labels and len(labels) not in (2, count):
            raise ValidationError(
                f"The rating scale {low}-{high} on line {line} has {len(labels)} words; give "
                f"{count} (one for each number) or 2 (for the ends).")
        return Scale(low, high, labels)
    if "fill" in meta:
        return Fill(_split_labels(meta["fill"]))
    return PageBreak()


def _blocks(tokens: list[Token], i: int, stop: str | None,
            photos: dict[str, str]) -> tuple[list[Block], int]:
    """Blocks from ``tokens[i:]`` up to the closing token ``stop``; returns the next index."""
    from coprod_cli.render.icons import check_icon

    blocks: list[Block] = []
    while i < len(tokens):
        token = tokens[i]
        kind = token.type
        if stop is not None and kind == stop:
            return blocks, i + 1
        if kind == "heading_open":
            blocks.append(Heading(int(token.tag[1]), _spans(tokens[i + 1])))
            i += 3
        elif kind == "paragraph_open":
            blocks.append(Para(_spans(tokens[i + 1])))
            i += 3
        elif kind in ("bullet_list_open", "ordered_list_open"):
            ordered = kind == "ordered_list_open"
            start = int(token.attrs.get("start", 1) or 1)
            close = "ordered_list_close" if ordered else "bullet_list_close"
            items: list[list[Block]] = []
            i += 1
            while tokens[i].type != close:
                item, i = _blocks(tokens, i + 1, "list_item_close", photos)
                items.append(item)
            i += 1
            ticks = [item[0] for item in items if len(item) == 1 and isinstance(item[0], Ticks)]
            if items and len(ticks) == len(items):  # "- [ ] a" lines: one list of tick boxes
                blocks.append(Ticks([line for tick in ticks for line in tick.items]))
            else:
                blocks.append(ListBlock(ordered, start, items))
        elif kind == "blockquote_open":
            inner, i = _blocks(tokens, i + 1, "blockquote_close", photos)
            blocks.append(Quote(inner))
        elif kind == "fence" and token.info.strip() == "chart":
            blocks.append(_chart(token.content, token.map[0] + 1 if token.map else 0))
            i += 1
        elif kind in ("fence", "code_block"):
            blocks.append(Code(token.content.rstrip("\n")))
            i += 1
        elif kind == "hr":
            blocks.append(Rule())
            i += 1
        elif kind == "table_open":
            table, i = _table(tokens, i + 1)
            blocks.append(table)
        elif kind == "coprod_tick_open":
            spans = _spans(tokens[i + 1])
            if blocks and isinstance(blocks[-1], Ticks):
                blocks[-1].items.append(spans)
            else:
                blocks.append(Ticks([spans]))
            i += 3
        elif kind == "coprod_picture_open":
            icon = token.meta.get("icon")
            photo = None
            if icon and token.meta.get("choice") and icon.startswith("photo-"):
                if icon not in photos:
                    raise ValidationError(f"There is no picture file called '{icon}'.")
                photo, icon = photos[icon], None
            elif icon:
                check_icon(icon)
            lines: list[Inline] = []
            i += 1
            while tokens[i].type == "inline":
                lines.append(_spans(tokens[i]))
                i += 1
            words = [line for line in lines if line]
            blocks.append(Choice(icon, words, photo) if token.meta.get("choice")
                          else Picture(icon, words))
            i += 1
        elif kind == "coprod_directive":
            line = (token.map[0] + 1) if token.map else 0
            blocks.append(_directive(token.meta, line))
            i += 1
        else:  # closing tokens of containers we did not open, html (disabled), etc.
            i += 1
    return blocks, i


def _table(tokens: list[Token], i: int) -> tuple[Table, int]:
    header: list[Inline] = []
    rows: list[list[Inline]] = []
    current: list[Inline] | None = None
    in_head = False
    while tokens[i].type != "table_close":
        kind = tokens[i].type
        if kind == "thead_open":
            in_head = True
        elif kind == "thead_close":
            in_head = False
        elif kind == "tr_open":
            current = []
        elif kind == "tr_close" and current is not None:
            if in_head:
                header = current
            else:
                rows.append(current)
        elif kind == "inline" and current is not None:
            current.append(_spans(tokens[i]))
        i += 1
    return Table(header, rows), i + 1
