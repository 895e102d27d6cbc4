"""Watching a run that another window holds: the same step screen, read-only, following it.

One run, one window: the window that holds a run is the only one that writes. A second
window can still follow along (a co-facilitator's laptop, a big screen) by watching, which
reads the run again whenever it changes and never saves anything.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from coprod_cli.sessions.lease import describe
from coprod_cli.sessions.runner import find_run

if TYPE_CHECKING:
    from coprod_cli.cli.run_screen import RunScreen

PHASE_WORDS = {"register": "the register, before the first step", "steps": "the steps",
               "closing": "the closing (feedback and reflection)", "done": "the end"}


class _Changed(Exception):
    """The watched run changed: show it again."""


def watch(screen: RunScreen) -> None:
    """Follow the run read-only until it finishes or the watcher presses q."""
    engine = screen.engine
    engine.watch()
    screen.say(f"Watching run {engine.id} read-only: nothing typed here is saved. "
               + ("Press q to stop watching." if screen.live else
                  "Type q to stop watching, or Enter to look again."))
    seen = ""
    while True:
        engine.reload()
        if engine.run["updated_at"] != seen:
            seen = engine.run["updated_at"]
            _show(screen)
        if engine.phase == "done":
            screen.say("The run has finished.")
            return
        try:
            action, _ = screen.reader.read(partial(_tick, screen, seen)
                                           if screen.live else None)
        except EOFError:
            return
        except _Changed:
            continue
        if action == "quit":
            screen.say("Stopped watching. The other window still has the run.")
            return


def _tick(screen: RunScreen, seen: str) -> None:
    if find_run(screen.store, screen.engine.id)["updated_at"] != seen:
        raise _Changed
    if screen.engine.phase == "steps":
        screen._tick()  # the header's time lines, in place


def _show(screen: RunScreen) -> None:
    holder = screen.engine.holder()
    words = "Watching, read-only (q stops). " + (
        f"Held by {describe(holder)}." if holder else "No window holds the run now.")
    if screen.engine.phase == "steps":
        screen.show_step(message=words)
        if not screen.live:
            screen.say(words)
    else:
        screen.say(f"The run is at: {PHASE_WORDS[screen.engine.phase]}.")
        screen.say(words)
