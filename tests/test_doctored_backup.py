"""Issue 13, item 3: a doctored backup cannot brick the store, the manifest carries its own
checksum, and ``data restore`` always gets back to a good state. Each bundle is built here."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from coprod_cli import config


def _home_files(home: Path) -> dict[str, bytes]:
    return {str(p.relative_to(home)): p.read_bytes() for p in sorted(home.rglob("*"))
            if p.is_file() and not p.name.endswith((".lock", ".lock.owner"))}


def _rezip(source: Path, out: Path, edit, *, reseal: bool) -> Path:  # noqa: ANN001
    from coprod_cli.store.bundles import manifest_checksum

    with zipfile.ZipFile(source) as zin:
        contents = {i.filename: zin.read(i) for i in zin.infolist()}
    manifest = json.loads(contents["manifest.json"])
    edit(manifest)
    if reseal:  # a deliberate tool recomputes the checksum too: the version check holds
        manifest["manifest_sha256"] = manifest_checksum(manifest)
    contents["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(out, "w") as zout:
        for name, data in contents.items():
            zout.writestr(name, data)
    return out


@pytest.fixture
def good(cli, coprod_home: Path, tmp_path: Path) -> Path:  # noqa: ANN001
    cli("init", "--organisation", "Hestia", "--service", "Beech House", "--grant-cap", "150",
        "--small-numbers", "5", "--style", "standard")
    cli("people", "add", "Ana", "--role", "volunteer")
    out = tmp_path / "good.zip"
    cli("data", "backup", "--out", str(out))
    return out


@pytest.mark.parametrize("version", [0, -1, "1", None, 1.0, True])
@pytest.mark.parametrize("reseal", [True, False])
def test_a_backup_claiming_schema_version_0_is_refused_and_nothing_changes(
        cli, coprod_home: Path, tmp_path: Path, good: Path, version: object,
        reseal: bool) -> None:  # noqa: ANN001
    bad = _rezip(good, tmp_path / "bad.zip", lambda m: m.update(schema_version=version),
                 reseal=reseal)
    before = _home_files(coprod_home)
    result = cli("data", "restore", str(bad), "--yes", code=1)
    assert "Restored." not in result.text
    assert "is not a bundle coprod can use" in result.text
    assert _home_files(coprod_home) == before
    assert "Ana" in cli("people", "list").text  # every command still works


def test_a_changed_manifest_fails_its_own_checksum(cli, coprod_home: Path, tmp_path: Path,
                                                   good: Path) -> None:  # noqa: ANN001
    bad = _rezip(good, tmp_path / "bad.zip", lambda m: m.update(kind="export"), reseal=False)
    before = _home_files(coprod_home)
    result = cli("data", "merge", str(bad), code=1)
    assert "its manifest.json does not match its own checksum (damaged or changed)" \
        in result.text
    assert _home_files(coprod_home) == before


def test_data_restore_gets_a_bricked_store_back(cli, coprod_home: Path, good: Path) -> None:  # noqa: ANN001
    meta = config.store_dir(coprod_home) / "meta.json"
    meta.write_text('{"schema_version": 0}')
    broken = cli("people", "list", code=1)
    assert "The store's meta.json has no valid schema_version (0)." in broken.text
    result = cli("data", "restore", str(good), "--yes")
    assert "Restored." in result.text
    assert json.loads(meta.read_text())["schema_version"] >= 1
    assert "Ana" in cli("people", "list").text
