"""The local records store: every person, run, attendance and form coprod saves lives here.

The records are sensitive (health, recovery), so this module's one job is never to lose or
half-write them. Around TinyDB we add what it lacks (notes/stack.md §1): atomic writes (a crash
leaves the old file or the new one, never a torn one); a sidecar lock held for a whole
transaction with a fresh ``TinyDB`` per file, so two terminals never lose each other's writes;
one file per table per partition (``runs/2026.json``), so a write costs the same after ten years
as after one; a schema version with migrations; daily backups; owner-only permissions.

Layout: ``root/meta.json``, ``root/store.lock`` (+ ``.owner``), ``root/<table>/<partition>.json``
and ``root/../backups/YYYY-MM-DD/``. Callers get plain dicts with our own ``"id"``, never
TinyDB's doc_ids (reused after deletes).
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import re
import shutil
import sys
import tempfile
import threading
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

import filelock
import orjson
from tinydb import Storage, TinyDB, where
from tinydb.table import Document, Table

from coprod_cli.errors import NotFoundError, StoreCorruptError, StoreError, StoreLockedError
from coprod_cli.store import schema

SCHEMA_VERSION = 1
#: Migration to version k, run in order inside one transaction each. They must be idempotent:
#: a crash between a migration's commit and meta.json's update runs it again.
MIGRATIONS: dict[int, Callable[[Transaction], None]] = {}

TABLE = "records"  # the one TinyDB table inside every file
AUDIT_TABLE = "audit"
AUDIT_MAX_CHANGES = 200  # a merge of thousands is summarised, not listed id by id
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
_UNREAD = object()


def _account() -> str:
    """The computer account running coprod (staff, not a participant); '' if unknown."""
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        return ""


def _today() -> str:
    """The local calendar date; a function so tests can move the clock."""
    return date.today().isoformat()


def _check_name(kind: str, name: str) -> str:
    """Table and partition names become paths, so they must not smuggle in ``..`` or ``/``."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise StoreError(f"{name!r} is not a valid {kind} name.",
                         hint="Use letters, digits, '-' and '_' (up to 64).")
    return name


def _dump_file(data: dict) -> bytes:
    """A whole file's bytes. orjson is several times faster than the standard library here,
    which matters when a merge writes a gigabyte; records reach it already checked by
    ``_plain`` (or parsed from JSON), so its laxer handling of NaN and dates never applies."""
    return orjson.dumps(data)


def _to_json(value: Any) -> str:
    """Strict JSON: NaN is refused too, because other JSON readers reject it."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def _plain(record: Any, table: str) -> dict[str, Any]:
    """A JSON round-trip copy of ``record``.

    It proves the record can be saved before anything is written, hands back exactly what a
    later read will return (tuples become lists, int keys strings), and shares no objects
    with the caller, who may keep mutating theirs.
    """
    if not isinstance(record, dict):
        raise StoreError(f"A {table} record must be a mapping, not {type(record).__name__}.")
    try:
        return json.loads(_to_json(record))
    except (TypeError, ValueError) as exc:
        raise StoreError(f"Cannot save this {table} record: {exc}.",
                         hint="Save dates as text (YYYY-MM-DD) and numbers as numbers.") from None


def _mkdir_private(path: Path) -> None:
    if not path.is_dir():
        path.mkdir(parents=True, exist_ok=True)
        os.chmod(path, 0o700)


def _make_folder(folder: Path, records: Path) -> None:
    """Create a private folder, or say plainly that the records folder cannot be made."""
    try:
        _mkdir_private(folder)
    except OSError as exc:
        raise StoreError(f"Cannot create the records folder {records} "
                         f"({exc.strerror or exc}).",
                         hint="Choose a folder you can write to (--home or COPROD_HOME)."
                         ) from exc


def _fsync_dir(folder: Path) -> None:
    """Make a rename durable: the new directory entry must reach the disk too."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomic(path: Path, content: str | bytes, *, durable: bool = True) -> None:
    """Replace ``path`` with ``content`` all at once; mkstemp makes the file 0600."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)  # one write of a ready string: json.dump(f) is twice as slow
            f.flush()
            if durable:
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    if durable:
        _fsync_dir(path.parent)


def _parse(raw: bytes, name: str, newest_backup: Callable[[], Path | None]) -> dict | None:
    """Decode one store file; damage is reported, never repaired or overwritten."""
    if not raw.strip():
        return None
    try:
        data = orjson.loads(raw)  # strict: NaN, bad UTF-8 and trailing junk are refused
        if not isinstance(data, dict):
            raise ValueError("it is not a JSON object")
    except ValueError as exc:  # includes JSONDecodeError and UnicodeDecodeError
        detail = (f"{exc.msg} at line {exc.lineno}, column {exc.colno}"
                  if isinstance(exc, json.JSONDecodeError) else str(exc))
        backup = newest_backup()
        where_ = f" The newest backup is {backup}." if backup else " There is no backup yet."
        raise StoreCorruptError(
            f"The records file {name} is damaged and cannot be read ({detail}). "
            f"It has been left exactly as it is.{where_}",
            hint="Keep a copy of the damaged file, then restore it from a backup or ask for help.",
        ) from None
    return data


class AtomicJSONStorage(Storage):
    """TinyDB storage that reads the file fresh every time and replaces it atomically.

    TinyDB's own JSONStorage overwrites in place and tore 4% of files under SIGKILL.
    """

    def __init__(self, path: Path, newest_backup: Callable[[], Path | None] = lambda: None,
                 durable: bool = True):
        self.path = Path(path)
        self._newest_backup = newest_backup
        self._durable = durable

    def read(self) -> dict | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        return _parse(raw, str(self.path), self._newest_backup)

    def write(self, data: dict) -> None:
        text = _dump_file(data)  # fails before the disk is touched
        try:
            _mkdir_private(self.path.parent)
            _write_atomic(self.path, text, durable=self._durable)
        except OSError as exc:  # disk full, read-only folder: the old file is still intact
            raise StoreError(f"Could not save {self.path}: {exc.strerror or exc}.",
                             hint="Check there is free disk space and the folder is writable."
                             ) from exc


class _MemoryStorage(Storage):
    """Keeps JSON *text*, not objects, so serialisation behaves as it does on disk."""

    def __init__(self, files: dict[str, str], name: str) -> None:
        self._files, self._name = files, name

    def read(self) -> dict | None:
        text = self._files.get(self._name)
        return None if text is None else _parse(text.encode(), f"memory:{self._name}",
                                                lambda: None)

    def write(self, data: dict) -> None:
        self._files[self._name] = _dump_file(data).decode("utf-8")


class _Buffered(Storage):
    """One file's contents for the length of a transaction.

    TinyDB rewrites the whole file on every change; buffering makes all of a transaction's
    changes to a file land as one atomic replace if the block succeeds, and none if it fails.
    """

    def __init__(self, inner: Storage) -> None:
        self.inner = inner
        self.data: Any = _UNREAD
        self.dirty = False

    def read(self) -> dict | None:
        if self.data is _UNREAD:
            self.data = self.inner.read()
        return self.data

    def write(self, data: dict) -> None:
        self.data, self.dirty = data, True

    def flush(self) -> None:
        if self.dirty:
            self.inner.write(self.data)
            self.dirty = False


class Backend(ABC):
    """Where the files live and how writers take turns; :class:`Store` is the same on both."""

    @abstractmethod
    def lock(self, timeout: float) -> AbstractContextManager[None]:
        """Exclusive access for one transaction; :class:`StoreLockedError` after ``timeout``."""

    @abstractmethod
    def file(self, name: str) -> Storage:
        """Storage for ``name`` relative to the root, e.g. ``meta.json`` or ``runs/2026.json``."""

    @abstractmethod
    def partitions(self, table: str) -> list[str]:
        """The table's partitions that exist, sorted."""

    def recover(self) -> None:
        """Tidy up after a crash; called under the lock when the store opens."""
        return None

    @abstractmethod
    def read_all(self) -> dict[str, bytes]:
        """Every file's bytes by name (``meta.json``, ``people/all.json``); caller locks."""

    @abstractmethod
    def replace_all(self, files: dict[str, bytes]) -> None:
        """Make the files exactly ``files`` (used on a staged copy by restore)."""

    def backup(self, name: str) -> Path | None:
        """Copy the records into ``backups/<name>`` unless it exists; returns the new folder."""
        return None

    def newest_backup(self) -> Path | None:
        return None


class FileBackend(Backend):
    """Files on local disk; the lock is a sidecar ``store.lock`` (``os.replace`` swaps the
    data files' inodes, so locking them directly would lock nothing)."""

    def __init__(self, root: Path, backups_dir: Path | None = None, *,
                 staged: bool = False) -> None:
        self.root = Path(root)
        self.backups_dir = Path(backups_dir) if backups_dir else self.root.parent / "backups"
        #: A staged copy (Store.bulk_change): no daily backups of its own, and writes that
        #: do not wait for the disk, since swap_in syncs the whole copy once.
        self.staged = staged
        _make_folder(self.root.parent, self.root)
        # Beside the folder, not in it: a bulk change swaps the whole folder (see swap_in).
        self._lock_path = self.root.with_name(self.root.name + ".lock")
        self._owner = self.root.with_name(self.root.name + ".lock.owner")

    @contextmanager
    def lock(self, timeout: float) -> Iterator[None]:
        # A new FileLock each time: a nested transaction then times out instead of silently
        # re-entering and losing the outer block's buffered writes.
        lock = filelock.FileLock(self._lock_path, timeout=timeout, mode=0o600,
                                 poll_interval=0.01)
        try:
            lock.acquire()
        except filelock.Timeout:
            try:
                pid, _, command = self._owner.read_text(encoding="utf-8").partition("\n")
                holder = f" (process {pid}: {command})"
            except OSError:
                holder = ""
            raise StoreLockedError(f"The records are in use by another coprod{holder}. "
                                   "Wait for it to finish, or close it.") from None
        try:
            command = " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]) if sys.argv else "?"
            command = command if len(command) <= 80 else command[:77] + "..."
            _write_atomic(self._owner, f"{os.getpid()}\n{command}", durable=False)
            yield
        finally:
            lock.release()

    def file(self, name: str) -> Storage:
        # A staged copy (see Store.bulk_change) is made durable in one step by swap_in.
        return AtomicJSONStorage(self.root / name, self.newest_backup,
                                 durable=not self.staged)

    def partitions(self, table: str) -> list[str]:
        return sorted(p.stem for p in (self.root / table).glob("*.json")
                      if not p.name.startswith("."))

    def recover(self) -> None:
        """Finish or undo an interrupted swap, then remove what a killed writer left (temp
        files, half-made backups); safe because every writer holds the lock."""
        recover_swap(self.root)
        _make_folder(self.root, self.root)
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
        files = [p for p in self._data_files() if p.exists()]
        if len(files) <= 1:  # no records yet, nothing worth keeping
            return None
        try:
            _mkdir_private(self.backups_dir)
            partial = Path(tempfile.mkdtemp(prefix=".partial-", dir=self.backups_dir))  # 0700
            for src in files:
                dest = partial / src.relative_to(self.root)
                _mkdir_private(dest.parent)
                _write_atomic(dest, src.read_bytes())
            os.rename(partial, target)  # the backup appears whole or not at all
            _fsync_dir(self.backups_dir)
        except OSError as exc:
            raise StoreError(f"Could not back up the records to {self.backups_dir} "
                             f"({exc.strerror or exc}), so nothing was saved.",
                             hint="Check there is free disk space and the folder is writable."
                             ) from exc
        return target

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
            target = self.root / name
            _mkdir_private(target.parent)
            _write_atomic(target, data)

    def stage(self) -> Path:
        """A private copy of every record for a bulk change. Files are only ever replaced,
        never edited in place, so hard links are a safe, instant copy."""
        staged = _incoming(self.root)
        shutil.rmtree(staged, ignore_errors=True)
        _mkdir_private(staged)
        for src in self.root.rglob("*"):
            if src.name.startswith(".") or src.suffix != ".json":
                continue
            dest = staged / src.relative_to(self.root)
            _mkdir_private(dest.parent)
            try:
                os.link(src, dest)
            except OSError:
                shutil.copy2(src, dest)
        return staged

    def swap_in(self, staged: Path) -> None:
        """Make ``staged`` the store in one step a crash cannot split: mark it complete, then
        two renames that ``recover_swap`` finishes if a crash falls between them."""
        _sync_tree(staged)  # every staged file on disk before the marker says it is complete
        marker = staged / COMPLETE
        _write_atomic(marker, "complete")
        _fsync_dir(staged)
        recover_swap(self.root)

    def newest_backup(self) -> Path | None:
        """Newest by name: daily ``YYYY-MM-DD`` sorts before same-day ``...-before-schema-N``,
        which is always taken later that day (or holds the same records)."""
        if not self.backups_dir.is_dir():
            return None
        names = [p for p in self.backups_dir.iterdir() if p.is_dir() and p.name[:1] != "."]
        return max(names, key=lambda p: p.name, default=None)


COMPLETE = ".complete"


def _sync_tree(folder: Path) -> None:
    """Flush a staged copy to disk: one system-wide sync where there is one, else each file
    and folder (the staged files were written without waiting, for speed)."""
    if hasattr(os, "sync"):
        os.sync()
        return
    for path in folder.rglob("*"):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
    for sub in [folder, *(p for p in folder.rglob("*") if p.is_dir())]:
        _fsync_dir(sub)


def _incoming(root: Path) -> Path:
    return root.with_name(root.name + ".incoming")


def _previous(root: Path) -> Path:
    return root.with_name(root.name + ".previous")


def recover_swap(root: Path) -> None:
    """Bring a store folder to a whole state after a bulk change, whatever was interrupted.

    A staged copy without its completion marker is discarded (the old records stand). A
    complete one replaces the store: ``root`` -> ``.previous``, ``.incoming`` -> ``root``,
    then ``.previous`` is removed. Each step is checked, so running this again after a crash
    at any point finishes the same swap; the caller holds the store's lock.
    """
    incoming, previous = _incoming(root), _previous(root)
    if incoming.exists():
        if (incoming / COMPLETE).exists():
            if root.exists() and not previous.exists():
                os.rename(root, previous)
            if not root.exists():
                os.rename(incoming, root)
                _fsync_dir(root.parent)
        else:
            shutil.rmtree(incoming, ignore_errors=True)
    if root.exists():
        (root / COMPLETE).unlink(missing_ok=True)
        if previous.exists():
            shutil.rmtree(previous, ignore_errors=True)
    elif previous.exists():  # only possible if someone removed the staged copy by hand
        os.rename(previous, root)


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

    def file(self, name: str) -> Storage:
        return _MemoryStorage(self.files, name)

    def read_all(self) -> dict[str, bytes]:
        return {name: text.encode("utf-8") for name, text in self.files.items()}

    def replace_all(self, files: dict[str, bytes]) -> None:
        self.files.clear()
        self.files.update({name: data.decode("utf-8") for name, data in files.items()})

    def partitions(self, table: str) -> list[str]:
        prefix = f"{table}/"
        return sorted(n[len(prefix):-len(".json")] for n in self.files if n.startswith(prefix))


class Transaction:
    """Reads and writes on the store while its lock is held (the :class:`Store` takes it).

    Writes are buffered per file and applied when the block ends without an error, each file
    replaced atomically; a crash between two files can apply one and not the other.
    """

    def __init__(self, backend: Backend, *, writable: bool = True,
                 audit_command: str | None = None) -> None:
        self._backend = backend
        self._writable = writable
        self._open: dict[tuple[str, str], tuple[TinyDB, _Buffered]] = {}
        self._ended = False
        self._audit_command = audit_command
        self._changes: list[dict[str, str]] = []
        self._more_changes = 0

    def _table(self, table: str, partition: str) -> Table:
        if self._ended:
            raise StoreError("This transaction has already ended.")
        key = (_check_name("table", table), _check_name("partition", partition))
        if key not in self._open:  # a fresh TinyDB per file: no stale id or query caches
            buffered = _Buffered(self._backend.file(f"{table}/{partition}.json"))
            self._open[key] = (TinyDB(storage=lambda: buffered), buffered)
        return self._open[key][0].table(TABLE)

    def _find_one(self, table: str, id: str, partition: str | None
                  ) -> tuple[Table, Document] | None:
        """Search one partition, or all of them newest first (recent records are wanted most)."""
        names = [partition] if partition is not None else self.partitions(table)[::-1]
        for name in names:
            t = self._table(table, name)
            doc = t.get(where("id") == id)
            if doc is not None:
                return t, doc
        return None

    def partitions(self, table: str) -> list[str]:
        pending = {p for (t, p), (_, buf) in self._open.items() if t == table and buf.dirty}
        return sorted(set(self._backend.partitions(_check_name("table", table))) | pending)

    def insert(self, table: str, record: dict, *, partition: str = "all") -> str:
        """Save a new record and return its id; a missing ``"id"`` is set on ``record`` too."""
        plain = _plain(record, table)
        rid = plain.setdefault("id", uuid.uuid4().hex)
        if not isinstance(rid, str) or not rid:
            raise StoreError(f"A {table} record's id must be non-empty text, not {rid!r}.")
        t = self._table(table, partition)
        if t.contains(where("id") == rid):  # this partition only: checking all would grow
            raise StoreError(f"A {table} record with id {rid} already exists.")
        schema.validate(table, [plain])  # the declared shape, or nothing is written
        t.insert(plain)  # a fresh dict, never a Document (which would carry a doc_id)
        record.setdefault("id", rid)
        self._note(table, "insert", rid)
        return rid

    def insert_many(self, table: str, records: list[dict], *, partition: str = "all",
                    checked: bool = False) -> list[str]:
        """Insert many records in one pass over the file (a merge of thousands would be
        quadratic one insert at a time). Every record must carry its own id. ``checked``
        is for records just parsed from JSON and checked against the schema (a bundle
        reader does both): neither the JSON round trip nor the schema pass is repeated."""
        plain = records if checked else [_plain(r, table) for r in records]
        self._table(table, partition)  # opens the file (and checks the names)
        buffered = self._open[(table, partition)][1]
        data = buffered.read() or {}
        rows: dict[str, dict] = data.setdefault(TABLE, {})
        existing = {doc["id"] for doc in rows.values()}
        next_id = max(map(int, rows), default=0) + 1
        ids = []
        for record in plain:
            rid = record.get("id")
            if not isinstance(rid, str) or not rid or rid in existing:
                raise StoreError(f"A {table} record with id {rid} already exists or has no id.")
            existing.add(rid)
            ids.append(rid)
        if not checked:  # one pass over the whole list, before any is added
            schema.validate(table, plain)
        # Appended in TinyDB's own layout ({"records": {"<n>": record}}), without TinyDB's
        # per-call re-keying of the whole table, which made large merges slow.
        for offset, record in enumerate(plain):
            rows[str(next_id + offset)] = record
            self._note(table, "insert", record["id"])
        if plain:
            buffered.write(data)
            self._open[(table, partition)][0].table(TABLE).clear_cache()
        return ids

    def records_in(self, table: str, partition: str) -> dict[str, dict]:
        """One file's records as held by this transaction, without copying (for bulk work
        such as merges); read them, change them only through insert/update/delete."""
        self._table(table, partition)
        return (self._open[(table, partition)][1].read() or {}).get(TABLE, {})

    def get(self, table: str, id: str, *, partition: str | None = None) -> dict | None:
        """A copy the caller owns: in a write transaction nested values would otherwise be
        shared with the pending data (a read-only one parsed fresh objects anyway)."""
        found = self._find_one(table, id, partition)
        if found is None:
            return None
        return copy.deepcopy(dict(found[1])) if self._writable else dict(found[1])

    def update(self, table: str, id: str, changes: dict, *,
               partition: str | None = None) -> dict:
        """Merge ``changes`` into the record's top-level keys and return the new record."""
        plain = _plain(changes, table)
        if plain.get("id", id) != id:
            raise StoreError(f"A {table} record's id cannot be changed.")
        found = self._find_one(table, id, partition)
        if found is None:
            raise NotFoundError(f"There is no {table} record with id {id}.")
        t, doc = found
        schema.validate(table, [{**doc, **plain}])  # the record as it will be saved
        t.update(plain, doc_ids=[doc.doc_id])
        self._note(table, "update", id)
        return copy.deepcopy({**doc, **plain})

    def delete(self, table: str, id: str, *, partition: str | None = None) -> None:
        """Remove a record; an unknown id is an error, as a silent no-op would hide bugs."""
        found = self._find_one(table, id, partition)
        if found is None:
            raise NotFoundError(f"There is no {table} record with id {id}.")
        found[0].remove(doc_ids=[found[1].doc_id])
        self._note(table, "delete", id)

    def all(self, table: str, *, partition: str | None = None) -> list[dict]:
        """Every record, oldest partition first, straight from the parsed files: reports read
        whole tables and must stay near ``json.load`` speed, so no Documents are built."""
        names = [partition] if partition is not None else self.partitions(table)
        rows: list[dict] = []
        for name in names:
            self._table(table, name)
            rows.extend((self._open[(table, name)][1].read() or {}).get(TABLE, {}).values())
        return copy.deepcopy(rows) if self._writable else rows

    def find(self, table: str, predicate: Callable[[dict], bool], *,
             partition: str | None = None) -> list[dict]:
        return [r for r in self.all(table, partition=partition) if predicate(r)]

    def _note(self, table: str, action: str, rid: str) -> None:
        if table == AUDIT_TABLE:
            return
        if len(self._changes) < AUDIT_MAX_CHANGES:
            self._changes.append({"table": table, "action": action, "id": rid})
        else:
            self._more_changes += 1

    def _audit(self) -> None:
        """One trail entry per transaction, written with it: which command changed which
        records, when, from which computer account. Ids only: no names, answers or notes."""
        if self._audit_command is None or not (self._changes or self._more_changes):
            return
        now = datetime.now().astimezone()
        entry = {"id": uuid.uuid4().hex, "at": now.isoformat(timespec="seconds"),
                 "account": _account(), "command": self._audit_command,
                 "changes": self._changes, "more_changes": self._more_changes}
        self._table(AUDIT_TABLE, str(now.year)).insert(entry)

    def _commit(self) -> None:
        self._audit()
        dirty = [buf for _, buf in self._open.values() if buf.dirty]
        if dirty:
            self._backend.backup(_today())  # before the first write of the day
        for buf in dirty:
            buf.flush()

    def _close(self) -> None:
        for db, _ in self._open.values():
            db.close()
        self._open.clear()
        self._ended = True


def _unique_backup_name(backend: FileBackend, name: str) -> str:
    candidate, n = name, 1
    while (backend.backups_dir / candidate).exists():
        n += 1
        candidate = f"{name}-{n}"
    return candidate


class Store:
    """The records. Each convenience method is one transaction; reads take no lock."""

    def __init__(self, backend: Backend, *, lock_timeout: float = 5.0) -> None:
        self.backend = backend
        self.lock_timeout = lock_timeout
        #: Set by the CLI to the command being run ("people add"); None records no trail.
        self.audit_command: str | None = None
        with self.backend.lock(self.lock_timeout):
            self.backend.recover()
            self._migrate()

    @classmethod
    def open(cls, root: Path, *, lock_timeout: float = 5.0,
             backups_dir: Path | None = None) -> Store:
        return cls(FileBackend(root, backups_dir), lock_timeout=lock_timeout)

    @classmethod
    def memory(cls) -> Store:
        return cls(MemoryBackend())

    @contextmanager
    def _run(self, writable: bool = True) -> Iterator[Transaction]:
        tx = Transaction(self.backend, writable=writable, audit_command=self.audit_command)
        try:
            yield tx
            tx._commit()
        finally:
            tx._close()

    def _migrate(self) -> None:
        """Bring the records to SCHEMA_VERSION, backing them up first. Caller holds the lock."""
        meta_file = self.backend.file("meta.json")
        meta = meta_file.read()
        if meta is None:
            meta_file.write({"schema_version": SCHEMA_VERSION})
            return
        version = meta.get("schema_version")
        if not isinstance(version, int) or version < 1:
            raise StoreCorruptError(f"The store's meta.json has no valid schema_version "
                                    f"({version!r}).", hint="Restore it from a backup.")
        if version > SCHEMA_VERSION:
            raise StoreError(f"These records were written by a newer version of coprod (schema "
                             f"{version}; this one knows up to {SCHEMA_VERSION}).",
                             hint="Upgrade coprod to the newest version, then try again.")
        if version < SCHEMA_VERSION:
            self.backend.backup(f"{_today()}-before-schema-{SCHEMA_VERSION}")
        for target in range(version + 1, SCHEMA_VERSION + 1):
            with self._run() as tx:
                MIGRATIONS[target](tx)
            meta_file.write({**meta, "schema_version": target})

    def snapshot(self) -> dict[str, bytes]:
        """Every file's bytes, read under the lock so they belong to one moment."""
        with self.backend.lock(self.lock_timeout):
            return self.backend.read_all()

    def replace_all(self, files: dict[str, bytes]) -> None:
        """Replace every file (for use on the staged store inside ``bulk_change``)."""
        with self.backend.lock(self.lock_timeout):
            self.backend.replace_all(files)

    @contextmanager
    def bulk_change(self, reason: str) -> Iterator[Store]:
        """Many changes that must land together or not at all (merge, restore, forget).

        Yields a Store over a staged copy. If the block succeeds, the current records are
        backed up as ``<date>-before-<reason>`` and the copy is swapped in atomically; if it
        fails (or the process dies) the records are exactly as before. The lock is held
        throughout, so no other terminal's write can fall between the copy and the swap.
        """
        backend = self.backend
        with backend.lock(self.lock_timeout):
            if isinstance(backend, FileBackend):
                staged_root = backend.stage()
                try:
                    staged = Store(FileBackend(staged_root, staged=True),
                                   lock_timeout=self.lock_timeout)
                    staged.audit_command = self.audit_command
                    yield staged
                except BaseException:
                    shutil.rmtree(staged_root, ignore_errors=True)
                    raise
                backend.backup(_unique_backup_name(backend, f"{_today()}-before-{reason}"))
                backend.swap_in(staged_root)
            else:
                memory = MemoryBackend()
                memory.files = dict(backend.files)  # type: ignore[attr-defined]
                staged = Store(memory, lock_timeout=self.lock_timeout)
                yield staged
                backend.files.clear()  # type: ignore[attr-defined]
                backend.files.update(memory.files)  # type: ignore[attr-defined]

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Hold the lock for the whole block; its writes land when it ends without an error."""
        with self.backend.lock(self.lock_timeout), self._run() as tx:
            yield tx

    def insert(self, table: str, record: dict, *, partition: str = "all") -> str:
        with self.transaction() as tx:
            return tx.insert(table, record, partition=partition)

    def get(self, table: str, id: str, *, partition: str | None = None) -> dict | None:
        with self._run(writable=False) as tx:
            return tx.get(table, id, partition=partition)

    def update(self, table: str, id: str, changes: dict, *,
               partition: str | None = None) -> dict:
        with self.transaction() as tx:
            return tx.update(table, id, changes, partition=partition)

    def delete(self, table: str, id: str, *, partition: str | None = None) -> None:
        with self.transaction() as tx:
            tx.delete(table, id, partition=partition)

    def all(self, table: str, *, partition: str | None = None) -> list[dict]:
        with self._run(writable=False) as tx:
            return tx.all(table, partition=partition)

    def find(self, table: str, predicate: Callable[[dict], bool], *,
             partition: str | None = None) -> list[dict]:
        with self._run(writable=False) as tx:
            return tx.find(table, predicate, partition=partition)

    def partitions(self, table: str) -> list[str]:
        return self.backend.partitions(_check_name("table", table))

    def newest_backup(self) -> Path | None:
        return self.backend.newest_backup()
