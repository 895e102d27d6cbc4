"""Tests for coprod_cli.store.database: the records must never be lost, mixed up or half-written.

Behaviour tests run on both backends (memory and file); durability, permissions, locking and
crash safety need the file backend and real processes (tests/store_worker.py).
"""

from __future__ import annotations

import importlib.util
import json
import os
import random
import stat
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest
from scratch_tables import OTHER, SCRATCH, declared

from coprod_cli.errors import NotFoundError, StoreCorruptError, StoreError, StoreLockedError
from coprod_cli.store import database as store_mod
from coprod_cli.store.database import FileBackend, MemoryBackend, Store

REPO = Path(__file__).resolve().parents[1]
WORKER_PATH = Path(__file__).with_name("store_worker.py")


def _load_worker() -> ModuleType:
    """Import the worker by path, so the test checks the very sequence the worker runs."""
    spec = importlib.util.spec_from_file_location("store_worker", WORKER_PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


worker = _load_worker()


@pytest.fixture(autouse=True)
def scratch_tables() -> Iterator[None]:
    """These tests are about keeping records, not their shapes: they use tables declared
    with an id and nothing else (tests/scratch_tables.py)."""
    with declared():
        yield


@pytest.fixture(params=["memory", "file"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    if request.param == "memory":
        return Store.memory()
    return Store.open(tmp_path / "store")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "store"


def raw(store: Store, table: str, partition: str = "all") -> bytes | None:
    """The stored bytes of one file, whichever backend, to prove what was (not) written."""
    name = f"{table}/{partition}.json"
    backend = store.backend
    if isinstance(backend, MemoryBackend):
        text = backend.files.get(name)
        return None if text is None else text.encode()
    assert isinstance(backend, FileBackend)
    path = backend.root / name
    return path.read_bytes() if path.exists() else None


def spawn(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, str(WORKER_PATH), *args], cwd=REPO, env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- records -------------------------------------------------------------------------------

def test_insert_assigns_uuid_hex_ids_and_get_returns_plain_copies(store: Store) -> None:
    record = {"name": "Ann", "tags": ["carer"]}
    rid = store.insert(SCRATCH, record)
    assert len(rid) == 32 and uuid.UUID(hex=rid).hex == rid and uuid.UUID(hex=rid).version == 4
    assert record["id"] == rid  # the caller learns the id too
    assert store.insert(SCRATCH, {"name": "Bob"}) != rid
    got = store.get(SCRATCH, rid)
    assert got == {"name": "Ann", "tags": ["carer"], "id": rid}
    assert type(got) is dict and not hasattr(got, "doc_id")
    got["tags"].append("changed")
    record["tags"].append("changed too")
    assert store.get(SCRATCH, rid) == {"name": "Ann", "tags": ["carer"], "id": rid}
    assert store.insert(SCRATCH, {"id": "p-1", "name": "Cy"}) == "p-1"
    assert [type(r) for r in store.all(SCRATCH)] == [dict, dict, dict]


def test_update_merges_and_delete_removes(store: Store) -> None:
    rid = store.insert(SCRATCH, {"name": "Ann", "role": "carer", "prefs": {"large_print": True}})
    new = store.update(SCRATCH, rid, {"role": "volunteer", "service": "Hafan"})
    assert new == {"id": rid, "name": "Ann", "role": "volunteer", "service": "Hafan",
                   "prefs": {"large_print": True}}
    assert store.get(SCRATCH, rid) == new
    with pytest.raises(StoreError):
        store.update(SCRATCH, rid, {"id": "other"})
    store.delete(SCRATCH, rid)
    assert store.get(SCRATCH, rid) is None and store.all(SCRATCH) == []


def test_unknown_ids_raise_not_found(store: Store) -> None:
    store.insert(SCRATCH, {"name": "Ann"})
    with pytest.raises(NotFoundError, match="nope"):
        store.update(SCRATCH, "nope", {"name": "X"})
    with pytest.raises(NotFoundError):
        store.delete(SCRATCH, "nope")
    assert store.get(SCRATCH, "nope") is None
    assert store.get("nothing", "nope") is None and store.all("nothing") == []


def test_duplicate_id_is_refused(store: Store) -> None:
    store.insert(SCRATCH, {"id": "p1", "name": "Ann"})
    before = raw(store, SCRATCH)
    with pytest.raises(StoreError, match="already exists"):
        store.insert(SCRATCH, {"id": "p1", "name": "Impostor"})
    assert raw(store, SCRATCH) == before
    assert store.all(SCRATCH) == [{"id": "p1", "name": "Ann"}]


@pytest.mark.parametrize("bad", [{"born": date(1990, 5, 1)}, {"score": float("nan")},
                                 {"answers": {1, 2}}, {"x": {(1, 2): "tuple key"}}])
def test_unsaveable_values_are_refused_before_anything_is_written(store: Store, bad: dict
                                                                  ) -> None:
    rid = store.insert(SCRATCH, {"name": "Ann"})
    before = raw(store, SCRATCH)
    with pytest.raises(StoreError, match="Cannot save"):
        store.insert(SCRATCH, {"name": "Bob", **bad})
    with pytest.raises(StoreError, match="Cannot save"):
        store.update(SCRATCH, rid, bad)
    with pytest.raises(StoreError, match="Cannot save"):
        store.insert("visits", bad)
    assert raw(store, SCRATCH) == before
    assert raw(store, "visits") is None


def test_find_and_partitions(store: Store) -> None:
    old = store.insert(OTHER, {"theme": "wellbeing"}, partition="2025")
    new = store.insert(OTHER, {"theme": "self-esteem"}, partition="2026")
    store.insert(OTHER, {"theme": "wellbeing"}, partition="2026")
    assert store.partitions(OTHER) == ["2025", "2026"] and store.partitions("none") == []
    assert [r["id"] for r in store.all(OTHER)][:2] == [old, new]  # oldest partition first
    assert len(store.all(OTHER, partition="2026")) == 2
    assert store.get(OTHER, old)["theme"] == "wellbeing"  # found in an older partition
    assert store.get(OTHER, old, partition="2026") is None
    assert len(store.find(OTHER, lambda r: r["theme"] == "wellbeing")) == 2
    assert store.find(OTHER, lambda r: r["theme"] == "wellbeing", partition="2025") == [
        {"id": old, "theme": "wellbeing"}]
    assert store.update(OTHER, old, {"theme": "x"})["theme"] == "x"
    assert store.get(OTHER, old, partition="2025")["theme"] == "x"


@pytest.mark.parametrize("table, partition", [("../etc", "all"), (SCRATCH, "a/b"),
                                              ("", "all"), (SCRATCH, "..")])
def test_names_that_could_escape_the_folder_are_refused(store: Store, table: str,
                                                        partition: str) -> None:
    with pytest.raises(StoreError, match="not a valid"):
        store.insert(table, {"name": "x"}, partition=partition)


# --- transactions --------------------------------------------------------------------------

def test_transaction_sees_its_own_writes_and_lands_them_together(store: Store) -> None:
    with store.transaction() as tx:
        a = tx.insert(OTHER, {"n": 1}, partition="2027")
        tx.update(OTHER, a, {"n": 2})
        assert tx.get(OTHER, a) == {"id": a, "n": 2}
        assert tx.partitions(OTHER) == ["2027"]
        assert store.all(OTHER) == []  # nothing on disk until the block ends
    assert store.all(OTHER) == [{"id": a, "n": 2}]


def test_failed_transaction_writes_nothing(store: Store) -> None:
    rid = store.insert(SCRATCH, {"name": "Ann"})
    before = raw(store, SCRATCH)
    with pytest.raises(RuntimeError), store.transaction() as tx:
        tx.insert(SCRATCH, {"name": "Bob"})
        tx.update(SCRATCH, rid, {"name": "Changed"})
        tx.insert(OTHER, {"n": 1})
        raise RuntimeError("boom")
    assert raw(store, SCRATCH) == before and raw(store, OTHER) is None
    with pytest.raises(StoreError, match="ended"):
        tx.all(SCRATCH)


def test_records_read_in_a_transaction_are_copies(store: Store) -> None:
    rid = store.insert(SCRATCH, {"name": "Ann", "tags": ["a"]})
    with store.transaction() as tx:
        tx.get(SCRATCH, rid)["tags"].append("leak")
        tx.all(SCRATCH)[0]["tags"].append("leak")
        tx.update(SCRATCH, rid, {"name": "Ann B"})["tags"].append("leak")
    assert store.get(SCRATCH, rid) == {"id": rid, "name": "Ann B", "tags": ["a"]}


def test_nested_transaction_times_out_instead_of_interleaving(tmp_path: Path) -> None:
    for s in (Store(MemoryBackend(), lock_timeout=0.1), Store.open(tmp_path, lock_timeout=0.1)):
        with s.transaction(), pytest.raises(StoreLockedError):
            s.insert(SCRATCH, {"name": "Ann"})


# --- files on disk -------------------------------------------------------------------------

def test_opening_whole_records_to_read_takes_no_lock(tmp_path: Path) -> None:
    """A read (people list) opens records with nothing to finish without waiting for a
    writer's lock, and without writing the lock owner file; anything a killed writer left
    (here a temp file) makes the open take the lock and tidy up first."""
    writer = Store.open(tmp_path, lock_timeout=0.1)
    rid = writer.insert(SCRATCH, {"name": "Ann"})
    owner = tmp_path.with_name(tmp_path.name + ".lock.owner")
    with writer.transaction():
        before = owner.read_bytes()
        assert Store.open(tmp_path, lock_timeout=0.1).get(SCRATCH, rid)["name"] == "Ann"
        assert owner.read_bytes() == before
        leftover = tmp_path / SCRATCH / ".all.json.x.tmp"
        leftover.write_text("{}")
        with pytest.raises(StoreLockedError):
            Store.open(tmp_path, lock_timeout=0.1)
    Store.open(tmp_path, lock_timeout=0.1)
    assert not leftover.exists()


def test_writing_one_partition_leaves_others_untouched(root: Path) -> None:
    s = Store.open(root)
    s.insert(OTHER, {"person": "p1"}, partition="2025")
    old = root / OTHER / "2025.json"
    before = (old.read_bytes(), old.stat().st_mtime_ns, old.stat().st_ino)
    time.sleep(0.01)
    rid = s.insert(OTHER, {"person": "p2"}, partition="2026")
    s.update(OTHER, rid, {"person": "p3"})
    s.delete(OTHER, rid, partition="2026")
    assert (old.read_bytes(), old.stat().st_mtime_ns, old.stat().st_ino) == before


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to name fds")
def test_write_fsyncs_the_temp_file_before_replace_and_the_folder_after(
        root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A SIGKILL cannot show a missing fsync (the page cache survives it); a power cut would."""
    s = Store.open(root)
    s.insert(SCRATCH, {"name": "Ann"})
    events: list[tuple[str, str]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        events.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        real_fsync(fd)

    def replace(src: str, dst: str) -> None:
        events.append(("replace", str(dst)))
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    s.insert(SCRATCH, {"name": "Bob"})
    folder = root / SCRATCH
    i = events.index(("replace", str(folder / "all.json")))
    assert events[i - 1][0] == "fsync" and events[i - 1][1].startswith(f"{folder}/.all.json.")
    assert events[i + 1] == ("fsync", str(folder))


def test_folders_are_0700_and_files_0600_whatever_the_umask(tmp_path: Path) -> None:
    previous = os.umask(0)
    try:
        s = Store.open(tmp_path / "home" / "store")
        s.insert(SCRATCH, {"name": "Ann"})
        s.insert(SCRATCH, {"name": "Bob"})  # second write of the day: backs up the first
    finally:
        os.umask(previous)
    folders = [p for p in tmp_path.rglob("*") if p.is_dir() and p.name != "home"]
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"meta.json", "all.json", "store.lock", "store.lock.owner"}
    assert any("backups" in p.parts for p in files)
    assert {str(p): oct(mode(p)) for p in folders} == {str(p): "0o700" for p in folders}
    assert {str(p): oct(mode(p)) for p in files} == {str(p): "0o600" for p in files}


def test_corrupt_file_is_named_and_never_overwritten(store: Store) -> None:
    store.insert(SCRATCH, {"name": "Ann"})
    if isinstance(store.backend, MemoryBackend):
        name = f"memory:{SCRATCH}/all.json"
        store.backend.files[f"{SCRATCH}/all.json"] = '{"records": {"1": {"na'
    else:
        path = store.backend.root / SCRATCH / "all.json"  # type: ignore[attr-defined]
        name = str(path)
        path.write_bytes(path.read_bytes()[:-9])
    damaged = raw(store, SCRATCH)
    for attempt in (lambda: store.all(SCRATCH), lambda: store.get(SCRATCH, "x"),
                    lambda: store.insert(SCRATCH, {"name": "Bob"}),
                    lambda: store.update(SCRATCH, "x", {"name": "Bob"})):
        with pytest.raises(StoreCorruptError) as caught:
            attempt()
        assert name in caught.value.message and "no backup" in caught.value.message
    assert raw(store, SCRATCH) == damaged
    store.insert(OTHER, {"n": 1})  # other tables still work


def test_corrupt_file_message_names_the_newest_backup(root: Path) -> None:
    s = Store.open(root)
    s.insert(SCRATCH, {"name": "Ann"})
    s.insert(SCRATCH, {"name": "Bob"})
    backup = s.newest_backup()
    assert backup is not None and (backup / SCRATCH / "all.json").is_file()
    path = root / SCRATCH / "all.json"
    path.write_bytes(b"\xff\xfe not json")
    with pytest.raises(StoreCorruptError) as caught:
        Store.open(root).all(SCRATCH)
    assert str(path) in caught.value.message and str(backup) in caught.value.message
    assert path.read_bytes() == b"\xff\xfe not json"


def test_daily_backup_before_the_first_write_of_each_day(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_mod, "_today", lambda: "2026-03-01")
    s = Store.open(tmp_path / "store", backups_dir=tmp_path / "safe")
    s.insert(SCRATCH, {"name": "Ann"})
    assert s.newest_backup() is None  # nothing to back up before the very first record

    def names(backup: Path | None) -> list[str]:
        assert backup is not None
        data = json.loads((backup / SCRATCH / "all.json").read_text(encoding="utf-8"))
        return sorted(r["name"] for r in data["records"].values())

    s.insert(SCRATCH, {"name": "Bob"})
    assert s.newest_backup() == tmp_path / "safe" / "2026-03-01"
    s.insert(SCRATCH, {"name": "Cy"})
    assert names(s.newest_backup()) == ["Ann"]  # same day: not taken again
    monkeypatch.setattr(store_mod, "_today", lambda: "2026-03-02")
    s.get(SCRATCH, "x")  # reads do not back up
    assert s.newest_backup() == tmp_path / "safe" / "2026-03-01"
    s.insert(SCRATCH, {"name": "Dee"})
    assert s.newest_backup() == tmp_path / "safe" / "2026-03-02"
    assert names(s.newest_backup()) == ["Ann", "Bob", "Cy"]
    assert json.loads((tmp_path / "safe" / "2026-03-02" / "meta.json").read_text()) == {
        "schema_version": 1}
    assert not list((tmp_path / "safe").glob(".*")) and Store.memory().newest_backup() is None


# --- schema --------------------------------------------------------------------------------

def test_new_store_records_the_schema_version(store: Store) -> None:
    assert store.backend.file("meta.json").read() == {"schema_version": store_mod.SCHEMA_VERSION}
    assert store_mod.SCHEMA_VERSION == 1


def test_migration_backs_up_first_and_runs_once(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "store"
    rid = Store.open(root).insert(SCRATCH, {"name": "Ann"})
    backup = tmp_path / "backups" / f"{store_mod._today()}-before-schema-2" / SCRATCH / "all.json"
    calls: list[int] = []

    def to_v2(tx: store_mod.Transaction) -> None:
        assert backup.is_file()  # the backup exists before the migration changes anything
        calls.append(2)
        for person in tx.all(SCRATCH):
            tx.update(SCRATCH, person["id"], {"role": "other"})

    monkeypatch.setattr(store_mod, "SCHEMA_VERSION", 2)
    monkeypatch.setattr(store_mod, "MIGRATIONS", {2: to_v2})
    s = Store.open(root)
    assert calls == [2]
    assert s.backend.file("meta.json").read() == {"schema_version": 2}
    assert s.get(SCRATCH, rid) == {"id": rid, "name": "Ann", "role": "other"}
    assert list(json.loads(backup.read_text())["records"].values()) == [{"id": rid,
                                                                          "name": "Ann"}]
    Store.open(root)
    assert calls == [2]


def test_failed_migration_changes_nothing(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Store.open(root).insert(SCRATCH, {"name": "Ann"})
    before = (root / SCRATCH / "all.json").read_bytes()

    def broken(tx: store_mod.Transaction) -> None:
        tx.insert(SCRATCH, {"name": "half"})
        raise RuntimeError("bug in migration")

    monkeypatch.setattr(store_mod, "SCHEMA_VERSION", 2)
    monkeypatch.setattr(store_mod, "MIGRATIONS", {2: broken})
    with pytest.raises(RuntimeError):
        Store.open(root)
    assert (root / SCRATCH / "all.json").read_bytes() == before
    assert json.loads((root / "meta.json").read_text()) == {"schema_version": 1}


def test_store_from_a_newer_coprod_is_refused(root: Path) -> None:
    Store.open(root).insert(SCRATCH, {"name": "Ann"})
    (root / "meta.json").write_text('{"schema_version": 99}')
    with pytest.raises(StoreError, match="newer version of coprod") as caught:
        Store.open(root)
    assert caught.value.hint is not None and "Upgrade" in caught.value.hint


# --- processes -----------------------------------------------------------------------------

def test_lock_timeout_names_the_process_holding_it(root: Path) -> None:
    s = Store.open(root, lock_timeout=0.3)
    holder = spawn("hold", str(root))
    try:
        assert holder.stdout is not None and holder.stdin is not None
        assert holder.stdout.readline().strip() == "locked", holder.stderr
        started = time.monotonic()
        with pytest.raises(StoreLockedError) as caught:
            s.insert(SCRATCH, {"name": "Ann"})
        assert time.monotonic() - started >= 0.25
        import getpass

        assert f"process {holder.pid}, account {getpass.getuser()}: store_worker.py)" \
            in caught.value.message  # the command's name, never its arguments ("hold")
        assert s.all(SCRATCH) == []  # reading needs no lock
    finally:
        holder.communicate(timeout=10)
    s.insert(SCRATCH, {"name": "Ann"})  # released when the holder ends


def test_two_processes_inserting_lose_nothing(root: Path) -> None:
    Store.open(root)
    workers = [spawn("insert", str(root), tag, "200") for tag in ("a", "b")]
    for w in workers:
        assert w.stdout is not None and w.stdout.readline().strip() == "ready"
    for w in workers:  # both start before either is waited for
        assert w.stdin is not None
        w.stdin.write("go\n")
        w.stdin.flush()
    results = [w.communicate(timeout=90) for w in workers]
    assert [w.returncode for w in workers] == [0, 0], results
    saved = Store.open(root).all(SCRATCH)
    assert len(saved) == 400 and len({p["id"] for p in saved}) == 400
    assert sorted(p["name"] for p in saved) == sorted(
        f"{tag}-{i}" for tag in ("a", "b") for i in range(200))


def test_sigkill_mid_write_leaves_the_state_before_or_after(root: Path) -> None:
    """Kill a writer at random moments; each time the file must be valid JSON holding exactly
    the state before or after the write in flight (the counter says which step it was)."""
    with Store.open(root).transaction() as tx:
        for record in worker.base_records():
            tx.insert(worker.TABLE, record)
    path = root / worker.TABLE / "all.json"
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    interrupted = trial = 0
    # At least 36 kills; more (up to 120) until 3 have landed between temp file and replace.
    while trial < 36 or (interrupted < 3 and trial < 120):
        trial += 1
        proc = spawn("crash", str(root))
        assert proc.stdout is not None
        first = proc.stdout.readline()  # it has started writing
        assert first.strip().isdigit(), proc.communicate()[1]
        time.sleep(rng.uniform(0, 0.05))
        proc.kill()
        # read through the same buffered file readline used: communicate() reads the pipe
        # itself and would miss lines readline already pulled in (a fast worker's "2", "3")
        out = proc.stdout.read()
        proc.communicate()
        done = max(int(line) for line in (first + out).splitlines(keepends=True)
                   if line.endswith("\n"))
        interrupted += bool(list(path.parent.glob(".*.tmp")))  # killed between temp and replace
        records = {r["id"]: r for r in json.loads(path.read_bytes())["records"].values()}
        k = records["counter"]["k"]
        where = f"seed {seed}, trial {trial}, reported {done}, on disk {k}"
        assert k in (done, done + 1), where
        assert records == worker.expected(k), where
    print(f"{interrupted} of {trial} kills landed inside a write (seed {seed})")
    assert interrupted >= 3, "too few kills landed inside a write; the test proved little"
    assert Store.open(root).get(worker.TABLE, "counter") is not None
    assert not list(path.parent.glob(".*.tmp"))  # the next open removed the leftovers

