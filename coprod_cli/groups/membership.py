"""Groups and who belongs to them: adding a group, joining, leaving, and members on a day.

A group is a committee, a quality group, a board or a peer-support group. Who belongs is kept
as terms (``group_members``), so the members "on" a day are those whose term covers it; the
meetings, rotas and pairing code all ask :func:`members` rather than reading terms
themselves, so a person who has left is never asked to a meeting or put on a rota.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from coprod_cli import clock
from coprod_cli.days import day_before
from coprod_cli.errors import NotFoundError, UsageError, ValidationError
from coprod_cli.groups import GROUPS, KINDS, MEMBERS, OFFICES
from coprod_cli.people import register as people
from coprod_cli.people.register import name_key
from coprod_cli.store.database import Store, Transaction

Records = Store | Transaction

#: Offices only one person may hold at a time; a group may have several co-chairs.
SINGLE_OFFICES = ("chair", "secretary", "treasurer")
#: The order officers are listed in.
OFFICE_ORDER = ("chair", "co-chair", "secretary", "treasurer", "member")
OFFICE_WORDS = {"chair": "Chair", "co-chair": "Co-chair", "secretary": "Secretary",
                "treasurer": "Treasurer", "member": "Member"}
KIND_WORDS = {"committee": "committee", "quality-group": "quality group", "board": "board",
              "peer-support": "peer-support group", "other": "group"}


@dataclass(frozen=True)
class Member:
    """A current member as the rest of coprod sees one: who, which office, which term."""

    person_id: str
    name: str
    role: str
    office: str
    start: str
    until: str | None
    lived_experience: bool
    term_id: str


def _today() -> str:
    return clock.today().isoformat()


def all_groups(store: Records) -> list[dict[str, Any]]:
    return sorted(store.all(GROUPS), key=lambda g: name_key(g["name"]))


def find_group(store: Records, ref: str) -> dict[str, Any]:
    """Exactly one group for ``ref``: its id, the start of its id, or its name in any case."""
    ref = ref.strip()
    groups = store.all(GROUPS)
    found = [g for g in groups if g["id"] == ref] or \
        [g for g in groups if name_key(g["name"]) == name_key(ref)] or \
        ([g for g in groups if g["id"].startswith(ref.lower())] if len(ref) >= 4 else [])
    if len(found) == 1:
        return found[0]
    if not found:
        raise NotFoundError(f"There is no group called '{ref}'.",
                            hint="Run 'coprod group list' to see the groups, or 'coprod group "
                                 "add NAME --kind committee' to start one.")
    raise ValidationError(f"More than one group matches '{ref}'.",
                          hint="Use the group's id from 'coprod group list'.")


def parse_kind(text: str) -> str:
    value = text.strip().lower().replace(" ", "-")
    if value not in KINDS:
        raise UsageError(f"'{text}' is not a kind of group.",
                         hint="Use one of: " + ", ".join(KINDS) + ".")
    return value


def parse_office(text: str) -> str:
    value = text.strip().lower().replace(" ", "-")
    if value == "cochair":
        value = "co-chair"
    if value not in OFFICES:
        raise UsageError(f"'{text}' is not an office in a group.",
                         hint="Use one of: " + ", ".join(OFFICES) + ".")
    return value


def add_group(store: Store, name: str, kind: str, *, service: str = "",
              quorum: int | None = None) -> dict[str, Any]:
    """A new group; a second group with the same name is refused, so names stay a handle."""
    clean = people.clean_name(name)
    kind = parse_kind(kind)
    if quorum is not None and not 1 <= quorum <= 1000:
        raise UsageError(f"A quorum of {quorum} is not possible; give the number of members "
                         "who must be there, at least 1.")
    with store.transaction() as tx:
        if any(name_key(g["name"]) == name_key(clean) for g in tx.all(GROUPS)):
            raise ValidationError(f"There is already a group called '{clean}'; nothing was "
                                  "saved.", hint="Choose another name, or use the group that "
                                                 "exists: coprod group show " + clean)
        group = {"id": f"grp-{secrets.token_hex(8)}", "name": clean, "kind": kind,
                 "service": service.strip(), "quorum": quorum, "created_at": clock.now_iso()}
        tx.insert(GROUPS, group)
    return group


def terms(store: Records, group_id: str) -> list[dict[str, Any]]:
    """Every term in a group, oldest first."""
    return sorted(store.find(MEMBERS, lambda m: m["group_id"] == group_id),
                  key=lambda m: (m["start"], m["created_at"], m["id"]))


def _covers(term: dict[str, Any], day: str) -> bool:
    return bool(term["start"] <= day and (term["until"] is None or day <= term["until"]))


def members(store: Records, group_id: str, *, on: str | None = None) -> list[Member]:
    """The members on day ``on`` (default today), one per person, sorted by name.

    A person with two terms covering the day (member, then co-chair from the same day) is
    listed once, with the office that started last.
    """
    day = on or _today()
    current: dict[str, dict[str, Any]] = {}
    for term in terms(store, group_id):
        if _covers(term, day):
            current[term["person_id"]] = term
    found = []
    for person_id, term in current.items():
        person = store.get(people.TABLE, person_id)
        if person is None:  # forgotten: their terms point at nobody now
            continue
        found.append(Member(person_id, person["name"], person["role"], term["office"],
                            term["start"], term["until"],
                            person["role"] == "person-using-services", term["id"]))
    return sorted(found, key=lambda m: name_key(m.name))


def quorum(group: dict[str, Any], member_count: int) -> int:
    """How many members must be there: the group's own rule, else more than half."""
    if group.get("quorum"):
        return int(group["quorum"])
    return member_count // 2 + 1


def join(store: Store, group_ref: str, person_ref: str, *, office: str = "member",
         start: str | None = None, until: str | None = None) -> dict[str, Any]:
    """Start a term. A current member taking an office ends their old term the day before."""
    office = parse_office(office)
    begin = start or _today()
    if until is not None and until < begin:
        raise UsageError(f"The term would end ({until}) before it starts ({begin}); nothing "
                         "was saved.", hint="Check --from and --until.")
    with store.transaction() as tx:
        group = find_group(tx, group_ref)
        person = people.find_person(tx, person_ref)  # type: ignore[arg-type]
        now = members(tx, group["id"], on=begin)
        mine = next((m for m in now if m.person_id == person["id"]), None)
        if mine is not None and mine.office == office:
            raise ValidationError(f"{person['name']} is already {_as(office)} of "
                                  f"{group['name']}; nothing was changed.")
        if office in SINGLE_OFFICES:
            holder = next((m for m in now if m.office == office
                           and m.person_id != person["id"]), None)
            if holder is not None:
                raise ValidationError(
                    f"{group['name']} already has a {office}: {holder.name}; nothing was "
                    "saved.", hint=f"End their term first: coprod group leave "
                    f"\"{group['name']}\" \"{holder.name}\", then join them again as a "
                    "member if they stay; or make this person a co-chair.")
        replaced_whole = False
        if mine is not None:
            old = tx.get(MEMBERS, mine.term_id)
            assert old is not None
            if old["start"] >= begin:
                tx.delete(MEMBERS, old["id"])  # replaced from its first day
                replaced_whole = True
            else:
                tx.update(MEMBERS, old["id"], {"until": day_before(begin)})
        term = {"id": f"mem-{secrets.token_hex(8)}", "group_id": group["id"],
                "person_id": person["id"], "office": office, "start": begin, "until": until,
                "created_at": clock.now_iso()}
        tx.insert(MEMBERS, term)
    return {"group": group, "person": person, "term": term, "replaced": mine,
            "replaced_whole": replaced_whole}


def leave(store: Store, group_ref: str, person_ref: str, *,
          on: str | None = None) -> dict[str, Any]:
    """End a person's current term; ``on`` is their last day (default today)."""
    last = on or _today()
    with store.transaction() as tx:
        group = find_group(tx, group_ref)
        person = people.find_person(tx, person_ref)  # type: ignore[arg-type]
        mine = next((m for m in members(tx, group["id"], on=last)
                     if m.person_id == person["id"]), None)
        if mine is None:
            raise ValidationError(f"{person['name']} is not a member of {group['name']} on "
                                  f"{last}; nothing was changed.",
                                  hint=f"See who is: coprod group show \"{group['name']}\"")
        if mine.start > last:
            raise UsageError(f"{person['name']}'s term starts on {mine.start}, after {last}.")
        tx.update(MEMBERS, mine.term_id, {"until": last})
        for later in tx.find(MEMBERS, lambda m: m["group_id"] == group["id"]
                             and m["person_id"] == person["id"] and m["start"] > last):
            tx.delete(MEMBERS, later["id"])  # a term planned after they leave never starts
    return {"group": group, "person": person, "office": mine.office, "until": last}


def _as(office: str) -> str:
    return "a member" if office == "member" else f"the {office}" \
        if office in SINGLE_OFFICES else "a co-chair"


def describe_member(member: Member) -> str:
    """"Siân, co-chair (lived experience), since 2026-01-05, term ends 2027-01-04"."""
    bits = [member.name, OFFICE_WORDS[member.office].lower() if member.office != "member"
            else "member"]
    text = ", ".join(bits)
    if member.lived_experience:
        text += " (lived experience)"
    text += f", since {member.start}"
    if member.until:
        text += f", term ends {member.until}"
    return text
