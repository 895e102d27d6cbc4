"""``data merge`` and ``data restore`` refuse a bundle holding a record that breaks its table:
whole, naming the file, the record and the field, with the store left byte for byte."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from coprod_cli import config
from coprod_cli.people import register as people
from coprod_cli.store import backups as records
from coprod_cli.store import database
from coprod_cli.store.database import Store


def make_bundle(folder: Path, kind: str) -> tuple[Path, str]:
    """A real export or backup of a small service; returns it and one person's id."""
    store = Store.open(folder / "store")
    ana = people.add_person(store, "Ana", "volunteer", service="Beech")
    people.add_person(store, "Bo", "carer", service="Beech")
    out = folder / f"{kind}.zip"
    (records.backup if kind == "backup" else records.export)(
        store, out, service="Beech", organisation="Org")
    return out, ana["id"]


def doctor(bundle: Path, out: Path, member: str,
           change: Callable[[dict[str, dict[str, Any]]], None],
           manifest_change: Callable[[dict[str, Any]], None] | None = None) -> Path:
    """The bundle with one file's records changed and its checksum made to match, as a
    careless tool or a deliberate one would leave it: only the records tell."""
    with zipfile.ZipFile(bundle) as zin:
        contents = {info.filename: zin.read(info) for info in zin.infolist()}
    data = json.loads(contents[member])
    change(data["records"])
    contents[member] = json.dumps(data).encode()
    manifest = json.loads(contents["manifest.json"])
    name = member.removeprefix("records/")
    manifest["files"][name] = {"sha256": hashlib.sha256(contents[member]).hexdigest(),
                               "records": len(data["records"])}
    if manifest_change:
        manifest_change(manifest)
    contents["manifest.json"] = json.dumps(reseal(manifest)).encode()
    with zipfile.ZipFile(out, "w") as zout:
        for filename, raw in contents.items():
            zout.writestr(filename, raw)
    return out


def reseal(manifest: dict[str, Any]) -> dict[str, Any]:
    """A deliberate tool recomputes the manifest's own checksum too (see test_manifest_*)."""
    from coprod_cli.store.bundles import manifest_checksum

    return {**manifest, "manifest_sha256": manifest_checksum(manifest)}


def home_files(home: Path) -> dict[str, bytes]:
    """Every file of the records and the backups: what a refusal must leave alone."""
    return {str(p.relative_to(home)): p.read_bytes() for p in sorted(home.rglob("*"))
            if p.is_file() and "lock" not in p.name}


def person_with(pid: str, change: dict[str, Any]) -> Callable[[dict[str, dict]], None]:
    def apply(rows: dict[str, dict]) -> None:
        record = next(r for r in rows.values() if r["id"] == pid)
        for key, value in change.items():
            if value is KeyError:
                del record[key]
            else:
                record[key] = value
    return apply


BROKEN = [
    ({"name": KeyError}, "has no 'name'"),
    ({"name": {"first": "Ana"}}, "'name' should be text, not {\"first\": \"Ana\"}"),
    ({"role": "admin<script>"}, "'role' is 'admin<script>', which is not one of: staff, "
                                "volunteer, person-using-services, carer, other"),
]


@pytest.fixture
def home(cli, coprod_home: Path) -> Path:
    """A service's own records, with someone already on the register."""
    cli("people", "add", "Cy", "--role", "staff")
    return coprod_home


@pytest.mark.parametrize(("change", "problem"), BROKEN)
def test_merge_refuses_a_broken_record_and_changes_nothing(cli, home: Path, tmp_path: Path,
                                                           change: dict, problem: str) -> None:
    good, ana = make_bundle(tmp_path / "beech", "export")
    bad = doctor(good, tmp_path / "bad.zip", "records/people/all.json", person_with(ana, change))
    before = home_files(home)
    result = cli("data", "merge", str(bad), code=1)
    assert result.text.startswith(
        f"Error: {bad} was refused, so nothing was changed: in records/people/all.json, the "
        f"people record {ana} is not valid ({problem}).")
    assert "Hint: Correct the record where the file was made" in result.text
    assert home_files(home) == before
    assert [p["name"] for p in json.loads(cli("people", "list", "--format", "json").text)] \
        == ["Cy"]


@pytest.mark.parametrize(("change", "problem"), BROKEN)
def test_restore_refuses_a_broken_record_and_changes_nothing(cli, home: Path, tmp_path: Path,
                                                             change: dict, problem: str
                                                             ) -> None:
    good, ana = make_bundle(tmp_path / "beech", "backup")
    bad = doctor(good, tmp_path / "bad.zip", "records/people/all.json", person_with(ana, change))
    before = home_files(home)
    result = cli("data", "restore", str(bad), "--yes", code=1)
    assert result.text.startswith(
        f"Error: {bad} was refused, so nothing was changed: in records/people/all.json, the "
        f"people record {ana} is not valid ({problem}).")
    assert home_files(home) == before


def test_every_broken_record_is_listed_not_only_the_first(cli, home: Path,
                                                          tmp_path: Path) -> None:
    good, _ = make_bundle(tmp_path / "beech", "export")

    def break_both(rows: dict[str, dict]) -> None:
        for record in rows.values():
            record["role"] = "boss"

    bad = doctor(good, tmp_path / "bad.zip", "records/people/all.json", break_both)
    result = cli("data", "merge", str(bad), code=1)
    listed = [line for line in result.text.splitlines()
              if line.strip().startswith(f"{bad}: records/people/all.json: people record ")]
    assert len(listed) == 2 and all("'role' is 'boss'" in line for line in listed)


def test_a_valid_bundle_still_merges_and_restores(cli, home: Path, tmp_path: Path) -> None:
    export, _ = make_bundle(tmp_path / "beech", "export")
    assert "added 2 people" in cli("data", "merge", str(export)).text
    backup, _ = make_bundle(tmp_path / "oak", "backup")
    cli("data", "restore", str(backup), "--yes")
    assert sorted(p["name"] for p in json.loads(cli("people", "list", "--format",
                                                    "json").text)) == ["Ana", "Bo"]


def test_a_table_this_coprod_does_not_have_is_refused(cli, home: Path,
                                                      tmp_path: Path) -> None:
    good, _ = make_bundle(tmp_path / "beech", "export")
    with zipfile.ZipFile(good) as zin:
        contents = {i.filename: zin.read(i) for i in zin.infolist()}
    raw = b'{"records": {"1": {"id": "x1"}}}'
    contents["records/visits/all.json"] = raw
    manifest = json.loads(contents["manifest.json"])
    manifest["files"]["visits/all.json"] = {"sha256": hashlib.sha256(raw).hexdigest(),
                                            "records": 1}
    contents["manifest.json"] = json.dumps(reseal(manifest)).encode()
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as zout:
        for name, data in contents.items():
            zout.writestr(name, data)
    before = home_files(home)
    result = cli("data", "merge", str(bad), code=1)
    assert "it holds records of a table this coprod does not have (visits)" in result.text
    assert home_files(home) == before


@pytest.mark.parametrize("command", ["merge", "restore"])
def test_a_newer_schema_is_refused(cli, home: Path, tmp_path: Path, command: str) -> None:
    good, _ = make_bundle(tmp_path / "beech", "backup" if command == "restore" else "export")
    bad = doctor(good, tmp_path / "bad.zip", "records/people/all.json", lambda rows: None,
                 lambda manifest: manifest.update(schema_version=99))
    before = home_files(home)
    args = ["data", command, str(bad), *(["--yes"] if command == "restore" else [])]
    result = cli(*args, code=1)
    assert "it was made by a newer coprod (schema 99; this one knows up to 1); upgrade " \
           "coprod first" in result.text
    assert home_files(home) == before


@pytest.mark.parametrize("command", ["merge", "restore"])
def test_an_older_schema_needs_its_migration(cli, tmp_path: Path, coprod_home: Path,
                                             monkeypatch: pytest.MonkeyPatch,
                                             command: str) -> None:
    old, _ = make_bundle(tmp_path / "beech", "backup" if command == "restore" else "export")
    monkeypatch.setattr(database, "SCHEMA_VERSION", 2)  # this coprod is a version newer
    monkeypatch.setattr(database, "MIGRATIONS", {})
    config.ensure_home(coprod_home)
    Store.open(config.store_dir(coprod_home))  # a store of schema 2
    before = home_files(coprod_home)
    args = ["data", command, str(old), *(["--yes"] if command == "restore" else [])]
    result = cli(*args, code=1)
    assert "it was made by an older coprod (schema 1) and this one cannot bring its records " \
           "up to schema 2" in result.text
    assert home_files(coprod_home) == before
    monkeypatch.setattr(database, "MIGRATIONS", {2: lambda tx: None})  # now there is a way
    cli(*args)
    assert len(json.loads(cli("people", "list", "--format", "json").text)) == 2
