"""Votes and ballots in the store: adding a vote, casting, closing, finding and counting.

This is the domain API the ``vote`` commands and the meetings helper (``meeting run``,
``meeting minutes``) call. Everything is checked before anything is written, and each
function writes inside the caller's one transaction, so a refused ballot leaves no trace.

Secrecy (see ``tables.py`` for the full reasoning): a secret vote's ballots are kept inside
the vote record as a sorted list of option numbers, with no voter, no time and no
sequence; an open vote's ballots are records of their own that may name the voter.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coprod_cli import clock
from coprod_cli.errors import NotFoundError, UsageError, ValidationError
from coprod_cli.votes import BALLOTS, METHODS, VOTES

if TYPE_CHECKING:
    from coprod_cli.store.database import Store, Transaction
    from coprod_cli.votes.result import VoteResult

    Records = Store | Transaction

YES_NO = ["Yes", "No", "Abstain"]
RANKED = ("irv", "stv")
MAX_OPTION = 80
MAX_QUESTION = 300
PICTURE_TYPES = ("PNG", "JPEG", "GIF")


# -- checking what a vote is made of -----------------------------------------------------

def check_method(method: str) -> str:
    if method not in METHODS:
        raise UsageError(f"'{method}' is not a way of voting coprod knows.",
                         hint="Choose --method yes-no, majority (one X, most votes wins), irv "
                              "(ranked, one seat) or stv (ranked, several seats).")
    return method


def check_seats(method: str, seats: int | None) -> int:
    """The seats to fill; ``None`` means --seats was not given."""
    if seats is None:
        return 1
    if method != "stv":
        said = {"yes-no": "a yes-no", "majority": "a majority", "irv": "an IRV"}[method]
        raise UsageError(f"--seats is only for an STV vote; {said} vote fills one place.",
                         hint="Use --method stv to fill several seats, or leave out --seats.")
    if seats < 1:
        raise UsageError(f"An STV vote needs at least one seat, not {seats}.",
                         hint="Give the number of places to fill, e.g. --seats 3.")
    return seats


def _clean(text: str, what: str, limit: int) -> str:
    from coprod_cli.escape import is_terminal_unsafe

    cleaned = " ".join(text.split())
    if not cleaned:
        raise ValidationError(f"The {what} is empty.", hint=f"Write the {what} in words.")
    if len(cleaned) > limit:
        raise ValidationError(f"The {what} is {len(cleaned)} characters long; keep it under "
                              f"{limit}.", hint="Shorter words print larger on ballot papers.")
    if is_terminal_unsafe(cleaned):
        raise ValidationError(f"The {what} '{cleaned[:40]}' holds hidden control characters.",
                              hint="Type it again without copying it from elsewhere.")
    return cleaned


def check_options(method: str, options: list[str]) -> list[str]:
    if method == "yes-no":
        if options:
            raise UsageError("A yes-no vote has its own options (Yes, No and Abstain).",
                             hint="Leave out --option, or use --method majority for a choice "
                                  "between named options.")
        return list(YES_NO)
    names = [_clean(o, "option", MAX_OPTION) for o in options]
    for name in names:
        if ">" in name:
            raise ValidationError(f"The option '{name}' has a '>' in it, which is how a "
                                  "ranking is written (B>C>A).",
                                  hint="Name the option without '>'.")
    if len(names) < 2:
        said = f"only one option ('{names[0]}')" if names else "no options"
        raise ValidationError(f"A vote needs at least two options, and this one has {said}.",
                              hint="Add each option with --option, e.g. --option Siân "
                                   "--option Dev, or use --method yes-no for a yes or no "
                                   "question.")
    seen: dict[str, str] = {}
    for name in names:
        if name.casefold() in seen:
            raise ValidationError(f"Two options are both called '{name}'.",
                                  hint="Give each option a different name.")
        seen[name.casefold()] = name
    return names


def check_picture(option: str, path: str) -> str:
    """The absolute path of a readable picture file, or a clear sentence why not."""
    file = Path(path).expanduser()
    if not file.is_file():
        raise ValidationError(f"The picture for '{option}' ({path}) does not exist.",
                              hint="Check the file name and folder, or leave out --picture "
                                   "for that option.")
    try:
        from PIL import Image

        with Image.open(file) as image:
            kind = image.format
            image.verify()
    except (OSError, SyntaxError, ValueError):
        kind = None
    if kind not in PICTURE_TYPES:
        raise ValidationError(f"The picture for '{option}' ({path}) is not a PNG, JPEG or "
                              "GIF picture coprod can print.",
                              hint="Save it as a PNG or JPEG and try again.")
    return str(file.resolve())


def _pictures(names: list[str], pictures: dict[str, str] | None) -> list[str | None]:
    chosen: list[str | None] = [None] * len(names)
    for label, path in (pictures or {}).items():
        index = match_option(names, label, what="--picture")
        chosen[index] = check_picture(names[index], path)
    return chosen


def match_option(names: list[str], text: str, *, what: str = "the ballot") -> int:
    """The option ``text`` means: its name, ignoring case and spacing, or its number."""
    key = " ".join(text.split()).casefold()
    for index, name in enumerate(names):
        if name.casefold() == key:
            return index
    if key.isdigit() and 1 <= int(key) <= len(names):
        return int(key) - 1
    listed = ", ".join(f"{n}. {name}" for n, name in enumerate(names, start=1))
    raise ValidationError(f"'{text.strip()}' in {what} is not one of this vote's options.",
                          hint=f"The options are: {listed} (a name or its number).")


# -- adding, finding and listing ---------------------------------------------------------

def agenda_item(meeting: dict[str, Any], text: str) -> str:
    """The key of the meeting's agenda item ``text`` means: its title (any case), its key,
    or its number on the agenda."""
    items = meeting["items"]
    key = " ".join(text.split()).casefold()
    for item in items:
        if key in (item["title"].casefold(), item["key"].casefold()):
            return str(item["key"])
    if key.isdigit() and 1 <= int(key) <= len(items):
        return str(items[int(key) - 1]["key"])
    listed = "; ".join(f"{n}. {i['title']}" for n, i in enumerate(items, start=1))
    raise ValidationError(f"The meeting on {meeting['date']} has no agenda item '{text}'.",
                          hint=f"Its items are: {listed}.")


def add_vote(tx: Transaction, *, meeting_id: str, item: str | None, question: str,
             options: list[str], method: str, seats: int = 1, secret: bool = False,
             pictures: dict[str, str] | None = None) -> dict[str, Any]:
    """Add an open vote to a meeting and return its record. Nothing is written if any part
    is wrong: one option, more seats than candidates, seats without STV, an unknown method,
    a picture that is missing."""
    check_method(method)
    check_seats(method, None if seats == 1 else seats)
    names = check_options(method, options)
    if seats > len(names):
        raise ValidationError(f"There are {seats} seats but only {len(names)} candidates, so "
                              "everyone would be elected without a vote.",
                              hint="Add candidates with --option, or fill fewer seats with "
                                   "--seats.")
    vote = {"id": f"v-{secrets.token_hex(8)}", "meeting_id": meeting_id,
            "item": _clean(item, "agenda item", MAX_QUESTION) if item else None,
            "question": _clean(question, "question", MAX_QUESTION),
            "options": [{"name": n, "picture": p}
                        for n, p in zip(names, _pictures(names, pictures), strict=True)],
            "method": method, "seats": seats, "secret": secret, "status": "open",
            "created_at": clock.now_iso(), "closed_at": None, "tie_seed": None,
            "secret_ballots": []}
    tx.insert(VOTES, vote)
    return vote


def find_vote(store: Records, ref: str) -> dict[str, Any]:
    """One vote by its id, or a unique start of it (with or without the ``v-``)."""
    ref = ref.strip()
    votes = store.all(VOTES)
    exact = [v for v in votes if v["id"] == ref]
    if exact:
        return exact[0]
    start = ref if ref.startswith("v-") else f"v-{ref}"
    found = [v for v in votes if v["id"].startswith(start)] if len(ref) >= 3 else []
    if len(found) == 1:
        return found[0]
    if found:
        raise ValidationError(f"More than one vote starts with '{ref}'.",
                              hint="Give more of the id (coprod vote list shows them).")
    raise NotFoundError(f"There is no vote with the id '{ref}'.",
                        hint="Run 'coprod vote list' to see the votes and their ids.")


def _ballots_of(store: Records, vote: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for b in store.all(BALLOTS) if b["vote_id"] == vote["id"]]


def ballot_count(store: Records, vote: dict[str, Any]) -> int:
    """How many ballots a vote has (never what is on them)."""
    if vote["secret"]:
        return len(vote["secret_ballots"])
    return len(_ballots_of(store, vote))


def public(store: Records, vote: dict[str, Any]) -> dict[str, Any]:
    """A vote as lists and the meetings helper see it: no ballot contents."""
    return {"id": vote["id"], "meeting_id": vote["meeting_id"], "item": vote["item"],
            "question": vote["question"], "options": [o["name"] for o in vote["options"]],
            "method": vote["method"], "seats": vote["seats"], "secret": vote["secret"],
            "status": vote["status"], "ballots": ballot_count(store, vote),
            "created_at": vote["created_at"], "closed_at": vote["closed_at"]}


def votes_for_meeting(store: Records, meeting_id: str) -> list[dict[str, Any]]:
    """A meeting's votes, oldest first, as :func:`public` dictionaries."""
    return list_votes(store, meeting_id=meeting_id)


def list_votes(store: Records, *, meeting_id: str | None = None) -> list[dict[str, Any]]:
    votes = [v for v in store.all(VOTES) if meeting_id is None or v["meeting_id"] == meeting_id]
    # stable: votes added in the same second keep the order they were added in
    return [public(store, v) for v in sorted(votes, key=lambda v: v["created_at"])]


# -- casting and closing -----------------------------------------------------------------

def read_ballot(vote: dict[str, Any], *, choice: str | None = None,
                ranking: list[str] | None = None) -> list[int]:
    """The option numbers a ballot holds, first choice first, or why it cannot be counted."""
    names = [o["name"] for o in vote["options"]]
    if (choice is None) == (ranking is None):
        raise UsageError("Give a ballot either one choice or a ranking, not both or neither.",
                         hint="--choice OPTION for one X; --ranking \"B>C>A\" for a ranked "
                              "vote.")
    if choice is not None:
        return [match_option(names, choice)]
    assert ranking is not None
    if vote["method"] not in RANKED:
        raise UsageError(f"This is a {vote['method']} vote: each ballot has one X, not a "
                         "ranking.", hint="Use --choice OPTION.")
    picked: list[int] = []
    for text in ranking:
        if not text.strip():
            raise ValidationError("The ranking has an empty place in it (two '>' together, "
                                  "or one at an end).",
                                  hint="Write it like \"B>C>A\": names or numbers between '>'.")
        index = match_option(names, text, what="the ranking")
        if index in picked:
            raise ValidationError(f"The ranking names {names[index]} twice; each candidate "
                                  "can be ranked only once.",
                                  hint="Write each candidate once, best first, e.g. "
                                       "\"B>C>A\". You need not rank them all.")
        picked.append(index)
    return picked


def cast_ballot(tx: Transaction, vote_id: str, *, choice: str | None = None,
                ranking: list[str] | None = None, voter_id: str | None = None,
                entered: str = "paper") -> None:
    """Add one ballot to an open vote. A secret vote never takes a ``voter_id``; an open vote
    takes one ballot per voter when the voter is given. ``entered``: "paper" (typed in from
    a paper), "laptop" (the voter at the laptop) or "meeting" (recorded during a meeting)."""
    vote = find_vote(tx, vote_id)
    if vote["status"] != "open":
        raise ValidationError(f"The vote '{vote['question']}' is closed, so no more ballots "
                              "can be cast. Nothing was saved.",
                              hint=f"See the result with: coprod vote count {vote['id']}")
    picked = read_ballot(vote, choice=choice, ranking=ranking)
    if vote["secret"]:
        if voter_id is not None:
            raise UsageError("This is a secret vote, so a ballot cannot be linked to a voter.",
                             hint="Cast it without saying who voted.")
        tx.update(VOTES, vote["id"], {"secret_ballots": sorted([*vote["secret_ballots"],
                                                                picked])})
        return
    if voter_id is not None:
        from coprod_cli.people.register import TABLE as PEOPLE

        person = tx.get(PEOPLE, voter_id)
        if person is None:
            raise NotFoundError("The voter is not on the register, so the ballot was not "
                                "saved.", hint="Add them with 'coprod people add' first.")
        if has_voted(tx, vote, voter_id):
            raise ValidationError(f"{person['name']} has already voted in '{vote['question']}'."
                                  " Nothing was saved.",
                                  hint="Each person has one ballot.")
    tx.insert(BALLOTS, {"id": secrets.token_hex(8), "vote_id": vote["id"], "ranking": picked,
                        "voter_id": voter_id, "cast_at": clock.now_iso(),
                        "entered": entered})


def close_vote(tx: Transaction, vote_id: str) -> None:
    """Close a vote: no more ballots, and the seed that breaks any tie by lot is drawn."""
    vote = find_vote(tx, vote_id)
    if vote["status"] == "closed":
        raise ValidationError(f"The vote '{vote['question']}' is already closed.",
                              hint=f"See the result with: coprod vote count {vote['id']}")
    tx.update(VOTES, vote["id"], {"status": "closed", "closed_at": clock.now_iso(),
                                  "tie_seed": secrets.randbelow(10**9)})


def has_voted(store: Records, vote: dict[str, Any], person_id: str) -> bool:
    """Whether someone has a ballot in an open vote (a secret vote never knows)."""
    return not vote["secret"] and any(b["voter_id"] == person_id
                                      for b in _ballots_of(store, vote))


def ballots_of(store: Records, vote: dict[str, Any]) -> list[list[int]]:
    """What each ballot says (option numbers), in no meaningful order for a secret vote."""
    if vote["secret"]:
        return [list(b) for b in vote["secret_ballots"]]
    return [list(b["ranking"]) for b in _ballots_of(store, vote)]


def count_vote(store: Records, vote_id: str) -> VoteResult:
    """The result of a closed vote, with every round."""
    from coprod_cli.votes.count import count_ballots

    vote = find_vote(store, vote_id)
    if vote["status"] != "closed":
        raise ValidationError(f"The vote '{vote['question']}' is still open, so it cannot be "
                              "counted yet (no one sees a running tally while others vote).",
                              hint=f"Close it first: coprod vote close {vote['id']}")
    names = [o["name"] for o in vote["options"]]
    result = count_ballots(names, ballots_of(store, vote), method=vote["method"],
                           seats=vote["seats"], seed=vote["tie_seed"])
    result.question = vote["question"]
    result.vote_id = vote["id"]
    result.status = vote["status"]
    return result
