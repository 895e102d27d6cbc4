"""A worker for tests/test_faults.py: prints 'ready', then does one kind of change, so the
test can SIGKILL it at a random moment mid-change."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from coprod_cli.store import backups as records
from coprod_cli.store import database as store
from coprod_cli.store.database import Store

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
    print("done", flush=True)


if __name__ == "__main__":
    main()
