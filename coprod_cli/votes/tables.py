"""The tables votes keep, declared for the store (see store/schema/features.py).

Two tables, because secret and open ballots must be kept differently:

``votes``
    One record per vote: the question, the options, the method, whether it is secret, open
    or closed, and the seed that breaks a tie by lot (drawn when the vote closes). The
    ballots of a SECRET vote are kept inside it, as ``secret_ballots``: each ballot is only
    the list of option numbers in the voter's order, with no voter, no time and no sequence,
    and the list is kept sorted, so the order ballots were cast in is nowhere. Keeping them
    inside the vote record also keeps them out of the audit trail: a cast is "votes <id>
    updated", never a ballot record's own id and time.

``vote_ballots``
    The ballots of an OPEN (not secret) vote, one record each, with who cast it when that is
    known (``voter_id``, a Person field, so ``people forget`` pseudonymises it and ``people
    export`` gives a person their own ballots, not other people's). This is also what stops
    someone voting twice at the laptop in an open vote. In a secret vote nothing records who
    has voted: the chair or teller hands one paper, or one turn at the laptop, to each person,
    the way a paper ballot is run (see README, "Fair votes").

Option names and the question are free text that may name someone (a candidate), so they
are ``Text``: forgetting a person scrubs their name from them, and the count still works,
because ballots hold option numbers, not names.
"""

from __future__ import annotations

from typing import Annotated, Literal, NotRequired

from typing_extensions import TypedDict  # pydantic needs it on Python < 3.12

from coprod_cli.meetings import MEETINGS
from coprod_cli.store.schema.declarations import Date, Record
from coprod_cli.store.schema.markers import Person, Ref, Text
from coprod_cli.store.schema.registry import Table, register
from coprod_cli.votes import BALLOTS as BALLOTS
from coprod_cli.votes import METHODS as METHODS
from coprod_cli.votes import VOTES as VOTES

Method = Literal["yes-no", "majority", "irv", "stv"]


class VoteOption(TypedDict):
    name: Annotated[str, Text("an option in a vote")]
    #: the path of a picture or photo file for the ballot papers (a file name may name them)
    picture: Annotated[str | None, Text("the picture file of an option in a vote")]


class Vote(Record):
    meeting_id: Annotated[str, Ref(MEETINGS, "its meeting")]
    item: Annotated[str | None, Text("the agenda item of a vote")]  # the item's key
    question: Annotated[str, Text("a vote's question")]
    options: list[VoteOption]
    method: Method
    seats: int
    secret: bool
    status: Literal["open", "closed"]
    created_at: Date
    closed_at: Date | None
    tie_seed: int | None  # drawn when the vote closes; breaks a tie by lot, reproducibly
    #: A secret vote's ballots: option numbers (0 = the first option) in the voter's order,
    #: kept sorted so they carry no order. Empty for an open vote.
    secret_ballots: list[list[int]]


class Ballot(Record):
    """One ballot in an open vote."""

    vote_id: Annotated[str, Ref(VOTES, "vote")]
    ranking: list[int]  # option numbers, first choice first (one for a single-X vote)
    voter_id: Annotated[str | None, Person("voter")]  # None: a paper typed in by a teller
    cast_at: Date
    entered: NotRequired[Literal["paper", "laptop", "meeting"]]


register(Table(VOTES, Vote, ("vote", "votes"), export_heading="Votes",
               dated_by="created_at"))
register(Table(BALLOTS, Ballot, ("ballot", "ballots"), export_as="ballots_cast",
               export_heading="Ballots they cast in open (not secret) votes",
               dated_by="cast_at"))
