"""Friendly warnings for session files: advice a facilitator can act on, never errors.

``coprod session check`` and the library call ``friendly_warnings`` after a session has loaded
(``library.cross_check`` adds them to its own warnings about timings and handouts). Each
warning points at a line: ``file:line:col: field: what to look at``. The checks:

- every step led by the same facilitator (co-production means the co-facilitator leads some);
- text still holding the placeholder ``coprod session new`` wrote;
- easy-read text (handouts marked ``easy_read: true``, or a session that says ``easy_read:
  true``) with sentences over 15 words, the limit in the UK easy read guidance;
- words that need explaining: the settings' ``jargon`` list ("SU", "keyworker", "KPI"...).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from coprod_cli.yamlfile import YamlDocument, format_loc, node_at

if TYPE_CHECKING:
    from coprod_cli.sessions.library import Session

EASY_READ_MAX_WORDS = 15
PLACEHOLDER = "(to write)"
"""What ``coprod session new`` puts where the author still has something to write."""

_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+")
_JINJA = re.compile(r"\{#.*?#\}|\{%.*?%\}", re.DOTALL)
_VALUE = re.compile(r"\{\{.*?\}\}", re.DOTALL)
_DIRECTIVE_LINE = re.compile(r"^\s*\[(write|fill|scale|pagebreak)\b[^\]]*\]\s*$")
_LEADING_DIRECTIVE = re.compile(r"^\s*(?:[-*]\s+)?\[(?:picture(?:\s+[a-z-]+)?| |x|X)\]\s*")
_MARKUP = re.compile(r"^\s*(?:#{1,6}\s+|>\s*|[-*+]\s+|\d+[.)]\s+)")


def friendly_warnings(doc: YamlDocument, session: Session, template_dirs: list[Path],
                      jargon: list[str] | None = None) -> list[str]:
    """Every friendly warning for one loaded session, in the order of the file."""
    from coprod_cli.settings import DEFAULT_JARGON

    words = list(DEFAULT_JARGON) if jargon is None else jargon
    warnings: list[str] = []
    warnings += _same_lead(doc, session)
    texts = list(_session_texts(session))
    for loc, text in texts:
        if PLACEHOLDER in text:
            warnings.append(_at(doc, loc, text, text.index(PLACEHOLDER),
                                f"still says '{PLACEHOLDER}': write it in your own words"))
    if session.easy_read:
        for loc, text in texts:
            if loc[0] in ("summary", "aims") or (loc[0] == "steps" and loc[-1] == "say"):
                for offset, count in long_sentences(text):
                    warnings.append(_at(doc, loc, text, offset, _long(count)))
    matchers = _jargon_patterns(words)
    for loc, text in texts:
        for word, offset in find_jargon(text, matchers):
            warnings.append(_at(doc, loc, text, offset, _jargon_message(word)))
    for i, handout in enumerate(session.handouts):
        path = next((d / handout.template for d in template_dirs
                     if (d / handout.template).is_file()), None)
        if path is None:
            continue  # cross_check already warns that it is missing
        try:
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        field = f"handouts[{i + 1}] ({handout.id})"
        missing = set(ideas_without_pictures(source))
        for number, line in enumerate(template_lines(source), start=1):
            if PLACEHOLDER in line:
                warnings.append(f"{path}:{number}:1: {field}: still says '{PLACEHOLDER}': "
                                "write the handout's words")
            if handout.easy_read and number in missing:
                warnings.append(f"{path}:{number}:1: {field}: an easy-read idea with no "
                                "picture: start the line with [picture NAME]")
            if handout.easy_read:
                for _, count in long_sentences(line):
                    warnings.append(f"{path}:{number}:1: {field}: {_long(count)}")
            for word, _ in find_jargon(line, matchers):
                warnings.append(f"{path}:{number}:1: {field}: {_jargon_message(word)}")
    return warnings


def _long(count: int) -> str:
    return (f"a sentence of {count} words; easy read keeps to {EASY_READ_MAX_WORDS} or fewer "
            "(split it, one idea a sentence)")


def _jargon_message(word: str) -> str:
    return f"'{word}' may need explaining, or a plainer word"


def _same_lead(doc: YamlDocument, session: Session) -> list[str]:
    leads = {step.lead for step in session.steps}
    if len(session.steps) < 2 or len(leads) != 1 or leads == {"both"}:
        return []
    who = next(iter(leads))
    other = "co-facilitator" if who == "lead" else "lead"
    words = {"lead": "lead facilitator", "co-facilitator": "co-facilitator"}
    return [_at(doc, ("steps",), "", 0,
                f"every step is led by the {words[who]}; co-production shares the work, so "
                f"give at least one step to the {words[other]} (lead: {other} or lead: both)")]


def _session_texts(session: Session) -> Iterator[tuple[tuple[int | str, ...], str]]:
    """Every piece of prose in a session with where it sits in the file."""
    yield ("title",), session.title
    yield ("summary",), session.summary
    for i, aim in enumerate(session.aims):
        yield ("aims", i), aim
    for i, item in enumerate(session.materials):
        yield ("materials", i), item
    yield ("roles", "lead"), session.roles.lead
    yield ("roles", "co_facilitator"), session.roles.co_facilitator
    for i, handout in enumerate(session.handouts):
        yield ("handouts", i, "title"), handout.title
    for s, step in enumerate(session.steps):
        yield ("steps", s, "title"), step.title
        yield ("steps", s, "say"), step.say
        yield ("steps", s, "do"), step.do
        for t, tip in enumerate(step.accessibility_tips):
            yield ("steps", s, "accessibility_tips", t), tip
        for t, tip in enumerate(step.co_facilitator_tips):
            yield ("steps", s, "co_facilitator_tips", t), tip


def _at(doc: YamlDocument, loc: tuple[int | str, ...], text: str, offset: int,
        message: str) -> str:
    """``file:line:col: field: message``, on the very line of a multi-line (``|``) text."""
    node, _ = node_at(doc.root, loc)
    line, col = (node.start_mark.line + 1, node.start_mark.column + 1) if node else (1, 1)
    style = getattr(node, "style", None)
    if style in ("|", ">") and text:
        line += 1 + text.count("\n", 0, offset)
        col = 1
    return f"{doc.path}:{line}:{col}: {format_loc(loc)}: {message}"


def sentences(text: str) -> Iterator[tuple[int, str]]:
    """(offset, sentence) for each sentence: lines are separate, as easy read prints them."""
    start = 0
    for line in text.split("\n"):
        pos = 0
        for match in _SENTENCE_END.finditer(line):
            yield start + pos, line[pos:match.start()]
            pos = match.end()
        if line[pos:].strip():
            yield start + pos, line[pos:]
        start += len(line) + 1


def long_sentences(text: str, limit: int = EASY_READ_MAX_WORDS) -> list[tuple[int, int]]:
    """(offset, word count) of every sentence longer than ``limit`` words."""
    out = []
    for offset, sentence in sentences(text):
        count = len(_WORD.findall(sentence))
        if count > limit:
            out.append((offset, count))
    return out


_NOT_AN_IDEA = ("#", "-", "*", "[", "|", "{", ">", "From the session")


def ideas_without_pictures(source: str) -> list[int]:
    """Line numbers where a block of words in a handout template starts without a picture.

    Easy read puts a picture on the left of each idea; a block is the run of lines up to a
    blank line. Headings, lists, handout lines, tables, Jinja tags and the "From the
    session" line are not ideas; the first line of a block must start ``[picture``."""
    found = []
    previous = ""
    for number, line in enumerate(source.split("\n"), start=1):
        text = line.strip()
        starts_block = bool(text) and not previous.strip()
        previous = line
        if not starts_block or text.startswith(_NOT_AN_IDEA) or text[0].isdigit():
            continue
        if "{{" in text and "}}" in text and not text.replace("{{", "").strip(" }"):
            continue
        found.append(number)
    return found


def template_lines(source: str) -> list[str]:
    """A handout template's lines as a reader sees the words: Jinja tags, handout lines and
    Markdown markers taken out (a ``{{ value }}`` counts as one word), line numbers kept."""
    def blank_keeping_lines(match: re.Match[str]) -> str:
        return "\n" * match.group(0).count("\n")

    text = _JINJA.sub(blank_keeping_lines, source)
    text = _VALUE.sub(lambda m: "something" + "\n" * m.group(0).count("\n"), text)
    lines = []
    for line in text.split("\n"):
        if _DIRECTIVE_LINE.match(line):
            line = ""
        line = _LEADING_DIRECTIVE.sub("", line)
        line = _MARKUP.sub("", line)
        if line.lstrip().startswith("|"):
            line = ". ".join(cell.strip() for cell in line.split("|") if cell.strip()
                             and not set(cell.strip()) <= set("-: "))
        lines.append(line.replace("**", ""))
    return lines


def _jargon_patterns(words: list[str]) -> list[tuple[str, re.Pattern[str]]]:
    patterns = []
    for word in words:
        word = word.strip()
        if not word:
            continue
        body = r"\s+".join(re.escape(part) for part in word.split())
        flags = 0 if word.isupper() else re.IGNORECASE
        patterns.append((word, re.compile(rf"(?<![\w-]){body}(?:s|'s|’s)?(?![\w-])", flags)))
    return patterns


def find_jargon(text: str, matchers: list[tuple[str, re.Pattern[str]]]
                ) -> list[tuple[str, int]]:
    """(word, offset) for each jargon word found, once per word."""
    found = []
    for word, pattern in matchers:
        match = pattern.search(text)
        if match:
            found.append((word, match.start()))
    return found
