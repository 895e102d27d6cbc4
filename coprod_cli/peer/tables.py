"""The tables peer support keeps: pairings (with their reviews) and rotas.

Declared here, beside the code that writes them, and imported by ``store/schema/features.py``
so ``data check``, ``people forget`` and ``people export`` cover them with no other change:
every field that holds a person's id is marked ``Person`` and every free text that may name
someone is marked ``Text``. A pairing's reviews are kept inside the pairing (a relationship
and its history are one record, written in one transaction). Interests, availability and the
answer to "happy to be paired?" are fields on the person's register entry (``PersonRecord``
in ``declarations.py``).
"""

from __future__ import annotations

from typing import Annotated, Literal

from typing_extensions import TypedDict  # pydantic needs it on Python < 3.12

from coprod_cli.groups import GROUPS
from coprod_cli.peer import PAIRS as PAIRS
from coprod_cli.peer import ROTAS as ROTAS
from coprod_cli.store.schema.declarations import Date, Record
from coprod_cli.store.schema.markers import Person, Ref, Text
from coprod_cli.store.schema.registry import Table, register


class Check(TypedDict):
    """One item of the organisation's safeguarding checklist, and whether it is done."""

    item: str
    done: bool
    on: Date | None


class Review(TypedDict):
    """A review of how a pairing is going (``pairs review``)."""

    on: Date
    due: Date | None  # the planned review date this one answers (None: an extra review)
    how: Annotated[str, Text("a pairing review")]
    decision: Literal["carry-on", "end"]
    by: Annotated[str | None, Person("pairing reviewer")]
    at: Date


class Pair(Record):
    """Two people who both agreed to be paired, with who supports them and when it is
    reviewed."""

    people: list[Annotated[str, Person("paired with")]]  # exactly two
    facilitator: Annotated[str | None, Person("pairing facilitator")]
    service: str
    group_id: Annotated[str | None, Ref(GROUPS, "group")]
    agreed_on: Date
    shared: list[str]  # the interest keys they shared when paired
    slots: list[str]  # the times both were free when paired
    checklist: list[Check]
    review_every_months: int
    review_dates: list[Date]
    reviews: list[Review]
    status: Literal["active", "ended"]
    ended_on: Date | None
    end_reason: Annotated[str | None, Text("why a pairing ended")]
    created_at: Date
    updated_at: Date


class Task(TypedDict):
    name: Annotated[str, Text("a rota task")]
    people: int


class Shift(TypedDict):
    task: str
    person_id: Annotated[str, Person("on a rota")]


class Day(TypedDict):
    date: Date
    shifts: list[Shift]


class Swap(TypedDict):
    """One change made to a saved rota (``rota swap``), kept so the rota's history is
    clear."""

    at: Date
    date: Date
    task: str
    from_person: Annotated[str, Person("swapped off a rota")]
    to_person: Annotated[str, Person("swapped onto a rota")]
    other_task: str | None  # the task the two exchanged, when the new person had one


class Rota(Record):
    group_id: Annotated[str, Ref(GROUPS, "group")]
    group_name: str
    tasks: list[Task]
    days: list[str]
    start: Date
    weeks: int
    dates: list[Day]
    changes: list[Swap]
    created_at: Date
    updated_at: Date


register(Table(PAIRS, Pair, ("pairing", "pairings"), export_heading="Peer pairings",
               dated_by="created_at"))
register(Table(ROTAS, Rota, ("rota", "rotas"), export_heading="Rotas they are on",
               dated_by="created_at"))
