"""The ``coprod`` command: the Typer app, its global options, and the one error boundary.

Every command group lives in its own module and is added here. Errors from anywhere below are
turned into ``Error: <sentence>`` plus a hint on stderr in exactly one place,
``CoprodGroup.invoke``, so tests driving the app with ``CliRunner`` see what users see.
"""

from __future__ import annotations

import errno
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from coprod_cli import __version__
from coprod_cli.cli import context
from coprod_cli.errors import CoprodError, ExitCode, ValidationError


def report_error(exc: CoprodError) -> None:
    """Print one plain sentence, every located problem, and a hint. Never a traceback."""
    err = context.state().console(stderr=True)
    err.print(f"Error: {exc.message}", markup=False)
    if isinstance(exc, ValidationError):
        for problem in exc.problems:
            err.print(f"  {problem}", markup=False)
    if exc.hint:
        err.print(f"Hint: {exc.hint}", markup=False)


def _os_error(exc: OSError) -> CoprodError:
    if exc.errno == errno.ENOSPC:
        return CoprodError("The disk is full, so coprod could not save. Nothing was changed.",
                           hint="Free some space and run the command again.")
    if exc.errno in (errno.EACCES, errno.EPERM):
        name = f" {exc.filename}" if exc.filename else ""
        return CoprodError(f"coprod is not allowed to use{name}.",
                           hint="Check the folder's permissions, or choose another with --home.")
    if exc.errno == errno.EROFS:
        return CoprodError("The records folder is on a read-only disk.",
                           hint="Choose a writable folder with --home or COPROD_HOME.")
    return CoprodError(f"The computer refused a file operation: {exc.strerror}.",
                       hint="Run again with --debug to see the details.")


class CoprodGroup(TyperGroup):
    """A Typer group that maps every failure to a message and an exit code."""

    def invoke(self, ctx: Any) -> Any:
        context.GROUPS.append(ctx)  # so the store's audit trail can name the command
        try:
            return self._invoke(ctx)
        finally:
            context.GROUPS.pop()

    def _invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except CoprodError as exc:
            report_error(exc)
            raise typer.Exit(int(exc.exit_code)) from None
        except OSError as exc:
            if context.state().debug or getattr(sys, "_called_from_test", False) and \
                    exc.errno not in (errno.ENOSPC, errno.EACCES, errno.EPERM, errno.EROFS):
                raise
            report_error(_os_error(exc))
            raise typer.Exit(int(ExitCode.ERROR)) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt, typer.TyperException):
            raise  # Typer's own usage errors (TyperException) are shown by Typer with exit 2
        except Exception as exc:
            if context.state().debug or getattr(sys, "_called_from_test", False):
                raise
            report_error(CoprodError(
                f"Something unexpected went wrong ({type(exc).__name__}). "
                "Everything saved before this point is safe.",
                hint="Run the same command with --debug to see the details, and report them."))
            raise typer.Exit(int(ExitCode.ERROR)) from None


def new_app(help_text: str) -> typer.Typer:
    """A Typer app with our safe defaults: no locals in tracebacks, no markup eating text."""
    return typer.Typer(help=help_text, cls=CoprodGroup, no_args_is_help=True, add_completion=False,
                       pretty_exceptions_show_locals=False, rich_markup_mode=None,
                       context_settings={"help_option_names": ["-h", "--help"]})


app = new_app(
    "coprod helps you plan, run and evaluate co-produced group sessions.\n\n"
    "Start with 'coprod session list', then 'coprod session run ID'.")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"coprod {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    home: Annotated[Path | None, typer.Option(
        "--home", help="Folder for your records and settings (default: COPROD_HOME, else "
        "your app-data folder).", show_default=False)] = None,
    plain: Annotated[bool, typer.Option(
        "--plain", help="Plain text: no colour, boxes or live updates (good for screen "
        "readers).")] = False,
    debug: Annotated[bool, typer.Option(
        "--debug", help="Show the full technical details when something goes wrong.")] = False,
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """coprod helps you plan, run and evaluate co-produced group sessions.

    Example: coprod session list
    """
    context.reset(home, debug, plain)


def _register() -> None:
    from coprod_cli.cli import init_cmd, people, session

    app.add_typer(session.app, name="session")
    app.add_typer(people.app, name="people")
    from coprod_cli.cli import handouts as handouts_cli

    app.add_typer(handouts_cli.app, name="handouts")
    from coprod_cli.cli import grant as grant_cli

    app.add_typer(grant_cli.app, name="grant")
    from coprod_cli.cli import eval as eval_cli

    app.add_typer(eval_cli.app, name="eval")
    from coprod_cli.cli import data

    app.add_typer(data.app, name="data")
    from coprod_cli.cli import toolkit as toolkit_cli

    app.add_typer(toolkit_cli.app, name="toolkit")
    from coprod_cli.cli import involve as involve_cli

    app.add_typer(involve_cli.app, name="involve")
    from coprod_cli.cli import group as group_cli

    app.add_typer(group_cli.app, name="group")
    from coprod_cli.cli import meeting as meeting_cli

    app.add_typer(meeting_cli.app, name="meeting")
    from coprod_cli.cli import pairs as pairs_cli

    app.add_typer(pairs_cli.app, name="pairs")
    from coprod_cli.cli import rota as rota_cli

    app.add_typer(rota_cli.app, name="rota")
    from coprod_cli.cli import panel as panel_cli

    app.add_typer(panel_cli.app, name="panel")
    from coprod_cli.cli import action as action_cli

    app.add_typer(action_cli.app, name="action")
    from coprod_cli.cli import vote as vote_cli

    app.add_typer(vote_cli.app, name="vote")
    app.command("init")(init_cmd.init)


_register()


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point."""
    app(args=argv, prog_name="coprod")
