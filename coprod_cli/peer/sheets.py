"""The printed "about your pairing" sheet: easy read, a picture beside every idea.

Written for the two people in a pair (Mencap's easy-read advice: short sentences, one idea a
line, a picture that means something beside each idea): who the pair is, what they both
like, when they can meet, who to call (the facilitator), when someone will check how it is
going, and that they can stop at any time. Every stored word is escaped before it goes into
the Markdown the renderer reads.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from coprod_cli.errors import UsageError
from coprod_cli.escape import escape_markdown
from coprod_cli.peer.availability import slots_words
from coprod_cli.peer.dates import long_date
from coprod_cli.peer.pairing import pair_view
from coprod_cli.peer.pairs import find_pair, pending

if TYPE_CHECKING:
    from coprod_cli.store.database import Store

#: A picture for an interest, by a word in its matching key; anything else gets a heart.
INTEREST_PICTURES: tuple[tuple[str, str], ...] = (
    ("garden", "garden"), ("plant", "garden"), ("flower", "garden"),
    ("football", "ball"), ("rugby", "ball"), ("cricket", "ball"), ("bowls", "ball"),
    ("sport", "ball"), ("music", "music"), ("sing", "music"), ("choir", "music"),
    ("danc", "music"), ("walk", "walk"), ("cook", "food"), ("bak", "food"),
    ("food", "food"), ("tea", "food"), ("read", "book"), ("book", "book"),
    ("history", "book"), ("travel", "travel"), ("bus", "travel"), ("train", "travel"),
    ("trip", "travel"), ("talk", "talk"), ("chat", "talk"), ("paint", "pencil"),
    ("draw", "pencil"), ("craft", "pencil"), ("knit", "pencil"), ("film", "eye"),
)
FORMATS = {".pdf": "pdf", ".html": "html", ".htm": "html", ".md": "md"}


def picture_for(interest: str) -> str:
    for word, picture in INTEREST_PICTURES:
        if word in interest:
            return picture
    return "heart"


def sheet_markdown(store: Store, pair: dict[str, Any], *, organisation: str = "") -> str:
    """The sheet as handout Markdown (see ``coprod_cli.render.markdown``)."""
    view = pair_view(store, pair)
    a, b = (escape_markdown(n, one_line=True) for n in view["names"])
    helper = escape_markdown(view["facilitator"], one_line=True) if view["facilitator"] \
        else None
    org = escape_markdown(organisation, one_line=True) if organisation else ""
    lines = ["# About your pairing", "",
             f"[picture people] {a} and {b} are a pair.",
             f"You both said yes on {long_date(pair['agreed_on'])}.", ""]
    lines += ["## What you both like", ""]
    if pair["shared"]:
        for interest in pair["shared"]:
            lines += [f"[picture {picture_for(interest)}] You both like "
                      f"{escape_markdown(interest, one_line=True)}.", ""]
    else:
        lines += ["[picture heart] You can find out what you both like.", ""]
    lines += ["## When you meet", ""]
    if pair["slots"]:
        lines += [f"[picture calendar] You are both free on {slots_words(pair['slots'])}.",
                  "You can meet then.", ""]
    else:
        lines += ["[picture calendar] You will choose a time to meet together.", ""]
    lines += ["## Who to call", ""]
    if helper:
        lines += [f"[picture phone] Call {helper} if you need help.",
                  f"{helper} helps you meet up."
                  + (f" {helper} works at {org}." if org else ""), ""]
    else:
        lines += [f"[picture phone] Call {org or 'the service'} if you need help.", ""]
    lines += [f"[picture shield] Tell {helper or 'someone'} if you do not feel safe.",
              "You will not be in trouble.", ""]
    lines += ["## Checking how it is going", ""]
    left = pending(pair)
    who = helper or "Someone from the service"
    if left:
        lines += [f"[picture talk] {who} will talk with you both about how it is going.",
                  f"The {'next' if pair['reviews'] else 'first'} time is on "
                  f"{long_date(left[0])}.", ""]
    lines += ["[picture hand] You can stop at any time.",
              f"Just tell {helper or 'the service'}.", ""]
    return "\n".join(lines)


def write_sheet(store: Store, ref: str, *, out: Path, style: str = "easy-read",
                organisation: str = "") -> Path:
    """Write the sheet for pairing ``ref`` as PDF, HTML or Markdown (by ``out``'s ending)."""
    fmt = FORMATS.get(out.suffix.lower())
    if fmt is None:
        raise UsageError(f"'{out.name}' does not end in .pdf, .html or .md, so nothing was "
                         "written.", hint="Give a file name like our-pairing.pdf.")
    pair = find_pair(store, ref)
    if pair["status"] != "active":
        raise UsageError(f"Pairing {pair['id'][:6]} has ended, so no sheet was written.")
    from coprod_cli import render

    markdown = sheet_markdown(store, pair, organisation=organisation)
    return render.render_document(markdown, out=out, fmt=fmt, style=style,
                                  title="About your pairing", author=organisation or "coprod",
                                  subject="Peer support pairing", lang="en-GB")
