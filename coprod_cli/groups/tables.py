"""The tables a group keeps: the group itself and each member's term, declared for the store.

A membership is one record per term (a person who was a member and is now chair has two), so
who held which office, and when, is never overwritten: minutes, a person's journey and the
report can all say who was chair on a given day. Leaving sets ``until``; nothing is deleted.

A group also keeps the statements it adopts (``group_statements``: its values, "we"
statements, a policy it reviewed), one point a line, with the day adopted and the meeting
that agreed it, so a poster can say "Agreed by the group on ...".
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import StringConstraints

from coprod_cli.groups import GROUPS as GROUPS
from coprod_cli.groups import KINDS as KINDS
from coprod_cli.groups import MEMBERS as MEMBERS
from coprod_cli.groups import OFFICES as OFFICES
from coprod_cli.groups import STATEMENT_KINDS as STATEMENT_KINDS
from coprod_cli.groups import STATEMENTS as STATEMENTS
from coprod_cli.store.schema.declarations import Date, Name, Record
from coprod_cli.store.schema.markers import Person, Ref, Text
from coprod_cli.store.schema.registry import Table, register

Kind = Literal["committee", "quality-group", "board", "peer-support", "other"]
Office = Literal["chair", "co-chair", "secretary", "treasurer", "member"]
StatementKind = Literal["values", "we-statement", "policy-review", "other"]


class Group(Record):
    name: Name
    kind: Kind
    service: Annotated[str, StringConstraints(max_length=120)]
    quorum: int | None
    created_at: Date


class Membership(Record):
    """One term: a member from ``start`` (``group join --from``) until ``until`` (inclusive;
    None while it lasts)."""

    group_id: Annotated[str, Ref(GROUPS, "its group")]
    person_id: Annotated[str, Person("member")]
    office: Office
    start: Date
    until: Date | None
    created_at: Date


register(Table(GROUPS, Group, ("group", "groups"), export_heading="Groups"))
register(Table(MEMBERS, Membership, ("group membership", "group memberships"),
               export_as="group_memberships", export_heading="Groups they belong to",
               dated_by="start"))


class Statement(Record):
    """A statement a group adopted: its points one a line, when, and at which meeting."""

    group_id: Annotated[str, Ref(GROUPS, "its group")]
    title: Annotated[str, Text("statement title")]
    kind: StatementKind
    points: list[Annotated[str, Text("statement point")]]
    adopted: Date
    meeting_id: Annotated[str | None, Ref("meetings", "meeting that agreed it")]
    created_at: Date


register(Table(STATEMENTS, Statement, ("group statement", "group statements"),
               export_heading="Statements groups adopted", dated_by="adopted"))
