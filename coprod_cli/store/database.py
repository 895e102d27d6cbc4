"""The local records store: every person, run, attendance and form coprod saves lives here.

The records are sensitive (health, recovery), so this package's one job is never to lose or
half-write them. TinyDB alone rewrites a file in place, keeps query caches that go stale when
another process writes, and knows nothing of transactions, so around it we add: atomic
writes (a crash leaves the old file or the new one, never a torn one) and commits that land
all their files or none (:mod:`~coprod_cli.store.journal`); a sidecar lock held for a whole
transaction with a fresh ``TinyDB`` per file, so two terminals never lose each other's
writes; one file per table per partition (``runs/2026.json``), so a write costs the same
after ten years as after one; a schema version with migrations; daily backups; owner-only
permissions.

Layout: ``root/meta.json``, ``root/<table>/<partition>.json``, ``root/.commit.json`` only
while a commit is being put in place, and beside ``root``: ``store.lock`` (+ ``.owner``) and
``backups/YYYY-MM-DD/``. Callers get plain dicts with our own ``"id"``, never TinyDB's
doc_ids (reused after deletes).

This module holds :class:`Transaction` and :class:`Store`; the pieces below them live in
``storage`` (one file), ``backends`` (disk or memory) and ``journal`` (multi-file changes),
and the names other modules import from here are re-exported.
"""

from __future__ import annotations

import copy
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tinydb import TinyDB, where
from tinydb.table import Document, Table

from coprod_cli import clock
from coprod_cli.errors import NotFoundError, StoreCorruptError, StoreError
from coprod_cli.store import schema
from coprod_cli.store.backends import Backend, FileBackend, MemoryBackend
from coprod_cli.store.journal import recover_swap
from coprod_cli.store.storage import (
    RECORD_ID,
    TABLE,
    Buffered,
    Record,
    check_name,
    dump_file,
)
from coprod_cli.store.storage import plain as _plain

__all__ = ["AUDIT_TABLE", "MIGRATIONS", "SCHEMA_VERSION", "TABLE", "Backend", "FileBackend",
           "MemoryBackend", "Store", "Transaction", "recover_swap"]

SCHEMA_VERSION = 1
#: Migration to version k, run in order inside one transaction each. They must be idempotent:
#: a crash between a migration's commit and meta.json's update runs it again.
MIGRATIONS: dict[int, Callable[[Transaction], None]] = {}

AUDIT_TABLE = "audit"
AUDIT_MAX_CHANGES = 200  # a merge of thousands is summarised, not listed id by id


def _account() -> str:
    """The computer account running coprod (staff, not a participant); '' if unknown."""
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        return ""


def _today() -> str:
    """The local calendar date, from the one clock; a function so tests can move it."""
    return clock.today().isoformat()


class Transaction:
    """Reads and writes on the store while its lock is held (the :class:`Store` takes it).

    Writes are buffered per file and applied when the block ends without an error: every
    changed file or none, even if the process dies or the disk fills between two of them
    (the backend's ``write_files``; on disk, :func:`journal.commit_files`).
    """

    def __init__(self, backend: Backend, *, writable: bool = True,
                 audit_command: str | None = None) -> None:
        self._backend = backend
        self._writable = writable
        self._open: dict[tuple[str, str], tuple[TinyDB, Buffered]] = {}
        self._ended = False
        self._audit_command = audit_command
        self._changes: list[dict[str, str]] = []
        self._more_changes = 0
        self._aliases: dict[str, str] = {}

    def _table(self, table: str, partition: str) -> Table:
        if self._ended:
            raise StoreError("This transaction has already ended.")
        key = (check_name("table", table), check_name("partition", partition))
        if key not in self._open:  # a fresh TinyDB per file: no stale id or query caches
            buffered = Buffered(self._backend.file(f"{table}/{partition}.json"))
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
        return sorted(set(self._backend.partitions(check_name("table", table))) | pending)

    def insert(self, table: str, record: Record, *, partition: str = "all") -> str:
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

    def insert_many(self, table: str, records: list[Record], *, partition: str = "all",
                    checked: bool = False) -> list[str]:
        """Insert many records in one pass over the file (a merge of thousands would be
        quadratic one insert at a time). Every record must carry its own id. ``checked``
        is for records just parsed from JSON and checked against the schema (a bundle
        reader does both): neither the JSON round trip nor the schema pass is repeated."""
        plain = records if checked else [_plain(r, table) for r in records]
        self._table(table, partition)  # opens the file (and checks the names)
        buffered = self._open[(table, partition)][1]
        data = buffered.read() or {}
        rows: dict[str, Record] = data.setdefault(TABLE, {})
        existing = {doc["id"] for doc in rows.values()}
        next_id = max(map(int, rows), default=0) + 1
        # checked: the schema pass proved every id a non-empty string
        ids: list[Any] = list(map(RECORD_ID, plain)) if checked else \
            [r.get("id") for r in plain]
        if (not checked and not all(isinstance(rid, str) and rid for rid in ids)) \
                or len(set(ids)) != len(ids) or not existing.isdisjoint(ids):  # find which
            for rid in ids:
                if not isinstance(rid, str) or not rid or rid in existing:
                    raise StoreError(f"A {table} record with id {rid} already exists or has "
                                     "no id.")
                existing.add(rid)
        if not checked:  # one pass over the whole list, before any is added
            schema.validate(table, plain)
        # Appended in TinyDB's own layout ({"records": {"<n>": record}}), without TinyDB's
        # per-call re-keying of the whole table, which made large merges slow.
        rows.update(zip(map(str, range(next_id, next_id + len(plain))), plain, strict=True))
        self._note_many(table, "insert", ids)
        if plain:
            buffered.write(data)
            self._open[(table, partition)][0].table(TABLE).clear_cache()
        return ids

    def records_in(self, table: str, partition: str) -> dict[str, Record]:
        """One file's records as held by this transaction, without copying (for bulk work
        such as merges); read them, change them only through insert/update/delete."""
        self._table(table, partition)
        rows: dict[str, Record] = (self._open[(table, partition)][1].read() or {}).get(TABLE, {})
        return rows

    def get(self, table: str, id: str, *, partition: str | None = None) -> Record | None:
        """A copy the caller owns: in a write transaction nested values would otherwise be
        shared with the pending data (a read-only one parsed fresh objects anyway)."""
        found = self._find_one(table, id, partition)
        if found is None:
            return None
        return copy.deepcopy(dict(found[1])) if self._writable else dict(found[1])

    def update(self, table: str, id: str, changes: Record, *,
               partition: str | None = None) -> Record:
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

    def all(self, table: str, *, partition: str | None = None) -> list[Record]:
        """Every record, oldest partition first, straight from the parsed files: reports read
        whole tables and must stay near ``json.load`` speed, so no Documents are built."""
        names = [partition] if partition is not None else self.partitions(table)
        rows: list[Record] = []
        for name in names:
            self._table(table, name)
            rows.extend((self._open[(table, name)][1].read() or {}).get(TABLE, {}).values())
        return copy.deepcopy(rows) if self._writable else rows

    def find(self, table: str, predicate: Callable[[Record], bool], *,
             partition: str | None = None) -> list[Record]:
        return [r for r in self.all(table, partition=partition) if predicate(r)]

    def pieces(self, table: str, partition: str) -> Iterator[list[Record]]:
        """One file's records in file order, a piece at a time (see ``Store.pieces``); what
        this transaction holds of the file already, in one piece."""
        key = (check_name("table", table), check_name("partition", partition))
        if key in self._open or self._writable:
            rows = self.all(table, partition=partition)
            return iter([rows] if rows else [])
        return self._backend.file(f"{table}/{partition}.json").pieces()

    def _note(self, table: str, action: str, rid: str) -> None:
        if table == AUDIT_TABLE:
            return
        if len(self._changes) < AUDIT_MAX_CHANGES:
            self._changes.append({"table": table, "action": action, "id": rid})
        else:
            self._more_changes += 1

    def audit_as(self, real_id: str, alias: str) -> None:
        """Write ``alias`` in this transaction's audit entry wherever ``real_id`` would go:
        forgetting someone deletes their register entry, and the trail of that deletion must
        not keep the id it is erasing."""
        self._aliases[real_id] = alias

    def changes(self) -> tuple[list[dict[str, str]], int]:
        """The changes a trail entry would list, and how many more, for :meth:`note`."""
        return list(self._changes), self._more_changes

    def note(self, changes: tuple[list[dict[str, str]], int]) -> None:
        """Put another transaction's :meth:`changes` in this one's trail entry: a merge's
        files are written by transactions that keep no trail (some in a second process,
        which must not write the trail's file too), and the merge then writes it."""
        listed, more = changes
        room = max(0, AUDIT_MAX_CHANGES - len(self._changes))
        self._changes += listed[:room]
        self._more_changes += more + max(0, len(listed) - room)

    def _note_many(self, table: str, action: str, ids: list[Any]) -> None:
        """:meth:`_note` for a whole batch at once (a merge notes hundreds of thousands)."""
        if table == AUDIT_TABLE:
            return
        listed = ids[:AUDIT_MAX_CHANGES]  # note() keeps what fits; the rest are counted
        self.note(([{"table": table, "action": action, "id": rid} for rid in listed],
                   len(ids) - len(listed)))

    def _audit(self) -> None:
        """One trail entry per transaction, written with it: which command changed which
        records, when, from which computer account. Ids only: no names, answers or notes."""
        if self._audit_command is None or not (self._changes or self._more_changes):
            return
        now = clock.now()
        entry = {"id": uuid.uuid4().hex, "at": now.isoformat(timespec="seconds"),
                 "account": _account(), "command": self._audit_command,
                 "changes": [{**c, "id": self._aliases.get(c["id"], c["id"])}
                             for c in self._changes], "more_changes": self._more_changes}
        self._table(AUDIT_TABLE, str(now.year)).insert(entry)

    def _commit(self) -> None:
        self._audit()
        changed = {f"{table}/{partition}.json": buf
                   for (table, partition), (_, buf) in self._open.items() if buf.dirty}
        if not changed:
            return
        # Every file's bytes before the disk is touched, then the day's backup, then one
        # all-or-nothing write: a failure at any point before it lands saves nothing.
        data = {name: dump_file(buf.data) for name, buf in changed.items()}
        self._backend.daily_backup(_today())  # before the first write of the day
        self._backend.write_files(data)
        for buf in changed.values():
            buf.dirty = False

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
    """The records. Each convenience method is one transaction; reads take no lock (only
    if they find a change decided but not yet wholly in place do they wait to finish it)."""

    def __init__(self, backend: Backend, *, lock_timeout: float = 5.0,
                 migrate: bool = True) -> None:
        self.backend = backend
        self.lock_timeout = lock_timeout
        #: Set by the CLI to the command being run ("people add"); None records no trail.
        self.audit_command: str | None = None
        if migrate and self.backend.is_whole() and self._current():
            return  # nothing to finish or migrate: a read need not take the lock
        with self.backend.lock(self.lock_timeout):
            self.backend.recover()
            if migrate:  # off only to restore over a damaged meta.json (data restore)
                self._migrate()

    def _current(self) -> bool:
        """True if meta.json says these records are at SCHEMA_VERSION already."""
        try:
            meta = self.backend.file("meta.json").read()
        except StoreError:
            return False  # damaged: the locked path says so
        return isinstance(meta, dict) and meta.get("schema_version") == SCHEMA_VERSION

    @classmethod
    def open(cls, root: Path, *, lock_timeout: float = 5.0, backups_dir: Path | None = None,
             backup_keep_days: int | Callable[[], int] | None = None,
             migrate: bool = True) -> Store:
        """The store in folder ``root``. ``backup_keep_days`` (the user's setting) prunes
        older dated backups each time a new daily one is made; None keeps them all.
        ``migrate=False`` opens records whose meta.json is damaged, only so that ``data
        restore`` can replace them whole: a restore must always be able to get back."""
        return cls(FileBackend(root, backups_dir, keep_days=backup_keep_days),
                   lock_timeout=lock_timeout, migrate=migrate)

    @classmethod
    def memory(cls) -> Store:
        return cls(MemoryBackend())

    @contextmanager
    def _run(self, writable: bool = True, audit: bool = True) -> Iterator[Transaction]:
        if not writable and self.backend.commit_pending():
            # A writer is putting a decided change in place (or was killed doing so):
            # waiting for the lock finishes it, so this read never sees half of it.
            with self.backend.lock(self.lock_timeout):
                pass
        tx = Transaction(self.backend, writable=writable,
                         audit_command=self.audit_command if audit else None)
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
                    staged = Store(FileBackend(staged_root, staged=True),  # a copy of
                                   lock_timeout=self.lock_timeout, migrate=False)  # this
                    staged.audit_command = self.audit_command
                    yield staged
                    backend.backup(_unique_backup_name(backend, f"{_today()}-before-{reason}"))
                except BaseException:  # the block or the backup failed: the copy goes
                    shutil.rmtree(staged_root, ignore_errors=True)
                    raise
                # What was derived from the old records (kept summaries) goes, before the
                # swap and again after it, so nothing a forget removes survives beside them.
                backend.clear_derived()
                backend.swap_in(staged_root)
                backend.clear_derived()
            elif isinstance(backend, MemoryBackend):
                memory = MemoryBackend()
                memory.files = dict(backend.files)
                staged = Store(memory, lock_timeout=self.lock_timeout, migrate=False)
                yield staged
                backend.files.clear()
                backend.files.update(memory.files)
            else:
                raise StoreError(f"A bulk change is not possible on {type(backend).__name__}.")

    @contextmanager
    def transaction(self, *, audit: bool = True) -> Iterator[Transaction]:
        """Hold the lock for the whole block; its writes land when it ends without an error.
        ``audit=False`` writes no trail entry: the caller writes one later from
        :meth:`Transaction.changes` (a merge, whose files are written in two processes)."""
        with self.backend.lock(self.lock_timeout), self._run(audit=audit) as tx:
            yield tx

    @contextmanager
    def shared_transaction(self) -> Iterator[Transaction]:
        """No lock and no trail entry: for a second process writing its own files of a bulk
        change's staged copy (``shared_merge.py``). Safe only there: the bulk change holds
        the store's lock throughout, no file is written by both, the first writes the trail."""
        if not getattr(self.backend, "staged", False):
            raise StoreError("Only a bulk change's staged copy can be written without its "
                             "lock.")
        with self._run(audit=False) as tx:
            yield tx

    def insert(self, table: str, record: Record, *, partition: str = "all") -> str:
        with self.transaction() as tx:
            return tx.insert(table, record, partition=partition)

    def get(self, table: str, id: str, *, partition: str | None = None) -> Record | None:
        with self._run(writable=False) as tx:
            return tx.get(table, id, partition=partition)

    def update(self, table: str, id: str, changes: Record, *,
               partition: str | None = None) -> Record:
        with self.transaction() as tx:
            return tx.update(table, id, changes, partition=partition)

    def delete(self, table: str, id: str, *, partition: str | None = None) -> None:
        with self.transaction() as tx:
            tx.delete(table, id, partition=partition)

    def all(self, table: str, *, partition: str | None = None) -> list[Record]:
        with self._run(writable=False) as tx:
            return tx.all(table, partition=partition)

    def find(self, table: str, predicate: Callable[[Record], bool], *,
             partition: str | None = None) -> list[Record]:
        with self._run(writable=False) as tx:
            return tx.find(table, predicate, partition=partition)

    def pieces(self, table: str, partition: str) -> Iterator[list[Record]]:
        """One file's records in file order, in lists of a few thousand, for reports that
        total a whole organisation's records (``chunks.py``): the file is opened now, and
        read and parsed a piece at a time as the pieces are wanted, so memory holds one
        piece's records rather than the whole file's. The same records, in the same order,
        as ``all``."""
        with self._run(writable=False) as tx:
            return tx.pieces(table, partition)

    def partitions(self, table: str) -> list[str]:
        return self.backend.partitions(check_name("table", table))

    def newest_backup(self) -> Path | None:
        return self.backend.newest_backup()

    def derived_dir(self, name: str) -> Path | None:
        """A folder for work derived from these records and kept between runs (e.g. kept
        summaries), or None where nothing may be kept; every bulk change deletes it."""
        folder = self.backend.derived_dir()
        return None if folder is None else folder / check_name("folder", name)

    def file_path(self, table: str, partition: str) -> Path | None:
        """The file holding one table's partition, or None if the records are not files."""
        return self.backend.path_of(f"{check_name('table', table)}/"
                                    f"{check_name('partition', partition)}.json")
