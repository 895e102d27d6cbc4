"""Pairings as relationships: made when both agree, checked, reviewed on a schedule, ended.

Good befriending practice, as the pairing records it: the organisation suggests a match,
both people agree (the day is kept), the safeguarding checklist the organisation sets
(``pair_checklist`` in the settings) is recorded item by item, and reviews fall due every
few months through the first year (6 and 12 months unless ``--review-every`` says
otherwise). A review says how it is going and whether to carry on or end; an ending keeps
its reason. Everything is checked before one transaction writes it, so bad input saves
nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from coprod_cli import clock
from coprod_cli.errors import NotFoundError, UsageError, ValidationError
from coprod_cli.peer import PAIRS
from coprod_cli.peer.dates import add_months, parse_date
from coprod_cli.peer.interests import shared_interests, shared_slots
from coprod_cli.people import register as people

if TYPE_CHECKING:
    from coprod_cli.store.database import Store, Transaction

    Records = Store | Transaction

MAX_TEXT = 2000
DEFAULT_EVERY = 6
FIRST_YEAR = 12
DECISIONS = ("carry-on", "end")


# -- reading options ------------------------------------------------------------------------

def parse_every(text: str | None) -> int:
    """Months between reviews from ``6m``, ``6``, ``6 months`` or ``1y``."""
    if text is None:
        return DEFAULT_EVERY
    value = text.strip().lower().replace(" ", "")
    found = re.fullmatch(r"(\d{1,2})(m|mo|month|months|y|yr|year|years)?", value, re.ASCII)
    if found:
        months = int(found.group(1)) * (12 if (found.group(2) or "m")[0] == "y" else 1)
        if 1 <= months <= 24:
            return months
    raise UsageError(f"'{text}' is not a time between reviews.",
                     hint="Write a number of months from 1 to 24, e.g. --review-every 6m "
                          "(or 3m, 12m, 1y).")


def check_key(item: str) -> str:
    """``risk-assessment-done`` for "Risk assessment done": how ``--check`` names an item."""
    folded = unicodedata.normalize("NFKC", item).casefold()
    return "-".join(re.findall(r"\w+", folded))


def parse_checks(items: Sequence[str], given: Iterable[str]) -> set[str]:
    """Which checklist items ``--check`` ticks: an item's key or an unambiguous start of it
    ("risk-assessment" for "risk assessment done")."""
    keys = {check_key(i): i for i in items}
    ticked: set[str] = set()
    for text in given:
        key = check_key(text)
        found = [i for k, i in keys.items() if k == key] or \
            [i for k, i in keys.items() if key and k.startswith(key)]
        if len(found) != 1:
            listed = ", ".join(keys)
            said = "matches more than one" if found else "is not one"
            raise UsageError(f"'{text}' {said} of the safeguarding checks.",
                             hint=f"The checks are: {listed} (set them with pair_checklist "
                                  "in the settings).")
        ticked.add(found[0])
    return ticked


def clean_text(text: str, what: str) -> str:
    value = text.strip()
    if not value:
        raise UsageError(f"The {what} cannot be empty.", hint="A sentence is enough.")
    if len(value) > MAX_TEXT:
        raise UsageError(f"The {what} is {len(value)} characters; the most is {MAX_TEXT}.")
    if any(unicodedata.category(c) == "Cc" and c not in "\n" for c in value):
        raise UsageError(f"The {what} cannot contain control characters.")
    return value


def review_dates(agreed: date, every: int) -> list[str]:
    """Every ``every`` months through the first year (at least one date): 6 -> 6 and 12
    months, 3 -> 3, 6, 9 and 12, 12 or more -> one review at that many months."""
    steps = max(1, FIRST_YEAR // every)
    return [add_months(agreed, every * k).isoformat() for k in range(1, steps + 1)]


# -- finding --------------------------------------------------------------------------------

def short(pair_id: str) -> str:
    return pair_id[:6]


def find_pair(store: Records, ref: str) -> dict[str, Any]:
    """A pairing by its id or a unique start of it (4 characters or more)."""
    key = ref.strip().lower()
    pairs = store.all(PAIRS)
    found = [p for p in pairs if p["id"] == key]
    if not found and len(key) >= 4:
        found = [p for p in pairs if p["id"].startswith(key)]
    if len(found) == 1:
        return found[0]
    if not found:
        raise NotFoundError(f"There is no pairing '{ref}'.",
                            hint="Run 'coprod pairs list' to see each pairing's id.")
    raise ValidationError(f"More than one pairing starts with '{ref}'.",
                          hint="Give more of the id, as 'coprod pairs list' shows it.")


def active_pair_of(store: Records, person_id: str) -> dict[str, Any] | None:
    for pair in store.all(PAIRS):
        if pair["status"] == "active" and person_id in pair["people"]:
            return pair
    return None


def name_of(store: Records, person_id: str | None) -> str:
    """A person's name, or words saying they are no longer on the register."""
    if person_id is None:
        return "nobody named"
    person = store.get(people.TABLE, person_id)
    return person["name"] if person else "someone no longer on the register"


def pending(pair: dict[str, Any]) -> list[str]:
    """The planned review dates no review has answered yet, earliest first."""
    answered = {r["due"] for r in pair["reviews"] if r["due"]}
    return sorted(d for d in pair["review_dates"] if d not in answered)


def next_review(pair: dict[str, Any]) -> str | None:
    if pair["status"] != "active":
        return None
    left = pending(pair)
    return left[0] if left else None


# -- making a pairing -----------------------------------------------------------------------

def refuse_person(store: Records, person: dict[str, Any]) -> None:
    """Why a person cannot be paired now (as one plain sentence), if they cannot."""
    if person.get("pairing") == "no":
        raise ValidationError(f"{person['name']} has said no to being paired, so nothing "
                              "was saved.",
                              hint=f"If they change their mind: coprod people edit "
                                   f"{people.short_id(person['id'])} --pairing yes")
    current = active_pair_of(store, person["id"])
    if current is not None:
        partner = [p for p in current["people"] if p != person["id"]]
        raise ValidationError(f"{person['name']} is already in an active pairing (with "
                              f"{name_of(store, partner[0] if partner else None)}), so "
                              "nothing was saved.",
                              hint=f"End that pairing first: coprod pairs end "
                                   f"{short(current['id'])} --reason \"...\"")


def refuse_service(a: dict[str, Any], b: dict[str, Any], service: str) -> None:
    """Both must be with the service: someone recorded in another one has left it."""
    key = people.name_key(service)
    for person in (a, b):
        theirs = people.name_key(person["service"])
        if key and theirs and theirs != key:
            raise ValidationError(f"{person['name']} is with '{person['service']}', not "
                                  f"'{service}': someone who has left the service cannot be "
                                  "paired, so nothing was saved.",
                                  hint="If they are back, change their service: coprod "
                                       f"people edit {people.short_id(person['id'])} "
                                       "--service NAME")
    if people.name_key(a["service"]) != people.name_key(b["service"]) and \
            a["service"] and b["service"]:
        raise ValidationError(f"{a['name']} is with '{a['service']}' and {b['name']} with "
                              f"'{b['service']}': people in different services (or who have "
                              "left one) cannot be paired, so nothing was saved.",
                              hint="If someone has moved, change their service: coprod "
                                   "people edit PERSON --service NAME")


def make_pair(store: Store, a_ref: str, b_ref: str, *, checklist: Sequence[str],
              facilitator: str | None = None, every: str | None = None,
              agreed_on: str | None = None, checks: Iterable[str] = (),
              group_id: str | None = None, members: set[str] | None = None,
              service: str = "") -> dict[str, Any]:
    """Record that two people both agreed to be paired. ``members`` (with ``group_id``):
    the people currently in that group; both must be among them. ``service``: this
    organisation's service (the settings'); someone recorded in another has left it."""
    a, b = people.find_person(store, a_ref), people.find_person(store, b_ref)
    if a["id"] == b["id"]:
        raise ValidationError(f"{a['name']} cannot be paired with themselves, so nothing "
                              "was saved.", hint="Give two different people.")
    if members is not None:
        for person in (a, b):
            if person["id"] not in members:
                raise ValidationError(f"{person['name']} is not a current member of that "
                                      "group (or has left it), so nothing was saved.",
                                      hint="See who is in it: coprod group show GROUP")
    refuse_service(a, b, service)
    refuse_person(store, a)
    refuse_person(store, b)
    helper = people.find_person(store, facilitator) if facilitator else None
    if helper is not None and helper["id"] in (a["id"], b["id"]):
        raise ValidationError(f"{helper['name']} is in the pair, so cannot also be its "
                              "facilitator; nothing was saved.",
                              hint="Name the member of staff who supports the pair.")
    months = parse_every(every)
    agreed = parse_date(agreed_on, "day they agreed")
    if agreed > clock.today():
        raise UsageError(f"{agreed.isoformat()} is in the future: record the pairing once "
                         "both have agreed. Nothing was saved.",
                         hint="Leave out --agreed-on for today.")
    ticked = parse_checks(checklist, checks)
    stamp = clock.now_iso()
    record: dict[str, Any] = {
        "people": [a["id"], b["id"]],
        "facilitator": helper["id"] if helper else None,
        "service": service or a["service"] or b["service"],
        "group_id": group_id,
        "agreed_on": agreed.isoformat(),
        "shared": shared_interests(a, b),
        "slots": shared_slots(a, b),
        "checklist": [{"item": item, "done": item in ticked,
                       "on": agreed.isoformat() if item in ticked else None}
                      for item in checklist],
        "review_every_months": months,
        "review_dates": review_dates(agreed, months),
        "reviews": [],
        "status": "active",
        "ended_on": None,
        "end_reason": None,
        "created_at": stamp,
        "updated_at": stamp,
    }
    with store.transaction() as tx:
        # checked again inside the lock: another window may have paired one of them
        refuse_person(tx, a)
        refuse_person(tx, b)
        tx.insert(PAIRS, record)
    return record


def tick_checks(store: Store, ref: str, checks: Iterable[str], *,
                on: str | None = None) -> dict[str, Any]:
    """Mark more of a pairing's safeguarding checks as done."""
    pair = find_pair(store, ref)
    items = [c["item"] for c in pair["checklist"]]
    ticked = parse_checks(items, checks)
    if not ticked:
        raise UsageError("No check was given.", hint="Use --check KEY, e.g. --check "
                                                     "risk-assessment.")
    day = parse_date(on, "day").isoformat()
    checklist = [{**c, "done": True, "on": c["on"] or day} if c["item"] in ticked else c
                 for c in pair["checklist"]]
    with store.transaction() as tx:
        return tx.update(PAIRS, pair["id"], {"checklist": checklist,
                                             "updated_at": clock.now_iso()})


def _active(store: Records, ref: str) -> dict[str, Any]:
    pair = find_pair(store, ref)
    if pair["status"] != "active":
        raise ValidationError(f"Pairing {short(pair['id'])} ended on {pair['ended_on']}, so "
                              "nothing was saved.", hint="See it with: coprod pairs list")
    return pair


def review_pair(store: Store, ref: str, *, how: str, decision: str, on: str | None = None,
                by: str | None = None) -> dict[str, Any]:
    """Record a review. It answers the earliest planned review still open; carrying on after
    the last planned one plans the next, ``review_every_months`` later."""
    pair = _active(store, ref)
    words = clean_text(how, "review (--how)")
    choice = decision.strip().lower()
    if choice not in DECISIONS:
        raise UsageError(f"'{decision}' is not a decision.",
                         hint="Use --decision carry-on or --decision end.")
    day = parse_date(on, "day of the review")
    if day.isoformat() < pair["agreed_on"]:
        raise UsageError(f"{day.isoformat()} is before the pair agreed "
                         f"({pair['agreed_on']}). Nothing was saved.")
    reviewer = people.find_person(store, by)["id"] if by else None
    left = pending(pair)
    due = left[0] if left else None
    review = {"on": day.isoformat(), "due": due, "how": words, "decision": choice,
              "by": reviewer, "at": clock.now_iso()}
    changes: dict[str, Any] = {"reviews": [*pair["reviews"], review],
                               "updated_at": clock.now_iso()}
    if choice == "end":
        changes.update(status="ended", ended_on=day.isoformat(),
                       end_reason=f"Decided at a review: {words}")
    elif len(left) <= 1:
        last = date.fromisoformat(max(pair["review_dates"]))
        changes["review_dates"] = [*pair["review_dates"],
                                   add_months(last, pair["review_every_months"]).isoformat()]
    with store.transaction() as tx:
        return tx.update(PAIRS, pair["id"], changes)


def end_pair(store: Store, ref: str, *, reason: str, on: str | None = None) -> dict[str, Any]:
    """End a pairing, keeping why."""
    pair = _active(store, ref)
    words = clean_text(reason, "reason (--reason)")
    day = parse_date(on, "day it ended")
    if day.isoformat() < pair["agreed_on"]:
        raise UsageError(f"{day.isoformat()} is before the pair agreed "
                         f"({pair['agreed_on']}). Nothing was saved.")
    with store.transaction() as tx:
        return tx.update(PAIRS, pair["id"], {"status": "ended", "ended_on": day.isoformat(),
                                             "end_reason": words,
                                             "updated_at": clock.now_iso()})


# -- lists ----------------------------------------------------------------------------------

def list_pairs(store: Records, *, status: str | None = None) -> list[dict[str, Any]]:
    """Pairings, active first, then by the day they agreed."""
    found = [p for p in store.all(PAIRS) if status is None or p["status"] == status]
    return sorted(found, key=lambda p: (p["status"] != "active", p["agreed_on"], p["id"]))


def due_reviews(store: Records, on: str | None = None) -> list[tuple[dict[str, Any], str]]:
    """Active pairings with a planned review on or before ``on`` (default today) that no
    review has answered, with the earliest such date; most overdue first."""
    day = parse_date(on, "day").isoformat()
    found = [(p, d) for p in list_pairs(store, status="active")
             if (d := next_review(p) or "") and d <= day]
    return sorted(found, key=lambda item: (item[1], item[0]["id"]))
