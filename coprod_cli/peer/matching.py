"""Suggested pairs: who shares the most, found by maximum-weight matching, with reasons.

Everyone in the pool (current members of a group, or people in a service; never staff, who
facilitate pairs, never someone who said no to being paired, never someone already in an
active pairing) is a point; two people who share at least one interest are joined by an
edge weighing ``3 x shared interests + 1 x free times in common``. A maximum-weight
matching over that graph (``networkx.max_weight_matching``, Edmonds' blossom algorithm:
exact, not a greedy loop) picks pairs so that the total of what pairs share is as large
as possible, each person in at most one pair. The matched pairs come first, best first;
then up to a few other good pairs that the matching did not use, as alternatives.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from coprod_cli.peer.availability import slots_words
from coprod_cli.peer.interests import shared_interests, shared_slots
from coprod_cli.peer.pairs import active_pair_of
from coprod_cli.people import register as people

if TYPE_CHECKING:
    from coprod_cli.store.database import Store, Transaction

INTEREST_WEIGHT = 3
SLOT_WEIGHT = 1
MAX_OTHERS = 5


@dataclass(frozen=True)
class Suggestion:
    a: dict[str, Any]
    b: dict[str, Any]
    interests: list[str]
    slots: list[str]
    weight: int
    matched: bool

    @property
    def why(self) -> str:
        """"both: gardening, music; both free Thursday afternoons"."""
        said = "both: " + ", ".join(self.interests)
        if self.slots:
            return said + "; both free " + slots_words(self.slots)
        return said + "; no free time in common recorded yet"

    def public(self) -> dict[str, Any]:
        return {"id": f"{people.short_id(self.a['id'])}-{people.short_id(self.b['id'])}",
                "matched": self.matched, "weight": self.weight,
                "people": [{"id": p["id"], "name": p["name"]} for p in (self.a, self.b)],
                "interests": self.interests, "slots": self.slots, "why": self.why}


@dataclass
class Suggestions:
    matched: list[Suggestion]
    others: list[Suggestion]
    pool: list[dict[str, Any]]
    left_out: dict[str, list[str]] = field(default_factory=dict)  # reason -> names


def weight(a: dict[str, Any], b: dict[str, Any]) -> tuple[int, list[str], list[str]]:
    interests, slots = shared_interests(a, b), shared_slots(a, b)
    if not interests:
        return 0, interests, slots
    return INTEREST_WEIGHT * len(interests) + SLOT_WEIGHT * len(slots), interests, slots


def pool(store: Store | Transaction, candidates: Iterable[dict[str, Any]]
         ) -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
    """Who can be suggested, and who was left out and why."""
    kept: list[dict[str, Any]] = []
    left: dict[str, list[str]] = {}
    for person in candidates:
        reason = None
        if person["role"] == "staff":
            reason = "staff, who facilitate pairs"
        elif person.get("pairing") == "no":
            reason = "said no to being paired"
        elif active_pair_of(store, person["id"]) is not None:
            reason = "already paired"
        elif not person.get("interests"):
            reason = "no interests recorded yet"
        if reason:
            left.setdefault(reason, []).append(person["name"])
        else:
            kept.append(person)
    return kept, left


def suggest(store: Store | Transaction, candidates: Iterable[dict[str, Any]]) -> Suggestions:
    """Suggested pairs among ``candidates`` (people records): see the module docstring."""
    import networkx as nx

    chosen, left = pool(store, candidates)
    chosen.sort(key=lambda p: (people.name_key(p["name"]), p["id"]))
    graph = nx.Graph()
    graph.add_nodes_from(p["id"] for p in chosen)
    edges: dict[frozenset[str], Suggestion] = {}
    for i, a in enumerate(chosen):
        for b in chosen[i + 1:]:
            w, interests, slots = weight(a, b)
            if w > 0:
                graph.add_edge(a["id"], b["id"], weight=w)
                edges[frozenset((a["id"], b["id"]))] = Suggestion(a, b, interests, slots, w,
                                                                   False)
    matching = nx.max_weight_matching(graph, maxcardinality=False, weight="weight")
    picked = {frozenset(edge) for edge in matching}
    order = {p["id"]: n for n, p in enumerate(chosen)}

    def rank(s: Suggestion) -> tuple[int, int, int]:
        return (-s.weight, order[s.a["id"]], order[s.b["id"]])

    matched = sorted((Suggestion(**{**edges[k].__dict__, "matched": True}) for k in picked),
                     key=rank)
    others = sorted((s for k, s in edges.items() if k not in picked), key=rank)[:MAX_OTHERS]
    return Suggestions(matched, others, chosen, left)


def candidates_in(store: Store | Transaction, *, service: str | None = None,
                  member_ids: set[str] | None = None) -> list[dict[str, Any]]:
    """People in a service (any case) and/or among a group's current members."""
    found = store.all(people.TABLE)
    if service:
        found = [p for p in found if people.name_key(p["service"]) == people.name_key(service)]
    if member_ids is not None:
        found = [p for p in found if p["id"] in member_ids]
    return found
