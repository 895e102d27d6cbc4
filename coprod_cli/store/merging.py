"""One file of a merge: every bundle's copy of a table's year added to the store's own.

A merge is a loop over the store's files, and each file is merged on its own, knowing
nothing of the others: that is what lets a large merge share its files between two
processes (``shared_merge.py``) and still come out exactly as a merge in one process does.
A record already present with the same content is left alone and counted; one present with
different content is a conflict, reported and never overwritten.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import methodcaller
from typing import Any

from coprod_cli.store.database import Transaction

ORIGIN = "origin"
Records = dict[str, dict[str, Any]]
Origin = dict[str, str | None]


@dataclass
class MergeResult:
    added: Counter[str] = field(default_factory=Counter)
    unchanged: int = 0
    conflicts: list[tuple[str, str]] = field(default_factory=list)
    reapplied: int = 0  # people the erasure ledger says were forgotten, forgotten again

    @property
    def changed(self) -> bool:
        return any(n > 0 for n in self.added.values())

    def add(self, merged: FileMerged) -> None:
        self.added[merged.table] += merged.added
        self.unchanged += merged.unchanged
        self.conflicts.extend(merged.conflicts)


@dataclass
class FileMerged:
    """What merging one file did: small enough to send back from a worker process, and
    all the trail needs (the transaction that wrote the file wrote no trail of its own)."""

    table: str
    added: int = 0
    unchanged: int = 0
    conflicts: list[tuple[str, str]] = field(default_factory=list)
    changes: tuple[list[dict[str, str]], int] = ([], 0)


def split_name(name: str) -> tuple[str, str]:
    """``"attendance/2024.json"`` as ``("attendance", "2024")``."""
    table, partition = name[:-len(".json")].split("/")
    return table, partition


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return {k: v for k, v in a.items() if k != ORIGIN} == \
        {k: v for k, v in b.items() if k != ORIGIN}


def merge_file(tx: Transaction, name: str, sources: Iterable[tuple[Records, Origin]]
               ) -> FileMerged:
    """Add each source's records (checked, by id) to file ``name``, in order: a record is
    new, the same as one already here, or a conflict. ``sources`` is read lazily, so one
    bundle's copy of the file is parsed at a time."""
    table, partition = split_name(name)
    merged = FileMerged(table)
    by_id = {doc["id"]: doc for doc in tx.records_in(table, partition).values()}
    new: list[dict[str, Any]] = []
    for records, origin in sources:
        if by_id.keys().isdisjoint(records):  # all new: no look-ups needed
            # C-level, not a Python loop: an organisation's file holds a million records
            deque(map(methodcaller("setdefault", ORIGIN, origin), records.values()),
                  maxlen=0)
            by_id.update(records)
            new.extend(records.values())
            continue
        for rid, record in records.items():
            if rid in by_id:
                if _same(by_id[rid], record):
                    merged.unchanged += 1
                else:
                    merged.conflicts.append((table, rid))
                continue
            record.setdefault(ORIGIN, origin)
            by_id[rid] = record
            new.append(record)
    tx.insert_many(table, new, partition=partition, checked=True)
    merged.added = len(new)
    merged.changes = tx.changes()
    return merged
