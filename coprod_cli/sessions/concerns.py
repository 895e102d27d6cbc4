"""Safeguarding concerns: a private note of what a facilitator noticed, kept for follow-up.

A concern is not a run note. Run notes appear in the run's record and may be read by anyone
looking back at a session; a concern (what, about whom, when) is for the people who follow up
safeguarding, so it lives in its own table, is never counted in reports, and is left out of
every bundle that leaves this computer (``data export``; backups keep it so a restore loses
nothing). ``coprod session concerns`` lists each one until it is marked followed up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from coprod_cli import clock
from coprod_cli.errors import NotFoundError, UsageError
from coprod_cli.sessions.run_records import partition_of

if TYPE_CHECKING:
    from coprod_cli.store.database import Store

CONCERNS = "concerns"
SHORT = 8


def record_concern(store: Store, run_id: str, what: str, *, person_id: str | None = None,
                   step: int | None = None, when: str | None = None) -> dict[str, Any]:
    """Save one concern at once (its own transaction): the facilitator must never lose it."""
    what = what.strip()
    if not what:
        raise UsageError("The concern is empty, so nothing was recorded.",
                         hint="Say what you noticed, in a few words.")
    now = clock.now_iso()
    record: dict[str, Any] = {"run_id": run_id, "person_id": person_id, "what": what,
                              "step": step, "noticed_at": when or now, "recorded_at": now,
                              "followed_up_at": None, "follow_up": None}
    with store.transaction() as tx:
        record["id"] = tx.insert(CONCERNS, record, partition=partition_of(run_id))
    return record


def open_concerns(store: Store, *, include_followed_up: bool = False) -> list[dict[str, Any]]:
    """Concerns still to be followed up (or all of them), oldest first."""
    found = [c for c in store.all(CONCERNS) if include_followed_up or not c["followed_up_at"]]
    return sorted(found, key=lambda c: c["recorded_at"])


def find_concern(store: Store, ref: str) -> dict[str, Any]:
    ref = ref.strip().lower()
    found = [c for c in store.all(CONCERNS) if ref and c["id"].lower().startswith(ref)]
    if len(found) != 1:
        raise NotFoundError(f"There is no concern '{ref}'." if not found else
                            f"More than one concern starts with '{ref}'.",
                            hint="Run 'coprod session concerns' to see each one's id.")
    return found[0]


def follow_up(store: Store, ref: str, note: str = "") -> dict[str, Any]:
    """Mark a concern followed up (with what was done); it then leaves the open list."""
    concern = find_concern(store, ref)
    if concern["followed_up_at"]:
        raise UsageError("That concern is already marked followed up.")
    return store.update(CONCERNS, concern["id"], {"followed_up_at": clock.now_iso(),
                                                  "follow_up": note.strip() or None},
                        partition=partition_of(concern["run_id"]))
