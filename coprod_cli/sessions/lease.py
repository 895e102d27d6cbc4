"""One run, one window: which window holds a run, and whether it can still be believed.

Two terminals driving one run interleave their writes (a note filed under the wrong step, a
``next`` that jumps two steps). So a window that opens a run takes a lease on it, kept in the
run record itself (process, account, machine, since when, last seen) and refreshed while its
screen runs. The engine checks the lease inside the same transaction as every write, so a
window whose run was taken over finds out before its next write and writes nothing.

Nothing here touches a terminal; the runner asks whether to watch or take over.
"""

from __future__ import annotations

import getpass
import os
import secrets
import socket
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from coprod_cli import clock
from coprod_cli.errors import CoprodError, UsageError
from coprod_cli.sessions.run_records import RUNS, find_run, partition_of

if TYPE_CHECKING:
    from coprod_cli.store.database import Store, Transaction

REFRESH_SECONDS = 30
"""How often a screen that is open on a run says it is still there."""


class RunHeldError(CoprodError):
    """The run is open in another window; the caller may watch it or take it over."""

    def __init__(self, lease: dict[str, Any]) -> None:
        super().__init__(f"This run is open in another window: {describe(lease)}.",
                         hint="Watch it read-only with --watch, or take it over with "
                              "--take-over (the other window then stops saving).")
        self.lease = lease


class RunTakenOverError(CoprodError):
    """Another window took the run over; this one must stop writing."""

    def __init__(self, lease: dict[str, Any] | None) -> None:
        who = describe(lease) if lease else "a window that has since let it go"
        super().__init__(f"This run was taken over by another window ({who}). This window "
                         "has stopped saving: nothing done here since then was saved.",
                         hint="Carry on in the other window, or watch it with 'coprod session "
                              "resume --watch'.")
        self.lease = lease


def _account() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (containers)
        return str(os.getuid()) if hasattr(os, "getuid") else "unknown"


def new_lease() -> dict[str, Any]:
    """A fresh lease for this process; ``token`` tells two engines in one process apart."""
    now = clock.now_iso()
    return {"token": secrets.token_hex(8), "pid": os.getpid(), "account": _account(),
            "host": socket.gethostname(), "since": now, "refreshed": now}


def _clock_time(stamp: str) -> str:
    moment = datetime.fromisoformat(stamp)
    today = clock.now().date() == moment.date()
    return moment.strftime("%H:%M" if today else "%Y-%m-%d %H:%M")


def describe(lease: dict[str, Any]) -> str:
    """``process 4123 (account sam on beech-laptop) since 10:02, last seen 10:31``."""
    text = (f"process {lease['pid']} (account {lease['account']} on {lease['host']}) since "
            f"{_clock_time(lease['since'])}")
    if lease.get("refreshed") and lease["refreshed"] != lease["since"]:
        text += f", last seen {_clock_time(lease['refreshed'])}"
    return text


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, but someone else's
        return True
    except OSError:
        return True
    return True


def is_dead(lease: dict[str, Any]) -> bool:
    """The holder is certainly gone: its process no longer exists on this machine (a killed
    terminal, a closed window). Another machine's holder is never assumed gone."""
    return lease["host"] == socket.gethostname() and not _pid_alive(int(lease["pid"]))


class HoldsRun:
    """The run engine's side of the lease: take it, keep it, notice losing it, let it go.
    Mixed into ``RunEngine`` (kept here so the engine module stays about the session)."""

    store: Store
    run: dict[str, Any]
    lease_token: str | None
    read_only: bool
    clock: Callable[[], datetime]
    #: Who took the run from this window (``{}`` if they have let it go since); None: not.
    taken_over: dict[str, Any] | None = None

    @property
    def id(self) -> str:
        return str(self.run["id"])

    def _save(self, **changes: Any) -> None:
        raise NotImplementedError  # the engine's own save

    def _check_lease(self, tx: Transaction) -> None:
        """Under the write's own lock: only the window holding the run may write. One that
        held it and lost it stops here, before writing anything."""
        if self.taken_over:
            raise RunTakenOverError(self.taken_over)
        if self.read_only:
            raise UsageError("This window is only watching the run, so nothing was saved.",
                             hint="Take it over with 'coprod session resume --take-over'.")
        current = tx.get(RUNS, self.id, partition=partition_of(self.id)) or self.run
        held = current.get("lease")
        token = held.get("token") if held else None
        if token == self.lease_token or (held is None and self.lease_token is None):
            return
        if self.lease_token is not None:
            self.lease_token = None
            self.read_only = True
            self.taken_over = dict(held) if held else {}
            raise RunTakenOverError(held)
        if held is not None and not is_dead(held):
            raise RunHeldError(held)

    def hold(self, *, take_over: bool = False) -> None:
        """Take the run for this window. Refused (``RunHeldError``, naming the holder) while
        another live window holds it, unless ``take_over``; a holder whose process has gone
        (a killed terminal) is taken over without asking."""
        lease = new_lease()
        with self.store.transaction() as tx:
            current = tx.get(RUNS, self.id, partition=partition_of(self.id)) or self.run
            held = current.get("lease")
            if held and held.get("token") != self.lease_token and not take_over \
                    and not is_dead(held):
                raise RunHeldError(held)
            self.run = tx.update(RUNS, self.id, {"lease": lease},
                                 partition=partition_of(self.id))
        self.lease_token = lease["token"]
        self.read_only = False
        self.taken_over = None

    def release(self) -> None:
        """Let go of the run (quitting, Ctrl-C, the end); only if this window still holds it."""
        if self.lease_token is None:
            return
        with self.store.transaction() as tx:
            current = tx.get(RUNS, self.id, partition=partition_of(self.id))
            if current and (current.get("lease") or {}).get("token") == self.lease_token:
                self.run = tx.update(RUNS, self.id, {"lease": None},
                                     partition=partition_of(self.id))
        self.lease_token = None

    def watch(self) -> None:
        """Follow the run from this window without ever writing to it."""
        self.read_only = True
        self.reload()

    def reload(self) -> None:
        """Read the run again (a watching window follows the one that holds it)."""
        self.run = find_run(self.store, self.id)

    def holder(self) -> dict[str, Any] | None:
        """The lease as stored now: who holds the run, or None."""
        lease = find_run(self.store, self.id).get("lease")
        return dict(lease) if lease else None

    def still_held(self) -> bool:
        """True while this window holds the run; a screen checks it as it ticks."""
        held = self.holder()
        return self.lease_token is not None and bool(held) and \
            held is not None and held.get("token") == self.lease_token

    def refresh(self) -> None:
        """Say this window is still here, at most every ``REFRESH_SECONDS``."""
        lease = self.run.get("lease")
        if self.lease_token is None or not lease:
            return
        age = (self.clock() - datetime.fromisoformat(lease["refreshed"])).total_seconds()
        if age >= REFRESH_SECONDS:
            self._save()

