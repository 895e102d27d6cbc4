"""Planning a meeting: the agenda with its standing items, and finding a meeting again.

Every meeting of a group has the same frame, so nobody has to remember it and an easy-read
agenda always reads the same way: welcome, apologies, declarations of interest, last
meeting's minutes and open actions, then the group's own items, any other business, and the
date of the next meeting. ``meeting plan`` adds the frame; the items are the group's.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from coprod_cli import clock
from coprod_cli.errors import NotFoundError, UsageError, ValidationError
from coprod_cli.groups import membership
from coprod_cli.meetings import MEETINGS
from coprod_cli.people import register as people
from coprod_cli.store.database import Store, Transaction

Records = Store | Transaction

MAX_ITEMS = 40
MAX_TITLE = 200

#: (key, title, minutes): before the group's items, then after them.
OPENING = (("welcome", "Welcome", 5),
           ("apologies", "Apologies", 5),
           ("declarations", "Declarations of interest", 5),
           ("last-minutes", "Last meeting's minutes and open actions", 10))
CLOSING = (("aob", "Any other business", 10),
           ("next-meeting", "Date of the next meeting", 5))


def parse_item(text: str) -> tuple[str, int, str | None]:
    """``"Title:minutes[:lead]"``: the title may itself hold a colon ("Values: a draft:20")."""
    parts = text.split(":")
    if len(parts) >= 3 and parts[-2].strip().isdigit():
        title, minutes = ":".join(parts[:-2]).strip(), parts[-2].strip()
        lead = parts[-1].strip() or None
    elif len(parts) >= 2 and parts[-1].strip().isdigit():
        title, minutes, lead = ":".join(parts[:-1]).strip(), parts[-1].strip(), None
    else:
        raise UsageError(f"The item '{text}' needs its minutes: write it as "
                         "\"Title:minutes\" or \"Title:minutes:who leads\", e.g. "
                         "\"Our values:20:Siân\".")
    if not title:
        raise UsageError(f"The item '{text}' has no title.")
    if len(title) > MAX_TITLE:
        raise UsageError(f"An item's title is {len(title)} characters; the most is "
                         f"{MAX_TITLE}.")
    if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in title + (lead or "")):
        raise UsageError("An item's title or lead cannot contain control characters.")
    if len(minutes.lstrip("0")) > 3 or not 1 <= int(minutes) <= 240:
        raise UsageError(f"The item '{title}' is planned for {minutes[:6]} minutes; give "
                         "between 1 and 240.")
    return title, int(minutes), lead


def _lead(store: Records, lead: str | None) -> tuple[str | None, str | None]:
    """A lead's name as typed, and their id when exactly one person on the register has it."""
    if lead is None:
        return None, None
    found = people.matches(store, lead)  # type: ignore[arg-type]
    return (found[0]["name"], found[0]["id"]) if len(found) == 1 else (lead, None)


def build_items(store: Records, items: list[str]) -> list[dict[str, Any]]:
    if len(items) > MAX_ITEMS:
        raise UsageError(f"{len(items)} items is too many for one meeting; the most is "
                         f"{MAX_ITEMS}.")
    agenda = [{"key": k, "title": t, "minutes": m, "lead": None, "lead_id": None,
               "standing": True} for k, t, m in OPENING]
    for number, text in enumerate(items, start=1):
        title, minutes, lead = parse_item(text)
        name, person_id = _lead(store, lead)
        agenda.append({"key": f"item-{number}", "title": title, "minutes": minutes,
                       "lead": name, "lead_id": person_id, "standing": False})
    agenda += [{"key": k, "title": t, "minutes": m, "lead": None, "lead_id": None,
                "standing": True} for k, t, m in CLOSING]
    return agenda


def plan_meeting(store: Store, group_ref: str, *, date: str, time: str, place: str,
                 items: list[str], **invitation: Any) -> dict[str, Any]:
    """A planned meeting with the standing items around ``items`` (each "Title:minutes").

    ``invitation`` holds what the invitation says (``why``, ``runs``, ``travel``,
    ``access``, ``costs``; see ``details``); who runs it defaults to the chair and co-chairs.
    """
    from coprod_cli.meetings.details import details

    place = check_place(place)
    with store.transaction() as tx:
        group = membership.find_group(tx, group_ref)
        extra = details(tx, group_id=group["id"], day=date, **invitation)
        meeting = {"id": f"mtg-{date.replace('-', '')}-{secrets.token_hex(6)}",
                   "group_id": group["id"], "date": date, "time": time, "place": place,
                   "items": build_items(tx, items), "status": "planned",
                   "created_at": clock.now_iso(), **extra}
        tx.insert(MEETINGS, meeting)
    return meeting


def edit_meeting(store: Store, ref: str, *, date: str | None = None, time: str | None = None,
                 place: str | None = None, items: list[str] | None = None,
                 **invitation: Any) -> dict[str, Any]:
    """Change a planned meeting: only what is given changes; a finished one is kept as it was."""
    from coprod_cli.meetings.details import details

    with store.transaction() as tx:
        meeting = find_meeting(tx, ref)
        if meeting["status"] == "finished":
            raise UsageError(f"The meeting on {meeting['date']} has finished, so its plan "
                             "stays as it was; nothing was changed.",
                             hint="Plan the next one with: coprod meeting plan GROUP ...")
        changes: dict[str, Any] = details(tx, group_id=meeting["group_id"],
                                          day=date or meeting["date"], fill_runs=False,
                                          **invitation)
        if date is not None:
            changes["date"] = date
        if time is not None:
            changes["time"] = time
        if place is not None:
            changes["place"] = check_place(place)
        if items is not None:
            if meeting["status"] != "planned":
                raise UsageError("The meeting has started, so its items stay as they are; "
                                 "nothing was changed.")
            changes["items"] = build_items(tx, items)
        if not changes:
            raise UsageError("Nothing to change: give what to change, e.g. --why or --travel.")
        changes["updated_at"] = clock.now_iso()
        return tx.update(MEETINGS, meeting["id"], changes)


def check_place(place: str) -> str:
    place = place.strip()
    if not place:
        raise UsageError("Say where the meeting is with --place, e.g. --place \"Beech House "
                         "lounge\".")
    if len(place) > MAX_TITLE or any(ord(c) < 32 for c in place):
        raise UsageError("The place is too long or has control characters; keep it to one "
                         "line.")
    return place


def meetings(store: Records, group_id: str | None = None) -> list[dict[str, Any]]:
    """Meetings in date order, oldest first."""
    found = store.all(MEETINGS) if group_id is None else \
        store.find(MEETINGS, lambda m: m["group_id"] == group_id)
    return sorted(found, key=lambda m: (m["date"], m["time"], m["id"]))


def find_meeting(store: Records, ref: str) -> dict[str, Any]:
    """Exactly one meeting: its id, the start of its id, its date when only one is then
    ("today" and "tomorrow" too), or "next": the first unfinished one from today on."""
    ref = ref.strip()
    every = meetings(store)
    if ref.lower() in ("today", "tomorrow"):
        from coprod_cli.days import parse_day

        ref = parse_day(ref)
    elif ref.lower() == "next":  # the first meeting from today on that is not finished
        today = clock.today().isoformat()
        upcoming = [m for m in every if m["date"] >= today and m["status"] != "finished"]
        if upcoming:
            return upcoming[0]
    found = [m for m in every if m["id"] == ref]
    if not found and re.fullmatch(r"\d{4}-\d{2}-\d{2}", ref):
        found = [m for m in every if m["date"] == ref]
    if not found and len(ref) >= 4:
        found = [m for m in every if m["id"].startswith(ref)]
    if len(found) == 1:
        return found[0]
    if not found:
        raise NotFoundError(f"There is no meeting '{ref}'.",
                            hint="Run 'coprod meeting list' to see the meetings and their ids.")
    raise ValidationError(f"More than one meeting matches '{ref}'.",
                          hint="Use the meeting's id from 'coprod meeting list'.")


def previous_meeting(store: Records, meeting: dict[str, Any]) -> dict[str, Any] | None:
    """The group's meeting before this one, whose minutes and actions this one reviews."""
    earlier = [m for m in meetings(store, meeting["group_id"])
               if (m["date"], m["time"], m["id"]) < (meeting["date"], meeting["time"],
                                                     meeting["id"])]
    return earlier[-1] if earlier else None


def next_meeting(store: Records, meeting: dict[str, Any]) -> dict[str, Any] | None:
    later = [m for m in meetings(store, meeting["group_id"])
             if (m["date"], m["time"], m["id"]) > (meeting["date"], meeting["time"],
                                                   meeting["id"])]
    return later[0] if later else None


def planned_minutes(meeting: dict[str, Any]) -> int:
    return sum(int(item["minutes"]) for item in meeting["items"])
