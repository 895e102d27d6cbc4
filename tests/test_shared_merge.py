"""A large merge shares its files with a forked worker (``store/shared_merge.py``): it must
merge exactly what the one-process merge merges, write the same trail, refuse exactly what
it refuses (whichever process meets the bad file), and lose nothing if the worker dies."""

from __future__ import annotations

import json
import multiprocessing
import os
import time
from pathlib import Path
from typing import Any

import pytest

from coprod_cli.store import backups as records
from coprod_cli.store import bundles, merging, shared_merge
from coprod_cli.store.database import AUDIT_TABLE, Store
from tests.test_bundle_checks import BROKEN, doctor, home_files, make_bundle, person_with

TABLES = ("people", "runs", "attendance", "feedback", "measures")
PARENT = os.getpid()


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Two made-up services' exports, a year of sessions each, and one holding both."""
    from tests.conftest import Cli

    root = tmp_path_factory.mktemp("services")
    out = []
    for seed, name in ((3, "Beech"), (4, "Oak")):
        home = root / name
        Cli()("--home", str(home), "data", "demo", "--profile", "small", "--seed", str(seed))
        out.append(root / f"{name}.zip")
        records.export(Store.open(home / "store"), out[-1], service=name, organisation="Org")
    return out


@pytest.fixture
def always_shared(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every merge shares its files, however small (the real threshold is megabytes)."""
    monkeypatch.setattr(shared_merge, "SHARE_FROM_BYTES", 0)


def _rows(store: Store) -> dict[str, list[str]]:
    return {t: sorted(json.dumps(r, sort_keys=True) for r in store.all(t)) for t in TABLES}


def _trail(store: Store) -> list[str]:
    """Each trail entry's command and changes (its own id and time differ run to run)."""
    return sorted(json.dumps([e["command"], e["changes"], e["more_changes"]])
                  for e in store.all(AUDIT_TABLE))


def _merge_into(tmp_path: Path, name: str, bundles: list[Path]) -> dict[str, Any]:
    """A home holding Beech already, merged with ``bundles``: what a user would compare."""
    store = Store.open(tmp_path / name / "store")
    store.audit_command = "data merge"
    records.merge(store, bundles[:1])
    result = records.merge(store, bundles)
    return {"added": dict(result.added), "unchanged": result.unchanged,
            "conflicts": result.conflicts, "rows": _rows(store), "trail": _trail(store)}


def _spy(monkeypatch: pytest.MonkeyPatch, log: Path) -> None:
    """Each file's merge notes the process that did it (in a file: the worker is another
    process)."""
    real = merging.merge_file

    def noted(tx: Any, name: str, sources: Any) -> merging.FileMerged:
        with log.open("a", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()} {name}\n")
        return real(tx, name, sources)

    monkeypatch.setattr(records, "merge_file", noted)


def _slow_to_take(monkeypatch: pytest.MonkeyPatch, who: str) -> None:
    """``who`` ("merge" or "worker") waits a second before taking each file, so the other
    process takes every file it can."""
    real = shared_merge._claim

    def claim(*args: Any) -> int | None:
        if (os.getpid() == PARENT) == (who == "merge"):
            time.sleep(1.0)
        return real(*args)

    monkeypatch.setattr(shared_merge, "_claim", claim)


def test_shared_merge_equals_the_one_process_merge(tmp_path: Path, services: list[Path],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    serial = _merge_into(tmp_path, "serial", services)
    monkeypatch.setattr(shared_merge, "SHARE_FROM_BYTES", 0)
    log = tmp_path / "who.txt"
    _spy(monkeypatch, log)
    shared = _merge_into(tmp_path, "shared", services)
    assert shared == serial
    assert serial["added"]["attendance"] > 0 and serial["unchanged"] > 0  # Beech was there
    who = [line.split() for line in log.read_text(encoding="utf-8").splitlines()]
    assert {pid for pid, _ in who} - {str(os.getpid())}, "the worker merged no file"
    second = [name for _, name in who[len(who) // 2:]]  # the second merge's files
    assert len(second) == len(set(second))  # each file merged once
    assert not multiprocessing.active_children()


def test_progress_is_told_every_file_once(tmp_path: Path, services: list[Path],
                                          always_shared: None) -> None:
    seen: list[tuple[int, int, str]] = []
    records.merge(Store.open(tmp_path / "home" / "store"), services,
                  progress=lambda *told: seen.append(told))
    total = seen[0][1]
    assert [d for d, _, _ in seen] == list(range(1, total + 1)) + [total]
    assert sorted(name for _, _, name in seen[:-1]) == sorted(
        {n for b in services for n in bundles.BundleReader(b).names
         if not n.startswith("audit/")})
    assert seen[-1] == (total, total, "")


@pytest.mark.parametrize("slow_one", ["worker", "merge"])
@pytest.mark.parametrize(("change", "problem"), BROKEN)
def test_a_refusal_is_the_same_whichever_process_meets_it(
        cli, coprod_home: Path, tmp_path: Path, always_shared: None,
        monkeypatch: pytest.MonkeyPatch, services: list[Path], slow_one: str,
        change: dict, problem: str) -> None:
    cli("people", "add", "Cy", "--role", "staff")
    good, ana = make_bundle(tmp_path / "beech", "export")
    bad = doctor(good, tmp_path / "bad.zip", "records/people/all.json", person_with(ana, change))
    log = tmp_path / "who.txt"
    _spy(monkeypatch, log)
    _slow_to_take(monkeypatch, slow_one)
    before = home_files(coprod_home)
    result = cli("data", "merge", str(services[0]), str(bad), code=1)
    assert result.text.startswith(
        f"Error: {bad} was refused, so nothing was changed: in records/people/all.json, the "
        f"people record {ana} is not valid ({problem}).")
    assert home_files(coprod_home) == before
    assert not multiprocessing.active_children()
    who = {name: pid for pid, name in
           (line.split() for line in log.read_text(encoding="utf-8").splitlines())}
    meant = "worker" if slow_one == "merge" else "merge"
    assert (who["people/all.json"] == str(PARENT)) == (meant == "merge")


def test_a_dead_worker_means_merging_again_in_one_process(
        tmp_path: Path, services: list[Path], always_shared: None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker dies just after writing its first file of the staged copy: that copy
    goes, and the merge starts again in one process, so nothing is added twice."""
    serial = _merge_into(tmp_path, "serial", services)
    real = merging.merge_file
    died = tmp_path / "died"

    def dies_after_writing(tx: Any, name: str, sources: Any) -> merging.FileMerged:
        merged = real(tx, name, sources)
        if os.getpid() != PARENT:
            tx._commit()  # the file is written, as at the end of the worker's transaction
            died.write_text(name, encoding="utf-8")
            os._exit(3)
        return merged

    monkeypatch.setattr(records, "merge_file", dies_after_writing)
    _slow_to_take(monkeypatch, "merge")  # so the worker takes a file
    assert _merge_into(tmp_path, "lost", services) == serial
    assert died.exists()
    home = tmp_path / "lost"
    assert not [p for p in home.rglob("*") if p.name.startswith(".")]
    assert not multiprocessing.active_children()


def test_a_worker_that_cannot_start_means_one_process(
        tmp_path: Path, services: list[Path], always_shared: None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    serial = _merge_into(tmp_path, "serial", services)
    tried: list[int] = []

    def no_fork(self: Any) -> None:
        tried.append(1)
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(multiprocessing.get_context("fork").Process, "start", no_fork)
    assert _merge_into(tmp_path, "unforked", services) == serial
    assert tried


def test_a_bundle_replaced_during_the_merge_is_refused(cli, coprod_home: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      always_shared: None) -> None:
    """The worker opens each bundle by its name; the merge opened it when it began. If the
    file is replaced between the two, the worker must not add records the merge never
    checked."""
    cli("people", "add", "Cy", "--role", "staff")
    good, _ = make_bundle(tmp_path / "beech", "export")
    replacement, _ = make_bundle(tmp_path / "oak", "export")  # sound, but other people
    real = bundles.BundleReader.reopen

    def replaced_first(self: bundles.BundleReader) -> bundles.BundleReader:
        if replacement.exists():
            os.replace(replacement, self.path)
        return real(self)

    monkeypatch.setattr(bundles.BundleReader, "reopen", replaced_first)
    _slow_to_take(monkeypatch, "merge")  # so the worker takes the file, and opens the bundle
    before = home_files(coprod_home)
    result = cli("data", "merge", str(good), code=1)
    assert result.text.startswith(f"Error: {good} is not a bundle coprod can use: it changed "
                                  "while it was being merged.")
    assert home_files(coprod_home) == before



KILLED_MERGE = """
import os, sys, time
from pathlib import Path
from coprod_cli.store import backups as records, merging, shared_merge
from coprod_cli.store.database import Store

shared_merge.SHARE_FROM_BYTES = 0
parent, real, marker = os.getpid(), merging.merge_file, Path(sys.argv[2])

def slow(tx, name, sources):
    if os.getpid() != parent:
        marker.write_text(str(os.getpid()))
    time.sleep(1.0)  # each file takes a second: the worker alone has several left
    return real(tx, name, sources)

records.merge_file = slow
records.merge(Store.open(Path(sys.argv[1])), [Path(p) for p in sys.argv[3:]])
"""


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return True
    return state in ("Z", "X")  # ended, waiting for init to reap it


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")
def test_a_merge_killed_outright_leaves_no_worker_holding_the_lock(
        tmp_path: Path, services: list[Path]) -> None:
    """SIGKILL gives the merge no chance to stop its worker: the worker must notice at its
    next file and end, so the store's lock it shares comes free, and the records are as
    before the merge."""
    import signal
    import subprocess
    import sys

    root = tmp_path / "home" / "store"
    store = Store.open(root)
    records.merge(store, services[:1])
    before = _rows(store)
    marker = tmp_path / "worker.pid"
    merge = subprocess.Popen([sys.executable, "-c", KILLED_MERGE, str(root), str(marker),
                              *map(str, services)])
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline and merge.poll() is None:
        time.sleep(0.05)
    assert marker.exists(), "the worker never started a file"
    merge.send_signal(signal.SIGKILL)
    merge.wait()
    worker = int(marker.read_text())
    soon = time.monotonic() + 2.5  # its own file, not every file left
    while not _gone(worker) and time.monotonic() < soon:
        time.sleep(0.05)
    assert _gone(worker)
    again = Store.open(root, lock_timeout=5)
    assert _rows(again) == before
    again.insert("people", {"name": "After", "role": "other", "service": "", "consent": None,
                            "prefers": [], "created_at": "2026-12-01T10:00:00+00:00",
                            "updated_at": "2026-12-01T10:00:00+00:00"})
