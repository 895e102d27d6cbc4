"""A real full disk: commands that fail must have saved nothing, and say so; those that
succeed must have saved exactly once, so a user who retries never makes a duplicate.

The records live on a 200 KB tmpfs (mounting needs root; the test is skipped otherwise).
The disk is filled by the commands themselves, and space is freed a little at a time by
shrinking a filler file, so each failed command is retried until it lands, as a user would.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from coprod_cli.store.database import AUDIT_TABLE, Store
from coprod_cli.store.journal import JOURNAL

NOTHING_SAVED = ("nothing was saved", "Nothing was changed")


@pytest.fixture
def small_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    if os.geteuid() != 0:
        pytest.skip("mounting a small disk needs root")
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=200k", "tmpfs", str(disk)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        monkeypatch.setenv("COPROD_HOME", str(disk / "home"))
        yield disk
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def snapshot(home: Path) -> dict[str, bytes]:
    """Every file of the records and receipts, hidden ones too (a leftover temp file or
    journal after a failed command would be a change)."""
    return {p.relative_to(home).as_posix(): p.read_bytes()
            for folder in (home / "store", home / "receipts") if folder.is_dir()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def records(home: Path, table: str) -> list[dict]:
    path = home / "store" / table / "all.json"
    return list(json.loads(path.read_bytes())["records"].values()) if path.exists() else []


class Disk:
    """Runs one command at a time and checks the all-or-nothing rule around each."""

    def __init__(self, cli, disk: Path) -> None:  # noqa: ANN001
        self.cli, self.home, self.filler = cli, disk / "home", disk / "filler"
        self.failures = 0

    def fill(self, keep_free: int) -> None:
        """Leave about ``keep_free`` bytes free, so the commands reach the end quickly."""
        stat = os.statvfs(self.filler.parent)
        free = stat.f_bavail * stat.f_frsize
        size = self.filler.stat().st_size if self.filler.exists() else 0
        with open(self.filler, "ab") as handle:
            handle.write(b"f" * max(0, free - keep_free))
        assert self.filler.stat().st_size >= size

    def seed_trail(self, entries: int) -> None:
        """A year's earlier audit trail, so this year's trail file is larger than the file
        the command changes: then the disk can fill between the two, the gap that matters."""
        store = Store.open(self.home / "store")
        with store.transaction() as tx:
            for n in range(entries):
                tx.insert(AUDIT_TABLE, {"at": f"{date.today().year}-01-01T10:00:00+00:00",
                                        "account": "staff", "command": "session run",
                                        "changes": [{"table": "attendance", "action": "insert",
                                                     "id": f"{n:032x}"}] * 3,
                                        "more_changes": 0}, partition=str(date.today().year))

    def free_some(self, n: int = 4096) -> bool:
        size = self.filler.stat().st_size
        os.truncate(self.filler, max(0, size - n))
        return size > 0

    def run_until_saved(self, *args: str) -> str:
        """Run the command; after each failure check nothing changed, free space, retry."""
        for _ in range(60):
            before = snapshot(self.home)
            result = self.cli(*args, code=None)
            if result.exit_code == 0:
                return result.text
            assert result.exit_code == 1, result.text
            assert any(s in result.text for s in NOTHING_SAVED), result.text
            assert "Traceback" not in result.text
            assert snapshot(self.home) == before, f"{args} failed but changed the records"
            assert not list((self.home / "backups").glob(".partial-*"))
            self.failures += 1
            assert self.free_some(), "the filler is used up"
        raise AssertionError(f"{args} never succeeded")


def test_people_add_on_a_full_disk_saves_all_or_nothing(cli, small_disk: Path) -> None:
    disk = Disk(cli, small_disk)
    disk.run_until_saved("people", "add", "Person 000")
    disk.seed_trail(150)
    disk.fill(keep_free=40_000)
    added = ["Person 000"]
    for i in range(1, 400):
        if disk.failures >= 6:
            break
        name = f"Person {i:03d} " + "n" * 60
        disk.run_until_saved("people", "add", name, "--allow-duplicate", "--consent",
                             "attendance and anonymous feedback " + "c" * 80)
        added.append(name)
        names = [p["name"] for p in records(disk.home, "people")]
        assert names == added, f"after adding {name!r}"  # each exactly once, in order
    assert disk.failures >= 6, f"the disk never filled ({len(added)} added)"
    assert not (disk.home / "store" / JOURNAL).exists()
    audit = json.loads((disk.home / "store" / "audit" / f"{date.today().year}.json"
                        ).read_bytes())["records"].values()
    mine = [a for a in audit if a["command"] == "people add"]
    assert len(mine) == len(added)  # one trail entry for each person, none for a failure


def test_grant_spend_on_a_full_disk_saves_all_or_nothing(cli, small_disk: Path) -> None:
    disk = Disk(cli, small_disk)
    start = (date.today() + timedelta(days=30)).isoformat()
    out = disk.run_until_saved(
        "grant", "apply", "--service", "Beech House", "--title", "Memory garden",
        "--activity", "Plant a memory garden with residents.", "--link", "wellbeing",
        "--co-producer", "Ceri:person-using-services", "--planners", "1",
        "--item", "Compost:£150", "--amount", "£150.00", "--people", "12",
        "--benefit", "A calm place to sit.", "--start", start, "--by", "Sam")
    gid = next(word.rstrip(":") for word in out.split() if word.startswith("g-"))
    disk.run_until_saved("grant", "decide", gid, "--approve", "--by", "Pat", "--no-conflict")
    receipt = small_disk.parent / "till.jpg"
    receipt.write_bytes(b"r" * 3000)
    disk.seed_trail(150)
    disk.fill(keep_free=40_000)
    spent = []
    for i in range(400):
        if disk.failures >= 6:
            break
        how = ["--receipt", str(receipt)] if i % 4 == 0 else ["--receipt-ref", f"INV-{i}"]
        disk.run_until_saved("grant", "spend", gid, "0.01", "--item", f"Pen {i} " + "p" * 60,
                             *how, "--by", "Sam")
        spent.append(f"Pen {i} " + "p" * 60)
        [grant] = records(disk.home, "grants")
        assert [line["item"] for line in grant["spending"]] == spent
    assert disk.failures >= 6, f"the disk never filled ({len(spent)} spent)"
    copies = sorted((disk.home / "receipts" / gid).iterdir())
    [grant] = records(disk.home, "grants")
    kept = sorted(line["receipt"]["file"].split("/")[-1] for line in grant["spending"]
                  if line["receipt"]["kind"] == "file")
    assert [p.name for p in copies] == kept  # no receipt copy without its line
