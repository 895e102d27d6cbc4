"""Where the store's files live and how writers take turns: on disk, or in memory for tests.

The :class:`~coprod_cli.store.database.Store` is the same on both. The file backend adds
what TinyDB lacks: a sidecar lock held for a whole transaction, changes to several files
that land together (:mod:`coprod_cli.store.journal`), daily backups pruned as new ones are
made, and owner-only permissions.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import date, timedelta
from pathlib import Path

from coprod_cli import clock, files
from coprod_cli.errors import StoreError, StoreLockedError
from coprod_cli.store import journal
from coprod_cli.store.storage import (
    AtomicJSONStorage,
    MemoryStorage,
    StoreFile,
    make_folder,
    mkdir_private,
    write_file,
)


class Backend(ABC):
    """Where the files live and how writers take turns; :class:`Store` is the same on both."""

    @abstractmethod
    def lock(self, timeout: float) -> AbstractContextManager[None]:
        """Exclusive access for one transaction; :class:`StoreLockedError` after ``timeout``."""

    @abstractmethod
    def file(self, name: str) -> StoreFile:
        """Storage for ``name`` relative to the root, e.g. ``meta.json`` or ``runs/2026.json``."""

    @abstractmethod
    def write_files(self, changes: dict[str, bytes]) -> None:
        """Replace the named files with these bytes, all of them or none; caller locks."""

    @abstractmethod
    def partitions(self, table: str) -> list[str]:
        """The table's partitions that exist, sorted."""

    def recover(self) -> None:
        """Tidy up after a crash; called under the lock when the store opens."""
        return None

    def commit_pending(self) -> bool:
        """True if a change is decided but not wholly in place; taking the lock finishes it."""
        return False

    def is_whole(self) -> bool:
        """True when no commit or bulk change is half done, so opening needs no lock."""
        return False

    @abstractmethod
    def read_all(self) -> dict[str, bytes]:
        """Every file's bytes by name (``meta.json``, ``people/all.json``); caller locks."""

    @abstractmethod
    def replace_all(self, files: dict[str, bytes]) -> None:
        """Make the files exactly ``files`` (used on a staged copy by restore)."""

    def backup(self, name: str) -> Path | None:
        """Copy the records into ``backups/<name>`` unless it exists; returns the new folder."""
        return None

    def daily_backup(self, day: str) -> Path | None:
        """The backup taken before the first write of ``day`` (``YYYY-MM-DD``)."""
        return self.backup(day)

    def newest_backup(self) -> Path | None:
        return None

    def path_of(self, name: str) -> Path | None:
        """Where file ``name`` lives on disk, for callers that keep work derived from it
        (kept summaries); None for a backend with no files."""
        return None

    def derived_dir(self) -> Path | None:
        """Where work derived from the records is kept between runs (``cache/`` beside the
        store, in the home folder), or None where nothing may be kept."""
        return None

    def clear_derived(self) -> None:
        """Delete everything derived from the records: after a bulk change (forget, restore,
        merge) nothing computed from the old records may survive, not even a person's id."""
        folder = self.derived_dir()
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


def lock_owner() -> str:
    """Who holds the lock, for the next user's time-out message: process id, account and
    the command's name only. Never its arguments: ``people forget NAME`` would otherwise
    leave the name of someone forgotten in this file."""
    import getpass

    try:
        account = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container): the number will do
        account = str(os.getuid()) if hasattr(os, "getuid") else "?"
    command = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "coprod"
    return f"{os.getpid()}\n{account[:64]}\n{command[:64]}"


def link_or_copy(src: Path, dest: Path) -> None:
    """Keep ``src``'s bytes at ``dest`` as they are now, for one link rather than a copy.

    Every writer of the store replaces a file whole by renaming a new one over it (files.
    atomic_write_bytes, the commit journal, a bulk change's folder swap), never edits one in
    place, so a hard link goes on holding the old bytes after the store moves on: a backup
    by links costs one link per file, not a copy of a gigabyte, and is as safe. A copy is
    made instead where a link cannot be (another disk) or the file is not owner-only.
    """
    try:
        if os.stat(src).st_mode & 0o077:
            raise OSError("not owner-only")
        os.link(src, dest)
    except OSError:
        files.atomic_write_bytes(dest, src.read_bytes())


class FileBackend(Backend):
    """Files on local disk; the lock is a sidecar ``store.lock`` (``os.replace`` swaps the
    data files' inodes, so locking them directly would lock nothing)."""

    def __init__(self, root: Path, backups_dir: Path | None = None, *,
                 staged: bool = False,
                 keep_days: int | Callable[[], int] | None = None) -> None:
        self.root = Path(root)
        self.backups_dir = Path(backups_dir) if backups_dir else self.root.parent / "backups"
        #: A staged copy (Store.bulk_change): no daily backups of its own, and writes that
        #: do not wait for the disk, since swap_in syncs the whole copy once.
        self.staged = staged
        #: Dated backups older than this are removed whenever a new daily one is made
        #: (None keeps every backup); whoever opens the store passes the user's setting, or
        #: a function reading it, so a command that never writes never loads the settings.
        self.keep_days = keep_days
        make_folder(self.root.parent, self.root)
        # Beside the folder, not in it: a bulk change swaps the whole folder (see swap_in).
        self._lock_path = self.root.with_name(self.root.name + ".lock")
        self._owner = self.root.with_name(self.root.name + ".lock.owner")

    @contextmanager
    def lock(self, timeout: float) -> Iterator[None]:
        import filelock  # 40 ms to import: only commands that take the lock pay it

        # A new FileLock each time: a nested transaction then times out instead of silently
        # re-entering and losing the outer block's buffered writes.
        lock = filelock.FileLock(self._lock_path, timeout=timeout, mode=0o600,
                                 poll_interval=0.01)
        try:
            lock.acquire()
        except filelock.Timeout:
            try:
                from coprod_cli.escape import terminal_safe

                pid, account, command = [*self._owner.read_text(
                    encoding="utf-8").split("\n", 2), "", ""][:3]
                holder = terminal_safe(f" (process {pid}, account {account or '?'}: "
                                       f"{command or '?'})", one_line=True)
            except OSError:
                holder = ""
            raise StoreLockedError(f"The records are in use by another coprod{holder}. "
                                   "Wait for it to finish, or close it.") from None
        try:
            files.atomic_write_text(self._owner, lock_owner(), durable=False)
            # Whoever holds the lock sees every decided change in place (a writer killed
            # between the files of a commit leaves its journal for the next one to finish).
            journal.finish_commit(self.root, durable=not self.staged)
            yield
        finally:
            lock.release()

    def path_of(self, name: str) -> Path | None:
        return self.root / name

    def derived_dir(self) -> Path | None:
        return None if self.staged else self.root.parent / "cache"

    def file(self, name: str) -> StoreFile:
        # A staged copy (see Store.bulk_change) is made durable in one step by swap_in.
        return AtomicJSONStorage(self.root / name, self.newest_backup,
                                 durable=not self.staged)

    def write_files(self, changes: dict[str, bytes]) -> None:
        if len(changes) == 1:  # one rename is atomic already: no journal, no extra fsyncs
            [(name, data)] = changes.items()
            write_file(self.root / name, data, durable=not self.staged)
        elif changes:
            journal.commit_files(self.root, changes, durable=not self.staged)

    def commit_pending(self) -> bool:
        return journal.commit_pending(self.root)

    def is_whole(self) -> bool:
        """Nothing for ``recover`` to do: no journal, no staged or previous copy beside
        the folder, no temp file or half-made backup a killed writer left."""
        return (self.root.is_dir() and not journal.commit_pending(self.root)
                and not journal.incoming(self.root).exists()
                and not journal.previous(self.root).exists()
                and not any(self.root.glob(".*.tmp")) and not any(self.root.glob("*/.*.tmp"))
                and not any(self.backups_dir.glob(".partial-*")))

    def partitions(self, table: str) -> list[str]:
        return sorted(p.stem for p in (self.root / table).glob("*.json")
                      if not p.name.startswith("."))

    def recover(self) -> None:
        """Finish or undo an interrupted swap or commit, then remove what a killed writer
        left (temp files, half-made backups); safe because every writer holds the lock."""
        journal.recover_swap(self.root)
        make_folder(self.root, self.root)
        journal.finish_commit(self.root, durable=not self.staged)  # before temps are removed
        for tmp in [*self.root.glob(".*.tmp"), *self.root.glob("*/.*.tmp")]:
            tmp.unlink(missing_ok=True)
        for partial in self.backups_dir.glob(".partial-*"):
            shutil.rmtree(partial, ignore_errors=True)

    def backup(self, name: str) -> Path | None:
        if self.staged:
            return None
        target = self.backups_dir / name
        if target.exists():  # checked first: this runs on every write transaction
            return None
        sources = [p for p in self._data_files() if p.exists()]
        if len(sources) <= 1:  # no records yet, nothing worth keeping
            return None
        partial: Path | None = None
        try:
            mkdir_private(self.backups_dir)
            partial = Path(tempfile.mkdtemp(prefix=".partial-", dir=self.backups_dir))  # 0700
            for src in sources:
                dest = partial / src.relative_to(self.root)
                mkdir_private(dest.parent)
                link_or_copy(src, dest)
            os.rename(partial, target)  # the backup appears whole or not at all
            files.fsync_dir(self.backups_dir)
        except OSError as exc:
            if partial is not None:  # a full disk must not also keep a half-made copy
                shutil.rmtree(partial, ignore_errors=True)
            raise StoreError(f"Could not back up the records to {self.backups_dir} "
                             f"({exc.strerror or exc}), so nothing was saved.",
                             hint="Check there is free disk space and the folder is writable."
                             ) from exc
        return target

    def daily_backup(self, day: str) -> Path | None:
        keep_days = self.keep_days() if callable(self.keep_days) else self.keep_days
        made = self.backup(day)
        if made is not None and keep_days is not None:
            # Tidying is not saving: a backup that cannot be removed must not stop a save.
            with contextlib.suppress(OSError):
                prune_backups(self.backups_dir, keep_days,
                              today=date.fromisoformat(day[:10]))
        return made

    def _data_files(self) -> list[Path]:
        return [self.root / "meta.json", *sorted(self.root.glob("*/[!.]*.json"))]

    def read_all(self) -> dict[str, bytes]:
        return {p.relative_to(self.root).as_posix(): p.read_bytes()
                for p in self._data_files() if p.exists()}

    def replace_all(self, files: dict[str, bytes]) -> None:
        for path in self._data_files():
            if path.relative_to(self.root).as_posix() not in files:
                path.unlink(missing_ok=True)
        for name, data in files.items():
            write_file(self.root / name, data, durable=not self.staged)

    def stage(self) -> Path:
        """A private copy of every record for a bulk change (see :func:`journal.stage`)."""
        return journal.stage(self.root)

    def swap_in(self, staged: Path) -> None:
        """Make ``staged`` the store in one step a crash cannot split."""
        journal.swap_in(self.root, staged)

    def newest_backup(self) -> Path | None:
        """Newest by name: daily ``YYYY-MM-DD`` sorts before same-day ``...-before-schema-N``,
        which is always taken later that day (or holds the same records)."""
        if not self.backups_dir.is_dir():
            return None
        names = [p for p in self.backups_dir.iterdir() if p.is_dir() and p.name[:1] != "."]
        return max(names, key=lambda p: p.name, default=None)


def prune_backups(backups_dir: Path, keep_days: int, today: date | None = None) -> list[Path]:
    """Remove dated backups older than ``keep_days``; the newest one is always kept."""
    if not backups_dir.is_dir():
        return []
    cutoff = (today or clock.today()) - timedelta(days=keep_days)
    dated = []
    for folder in backups_dir.iterdir():
        try:
            day = date.fromisoformat(folder.name[:10])
        except ValueError:
            continue
        if folder.is_dir():
            dated.append((folder.name, day, folder))
    dated.sort()
    removed = []
    for _, day, folder in dated[:-1]:
        if day < cutoff:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


class MemoryBackend(Backend):
    """A dict of file name to JSON text, for tests and dry runs; no backups."""

    def __init__(self) -> None:
        self.files: dict[str, str] = {}
        self._lock = threading.Lock()

    @contextmanager
    def lock(self, timeout: float) -> Iterator[None]:
        if not self._lock.acquire(timeout=timeout):
            raise StoreLockedError("The records are in use by another task in this coprod. "
                                   "Wait for it to finish.")
        try:
            yield
        finally:
            self._lock.release()

    def file(self, name: str) -> StoreFile:
        return MemoryStorage(self.files, name)

    def write_files(self, changes: dict[str, bytes]) -> None:
        texts = {name: data.decode("utf-8") for name, data in changes.items()}
        self.files.update(texts)  # decoded first, so this one step cannot fail halfway

    def read_all(self) -> dict[str, bytes]:
        return {name: text.encode("utf-8") for name, text in self.files.items()}

    def replace_all(self, files: dict[str, bytes]) -> None:
        self.files.clear()
        self.files.update({name: data.decode("utf-8") for name, data in files.items()})

    def partitions(self, table: str) -> list[str]:
        prefix = f"{table}/"
        return sorted(n[len(prefix):-len(".json")] for n in self.files if n.startswith(prefix))
