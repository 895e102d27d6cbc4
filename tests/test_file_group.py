"""FileGroup (coprod_cli.files): several files written together land all together, or none."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from coprod_cli.errors import CoprodError
from coprod_cli.files import FileGroup


def test_every_file_lands_when_nothing_fails(tmp_path: Path) -> None:
    (tmp_path / "old.txt").write_text("old")
    with FileGroup() as files:
        files.write_text(tmp_path / "a" / "b" / "new.txt", "new", mode=0o644)
        files.write_bytes(tmp_path / "old.txt", b"replaced")
    assert (tmp_path / "a" / "b" / "new.txt").read_text() == "new"
    assert (tmp_path / "a" / "b" / "new.txt").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "old.txt").read_text() == "replaced"


def test_a_failure_undoes_every_write_and_the_folders_it_made(tmp_path: Path) -> None:
    kept = tmp_path / "kept"
    kept.mkdir()
    (kept / "old.txt").write_text("old")
    os.chmod(kept / "old.txt", 0o640)
    with pytest.raises(RuntimeError, match="boom"), FileGroup() as files:
        files.write_text(kept / "new.txt", "new")
        files.write_text(kept / "old.txt", "changed")
        files.write_text(tmp_path / "made" / "deep" / "x.txt", "x")
        raise RuntimeError("boom")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept"]  # "made" went again
    assert sorted(p.name for p in kept.iterdir()) == ["old.txt"]
    assert (kept / "old.txt").read_text() == "old"
    assert (kept / "old.txt").stat().st_mode & 0o777 == 0o640


def test_a_folder_it_made_that_now_holds_other_files_is_left(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), FileGroup() as files:
        files.write_text(tmp_path / "shared" / "mine.txt", "mine")
        (tmp_path / "shared" / "theirs.txt").write_text("theirs")  # someone else's file
        raise RuntimeError("boom")
    assert [p.name for p in (tmp_path / "shared").iterdir()] == ["theirs.txt"]


def test_replace_folder_swaps_whole_or_keeps_the_old_one(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("old")

    def built(text: str) -> Path:
        folder = tmp_path / f".site.{text}"
        folder.mkdir()
        (folder / "index.html").write_text(text)
        return folder

    with pytest.raises(RuntimeError), FileGroup() as files:
        files.replace_folder(site, built("failed"))
        assert (site / "index.html").read_text() == "failed"  # in place until the end...
        raise RuntimeError("boom")
    assert (site / "index.html").read_text() == "old"  # ...and the old site came back
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    with FileGroup() as files:
        files.replace_folder(site, built("new"))
    assert (site / "index.html").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # the old one is gone


def test_an_undo_that_fails_says_which_file_is_left(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "a.txt"
    with pytest.raises(CoprodError) as caught, FileGroup() as files:
        files.write_text(target, "new")
        monkeypatch.setattr(Path, "unlink", _refuse_unlink)
        raise CoprodError("The toolkit already has files at x.")
    assert caught.value.message == ("coprod stopped part-way and could not put back 1 of the "
                                    f"files it had written: {target}.")
    assert caught.value.hint == ("Check or remove them by hand. What stopped it: The toolkit "
                                 "already has files at x.")


def _refuse_unlink(self: Path, missing_ok: bool = False) -> None:
    raise PermissionError(13, "Permission denied", str(self))
