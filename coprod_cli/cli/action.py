"""``coprod action``: the actions meetings agreed, and marking one done."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from coprod_cli.cli import new_app
from coprod_cli.cli.choices import ListFormat as Format
from coprod_cli.cli.context import state

app = new_app(
    "Actions agreed at meetings: what, who, by when. Open actions appear on the group's next "
    "agenda until they are done.\n\nExample: coprod action list --open")


@app.command("list")
def list_actions(
    group: Annotated[str | None, typer.Option("--group", help="Only this group's actions.",
                                              show_default=False)] = None,
    open_only: Annotated[bool, typer.Option("--open", help="Only actions not done yet.")
                         ] = False,
    fmt: Annotated[Format, typer.Option("--format", help="table or json (each item has its "
                                        "id).")] = Format.table,
) -> None:
    """List actions, oldest first: what, who, by when, and whether done.

    Example: coprod action list --group "Making Days Committee" --open
    """
    from coprod_cli.groups import membership
    from coprod_cli.meetings import actions

    store = state().store()
    group_id = membership.find_group(store, group)["id"] if group else None
    found = actions.list_actions(store, group_id=group_id, open_only=open_only)
    if fmt is Format.json:
        typer.echo(json.dumps([{k: a[k] for k in (
            "id", "group_id", "meeting_id", "what", "owner", "owner_id", "due", "status",
            "done_at", "done_note")} for a in found], indent=2, ensure_ascii=False))
        return
    say = state().console().print
    if not found:
        say("No open actions." if open_only else "No actions yet. They are added during "
            "'coprod meeting run' (press a).", markup=False)
        return
    for a in found:
        status = "open" if a["status"] == "open" else f"done {a['done_at'][:10]}"
        say(f"{a['id']}  {actions.describe(a)}: {status}.", markup=False)


@app.command("done")
def done(
    ref: Annotated[str, typer.Argument(metavar="ID", help="The action's id (or the start of "
                                       "it) from 'coprod action list'.")],
    note: Annotated[str, typer.Option("--note", help="How it went, for the next minutes.")
                    ] = "",
) -> None:
    """Mark an action done; it stops appearing on the group's agendas.

    Example: coprod action done act-3f2a --note "Minibus booked for 14 March"
    """
    from coprod_cli.meetings import actions

    action = actions.done(state().store(), ref, note=note)
    state().console().print(f"Done: {actions.describe(action)}.", markup=False)
