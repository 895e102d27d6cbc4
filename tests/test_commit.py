"""Commits that change several files land whole or not at all, and say which truthfully.

Faults are injected at each step of a two-file commit (a temp file, the journal, a rename
after the commit point) and of the daily backup taken before it; real kills are in
tests/test_faults.py and a real full disk in tests/test_full_disk.py.
"""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from scratch_tables import OTHER, SCRATCH, declared

from coprod_cli import clock, files
from coprod_cli.errors import StoreCorruptError, StoreError
from coprod_cli.store import database as store_mod
from coprod_cli.store import journal
from coprod_cli.store.database import Store

FULL = OSError(errno.ENOSPC, "No space left on device")


@pytest.fixture(autouse=True)
def scratch_tables() -> Iterator[None]:
    """The store's mechanics, not records' shapes: tables declared with only an id."""
    with declared():
        yield


def on_disk(root: Path) -> dict[str, bytes]:
    """Every file under the store folder, hidden ones included (leftovers are changes too)."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def two_file_change(s: Store) -> None:
    with s.transaction() as tx:
        tx.insert(SCRATCH, {"id": "p2", "name": "Bo"})
        tx.insert(OTHER, {"id": "a2", "person": "p2"}, partition="2026")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "store"
    s = Store.open(root)
    with s.transaction() as tx:
        tx.insert(SCRATCH, {"id": "p1", "name": "Ana"})
        tx.insert(OTHER, {"id": "a1", "person": "p1"}, partition="2026")
    return root


def fail_on(monkeypatch: pytest.MonkeyPatch, function: str, when: str) -> Callable[[], None]:
    """Make ``files.<function>`` fail with a full disk for a path whose name contains
    ``when``; other calls go through. Returns what frees the disk again (not
    ``monkeypatch.undo``, which would also undo the test's own COPROD_HOME)."""
    real = getattr(files, function)

    def failing(path: Path, *args: object, **kwargs: object) -> object:
        if when in str(path):
            raise FULL
        return real(path, *args, **kwargs)

    monkeypatch.setattr(files, function, failing)
    return lambda: monkeypatch.setattr(files, function, real)


@pytest.mark.parametrize("when", [f"/{SCRATCH}/", f"/{OTHER}/", journal.JOURNAL])
def test_a_failure_before_the_commit_point_saves_nothing_and_says_so(
        root: Path, monkeypatch: pytest.MonkeyPatch, when: str) -> None:
    s = Store.open(root)
    before = on_disk(root)
    free_again = fail_on(monkeypatch, "write_temp", when)
    with pytest.raises(StoreError) as caught:
        two_file_change(s)
    assert caught.value.message.endswith("(No space left on device), so nothing was saved.")
    assert on_disk(root) == before  # no temp file, no journal, no record
    free_again()
    two_file_change(s)  # the retry lands once, both files
    assert {p["id"] for p in s.all(SCRATCH)} == {"p1", "p2"}
    assert {a["id"] for a in s.all(OTHER)} == {"a1", "a2"}


def test_a_failure_after_the_commit_point_is_not_reported_and_is_finished(
        root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Once the journal is in place the change is decided: a rename that then fails (here
    the second one) is not an error for the command, and the next read completes it."""
    s = Store.open(root)
    real_replace, renames = os.replace, []

    def second_rename_fails(src: str | Path, dst: str | Path) -> None:
        if (Path(root) / journal.JOURNAL).exists() and Path(dst).name != journal.JOURNAL:
            renames.append(dst)
            if len(renames) == 2:
                raise OSError(errno.EIO, "Input/output error")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", second_rename_fails)
    two_file_change(s)  # no exception: what did land is not reported as failed
    monkeypatch.setattr(os, "replace", real_replace)
    assert journal.commit_pending(root)
    people = json.loads((root / SCRATCH / "all.json").read_bytes())["records"]
    attendance = json.loads((root / OTHER / "2026.json").read_bytes())["records"]
    assert len(people) + len(attendance) == 3  # on disk: one file renamed, one not yet
    assert {a["id"] for a in s.all(OTHER)} == {"a1", "a2"}  # the read finished it
    assert {p["id"] for p in s.all(SCRATCH)} == {"p1", "p2"}
    assert not journal.commit_pending(root)
    assert not [p for p in root.rglob(".*") if p.is_file()]


def test_a_one_file_commit_costs_what_it_did_no_journal(root: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    s = Store.open(root)
    s.insert(SCRATCH, {"id": "p2", "name": "Bo"})  # takes the day's backup
    syncs: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (syncs.append(fd), real_fsync(fd))[1])
    monkeypatch.setattr(journal, "commit_files", lambda *a, **k: pytest.fail("journal used"))
    s.insert(SCRATCH, {"id": "p3", "name": "Cy"})
    assert len(syncs) == 2  # the new file, then its folder: as before journals existed
    assert s.get(SCRATCH, "p3") == {"id": "p3", "name": "Cy"}


def test_a_damaged_journal_stops_the_store_and_is_left_alone(root: Path) -> None:
    note = root / journal.JOURNAL
    note.write_bytes(b'{"replace": [["../../etc/x.tmp", "scratch/all.json"]]}')
    before = on_disk(root)
    with pytest.raises(StoreCorruptError, match="unfinished change"):
        Store.open(root)
    assert on_disk(root) == before


def test_the_memory_backend_lands_both_files_or_neither() -> None:
    s = Store.memory()
    two_file_change(s)
    with pytest.raises(StoreError), s.transaction() as tx:
        tx.insert(SCRATCH, {"id": "p9", "name": "Dee"})
        tx.insert(OTHER, {"id": "a2", "person": "p9"}, partition="2026")  # duplicate
    assert {p["id"] for p in s.all(SCRATCH)} == {"p2"}


# --- the daily backup before the first write of a day --------------------------------------

def test_a_daily_backup_that_fails_saves_nothing_and_leaves_no_half_backup(
        root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_mod, "_today", lambda: "2026-03-01")
    s = Store.open(root)
    before = on_disk(root)
    free_again = fail_on(monkeypatch, "atomic_write_bytes", f"/{OTHER}/")  # backup's 2nd file
    real_link = os.link

    def link(src: Path, dest: Path) -> None:  # the link fails, then the copy tried instead
        if f"/{OTHER}/" in str(dest):
            raise FULL
        real_link(src, dest)

    monkeypatch.setattr("coprod_cli.store.backends.os.link", link)
    with pytest.raises(StoreError, match="Could not back up .* so nothing was saved"):
        two_file_change(s)
    assert on_disk(root) == before
    assert list((root.parent / "backups").iterdir()) == []  # no .partial-* copy kept
    free_again()
    two_file_change(s)  # with space again: the backup holds the records before the change
    backup = root.parent / "backups" / "2026-03-01"
    assert on_disk(backup) == before
    assert {p["id"] for p in s.all(SCRATCH)} == {"p1", "p2"}


def test_the_cli_says_nothing_was_saved_and_nothing_was(cli, coprod_home: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """'people add' writes the person and the audit trail entry: a full disk at the second
    used to leave the person saved behind an error, so a retry made a duplicate."""
    cli("people", "add", "Ana")
    root = coprod_home / "store"
    before = on_disk(root)
    free_again = fail_on(monkeypatch, "write_temp", f"store{os.sep}audit")  # not the backup
    result = cli("people", "add", "Bo", code=1)
    assert result.text.startswith("Error: Could not save ") and \
        "so nothing was saved." in result.text
    assert on_disk(root) == before
    free_again()
    cli("people", "add", "Bo")
    names = [p["name"] for p in json.loads(cli("people", "list", "--format", "json").output)]
    assert sorted(names) == ["Ana", "Bo"]


# --- pruning old backups -------------------------------------------------------------------

def test_old_backups_are_pruned_when_a_daily_backup_is_made_not_on_opening(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    backups = tmp_path / "backups"
    for name in ("2026-01-01", "2026-02-20", "2026-01-05-before-merge"):
        (backups / name).mkdir(parents=True)
    monkeypatch.setattr(store_mod, "_today", lambda: "2026-03-01")
    s = Store.open(tmp_path / "store", backup_keep_days=30)
    s.insert(SCRATCH, {"name": "Ana"})  # nothing to back up yet: nothing pruned
    Store.open(tmp_path / "store", backup_keep_days=30).all(SCRATCH)
    assert len(list(backups.iterdir())) == 3
    s.insert(SCRATCH, {"name": "Bo"})  # the day's backup is made: older than 30 days go
    assert sorted(p.name for p in backups.iterdir()) == ["2026-02-20", "2026-03-01"]
    s.insert(SCRATCH, {"name": "Cy"})  # same day: no new backup, nothing more to do
    keep_all = Store.open(tmp_path / "store")  # no keep_days: a library user keeps all
    (backups / "2020-01-01").mkdir()
    monkeypatch.setattr(store_mod, "_today", lambda: "2026-06-01")
    keep_all.insert(SCRATCH, {"name": "Dee"})
    assert sorted(p.name for p in backups.iterdir()) == [
        "2020-01-01", "2026-02-20", "2026-03-01", "2026-06-01"]


def test_the_cli_prunes_with_the_users_keep_days(cli, coprod_home: Path) -> None:
    coprod_home.mkdir(parents=True, exist_ok=True)
    (coprod_home / "config.yaml").write_text("backup_keep_days: 2\n", encoding="utf-8")
    cli("people", "add", "Ana")
    today = clock.today()
    recent, old = (today - timedelta(days=n) for n in (1, 3))
    for day in (recent, old):
        (coprod_home / "backups" / day.isoformat()).mkdir(parents=True)
    cli("people", "list")
    assert (coprod_home / "backups" / old.isoformat()).exists()  # opening prunes nothing
    cli("people", "add", "Bo")
    assert sorted(p.name for p in (coprod_home / "backups").iterdir()) == [
        recent.isoformat(), today.isoformat()]
