"""Reading the runner's commands: single keys in a terminal, one word a line from a pipe.

In a terminal the facilitator presses one key (no Enter needed) and the clock line ticks
every second while they talk. From a pipe (tests, scripts, ``make demo``) the same commands
arrive as words, one a line, so a whole session can be scripted.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

COMMANDS: dict[str, str] = {
    "": "next", "n": "next", "next": "next", "\r": "next", "\n": "next", " ": "more",
    "more": "more", "m": "more",
    "v": "agenda", "agenda": "agenda",
    "j": "jump", "jump": "jump",
    "c": "time", "time": "time", "clock": "time",
    "b": "back", "back": "back",
    "s": "skip", "skip": "skip",
    "t": "note", "note": "note",
    "a": "add", "add": "add",
    "l": "leave", "leave": "leave", "leaves": "leave",
    "p": "pause", "pause": "pause",
    "r": "resume", "resume": "resume",
    "e": "end", "end": "end",
    "g": "concern", "concern": "concern",
    "q": "quit", "quit": "quit",
    "?": "help", "h": "help", "help": "help",
}

HELP_LINES = [
    ("Enter or n", "next step"),
    ("space or m", "more of a long step"),
    ("v", "the agenda: every step, planned and actual minutes"),
    ("j N", "jump to step N"),
    ("c", "say the time and how the session is going"),
    ("b", "back to the step before"),
    ("s", "skip this step"),
    ("t", "add a note"),
    ("a", "add a person who has arrived"),
    ("l", "someone leaves"),
    ("p", "pause the clock (any key carries on)"),
    ("g", "record a private safeguarding concern (never in reports)"),
    ("e", "end the session early"),
    ("q", "save and quit (carry on later with 'coprod session resume')"),
    ("?", "show these keys"),
]


def parse_command(text: str) -> tuple[str | None, str]:
    """``"t the tea urn broke"`` -> ``("note", "the tea urn broke")``; unknown -> None."""
    stripped = text.strip()
    word, _, rest = stripped.partition(" ")
    if text == " ":
        return "more", ""
    if stripped == "" and text in ("\r", "\n"):
        return "next", ""
    action = COMMANDS.get(word.lower())
    if action is None:
        return None, stripped
    return action, rest.strip()


class KeyReader:
    """Gets the next command, ticking ``on_tick`` about once a second in a terminal."""

    def __init__(self, interactive: bool,
                 parse: Callable[[str], tuple[str | None, str]] | None = None) -> None:
        self.interactive = interactive and os.name == "posix"
        #: How a key or a line becomes a command: the session's keys, or another screen's
        #: (``meeting run`` has its own: d decision, a action, V vote...).
        self.parse = parse or parse_command

    def read(self, on_tick: Callable[[], None] | None = None) -> tuple[str | None, str]:
        if not self.interactive:
            line = sys.stdin.readline()
            if line == "":
                raise EOFError
            print(f"> {line.rstrip()}")  # piped commands are echoed: the output reads as a log
            return self.parse(line.rstrip("\n"))
        key = self._read_key(on_tick)
        if key == " ":
            return "more", ""
        return self.parse(key) if key not in ("\r", "\n") else ("next", "")

    def _read_key(self, on_tick: Callable[[], None] | None) -> str:
        import select

        with self.cbreak():
            while True:
                ready, _, _ = select.select([sys.stdin], [], [], 1.0)
                if ready:
                    char = os.read(sys.stdin.fileno(), 1).decode("utf-8", "replace")
                    if char == "":
                        raise EOFError
                    if char == "\x04":  # Ctrl-D
                        raise EOFError
                    return char
                if on_tick is not None:
                    on_tick()

    @contextmanager
    def cbreak(self) -> Iterator[None]:
        """Keys without Enter, Ctrl-C still interrupts; the terminal is always restored."""
        import termios
        import tty

        fd = sys.stdin.fileno()
        saved = termios.tcgetattr(fd)
        try:
            tty.setcbreak(fd)
            yield
        finally:
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)
