"""The one place meetings reach the votes feature, so a meeting works with or without it.

Votes are built beside meetings (``coprod_cli.votes.records``). Until they are part of this
version, ``meeting run``'s ``V`` key and the minutes' vote section come through here: each
imports the votes code when first used and, if it is not there, says "Votes are not
available in this version" instead of failing.
"""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING, Any

from coprod_cli.errors import CoprodError

if TYPE_CHECKING:
    from coprod_cli.store.database import Store, Transaction

NOT_AVAILABLE = "Votes are not available in this version."


class VotesUnavailableError(CoprodError):
    """The votes feature is not in this version of coprod."""

    def __init__(self) -> None:
        super().__init__(NOT_AVAILABLE, hint="Record the result as a decision instead (d), "
                                             "with the numbers in its reason.")


def _records() -> ModuleType | None:
    try:
        from coprod_cli.votes import records  # type: ignore[attr-defined, unused-ignore]
    except ImportError:
        return None
    needed = ("add_vote", "cast_ballot", "close_vote", "votes_for_meeting", "count_vote")
    return records if all(hasattr(records, name) for name in needed) else None


def available() -> bool:
    return _records() is not None


def check_ballot(method: str, options: list[str], text: str) -> None:
    """Refuse a choice (or a ranking, "B>C>A") the vote could not count, as it is typed,
    so one mistyped ballot does not lose the others."""
    records = _records()
    if records is None or not hasattr(records, "read_ballot"):
        return
    names = list(getattr(records, "YES_NO", ["Yes", "No", "Abstain"])) \
        if method == "yes-no" else options
    vote = {"options": [{"name": n} for n in names], "method": method}
    if method in ("irv", "stv"):
        records.read_ballot(vote, ranking=text.split(">"))
    else:
        records.read_ballot(vote, choice=text)


def hold_vote(tx: Transaction, *, meeting_id: str, item: str, question: str,
              options: list[str], method: str, ballots: list[tuple[str | None, str]],
              seats: int = 1, secret: bool = False) -> str:
    """Add a vote, cast each ``(voter id, choice)`` ballot, close it; returns its id.

    A ranked (irv, stv) choice is written "B>C>A", best first; a yes-no vote has its own
    options, so ``options`` is empty for one."""
    records = _records()
    if records is None:
        raise VotesUnavailableError()
    vote = records.add_vote(tx, meeting_id=meeting_id, item=item, question=question,
                            options=options, method=method, seats=seats, secret=secret)
    for voter, choice in ballots:
        if method in ("irv", "stv"):
            records.cast_ballot(tx, vote["id"], ranking=choice.split(">"),
                                voter_id=None if secret else voter)
        else:
            records.cast_ballot(tx, vote["id"], choice=choice,
                                voter_id=None if secret else voter)
    records.close_vote(tx, vote["id"])
    return str(vote["id"])


def result_lines(store: Store | Transaction, vote_id: str) -> list[str]:
    records = _records()
    if records is None:
        raise VotesUnavailableError()
    return list(records.count_vote(store, vote_id).summary_lines())


def meeting_results(store: Store | Transaction, meeting_id: str
                    ) -> list[tuple[str | None, list[str]]]:
    """Each vote of a meeting as ``(item key, sentences)``; none without the votes feature."""
    records = _records()
    if records is None:
        return []
    found: list[tuple[str | None, list[str]]] = []
    for vote in records.votes_for_meeting(store, meeting_id):
        vote_dict: dict[str, Any] = vote
        found.append((vote_dict.get("item"), result_lines(store, vote_dict["id"])))
    return found
