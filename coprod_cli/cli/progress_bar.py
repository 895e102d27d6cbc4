"""A progress bar for work a user may wait on (a summary of many years, a merge of many files).

The domain functions take a plain ``progress(done, total, what)`` callback and know nothing
of terminals; this turns it into a Rich bar on stderr that disappears when the work ends. It
is off with ``--plain`` and whenever stdout or stderr is not a terminal (a pipe, a file, a
screen reader's plain mode), so what is saved or piped is exactly the command's output.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from coprod_cli.cli.context import state

Callback = Callable[[int, int, str], None]


def _stdout_is_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


@contextmanager
def progress_bar(label: str, unit: str) -> Iterator[Callback | None]:
    """Yields a callback to hand the domain function, or None when no bar should show."""
    app_state = state()
    err = app_state.console(stderr=True)
    if app_state.plain or not err.is_terminal or not _stdout_is_terminal():
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from coprod_cli.escape import terminal_safe

    with Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TextColumn(unit),
                  TextColumn("{task.fields[what]}"), console=err, transient=True) as bar:
        task = bar.add_task(label, total=None, what="")

        def update(done: int, total: int, what: str) -> None:
            bar.update(task, completed=done, total=total,
                       what=terminal_safe(what, one_line=True))

        yield update
