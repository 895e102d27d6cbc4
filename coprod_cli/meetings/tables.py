"""The tables a group's meetings keep, declared for the store (see store/schema/features.py).

A meeting is one record holding its agenda: the standing items every meeting has (welcome,
apologies, declarations of interest, last meeting's minutes and open actions, any other
business, the date of the next meeting) around the group's own items. Who leads an item is
kept by name as typed, with their register id when they are on it, so ``people forget``
removes both.

What an invitation needs (why it matters, who runs it, how to get there, access support,
costs paid) and what happened when it was run (who came, apologies, guests, each item's
times, notes, decisions with reasons, declarations of interest, the approval of its
minutes) live in the same record, so one transaction saves one action and a killed meeting
resumes with everything kept. Actions are records of their own (``actions``): they outlive
the meeting that made them and carry forward to the group's next agenda until done.
"""

from __future__ import annotations

from typing import Annotated, Literal, NotRequired

from pydantic import StringConstraints
from typing_extensions import TypedDict

from coprod_cli.groups import GROUPS
from coprod_cli.meetings import ACTIONS as ACTIONS
from coprod_cli.meetings import MEETINGS as MEETINGS
from coprod_cli.store.schema.declarations import By, Date, Name, Record
from coprod_cli.store.schema.markers import Person, Ref, Text
from coprod_cli.store.schema.registry import Table, register

Status = Literal["planned", "in-progress", "finished"]


class Item(TypedDict):
    """One agenda item. ``key`` names a standing item ("welcome", "aob") or is "item-N"."""

    key: str
    title: Annotated[str, Text("agenda item")]
    minutes: int
    lead: Annotated[str | None, Text("agenda item's lead")]
    lead_id: Annotated[str | None, Person("agenda item's lead")]
    standing: bool


Presence = Literal["present", "apologies", "absent"]
RunPhase = Literal["attendance", "items", "done"]


class Attendee(TypedDict):
    """A current member on the day, and whether they came or sent apologies."""

    person_id: Annotated[str, Person("member at a meeting")]
    status: Presence


class ItemTime(TypedDict):
    """One spell on one item: ``item`` is its place in the agenda (0-based)."""

    item: int
    started_at: Date
    ended_at: Date | None
    paused_seconds: float
    outcome: str | None


class RunState(TypedDict):
    phase: RunPhase
    item_index: int
    item_log: list[ItemTime]
    paused_at: Date | None
    paused_seconds: float
    started_at: Date
    ended_at: Date | None
    members: int
    quorum: int
    quorate: bool


class Note(TypedDict):
    item: str
    text: Annotated[str, Text("meeting note")]
    at: Date


class Decision(TypedDict):
    item: str
    text: Annotated[str, Text("meeting decision")]
    reason: Annotated[str, Text("reason for a decision")]
    quorate: bool
    at: Date


class Declaration(TypedDict):
    """A declaration of interest: who (by name, with their id when on the register), what."""

    item: str
    name: Annotated[str, Text("declaration of interest")]
    person_id: Annotated[str | None, Person("person declaring an interest")]
    what: Annotated[str, Text("declaration of interest")]
    at: Date


class Approval(TypedDict):
    """The minutes agreed as a true record at a later meeting, proposed and seconded."""

    at_meeting: Annotated[str, Ref(MEETINGS, "meeting that approved them")]
    on: Date
    proposed_by: By
    seconded_by: By | None


class Meeting(Record):
    group_id: Annotated[str, Ref(GROUPS, "its group")]
    date: Date
    time: Annotated[str, StringConstraints(pattern=r"^(?:[01]\d|2[0-3]):[0-5]\d$")]
    place: Annotated[str, Text("meeting place")]
    items: list[Item]
    status: Status
    created_at: Date
    updated_at: NotRequired[Date]
    why: NotRequired[Annotated[str, Text("why the meeting matters")]]
    runs: NotRequired[list[By]]
    travel: NotRequired[Annotated[str, Text("how to get there")]]
    access: NotRequired[Annotated[str, Text("access support")]]
    costs: NotRequired[Annotated[str, Text("costs paid")]]
    run: NotRequired[RunState]
    attendance: NotRequired[list[Attendee]]
    guests: NotRequired[list[Annotated[str, Text("guest at a meeting")]]]
    notes: NotRequired[list[Note]]
    decisions: NotRequired[list[Decision]]
    declarations: NotRequired[list[Declaration]]
    approval: NotRequired[Approval]


ActionStatus = Literal["open", "done"]


class Action(Record):
    """Something a meeting asked someone to do, by when; open until marked done."""

    meeting_id: Annotated[str, Ref(MEETINGS, "meeting that agreed it")]
    group_id: Annotated[str, Ref(GROUPS, "its group")]
    item: str
    what: Annotated[str, Text("action")]
    owner: Name
    owner_id: Annotated[str | None, Person("action's owner")]
    due: Date | None
    status: ActionStatus
    done_at: Date | None
    done_note: Annotated[str, Text("note on a finished action")]
    done_meeting_id: Annotated[str | None, Ref(MEETINGS, "meeting where it was marked done")]
    created_at: Date


register(Table(MEETINGS, Meeting, ("meeting", "meetings"),
               export_heading="Meetings that name them", dated_by="date"))
register(Table(ACTIONS, Action, ("action", "actions"),
               export_heading="Actions from meetings", dated_by="created_at"))
