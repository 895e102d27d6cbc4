"""``coprod group``: committees, quality groups and boards, and who belongs to each."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from coprod_cli.cli import new_app
from coprod_cli.cli.choices import ListFormat as Format
from coprod_cli.cli.context import state

app = new_app(
    "Groups that govern together: committees, quality groups, boards and peer-support "
    "groups, with their members and officers.\n\n"
    "Start with 'coprod group add NAME --kind committee', then 'coprod group join'.\n\n"
    "Example: coprod group add \"Making Days Committee\" --kind committee")


FORMAT = Annotated[Format, typer.Option("--format", help="table (to read) or json (for "
                                        "other programs; each item has its id).")]


def _group_json(group: dict[str, Any], members: list[Any]) -> dict[str, Any]:
    return {"id": group["id"], "name": group["name"], "kind": group["kind"],
            "service": group["service"], "quorum": group["quorum"],
            "created_at": group["created_at"],
            "members": [{"person_id": m.person_id, "name": m.name, "office": m.office,
                         "from": m.start, "until": m.until,
                         "lived_experience": m.lived_experience} for m in members]}


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="The group's name, e.g. 'Making Days "
                                        "Committee'.")],
    kind: Annotated[str, typer.Option(
        help="committee, quality-group, board, peer-support or other.")] = "committee",
    service: Annotated[str | None, typer.Option(help="The service it belongs to (default: "
                                                "yours).")] = None,
    quorum: Annotated[int | None, typer.Option(
        help="How many members must be at a meeting for its decisions to count (default: "
             "more than half the members).", show_default=False)] = None,
) -> None:
    """Start a group.

    Example: coprod group add "Shadow Quality Group" --kind quality-group --quorum 4
    """
    from coprod_cli.groups import membership

    group = membership.add_group(state().store(), name, kind,
                                 service=service if service is not None
                                 else state().settings().service, quorum=quorum)
    state().console().print(
        f"Added the {membership.KIND_WORDS[group['kind']]} {group['name']} ({group['id']}). "
        f"Add members with: coprod group join \"{group['name']}\" PERSON", markup=False)


@app.command("list")
def list_groups(fmt: FORMAT = Format.table) -> None:
    """List the groups, with how many members each has today.

    Example: coprod group list --format json
    """
    from coprod_cli.groups import membership

    store = state().store()
    groups = [(g, membership.members(store, g["id"])) for g in membership.all_groups(store)]
    if fmt is Format.json:
        typer.echo(json.dumps([_group_json(g, m) for g, m in groups], indent=2,
                              ensure_ascii=False))
        return
    say = state().console().print
    if not groups:
        say("No groups yet. Start one with: coprod group add NAME --kind committee",
            markup=False)
        return
    for group, members in groups:
        officers = [f"{membership.OFFICE_WORDS[m.office]} {m.name}"
                    for m in sorted(members, key=lambda m: membership.OFFICE_ORDER.index(
                        m.office)) if m.office != "member"]
        count = f"{len(members)} member{'' if len(members) == 1 else 's'}"
        say(f"{group['name']} ({membership.KIND_WORDS[group['kind']]}, {group['id']}): "
            f"{count}" + (f"; {', '.join(officers)}" if officers else "") + ".",
            markup=False)


@app.command("show")
def show(
    ref: Annotated[str, typer.Argument(metavar="GROUP", help="The group's name or id.")],
    on: Annotated[str | None, typer.Option("--on", help="Members on this day (YYYY-MM-DD; "
                                           "default today).", show_default=False)] = None,
    fmt: FORMAT = Format.table,
) -> None:
    """Show a group: its members and officers, their terms, and its quorum.

    Example: coprod group show "Making Days Committee"
    """
    from coprod_cli.days import parse_day
    from coprod_cli.groups import membership

    store = state().store()
    group = membership.find_group(store, ref)
    day = parse_day(on) if on else None
    members = membership.members(store, group["id"], on=day)
    if fmt is Format.json:
        typer.echo(json.dumps(_group_json(group, members), indent=2, ensure_ascii=False))
        return
    say = state().console().print
    say(f"{group['name']}: a {membership.KIND_WORDS[group['kind']]}"
        + (f" of {group['service']}" if group["service"] else "") + f" ({group['id']}).",
        markup=False)
    if not members:
        say("No members yet. Add one with: coprod group join "
            f"\"{group['name']}\" PERSON [--office chair]", markup=False)
        return
    needed = membership.quorum(group, len(members))
    rule = "the group's rule" if group["quorum"] else "more than half the members"
    say(f"{len(members)} member{'' if len(members) == 1 else 's'}"
        f"{' on ' + day if day else ''}; a meeting needs {needed} of them ({rule}).",
        markup=False)
    for member in sorted(members, key=lambda m: membership.OFFICE_ORDER.index(m.office)):
        say("  " + membership.describe_member(member), markup=False)


@app.command("join")
def join(
    group: Annotated[str, typer.Argument(metavar="GROUP", help="The group's name or id.")],
    person: Annotated[str, typer.Argument(metavar="PERSON", help="Their name or short id "
                                          "from 'coprod people list'.")],
    office: Annotated[str, typer.Option(
        help="chair, co-chair, secretary, treasurer or member. A member taking an office "
             "starts a new term; only one chair, secretary or treasurer at a time.")
    ] = "member",
    start: Annotated[str | None, typer.Option("--from", help="First day of the term "
                                              "(default today).", show_default=False)] = None,
    until: Annotated[str | None, typer.Option("--until", help="Last day of the term, for an "
                                              "officer elected for a year.",
                                              show_default=False)] = None,
) -> None:
    """Add a person to a group, or start their term in an office.

    Example: coprod group join "Making Days Committee" Siân --office chair --until 2027-11-30
    """
    from coprod_cli.days import parse_day
    from coprod_cli.groups import membership

    done = membership.join(state().store(), group, person, office=office,
                           start=parse_day(start, "first day") if start else None,
                           until=parse_day(until, "last day") if until else None)
    term, name = done["term"], done["person"]["name"]
    role = "a member" if term["office"] == "member" else term["office"]
    text = f"{name} is {role} of {done['group']['name']} from {term['start']}"
    text += f" until {term['until']}." if term["until"] else "."
    if done["replaced"] is not None:
        text += (f" This replaces their term as {done['replaced'].office}."
                 if done["replaced_whole"] else
                 f" Their term as {done['replaced'].office} ends the day before.")
    if term["office"] in ("chair", "co-chair") and done["person"]["role"] == \
            "person-using-services":
        text += " They bring lived experience to the chair."
    state().console().print(text, markup=False)


@app.command("leave")
def leave(
    group: Annotated[str, typer.Argument(metavar="GROUP", help="The group's name or id.")],
    person: Annotated[str, typer.Argument(metavar="PERSON", help="Their name or short id.")],
    on: Annotated[str | None, typer.Option("--on", help="Their last day (default today).",
                                           show_default=False)] = None,
) -> None:
    """End a person's membership (or their term in an office). Their past terms are kept.

    Example: coprod group leave "Making Days Committee" Siân --on 2026-12-31
    """
    from coprod_cli.days import parse_day
    from coprod_cli.groups import membership

    done = membership.leave(state().store(), group, person,
                            on=parse_day(on, "last day") if on else None)
    state().console().print(f"{done['person']['name']} left {done['group']['name']}; their "
                            f"last day is {done['until']}.", markup=False)


def _register_statements() -> None:
    from coprod_cli.cli import group_statement

    app.add_typer(group_statement.app, name="statement")


_register_statements()
