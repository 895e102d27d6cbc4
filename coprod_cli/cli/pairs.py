"""``coprod pairs``: suggest peer pairs, record pairings, review and end them, print sheets."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from coprod_cli.cli import new_app
from coprod_cli.cli.choices import ListFormat as Format
from coprod_cli.cli.context import state

app = new_app(
    "Peer support pairs: two people who share interests, introduced and supported by staff.\n\n"
    "Suggest pairs, record a pairing both people agreed to (with the safeguarding checks and "
    "review dates), review it, end it, and print an easy-read sheet about it.\n\n"
    "Example: coprod pairs suggest --service \"Shared Days\"")


class SheetStyle(StrEnum):
    easy_read = "easy-read"
    large_print = "large-print"
    standard = "standard"
    dyslexia = "dyslexia"


def _say(text: str) -> None:
    state().console().print(text, markup=False)


def _echo_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


@app.command("suggest")
def suggest(
    group: Annotated[str | None, typer.Option(
        help="Only current members of this group (name or id).")] = None,
    service: Annotated[str | None, typer.Option(
        help="Only people in this service.")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table or json.")] = Format.table,
) -> None:
    """Suggest pairs of people who share interests and free time.

    Each pair shares at least one interest and weighs 3 for each shared interest and 1 for
    each free time in common. The pairs are chosen by maximum-weight matching (networkx's
    max_weight_matching, Edmonds' blossom algorithm): the set of pairs that shares the most
    in total, each person in one pair at most. Those come first, best first, then a few
    other good pairs as alternatives. Left out: staff (they facilitate), anyone who said no
    to being paired (people edit --pairing no), anyone already in an active pairing, and
    people who left the group. Nothing is saved: record a pairing with 'pairs make'.

    Example: coprod pairs suggest --group "Allotment group"
    """
    from coprod_cli.peer import pairing as peer

    result = peer.suggest_pairs(state().store(), group=group, service=service)
    if fmt is Format.json:
        _echo_json({"matched": [s.public() for s in result.matched],
                    "others": [s.public() for s in result.others],
                    "left_out": result.left_out})
        return
    if not result.matched:
        _say(f"No pairs to suggest among {len(result.pool)} "
             f"{'person' if len(result.pool) == 1 else 'people'}: nobody shares an interest "
             "yet. Add interests with: coprod people edit PERSON --interest WORDS")
    else:
        _say("Suggested pairs (best first):")
        for n, s in enumerate(result.matched, start=1):
            _say(f"  {n}. {s.a['name']} and {s.b['name']}: {s.why}")
    if result.others:
        _say("Other good pairs:")
        for s in result.others:
            _say(f"  - {s.a['name']} and {s.b['name']}: {s.why}")
    if result.left_out:
        _say("Not suggested: " + "; ".join(f"{', '.join(names)} ({reason})"
                                           for reason, names in result.left_out.items()) + ".")
    if result.matched:
        first = result.matched[0]
        _say(f"To record one both have agreed to: coprod pairs make \"{first.a['name']}\" "
             f"\"{first.b['name']}\" --facilitator STAFF")


@app.command("make")
def make(
    a: Annotated[str, typer.Argument(metavar="PERSON", help="Name or short id.")],
    b: Annotated[str, typer.Argument(metavar="OTHER", help="Name or short id.")],
    facilitator: Annotated[str | None, typer.Option(
        help="The member of staff who supports the pair (name or short id); their name is "
        "on the sheet as the person to call.")] = None,
    review_every: Annotated[str | None, typer.Option(
        help="Months between reviews through the first year: 6m (the default) gives "
        "reviews at 6 and 12 months; 3m at 3, 6, 9 and 12.")] = None,
    agreed_on: Annotated[str | None, typer.Option(
        help="The day both agreed, YYYY-MM-DD (default today).")] = None,
    check: Annotated[list[str] | None, typer.Option(
        "--check", help="A safeguarding check that is done, e.g. risk-assessment; repeat "
        "for each. The checks are pair_checklist in the settings (default: risk assessment "
        "done, contact details agreed, emergency contacts held).")] = None,
    group: Annotated[str | None, typer.Option(
        help="The group the pair belongs to; both must be current members.")] = None,
) -> None:
    """Record a pairing that both people have agreed to.

    Refused, with nothing saved: a person with themselves, someone who said no to being
    paired, someone already in an active pairing, someone who has left the service (their
    service differs) or the group.

    Example: coprod pairs make Ceri Dai --facilitator Sam --check risk-assessment
    """
    from coprod_cli.peer import pairing as peer

    settings = state().settings()
    pair = peer.make_pair(state().store(), a, b, checklist=settings.pair_checklist,
                          facilitator=facilitator, every=review_every, agreed_on=agreed_on,
                          checks=check or [], group=group, service=settings.service)
    view = peer.pair_view(state().store(), pair)
    _say(f"Paired {view['names'][0]} and {view['names'][1]} (pairing {view['short_id']}), "
         f"agreed {pair['agreed_on']}.")
    if pair["shared"]:
        _say("They share: " + ", ".join(pair["shared"]) + ".")
    _say("Reviews due: " + ", ".join(pair["review_dates"]) + ".")
    todo = [c["item"] for c in pair["checklist"] if not c["done"]]
    if todo:
        from coprod_cli.peer.pairs import check_key

        _say("Safeguarding checks still to do: " + "; ".join(todo) + ". When one is done: "
             f"coprod pairs check {view['short_id']} --check {check_key(todo[0])}")
    else:
        _say("All safeguarding checks are recorded as done.")


@app.command("check")
def check_cmd(
    ref: Annotated[str, typer.Argument(metavar="PAIR", help="The pairing's id (pairs list).")],
    check: Annotated[list[str], typer.Option(
        "--check", help="A safeguarding check now done, e.g. contact-details; repeat.")],
    on: Annotated[str | None, typer.Option(help="The day it was done (default today).")]
    = None,
) -> None:
    """Record that more of a pairing's safeguarding checks are done.

    Example: coprod pairs check 1a2b3c --check emergency-contacts
    """
    from coprod_cli.peer import pairs

    pair = pairs.tick_checks(state().store(), ref, check, on=on)
    todo = [c["item"] for c in pair["checklist"] if not c["done"]]
    _say(f"Pairing {pairs.short(pair['id'])}: " + ("all safeguarding checks done." if not todo
         else "still to do: " + "; ".join(todo) + "."))


@app.command("list")
def list_pairs(
    ended: Annotated[bool, typer.Option("--ended", help="Include pairings that ended.")]
    = False,
    fmt: Annotated[Format, typer.Option("--format", help="table or json.")] = Format.table,
) -> None:
    """List pairings: who, since when, the next review and checks still to do.

    Example: coprod pairs list --format json
    """
    from coprod_cli.peer import pairing as peer
    from coprod_cli.peer import pairs

    store = state().store()
    found = pairs.list_pairs(store, status=None if ended else "active")
    views = [peer.pair_view(store, p) for p in found]
    if fmt is Format.json:
        _echo_json([{**p, **v} for p, v in zip(found, views, strict=True)])
        return
    if not found:
        _say("No pairings yet. See suggestions with: coprod pairs suggest")
        return
    if state().plain:
        for v in views:
            _say(v["line"])
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(title="Pairings", title_justify="left")
    for column in ("Id", "Pair", "Agreed", "Facilitator", "Next review", "Checks to do"):
        table.add_column(column)
    for p, v in zip(found, views, strict=True):
        table.add_row(v["short_id"], Text(" & ".join(v["names"])), p["agreed_on"],
                      Text(v["facilitator"] or "-"),
                      v["next_review"] or (f"ended {p['ended_on']}" if p["ended_on"] else "-"),
                      str(v["checks_to_do"]))
    state().console().print(table)


@app.command("review")
def review(
    ref: Annotated[str, typer.Argument(metavar="PAIR", help="The pairing's id (pairs list).")],
    how: Annotated[str, typer.Option(help="How it is going, in a sentence or two.")],
    decision: Annotated[str, typer.Option(help="carry-on or end.")],
    on: Annotated[str | None, typer.Option(help="The day of the review (default today).")]
    = None,
    by: Annotated[str | None, typer.Option(help="Who did the review (name or short id).")]
    = None,
) -> None:
    """Record a review: how the pairing is going, and whether to carry on or end.

    It answers the earliest review still due. Carrying on after the last planned review
    plans the next one, the same number of months later.

    Example: coprod pairs review 1a2b3c --how "Enjoying the allotment" --decision carry-on
    """
    from coprod_cli.peer import pairs

    pair = pairs.review_pair(state().store(), ref, how=how, decision=decision, on=on, by=by)
    if pair["status"] == "ended":
        _say(f"Review recorded; pairing {pairs.short(pair['id'])} has ended.")
    else:
        _say(f"Review recorded. Next review: {pairs.next_review(pair)}.")


@app.command("end")
def end(
    ref: Annotated[str, typer.Argument(metavar="PAIR", help="The pairing's id (pairs list).")],
    reason: Annotated[str, typer.Option(help="Why it is ending, in a sentence.")],
    on: Annotated[str | None, typer.Option(help="The day it ended (default today).")] = None,
) -> None:
    """End a pairing, keeping the reason. Talk it through with both people first.

    Example: coprod pairs end 1a2b3c --reason "Dai has moved away"
    """
    from coprod_cli.peer import pairs

    pair = pairs.end_pair(state().store(), ref, reason=reason, on=on)
    _say(f"Pairing {pairs.short(pair['id'])} ended on {pair['ended_on']}.")


@app.command("due")
def due(
    on: Annotated[str | None, typer.Option(
        help="Count reviews due on or before this day (default today).")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table or json.")] = Format.table,
) -> None:
    """List pairings with a review due (or overdue).

    Example: coprod pairs due --on 2027-06-30
    """
    from coprod_cli.peer import pairing as peer
    from coprod_cli.peer import pairs

    store = state().store()
    found = pairs.due_reviews(store, on)
    if fmt is Format.json:
        _echo_json([{"id": p["id"], "due": d, "names": peer.pair_view(store, p)["names"]}
                    for p, d in found])
        return
    if not found:
        _say("No reviews are due.")
        return
    _say(f"{len(found)} review{'s' * (len(found) != 1)} due:")
    for p, d in found:
        v = peer.pair_view(store, p)
        _say(f"  {d}: {' & '.join(v['names'])} (pairing {v['short_id']}"
             + (f", facilitator {v['facilitator']}" if v["facilitator"] else "") + ")")
    _say("Record each with: coprod pairs review PAIR --how \"...\" --decision carry-on|end")


@app.command("sheet")
def sheet(
    ref: Annotated[str, typer.Argument(metavar="PAIR", help="The pairing's id (pairs list).")],
    out: Annotated[Path, typer.Option("--out", help="The file to write (.pdf, .html or .md).")],
    style: Annotated[SheetStyle, typer.Option(help="easy-read (the default), large-print, "
                                              "standard or dyslexia.")] = SheetStyle.easy_read,
) -> None:
    """Print an "about your pairing" sheet for the two people: pictures, what they both
    like, when they meet and who to call.

    Example: coprod pairs sheet 1a2b3c --out our-pairing.pdf
    """
    from coprod_cli.peer import sheets

    settings = state().settings()
    path = sheets.write_sheet(state().store(), ref, out=out, style=style.value,
                              organisation=settings.organisation)
    _say(f"Wrote {path}.")
