"""The organisation's ways to get involved, and the easy-read roadmap printed from them.

The steps are data, not code: ``data/involvement/ways.yaml`` ships a starting list (come to a
session, help run one, review a policy, run a stall, speak at an open day, sit on a panel,
join the committee), and an organisation's own copy at ``data/involvement/ways.yaml`` in its
records folder (or ``involvement/ways.yaml`` there) replaces it whole, the way forms and
measures are found (``AppState.data_folders``). Every step has words, what it involves and a
picture from ``render/icons.py``; the roadmap prints them as numbered stops along a path,
one picture per step, in easy read, large print or standard.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from coprod_cli.errors import ValidationError
from coprod_cli.escape import escape_markdown

WAYS_FILE = Path("involvement") / "ways.yaml"


class Way(BaseModel):
    """One step on the roadmap."""

    model_config = ConfigDict(extra="forbid")

    key: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")
    title: str = Field(min_length=1, max_length=80)
    words: list[str] = Field(min_length=1, max_length=4)
    involves: str = Field(min_length=1, max_length=300)
    picture: str

    @field_validator("picture")
    @classmethod
    def _known_picture(cls, value: str) -> str:
        from coprod_cli.render.icons import ICONS

        if value not in ICONS:
            raise ValueError(f"there is no picture called '{value}'; pictures you can use: "
                             + ", ".join(sorted(ICONS)))
        return value


class Ways(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ways: list[Way] = Field(min_length=1, max_length=20)


def find_ways_file(folders: Sequence[Path]) -> Path:
    """The first ``involvement/ways.yaml`` in ``folders`` (the organisation's own first)."""
    for folder in folders:
        path = folder / WAYS_FILE
        if path.is_file():
            return path
    raise ValidationError("There is no list of ways to get involved "
                          f"({WAYS_FILE.as_posix()}) in your records folder or built in.",
                          hint="Copy the built-in data/involvement/ways.yaml into your "
                               "records folder's data folder and edit it.")


def load_ways(folders: Sequence[Path]) -> list[Way]:
    from coprod_cli.yamlfile import read_yaml, validate_model

    path = find_ways_file(folders)
    return validate_model(read_yaml(path, what="list of ways to get involved"), Ways,
                          what="list of ways to get involved").ways


def roadmap_markdown(ways: list[Way], *, style: str, organisation: str = "") -> str:
    """The roadmap as handout Markdown: a path of numbered stops, a picture beside each."""
    esc = escape_markdown
    where = f" at {organisation}" if organisation else ""
    out = [f"# Ways to get involved{esc(where)}", "",
           "[picture place] You choose how much you do.", "You can start anywhere.",
           "You can stop at any time.", ""]
    if style == "standard":
        out += [esc("Most people start with the first step and some go further along the "
                    "path. Each step says what it involves. Ask a member of staff or a "
                    "volunteer about any of them."), ""]
    last = len(ways)
    for number, way in enumerate(ways, start=1):
        out += [f"## Step {number} of {last}: {esc(way.title)}", ""]
        out.append(f"[picture {way.picture}] {esc(way.words[0])}")
        out += [esc(line) for line in way.words[1:]]
        out += [f"**What it involves:** {esc(way.involves)}", ""]
    out += ["## Want to get involved?", "",
            "[picture help] Talk to a member of staff or a volunteer.",
            "They will help you take the next step.", ""]
    return "\n".join(out)
