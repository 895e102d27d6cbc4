"""A worker for tests/test_faults.py: prints 'ready', then does one kind of change, so the
test can SIGKILL it at a random moment mid-change.

``commit ROOT POINT`` instead kills itself at an exact point of a two-file commit:
``before-commit-point`` (both temp files written, the journal not yet in place) or
``after-first-rename`` (the journal in place and the first file renamed, not the second).
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Any

from scratch_tables import OTHER, SCRATCH, declare

from coprod_cli.store import backups as records
from coprod_cli.store import database as store
from coprod_cli.store.database import Store
from coprod_cli.store.journal import JOURNAL

PAIR = (SCRATCH, OTHER)  # the two tables a ``pairs`` step changes together


def pair_step(tx: store.Transaction, k: int) -> None:
    """One transaction over two files: both counters move to k (sizes vary, so files grow
    and shrink); a store where they differ is half a commit."""
    for table in PAIR:
        tx.update(table, "counter", {"k": k, "pad": "p" * ((k * 7919) % 40_000)},
                  partition="2026")


def kill_inside_commit(root: Path, point: str) -> None:
    """Replace os.replace (as the journal module calls it) with one that SIGKILLs this
    process at ``point``; real renames otherwise."""
    journal, real_replace = root / JOURNAL, os.replace

    def replace(src: str | Path, dst: str | Path) -> None:
        if point == "before-commit-point" and Path(dst) == journal:
            os.kill(os.getpid(), signal.SIGKILL)
        real_replace(src, dst)
        if point == "after-first-rename" and Path(dst) != journal and journal.exists():
            os.kill(os.getpid(), signal.SIGKILL)

    os.replace = replace  # type: ignore[assignment]  # this process ends inside it anyway

STAMP = "2026-01-05T10:00:00+00:00"


def person(name: str, pad: int = 0) -> dict[str, Any]:
    """A register entry as people.add_person writes it (``pad`` makes files bigger)."""
    return {"name": name, "role": "other", "service": "", "consent": None, "prefers": [],
            "created_at": STAMP, "updated_at": STAMP, "pad": "x" * pad}


def attendance(person_id: str, year: int, pad: int = 0) -> dict[str, Any]:
    """An attendance record as the runner writes it, for a run in ``year``."""
    return {"run_id": f"{year}0105-abc123", "person_id": person_id, "role": "other",
            "session_id": "s", "theme": "t", "service": "", "date": f"{year}-01-05",
            "arrived_at": f"{year}-01-05T10:00:00+00:00", "late": False, "left_at": None,
            "pad": "y" * pad}


def migrate_v2(tx: store.Transaction) -> None:
    """A pretend migration: every person gains a field (idempotent, one file)."""
    for person in tx.all("people"):
        tx.update("people", person["id"], {"migrated": True})


def main() -> None:
    mode, root, extra = sys.argv[1], Path(sys.argv[2]), sys.argv[3:]
    if mode == "migrate":
        store.SCHEMA_VERSION = 2
        store.MIGRATIONS[2] = migrate_v2
    if mode == "write":
        # Load every table's declaration and the people check before 'ready', so the kill
        # window covers writing, not imports (a loaded machine once spent it all importing).
        from coprod_cli.store import schema

        schema.table("people").adapter()
    print("ready", flush=True)
    if mode == "write":
        s = Store.open(root)
        for i in range(10_000):
            s.insert("people", person(f"w{i:05d}", pad=i % 3000))
    elif mode == "merge":
        records.merge(Store.open(root), [Path(extra[0])])
    elif mode == "restore":
        from coprod_cli.store.bundles import read_bundle

        records.restore(Store.open(root), read_bundle(Path(extra[0])))
    elif mode == "migrate":
        Store.open(root)
    elif mode == "pairs":
        declare()  # the counters live in the tests' scratch tables
        s = Store.open(root)
        k = (s.get(PAIR[0], "counter", partition="2026") or {"k": 0})["k"]
        while True:
            k += 1
            with s.transaction() as tx:
                pair_step(tx, k)
            print(k, flush=True)
    elif mode == "commit":
        s = Store.open(root)
        kill_inside_commit(root, extra[0])
        with s.transaction() as tx:
            tx.insert("people", {**person("New"), "id": "newcomer"})
            tx.insert("attendance", {**attendance("newcomer", 2026), "id": "new-visit"},
                      partition="2026")
    print("done", flush=True)


if __name__ == "__main__":
    main()
