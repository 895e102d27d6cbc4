"""``coprod people``: the register of people who take part, with roles and consent."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated, Any

import typer

from coprod_cli import people
from coprod_cli.cli import new_app
from coprod_cli.cli.context import state
from coprod_cli.cli.prompts import confirm

app = new_app("Add, find and update the people who take part.\n\n"
              "Example: coprod people add \"Ceri\" --role person-using-services")


class Format(StrEnum):
    table = "table"
    json = "json"


ROLE_HELP = "staff, volunteer, person-using-services, carer or other."


def _public(person: dict[str, Any]) -> dict[str, Any]:
    return {"id": person["id"], "short_id": people.short_id(person["id"]),
            "name": person["name"], "role": person["role"], "service": person["service"],
            "consent": person["consent"], "prefers": person["prefers"],
            "created_at": person["created_at"], "updated_at": person["updated_at"]}


def _describe(person: dict[str, Any]) -> str:
    bits = [people.ROLE_WORDS[person["role"]]]
    if person["service"]:
        bits.append(person["service"])
    if person["prefers"]:
        bits.append("prefers " + " and ".join(p.replace("-", " ") for p in person["prefers"]))
    return f"{person['name']} ({people.short_id(person['id'])}): " + ", ".join(bits)


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="Display name: initials or a chosen name are fine.")],
    role: Annotated[str, typer.Option(help=ROLE_HELP)] = "person-using-services",
    service: Annotated[str | None, typer.Option(help="Their service (default: yours).")] = None,
    consent: Annotated[str | None, typer.Option(
        help="What they agreed to, e.g. 'attendance and anonymous feedback'.")] = None,
    prefers: Annotated[list[str] | None, typer.Option(
        help="easy-read or large-print; repeat for both.")] = None,
    allow_duplicate: Annotated[bool, typer.Option(
        "--allow-duplicate", help="Add even if someone with a very similar name exists.")
    ] = False,
) -> None:
    """Add someone to the people register.

    Example: coprod people add "Dŵr Jones" --role volunteer --prefers large-print
    """
    store = state().store()
    console = state().console()
    checked_name = people.clean_name(name)
    people.parse_role(role)
    near = people.likely_duplicates(store, checked_name)
    if near and not allow_duplicate:
        console.print("Someone with a very similar name is already on the register:",
                      markup=False)
        for person in near:
            console.print(f"  {_describe(person)}", markup=False)
        if not confirm("Add a new, different person anyway?", default=False,
                       flag="--allow-duplicate"):
            console.print("Nothing was added.", markup=False)
            raise typer.Exit(1)
    person = people.add_person(store, checked_name, role,
                               service=service if service is not None
                               else state().settings().service,
                               consent=consent, prefers=prefers or [])
    console.print(f"Added {_describe(person)}.", markup=False)


@app.command("list")
def list_people(
    role: Annotated[str | None, typer.Option(help="Only people with this role.")] = None,
    service: Annotated[str | None, typer.Option(help="Only people in this service.")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table or json.")] = Format.table,
) -> None:
    """List everyone on the register.

    Example: coprod people list --role volunteer
    """
    found = people.all_people(state().store(), role=role, service=service)
    if fmt is Format.json:
        typer.echo(json.dumps([_public(p) for p in found], indent=2, ensure_ascii=False))
        return
    console = state().console()
    if not found:
        console.print("Nobody on the register yet. Add someone with: coprod people add NAME",
                      markup=False)
        return
    if state().plain:
        for person in found:
            console.print(_describe(person) + ".", markup=False)
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(title="People", title_justify="left")
    for column in ("Id", "Name", "Role", "Service", "Prefers", "Consent"):
        table.add_column(column)
    for p in found:
        table.add_row(people.short_id(p["id"]), Text(p["name"]), people.ROLE_WORDS[p["role"]],
                      Text(p["service"] or "-"), ", ".join(p["prefers"]) or "-",
                      "yes" if p["consent"] else "not recorded")
    console.print(table)


@app.command("show")
def show(
    ref: Annotated[str, typer.Argument(metavar="PERSON", help="Name or short id.")],
    fmt: Annotated[Format, typer.Option("--format", help="table or json.")] = Format.table,
) -> None:
    """Show one person's details.

    Example: coprod people show Ceri
    """
    person = people.find_person(state().store(), ref)
    if fmt is Format.json:
        typer.echo(json.dumps(_public(person), indent=2, ensure_ascii=False))
        return
    say = state().console().print
    say(_describe(person) + ".", markup=False)
    consent = person["consent"]
    say(f"Consent: {consent['text']} (recorded {consent['given_at'][:10]})." if consent
        else "Consent: not recorded.", markup=False)
    say(f"Added {person['created_at'][:10]}, last changed {person['updated_at'][:10]}.",
        markup=False)


@app.command("edit")
def edit(
    ref: Annotated[str, typer.Argument(metavar="PERSON", help="Name or short id.")],
    name: Annotated[str | None, typer.Option(help="A new display name.")] = None,
    role: Annotated[str | None, typer.Option(help=ROLE_HELP)] = None,
    service: Annotated[str | None, typer.Option(help="Their service.")] = None,
    consent: Annotated[str | None, typer.Option(
        help="What they agreed to now (an empty value clears it).")] = None,
    prefers: Annotated[list[str] | None, typer.Option(
        help="easy-read or large-print; repeat for both. Replaces the old list.")] = None,
) -> None:
    """Change someone's details. Only what you give is changed.

    Example: coprod people edit Ceri --role volunteer
    """
    person = people.edit_person(state().store(), ref, name=name, role=role, service=service,
                                consent=consent, prefers=prefers)
    state().console().print(f"Updated {_describe(person)}.", markup=False)
