"""Asking questions in a terminal or from a pipe, and failing clearly when nobody can answer.

Every prompt names the flag that answers it, so a script that forgot an answer is told which
flag to pass instead of seeing ``Aborted!``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from coprod_cli.cli.context import state, stdin_is_terminal
from coprod_cli.errors import CoprodError, NoTerminalError

T = TypeVar("T")


def ask(question: str, *, flag: str | None = None, default: str | None = None) -> str:
    """Read one answer. Piped answers are echoed, so a scripted run reads like a transcript."""
    suffix = f" [{default}]" if default else ""
    prompt = f"{question}{suffix}: "
    if stdin_is_terminal():
        _drop_typed_ahead()
    try:
        answer = input(prompt)
    except EOFError:
        where = f" Pass {flag} to answer it." if flag else ""
        raise NoTerminalError(
            f"coprod needed an answer to \"{question}\" but there was nothing to read.{where}",
            hint="Run it in a terminal to be asked, or give every answer as a flag.") from None
    if not stdin_is_terminal():
        print(answer)
    answer = answer.strip()
    return answer if answer or default is None else default


def _drop_typed_ahead() -> None:
    """A pasted second line must not answer the next question: in a terminal, anything
    typed before the question was shown is dropped."""
    try:
        import readline  # noqa: F401  (input() then edits with readline: typed_so_far)
    except ImportError:
        pass
    try:
        import sys
        import termios

        termios.tcflush(sys.stdin.fileno(), termios.TCIFLUSH)
    except (ImportError, OSError, ValueError):
        pass  # not a real terminal (Windows, a test's stand-in): nothing to drop


def typed_so_far() -> str:
    """What was on the line when Ctrl-C came, where readline can tell (a half-typed note)."""
    try:
        import readline

        return readline.get_line_buffer().strip()
    except (ImportError, AttributeError):
        return ""


def ask_valid(question: str, parse: Callable[[str], T], *, flag: str | None = None,
              default: str | None = None, attempts: int = 5) -> T:
    """Ask until ``parse`` accepts the answer; a wrong answer is explained, never fatal."""
    for _ in range(attempts):
        answer = ask(question, flag=flag, default=default)
        try:
            return parse(answer)
        except CoprodError as exc:
            state().console().print(f"  {exc.message}", markup=False)
    raise NoTerminalError(f"No usable answer to \"{question}\" after {attempts} tries.",
                          hint=f"Pass {flag} instead." if flag else None)


def confirm(question: str, *, default: bool = False, flag: str | None = None) -> bool:
    def parse(text: str) -> bool:
        low = text.lower()
        if low in ("y", "yes"):
            return True
        if low in ("n", "no"):
            return False
        raise CoprodError("Please answer y or n.")

    return ask_valid(f"{question} (y/n)", parse, flag=flag, default="y" if default else "n")
