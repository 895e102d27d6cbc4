"""Blocks to accessible HTML: the same handout as the PDF, for screen readers and screens.

One self-contained file (no scripts, no external fonts or images). Every piece of text is
HTML-escaped here. Write-in boxes, tick boxes and rating scales become real, labelled form
controls (textarea, checkbox, radio group), so someone using a screen reader can fill the
handout in; pictures are inline SVG hidden from assistive technology because the words beside
them carry the meaning. Each part of a pack is an ``<article>`` listed in a contents ``<nav>``
and starts a new page when printed.
"""

from __future__ import annotations

import re
from html import escape
from itertools import count

from coprod_cli.render import markdown as md
from coprod_cli.render.icons import face, face_words, svg
from coprod_cli.render.styles import ACCENT, INK, SOFT, Style

_SAFE_LINK = ("http://", "https://", "mailto:", "tel:")
#: A page beside this one in a small static site (the toolkit): no scheme, no folders.
_LOCAL_PAGE = re.compile(r"[a-z0-9][a-z0-9-]*\.html(?:#[a-z0-9-]+)?")


def build_html(parts: list[tuple[str, list[md.Block], Style]], *, title: str, author: str,
               subject: str, lang: str) -> str:
    """A complete HTML document for ``parts`` (title, blocks, style)."""
    styles: dict[str, Style] = {}
    for _, _, st in parts:
        styles.setdefault(st.name, st)
    first = parts[0][2] if parts else next(iter(styles.values()), None)
    ids = count(1)
    out = ["<!DOCTYPE html>", f'<html lang="{escape(lang)}">', "<head>",
           '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{escape(title)}</title>",
           f'<meta name="author" content="{escape(author)}">' if author else "",
           f'<meta name="description" content="{escape(subject)}">' if subject else "",
           '<meta name="generator" content="coprod">',
           "<style>", _css(list(styles.values())), "</style>", "</head>",
           f'<body class="{_cls(first)}">' if first else "<body>",
           '<a class="skip-link" href="#content">Skip to the content</a>']
    if len(parts) > 1:
        # the document's own heading comes first, then the contents, then each part
        out.append(f'<header><h1 class="pack-title">{escape(title)}</h1></header>')
        out.append('<nav aria-label="Contents"><h2>Contents</h2><ol>')
        for n, (part_title, _, _) in enumerate(parts, start=1):
            out.append(f'<li><a href="#part-{n}">{escape(part_title)}</a></li>')
        out.append("</ol></nav>")
    out.append('<main id="content">')
    for n, (part_title, blocks, st) in enumerate(parts, start=1):
        out.append(f'<article id="part-{n}" class="{_cls(st)}" '
                   f'aria-label="{escape(part_title)}">')
        out.extend(_blocks(blocks, st, ids, [""]))
        out.append("</article>")
    out += ["</main>", "</body>", "</html>", ""]
    return "\n".join(line for line in out if line != "")


def _cls(st: Style | None) -> str:
    return "style-" + st.name.replace("+", "-") if st else ""


def _css(styles: list[Style]) -> str:
    rules = [
        f"body{{margin:0;padding:1.5rem;color:{INK};background:#fff}}",
        "main,nav{margin:0 auto}",
        f"article{{padding:1rem 0 2rem;border-bottom:2px solid {SOFT}}}",
        f"h1,h2,h3{{line-height:1.25;margin:1.2em 0 .4em}}h1{{color:{ACCENT}}}",
        "em{font-style:normal;font-weight:bold}",
        "p{margin:0 0 .6em}",
        f"a{{color:{ACCENT}}}",
        "*{overflow-wrap:anywhere}",
        # a table's headings wrap between words, never inside one ("Minute s" at 420 px);
        # a table too wide for a small screen scrolls in its own box instead
        "th{overflow-wrap:normal;word-break:normal;hyphens:manual}",
        ".table-wrap{overflow-x:auto;margin:0 0 1em}.table-wrap table{margin:0}",
        "fieldset.choices{border:0;padding:0;margin:0 0 1em}"
        "fieldset.choices legend{padding:0}",
        "h3.label{font-size:1em;margin:.8em 0 .3em}",
        ".skip-link{position:absolute;left:-999em}.skip-link:focus{position:static;"
        "display:inline-block;margin:0 0 1em}",
        "textarea,input[type=text]{font:inherit;width:100%;box-sizing:border-box;"
        f"border:2px solid {ACCENT};border-radius:6px;background:#fff;padding:.3em}}",
        "input[type=checkbox],input[type=radio]{width:1.3em;height:1.3em;margin:0 .5em 0 0;"
        "vertical-align:middle}",
        "ul.ticks{list-style:none;padding:0}ul.ticks li{margin:.35em 0}",
        "fieldset.scale{border:0;padding:0;margin:0 0 1em;display:flex;flex-wrap:wrap;"
        "gap:.4em}",
        "fieldset.scale label{flex:1 1 0;min-width:3.5em;text-align:center;"
        f"border:2px solid {ACCENT};border-radius:6px;padding:.3em}}",
        "fieldset.scale .num{display:block;font-weight:bold}",
        "fieldset.faces .picture{display:block;margin:0 auto .2em}",
        ".picture-row{display:flex;align-items:center;gap:1em;margin:0 0 1em}",
        ".picture-row .picture,.picture-row .no-picture{flex:none}",
        f".choice{{border:2px solid {ACCENT};border-radius:6px;padding:.5em}}"
        ".choice .words{flex:1 1 auto}.choice .words p{margin:0}"
        f"input.mark{{flex:none;width:2.2em;height:2.2em;font-size:1.6em;text-align:center;"
        f"border:3px solid {INK}}}",
        ".fill{display:flex;flex-wrap:wrap;gap:1em;margin:0 0 1em}",
        ".fill label{flex:1 1 12em;font-weight:bold}",
        "table{border-collapse:collapse;width:100%;margin:0 0 1em}",
        "table.chart .bar{display:inline-block;height:.8em;margin-left:.6em;"
        "background:currentColor;opacity:.45;vertical-align:middle;max-width:60%}",
        f"th,td{{border:1px solid {ACCENT};padding:.5em;text-align:left;height:2.2em}}",
        f"th{{background:{SOFT}}}",
        f"blockquote{{border-left:4px solid {ACCENT};margin:0 0 1em;padding-left:1em}}",
        "pre{white-space:pre-wrap}",
        ".visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;"
        "clip:rect(0 0 0 0);white-space:nowrap}",
        "@media print{nav{display:none}article{break-before:page;border:0}"
        ".page-break{break-after:page}body{padding:0}}",
    ]
    for st in styles:
        c = "." + _cls(st)
        width = f"{st.max_chars}ch" if st.max_chars else "46em"
        rules.append(
            f'{c}{{font-family:"DejaVu Sans",Verdana,Arial,sans-serif;font-size:{st.body}pt;'
            f"line-height:{st.leading};text-align:left;max-width:{width};"
            f"background:{st.background or '#fff'}}}")
        rules.append(f"body{c}{{max-width:none}}body{c} main,body{c} nav{{max-width:{width}}}")
        rules.append(f"{c} h1{{font-size:{st.h1}pt}}{c} h2{{font-size:{st.h2}pt}}"
                     f"{c} h3{{font-size:{st.h3}pt}}")
        rules.append(f"{c} p{{margin-bottom:{st.space_after}pt}}")
        rules.append(f"{c} .no-picture{{width:{st.picture_mm}mm}}")
    return "\n".join(rules)


def _inline(spans: md.Inline) -> str:
    parts: list[str] = []
    for span in spans:
        if span.br:
            parts.append("<br>")
            continue
        text = escape(span.text)
        if span.code:
            text = f"<code>{text}</code>"
        if span.href and (span.href.lower().startswith(_SAFE_LINK)
                          or _LOCAL_PAGE.fullmatch(span.href)):
            text = f'<a href="{escape(span.href)}">{text}</a>'
        if span.bold:
            text = f"<strong>{text}</strong>"
        if span.em:
            text = f"<em>{text}</em>"
        parts.append(text)
    return "".join(parts)


def _lines(spans: md.Inline, st: Style) -> list[md.Inline]:
    return md.split_sentences(spans) if st.split_sentences else [spans]


def _blocks(blocks: list[md.Block], st: Style, ids: count[int], last: list[str]) -> list[str]:
    """HTML lines for ``blocks``; ``last`` holds the latest words, to label form controls."""
    out: list[str] = []
    for block in blocks:
        if isinstance(block, md.Heading):
            level = min(block.level, 6)
            out.append(f"<h{level}>{_inline(block.spans)}</h{level}>")
            last[0] = md.plain_text(block.spans)
        elif isinstance(block, md.Para) and _is_label(block):
            # "Say:", "Do:", "Accessibility tips:" head what follows: headings, so a screen
            # reader can move between them
            out.append(f'<h3 class="label">{_inline(block.spans)}</h3>')
            last[0] = md.plain_text(block.spans)
        elif isinstance(block, md.Para):
            out.extend(f"<p>{_inline(line)}</p>" for line in _lines(block.spans, st))
            last[0] = md.plain_text(block.spans)
        elif isinstance(block, md.ListBlock):
            tag = "ol" if block.ordered else "ul"
            start = f' start="{block.start}"' if block.ordered and block.start != 1 else ""
            out.append(f"<{tag}{start}>")
            for item in block.items:
                out.append("<li>" + "".join(_blocks(item, st, ids, last)) + "</li>")
            out.append(f"</{tag}>")
        elif isinstance(block, md.Quote):
            out += ["<blockquote>", *_blocks(block.blocks, st, ids, last), "</blockquote>"]
        elif isinstance(block, md.Code):
            out.append(f"<pre>{escape(block.text)}</pre>")
        elif isinstance(block, md.Rule):
            out.append("<hr>")
        elif isinstance(block, md.PageBreak):
            out.append('<div class="page-break" aria-hidden="true"></div>')
        elif isinstance(block, md.WriteBox):
            label = escape(last[0] or "Write here")
            out.append(f'<textarea rows="{block.lines}" aria-label="{label}"></textarea>')
        elif isinstance(block, md.Ticks):
            # one question's choices are one group, named by the question (Yes / Maybe / No)
            legend = escape(last[0] or "Choose")
            out.append(f'<fieldset class="choices"><legend class="visually-hidden">{legend}'
                       '</legend><ul class="ticks">')
            for tick in block.items:
                out.append(f'<li><label><input type="checkbox"> {_inline(tick)}</label></li>')
            out.append("</ul></fieldset>")
        elif isinstance(block, md.Scale):
            out.append(_scale(block, next(ids), last[0], st))
        elif isinstance(block, md.Picture):
            picture = (svg(block.icon, st.picture_mm) if block.icon
                       else '<span class="no-picture"></span>')
            words = "".join(f"<p>{_inline(line)}</p>" for spans in block.lines
                            for line in _lines(spans, st))
            out.append(f'<div class="picture-row">{picture}<div class="words">{words}</div>'
                       "</div>")
            last[0] = " ".join(md.plain_text(spans) for spans in block.lines)
        elif isinstance(block, md.Choice):
            out.append(_choice(block, st, next(ids)))
        elif isinstance(block, md.Fill):
            fields = "".join(f'<label>{escape(label)} <input type="text"></label>'
                             for label in block.labels)
            out.append(f'<div class="fill">{fields}</div>')
        elif isinstance(block, md.Table):
            out.append(_table(block))
        elif isinstance(block, md.Chart):
            out.append(_chart(block))
    return out


def _photo_uri(path: str) -> str:
    """A picture file inside the page itself (the file stays self-contained)."""
    import base64
    import mimetypes

    kind = mimetypes.guess_type(path)[0] or "image/png"
    with open(path, "rb") as handle:
        data = base64.b64encode(handle.read()).decode("ascii")
    return f"data:{escape(kind)};base64,{data}"


def _choice(block: md.Choice, st: Style, number: int) -> str:
    """A ballot option: the picture, the words, and a box to type the mark in."""
    if block.photo:
        picture = (f'<img class="picture photo" alt="" src="{_photo_uri(block.photo)}" '
                   f'style="width:{st.picture_mm}mm;height:{st.picture_mm}mm;'
                   'object-fit:contain">')
    elif block.icon:
        picture = svg(block.icon, st.picture_mm)
    else:
        picture = '<span class="no-picture"></span>'
    words = "".join(f"<p>{_inline(line)}</p>" for spans in block.lines
                    for line in _lines(spans, st))
    name = escape(" ".join(md.plain_text(spans) for spans in block.lines))
    return (f'<div class="picture-row choice">{picture}<div class="words" id="c{number}">'
            f'{words}</div><input type="text" class="mark" maxlength="2" '
            f'aria-label="Your mark for {name}"></div>')


def _is_label(block: md.Para) -> bool:
    """A short bold line ending in a colon ("**Say:**"): a label for what follows."""
    text = md.plain_text(block.spans)
    return (bool(block.spans) and all(span.bold for span in block.spans if span.text.strip())
            and text.endswith(":") and len(text) <= 60)


def _scale(block: md.Scale, number: int, question: str, st: Style) -> str:
    legend = question or f"Choose a number from {block.low} to {block.high}"
    values = list(range(block.low, block.high + 1))
    # easy read: the faces scale of the paper form, a face from sad to happy above each
    # number and its word, each face with its own text alternative
    faces = st.split_sentences and len(block.labels) == len(values) > 1
    parts = [f'<fieldset class="scale{" faces" if faces else ""}">',
             f'<legend class="visually-hidden">{escape(legend)}</legend>']
    for n, value in enumerate(values):
        word = block.label_for(value)
        word_html = f'<span class="word">{escape(word)}</span>' if word else ""
        picture = ""
        if faces:
            mood = n / (len(values) - 1)
            picture = svg("face", st.picture_mm * 0.6, face(mood), face_words(mood))
        parts.append(f'<label><input type="radio" name="scale-{number}" value="{value}">'
                     f'{picture}<span class="num">{value}</span>{word_html}</label>')
    parts.append("</fieldset>")
    return "".join(parts)


def _chart(block: md.Chart) -> str:
    """A chart is read out as its numbers: a captioned table (the bar is decoration)."""
    known = [v for _, v, _ in block.bars if v is not None]
    top = block.maximum or max(known, default=0) or 1
    parts = ['<table class="chart">']
    if block.title:
        parts.append(f"<caption>{escape(block.title)}</caption>")
    parts.append('<thead><tr><th scope="col">Group</th><th scope="col">Figure</th>'
                 "</tr></thead><tbody>")
    for label, value, text in block.bars:
        share = 0 if value is None else max(0, min(100, round(100 * value / top)))
        parts.append(f'<tr><th scope="row">{escape(label)}</th><td>{escape(text)} '
                     f'<span class="bar" aria-hidden="true" style="width:{share}%"></span>'
                     "</td></tr>")
    parts.append("</tbody></table>")
    return "".join(parts)


def _table(block: md.Table) -> str:
    parts = ['<div class="table-wrap"><table>']
    if block.header:
        parts.append("<thead><tr>" + "".join(f'<th scope="col">{_inline(c)}</th>'
                                            for c in block.header) + "</tr></thead>")
    parts.append("<tbody>")
    for row in block.rows:
        parts.append("<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in row) + "</tr>")
    parts.append("</tbody></table></div>")
    return "".join(parts)
