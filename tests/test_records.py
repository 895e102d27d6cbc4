"""Backups, restore, export and merge: round trips, idempotence, conflicts, hostile bundles."""

from __future__ import annotations

import json
import zipfile
from datetime import date
from pathlib import Path

import pytest

from coprod_cli.errors import ValidationError
from coprod_cli.people import register as people
from coprod_cli.store import backups as records
from coprod_cli.store.bundles import read_bundle
from coprod_cli.store.database import Store, recover_swap


def service_store(root: Path, names: list[str]) -> Store:
    store = Store.open(root / "store")
    for name in names:
        people.add_person(store, name, "person-using-services")
    return store


def test_backup_and_restore_round_trip(tmp_path: Path) -> None:
    store = service_store(tmp_path / "a", ["Ana", "Bo"])
    records.backup(store, tmp_path / "b.zip", service="Beech", organisation="Org")
    people.add_person(store, "Cy", "carer")
    bundle = read_bundle(tmp_path / "b.zip")
    assert records.restore_plan(store, bundle) == [("people", 3, 2)]
    records.restore(store, bundle)
    assert sorted(p["name"] for p in store.all("people")) == ["Ana", "Bo"]
    backups = [p.name for p in (tmp_path / "a" / "backups").iterdir()]
    assert any(name.endswith("-before-restore") for name in backups)
    before = next(p for p in (tmp_path / "a" / "backups").iterdir()
                  if p.name.endswith("before-restore"))
    assert len(json.loads((before / "people" / "all.json").read_text())["records"]) == 3


def test_restore_refuses_an_export(tmp_path: Path) -> None:
    store = service_store(tmp_path / "a", ["Ana"])
    records.export(store, tmp_path / "e.zip", service="Beech", organisation="")
    with pytest.raises(ValidationError, match="service export, not a backup"):
        records.restore(store, read_bundle(tmp_path / "e.zip"))


def test_merge_two_services_then_again_changes_nothing(tmp_path: Path) -> None:
    a = service_store(tmp_path / "a", ["Ana", "Bo"])
    b = service_store(tmp_path / "b", ["Ana", "Cy", "Dee"])  # another Ana: another person
    records.export(a, tmp_path / "a.zip", service="Beech", organisation="Org")
    records.export(b, tmp_path / "b.zip", service="Oak", organisation="Org")
    org = Store.open(tmp_path / "org" / "store")
    result = records.merge(org, [tmp_path / "a.zip", tmp_path / "b.zip"])
    assert result.added["people"] == 5 and not result.conflicts
    merged = org.all("people")
    assert sorted(p["origin"]["service"] for p in merged) == ["Beech", "Beech", "Oak", "Oak",
                                                              "Oak"]
    snapshot = org.snapshot()
    folder = tmp_path / "org" / "backups"
    backups = sorted(p.name for p in folder.iterdir()) if folder.exists() else []
    again = records.merge(org, [tmp_path / "a.zip", tmp_path / "b.zip"])
    assert not again.changed and again.unchanged == 5 and not again.conflicts
    assert org.snapshot() == snapshot
    assert (sorted(p.name for p in folder.iterdir()) if folder.exists() else []) == backups


def test_one_merge_compares_a_later_bundle_with_an_earlier_ones_records(
        tmp_path: Path) -> None:
    """Within one merge, a bundle that repeats another's records (one of them edited since)
    adds only what is new: the same records are counted unchanged, the edited one is a
    conflict, and the first bundle's version is the one kept."""
    a = service_store(tmp_path / "a", ["Ana", "Bo"])
    records.export(a, tmp_path / "v1.zip", service="Beech", organisation="")
    ana = next(p for p in a.all("people") if p["name"] == "Ana")
    people.edit_person(a, ana["id"], name="Ana B")
    people.add_person(a, "Cy", "carer")
    records.export(a, tmp_path / "v2.zip", service="Beech", organisation="")
    org = Store.open(tmp_path / "org" / "store")
    result = records.merge(org, [tmp_path / "v1.zip", tmp_path / "v2.zip"])
    assert result.added["people"] == 3 and result.unchanged == 1
    assert result.conflicts == [("people", ana["id"])]
    assert sorted(p["name"] for p in org.all("people")) == ["Ana", "Bo", "Cy"]


def test_merge_reports_conflicts_and_never_overwrites(tmp_path: Path) -> None:
    a = service_store(tmp_path / "a", ["Ana"])
    records.export(a, tmp_path / "v1.zip", service="Beech", organisation="")
    org = Store.open(tmp_path / "org" / "store")
    records.merge(org, [tmp_path / "v1.zip"])
    person = a.all("people")[0]
    people.edit_person(a, person["id"], name="Ana B")
    records.export(a, tmp_path / "v2.zip", service="Beech", organisation="")
    result = records.merge(org, [tmp_path / "v2.zip"])
    assert result.conflicts == [("people", person["id"])]
    assert org.all("people")[0]["name"] == "Ana"


def tamper(src: Path, dest: Path, *, replace: dict[str, bytes] | None = None,
           add: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w") as zout:
        for info in zin.infolist():
            data = (replace or {}).get(info.filename, zin.read(info))
            zout.writestr(info.filename, data)
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return dest


@pytest.mark.parametrize(("how", "message"), [
    ("changed", "does not match its checksum"),
    ("escape", "unexpected file"),
    ("extra", "is not in its manifest"),
    ("manifest", "is not a coprod records manifest"),
    ("future", "newer coprod"),
])
def test_hostile_bundles_are_refused(tmp_path: Path, how: str, message: str) -> None:
    store = service_store(tmp_path / "a", ["Ana"])
    good = tmp_path / "good.zip"
    records.export(store, good, service="Beech", organisation="")
    manifest = json.loads(zipfile.ZipFile(good).read("manifest.json"))
    bad = tmp_path / "bad.zip"
    if how == "changed":
        tamper(good, bad, replace={"records/people/all.json": b'{"records": {}}'})
    elif how == "escape":
        tamper(good, bad, add={"records/../../evil.json": b"{}"})
    elif how == "extra":
        tamper(good, bad, add={"records/people/2020.json": b'{"records": {}}'})
    elif how == "manifest":
        tamper(good, bad, replace={"manifest.json": b'{"format": "zip-bomb"}'})
    else:
        manifest["schema_version"] = 99
        tamper(good, bad, replace={"manifest.json": json.dumps(manifest).encode()})
    with pytest.raises(ValidationError, match=message):
        read_bundle(bad)


def test_not_a_zip_and_missing_file(tmp_path: Path) -> None:
    (tmp_path / "x.zip").write_bytes(b"hello")
    with pytest.raises(ValidationError, match="not a zip file"):
        read_bundle(tmp_path / "x.zip")
    with pytest.raises(ValidationError, match="There is no file"):
        read_bundle(tmp_path / "nope.zip")


def test_failed_bulk_change_leaves_everything(tmp_path: Path) -> None:
    store = service_store(tmp_path / "a", ["Ana"])
    before = store.snapshot()
    with pytest.raises(RuntimeError), store.bulk_change("test") as staged:
        people.add_person(staged, "Bo", "carer")
        raise RuntimeError("boom")
    assert store.snapshot() == before
    assert not (tmp_path / "a" / "store.incoming").exists()


@pytest.mark.parametrize("crash_point", ["before-marker", "after-marker", "after-first-rename",
                                         "after-second-rename"])
def test_swap_recovers_from_a_crash_at_any_point(tmp_path: Path, crash_point: str) -> None:
    root = tmp_path / "store"
    old = service_store(tmp_path, ["Old"])
    staged = old.backend.stage()  # type: ignore[attr-defined]
    new = Store.open(staged)
    people.add_person(new, "New", "carer")
    incoming, previous = staged, tmp_path / "store.previous"
    if crash_point != "before-marker":
        (incoming / ".complete").write_text("complete")
    if crash_point in ("after-first-rename", "after-second-rename"):
        root.rename(previous)
    if crash_point == "after-second-rename":
        incoming.rename(root)
    recover_swap(root)
    names = sorted(p["name"] for p in Store.open(root).all("people"))
    assert names == (["Old"] if crash_point == "before-marker" else ["New", "Old"])
    assert not incoming.exists() and not previous.exists()


def test_prune_backups_keeps_recent_and_the_newest(tmp_path: Path) -> None:
    for name in ("2026-01-01", "2026-10-01", "2026-11-20-before-merge", "notes"):
        (tmp_path / name).mkdir()
    removed = records.prune_backups(tmp_path, 30, today=date(2026, 11, 23))
    assert [p.name for p in removed] == ["2026-01-01", "2026-10-01"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2026-11-20-before-merge", "notes"]
    only_old = tmp_path / "old"
    (only_old / "2020-01-01").mkdir(parents=True)
    assert records.prune_backups(only_old, 30, today=date(2026, 11, 23)) == []


def test_cli_backup_restore_merge_and_log(cli, tmp_path: Path, coprod_home: Path) -> None:
    cli("people", "add", "Ana Jones")
    out = tmp_path / "backup.zip"
    assert "Saved a backup of 1 records" in cli("data", "backup", "--out", str(out)).text
    cli("people", "add", "Bo")
    refused = cli("data", "restore", str(out), code=2)
    assert "people: 2 now, 1 after" in refused.text and "Pass --yes" in refused.text
    assert "Nothing was changed." in cli("data", "restore", str(out), input="n\n",
                                         code=1).text
    cli("data", "restore", str(out), "--yes")
    assert [p["name"] for p in json.loads(cli("people", "list", "--format",
                                              "json").output)] == ["Ana Jones"]
    export = tmp_path / "export.zip"
    cli("data", "export", "--out", str(export))
    assert "Nothing new: all 1 records were already here." in \
        cli("data", "merge", str(export)).text
    log = cli("data", "log").text
    assert "coprod people add: insert people (1)" in log
    assert "Ana" not in log and "Ana" not in cli("data", "log", "--format", "json").output
    bad = tmp_path / "bad.zip"
    bad.write_text("not a zip")
    result = cli("data", "merge", str(bad), code=1)
    assert result.text.startswith("Error: ") and "not a zip file" in result.text


def test_old_daily_backups_are_pruned_when_a_new_daily_backup_is_made(cli,
                                                                     coprod_home: Path) -> None:
    cli("people", "add", "Ana")  # no records before it, so no backup yet
    old = coprod_home / "backups" / "2001-01-01"
    old.mkdir(parents=True)
    (coprod_home / "backups" / "2999-01-01").mkdir()  # the newest is always kept
    cli("people", "list")
    assert old.exists()  # opening the records is not a reason to delete anything
    cli("people", "add", "Bo")  # the day's first backup is made, and old ones pruned
    assert not old.exists() and (coprod_home / "backups" / "2999-01-01").exists()
