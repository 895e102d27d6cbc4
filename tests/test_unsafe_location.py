"""Issue 13, item 9: a records folder in a synced folder or on a network mount is warned
about, once at init and in data check, with the reason and what to do."""

from __future__ import annotations

from pathlib import Path

import pytest

from coprod_cli import config

INIT = ["init", "--organisation", "Hestia", "--service", "Beech House", "--grant-cap", "150",
        "--small-numbers", "5", "--style", "standard"]


@pytest.mark.parametrize(("folder", "tool"), [
    ("OneDrive - Hestia Care", "OneDrive"), ("Dropbox", "Dropbox"),
    ("Google Drive", "Google Drive"), ("SharePoint", "SharePoint")])
def test_a_synced_folder_is_warned_about_at_init_and_in_data_check(
        cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, folder: str, tool: str) -> None:  # noqa: ANN001
    home = tmp_path / folder / "coprod"
    monkeypatch.setenv("COPROD_HOME", str(home))
    text = " ".join(cli(*INIT).output.split())
    assert f"Warning: The records folder {home} is inside a {tool}-synced folder." in text
    assert text.count("Warning:") == 1
    assert "records can be lost or damaged" in text and "'coprod data export'" in text
    checked = " ".join(cli("data", "check").output.split())
    assert f"inside a {tool}-synced folder" in checked
    assert "All 0 records are in order." in checked


def test_a_network_mount_is_warned_about(cli, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    home = tmp_path / "share" / "coprod"
    mounts = tmp_path / "mounts"
    mounts.write_text(f"/dev/sda1 / ext4 rw 0 0\nfiler:/export {tmp_path / 'share'} nfs4 rw 0 0\n")
    monkeypatch.setattr(config, "MOUNTS_FILE", mounts)
    monkeypatch.setenv("COPROD_HOME", str(home))
    text = " ".join(cli(*INIT).output.split())
    assert "is on a network mount (nfs4)" in text and "Keep the records folder on this " \
        "computer's own disk" in text


def test_a_local_folder_gets_no_warning(cli, coprod_home: Path, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    mounts = tmp_path / "mounts"
    mounts.write_text("/dev/sda1 / ext4 rw 0 0\n")
    monkeypatch.setattr(config, "MOUNTS_FILE", mounts)
    assert "Warning" not in cli(*INIT).output
    assert "Warning" not in cli("data", "check").output
