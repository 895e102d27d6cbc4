"""``coprod session``: find, read, check and run sessions."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from coprod_cli.cli import new_app
from coprod_cli.cli.context import state

app = new_app(
    "Find, read, check and run sessions.\n\nExample: coprod session show wellbeing-five-ways")


class ListFormat(StrEnum):
    table = "table"
    json = "json"


class ShowFormat(StrEnum):
    text = "text"
    json = "json"


@app.command("list")
def list_sessions(
    theme: Annotated[str | None, typer.Option(help="Only sessions with this theme.")] = None,
    fmt: Annotated[ListFormat, typer.Option("--format", help="table or json.")
                   ] = ListFormat.table,
) -> None:
    """List the sessions you can run: the built-in toolkit and your own.

    Example: coprod session list --theme wellbeing
    """
    library = state().library()
    sessions = library.all(theme=theme)
    if fmt is ListFormat.json:
        rows = [{"id": s.id, "title": s.session.title, "theme": s.session.theme,
                 "duration": s.session.duration, "steps": len(s.session.steps),
                 "origin": s.origin, "path": str(s.path)} for s in sessions]
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    from coprod_cli.cli.show import session_table

    console = state().console()
    if not sessions:
        themes = ", ".join(library.themes())
        console.print(f"No sessions with the theme '{theme}'. Themes: {themes}."
                      if theme else "No sessions found.", markup=False)
    else:
        console.print(session_table(sessions, plain=state().plain))
    for problem in library.problems:
        console.print(f"Skipped: {problem.message} Run 'coprod session check' on it.",
                      markup=False)


@app.command("show")
def show(
    session_id: Annotated[str, typer.Argument(metavar="ID", help="The session's id.")],
    fmt: Annotated[ShowFormat, typer.Option("--format", help="text or json.")
                   ] = ShowFormat.text,
) -> None:
    """Show a session in full: aims, materials, roles and every step with its timing.

    Example: coprod session show getting-started-together
    """
    loaded = state().library().get(session_id)
    if fmt is ShowFormat.json:
        data = loaded.session.model_dump(mode="json")
        data["total_minutes"] = loaded.session.planned_minutes
        data["origin"] = loaded.origin
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    from coprod_cli.cli.show import print_session

    print_session(state().console(), loaded)


@app.command("check")
def check(
    files: Annotated[list[Path], typer.Argument(
        metavar="FILE...", help="Session files to check.", show_default=False)],
) -> None:
    """Check session files and list every problem with its file, line and field.

    Exits with 1 if any file has an error. Warnings (for example steps whose minutes do not
    add up to the duration) are shown but do not fail the check.

    Example: coprod session check my-sessions/walk-and-talk.yaml
    """
    from coprod_cli.errors import ValidationError
    from coprod_cli.library import load_session_file

    console = state().console()
    library = state().library()
    failed = 0
    for path in files:
        try:
            loaded = load_session_file(path, library.template_dirs)
        except ValidationError as exc:
            failed += 1
            console.print(f"{path}: not valid", markup=False)
            for problem in exc.problems or [exc.message]:
                console.print(f"  {problem}", markup=False)
            continue
        console.print(f"{path}: OK ({loaded.session.title}, {len(loaded.session.steps)} steps, "
                      f"{loaded.session.planned_minutes} minutes)", markup=False)
        for warning in loaded.warnings:
            console.print(f"  warning: {warning}", markup=False)
    if failed:
        from coprod_cli.errors import ValidationError

        raise ValidationError(f"{failed} of {len(files)} file{'s' * (len(files) != 1)} "
                              "could not be used.",
                              hint="Fix the lines listed above and check again.")


@app.command("schema")
def schema() -> None:
    """Print the JSON Schema for session files, for editors that autocomplete YAML.

    Example: coprod session schema > session.schema.json
    """
    from coprod_cli.library import session_schema

    typer.echo(json.dumps(session_schema(), indent=2))


def _register_run_commands() -> None:
    from coprod_cli.cli import run

    run.register(app)


_register_run_commands()
