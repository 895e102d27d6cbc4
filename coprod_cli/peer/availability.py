"""When someone is free: time slots (a day and a part of it) and the words for them.

Availability is a list of slots such as ``mon-am`` or ``thu-pm``: seven days times three
parts (``am`` morning, ``pm`` afternoon, ``eve`` evening). People type them in several ways
("monday-morning", "Thu PM"); :func:`parse_slots` accepts those and says plainly what it did
not understand. Pairing compares slots; rotas work in whole days (a day counts as free when
any slot on it is).
"""

from __future__ import annotations

from collections.abc import Iterable

from coprod_cli.errors import UsageError

DAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PARTS: tuple[str, ...] = ("am", "pm", "eve")
SLOTS: tuple[str, ...] = tuple(f"{d}-{p}" for d in DAYS for p in PARTS)
SLOT_PATTERN = r"^(?:mon|tue|wed|thu|fri|sat|sun)-(?:am|pm|eve)$"

DAY_NAMES: dict[str, str] = {"mon": "Monday", "tue": "Tuesday", "wed": "Wednesday",
                             "thu": "Thursday", "fri": "Friday", "sat": "Saturday",
                             "sun": "Sunday"}
PART_NAMES: dict[str, str] = {"am": "morning", "pm": "afternoon", "eve": "evening"}

_DAY_ALIASES: dict[str, str] = {}
for _key, _name in DAY_NAMES.items():
    for _alias in (_key, _name.lower(), _name.lower()[:4]):
        _DAY_ALIASES[_alias] = _key
_DAY_ALIASES.update({"tues": "tue", "weds": "wed", "thur": "thu", "thurs": "thu"})
_PART_ALIASES = {"am": "am", "morning": "am", "mornings": "am", "pm": "pm",
                 "afternoon": "pm", "afternoons": "pm", "eve": "eve", "evening": "eve",
                 "evenings": "eve", "night": "eve"}

SLOT_HINT = ("Write a day and a part of the day joined by '-', separated by commas, e.g. "
             "mon-am,thu-pm,sat-eve (am = morning, pm = afternoon, eve = evening).")


def parse_day(text: str) -> str:
    """``mon`` for "Mon", "monday" or "MONDAY"; a clear sentence for anything else."""
    key = text.strip().lower()
    if key in _DAY_ALIASES:
        return _DAY_ALIASES[key]
    raise UsageError(f"'{text.strip()}' is not a day of the week.",
                     hint="Use mon, tue, wed, thu, fri, sat or sun, separated by commas.")


def parse_days(values: Iterable[str]) -> list[str]:
    """Days from ``mon,wed,fri`` (repeatable), in week order, each once."""
    parts = [part for value in values for part in value.split(",") if part.strip()]
    if not parts:
        raise UsageError("No days were given.", hint="Use e.g. --days mon,wed,fri.")
    chosen = {parse_day(part) for part in parts}
    return [d for d in DAYS if d in chosen]


def parse_slot(text: str) -> str:
    """``thu-pm`` for "thu-pm", "Thursday afternoon" or "thu pm"."""
    words = text.strip().lower().replace("_", "-").replace(" ", "-").split("-")
    words = [w for w in words if w]
    if len(words) == 2 and words[0] in _DAY_ALIASES and words[1] in _PART_ALIASES:
        return f"{_DAY_ALIASES[words[0]]}-{_PART_ALIASES[words[1]]}"
    if len(words) == 1 and words[0] in _DAY_ALIASES:
        raise UsageError(f"'{text.strip()}' is a day but not a time slot: say which part of "
                         "the day, like mon-am, mon-pm or mon-eve.", hint=SLOT_HINT)
    raise UsageError(f"'{text.strip()}' is not a time slot.", hint=SLOT_HINT)


def parse_slots(values: Iterable[str]) -> list[str]:
    """Slots from ``mon-am,thu-pm`` (repeatable), in week order, each once. An empty value
    ("") means none."""
    chosen = {parse_slot(part) for value in values for part in value.split(",")
              if part.strip()}
    return [s for s in SLOTS if s in chosen]


def slot_words(slot: str, *, plural: bool = True) -> str:
    """``Thursday afternoons`` (or ``Thursday afternoon``)."""
    day, part = slot.split("-")
    return f"{DAY_NAMES[day]} {PART_NAMES[part]}{'s' if plural else ''}"


def slots_words(slots: Iterable[str]) -> str:
    """``Monday mornings and Thursday afternoons``."""
    words = [slot_words(s) for s in slots]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def days_of(slots: Iterable[str]) -> set[str]:
    """The days with at least one free slot (how rotas read availability)."""
    return {s.split("-")[0] for s in slots}
