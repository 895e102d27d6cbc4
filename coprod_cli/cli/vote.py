"""``coprod vote``: fair votes at a meeting: add, print ballot papers, cast, close, count, list.

Thin commands over ``coprod_cli.votes``: each parses its options, calls one domain function
inside one transaction, and shows the result. Typing ballots in, and voting at the laptop,
are in ``cli/vote_cast.py``; the count's table is drawn here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from coprod_cli.cli import new_app
from coprod_cli.cli.choices import DocFormat as OutFormat
from coprod_cli.cli.choices import ListFormat
from coprod_cli.cli.context import state
from coprod_cli.errors import UsageError

if TYPE_CHECKING:
    from coprod_cli.votes.result import VoteResult

app = new_app("Fair votes at a meeting: yes or no, one X, or ranked (IRV for one seat, STV "
              "for several), secret if you choose.\n\n"
              "Example: coprod vote add MEETING --question \"Who should be Chair?\" "
              "--option Siân --option Dev --method irv --secret")


def _pictures(values: list[str]) -> dict[str, str]:
    pictures: dict[str, str] = {}
    for value in values:
        option, sep, path = value.partition("=")
        if not sep or not option.strip() or not path.strip():
            raise UsageError(f"--picture '{value}' should be written OPTION=FILE.",
                             hint='For example: --picture "Siân=photos/sian.png"')
        pictures[option.strip()] = path.strip()
    return pictures


def _meeting_id(store: Any, ref: str) -> str:
    from coprod_cli.meetings.agenda import find_meeting

    return str(find_meeting(store, ref)["id"])


@app.command("add")
def add(
    meeting: Annotated[str, typer.Argument(
        metavar="MEETING", help="The meeting: its id (coprod meeting list), or its date when "
        "only one meeting is that day.")],
    question: Annotated[str, typer.Option(help="What is being decided, in plain words.")],
    method: Annotated[str, typer.Option(
        help="yes-no (Yes, No, Abstain); majority (one X, the most votes wins); irv "
        "(ranked 1, 2, 3, for one seat such as Chair); stv (ranked, for several seats).")],
    option: Annotated[list[str] | None, typer.Option(
        "--option", help="A candidate or choice. Repeat for each (not for yes-no).",
        show_default=False)] = None,
    seats: Annotated[int | None, typer.Option(
        help="STV only: how many places to fill.", show_default=False)] = None,
    secret: Annotated[bool, typer.Option(
        "--secret", help="A secret ballot: nothing records who voted which way.")] = False,
    picture: Annotated[list[str] | None, typer.Option(
        "--picture", help="OPTION=FILE: a picture or photo (PNG or JPEG) for an option on "
        "the ballot papers. Repeat for each.", show_default=False)] = None,
    item: Annotated[str | None, typer.Option(
        help="The agenda item the vote belongs to: its title or its number on the agenda.",
        show_default=False)] = None,
) -> None:
    """Add a vote to a meeting. Nothing is saved if any part is wrong.

    Example: coprod vote add 2027-01-12 --question Chair --option Siân --option Dev --method irv
    """
    from coprod_cli.meetings.agenda import find_meeting
    from coprod_cli.votes import records

    records.check_method(method)
    chosen_seats = records.check_seats(method, seats)
    pictures = _pictures(picture or [])
    store = state().store()
    with store.transaction() as tx:
        found = find_meeting(tx, meeting)
        key = records.agenda_item(found, item) if item else None
        vote = records.add_vote(tx, meeting_id=found["id"], item=key,
                                question=question, options=option or [], method=method,
                                seats=chosen_seats, secret=secret, pictures=pictures)
    said = "secret " if secret else ""
    options = ", ".join(o["name"] for o in vote["options"])
    state().console().print(f"Added {said}vote {vote['id']}: {vote['question']} "
                            f"({method}; options: {options}).", markup=False)
    state().console().print(f"Next: coprod vote ballots {vote['id']} --style easy-read "
                            f"--out ballots.pdf, or coprod vote cast {vote['id']}",
                            markup=False)


@app.command("ballots")
def ballots(
    vote: Annotated[str, typer.Argument(metavar="VOTE", help="The vote's id.")],
    out: Annotated[Path, typer.Option(help="The file to write, e.g. ballots.pdf.")],
    style: Annotated[str | None, typer.Option(
        help="standard, easy-read, large-print or dyslexia (default: your setting).",
        show_default=False)] = None,
    copies: Annotated[int, typer.Option(help="How many numbered papers.")] = 1,
    several: Annotated[bool, typer.Option(
        "--several-per-page", help="As many papers on each page as fit whole, with a line "
        "to cut along (default: one a page).")] = False,
    fmt: Annotated[OutFormat, typer.Option(
        "--format", help="pdf to print, html for a screen, md to edit.")] = OutFormat.pdf,
) -> None:
    """Print numbered ballot papers: the question, each option with its picture and a box,
    and how to mark it (an X, or 1, 2, 3 for a ranked vote).

    Example: coprod vote ballots v-1a2b --style easy-read --copies 12 --out ballots.pdf
    """
    from coprod_cli.render.styles import get_style
    from coprod_cli.votes import ballot_papers, records

    style = style or state().settings().handout_style
    get_style(style)
    found = records.find_vote(state().store(), vote)
    written = ballot_papers.write_ballots(found, out=out, style=style, fmt=fmt.value,
                                          copies=copies, several=several)
    state().console().print(f"Wrote {copies} ballot paper{'' if copies == 1 else 's'} "
                            f"({style}) to {written}.", markup=False)


@app.command("cast")
def cast(
    vote: Annotated[str, typer.Argument(metavar="VOTE", help="The vote's id.")],
    choice: Annotated[str | None, typer.Option(
        help="One ballot with one X: an option's name (any case) or number.",
        show_default=False)] = None,
    ranking: Annotated[str | None, typer.Option(
        help='One ranked ballot, best first: "B>C>A" (names or numbers).',
        show_default=False)] = None,
    voter: Annotated[str | None, typer.Option(
        help="Open (not secret) votes only: who cast this ballot (name or id).",
        show_default=False)] = None,
    at_laptop: Annotated[bool, typer.Option(
        "--at-laptop", help="People vote in turn at this laptop; the screen is cleared "
        "between voters.")] = False,
) -> None:
    """Cast ballots. With --choice or --ranking: one ballot, then stop. Without: type in
    paper ballots one at a time (a running count of ballots is shown, never the tally),
    or with --at-laptop let each person vote in turn.

    Example: coprod vote cast v-1a2b --ranking "Dev>Siân"
    """
    from coprod_cli.cli import vote_cast

    if choice is not None or ranking is not None:
        if at_laptop:
            raise UsageError("--at-laptop is for people voting in turn; --choice and "
                             "--ranking cast one ballot.", hint="Use one or the other.")
        vote_cast.cast_one(vote, choice=choice, ranking=ranking, voter=voter)
    elif at_laptop:
        vote_cast.at_laptop(vote)
    else:
        vote_cast.paper_ballots(vote)


@app.command("close")
def close(vote: Annotated[str, typer.Argument(metavar="VOTE", help="The vote's id.")]) -> None:
    """Close a vote: no more ballots can be cast, and it can be counted.

    Example: coprod vote close v-1a2b
    """
    from coprod_cli.votes import records

    store = state().store()
    with store.transaction() as tx:
        records.close_vote(tx, vote)
        found = records.find_vote(tx, vote)
        cast_count = records.ballot_count(tx, found)
    state().console().print(f"Closed '{found['question']}' with {cast_count} "
                            f"ballot{'' if cast_count == 1 else 's'}. See the result: coprod "
                            f"vote count {found['id']}", markup=False)


def _count_table(result: VoteResult) -> Any:
    from rich.table import Table
    from rich.text import Text

    from coprod_cli.votes.result import figure

    table = Table()
    table.add_column("Candidate")
    for rnd in result.rounds:
        quota = rnd.quota  # IRV's changes each round; STV's one quota is said above
        table.add_column(f"Round {rnd.number}" + (f"\nquota {figure(quota)}" if quota
                                                   is not None else ""), justify="right",
                         no_wrap=True)
    order = sorted(range(len(result.names)), key=lambda c: (
        c not in result.elected, result.elected.index(c) if c in result.elected else 0,
        -float(max((r.counts.get(c, 0) for r in result.rounds), default=0))))
    for c in order:
        cells = []
        for rnd in result.rounds:
            if c not in rnd.counts:
                cells.append("")
                continue
            mark = " elected" if c in rnd.elected else (" out" if c in rnd.excluded else "")
            cells.append(figure(rnd.counts[c]) + mark)
        table.add_row(Text(result.names[c]), *cells)
    if any(r.exhausted for r in result.rounds):
        table.add_row("Exhausted", *[figure(r.exhausted) for r in result.rounds])
    return table


@app.command("count")
def count(
    vote: Annotated[str, typer.Argument(metavar="VOTE", help="The vote's id.")],
    fmt: Annotated[ListFormat, typer.Option("--format", help="table or json.")
                   ] = ListFormat.table,
) -> None:
    """Count a closed vote and show every round: the votes, the transfers, who was elected or
    excluded, the quota, and how any tie was broken.

    Example: coprod vote count v-1a2b
    """
    from coprod_cli.votes import records
    from coprod_cli.votes.count import TIE_RULE
    from coprod_cli.votes.result import METHOD_WORDS, figure

    result = records.count_vote(state().store(), vote)
    if fmt is ListFormat.json:
        state().show_text(json.dumps(result.as_dict(), indent=2, ensure_ascii=False) + "\n")
        return
    say = state().console().print
    say(f"{result.question}", markup=False)
    seats = f", {result.seats} seats" if result.seats > 1 else ""
    quota = f" Quota: {figure(result.quota)}." if result.quota is not None else ""
    say(f"Method: {METHOD_WORDS[result.method]}{seats}. Ballots: {result.valid}.{quota}",
        markup=False)
    if result.method in ("irv", "stv") and result.valid:
        longest = max(len(n) for n in [*result.names, "Candidate", "Exhausted"])
        need = longest + 4 + len(result.rounds) * 15  # "12.34 elected" and its borders
        if state().plain or need > state().console().width:
            for line in result.round_lines():
                say(line, markup=False)
        else:
            say(_count_table(result))
            for rnd in result.rounds:
                for line in result.events(rnd):
                    say(f"Round {rnd.number}: {line}", markup=False)
    elif result.valid:
        first = result.rounds[0].counts
        for c in sorted(first, key=lambda c: -first[c]):
            say(f"  {result.names[c]}: {first[c].numerator}", markup=False)
    say("Result:", markup=False)
    for line in result.summary_lines():
        say(f"  {line}", markup=False)
    if result.method != "yes-no":
        say(TIE_RULE, markup=False)


@app.command("list")
def list_votes(
    meeting: Annotated[str | None, typer.Option(
        help="Only this meeting's votes (its id, or its date).", show_default=False)] = None,
    fmt: Annotated[ListFormat, typer.Option("--format", help="table or json.")
                   ] = ListFormat.table,
) -> None:
    """List the votes, with how many ballots each has (never the tally of an open one).

    Example: coprod vote list --format json
    """
    from coprod_cli.votes import records

    store = state().store()
    meeting_id = _meeting_id(store, meeting) if meeting else None
    found = records.list_votes(store, meeting_id=meeting_id)
    if fmt is ListFormat.json:
        state().show_text(json.dumps(found, indent=2, ensure_ascii=False) + "\n")
        return
    say = state().console().print
    if not found:
        say("No votes yet. Add one with: coprod vote add MEETING --question ... --method ...",
            markup=False)
        return
    for v in found:
        secret = ", secret" if v["secret"] else ""
        say(f"{v['id']}  {v['question']} ({v['method']}{secret}; {v['status']}; "
            f"{v['ballots']} ballot{'' if v['ballots'] == 1 else 's'})", markup=False)
