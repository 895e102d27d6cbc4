"""What an invitation needs beyond the agenda: why it matters, who runs it, getting there,
access support and which costs are paid.

People decide whether to come from these, so ``meeting plan`` and ``meeting edit`` keep them
on the meeting record and every paper reads them from there. Who runs a meeting defaults to
the group's chair and co-chairs on the day, so an invitation always names a person rather
than "the committee".
"""

from __future__ import annotations

from typing import Any

from coprod_cli.errors import UsageError
from coprod_cli.groups import membership
from coprod_cli.people import register as people
from coprod_cli.store.database import Store, Transaction

Records = Store | Transaction

#: The invitation's free-text fields, with the option that sets each and how long it may be.
FIELDS = {"why": ("--why", 600), "travel": ("--travel", 600), "access": ("--access", 600),
          "costs": ("--costs", 400)}


def clean_text(value: str, option: str, limit: int) -> str:
    """One paragraph of plain text: line breaks become spaces, no control characters."""
    text = " ".join(value.replace("\r", "\n").split())
    if len(text) > limit:
        raise UsageError(f"{option} is {len(text)} characters; the most is {limit}.",
                         hint="Keep it to a sentence or two; easy read needs it short.")
    if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in text):
        raise UsageError(f"{option} cannot contain control characters.")
    return text


def named(store: Records, name: str) -> dict[str, Any]:
    """``{"name", "person_id"}``: the register's spelling and id when exactly one matches."""
    clean = people.clean_name(name)
    found = people.matches(store, clean)  # type: ignore[arg-type]
    if len(found) == 1:
        return {"name": found[0]["name"], "person_id": found[0]["id"]}
    return {"name": clean, "person_id": None}


def default_runs(store: Records, group_id: str, day: str) -> list[dict[str, Any]]:
    """The chair and co-chairs on the day, chair first: who runs a meeting unless told."""
    chairs = [m for m in membership.members(store, group_id, on=day)
              if m.office in ("chair", "co-chair")]
    chairs.sort(key=lambda m: membership.OFFICE_ORDER.index(m.office))
    return [{"name": m.name, "person_id": m.person_id} for m in chairs]


def details(store: Records, *, group_id: str, day: str, why: str | None = None,
            runs: list[str] | None = None, travel: str | None = None,
            access: str | None = None, costs: str | None = None,
            fill_runs: bool = True) -> dict[str, Any]:
    """The checked fields to store; only those given (and ``runs`` by default on a plan)."""
    out: dict[str, Any] = {}
    given = {"why": why, "travel": travel, "access": access, "costs": costs}
    for key, value in given.items():
        if value is not None:
            option, limit = FIELDS[key]
            out[key] = clean_text(value, option, limit)
    if runs:
        if len(runs) > 6:
            raise UsageError("A meeting is run by at most 6 people; give fewer --runs.")
        out["runs"] = [named(store, name) for name in runs]
    elif fill_runs:
        out["runs"] = default_runs(store, group_id, day)
    return out


def runs_words(meeting: dict[str, Any]) -> str:
    """``Siân and Dai``: who runs the meeting, as a phrase ("" when nobody is set)."""
    names = [str(r["name"]) for r in meeting.get("runs") or []]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
