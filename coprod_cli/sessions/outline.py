"""Reading what ``session new`` is told about a session's steps: minutes, counts, outlines.

A plain-text outline has one step a line with its minutes ("Welcome - 10 min"); without one,
``even_steps`` shares the planned minutes between a number of steps. Every problem in an
outline is listed at once, with its line number. No Typer or Rich here.
"""

from __future__ import annotations

import re
from pathlib import Path

from coprod_cli.errors import UsageError, ValidationError

MAX_OUTLINE_BYTES = 100_000
MAX_STEPS = 30


def parse_minutes(text: str) -> int:
    text = text.strip().lower().removesuffix("minutes").removesuffix("mins").removesuffix(
        "min").strip()
    if not text.isdigit() or not 1 <= int(text) <= 480:
        raise UsageError(f"'{text}' is not a number of minutes from 1 to 480.")
    return int(text)


def parse_step_count(text: str) -> int:
    text = text.strip()
    if not text.isdigit() or not 1 <= int(text) <= MAX_STEPS:
        raise UsageError(f"'{text}' is not a number of steps from 1 to {MAX_STEPS}.")
    return int(text)


_MINUTES = r"(?P<min>\d{1,3})\s*(?:m|mins?|minutes?)?\.?"
_STEP_AFTER = re.compile(r"^(?P<title>.+?)[\s:,;–—-]*\(?\s*" + _MINUTES + r"\s*\)?\s*$",
                         re.IGNORECASE)
_STEP_BEFORE = re.compile(r"^\(?" + _MINUTES + r"\s*\)?[\s:,;–—-]+(?P<title>\D.*)$",
                          re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-*•]\s+|\d{1,2}[.)]\s+)")


Outline = tuple[str | None, list[tuple[str, int]]]


def parse_outline(text: str, where: str = "the outline") -> Outline:
    """(title or None, steps) from a plain-text outline.

    One step a line, with its minutes before or after the words ("Welcome - 10 min",
    "10: Welcome", "Warm-up game (15)"). A first line starting with ``#`` or ``Title:`` is the
    session's title; later lines starting with ``#`` are notes and are skipped, and so are
    blank lines. Every line that cannot be read is listed at once.
    """
    title: str | None = None
    steps: list[tuple[str, int]] = []
    problems: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        lowered = line.lower()
        if title is None and not steps and (line.startswith("#") or lowered.startswith("title:")):
            title = line.lstrip("#").strip() if line.startswith("#") else line[6:].strip()
            continue
        if line.startswith("#"):
            continue
        line = _BULLET.sub("", line)
        match = _STEP_AFTER.match(line) or _STEP_BEFORE.match(line)
        if not match or not match["title"].strip(" -:,"):
            problems.append(f"{where}:{number}: '{line[:60]}' has no minutes (write it like "
                            "'Welcome - 10 min')")
            continue
        minutes = int(match["min"])
        if not 1 <= minutes <= 480:
            problems.append(f"{where}:{number}: {minutes} minutes is not from 1 to 480")
            continue
        steps.append((match["title"].strip(" -:,;–—")[:200], minutes))
    if not steps and not problems:
        problems.append(f"{where}: no steps (one step a line, with minutes)")
    if len(steps) > MAX_STEPS:
        problems.append(f"{where}: {len(steps)} steps; a session has at most {MAX_STEPS}")
    if problems:
        raise ValidationError(f"{where} could not be read as a session outline.", problems,
                              hint="Write one step a line with its minutes, e.g. "
                                   "'Welcome and check-in - 10 min'.")
    return title, steps


def read_outline(path: Path) -> Outline:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ValidationError(f"There is no outline file at {path}.") from None
    except OSError as exc:
        raise ValidationError(f"{path} could not be read: {exc.strerror}.") from None
    if len(raw) > MAX_OUTLINE_BYTES or b"\x00" in raw:
        raise ValidationError(f"{path} is not a plain-text outline.",
                              hint="Write one step a line, with minutes, in a text file.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(f"{path} is not UTF-8 text.",
                              hint="Save the outline as UTF-8 in your editor.") from None
    return parse_outline(text, str(path))


def even_steps(duration: int, count: int) -> list[tuple[str, int]]:
    """``count`` steps sharing ``duration`` minutes (the first steps take any remainder)."""
    if not 1 <= count <= MAX_STEPS:
        raise UsageError(f"A session has 1 to {MAX_STEPS} steps, not {count}.")
    if duration < count:
        raise UsageError(f"{count} steps do not fit in {duration} minutes.",
                         hint="Give fewer steps or a longer duration.")
    base, extra = divmod(duration, count)
    names = ["Welcome and check-in", *(f"Activity {n}" for n in range(1, count - 1)),
             "Closing and your views"] if count > 1 else ["The session"]
    return [(names[i], base + (1 if i < extra else 0)) for i in range(count)]
