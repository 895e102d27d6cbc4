"""One progress bar for every command a user may wait more than a second for.

Laying out a hundred-page pack or the whole toolkit takes seconds; a silent terminal for that
long reads as a hang. Commands wrap the slow call in ``progress_bar(...)`` and hand the
``update(done, total)`` it yields to the domain function, which calls it as work is done.
The bar is drawn on stderr, so what a command prints (and anything piped) is untouched, and
it disappears when done. It is off, and ``update`` is None so the domain code does no work
for it, with ``--plain`` (screen readers read every redraw aloud) and whenever stderr is not
a terminal (logs, pipes, tests), or stdout is not (output going to a file or a program).
``update(done, total, what="")`` may name what is being worked on ("2017", a bundle's name).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from coprod_cli.cli.context import state

Update = Callable[..., None]  # update(done, total, what="")


def wanted() -> bool:
    """Whether this invocation shows progress: terminals on stderr and stdout, no
    ``--plain``. Standard output is asked first: when it is a pipe or a file, Rich (about
    20 ms to import) is not loaded just to say no."""
    app_state = state()
    return not app_state.plain and _stdout_is_terminal() \
        and app_state.console(stderr=True).is_terminal


def _stdout_is_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


@contextmanager
def progress_bar(label: str, unit: str) -> Iterator[Update | None]:
    """``with progress_bar("Laying out", "documents") as update:`` then pass ``update`` on;
    it is None when no bar is shown."""
    if not wanted():
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from coprod_cli.escape import terminal_safe

    err = state().console(stderr=True)
    with Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TextColumn(unit),
                  TextColumn("{task.fields[what]}"), console=err, transient=True) as bar:
        task = bar.add_task(label, total=None, what="")

        def update(done: int, total: int, what: str = "") -> None:
            bar.update(task, completed=done, total=total,
                       what=terminal_safe(what, one_line=True))

        yield update
