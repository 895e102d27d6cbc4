"""``coprod handouts``: print a session's pack (plan, handouts, sign-in sheet, forms)."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from coprod_cli.cli import new_app
from coprod_cli.cli.context import state

app = new_app("Print what a session needs: the facilitator's plan, handouts, a sign-in sheet "
              "and evaluation forms.\n\nExample: coprod handouts print wellbeing-five-ways")


class OutFormat(StrEnum):
    pdf = "pdf"
    html = "html"
    md = "md"


class ListFormat(StrEnum):
    table = "table"
    json = "json"


STYLE_HELP = "standard, easy-read, large-print or dyslexia (default: your setting)."


@app.command("print")
def print_pack(
    session_id: Annotated[str, typer.Argument(metavar="ID", help="The session's id.")],
    only: Annotated[list[str] | None, typer.Option(
        "--only", help="Print only this part: plan, sign-in, evaluation or a handout's id "
        "(see 'coprod handouts list ID'). Repeat for more.", show_default=False)] = None,
    style: Annotated[str | None, typer.Option(help=STYLE_HELP, show_default=False)] = None,
    fmt: Annotated[OutFormat, typer.Option(
        "--format", help="pdf to print, html for screen readers, md to edit.")
    ] = OutFormat.pdf,
    out: Annotated[Path | None, typer.Option(
        help="The file to write (default: ID-handouts.pdf in this folder; a folder works "
        "too).", show_default=False)] = None,
    run: Annotated[str | None, typer.Option(
        help="A run id: fills in the date and the names on the sign-in sheet.",
        show_default=False)] = None,
    attendee: Annotated[list[str] | None, typer.Option(
        help="Someone expected (a name on the register, or any name). Repeat for each.",
        show_default=False)] = None,
    copies: Annotated[int | None, typer.Option(
        min=0, help="How many peer-evaluation forms (default: one per person expected, "
        "else 1).", show_default=False)] = None,
    per_person: Annotated[bool, typer.Option(
        "--per-person", help="Each person's handouts and form in the format they prefer "
        "(easy read, large print). Needs --run or --attendee.")] = False,
    date: Annotated[str | None, typer.Option(
        help="The session's date, YYYY-MM-DD (default: the run's date, else a line to "
        "fill in).", show_default=False)] = None,
    start: Annotated[str | None, typer.Option(
        help="The session's start time, HH:MM: the run sheet and each step show clock "
        "times (default: minutes from the start).", show_default=False)] = None,
) -> None:
    """Make the printable pack for a session as one PDF (or HTML, or Markdown).

    Example: coprod handouts print wellbeing-five-ways --style easy-read --copies 8

    Example: coprod handouts print wellbeing-five-ways --only plan --start 10:00
    """
    from coprod_cli.handouts import pack as handouts
    from coprod_cli.render import render_parts

    app_state = state()
    loaded = app_state.library().get(session_id)
    settings = app_state.settings()
    request = handouts.PackRequest(
        loaded=loaded, organisation=settings.organisation, service=settings.service,
        copies=copies, only=only or [], style=style or settings.handout_style,
        per_person=per_person)
    from coprod_cli.render.styles import STYLES, get_style

    if request.style not in STYLES:
        get_style(request.style)  # raises a usage error naming the styles
    if run:
        request.attendees, request.facilitators, request.date = handouts.people_for_run(
            app_state.store(), run, loaded.id)
    if attendee:
        request.attendees += handouts.people_named(app_state.store(), attendee)
    if date:
        request.date = handouts.parse_date(date)
    if start:
        request.start = handouts.parse_start(start)

    from coprod_cli.sessions.forms import load_form

    form = load_form(handouts.EVALUATION_FORM, app_state.data_folders())
    library = app_state.library()
    user_templates = library.template_dirs[0] if len(library.template_dirs) > 1 else None
    documents = handouts.build_documents(request, template_dirs=library.template_dirs,
                                         user_template_dir=user_templates, form=form)
    target = out or Path(handouts.default_file_name(loaded.id, fmt.value, request.only))
    if target.is_dir():
        target = target / handouts.default_file_name(loaded.id, fmt.value, request.only)
    session = loaded.session
    title = f"{session.title}: handouts"
    parts = [(d.title, d.markdown, d.style) for d in documents]
    kwargs: dict[str, Any] = {"out": target, "fmt": fmt.value, "title": title,
              "author": settings.organisation, "subject": f"Handouts for the session "
              f"'{session.title}'", "lang": "en-GB"}
    console = app_state.console()
    if len(parts) < 2:
        render_parts(parts, **kwargs)
    else:
        from coprod_cli.cli.progress import progress_bar

        with progress_bar("Laying out", "documents") as update:
            render_parts(parts, progress=update, **kwargs)
    if not request.attendees and not request.facilitators and target.is_file():
        # A blank pack names no one: made to print or share, so ordinary permissions. A
        # pack with names filled in stays owner-only, like the records.
        target.chmod(0o644)
    console.print(f"Saved {handouts.describe(documents)} to {target}.", markup=False)


@app.command("list")
def list_pack(
    session_id: Annotated[str, typer.Argument(metavar="ID", help="The session's id.")],
    fmt: Annotated[ListFormat, typer.Option("--format", help="table or json.")
                   ] = ListFormat.table,
) -> None:
    """List what a session's pack holds, with the ids --only takes.

    Example: coprod handouts list wellbeing-five-ways
    """
    from coprod_cli.handouts import pack as handouts

    loaded = state().library().get(session_id)
    items = handouts.pack_items(loaded.session)
    if fmt is ListFormat.json:
        typer.echo(json.dumps([{"id": i.id, "kind": i.kind, "title": i.title,
                                "template": i.template, "easy_read": i.easy_read,
                                "copies_for_each_person": i.for_each_person} for i in items],
                              indent=2, ensure_ascii=False))
        return
    console = state().console()
    console.print(f"The pack for '{loaded.session.title}':", markup=False)
    for item in items:
        notes = []
        if item.easy_read:
            notes.append("easy read")
        if item.kind == "evaluation":
            notes.append("one per person, or --copies N")
        extra = f" ({', '.join(notes)})" if notes else ""
        console.print(f"  {item.id}: {item.title}{extra}", markup=False)
    console.print(f"Print it with: coprod handouts print {loaded.id}", markup=False)
