"""Printed ballot papers: numbered, the question, each option with its picture and a box.

Built as handout Markdown and rendered by ``coprod_cli.render`` in any of the four styles.
Each option is a ``[choice]`` row (picture | name | an empty box to mark). The paper says
how to mark it: an X for a yes-no or majority vote, numbers 1, 2, 3 for a ranked one; easy
read says it in short sentences, each with a picture, and shows a marked box. A photo given
with ``--picture`` is passed to the renderer as a file, never written into the Markdown.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from coprod_cli.errors import UsageError, ValidationError
from coprod_cli.escape import escape_markdown

MAX_COPIES = 500
#: The longest side of a photo on a ballot paper (about 5 cm at 300 dots an inch).
PHOTO_PIXELS = 600
#: Easy read papers with more options than this have their guide on a page of its own.
EASY_OPTIONS_WITH_GUIDE = 4
#: Pictures the yes-no options get when none was given.
YES_NO_ICONS = {"Yes": "agree", "No": "disagree", "Abstain": None}


def _md(text: str) -> str:
    return escape_markdown(text, one_line=True)


def _photos(vote: dict[str, Any]) -> dict[str, str]:
    photos: dict[str, str] = {}
    for index, option in enumerate(vote["options"]):
        path = option["picture"]
        if path is None:
            continue
        if not Path(path).is_file():
            raise ValidationError(f"The picture for '{option['name']}' ({path}) is no longer "
                                  "there, so the ballot papers were not made.",
                                  hint="Put the file back, or add the vote again with the "
                                       "picture's new place.")
        photos[f"photo-{index}"] = path
    return photos


def _choice_lines(vote: dict[str, Any]) -> list[str]:
    lines = []
    for index, option in enumerate(vote["options"]):
        if option["picture"]:
            picture = f" photo-{index}"
        elif vote["method"] == "yes-no" and YES_NO_ICONS.get(option["name"]):
            picture = f" {YES_NO_ICONS[option['name']]}"
        else:
            picture = ""
        lines += [f"[choice{picture}] **{_md(option['name'])}**", ""]
    return lines


def how_to_mark(vote: dict[str, Any], *, easy: bool) -> list[str]:
    """What to write in the boxes, as lines of Markdown."""
    ranked = vote["method"] in ("irv", "stv")
    seats = vote["seats"]
    if easy:
        if not ranked:
            return ["[picture mark-x] Put an X in one box.",
                    "The box next to the one you choose.", "Only put one X.", ""]
        return ["[picture mark-numbers] Write 1 in the box next to the one you want most.",
                "Write 2 next to the one you want next.", "Then 3, and so on.",
                "You do not have to number them all.", ""]
    if not ranked:
        return ["Put an X in the box beside **one** option only.", ""]
    seats_said = f" There are {seats} places to fill." if seats > 1 else ""
    return [f"Number the boxes in your order of choice: write 1 beside your first choice, 2 "
            f"beside your second, 3 beside your third, and so on. You need not number them "
            f"all.{seats_said}", ""]


def _easy_guide(vote: dict[str, Any]) -> list[str]:
    """Easy read: what the vote is and how to mark the paper, a picture beside each idea."""
    out = ["[picture vote] This is a vote.", "", f"[picture question] "
           f"**{_md(vote['question'])}**", ""]
    if vote["method"] == "stv" and vote["seats"] > 1:
        out += [f"[picture people] We are choosing {vote['seats']} people.", ""]
    out += how_to_mark(vote, easy=True)
    if vote["secret"]:
        out += ["[picture lock] Your vote is secret.", "Do not write your name.", ""]
    return out


def _guide_apart(vote: dict[str, Any], style: str) -> bool:
    """Easy read with many options: the guide gets a page of its own at the front, so each
    paper is the question and the options, on one sheet, with pictures a useful size."""
    return style == "easy-read" and len(vote["options"]) > EASY_OPTIONS_WITH_GUIDE


def _paper(vote: dict[str, Any], number: int, copies: int, style: str) -> list[str]:
    easy = style == "easy-read"
    out = [f"## Ballot paper {number} of {copies}", ""]
    if easy and _guide_apart(vote, style):
        ranked = vote["method"] in ("irv", "stv")
        out += [f"[picture question] **{_md(vote['question'])}**", "",
                "[picture mark-numbers] Write 1, 2, 3 in the boxes." if ranked
                else "[picture mark-x] Put an X in one box.", "", "Your vote:", ""]
    elif easy:
        out += _easy_guide(vote) + ["Your vote:", ""]
    else:
        out += [f"### {_md(vote['question'])}", ""]
        said = how_to_mark(vote, easy=False)
        if vote["secret"]:
            said[0] += " This is a secret vote: do not write your name."
        said[0] += " Your vote:"
        out += said
    out += _choice_lines(vote)
    out += ["[picture thanks] Fold your paper.", "Put it in the ballot box.", ""] if easy \
        else ["Fold your paper and put it in the ballot box.", ""]
    return out


def ballot_markdown(vote: dict[str, Any], *, style: str, copies: int, several: bool) -> str:
    """Every paper, numbered 1 to ``copies``: one to a page, or (``several``) as many as fit
    whole on each page, with a line to cut along between them."""
    if not 1 <= copies <= MAX_COPIES:
        raise UsageError(f"--copies must be between 1 and {MAX_COPIES}, not {copies}.",
                         hint="Print one paper for each person who can vote.")
    out: list[str] = []
    if _guide_apart(vote, style):
        out += ["## How to fill in your ballot paper", "", *_easy_guide(vote),
                "[picture thanks] Fold your paper.", "Put it in the ballot box.", "",
                "[pagebreak]", ""]
    for number in range(1, copies + 1):
        if number > 1:
            out += ["---" if several else "[pagebreak]", ""]
        out += _paper(vote, number, copies, style)
    return "\n".join(out)


def _small_copy(path: str, folder: Path, name: str) -> str:
    """A copy of a photo no bigger than the ballot needs, the right way up: a phone's 12
    megapixel photo would otherwise be carried whole into every paper of an HTML file."""
    from PIL import Image, ImageOps

    with Image.open(path) as image:
        upright = ImageOps.exif_transpose(image)
        small = upright.convert("RGB")
        small.thumbnail((PHOTO_PIXELS, PHOTO_PIXELS))
        target = folder / f"{name}.jpg"
        small.save(target, "JPEG", quality=88)
    return str(target)


def write_ballots(vote: dict[str, Any], *, out: Path, style: str, fmt: str, copies: int,
                  several: bool = False) -> Path:
    """Write the ballot papers for ``vote`` to ``out``."""
    import tempfile

    from coprod_cli.render import render_document

    markdown = ballot_markdown(vote, style=style, copies=copies, several=several)
    photos = _photos(vote)
    if fmt == "md":  # a Markdown file has the words; it cannot carry the photos
        markdown = re.sub(r"^\[choice photo-\d+\]", "[choice]", markdown, flags=re.M)
    with tempfile.TemporaryDirectory(prefix="coprod-ballots-") as folder:
        small = {key: _small_copy(path, Path(folder), key) for key, path in photos.items()} \
            if fmt != "md" else {}
        return render_document(markdown, out=out, fmt=fmt, style=style, photos=small,
                               title=f"Ballot papers: {vote['question']}",
                               subject="Ballot papers for a vote")
