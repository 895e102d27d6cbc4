"""The ``coprod`` command: the Typer app, its global options, and the one error boundary.

Every command group lives in its own module and is added here. Errors from anywhere below are
turned into ``Error: <sentence>`` plus a hint on stderr in exactly one place,
``CoprodGroup.invoke``, so tests driving the app with ``CliRunner`` see what users see.
"""

from __future__ import annotations

import errno
import sys
from collections.abc import Iterator, MutableMapping
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


def new_app(help_text: str, cls: type[TyperGroup] = CoprodGroup) -> typer.Typer:
    """A Typer app with our safe defaults: no locals in tracebacks, no markup eating text."""
    return typer.Typer(help=help_text, cls=cls, no_args_is_help=True, add_completion=False,
                       pretty_exceptions_show_locals=False, rich_markup_mode=None,
                       context_settings={"help_option_names": ["-h", "--help"]})


#: Every command group (and ``init``): its name, the module holding its ``app`` (or, after a
#: colon, its one command), and the line ``coprod --help`` shows for it. A group's module is
#: imported only when that group is used, so ``coprod --help`` loads none of them and
#: ``coprod people list`` loads only ``cli/people.py``. A new group is one line here.
COMMAND_GROUPS: dict[str, tuple[str, str]] = {
    "init": ("coprod_cli.cli.init_cmd:init",
             "Set up coprod for your service (optional: everything has a sensible default)."),
    "session": ("coprod_cli.cli.session", "Find, read, check and run sessions."),
    "people": ("coprod_cli.cli.people", "Add, find and update the people who take part."),
    "handouts": ("coprod_cli.cli.handouts", "Print what a session needs: the facilitator's "
                 "plan, handouts, a sign-in sheet and evaluation forms."),
    "eval": ("coprod_cli.cli.eval",
             "Record peer evaluations and report on how co-production is working."),
    "grant": ("coprod_cli.cli.grant",
              "Small grants: apply, decide, spend, close and report, to the penny."),
    "group": ("coprod_cli.cli.group",
              "Groups that govern together: committees, quality groups, boards and peer-support "
              "groups, with their members and officers."),
    "meeting": ("coprod_cli.cli.meeting",
                "Meetings of a group: plan the agenda (the standing items are added for you), "
                "print invitations and easy-read agendas, run the meeting item by item, and write"
                " the minutes."),
    "action": ("coprod_cli.cli.action",
               "Actions agreed at meetings: what, who, by when."),
    "vote": ("coprod_cli.cli.vote",
             "Fair votes at a meeting: yes or no, one X, or ranked (IRV for one seat, STV for "
             "several), secret if you choose."),
    "panel": ("coprod_cli.cli.panel",
              "Interview panels: a question bank people who use services write together, planning"
              " a panel, its printed pack and the scores."),
    "involve": ("coprod_cli.cli.involve",
                "Pay people for their involvement, repay expenses, and print the ways to get "
                "involved."),
    "pairs": ("coprod_cli.cli.pairs",
              "Peer support pairs: two people who share interests, introduced and supported by "
              "staff."),
    "rota": ("coprod_cli.cli.rota",
             "Fair rotas for a group's tasks (watering, weeding, making the tea...)."),
    "data": ("coprod_cli.cli.data",
             "Keep the records safe: backups, restore, checks, export and merge."),
    "toolkit": ("coprod_cli.cli.toolkit", "Grow the toolkit: share your sessions, add "
                "services' sessions, build the whole toolkit."),
}


def load_group(name: str) -> Any:
    """Import one group's module and build its Click command (what Typer does for every
    group at start-up when they are added with ``add_typer``)."""
    import importlib

    import typer.main

    target = COMMAND_GROUPS[name][0]
    module_name, _, function = target.partition(":")
    module = importlib.import_module(module_name)
    if function:
        single = typer.Typer(add_completion=False, pretty_exceptions_show_locals=False,
                             rich_markup_mode=None)
        single.command(name)(getattr(module, function))
        command = typer.main.get_command(single)
    else:
        command = typer.main.get_group(module.app)
    command.name = name
    return command


class LazyCommands(MutableMapping[str, Any]):
    """The root group's commands: every name is known, a group is built on first use."""

    def __init__(self, loaded: dict[str, Any]) -> None:
        self.loaded = loaded

    def __getitem__(self, name: str) -> Any:
        if name not in self.loaded and name in COMMAND_GROUPS:
            self.loaded[name] = load_group(name)
        return self.loaded[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self.loaded[name] = command

    def __delitem__(self, name: str) -> None:
        del self.loaded[name]

    def __iter__(self) -> Iterator[str]:
        yield from COMMAND_GROUPS
        yield from (name for name in self.loaded if name not in COMMAND_GROUPS)

    def __len__(self) -> int:
        return len(COMMAND_GROUPS.keys() | self.loaded.keys())


class CoprodRootGroup(CoprodGroup):
    """The ``coprod`` group itself: its sub-groups are loaded only when used, and its help
    lists them from ``COMMAND_GROUPS`` without loading any."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands = LazyCommands(dict(self.commands))

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        loaded = self.commands.loaded if isinstance(self.commands, LazyCommands) else {}
        rows = [(name, COMMAND_GROUPS[name][1] if name in COMMAND_GROUPS and name not in loaded
                 else self.commands[name].get_short_help_str(formatter.width))
                for name in self.commands]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


app = new_app(
    "coprod helps you plan, run and evaluate co-produced group sessions.\n\n"
    "Start with 'coprod session list', then 'coprod session run ID'.", cls=CoprodRootGroup)


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


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point."""
    app(args=argv, prog_name="coprod")
