"""Issue 13, items 1 and 2: an erasure leaves no trace anywhere in the home folder, and it
survives restore and merge. Each test builds its records, bundle or backup itself and runs
the commands through the CLI."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

#: A start date the scheme accepts on any day the suite runs (never in the past).
SOON = (date.today() + timedelta(days=14)).isoformat()

NAME = "Zebedee Quixotic"
TRACES = [b"zebedee", b"quixotic"]


def _init(cli, service: str = "Beech House") -> None:  # noqa: ANN001
    cli("init", "--organisation", "Hestia", "--service", service, "--grant-cap", "150",
        "--small-numbers", "5", "--style", "standard")


def _files_naming(home: Path, *, skip: tuple[str, ...] = ()) -> list[str]:
    found = []
    for path in sorted(home.rglob("*")):
        rel = path.relative_to(home).as_posix()
        if path.is_file() and not rel.startswith(skip):
            data = path.read_bytes().lower()
            if any(t in data for t in TRACES) or any(t.decode() in rel.lower()
                                                     for t in TRACES):
                found.append(rel)
    return found


@pytest.fixture
def shared(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Another service's bundle that credits Zebedee by name."""
    other = tmp_path / "other-home"
    monkeypatch.setenv("COPROD_HOME", str(other))
    _init(cli, "Oak Lodge")
    cli("people", "add", NAME, "--role", "volunteer")
    out = tmp_path / "five-ways.zip"
    cli("toolkit", "share", "wellbeing-five-ways", "--out", str(out), "--contributor", NAME,
        "--named", NAME)
    return out


def test_forget_leaves_no_byte_of_the_name_anywhere_under_the_home(
        cli, coprod_home: Path, tmp_path: Path, shared: Path, clock,
        monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("COPROD_HOME", str(coprod_home))
    _init(cli)
    cli("people", "add", NAME, "--role", "person-using-services")
    cli("toolkit", "add", str(shared))
    assert "Zebedee" in cli("toolkit", "list", "--format", "json").output
    gid = re.search(r"g-\d{4}-[0-9a-f]{6,}", cli(
        "grant", "apply", "--service", "Beech House", "--title", "Memory garden",
        "--activity", "Plant a memory garden with residents.", "--link", "wellbeing",
        "--co-producer", f"{NAME}:person-using-services", "--planners", "3", "--item",
        "Compost:12.50", "--amount", "£12.50", "--people", "12", "--benefit", "Calm.",
        "--start", SOON, "--by", "Sam").text).group(0)
    cli("grant", "decide", gid, "--approve", "--by", "Pat", "--no-conflict")
    receipt = tmp_path / f"{NAME} taxi.txt"
    receipt.write_bytes(f"Paid to {NAME}, with thanks. ZEBEDEE\n".encode())
    cli("grant", "spend", gid, "12.50", "--item", "Compost", "--receipt", str(receipt),
        "--by", "Sam")
    before = _files_naming(coprod_home)
    assert any(p.startswith("receipts/") for p in before), before
    assert any(p.startswith("toolkit/") for p in before), before

    result = cli("people", "forget", NAME, "--yes")
    assert f"{NAME} has been forgotten" in result.text
    assert "1 receipt copies and 1 toolkit credits cleared" in result.text
    text = " ".join(result.text.split())
    assert "Backups: they were removed from the " in text and "the one taken just before " \
        "included" in text and "forgets them again automatically" in text
    assert "still hold their name" not in text
    assert any(p.startswith("backups/") for p in before), before
    # every file under the home, backups and lock owner files included: no byte of the name
    assert _files_naming(coprod_home) == []
    owners = list(coprod_home.glob("*.lock.owner"))
    assert {p.name for p in owners} >= {"store.lock.owner", "store.incoming.lock.owner"}
    for owner in owners:  # process id, account and command name: never the arguments
        pid, account, command = owner.read_text(encoding="utf-8").split("\n")
        assert pid.isdigit() and account and "forget" not in command and " " not in command
    assert "Zebedee" not in cli("toolkit", "list", "--format", "json").output
    shown = cli("grant", "show", gid).text
    assert "Zebedee" not in shown and "changed since it was entered" not in shown
    for folder in (coprod_home / "toolkit", coprod_home / "receipts"):
        for path in folder.rglob("*.json"):
            assert path.stat().st_mode & 0o077 == 0, path  # names: owner-only


def _backup_with(cli, home: Path, tmp_path: Path) -> Path:  # noqa: ANN001
    out = tmp_path / "old-backup.zip"
    cli("data", "backup", "--out", str(out))
    return out


def test_restoring_an_old_backup_does_not_bring_a_forgotten_person_back(
        cli, coprod_home: Path, tmp_path: Path) -> None:  # noqa: ANN001
    _init(cli)
    cli("people", "add", NAME, "--role", "volunteer")
    cli("people", "add", "Bo", "--role", "volunteer")
    old = _backup_with(cli, coprod_home, tmp_path)
    cli("people", "forget", NAME, "--yes")
    ledger = json.loads((coprod_home / "erasure-ledger.json").read_text())
    assert len(ledger) == 1 and NAME.encode() not in (coprod_home / "erasure-ledger.json"
                                                      ).read_bytes()
    assert (coprod_home / "erasure.key").stat().st_mode & 0o077 == 0
    result = cli("data", "restore", str(old), "--yes")
    assert "Restored." in result.text
    assert "Erasures re-applied: 1" in result.text
    listed = cli("people", "list").text
    assert "Bo" in listed and "Zebedee" not in listed
    assert _files_naming(coprod_home) == []  # backups included


def test_merging_a_stale_export_does_not_bring_a_forgotten_person_back(
        cli, coprod_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    _init(cli, "Co-production team")
    cli("people", "add", NAME, "--role", "volunteer")
    stale = tmp_path / "stale.zip"
    cli("data", "export", "--out", str(stale))  # the lead's records, exported before
    cli("people", "forget", NAME, "--yes")
    result = cli("data", "merge", str(stale))
    assert "Erasures re-applied: 1" in result.text
    assert "Zebedee" not in cli("people", "list").text
    assert _files_naming(coprod_home) == []  # backups included
    again = cli("data", "merge", str(stale))  # and the same every time
    assert "Zebedee" not in cli("people", "list").text, again.text
