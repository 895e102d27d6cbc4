"""Whole-store operations: backup, restore, export, merge, and keeping backups tidy.

Each change that touches many records (restore, merge) runs inside ``Store.bulk_change``: it
works on a staged copy and is swapped in whole, after a backup, or not at all. Merging is
idempotent: a record already present with the same content is skipped, and one present with
different content is reported as a conflict, never overwritten.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import orjson

from coprod_cli.errors import ValidationError
from coprod_cli.store import shared_merge
from coprod_cli.store.backends import prune_backups as prune_backups  # made with backups
from coprod_cli.store.bundles import Bundle, BundleReader, Progress, write_bundle
from coprod_cli.store.database import AUDIT_TABLE, TABLE, Store, Transaction
from coprod_cli.store.merging import FileMerged, MergeResult, Origin, merge_file
from coprod_cli.store.storage import bulk_reading


class _NothingToDo(Exception):
    """Raised inside a bulk change to drop the staged copy when nothing changed."""


def backup(store: Store, out: Path, *, service: str, organisation: str,
           progress: Progress | None = None) -> dict[str, Any]:
    return write_bundle(store, out, kind="backup", service=service,
                        organisation=organisation, include_audit=True, progress=progress)


def export(store: Store, out: Path, *, service: str, organisation: str,
           progress: Progress | None = None) -> dict[str, Any]:
    """A service's records for the organisation's lead; the audit trail stays local."""
    return write_bundle(store, out, kind="export", service=service,
                        organisation=organisation, include_audit=False, progress=progress)


def current_counts(store: Store) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for name, data in store.snapshot().items():
        if name == "meta.json":
            continue
        counts[name.split("/")[0]] += len(orjson.loads(data or b"{}").get(TABLE, {}))
    return dict(counts)


def restore_plan(store: Store, bundle: Bundle) -> list[tuple[str, int, int]]:
    """(table, records now, records after) for every table either side has."""
    now, after = current_counts(store), bundle.counts()
    return [(t, now.get(t, 0), after.get(t, 0)) for t in sorted(set(now) | set(after))]


def restore(store: Store, bundle: Bundle, *, home: Path | None = None) -> int:
    """Replace every record with the bundle's, after a backup; all or nothing. With
    ``home``, everyone the erasure ledger says was forgotten is forgotten again in the
    same change, so an old backup cannot bring them back; returns how many."""
    if bundle.manifest.get("kind") != "backup":
        raise ValidationError("That file is a service export, not a backup.",
                              hint="Use 'coprod data merge' to add an export's records.")
    files = {name: orjson.dumps({TABLE: {str(i): r for i, r in enumerate(records.values(),
                                                                          start=1)}})
             for name, records in bundle.files.items()}
    files["meta.json"] = orjson.dumps({"schema_version": bundle.manifest["schema_version"]})
    from coprod_cli.people import ledger

    with store.bulk_change("restore") as staged:
        staged.replace_all(files)
        return ledger.reapply(staged, home)


def _text_or_none(value: Any) -> str | None:
    """A manifest's own fields are not records, so nothing has checked them: the origin a
    merge adds to each record must still fit its declaration."""
    return value if isinstance(value, str) else None


def merge(store: Store, paths: list[Path], *, home: Path | None = None,
          progress: Progress | None = None) -> MergeResult:
    """Add the records of each bundle; nothing is overwritten, merging twice adds nothing.

    Works one file (a table's year) at a time across all bundles, so each file of the
    store is read and written once however many services are merged, and memory holds one
    file's records (two, when a large merge shares its files with a second process:
    ``shared_merge.py``). Every bundle's manifest is checked before anything starts, and
    every file against its checksum as it is read; any failure leaves the records as they
    were. With ``home``, the erasure ledger is re-applied to the merged records in the same
    change. ``progress(done, total, name)`` is told as each of the store's files is reached
    (in one process) or finished (in two).
    """
    readers: list[BundleReader] = []
    try:
        for path in paths:
            readers.append(BundleReader(path))
        if shared_merge.can_share(sum(os.path.getsize(r.path) for r in readers)):
            try:
                return _merge_files(store, readers, home, progress, shared=True)
            except shared_merge.WorkerLost:  # what it wrote went with its staged copy
                pass
        return _merge_files(store, readers, home, progress, shared=False)
    finally:
        for reader in readers:
            reader.close()


def _merge_files(store: Store, readers: list[BundleReader], home: Path | None,
                 progress: Progress | None, *, shared: bool) -> MergeResult:
    result = MergeResult()
    names = sorted({n for r in readers for n in r.names if not n.startswith(AUDIT_TABLE + "/")})
    held = [set(r.names) for r in readers]
    origins: list[Origin] = [{"service": r.service, "bundle": r.path.name,
                              "exported_at": _text_or_none(r.manifest.get("created_at"))}
                             for r in readers]
    told = progress or (lambda done, total, name: None)
    try:
        with bulk_reading(), store.bulk_change("merge") as staged:
            # the trail is written below, from what each file's merge did
            here = _file_merge(lambda: staged.transaction(audit=False), origins, held,
                               readers.__getitem__)

            if shared:
                # Largest first, so the last files the two processes take are small ones.
                order = sorted(names, key=lambda n: -sum(r.size(n) for r, h in
                                                         zip(readers, held, strict=True)
                                                         if n in h))
                merged = shared_merge.share(order, here, _in_worker(staged, readers, origins,
                                                                    held),
                                            lambda done, name: told(done, len(names), name))
            else:
                merged = {}
                for done, name in enumerate(names):
                    told(done, len(names), name)
                    merged[name] = here(name)
            told(len(names), len(names), "")
            for name in names:  # the trail: an entry a file, in the store's order
                result.add(merged[name])
                with staged.transaction() as tx:
                    tx.note(merged[name].changes)
            if not result.changed:
                raise _NothingToDo
            from coprod_cli.people import ledger

            result.reapplied = ledger.reapply(staged, home)
    except _NothingToDo:
        pass
    return result


def _file_merge(transaction: Callable[[], AbstractContextManager[Transaction]],
                origins: list[Origin], held: list[set[str]],
                reader: Callable[[int], BundleReader]) -> shared_merge.Merge:
    """How one file is merged: every bundle holding it (``reader(n)`` is bundle n, read
    one after another as the merge wants them) added in a ``transaction`` of its own."""
    def merge(name: str) -> FileMerged:
        sources = ((reader(n).records(name), origin) for n, origin in enumerate(origins)
                   if name in held[n])
        with transaction() as tx:
            return merge_file(tx, name, sources)

    return merge


def _in_worker(staged: Store, readers: list[BundleReader], origins: list[Origin],
               held: list[set[str]]) -> shared_merge.Merge:
    """How the worker merges a file: in a transaction that takes no lock (the merge holds
    the store's), reading each bundle through its own handle, opened when first wanted."""
    mine: dict[int, BundleReader] = {}

    def reopened(n: int) -> BundleReader:
        if n not in mine:
            mine[n] = readers[n].reopen()
        return mine[n]

    return _file_merge(staged.shared_transaction, origins, held, reopened)


def audit_log(store: Store, limit: int = 50) -> list[dict[str, Any]]:
    entries = sorted(store.all(AUDIT_TABLE), key=lambda e: e["at"], reverse=True)
    return entries[:limit]
