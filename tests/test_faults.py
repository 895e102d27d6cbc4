"""Kill -9 at random moments during writes, merges, restores and migrations.

After every kill the store must open and hold exactly the state before the change or the
state after it: never a mixture, never a file that cannot be read. The number of trials is
COPROD_FAULT_TRIALS per kind of change (default 50, so 200 in all).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fault_worker import attendance, person

from coprod_cli.store import backups as records
from coprod_cli.store import database as store
from coprod_cli.store.database import Store
from coprod_cli.store.journal import JOURNAL as store_journal

TRIALS = int(os.environ.get("COPROD_FAULT_TRIALS", "50"))
WORKER = Path(__file__).with_name("fault_worker.py")


def names(root: Path) -> list[str]:
    return sorted(p["name"] for p in Store.open(root).all("people"))


def raw_people(root: Path) -> list[dict]:
    path = root / "people" / "all.json"
    return list(json.loads(path.read_text())["records"].values()) if path.exists() else []


def build(root: Path, prefix: str, n: int) -> Store:
    s = Store.open(root)
    with s.transaction() as tx:
        for i in range(n):
            pid = tx.insert("people", person(f"{prefix}{i:04d}", pad=200))
            tx.insert("attendance", attendance(pid, 2016 + i % 10, pad=100),
                      partition=str(2016 + i % 10))
    return s


def kill_at_random(mode: str, root: Path, extra: list[str], window: float) -> bool:
    """Start the worker, let it get going, kill it; True if it finished before the kill."""
    proc = subprocess.Popen([sys.executable, str(WORKER), mode, str(root), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(random.uniform(0, window))
    proc.send_signal(signal.SIGKILL)
    out = proc.stdout.read()
    proc.wait()
    return "done" in out


def seconds_to_finish(mode: str, root: Path, extra: list[str]) -> float:
    """How long the worker's change takes after it says 'ready', left to finish."""
    proc = subprocess.Popen([sys.executable, str(WORKER), mode, str(root), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    started = time.perf_counter()
    assert proc.stdout.readline().strip() == "done"
    proc.wait()
    return time.perf_counter() - started


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("template")
    build(base / "old" / "store", "old", 300)
    other = build(base / "other" / "store", "new", 300)
    records.export(other, base / "other.zip", service="Oak", organisation="")
    backup_src = build(base / "backupsrc" / "store", "bak", 200)
    records.backup(backup_src, base / "backup.zip", service="Beech", organisation="")
    paths = {"old": base / "old" / "store", "merge": base / "other.zip",
             "restore": base / "backup.zip"}
    for mode in ("merge", "restore"):
        # How long each change takes here, uninterrupted, four at once as the trials run:
        # timed alone, a busy machine made every trial's kill land before the swap.
        def timed(n: int, mode: str = mode) -> float:
            trial = base / f"time-{mode}-{n}" / "store"
            shutil.copytree(paths["old"], trial)
            return seconds_to_finish(mode, trial, [str(paths[mode])])

        with ThreadPoolExecutor(max_workers=4) as pool:
            paths[f"{mode}-seconds"] = max(pool.map(timed, range(4)))  # type: ignore[assignment]
    return paths


def parallel(trial: Callable[[int], object]) -> list[object]:
    """Trials are independent processes in their own folders: run four at a time."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(trial, range(TRIALS)))


def fresh(template: dict[str, Path], tmp_path: Path, trial: int) -> Path:
    root = tmp_path / f"t{trial}" / "store"
    shutil.copytree(template["old"], root)
    return root


@pytest.mark.parametrize("mode", ["merge", "restore"])
def test_bulk_changes_are_all_or_nothing(template, tmp_path: Path, mode: str) -> None:
    old = names(template["old"])
    expected_new = sorted(old + [f"new{i:04d}" for i in range(300)]) if mode == "merge" \
        else [f"bak{i:04d}" for i in range(200)]

    # Kill anywhere from start-up to well past the end, so both outcomes are reached even on
    # a slow, busy machine (the window is measured, not guessed).
    window = 1.6 * float(template[f"{mode}-seconds"])  # type: ignore[arg-type]

    def trial(n: int) -> str:
        root = fresh(template, tmp_path, n)
        kill_at_random(mode, root, [str(template[mode])], window=window)
        now = names(root)  # opening recovers any half-done swap
        assert now in (old, expected_new), f"trial {n}: a mixture of states"
        shutil.rmtree(root.parent)
        return "old" if now == old else "new"

    results = parallel(trial)
    outcomes = {k: results.count(k) for k in ("old", "new")}
    assert outcomes["old"] and outcomes["new"], outcomes  # kills landed on both sides


def test_writes_leave_a_prefix_of_the_sequence(template, tmp_path: Path) -> None:
    def trial(n: int) -> int:
        root = tmp_path / f"w{n}" / "store"
        kill_at_random("write", root, [], window=0.5)
        written = names(root)
        assert written == [f"w{i:05d}" for i in range(len(written))], f"trial {n}"
        shutil.rmtree(root.parent)
        return len(written)

    assert max(parallel(trial)) > 0


def test_migrations_are_all_or_nothing(template, tmp_path: Path, monkeypatch) -> None:
    def kill(n: int) -> Path:
        root = fresh(template, tmp_path, n)
        kill_at_random("migrate", root, [], window=0.4)
        flags = {p.get("migrated", False) for p in raw_people(root)}
        assert len(flags) == 1, f"trial {n}: some records migrated, some not"
        return root

    roots = parallel(kill)
    monkeypatch.setattr(store, "SCHEMA_VERSION", 2)
    monkeypatch.setitem(store.MIGRATIONS, 2, lambda tx: [
        tx.update("people", p["id"], {"migrated": True}) for p in tx.all("people")])
    for root in roots:
        reopened = Store.open(root)  # finishes the migration if the kill came first
        assert all(p.get("migrated") for p in reopened.all("people"))
        assert json.loads((root / "meta.json").read_text())["schema_version"] == 2


def test_three_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    """Attendance, feedback and grant spending from three terminals at the same time."""
    from test_grants import PAT, application

    from coprod_cli.grants import scheme as grants
    from coprod_cli.grants.scheme import Scheme

    root = tmp_path / "store"
    s = Store.open(root)
    grant = grants.apply(s, application(("Pens", 150)), Scheme())
    grants.decide(s, grant["id"], Scheme(), approve=True, by=PAT, conflict=None)
    writer = ("import json, sys; from pathlib import Path\n"
              "from coprod_cli.store.database import Store\n"
              "s = Store.open(Path(sys.argv[1]), lock_timeout=30)\n"
              "for i in range(150):\n"
              "    s.insert(sys.argv[2], {**json.loads(sys.argv[3]), 'n': i}, partition='2026')\n")
    form = {"run_id": "20260105-abc123", "person_id": None, "form": "peer-evaluation",
            "form_version": 1, "answers": {"enjoyed": 4}, "entered": "paper",
            "session_id": "s", "theme": "t", "service": "", "at": "2026-01-05T10:00:00+00:00"}
    shapes = {"attendance": attendance("p1", 2026), "feedback": form}
    spender = ("import sys; from pathlib import Path\n"
               "from coprod_cli.grants import scheme as grants\n"
               "from coprod_cli.store.database import Store\n"
               "s = Store.open(Path(sys.argv[1]), lock_timeout=30)\n"
               "for i in range(150):\n"
               "    grants.spend(s, sys.argv[2], pence=1, item=f'pen {i}',\n"
               "                 by={'name': 'Jo', 'person_id': None},\n"
               "                 receipts_dir=Path(sys.argv[1]) / 'receipts')\n")
    procs = [subprocess.Popen([sys.executable, "-c", writer, str(root), table,
                               json.dumps(shapes[table])])
             for table in ("attendance", "feedback")]
    procs.append(subprocess.Popen([sys.executable, "-c", spender, str(root), grant["id"]]))
    assert [p.wait(timeout=180) for p in procs] == [0, 0, 0]
    s = Store.open(root)
    for table in ("attendance", "feedback"):
        assert sorted(r["n"] for r in s.all(table)) == list(range(150))
    kept = grants.find_grant(s, grant["id"])
    assert grants.spent_pence(kept) == 150 and len(kept["spending"]) == 150
    assert grants.remaining_pence(kept) == 0



# --- commits that change two files ---------------------------------------------------------

def files_of(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def raw_ids(path: Path) -> set[str]:
    """The ids in one file exactly as a kill left it (no recovery has run)."""
    return {r["id"] for r in json.loads(path.read_bytes())["records"].values()}


@pytest.mark.parametrize("point", ["before-commit-point", "after-first-rename"])
def test_a_kill_between_the_two_files_of_a_commit_leaves_all_or_nothing(
        tmp_path: Path, point: str) -> None:
    root = tmp_path / "store"
    build(root, "old", 20)  # people/all.json and attendance/2016..2025 exist
    old_files = files_of(root)
    reader = Store.open(root)  # opened before the kill, as another terminal would be
    killed = subprocess.run([sys.executable, str(WORKER), "commit", str(root), point],
                            capture_output=True, text=True, timeout=60)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    people, visits = root / "people" / "all.json", root / "attendance" / "2026.json"
    hidden = sorted(p.relative_to(root).as_posix() for p in root.rglob(".*") if p.is_file())
    if point == "before-commit-point":
        # Both new files and the journal were written aside; nothing was moved into place.
        assert [Path(h).parent.as_posix() for h in hidden] == [".", "attendance", "people"]
        assert all(h.endswith(".tmp") for h in hidden) and store_journal not in hidden, hidden
        assert "newcomer" not in raw_ids(people) and not visits.exists()
    else:
        # The journal is in place and exactly one of the two files has been renamed.
        assert store_journal in hidden
        assert ("newcomer" in raw_ids(people)) != visits.exists()
    # The open store's next read finishes the change (or finds nothing to finish) first.
    landed = point == "after-first-rename"
    assert (reader.get("people", "newcomer") is not None) is landed
    assert (reader.get("attendance", "new-visit", partition="2026") is not None) is landed
    assert not (root / store_journal).exists()
    reopened = Store.open(root)  # a fresh open agrees, and tidies every leftover
    assert ({p["id"] for p in reopened.all("people")} >= {"newcomer"}) is landed
    assert not [p for p in root.rglob(".*") if p.is_file()]
    if not landed:
        assert files_of(root) == old_files


def test_kills_at_random_moments_of_two_file_commits_never_split_them(tmp_path: Path) -> None:
    """Each step moves two counters in two files together; after a kill at a random moment
    (recovery on open), they agree, at the step reported done or the one in flight."""
    from fault_worker import PAIR
    from scratch_tables import declared

    def trial(n: int) -> tuple[int, bool]:
        root = tmp_path / f"p{n}" / "store"
        with Store.open(root).transaction() as tx:
            for table in PAIR:
                tx.insert(table, {"id": "counter", "k": 0}, partition="2026")
        proc = subprocess.Popen([sys.executable, str(WORKER), "pairs", str(root)],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        first = proc.stdout.readline()  # it has committed at least once
        time.sleep(random.uniform(0, 0.2))
        proc.send_signal(signal.SIGKILL)
        rest = proc.stdout.read()
        proc.wait()
        done = max(int(line) for line in (first + rest).splitlines(keepends=True)
                   if line.endswith("\n"))
        mid_commit = (root / store_journal).exists()
        s = Store.open(root)
        ks = [(s.get(table, "counter", partition="2026") or {})["k"] for table in PAIR]
        assert ks[0] == ks[1] and ks[0] in (done, done + 1), f"trial {n}: {ks}, done {done}"
        shutil.rmtree(root.parent)
        return ks[0], mid_commit

    with declared():  # the counters' tables, in this test process too
        results = parallel(trial)
    print(f"{sum(mid for _, mid in results)} of {len(results)} kills landed after a commit "
          "point, before its files were all in place")
    assert max(k for k, _ in results) > 1
