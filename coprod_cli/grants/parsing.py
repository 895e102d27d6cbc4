"""Reading what people type for a grant: text, dates, counts, cost items, names and links.

Shared by flags and prompts, so an answer is checked the same way however it arrives; each
refusal is one sentence a facilitator can act on.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date
from typing import Any

from coprod_cli.errors import NotFoundError, UsageError
from coprod_cli.grants import scheme as grants
from coprod_cli.grants.scheme import Records
from coprod_cli.money import parse_money
from coprod_cli.people import register as people

MAX_TEXT = 2000


def clean_text(text: str | None, what: str, *, required: bool = True,
               max_len: int = MAX_TEXT) -> str:
    """Free text as typed; empty only when optional, never control characters but newlines."""
    value = (text or "").strip()
    if required and not value:
        raise UsageError(f"The {what} cannot be empty.")
    if len(value) > max_len:
        raise UsageError(f"The {what} is {len(value)} characters; the most is {max_len}.")
    if any(unicodedata.category(c) == "Cc" and c not in "\n\t" for c in value):
        raise UsageError(f"The {what} cannot contain control characters.")
    return value


def parse_date(text: str, what: str = "date") -> date:
    value = text.strip().lower()
    if value == "today":
        return grants.today()
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value, re.ASCII):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"'{text}' is not a date; write the {what} as YYYY-MM-DD, "
                         "e.g. 2026-03-14.") from None


def parse_count(text: str, what: str, *, minimum: int = 0) -> int:
    value = text.strip()
    if value.isascii() and value.isdigit() and len(value.lstrip("0")) > 6:
        raise UsageError(f"'{value[:12]}...' ({len(value)} digits) is out of range for "
                         f"{what}: the most is 100,000.")
    if not (value.isascii() and value.isdigit()) or not minimum <= int(value) <= 100_000:
        raise UsageError(f"'{text}' is not a whole number for {what}"
                         f"{' (at least 1)' if minimum else ''}.")
    return int(value)


def parse_item(text: str) -> dict[str, Any]:
    """``"Compost:12.50"`` → ``{"item": "Compost", "pence": 1250}`` (split at the last colon)."""
    what, sep, amount = text.rpartition(":")
    if not sep or not what.strip():
        raise UsageError(f"'{text}' is not a cost item; write it as 'what it is:amount', "
                         "e.g. 'Compost:12.50'.")
    return {"item": clean_text(what, "item", max_len=200),
            "pence": parse_money(amount, what=f"amount for '{what.strip()}'")}


def who(store: Records, name: str) -> dict[str, Any]:
    """Someone from the people register, or the name as typed when they are not registered."""
    text = people.clean_name(name)
    try:
        person = people.find_person(store, text)  # type: ignore[arg-type]
    except NotFoundError:
        return {"name": text, "person_id": None}
    return {"name": person["name"], "person_id": person["id"]}


def parse_coproducer(store: Records, text: str) -> dict[str, Any]:
    """``"Ceri:person-using-services"``; the role may be left out for registered people."""
    name, sep, role = text.rpartition(":")
    if not sep:
        name, role = text, ""
    found = who(store, name)
    if not role.strip():
        if found["person_id"] is None:
            raise UsageError(f"Give {found['name']}'s role, e.g. "
                             f"'{found['name']}:person-using-services'.",
                             hint="Roles: " + ", ".join(people.ROLES) + ".")
        role = people.find_person(store, found["person_id"])["role"]  # type: ignore[arg-type]
    return {**found, "role": people.parse_role(role)}


def resolve_link(text: str, sessions: Iterable[str], themes: Iterable[str]) -> dict[str, str]:
    """How the activity links to the programme: a session id or a theme of the toolkit."""
    key = text.strip()
    sessions, themes = list(sessions), list(themes)
    if key in sessions:
        return {"kind": "session", "value": key}
    if key.lower() in themes:
        return {"kind": "theme", "value": key.lower()}
    raise UsageError(f"'{text}' is neither a session id nor a theme in your toolkit.",
                     hint="Themes: " + ", ".join(themes) + ". Session ids: "
                          "'coprod session list'.")
