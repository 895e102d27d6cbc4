"""Daily backups by hard links: one link per file, yet a later write never reaches them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from coprod_cli.store import database as store_mod
from coprod_cli.store.database import Store
from tests.sample_records import build_org, report


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*.json"))}


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    monkeypatch.setattr(store_mod, "_today", lambda: "2026-03-01")
    store = Store.open(tmp_path / "home" / "store")
    build_org(store)
    return store


def test_a_daily_backup_is_links_that_later_writes_do_not_change(
        store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "home" / "store"
    before = _files(root)
    figures = report(store)
    monkeypatch.setattr(store_mod, "_today", lambda: "2026-03-02")
    people = root / "people" / "all.json"
    inode = os.stat(people).st_ino
    store.insert("people", {"id": "p-new", "name": "Eve", "role": "carer",
                            "service": "Beech House", "consent": None, "prefers": [],
                            "created_at": "2026-03-02T10:00:00+00:00",
                            "updated_at": "2026-03-02T10:00:00+00:00"})
    backup = tmp_path / "home" / "backups" / "2026-03-02"
    assert os.stat(backup / "people" / "all.json").st_ino == inode  # a link, not a copy
    assert os.stat(people).st_ino != inode  # the write replaced the file, so ...
    assert _files(backup) == before  # ... the backup still holds the bytes of before
    for path in backup.rglob("*"):
        assert os.stat(path).st_mode & 0o777 == (0o700 if path.is_dir() else 0o600), path
    assert os.stat(backup).st_mode & 0o777 == 0o700
    # more writes of every kind (one file, several files with the journal, a bulk change)
    everyone = {p["name"]: p for p in store.all("people")}
    store.update("people", everyone["Bo"]["id"], {"name": "Bob"})
    with store.transaction() as tx:  # two files: the journal's path
        tx.update("people", everyone["Dee"]["id"], {"name": "Deb"})
        tx.insert("grant_funds", {"id": "f-1", "date": "2026-03-02", "year": 2026,
                                  "pence": 500, "source": "Stall",
                                  "by": {"name": "Sam", "person_id": everyone["Sam"]["id"]},
                                  "entered_at": "2026-03-02T10:00:00+00:00"})
    with store.bulk_change("test") as staged:
        staged.update("people", everyone["Ceri"]["id"], {"name": "Cerys"})
    assert _files(backup) == before
    # the backup opens as records, and holds exactly the report of before
    assert report(Store.open(backup, migrate=False)) == figures


def test_a_backup_across_disks_is_copied(store: Store, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    def no_link(src: Path, dest: Path) -> None:
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr("coprod_cli.store.backends.os.link", no_link)
    root = tmp_path / "home" / "store"
    before = _files(root)
    made = store.backend.backup("by-copy")
    assert made is not None and _files(made) == before
    assert os.stat(made / "people" / "all.json").st_ino != \
        os.stat(root / "people" / "all.json").st_ino
