"""Casting ballots from the terminal: one scripted ballot, paper ballots typed in, or voting
at the laptop.

Typing in paper ballots shows only how many have been entered, never the tally. At the
laptop each voter gets a cleared screen (and the terminal's scrollback and the line-editing
history are cleared too), so nothing of the previous voter's choice can be seen or
recalled with the arrow keys; in a terminal the whole turn runs on the alternate screen.
"""

from __future__ import annotations

import sys
from typing import Any

from coprod_cli.cli.context import state, stdin_is_terminal
from coprod_cli.cli.prompts import ask, ask_valid
from coprod_cli.errors import CoprodError, NoTerminalError, ValidationError

#: Clear the screen and the scrollback, and put the cursor at the top.
CLEAR = "\x1b[2J\x1b[3J\x1b[H"
ALT_ON, ALT_OFF = "\x1b[?1049h", "\x1b[?1049l"
ENDS = ("end", "done", "quit", "q")


def _say(text: str) -> None:
    state().console().print(text, markup=False)


def _split(vote: dict[str, Any], text: str) -> dict[str, Any]:
    """What was typed, as ``choice`` or ``ranking``: "2 3 1", "2>3>1", "2, 3, 1", a name."""
    if vote["method"] not in ("irv", "stv"):
        return {"choice": text}
    if ">" in text:
        return {"ranking": text.split(">")}
    if "," in text:
        return {"ranking": text.split(",")}
    words = text.split()
    if len(words) > 1 and all(w.isdigit() for w in words):
        return {"ranking": words}
    return {"ranking": [text]}


def _open_vote(ref: str) -> dict[str, Any]:
    from coprod_cli.votes import records

    vote = records.find_vote(state().store(), ref)
    if vote["status"] != "open":
        raise ValidationError(f"The vote '{vote['question']}' is closed, so no more ballots "
                              "can be cast.",
                              hint=f"See the result with: coprod vote count {vote['id']}")
    return vote


def _save(vote: dict[str, Any], given: dict[str, Any], *, voter_id: str | None,
          entered: str) -> int:
    from coprod_cli.votes import records

    store = state().store()
    with store.transaction() as tx:
        records.cast_ballot(tx, vote["id"], voter_id=voter_id, entered=entered, **given)
        return int(records.ballot_count(tx, records.find_vote(tx, vote["id"])))


def cast_one(ref: str, *, choice: str | None, ranking: str | None, voter: str | None) -> None:
    from coprod_cli.people.register import find_person
    from coprod_cli.votes import records

    store = state().store()
    vote = records.find_vote(store, ref)
    voter_id = str(find_person(store, voter)["id"]) if voter else None
    given: dict[str, Any] = {"choice": choice} if ranking is None else {
        "ranking": ranking.split(">")}
    if choice is not None and ranking is not None:
        given["choice"] = choice  # both given: the domain says which to choose
    total = _save(vote, given, voter_id=voter_id, entered="paper")
    _say(f"Ballot saved. Ballots so far: {total}.")


def _options(vote: dict[str, Any]) -> None:
    for number, option in enumerate(vote["options"], start=1):
        _say(f"  {number}. {option['name']}")


def _how(vote: dict[str, Any], *, voter: bool) -> str:
    if vote["method"] in ("irv", "stv"):
        who = "your" if voter else "the paper's"
        return (f"Type {who} numbers in order, best first, with spaces between: for "
                "example 2 1 3. You need not number them all.")
    return ("Type the number of your choice." if voter
            else "Type the number (or name) marked with an X.")


def paper_ballots(ref: str) -> None:
    """Type in paper ballots one at a time until 'end'."""
    vote = _open_vote(ref)
    _say(f"Typing in paper ballots for: {vote['question']}")
    _options(vote)
    _say(_how(vote, voter=False))
    _say("A paper that cannot be counted: type 'spoilt' to set it aside. When all the papers "
         "are in, type 'end'.")
    from coprod_cli.votes import records

    entered = spoilt = 0
    total = records.ballot_count(state().store(), vote)
    while True:
        try:
            answer = ask(f"Paper {entered + spoilt + 1}", flag="--choice or --ranking")
        except NoTerminalError:
            break  # the end of piped input: every paper is in
        if answer.lower() in ENDS:
            break
        if answer.lower() in ("spoilt", "spoiled", "s"):
            spoilt += 1
            _say(f"  Set aside as spoilt. Spoilt papers: {spoilt}.")
            continue
        if not answer:
            continue
        try:
            total = _save(vote, _split(vote, answer), voter_id=None, entered="paper")
        except CoprodError as exc:
            _say(f"  Not saved: {exc.message}" + (f" {exc.hint}" if exc.hint else ""))
            continue
        entered += 1
        _say(f"  Saved. Ballots entered: {total}.")
        _forget_typing()
    spoilt_said = f", {spoilt} set aside as spoilt" if spoilt else ""
    _say(f"Entered {entered} ballot{'' if entered == 1 else 's'}{spoilt_said}. The vote now "
         f"has {total}. It is still open: close it with coprod vote close {vote['id']}")


def _forget_typing() -> None:
    """The previous answer must not come back with the up arrow."""
    try:
        import readline

        readline.clear_history()
    except (ImportError, AttributeError):
        pass


def _clear() -> None:
    _forget_typing()
    sys.stdout.write(CLEAR)
    sys.stdout.flush()


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _describe(vote: dict[str, Any], picked: list[int]) -> str:
    names = [vote["options"][i]["name"] for i in picked]
    if vote["method"] in ("irv", "stv"):
        return ", ".join(f"{_ordinal(n)} {name}" for n, name in enumerate(names, start=1))
    return str(names[0])


def _one_voter(vote: dict[str, Any]) -> bool:
    """One person's turn at the laptop; False if the chair ended the voting instead."""
    from coprod_cli.people.register import find_person
    from coprod_cli.votes import records

    voter_id = None
    if not vote["secret"]:
        person = ask_valid("Your name", lambda t: find_person(state().store(), t),
                           flag="--voter")
        voter_id = str(person["id"])
        if records.has_voted(state().store(), vote, voter_id):
            _say(f"{person['name']}, you have already voted in this vote. Each person has "
                 "one vote.")
            ask("Press Enter and pass the laptop back")
            return True
    _say(vote["question"])
    _options(vote)
    _say(_how(vote, voter=True))
    while True:
        picked = ask_valid("Your vote", lambda t: records.read_ballot(vote, **_split(vote, t)),
                           flag="--choice or --ranking")
        _say(f"You chose: {_describe(vote, picked)}.")
        if ask("Is that right? Type y to save it, or n to change it", default="y"
               ).lower() in ("y", "yes"):
            break
    ranking = [str(i + 1) for i in picked]
    given: dict[str, Any] = {"ranking": ranking} if vote["method"] in ("irv", "stv") else \
        {"choice": ranking[0]}
    try:
        _save(vote, given, voter_id=voter_id, entered="laptop")
    except CoprodError as exc:
        _say(f"Your vote was not saved: {exc.message}")
        ask("Press Enter and pass the laptop back")
        return True
    _say("Thank you. Your vote is saved.")
    ask("Press Enter and pass the laptop back")
    return True


def at_laptop(ref: str) -> None:
    """People vote in turn; the screen is cleared before and after each voter."""
    from coprod_cli.votes import records

    vote = _open_vote(ref)
    terminal = stdin_is_terminal()
    if terminal:
        sys.stdout.write(ALT_ON)
    stopped = False
    try:
        while True:
            _clear()
            store = state().store()
            total = records.ballot_count(store, records.find_vote(store, vote["id"]))
            _say(f"Voting at the laptop: {vote['question']}")
            _say(f"Ballots cast so far: {total}.")
            secret = " This is a secret vote: no one can see how you voted." \
                if vote["secret"] else ""
            _say(f"Next voter: press Enter to vote.{secret} (Chair: type end to finish.)")
            try:
                answer = ask("Ready")
            except NoTerminalError:
                break
            if answer.lower() in ENDS:
                break
            _clear()
            try:
                _one_voter(vote)
            except NoTerminalError:
                break
    except KeyboardInterrupt:
        stopped = True
    finally:
        _clear()
        if terminal:
            sys.stdout.write(ALT_OFF)
            sys.stdout.flush()
    store = state().store()
    total = records.ballot_count(store, records.find_vote(store, vote["id"]))
    said = "was stopped (a vote not yet saved was not kept)" if stopped else "ended"
    _say(f"Voting at the laptop {said}. The vote has {total} ballot"
         f"{'' if total == 1 else 's'} and is still open: close it with coprod vote close "
         f"{vote['id']}")
    if stopped:
        import typer

        from coprod_cli.errors import ExitCode

        raise typer.Exit(int(ExitCode.INTERRUPTED))
