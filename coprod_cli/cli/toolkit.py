"""``coprod toolkit``: share a session, add services' sessions, list them, build the toolkit."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from coprod_cli.cli import new_app
from coprod_cli.cli.context import state, stdin_is_terminal

app = new_app("Grow the toolkit: share your sessions, add services' sessions, build the whole "
              "toolkit.\n\nExample: coprod toolkit share our-five-ways --out our-five-ways.zip")


class ListFormat(StrEnum):
    table = "table"
    json = "json"


class BookFormat(StrEnum):
    pdf = "pdf"
    html = "html"


def _toolkit_root() -> Path:
    from coprod_cli import config

    return config.toolkit_dir(state().home)


@app.command("share")
def share(
    session_id: Annotated[str, typer.Argument(metavar="ID", help="The session to share.")],
    out: Annotated[Path, typer.Option(help="The bundle file to write, e.g. ID.zip.")],
    contributor: Annotated[list[str] | None, typer.Option(
        help="Someone on the register who helped write or run it (people who facilitated "
        "its runs are added for you). Repeat for each.", show_default=False)] = None,
    named: Annotated[list[str] | None, typer.Option(
        help="A contributor who agreed to be named in the toolkit's credits; everyone else "
        "is credited by role and service. Repeat for each.", show_default=False)] = None,
) -> None:
    """Make one file to send to the co-production lead: the session, its handouts, how it
    went (anonymised, small numbers hidden) and who to thank.

    Example: coprod toolkit share our-five-ways --out our-five-ways.zip --named Ceri
    """
    from coprod_cli.cli.prompts import confirm
    from coprod_cli.errors import UsageError
    from coprod_cli.people import register as people
    from coprod_cli.sessions.forms import load_form, load_measure
    from coprod_cli.toolkit import share as toolkit

    app_state = state()
    library = app_state.library()
    loaded = library.get(session_id)
    settings = app_state.settings()
    store = app_state.store()
    found = toolkit.contributors_from_runs(store, loaded.id)
    for ref in contributor or []:
        person = people.find_person(store, ref)
        if all(c.person_id != person["id"] for c in found):
            found.append(toolkit.Contributor(person["id"], person["name"], person["role"],
                                             person.get("service") or "", "contributed"))
    consent: set[str] = set()
    for ref in named or []:
        person = people.find_person(store, ref)
        if all(c.person_id != person["id"] for c in found):
            raise UsageError(f"{person['name']} is not among this session's contributors.",
                             hint="Add them with --contributor as well.")
        consent.add(person["id"])
    if named is None and found and stdin_is_terminal():
        for c in found:
            if confirm(f"Has {c.name} agreed to be named in the toolkit's credits?",
                       default=False, flag="--named"):
                consent.add(c.person_id)
    data = app_state.data_folders()
    results = toolkit.anonymised_results(store, loaded.id, load_form("peer-evaluation", data),
                                         {"ons4": load_measure("ons4", data)},
                                         settings.small_number_threshold)
    credits = toolkit.credits_for(found, consent, settings.service)
    from coprod_cli.render import check_writable

    check_writable(out)
    manifest = toolkit.share(loaded, library.template_dirs, out, results=results,
                             credits=credits, service=settings.service,
                             organisation=settings.organisation)
    say = app_state.console().print
    say(f"Saved {out}: '{loaded.session.title}' ({loaded.id}@{loaded.session.version}), "
        f"{len(manifest['files']) - 3} handout template"
        f"{'s' * (len(manifest['files']) - 3 != 1)}, results from {results['runs']} run"
        f"{'s' * (results['runs'] != 1)} and {len(credits)} credit"
        f"{'s' * (len(credits) != 1)} ({len(consent)} by name).", markup=False)
    say("Send it to your co-production lead, who adds it with: coprod toolkit add "
        f"{out.name}", markup=False)


@app.command("add")
def add(
    bundle: Annotated[Path, typer.Argument(metavar="BUNDLE", help="A bundle from 'coprod "
                                           "toolkit share'.")],
    as_id: Annotated[str | None, typer.Option(
        "--as", help="Add it under a new id instead of as a new version of a session with "
        "the same id.", show_default=False)] = None,
) -> None:
    """Add a service's shared session to the toolkit, after checking every file in it.

    A bundle that is damaged, changed since it was shared, holds a session that fails
    'coprod session check', or tries to write outside the toolkit is refused and nothing is
    added. A session id that already exists becomes its next version, unless --as gives it
    a new id.

    Example: coprod toolkit add our-five-ways.zip --as five-ways-outdoors
    """
    from coprod_cli.toolkit import contributions as toolkit

    settings = state().settings()
    added = toolkit.add(bundle, _toolkit_root(), state().library(), as_id=as_id,
                        added_by=", ".join(p for p in (settings.service, settings.organisation)
                                           if p))
    r = added.record
    say = state().console().print
    say(f"Added '{r['title']}' as {r['session_id']} version {r['version']}, shared by "
        f"{r['service'] or 'a service'} on {str(r['shared_at'])[:10]}.", markup=False)
    if added.replaced is not None:
        say(f"It replaces version {added.replaced} in the toolkit (kept in the toolkit's "
            "archive folder).", markup=False)
    say("Build the toolkit with: coprod toolkit build", markup=False)


@app.command("list")
def list_contributions(
    fmt: Annotated[ListFormat, typer.Option("--format", help="table or json.")
                   ] = ListFormat.table,
) -> None:
    """List the sessions services have contributed, who shared them, when and their status.

    Example: coprod toolkit list --format json
    """
    from coprod_cli.toolkit import contributions as toolkit

    records = toolkit.contributions(_toolkit_root())
    if fmt is ListFormat.json:
        shown = [{k: v for k, v in r.items() if k != "results"} for r in records]
        typer.echo(json.dumps(shown, indent=2, ensure_ascii=False))
        return
    console = state().console()
    if not records:
        console.print("No contributions yet. Add a bundle with: coprod toolkit add BUNDLE",
                      markup=False)
        return
    if state().plain:
        for r in records:
            console.print(f"{r['session_id']} version {r['version']}: {r['title']}. Shared by "
                          f"{r['service'] or 'a service'} on {str(r['shared_at'])[:10]}, added "
                          f"{str(r['added_at'])[:10]}. {r['status'].capitalize()}.",
                          markup=False)
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(title="Toolkit contributions", title_justify="left")
    for column in ("Id", "Version", "Title", "Shared by", "Based on", "Added", "Status"):
        table.add_column(column)
    for r in records:
        table.add_row(Text(r["session_id"]), str(r["version"]), Text(r["title"]),
                      Text(", ".join(p for p in (r["service"], r["organisation"]) if p)
                           or "-"), Text(r.get("based_on") or "-"),
                      str(r["added_at"])[:10], Text(r["status"]))
    console.print(table)


@app.command("build")
def build(
    style: Annotated[str | None, typer.Option(
        help="standard, easy-read, large-print or dyslexia (default: your setting).",
        show_default=False)] = None,
    fmt: Annotated[BookFormat, typer.Option(
        "--format", help="pdf to print, or html: a small website (a folder of pages) for "
        "screen readers and sharing.")] = BookFormat.pdf,
    out: Annotated[Path | None, typer.Option(
        help="Where to write (default: toolkit.pdf, or the folder toolkit-site for html).",
        show_default=False)] = None,
) -> None:
    """Publish the whole toolkit as one document: cover, contents with page numbers, an
    introduction, every session's plan and handouts grouped by theme, and credits.

    Example: coprod toolkit build --style easy-read --out toolkit-easy-read.pdf
    """
    from coprod_cli.toolkit import book as toolkit_book
    from coprod_cli.toolkit import contributions as toolkit

    settings = state().settings()
    root = _toolkit_root()
    target = out or Path("toolkit.pdf" if fmt.value == "pdf" else "toolkit-site")
    from coprod_cli.cli.progress import progress_bar

    with progress_bar("Building the toolkit", "steps") as update:
        built = toolkit_book.build(root, toolkit.load_contributions(root), target,
                                   fmt=fmt.value, style=style or settings.handout_style,
                                   organisation=settings.organisation, progress=update)
    pages = f", {built.pages} pages" if built.pages else ""
    state().console().print(
        f"Saved the toolkit to {built.path}: {built.sessions} sessions "
        f"({built.contributed} contributed by services){pages}.", markup=False)
