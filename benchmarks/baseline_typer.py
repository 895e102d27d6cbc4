"""The start-up baseline: the smallest Typer app built the way coprod builds its own.

Same options as ``coprod_cli.cli.new_app`` (a TyperGroup subclass, no completion, no locals
in tracebacks, ``rich_markup_mode=None``, ``-h``), a root callback with coprod's global
options, and ten sub-apps with a few commands each. ``people list`` prints one line, as
``coprod people list`` does on an empty register. It imports nothing but Typer, so the
difference from ``coprod`` is coprod's own start-up cost.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup


class Group(TyperGroup):
    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except KeyError as exc:  # a stand-in for coprod's one error boundary
            typer.echo(f"Error: {exc}", err=True)
            raise typer.Exit(1) from None


def new_app(help_text: str) -> typer.Typer:
    return typer.Typer(help=help_text, cls=Group, no_args_is_help=True, add_completion=False,
                       pretty_exceptions_show_locals=False, rich_markup_mode=None,
                       context_settings={"help_option_names": ["-h", "--help"]})


app = new_app("A minimal app with coprod's settings.")


@app.callback()
def root(
    home: Annotated[Path | None, typer.Option("--home", help="Folder.")] = None,
    plain: Annotated[bool, typer.Option("--plain", help="Plain text.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Details.")] = False,
) -> None:
    """The root callback, as coprod has."""


def sub_app(group: str) -> typer.Typer:
    sub = new_app(f"The {group} commands.")

    @sub.command("list")
    def listing(fmt: Annotated[str, typer.Option("--format", help="table or json.")]
                = "table") -> None:
        """List things.

        Example: app GROUP list
        """
        typer.echo(f"No {group} records yet.")

    @sub.command("show")
    def show(item: Annotated[str, typer.Argument(help="The id.")]) -> None:
        """Show one thing.

        Example: app GROUP show ID
        """
        typer.echo(item)

    return sub


subs = {name: sub_app(name) for name in ("session", "people", "handouts", "grant", "eval",
                                          "data", "toolkit", "group", "meeting", "pairs")}
for name, sub in subs.items():
    app.add_typer(sub, name=name)


@subs["data"].command("read")
def read(files: Annotated[Path, typer.Argument(help="A file listing the records files.")]
         ) -> None:
    """Parse every listed records file with orjson and print how many records they hold.

    The least any Typer command reading every record can do (benchmarks/service_targets.py):
    this app's start-up, then the floor's own work.
    """
    import orjson

    count = 0
    for path in files.read_text(encoding="utf-8").splitlines():
        with open(path, "rb") as handle:
            count += len(orjson.loads(handle.read()).get("records", {}))
    typer.echo(f"{count} records")

if __name__ == "__main__":
    app(prog_name="app")
