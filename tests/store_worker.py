"""A separate process for the store tests: locking and crash safety need real processes.

Usage: ``store_worker.py MODE ROOT [ARGS]``
  insert ROOT TAG N  print "ready", wait for a line on stdin, insert N records, print "done"
  hold ROOT          hold a transaction (the lock) until stdin closes; prints "locked"
  crash ROOT         apply ``step(k)`` for k = 1, 2, ... forever, printing k after each one

The crash sequence lives here so the test checks against the same definition it runs.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from scratch_tables import SCRATCH, declare

from coprod_cli.store.database import Store, Transaction

TABLE = SCRATCH
BASE = 300  # records present from the start, so every write rewrites a sizeable file


def base_records() -> list[dict[str, Any]]:
    """The records the crash test seeds the store with before the worker runs (state k=0)."""
    return [{"id": "counter", "k": 0}] + [
        {"id": f"b{i:03d}", "name": f"Person {i} — Dŵr", "notes": "n" * 400}
        for i in range(BASE)
    ]


def big_record(k: int) -> dict[str, Any]:
    """Inserted at odd steps; sizes vary so the file alternately grows and shrinks."""
    return {"id": f"r{k}", "k": k, "pad": "ŷ" * (20_000 + (k * 7919) % 30_000)}


def expected(k: int) -> dict[str, dict[str, Any]]:
    """The exact records after step k, keyed by id."""
    records = {r["id"]: r for r in base_records()}
    records["counter"] = {"id": "counter", "k": k}
    if k % 2:
        records[f"r{k}"] = big_record(k)
    return records


def step(tx: Transaction, k: int) -> None:
    """One transaction, so one atomic replace: bump the counter, then grow or shrink."""
    tx.update(TABLE, "counter", {"k": k})
    if k % 2:
        tx.insert(TABLE, big_record(k))
    else:
        tx.delete(TABLE, f"r{k - 1}")


def main(argv: list[str]) -> None:
    declare()  # this process's tables, as the tests declare theirs
    mode, root = argv[0], Path(argv[1])
    store = Store.open(root)
    if mode == "insert":
        tag, n = argv[2], int(argv[3])
        print("ready", flush=True)
        sys.stdin.readline()  # start together with the other worker
        for i in range(n):
            store.insert(SCRATCH, {"name": f"{tag}-{i}", "tag": tag})
        print("done", flush=True)
    elif mode == "hold":
        with store.transaction():
            print("locked", flush=True)
            sys.stdin.read()
    elif mode == "crash":
        counter = store.get(TABLE, "counter")
        k = counter["k"] if counter else 0
        while True:
            k += 1
            with store.transaction() as tx:
                step(tx, k)
            print(k, flush=True)
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
