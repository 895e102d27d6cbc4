"""The coprod error family: every failure a user can cause or meet, as one plain sentence.

Domain code raises these; exactly one place (``coprod_cli.cli.main``) turns them into
``Error: <message>`` plus a hint on stderr and an exit code. Keeping the wording here, next to
the class, means the message a facilitator reads is written once and tested once.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any


class ExitCode(IntEnum):
    """Process exit codes, following the shell conventions users' scripts expect."""

    OK = 0
    ERROR = 1
    USAGE = 2
    INTERRUPTED = 130


class CoprodError(Exception):
    """Something went wrong that the user can understand and usually fix."""

    exit_code: ExitCode = ExitCode.ERROR

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled whole, whatever the subclass's own arguments: a refusal met in a worker
        process (a large merge's) reaches the user exactly as if met in the first."""
        return _rebuilt, (type(self), self.args, self.__dict__)


def _rebuilt(cls: type[CoprodError], args: tuple[Any, ...], state: dict[str, Any]
             ) -> CoprodError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class UsageError(CoprodError):
    """The command was called the wrong way (a missing flag, a bad option value)."""

    exit_code = ExitCode.USAGE


class NotFoundError(CoprodError):
    """An id (session, person, run) that does not exist."""


class ValidationError(CoprodError):
    """Input that breaks the rules: a malformed session file, an amount out of range.

    ``problems`` keeps every individual problem (``file:line:col: field: problem``) so the
    CLI can list all of them at once instead of making the user fix one at a time.
    """

    def __init__(self, message: str, problems: list[str] | None = None,
                 hint: str | None = None) -> None:
        super().__init__(message, hint)
        self.problems = problems or []


class StoreError(CoprodError):
    """The local data store cannot be used as it is."""


class StoreCorruptError(StoreError):
    """A store file cannot be read. Nothing is overwritten; the newest backup is named."""


class StoreLockedError(StoreError):
    """Another coprod process holds the store's lock for longer than we are willing to wait."""


class NoTerminalError(UsageError):
    """A prompt was needed but there is no terminal to ask on; the message names the flag."""
