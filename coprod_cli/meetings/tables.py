"""The tables a group's meetings keep, declared for the store (see store/schema/features.py).

A meeting is one record holding its agenda: the standing items every meeting has (welcome,
apologies, declarations of interest, last meeting's minutes and open actions, any other
business, the date of the next meeting) around the group's own items. Who leads an item is
kept by name as typed, with their register id when they are on it, so ``people forget``
removes both.
"""

from __future__ import annotations

from typing import Annotated, Literal, NotRequired

from pydantic import StringConstraints
from typing_extensions import TypedDict

from coprod_cli.groups.tables import GROUPS
from coprod_cli.store.schema.declarations import Date, Record
from coprod_cli.store.schema.markers import Person, Ref, Text
from coprod_cli.store.schema.registry import Table, register

MEETINGS = "meetings"

Status = Literal["planned", "in-progress", "finished"]


class Item(TypedDict):
    """One agenda item. ``key`` names a standing item ("welcome", "aob") or is "item-N"."""

    key: str
    title: Annotated[str, Text("agenda item")]
    minutes: int
    lead: Annotated[str | None, Text("agenda item's lead")]
    lead_id: Annotated[str | None, Person("agenda item's lead")]
    standing: bool


class Meeting(Record):
    group_id: Annotated[str, Ref(GROUPS, "its group")]
    date: Date
    time: Annotated[str, StringConstraints(pattern=r"^(?:[01]\d|2[0-3]):[0-5]\d$")]
    place: Annotated[str, Text("meeting place")]
    items: list[Item]
    status: Status
    created_at: Date
    updated_at: NotRequired[Date]


register(Table(MEETINGS, Meeting, ("meeting", "meetings"),
               export_heading="Meetings that name them", dated_by="date"))
