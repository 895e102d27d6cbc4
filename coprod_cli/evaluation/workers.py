"""Years of a summary computed on two cores: a forked worker totals every other year.

Parsing and totalling a year is independent of every other year (``tally.py``), and what
crosses between years is a part, which ``kept.encode`` already turns into compact JSON. So
the summary forks once, after everything is imported and before any record is read; the
worker computes its years in order and sends each part down a pipe as that JSON (keeping it
too, as the parent would), while the parent computes the others. The parent merges every
part oldest year first, exactly as with one process, so the figures are the same either way
(``tests/test_kept_summaries.py`` compares them).

A worker that fails for any reason (a damaged file, no memory, killed) sends nothing more,
and the parent computes what is missing itself, so an error is raised, and worded, in one
place. Records are only read here; the worker never writes a record file.
"""

from __future__ import annotations

import contextlib
import os
import signal
import struct
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

import orjson

from coprod_cli.evaluation import kept as kept_parts

Compute = Callable[[str], dict[str, Any]]
"""A year's part from its records."""
Keep = Callable[[str, dict[str, Any]], None]
"""Keep a year's encoded part for next time (or do nothing)."""
_LENGTH = struct.Struct("<Q")
_FAILED = 0  # a length of 0: the worker could not compute this year


def available() -> int:
    """How many processes a summary may use: two when this process may run on two cores
    and can fork (Linux, macOS), else one."""
    if not hasattr(os, "fork"):
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS has no affinity
        cores = os.cpu_count() or 1
    return 2 if cores >= 2 else 1


def _work(years: list[str], compute: Compute, keep: Keep, out: BinaryIO) -> None:
    """In the worker: each year's part, encoded, down the pipe; nothing more after a
    failure."""
    for year in years:
        try:
            encoded = kept_parts.encode(compute(year))
            body = orjson.dumps(encoded)
        except BaseException:  # the parent computes it again, and reports any error
            out.write(_LENGTH.pack(_FAILED))
            return
        keep(year, encoded)
        out.write(_LENGTH.pack(len(body)))
        out.write(body)
        out.flush()


def _receive(source: BinaryIO) -> dict[str, Any] | None:
    head = source.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        return None  # the worker ended early
    (length,) = _LENGTH.unpack(head)
    if length == _FAILED:
        return None
    body = source.read(length)
    if len(body) < length:
        return None
    return kept_parts.decode(orjson.loads(body))


class Parts:
    """The parts of ``years`` as they are computed, in order: ``(year, part, kept)``, where
    ``kept`` says the worker has kept the part already.

    With ``processes`` 2 a worker is forked at once to compute every other year, or, when
    there is one year and the caller has other work to do meanwhile (``alongside``), that
    year. ``close`` ends the worker if it is still wanted (after an error) and reaps it.
    """

    def __init__(self, years: list[str], compute: Compute, keep: Keep, processes: int,
                 alongside: bool = False) -> None:
        self.years, self.compute = years, compute
        share = years[1::2] if len(years) >= 2 else years if alongside else []
        self.theirs = set(share if processes >= 2 else [])
        self.pid: int | None = None
        self.source: BinaryIO | None = None
        if not self.theirs:
            return
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker: never returns into the parent's code
            status = 1
            try:
                os.close(read_end)
                with os.fdopen(write_end, "wb") as out:
                    _work(share, compute, keep, out)
                status = 0
            finally:
                os._exit(status)
        os.close(write_end)
        self.pid, self.source = pid, os.fdopen(read_end, "rb")

    def __iter__(self) -> Iterator[tuple[str, dict[str, Any], bool]]:
        failed = False
        for year in self.years:
            part = None
            if year in self.theirs and not failed and self.source is not None:
                part = _receive(self.source)
                failed = part is None
            if part is None:
                yield year, self.compute(year), False
            else:
                yield year, part, True
        self.close(finished=True)

    def close(self, finished: bool = False) -> None:
        if self.pid is None:
            return
        if self.source is not None:
            self.source.close()
        if not finished:  # an error, or the caller stopped: the worker's work is moot
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        self.pid = None
