"""``coprod rota``: fair rotas of tasks for a group, printed easy read, saved and changed."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from coprod_cli.cli import new_app
from coprod_cli.cli.choices import ListFormat
from coprod_cli.cli.context import state

app = new_app(
    "Fair rotas for a group's tasks (watering, weeding, making the tea...).\n\n"
    "Everyone's turns are shared out fairly among the group's current members, nobody is put "
    "on a day they are not free, and tasks are varied.\n\n"
    "Example: coprod rota make \"Allotment group\" --task Watering --task \"Weeding:2\" "
    "--days mon,wed,fri --weeks 4")


class Format(StrEnum):
    table = "table"
    json = "json"
    pdf = "pdf"
    html = "html"


def _say(text: str) -> None:
    state().console().print(text, markup=False)


def _present(record: dict[str, Any], names: dict[str, str], fmt: Format, out: Path | None,
             unrecorded: list[str]) -> None:
    from coprod_cli.peer import rota_print

    if fmt is Format.json:
        typer.echo(json.dumps({**record, "names": names}, indent=2, ensure_ascii=False))
        return
    if fmt in (Format.pdf, Format.html):
        from coprod_cli import render

        target = out or Path(f"rota.{fmt.value}")
        render.render_document(rota_print.rota_markdown(record, names),
                               out=target, fmt=fmt.value, style="easy-read",
                               title=f"{record['group_name']} rota",
                               author=state().settings().organisation or "coprod",
                               subject="Rota")
        _say(f"Wrote {target}.")
        if unrecorded:
            _say("No free days recorded, so counted as free every day: "
                 + ", ".join(unrecorded) + ".")
        return
    if state().plain:
        for line in rota_print.rota_lines(record, names):
            _say(line)
    else:
        from rich.table import Table
        from rich.text import Text

        table = Table(title=f"{record['group_name']} rota", title_justify="left")
        table.add_column("Day")
        for task in record["tasks"]:
            table.add_column(Text(task["name"]))
        for entry in record["dates"]:
            cells = [Text(", ".join(names.get(i, "someone forgotten") for i in ids))
                     for _, ids in rota_print.by_task(entry, record["tasks"])]
            table.add_row(rota_print.day_words(entry["date"]), *cells)
        state().console().print(table)
    counted = rota_print.turns(record)
    _say("Turns: " + ", ".join(f"{names[p]} {counted.get(p, 0)}"
                               for p in sorted(names, key=lambda p: names[p].casefold())) + ".")
    if unrecorded:
        _say("No free days recorded, so counted as free every day: " + ", ".join(unrecorded)
             + ".")


@app.command("make")
def make(
    group: Annotated[str, typer.Argument(metavar="GROUP", help="The group (name or id).")],
    task: Annotated[list[str], typer.Option(
        "--task", help="A task, with :N when it needs N people each day, e.g. \"Weeding:2\"; "
        "repeat for each task.")],
    days: Annotated[list[str], typer.Option(
        "--days", help="The days of the week the tasks are done, e.g. mon,wed,fri.")],
    weeks: Annotated[int, typer.Option(help="How many weeks the rota runs (1 to 52).")] = 4,
    start: Annotated[str | None, typer.Option(
        help="The first day, YYYY-MM-DD (default today).")] = None,
    fmt: Annotated[Format, typer.Option(
        "--format", help="table (on screen), json, pdf or html (easy read, with a picture "
        "for each task, and the rota as a table).")] = Format.table,
    out: Annotated[Path | None, typer.Option(
        "--out", help="The file for pdf or html (default rota.pdf / rota.html).")] = None,
    save: Annotated[bool, typer.Option(
        "--save", help="Keep the rota, so 'rota show', 'rota list' and 'rota swap' work.")]
    = False,
) -> None:
    """Make a fair rota of tasks over a group's current members.

    Fair means: each day takes the free members with the fewest turns so far, so people free
    on the same days have turns within one of each other (everyone free on every rota day
    included), and someone free on fewer days never has more than one turn more than anyone
    free on all of their days. A day counts as free if any of the person's free times
    (people edit --available) is on it; someone with none recorded counts as free every
    day. Nobody is put on a day they are not free, and tasks are shared out so nobody has
    the same task every time where it can be avoided. Nothing is saved without --save.

    Example: coprod rota make "Allotment group" --task Watering --task "Weeding:2" --days
    mon,wed,fri --weeks 4 --save
    """
    from coprod_cli.peer import rota_records

    made = rota_records.make_rota(state().store(), group, tasks=task, days=days, weeks=weeks,
                                  start=start, save=save)
    _present(made.record, made.names, fmt, out, made.unrecorded)
    if made.saved:
        _say(f"Saved as rota {made.record['id'][:6]}. Change a turn with: coprod rota swap "
             f"{made.record['id'][:6]} --date D --task T --from A --to B")


@app.command("show")
def show(
    ref: Annotated[str, typer.Argument(metavar="ROTA", help="The rota's id (rota list).")],
    fmt: Annotated[Format, typer.Option(
        "--format", help="table, json, pdf or html.")] = Format.table,
    out: Annotated[Path | None, typer.Option("--out", help="The file for pdf or html.")]
    = None,
) -> None:
    """Show a saved rota, with any changes made to it.

    Example: coprod rota show 1a2b3c --format pdf --out rota.pdf
    """
    from coprod_cli.peer import rota_records

    store = state().store()
    record = rota_records.find_rota(store, ref)
    names = rota_records.names_for(store, record)
    _present(record, names, fmt, out, [])
    if fmt is Format.table and record["changes"]:
        _say(f"{len(record['changes'])} change{'s' * (len(record['changes']) != 1)}:")
        for c in record["changes"]:
            _say(f"  {c['date']} {c['task']}: {names.get(c['to_person'], 'someone')} instead "
                 f"of {names.get(c['from_person'], 'someone')}"
                 + (f" (who does {c['other_task']} instead)" if c["other_task"] else ""))


@app.command("list")
def list_rotas(
    fmt: Annotated[ListFormat, typer.Option("--format", help="table or json.")]
    = ListFormat.table,
) -> None:
    """List saved rotas.

    Example: coprod rota list
    """
    from coprod_cli.peer import rota_print, rota_records

    found = rota_records.list_rotas(state().store())
    if fmt is ListFormat.json:
        typer.echo(json.dumps([{k: r[k] for k in ("id", "group_id", "group_name", "start",
                                                   "weeks", "days", "tasks")}
                               for r in found], indent=2, ensure_ascii=False))
        return
    if not found:
        _say("No rotas saved yet. Make one with: coprod rota make GROUP --task T --days D "
             "--save")
        return
    for r in found:
        tasks = ", ".join(t["name"] for t in r["tasks"])
        _say(f"{r['id'][:6]}: {r['group_name']}, from {r['start']} for {r['weeks']} "
             f"week{'s' * (r['weeks'] != 1)} on {rota_print.days_words(r['days'])}: {tasks}")


@app.command("swap")
def swap(
    ref: Annotated[str, typer.Argument(metavar="ROTA", help="The rota's id (rota list).")],
    on: Annotated[str, typer.Option("--date", help="The day to change, YYYY-MM-DD.")],
    task: Annotated[str, typer.Option(help="The task on that day.")],
    from_person: Annotated[str, typer.Option("--from", help="Who is on it now.")],
    to_person: Annotated[str, typer.Option("--to", help="Who does it instead.")],
) -> None:
    """Change who does a task on one day. The new person must be a member and free that
    day; if they already had another task that day, the two swap tasks. The change is kept.

    Example: coprod rota swap 1a2b3c --date 2026-12-09 --task Watering --from Ceri --to Dai
    """
    from coprod_cli.peer import rota_records

    record = rota_records.swap(state().store(), ref, on=on, task=task,
                               from_person=from_person, to_person=to_person)
    change = record["changes"][-1]
    names = rota_records.names_for(state().store(), record)
    _say(f"Changed: {names[change['to_person']]} does {change['task']} on {change['date']}"
         + (f"; {names[change['from_person']]} does {change['other_task']} instead."
            if change["other_task"] else "."))
