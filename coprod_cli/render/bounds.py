"""Bounds on templates that did not ship with coprod: time, output size and memory.

Jinja's sandbox stops a template reaching Python internals, but not from running for ever
(``{% for i in range(100000) %}{% for j in range(100000) %}...``), asking for gigabytes
(``{{ 'x' * 2000000000 }}``) or calling itself until Python gives up. A contributed
template is therefore filled in:

- in the sandbox, whose ``*``, ``**`` and ``+`` refuse a result larger than the output
  bound before it is made, and whose ``range`` checks the clock as it counts;
- where the system allows (``os.fork``: Linux, macOS), in a child process with an address
  space limit and a wall-clock limit after which it is stopped; elsewhere in process with
  the same clock checks;
- with its output read piece by piece and stopped past ``MAX_OUTPUT`` characters.

Each bound hit is one plain sentence that names the template.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import sys
import time
from collections.abc import Callable
from typing import Any

from coprod_cli.errors import CoprodError, ValidationError

MAX_SECONDS = 5.0  # a handout fills in within a tenth of a second
MAX_OUTPUT = 2_000_000  # characters: a few hundred printed pages
MAX_MEMORY = 512 * 1024 * 1024  # bytes more than the process already uses
MAX_DEPTH = 200  # nested macro calls


class BoundHit(Exception):
    """A template went past one of the bounds; ``what`` says which, in words."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


def refusal(template: str, what: str) -> ValidationError:
    return ValidationError(f"The template '{template}' was stopped because it {what}.",
                           hint="Templates that did not ship with coprod are bounded; "
                                "check its loops, repeats and macros.")


class Deadline:
    """The clock a sandboxed render checks (in ``range``, in each piece of output)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.ends = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self.ends:
            raise BoundHit(f"took longer than {self.seconds:g} seconds to fill in")


def bounded_environment(base: type) -> type:
    """A subclass of the sandbox ``base`` whose operators cannot build huge values and whose
    ``range`` watches the clock (set per render as ``env.deadline``)."""

    class Bounded(base):  # type: ignore[misc]  # a Jinja class chosen at run time
        intercepted_binops = frozenset(["*", "**", "+"])
        deadline: Deadline | None = None

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            if operator == "**" and isinstance(right, int) and abs(right) > 64:
                raise BoundHit(f"raised a number to the power {right}")
            if operator == "*":
                for seq, n in ((left, right), (right, left)):
                    if isinstance(seq, str | list | tuple) and isinstance(n, int) \
                            and len(seq) * n > MAX_OUTPUT:
                        raise BoundHit(f"would make more than {MAX_OUTPUT:,} characters "
                                       "of output")
                if isinstance(left, int) and isinstance(right, int) \
                        and left.bit_length() + right.bit_length() > 4096:
                    raise BoundHit("made a number too large to print")
            if operator == "+" and isinstance(left, str | list | tuple) \
                    and isinstance(right, str | list | tuple) \
                    and len(left) + len(right) > MAX_OUTPUT:
                raise BoundHit(f"would make more than {MAX_OUTPUT:,} characters of output")
            return super().call_binop(context, operator, left, right)

    def watched_range(*args: int) -> Any:
        from jinja2.sandbox import safe_range

        for n, value in enumerate(safe_range(*args)):
            if n % 1024 == 0 and Bounded.deadline is not None:
                Bounded.deadline.check()
            yield value

    Bounded.watched_range = staticmethod(watched_range)
    return Bounded


def collect(pieces: Any, deadline: Deadline) -> str:
    """The output of ``generate()``, stopped past ``MAX_OUTPUT`` or the deadline."""
    out: list[str] = []
    size = 0
    for piece in pieces:
        size += len(piece)
        if size > MAX_OUTPUT:
            raise BoundHit(f"made more than {MAX_OUTPUT:,} characters of output")
        deadline.check()
        out.append(piece)
    return "".join(out)


def run_bounded(template: str, work: Callable[[], str]) -> str:
    """``work()`` (a sandboxed render) under every bound; CoprodErrors come back as they
    were raised, a bound hit as one sentence naming ``template``."""
    if not hasattr(os, "fork") or os.environ.get("COPROD_NO_FORK"):
        return _in_process(template, work)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: limit memory, render, send the result, leave at once
        os.close(read_end)
        code = 0
        try:
            result: tuple[Any, ...] = ("ok", _in_process(template, work, limit_memory=True))
        except CoprodError as exc:
            result = ("error", type(exc).__name__, exc.message, exc.hint,
                      getattr(exc, "problems", []))
        except BaseException as exc:  # noqa: BLE001 - anything else is reported, not raised
            result = ("error", "ValidationError", f"The template '{template}' could not "
                      f"be filled in ({type(exc).__name__}).", None, [])
        try:
            data = pickle.dumps(result)
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(data)
        except BaseException:  # noqa: BLE001
            code = 1
        os._exit(code)
    os.close(write_end)
    return _await(pid, read_end, template)


def _await(pid: int, read_end: int, template: str) -> str:
    chunks: list[bytes] = []
    ends = time.monotonic() + MAX_SECONDS + 1.0
    try:
        while True:
            left = ends - time.monotonic()
            if left <= 0:
                os.kill(pid, signal.SIGKILL)
                raise refusal(template, f"took longer than {MAX_SECONDS:g} seconds to fill in")
            ready, _, _ = select.select([read_end], [], [], left)
            if not ready:
                continue
            chunk = os.read(read_end, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read_end)
        os.waitpid(pid, 0)
    if not chunks:
        raise refusal(template, "used more memory than a template may")
    result = pickle.loads(b"".join(chunks))  # our own child's bytes, never a file's
    if result[0] == "ok":
        return str(result[1])
    _, kind, message, hint, problems = result
    from coprod_cli import errors

    cls = getattr(errors, kind, CoprodError)
    if isinstance(cls, type) and issubclass(cls, ValidationError):
        raise cls(message, problems, hint=hint)
    if isinstance(cls, type) and issubclass(cls, CoprodError):
        raise cls(message, hint)
    raise CoprodError(message, hint)


def _in_process(template: str, work: Callable[[], str], *, limit_memory: bool = False) -> str:
    if limit_memory:
        _limit_memory()
    depth = sys.getrecursionlimit()
    sys.setrecursionlimit(min(depth, 400 + MAX_DEPTH * 8))
    try:
        return work()
    except BoundHit as hit:
        raise refusal(template, hit.what) from None
    except RecursionError:
        raise refusal(template, "calls itself too many times (a macro that calls itself)"
                      ) from None
    except MemoryError:
        raise refusal(template, "used more memory than a template may") from None
    finally:
        sys.setrecursionlimit(depth)


def _limit_memory() -> None:
    try:
        import resource

        with open("/proc/self/statm", encoding="ascii") as statm:
            used = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        limit = used + MAX_MEMORY
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, OSError, ValueError):
        pass  # no /proc (macOS): the operator and output bounds still hold
