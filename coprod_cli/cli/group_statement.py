"""``coprod group statement``: the values, "we" statements and policy reviews a group adopts,
and their easy-read posters."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from coprod_cli.cli import new_app
from coprod_cli.cli.choices import ListFormat as Format
from coprod_cli.cli.choices import PaperStyle as Style
from coprod_cli.cli.context import state

app = new_app(
    "Statements a group adopts: its values, \"we\" statements, a policy it reviewed, with the "
    "day adopted and the meeting that agreed it; printed as easy-read posters.\n\n"
    "Example: coprod group statement add Committee --title \"Our values\" --kind values "
    "--file values.txt --adopted 2027-01-12")


@app.command("add")
def add(
    group: Annotated[str, typer.Argument(metavar="GROUP", help="The group's name or id.")],
    title: Annotated[str, typer.Option("--title", help="e.g. \"Our values\".")],
    adopted: Annotated[str, typer.Option("--adopted", help="The day it was adopted, "
                                         "YYYY-MM-DD.")],
    kind: Annotated[str, typer.Option(
        "--kind", help="values, we-statement, policy-review or other.")] = "values",
    text: Annotated[str | None, typer.Option(
        "--text", help="The words; one point a line.", show_default=False)] = None,
    file: Annotated[Path | None, typer.Option(
        "--file", help="A text file with one point a line.", show_default=False)] = None,
    meeting: Annotated[str | None, typer.Option(
        "--meeting", help="The meeting that agreed it (its id or date).",
        show_default=False)] = None,
) -> None:
    """Record a statement the group adopted.

    Example: coprod group statement add Committee --title "Our values" --kind values
    --text "We listen to each other" --adopted 2027-01-12
    """
    from coprod_cli.days import parse_day
    from coprod_cli.groups import statements

    points = statements.read_points(text, file)
    record = statements.add_statement(state().store(), group, title=title, kind=kind,
                                      points=points, adopted=parse_day(adopted, "day adopted"),
                                      meeting=meeting)
    state().console().print(f"Saved '{record['title']}' ({len(points)} point"
                            f"{'s' * (len(points) != 1)}, {record['id']}). Print a poster "
                            f"with: coprod group statement poster {record['id']} --out "
                            "poster.pdf", markup=False)


@app.command("list")
def list_statements(
    group: Annotated[str | None, typer.Option("--group", help="Only this group's.",
                                              show_default=False)] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table or json (each item has its "
                                        "id).")] = Format.table,
) -> None:
    """List the statements groups have adopted.

    Example: coprod group statement list --group Committee --format json
    """
    from coprod_cli.groups import membership, statements

    store = state().store()
    group_id = membership.find_group(store, group)["id"] if group else None
    found = statements.list_statements(store, group_id)
    if fmt is Format.json:
        typer.echo(json.dumps(found, indent=2, ensure_ascii=False))
        return
    say = state().console().print
    if not found:
        say("No statements yet. Add one with: coprod group statement add GROUP --title ... "
            "--text ... --adopted YYYY-MM-DD", markup=False)
        return
    names = {g["id"]: g["name"] for g in membership.all_groups(store)}
    for s in found:
        say(f"{s['adopted']}  {s['title']} ({statements.KIND_WORDS[s['kind']]}, "
            f"{names.get(s['group_id'], '?')}): {s['id']}", markup=False)


@app.command("show")
def show(ref: Annotated[str, typer.Argument(metavar="ID", help="The statement's id.")]) -> None:
    """Show a statement: its points, and who agreed it when.

    Example: coprod group statement show stm-1a2b
    """
    from coprod_cli.groups import statements

    store = state().store()
    found = statements.find_statement(store, ref)
    say = state().console().print
    say(f"{found['title']} ({statements.KIND_WORDS[found['kind']]})", markup=False)
    for point in found["points"]:
        say(f"  - {point}", markup=False)
    say(statements.agreed_line(store, found), markup=False)


@app.command("poster")
def poster(
    ref: Annotated[str, typer.Argument(metavar="ID", help="The statement's id.")],
    out: Annotated[Path, typer.Option("--out", help="The file to write, e.g. poster.pdf.")],
    style: Annotated[Style, typer.Option("--style", help="easy-read (pictures), standard, "
                                         "large-print or dyslexia.")] = Style.easy_read,
    fmt: Annotated[str | None, typer.Option("--format", help="pdf, html or md (default: from "
                                            "the file's ending).", show_default=False)] = None,
) -> None:
    """Print a statement as a poster: a big title, each point with a picture, and "Agreed by
    the group on the day".

    Example: coprod group statement poster stm-1a2b --style easy-read --out values.pdf
    """
    from coprod_cli.groups import statements
    from coprod_cli.render import render_document

    store = state().store()
    found = statements.find_statement(store, ref)
    ending = out.suffix.lower().lstrip(".")
    chosen = fmt or (ending if ending in ("pdf", "html", "md") else "pdf")
    # A poster is read from across a room: easy read is printed at large-print sizes.
    render_document(statements.poster_markdown(store, found), out=out, fmt=chosen,
                    style="easy-read+large-print" if style is Style.easy_read else style.value,
                    title=found["title"],
                    author=state().settings().organisation, subject="Poster")
    state().console().print(f"Saved the poster to {out}.", markup=False)
