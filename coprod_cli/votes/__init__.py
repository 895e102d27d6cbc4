"""Fair votes at a meeting: the question and options, ballots, and the count with every round.

The API other features call (the meetings helper's ``meeting run`` and ``meeting minutes``)
is re-exported here and loaded on first use, so importing the package costs nothing:
``add_vote``, ``cast_ballot``, ``close_vote``, ``votes_for_meeting`` and ``count_vote`` (in
``records.py``) and ``VoteResult`` (in ``result.py``).
"""

from __future__ import annotations

from typing import Any

VOTES = "votes"
BALLOTS = "vote_ballots"
METHODS: tuple[str, ...] = ("yes-no", "majority", "irv", "stv")
"""Table names and the counting methods: here, so reaching them loads no declarations."""

__all__ = ["VoteResult", "add_vote", "cast_ballot", "close_vote", "count_vote",
           "votes_for_meeting"]


def __getattr__(name: str) -> Any:
    if name == "VoteResult":
        from coprod_cli.votes.result import VoteResult

        return VoteResult
    if name in __all__:
        from coprod_cli.votes import records

        return getattr(records, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
