"""A large merge shared between two processes, a file at a time.

Merging fifty services is a loop over the store's files (a table's year). For each file,
every bundle's copy is unzipped, checked against its checksum, parsed and checked against
the table's declaration. It is then added to the staged copy's file, which is written out.
Each file is merged on its own (``merging.py``). So a merge of more than a few megabytes
forks one worker, and the two processes take files from one list, largest first, until
none is left. Each process merges and writes its own files of the staged copy. The worker
sends back what each of its files did: counts, conflicts, and the changes for the trail.
The merge then writes the trail, so the two processes never write the same file.

Why this is safe:
- The staged copy belongs to the merge's bulk change, which holds the store's lock
  throughout. So the worker writes without the staged copy's own lock
  (``Store.shared_transaction``).
- The worker opens every bundle afresh (a forked process would otherwise share the
  merge's file positions). It refuses a bundle whose manifest is no longer the one the
  merge checked, because it was replaced during the merge.
- If a file is refused, neither process takes another. Every file taken before it is
  finished, and the refusal of the first refused file in the list is raised. So the same
  bundles always give the same error, and the bulk change throws the staged copy away.
- If the worker cannot be started, or dies, :class:`WorkerLost` is raised after it has
  gone. The caller merges again in one process, on a new staged copy.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from coprod_cli.store.merging import FileMerged

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess
    from multiprocessing.sharedctypes import Synchronized

SHARE_FROM_BYTES = 8 << 20
"""Below this much bundle data, forking a second process costs more than it saves."""
Merge = Callable[[str], FileMerged]
Told = Callable[[int, str], None]
"""Told ``(files done, name)`` as each file is finished, by either process."""
_WAIT = 0.5  # seconds between checks that the other process is still there


class WorkerLost(Exception):
    """The worker ended without finishing its files: merge again in one process."""


def can_share(bundle_bytes: int) -> bool:
    """True if a merge of this much data is worth a second process, and one can be forked:
    on Linux only (Windows cannot fork; macOS can, but its system libraries are not safe
    across a fork, which is why Python no longer forks there by default)."""
    if bundle_bytes < SHARE_FROM_BYTES or not sys.platform.startswith("linux"):
        return False  # and a small merge (or restore) never loads multiprocessing
    return len(os.sched_getaffinity(0)) >= 2  # the cores this process may use, not the host's


def share(order: list[str], here: Merge, in_worker: Merge, told: Told) -> dict[str, FileMerged]:
    """Merge every name in ``order`` once: in this process with ``here``, or in a forked
    worker with ``in_worker`` (called only there). Returns what each file did, by name."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    claims = context.Value("i", 0)  # the place in ``order`` of the next file to take
    receive, send = context.Pipe(duplex=False)
    worker = context.Process(target=_serve, args=(order, claims, send, in_worker, os.getpid()),
                             daemon=True)
    for stream in (sys.stdout, sys.stderr):  # or the worker could repeat what they hold
        stream.flush()
    try:
        worker.start()
    except OSError as exc:
        raise WorkerLost from exc
    send.close()  # the worker's end: with it closed here, a dead worker reads as the end
    done: dict[int, FileMerged] = {}
    failed: dict[int, Exception] = {}
    finished = False
    try:
        while not failed and (n := _claim(claims, len(order), lambda: worker.is_alive())
                              ) is not None:
            try:
                done[n] = here(order[n])
            except Exception as exc:  # a refusal, or a write that failed: the first one wins
                failed[n] = exc
                _stop(claims, len(order))
            else:
                told(len(done), order[n])
            if not finished:  # (once it has said so, its end of the pipe is closed)
                finished = _collect(receive, order, done, failed, told, wait=False)
        while not finished:
            finished = _collect(receive, order, done, failed, told, wait=True)
    finally:
        _end(worker, receive, finished)
    if failed:
        raise failed[min(failed)]
    return {order[n]: merged for n, merged in done.items()}


def _collect(receive: Connection, order: list[str], done: dict[int, FileMerged],
             failed: dict[int, Exception], told: Told, *, wait: bool) -> bool:
    """Take what the worker has sent (waiting for something if ``wait``); True once it
    has said it has finished."""
    while receive.poll(_WAIT if wait else 0):
        try:
            message = receive.recv()
        except (EOFError, OSError):  # it died: what it wrote goes with the staged copy
            raise WorkerLost from None
        if message is None:
            return True
        n, merged, error = message
        if error is not None:
            failed[n] = error
        else:
            done[n] = merged
            told(len(done), order[n])
        wait = False  # something came: take the rest without waiting
    return False


def _claim(claims: Synchronized[int], count: int, alive: Callable[[], bool]) -> int | None:
    """The next file's place in the list, or None when none is left; ``alive`` says the
    other process is still there, in case it died holding the counter's lock."""
    lock = claims.get_lock()
    while not lock.acquire(timeout=_WAIT):
        if not alive():  # it died holding the lock
            raise WorkerLost
    try:
        n = int(claims.value)
        if n >= count:
            return None
        claims.value = n + 1
        return n
    finally:
        lock.release()


def _stop(claims: Synchronized[int], count: int) -> None:
    """No process takes another file (each finishes the one it has)."""
    with claims.get_lock():
        claims.value = count


def _end(worker: BaseProcess, receive: Connection, finished: bool) -> None:
    """The worker gone before the staged copy can be thrown away or swapped in: it has
    said it has finished, or (the merge was interrupted or lost it) it is stopped."""
    if finished:
        worker.join(timeout=5)
    if worker.is_alive():
        worker.terminate()
        worker.join()
    receive.close()


def _serve(order: list[str], claims: Synchronized[int], send: Connection, merge: Merge,
           parent: int) -> None:
    """In the worker: merge files until none is left or one is refused, sending what each
    did. It ends by ``os._exit``: nothing of the merge's process (its buffered output, its
    exit handlers) may run twice."""
    def alive() -> bool:
        return os.getppid() == parent

    try:
        # Asked before every file too: a merge killed outright does not stop its worker,
        # which must then leave the store's lock (it holds it with the merge) soon after.
        while alive() and (n := _claim(claims, len(order), alive)) is not None:
            try:
                message: tuple[int, Any, Any] = (n, merge(order[n]), None)
            except Exception as exc:
                _stop(claims, len(order))
                message = (n, None, exc)
            send.send(message)
            if message[2] is not None:
                break
        send.send(None)
        send.close()
    except BaseException:  # noqa: BLE001 - an error that cannot be sent, or the merge died
        os._exit(1)  # the merge sees the pipe close: WorkerLost, and merges again itself
    os._exit(0)
