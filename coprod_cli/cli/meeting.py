"""``coprod meeting``: plan a group's meeting, see its agenda, and list meetings."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from coprod_cli.cli import new_app
from coprod_cli.cli.choices import ListFormat as Format
from coprod_cli.cli.context import state

app = new_app(
    "Meetings of a group: plan the agenda (the standing items are added for you), print "
    "invitations and easy-read agendas, run the meeting item by item, and write the minutes."
    "\n\nExample: coprod meeting plan \"Making Days Committee\" --date 2027-01-12 --time "
    "14:00 --place \"Beech House lounge\" --item \"Our values:20:Siân\"")


def _meeting_json(meeting: dict[str, Any], group: dict[str, Any]) -> dict[str, Any]:
    return {"id": meeting["id"], "group_id": meeting["group_id"], "group": group["name"],
            "date": meeting["date"], "time": meeting["time"], "place": meeting["place"],
            "status": meeting["status"], "items": meeting["items"],
            **{k: meeting[k] for k in ("why", "runs", "travel", "access", "costs", "approval")
               if k in meeting}}


WHY = Annotated[str | None, typer.Option(
    "--why", help="Why the meeting matters, in a sentence: it opens the invitation.",
    show_default=False)]
RUNS = Annotated[list[str] | None, typer.Option(
    "--runs", help="Who runs it (a name; repeat for each). Default: the group's chair and "
                   "co-chairs.", show_default=False)]
TRAVEL = Annotated[str | None, typer.Option(
    "--travel", help="How to get there, e.g. \"Bus 22 stops outside; parking at the back\".",
    show_default=False)]
ACCESS = Annotated[str | None, typer.Option(
    "--access", help="Access support, e.g. \"a BSL interpreter, a quiet room, large print\".",
    show_default=False)]
COSTS = Annotated[str | None, typer.Option(
    "--costs", help="Which costs are paid, e.g. \"bus fares repaid, lunch provided\".",
    show_default=False)]


def _say_agenda(meeting: dict[str, Any]) -> None:
    from coprod_cli.meetings.agenda import planned_minutes

    say = state().console().print
    for number, item in enumerate(meeting["items"], start=1):
        lead = f" (led by {item['lead']})" if item["lead"] else ""
        say(f"  {number}. {item['title']}: {item['minutes']} min{lead}", markup=False)
    say(f"About {planned_minutes(meeting)} minutes in all.", markup=False)


@app.command("plan")
def plan(
    group: Annotated[str, typer.Argument(metavar="GROUP", help="The group's name or id.")],
    date: Annotated[str, typer.Option("--date", help="The day, YYYY-MM-DD.")],
    time: Annotated[str, typer.Option("--time", help="When it starts, e.g. 14:00 or 2pm.")],
    place: Annotated[str, typer.Option("--place", help="Where, e.g. \"Beech House "
                                       "lounge\".")],
    item: Annotated[list[str] | None, typer.Option(
        "--item", help="An item as \"Title:minutes\" or \"Title:minutes:who leads\"; repeat "
                       "for each. Welcome, apologies, declarations of interest, last "
                       "meeting's minutes and actions, any other business and the next "
                       "date are added for you.", show_default=False)] = None,
    why: WHY = None,
    runs: RUNS = None,
    travel: TRAVEL = None,
    access: ACCESS = None,
    costs: COSTS = None,
) -> None:
    """Plan a meeting and its agenda, with what its invitation says.

    Example: coprod meeting plan Committee --date 2027-01-12 --time 14:00 --place Lounge
    --item "Garden budget:15:Dai" --why "We choose the spring outings" --costs "bus fares
    repaid"
    """
    from coprod_cli.days import parse_day, parse_time
    from coprod_cli.meetings import agenda

    meeting = agenda.plan_meeting(state().store(), group, date=parse_day(date),
                                  time=parse_time(time, "start time"), place=place,
                                  items=item or [], why=why, runs=runs, travel=travel,
                                  access=access, costs=costs)
    say = state().console().print
    say(f"Planned the meeting on {meeting['date']} at {meeting['time']} in "
        f"{meeting['place']} ({meeting['id']}). The agenda:", markup=False)
    _say_agenda(meeting)
    say(f"Next: coprod meeting invite {meeting['id']} --style easy-read --out "
        "invitation.pdf", markup=False)


@app.command("edit")
def edit(
    ref: Annotated[str, typer.Argument(metavar="MEETING", help="The meeting's id (or its "
                                       "date).")],
    date: Annotated[str | None, typer.Option("--date", help="A new day, YYYY-MM-DD.",
                                             show_default=False)] = None,
    time: Annotated[str | None, typer.Option("--time", help="A new start time.",
                                             show_default=False)] = None,
    place: Annotated[str | None, typer.Option("--place", help="A new place.",
                                              show_default=False)] = None,
    item: Annotated[list[str] | None, typer.Option(
        "--item", help="Replace the group's items (\"Title:minutes[:lead]\", repeat); the "
                       "standing items stay.", show_default=False)] = None,
    why: WHY = None,
    runs: RUNS = None,
    travel: TRAVEL = None,
    access: ACCESS = None,
    costs: COSTS = None,
) -> None:
    """Change a planned meeting: only what you give changes.

    Example: coprod meeting edit 2027-01-12 --access "a BSL interpreter, a quiet room"
    """
    from coprod_cli.days import parse_day, parse_time
    from coprod_cli.meetings import agenda

    meeting = agenda.edit_meeting(
        state().store(), ref, date=parse_day(date) if date else None,
        time=parse_time(time, "start time") if time else None, place=place, items=item,
        why=why, runs=runs, travel=travel, access=access, costs=costs)
    state().console().print(f"Changed the meeting on {meeting['date']} ({meeting['id']}).",
                            markup=False)
    _say_agenda(meeting)


@app.command("list")
def list_meetings(
    group: Annotated[str | None, typer.Option("--group", help="Only this group's meetings.",
                                              show_default=False)] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table or json (each item has its "
                                        "id).")] = Format.table,
) -> None:
    """List meetings, oldest first.

    Example: coprod meeting list --group "Making Days Committee"
    """
    from coprod_cli.groups import membership
    from coprod_cli.meetings import agenda

    store = state().store()
    group_id = membership.find_group(store, group)["id"] if group else None
    found = agenda.meetings(store, group_id)
    groups = {g["id"]: g for g in membership.all_groups(store)}
    if fmt is Format.json:
        typer.echo(json.dumps([_meeting_json(m, groups[m["group_id"]]) for m in found],
                              indent=2, ensure_ascii=False))
        return
    say = state().console().print
    if not found:
        say("No meetings yet. Plan one with: coprod meeting plan GROUP --date YYYY-MM-DD "
            "--time 14:00 --place PLACE", markup=False)
        return
    for meeting in found:
        say(f"{meeting['date']} {meeting['time']}  {groups[meeting['group_id']]['name']} in "
            f"{meeting['place']} ({meeting['status']}): {meeting['id']}", markup=False)


@app.command("show")
def show(
    ref: Annotated[str, typer.Argument(metavar="MEETING", help="The meeting's id (or its "
                                       "date, when only one meeting is that day).")],
    fmt: Annotated[Format, typer.Option("--format", help="table or json.")] = Format.table,
) -> None:
    """Show a meeting and its agenda.

    Example: coprod meeting show 2027-01-12
    """
    from coprod_cli.groups import membership
    from coprod_cli.meetings import agenda

    store = state().store()
    meeting = agenda.find_meeting(store, ref)
    group = membership.find_group(store, meeting["group_id"])
    if fmt is Format.json:
        typer.echo(json.dumps(_meeting_json(meeting, group), indent=2, ensure_ascii=False))
        return
    state().console().print(f"{group['name']}: {meeting['date']} at {meeting['time']}, "
                            f"{meeting['place']} ({meeting['status']}, {meeting['id']}).",
                            markup=False)
    from coprod_cli.meetings.details import runs_words

    say = state().console().print
    for label, value in (("Why", meeting.get("why")), ("Run by", runs_words(meeting)),
                         ("Getting there", meeting.get("travel")),
                         ("Access support", meeting.get("access")),
                         ("Costs paid", meeting.get("costs"))):
        if value:
            say(f"{label}: {value}", markup=False)
    _say_agenda(meeting)


def _register_more() -> None:
    from coprod_cli.cli import meeting_papers, meeting_run

    meeting_papers.register(app)
    meeting_run.register(app)


_register_more()
