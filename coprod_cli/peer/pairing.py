"""What the ``pairs`` commands call: the pool of people (a group's current members, a
service), suggestions over it, a pairing made within a group, and a pairing as it is shown.

Groups are read through the groups API (``coprod_cli.groups.membership``): ``find_group``
and ``members``, which list only people whose membership covers today, so someone who left
a group is never suggested or paired in it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from coprod_cli.peer import pairs
from coprod_cli.peer.matching import Suggestions, candidates_in, suggest
from coprod_cli.people import register as people

if TYPE_CHECKING:
    from coprod_cli.store.database import Store, Transaction


def group_members(store: Store | Transaction, ref: str, *, on: str | None = None
                  ) -> tuple[dict[str, Any], set[str]]:
    """A group (by name or id) and the ids of its members on ``on`` (default today)."""
    from coprod_cli.groups.membership import find_group, members

    group = find_group(store, ref)
    return group, {m.person_id for m in members(store, group["id"], on=on)}


def suggest_pairs(store: Store, *, group: str | None = None,
                  service: str | None = None) -> Suggestions:
    member_ids = group_members(store, group)[1] if group else None
    return suggest(store, candidates_in(store, service=service, member_ids=member_ids))


def make_pair(store: Store, a: str, b: str, *, checklist: Sequence[str],
              facilitator: str | None = None, every: str | None = None,
              agreed_on: str | None = None, checks: Iterable[str] = (),
              group: str | None = None, service: str = "") -> dict[str, Any]:
    if group:
        found, member_ids = group_members(store, group)
        return pairs.make_pair(store, a, b, checklist=checklist, facilitator=facilitator,
                               every=every, agreed_on=agreed_on, checks=checks,
                               group_id=found["id"], members=member_ids, service=service)
    return pairs.make_pair(store, a, b, checklist=checklist, facilitator=facilitator,
                           every=every, agreed_on=agreed_on, checks=checks, service=service)


def pair_view(store: Store | Transaction, pair: dict[str, Any]) -> dict[str, Any]:
    """A pairing with names looked up, as lists and the sheet show it."""
    names = [pairs.name_of(store, pid) for pid in pair["people"]]
    helper = pairs.name_of(store, pair["facilitator"]) if pair["facilitator"] else None
    todo = sum(1 for c in pair["checklist"] if not c["done"])
    nxt = pairs.next_review(pair)
    line = (f"{pairs.short(pair['id'])}: {' & '.join(names)}, agreed {pair['agreed_on']}"
            + (f", facilitator {helper}" if helper else "")
            + (f", next review {nxt}" if nxt else "")
            + (f", ended {pair['ended_on']}" if pair["status"] == "ended" else "")
            + (f", {todo} safeguarding check{'s' * (todo != 1)} to do" if todo else ""))
    return {"short_id": pairs.short(pair["id"]), "names": names, "facilitator": helper,
            "next_review": nxt, "checks_to_do": todo, "line": line,
            "people_short": [people.short_id(p) for p in pair["people"]]}
