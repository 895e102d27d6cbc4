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
    library = state().catalogue()
    sessions = library.all(theme=theme)
    if fmt is ListFormat.json:
        rows = [{"id": s.id, "title": s.title, "theme": s.theme, "duration": s.duration,
                 "steps": s.steps, "origin": s.origin, "path": s.path} for s in sessions]
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    from coprod_cli.cli.show import session_table

    console = state().console()
    if not sessions:
        themes = ", ".join(library.themes())
        console.print(f"No sessions with the theme '{theme}'. Themes: {themes}."
                      if theme else "No sessions found.", markup=False)
    else:
        console.print(session_table(sessions, plain=state().plain, width=console.width))
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

    Exits with 1 if any file has an error. Warnings are advice and do not fail the check:
    minutes that do not add up to the duration, every step led by the same person, a
    handout missing or unused, easy-read sentences over 15 words, words that may need
    explaining (the jargon list in your settings), and text still saying '(to write)'.

    Example: coprod session check my-sessions/walk-and-talk.yaml
    """
    from coprod_cli.errors import ValidationError
    from coprod_cli.sessions.library import load_session_file

    console = state().console()
    library = state().library()
    failed = 0
    for path in files:
        try:
            loaded = load_session_file(path, library.template_dirs,
                                       jargon=state().settings().jargon)
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
    from coprod_cli.sessions.library import session_schema

    typer.echo(json.dumps(session_schema(), indent=2))


@app.command("new")
def new(
    from_outline: Annotated[Path | None, typer.Option(
        "--from-outline", help="A text file with one step a line and its minutes, e.g. "
        "'Welcome - 10 min'. A first line '# Title' gives the title.", show_default=False)
    ] = None,
    title: Annotated[str | None, typer.Option(help="The session's title.",
                                              show_default=False)] = None,
    session_id: Annotated[str | None, typer.Option(
        "--id", help="Its id (default: made from the title).", show_default=False)] = None,
    theme: Annotated[str | None, typer.Option(
        help="Its theme, e.g. wellbeing or self-esteem.", show_default=False)] = None,
    duration: Annotated[int | None, typer.Option(
        min=1, max=480, help="Planned minutes (with --from-outline: the steps' total).",
        show_default=False)] = None,
    aim: Annotated[list[str] | None, typer.Option(
        "--aim", help="An aim of the session. Repeat for each.", show_default=False)] = None,
    steps: Annotated[int | None, typer.Option(
        min=1, max=30, help="How many steps (not with --from-outline).", show_default=False)
    ] = None,
) -> None:
    """Start a new session: a commented session file and a handout to fill in, in your folder.

    Asks for anything not given as an option. Then edit the file, and run 'coprod session
    check' on it until it has no warnings.

    Example: coprod session new --from-outline walk.txt --theme wellbeing --aim "Get outside"
    """
    from coprod_cli import config
    from coprod_cli.cli.prompts import ask, ask_valid
    from coprod_cli.sessions import outline, scaffold

    outline_title: str | None = None
    outline_steps: list[tuple[str, int]] = []
    if from_outline is not None:
        if steps is not None:
            from coprod_cli.errors import UsageError

            raise UsageError("--steps and --from-outline cannot be used together.",
                             hint="The outline already says what the steps are.")
        outline_title, outline_steps = outline.read_outline(from_outline)
    chosen_title = title or outline_title or ask("Title", flag="--title")
    chosen_id = session_id or scaffold.slugify(chosen_title) or ask_valid(
        "Id (lower-case letters, numbers and dashes)",
        lambda t: scaffold.check_slug(t, "session id", "--id"), flag="--id")
    chosen_theme = theme or ask_valid(
        "Theme (e.g. wellbeing, self-esteem, relationships)",
        lambda t: scaffold.check_slug(t, "theme", "--theme"), flag="--theme")
    aims = aim or [a.strip() for a in ask(
        "Aims, separated by ';'", flag="--aim").split(";") if a.strip()]
    if outline_steps:
        total = sum(m for _, m in outline_steps)
        chosen_duration = duration or total
        plan = outline_steps
    else:
        chosen_duration = duration or ask_valid("Planned minutes", outline.parse_minutes,
                                                flag="--duration", default="90")
        count = steps or ask_valid("How many steps", outline.parse_step_count,
                                   flag="--steps", default="6")
        plan = outline.even_steps(chosen_duration, count)
    request = scaffold.NewSession(id=chosen_id, title=chosen_title, theme=chosen_theme,
                                  duration=chosen_duration, aims=aims, steps=plan)
    home = state().home
    session_path, handout_path = scaffold.create_session(
        request, state().library(), config.user_sessions_dir(home),
        config.user_templates_dir(home))
    say = state().console().print
    say(f"Wrote {session_path} ({len(plan)} steps, {chosen_duration} minutes) and the "
        f"handout {handout_path}.", markup=False)
    say(f"Next: fill in every '(to write)', then run: coprod session check {session_path}",
        markup=False)


@app.command("fork")
def fork(
    session_id: Annotated[str, typer.Argument(metavar="ID", help="The session to adapt.")],
    new_id: Annotated[str | None, typer.Option(
        "--as", help="An id for your version (default: the same id, so yours is used "
        "instead of the original).", show_default=False)] = None,
) -> None:
    """Copy a session and its handouts into your folder to adapt, remembering the original.

    The copy records based_on: ID@VERSION, so 'coprod session diff' can show your changes.

    Example: coprod session fork wellbeing-five-ways --as our-five-ways
    """
    from coprod_cli import config
    from coprod_cli.sessions import forking

    library = state().library()
    home = state().home
    forked = forking.fork_session(library.get(session_id), new_id, library,
                                  config.user_sessions_dir(home),
                                  config.user_templates_dir(home))
    say = state().console().print
    say(f"Copied {forked.based_on} to {forked.path}"
        + (f" with {len(forked.templates)} handout"
           f"{'s' * (len(forked.templates) != 1)}." if forked.templates else "."),
        markup=False)
    for path in forked.templates:
        say(f"  handout: {path}", markup=False)
    say(f"See your changes with: coprod session diff {new_id or session_id}", markup=False)


@app.command("diff")
def diff(
    session_id: Annotated[str, typer.Argument(metavar="ID", help="A session you forked.")],
    full: Annotated[bool, typer.Option(
        "--full", help="Also show the changed lines of the file and handouts.")] = False,
) -> None:
    """Show how a forked session differs from the session it is based on.

    Example: coprod session diff our-five-ways --full
    """
    from coprod_cli import config
    from coprod_cli.sessions.diff import diff_session

    library = state().library()
    result = diff_session(library.get(session_id), library,
                          config.user_sessions_dir(state().home))
    say = state().console().print
    if not result.changes and all(not lines for _, lines in result.text_diffs[1:]):
        say(f"'{result.session_id}' has the same content as {result.based_on}.", markup=False)
    else:
        say(f"'{result.session_id}' compared with {result.based_on}:", markup=False)
        for line in result.changes:
            say(f"  {line}", markup=False)
    if full:
        for label, lines in result.text_diffs:
            if lines:
                say(f"\nChanged lines in the {label}:", markup=False)
                for line in lines:
                    say(line, markup=False, soft_wrap=True)


def _register_run_commands() -> None:
    from coprod_cli.cli import run

    run.register(app)


_register_run_commands()
