"""A worker for tests/test_faults.py: prints 'ready', then does one kind of change, so the
test can SIGKILL it at a random moment mid-change."""

from __future__ import annotations

import sys
from pathlib import Path

from coprod_cli.store import backups as records
from coprod_cli.store import database as store
from coprod_cli.store.database import Store


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
            s.insert("people", {"name": f"w{i:05d}", "pad": "x" * (i % 3000)})
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
