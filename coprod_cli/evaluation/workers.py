"""Years of a summary computed on two cores: a forked worker totals every other year.

Parsing and totalling a year is independent of every other year (``tally.py``), and what
crosses between years is a part. So the summary forks once, after everything is imported
and before any record is read; the worker computes its years in order and sends each part
down a pipe, pickled (both ends are this same program, so nothing foreign is unpickled, and
it is many times quicker than the kept JSON both ways), and only then keeps it, as the
parent would: the parent is not kept waiting for a file to be written. The parent merges
every part oldest year first, exactly as with one process, so the figures are the same
either way (``tests/test_kept_summaries.py`` compares them). At the end the parent does not
wait for the worker to finish keeping its last part: a thread reaps it while the report is
put together, and ``finish`` (called before a summary returns) waits for that thread, so no
worker outlives the summary that started it.

A worker that fails for any reason (a damaged file, no memory, killed) sends nothing more,
and the parent computes what is missing itself, so an error is raised, and worded, in one
place. Records are only read here; the worker never writes a record file.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import struct
import threading
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

Compute = Callable[[str], dict[str, Any]]
"""A year's part (or one half of it, ``tally.HALVES``) from its records."""
Keep = Callable[[str, dict[str, Any]], None]
"""Keep that part for next time (or do nothing)."""
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
    """In the worker: each year's part down the pipe, then kept; nothing more after a
    failure."""
    for year in years:
        try:
            part = compute(year)
            body = pickle.dumps(part, protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:  # the parent computes it again, and reports any error
            out.write(_LENGTH.pack(_FAILED))
            return
        out.write(_LENGTH.pack(len(body)))
        out.write(body)
        out.flush()
        del body  # sent: only the part is held while it is kept
        with contextlib.suppress(Exception):  # not kept: the next summary computes it
            keep(year, part)
        del part


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
    part: dict[str, Any] = pickle.loads(body)  # noqa: S301 - from our own forked worker
    return part


class Parts:
    """The parts of ``years`` as they are computed, in order: ``(year, part, kept)``, where
    ``kept`` says the worker has kept the part already.

    With ``processes`` 2 a worker is forked at once to compute every other year, or, when
    there is one year and the caller has other work to do meanwhile (``alongside``), that
    year. ``close`` kills the worker if its parts are still wanted (after an error), or,
    once every one has arrived, leaves it to finish keeping the last, and reaps it.
    """

    def __init__(self, years: list[str], compute: Compute, keep: Keep, processes: int,
                 alongside: bool = False) -> None:
        self.years, self.compute = years, compute
        share = years[1::2] if len(years) >= 2 else years if alongside else []
        self.theirs = set(share if processes >= 2 else [])
        self.pid: int | None = None
        self.source: BinaryIO | None = None
        self.received = 0  # parts the worker sent
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
                self.received += not failed
            if part is None:
                yield year, self.compute(year), False
            else:
                yield year, part, True
        self.close()

    def close(self) -> None:
        """End the worker: killed while its parts are still wanted (an error, or the caller
        stopped), else left to finish keeping what it sent, and reaped by a thread
        (``finish``)."""
        if self.pid is None:
            return
        if self.source is not None:
            self.source.close()
        pid, self.pid = self.pid, None
        if self.received == len(self.theirs):
            reaper = threading.Thread(target=os.waitpid, args=(pid, 0), name="coprod-reaper")
            reaper.start()
            _reapers.append(reaper)
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)


_reapers: list[threading.Thread] = []


def finish() -> None:
    """Wait until every worker that finished sending has finished keeping, and is reaped."""
    while _reapers:
        _reapers.pop().join()
