"""Actions a meeting agrees: what, who, by when; open until done, carried to the next agenda.

An action is a record of its own (``actions``), not part of its meeting, because it outlives
it: every later agenda, invitation and set of minutes of the group lists the open ones
under "last meeting's minutes and open actions" until someone marks it done (at the next
meeting, or with ``coprod action done``).
"""

from __future__ import annotations

import secrets
from typing import Any

from coprod_cli import clock
from coprod_cli.days import parse_day
from coprod_cli.errors import NotFoundError, UsageError, ValidationError
from coprod_cli.meetings import ACTIONS
from coprod_cli.meetings.details import clean_text, named
from coprod_cli.store.database import Store, Transaction

Records = Store | Transaction

MAX_WHAT = 300


def new_action(tx: Transaction, meeting: dict[str, Any], item_key: str, *, what: str,
               owner: str, due: str | None) -> dict[str, Any]:
    """Check and insert one action inside the caller's transaction."""
    text = clean_text(what, "The action", MAX_WHAT)
    if not text:
        raise UsageError("Say what the action is, e.g. 'Book the minibus for March'.")
    who = named(tx, owner)
    day = parse_day(due, "date it is due") if due else None
    record = {"id": f"act-{secrets.token_hex(8)}", "meeting_id": meeting["id"],
              "group_id": meeting["group_id"], "item": item_key, "what": text,
              "owner": who["name"], "owner_id": who["person_id"], "due": day,
              "status": "open", "done_at": None, "done_note": "", "done_meeting_id": None,
              "created_at": clock.now_iso()}
    tx.insert(ACTIONS, record)
    return record


def _order(action: dict[str, Any]) -> tuple[str, str, str]:
    return (action["created_at"], action["due"] or "9999", action["id"])


def list_actions(store: Records, *, group_id: str | None = None,
                 open_only: bool = False) -> list[dict[str, Any]]:
    """Actions oldest first, of one group or all, open ones only when asked."""
    return sorted(store.find(ACTIONS, lambda a: (group_id is None or a["group_id"] == group_id)
                             and (not open_only or a["status"] == "open")), key=_order)


def carried_forward(store: Records, meeting: dict[str, Any]) -> list[dict[str, Any]]:
    """What this meeting reviews: actions from the group's earlier meetings that are still
    open, or that were marked done at this meeting (so its minutes say so)."""
    from coprod_cli.meetings.agenda import meetings

    earlier = {m["id"] for m in meetings(store, meeting["group_id"])
               if (m["date"], m["time"], m["id"]) < (meeting["date"], meeting["time"],
                                                     meeting["id"])}
    return [a for a in list_actions(store, group_id=meeting["group_id"])
            if a["meeting_id"] in earlier
            and (a["status"] == "open" or a["done_meeting_id"] == meeting["id"])]


def made_at(store: Records, meeting_id: str) -> list[dict[str, Any]]:
    return sorted(store.find(ACTIONS, lambda a: a["meeting_id"] == meeting_id), key=_order)


def find_action(store: Records, ref: str) -> dict[str, Any]:
    ref = ref.strip()
    every = store.all(ACTIONS)
    found = [a for a in every if a["id"] == ref] or (
        [a for a in every if a["id"].startswith(ref)] if len(ref) >= 5 else [])
    if len(found) == 1:
        return found[0]
    if not found:
        raise NotFoundError(f"There is no action '{ref}'.",
                            hint="See the actions and their ids with: coprod action list")
    raise ValidationError(f"More than one action starts with '{ref}'.",
                          hint="Give more of its id, from 'coprod action list'.")


def mark_done(tx: Transaction, ref: str, *, note: str = "",
              meeting_id: str | None = None) -> dict[str, Any]:
    """Close an action inside the caller's transaction; one already done is refused."""
    action = find_action(tx, ref)
    if action["status"] == "done":
        raise ValidationError(f"The action '{action['what']}' was already marked done on "
                              f"{action['done_at'][:10]}; nothing was changed.")
    changes = {"status": "done", "done_at": clock.now_iso(),
               "done_note": clean_text(note, "--note", MAX_WHAT),
               "done_meeting_id": meeting_id}
    return tx.update(ACTIONS, action["id"], changes)


def done(store: Store, ref: str, *, note: str = "") -> dict[str, Any]:
    with store.transaction() as tx:
        return mark_done(tx, ref, note=note)


def describe(action: dict[str, Any]) -> str:
    """``Book the minibus (Dai, by 2027-02-01)``."""
    by = f", by {action['due']}" if action["due"] else ""
    return f"{action['what']} ({action['owner']}{by})"
