"""Whole-store operations: backup, restore, export, merge, and keeping backups tidy.

Each change that touches many records (restore, merge) runs inside ``Store.bulk_change``: it
works on a staged copy and is swapped in whole, after a backup, or not at all. Merging is
idempotent: a record already present with the same content is skipped, and one present with
different content is reported as a conflict, never overwritten.
"""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, field
from operator import methodcaller
from pathlib import Path
from typing import Any

import orjson

from coprod_cli.errors import ValidationError
from coprod_cli.store.ahead import AheadChecks
from coprod_cli.store.backends import prune_backups as prune_backups  # made with backups
from coprod_cli.store.bundles import Bundle, BundleReader, Progress, write_bundle
from coprod_cli.store.database import AUDIT_TABLE, TABLE, Store
from coprod_cli.store.storage import bulk_reading

ORIGIN = "origin"


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


@dataclass
class MergeResult:
    added: Counter[str] = field(default_factory=Counter)
    unchanged: int = 0
    conflicts: list[tuple[str, str]] = field(default_factory=list)
    reapplied: int = 0  # people the erasure ledger says were forgotten, forgotten again

    @property
    def changed(self) -> bool:
        return any(n > 0 for n in self.added.values())


def _text_or_none(value: Any) -> str | None:
    """A manifest's own fields are not records, so nothing has checked them: the origin a
    merge adds to each record must still fit its declaration."""
    return value if isinstance(value, str) else None


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return {k: v for k, v in a.items() if k != ORIGIN} == \
        {k: v for k, v in b.items() if k != ORIGIN}


def merge(store: Store, paths: list[Path], *, home: Path | None = None,
          progress: Progress | None = None) -> MergeResult:
    """Add the records of each bundle; nothing is overwritten, merging twice adds nothing.

    Works one file (a table's year) at a time across all bundles, so each file of the
    store is read and written once however many services are merged, and memory holds one
    file's records. Every bundle's manifest is checked before anything starts, and every
    file against its checksum as it is read; any failure leaves the records as they were.
    With ``home``, the erasure ledger is re-applied to the merged records in the same change.
    ``progress(done, total, name)`` is told as each of the store's files is reached.
    """
    readers: list[BundleReader] = []
    try:
        for path in paths:
            readers.append(BundleReader(path))
        return _merge_files(store, readers, home, progress)
    finally:
        for reader in readers:
            reader.close()


def _merge_files(store: Store, readers: list[BundleReader], home: Path | None,
                 progress: Progress | None) -> MergeResult:
    result = MergeResult()
    names = sorted({n for r in readers for n in r.names if not n.startswith(AUDIT_TABLE + "/")})
    present = [set(r.names) for r in readers]
    checks = AheadChecks(readers, names)
    origins = [{"service": r.service, "bundle": r.path.name,
                "exported_at": _text_or_none(r.manifest.get("created_at"))} for r in readers]
    try:
        with bulk_reading(), store.bulk_change("merge") as staged:
            for done, name in enumerate(names):
                if progress is not None:
                    progress(done, len(names), name)
                table, partition = name[:-len(".json")].split("/")
                with staged.transaction() as tx:
                    by_id = {doc["id"]: doc for doc in tx.records_in(table, partition).values()}
                    new: list[dict[str, Any]] = []
                    for n, (reader, origin, held) in enumerate(zip(readers, origins, present,
                                                                    strict=True)):
                        if name not in held:
                            continue
                        records = checks.records(n, reader, name)
                        if by_id.keys().isdisjoint(records):  # all new: no look-ups needed
                            # C-level, not a Python loop: an organisation's file holds a
                            # million records
                            deque(map(methodcaller("setdefault", ORIGIN, origin),
                                      records.values()), maxlen=0)
                            by_id.update(records)
                            new.extend(records.values())
                            continue
                        for rid, record in records.items():
                            if rid in by_id:
                                if _same(by_id[rid], record):
                                    result.unchanged += 1
                                else:
                                    result.conflicts.append((table, rid))
                                continue
                            record.setdefault(ORIGIN, origin)
                            by_id[rid] = record
                            new.append(record)
                    tx.insert_many(table, new, partition=partition, checked=True)
                    result.added[table] += len(new)
            if progress is not None:
                progress(len(names), len(names), "")
            if not result.changed:
                raise _NothingToDo
            from coprod_cli.people import ledger

            result.reapplied = ledger.reapply(staged, home)
    except _NothingToDo:
        pass
    finally:
        checks.close()
    return result


def audit_log(store: Store, limit: int = 50) -> list[dict[str, Any]]:
    entries = sorted(store.all(AUDIT_TABLE), key=lambda e: e["at"], reverse=True)
    return entries[:limit]
