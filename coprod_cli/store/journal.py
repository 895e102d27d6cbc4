"""Changes that touch more than one file: they land all together or not at all.

Replacing one file is atomic (a temp file renamed over it), but a transaction that changes
two files (a person and the audit trail entry saying who added them; a grant and the year's
audit file) is two renames, and a crash or a full disk between them used to leave one saved
and the other not. Both mechanisms here follow the same idea: write everything new aside and
make it durable, then take one atomic step (the *commit point*) that records the change as
complete, then put it in place. Recovery, run whenever the store's lock is taken, finishes a
change that passed its commit point and discards one that did not.

* **Commit journal** (every transaction that changes two or more files). Each new file is
  written as ``.<name>.<random>.tmp`` beside its target and fsynced; then ``.commit.json``,
  naming every temp file and its target, is renamed into the store folder (the commit point);
  then each temp file is renamed over its target and the journal removed. Only whole files are
  renamed, so this costs one small extra file however large the store grows.
* **Folder swap** (bulk changes: merge, restore, forget, which may rewrite every file). The
  whole store is staged as a copy, marked complete, then swapped in with two folder renames.

Both are driven under the store's lock, so no other writer can run between the steps.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path, PurePosixPath

import orjson

from coprod_cli import files
from coprod_cli.errors import StoreCorruptError
from coprod_cli.store.storage import mkdir_private, not_saved

JOURNAL = ".commit.json"
COMPLETE = ".complete"


# --- the commit journal --------------------------------------------------------------------

def commit_files(root: Path, changes: dict[str, bytes], *, durable: bool = True) -> None:
    """Replace several files under ``root`` (names like ``people/all.json``) as one change.

    A failure before the commit point (a full disk while writing a temp file or the journal)
    removes what was written and raises :class:`StoreError` saying nothing was saved, which
    is then true. Nothing after the commit point reports failure: the change is already
    decided, and if putting it in place is interrupted, :func:`finish_commit` completes it
    the next time anyone takes the lock or reads. The caller holds the store's lock.
    """
    journal = root / JOURNAL
    temps: list[tuple[Path, Path]] = []
    failing = f"the records in {root}"
    try:
        for name, data in changes.items():
            target = root / name
            failing = str(target)
            mkdir_private(target.parent)
            temps.append((files.write_temp(target, data, durable=durable), target))
        failing = f"the records in {root}"
        note = orjson.dumps({"replace": [[tmp.relative_to(root).as_posix(),
                                          dest.relative_to(root).as_posix()]
                                         for tmp, dest in temps]})
        pending = files.write_temp(journal, note, durable=durable)
        try:
            os.replace(pending, journal)  # the commit point
        except BaseException:
            pending.unlink(missing_ok=True)
            raise
    except BaseException as exc:
        # Journal first: once it is gone no recovery can apply a temp file, so removing
        # them one by one can never leave half a change to be rolled forward.
        journal.unlink(missing_ok=True)
        for tmp, _ in temps:
            tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise not_saved(failing, exc) from exc
        raise
    if durable:
        files.fsync_dir(root)  # the journal's own entry: now the change survives a power cut
    with contextlib.suppress(OSError):  # past the commit point: the next lock finishes it
        finish_commit(root, durable=durable)


def commit_pending(root: Path) -> bool:
    """True while a change has passed its commit point but is not wholly in place yet."""
    return (root / JOURNAL).exists()


def finish_commit(root: Path, *, durable: bool = True) -> bool:
    """Put in place every file a complete journal names, then remove it; True if there was one.

    Safe to run again after a crash at any point: a temp file already renamed is simply gone.
    The caller holds the store's lock.
    """
    journal = root / JOURNAL
    try:
        raw = journal.read_bytes()
    except FileNotFoundError:
        return False
    folders: set[Path] = set()
    for tmp_name, target_name in _entries(raw, journal):
        target = root / target_name
        try:
            os.replace(root / tmp_name, target)
        except FileNotFoundError:
            continue  # renamed before an interruption
        folders.add(target.parent)
    if durable:
        for folder in sorted(folders):
            files.fsync_dir(folder)
    journal.unlink()
    if durable:
        # Without this a power cut could bring the journal back; harmless (its temp files
        # are gone), but a stale journal is one thing fewer to reason about.
        files.fsync_dir(root)
    return True


def _entries(raw: bytes, journal: Path) -> list[tuple[str, str]]:
    """The journal's (temp file, target) pairs, refusing anything that could leave the folder.

    The journal is itself written atomically, so it is whole or absent; anything else means
    someone edited it, and guessing would risk the records.
    """
    try:
        data = orjson.loads(raw)
        pairs = [(str(tmp), str(dest)) for tmp, dest in data["replace"]]
    except (ValueError, KeyError, TypeError):
        pairs = []
        valid = False
    else:
        valid = all(_inside(name) for pair in pairs for name in pair)
    if not valid:
        raise StoreCorruptError(
            f"The note of an unfinished change, {journal}, is damaged, so coprod cannot tell "
            "whether that change should be finished. Nothing has been changed.",
            hint="Keep a copy of the store folder and ask for help; do not delete the note.")
    return pairs


def _inside(name: str) -> bool:
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts


# --- the folder swap -----------------------------------------------------------------------

def incoming(root: Path) -> Path:
    return root.with_name(root.name + ".incoming")


def previous(root: Path) -> Path:
    return root.with_name(root.name + ".previous")


def stage(root: Path) -> Path:
    """A private copy of every record for a bulk change. Files are only ever replaced,
    never edited in place, so hard links are a safe, instant copy."""
    staged = incoming(root)
    shutil.rmtree(staged, ignore_errors=True)
    mkdir_private(staged)
    for src in root.rglob("*"):
        if src.name.startswith(".") or src.suffix != ".json":
            continue
        dest = staged / src.relative_to(root)
        mkdir_private(dest.parent)
        try:
            os.link(src, dest)
        except OSError:
            shutil.copy2(src, dest)
    return staged


def swap_in(root: Path, staged: Path) -> None:
    """Make ``staged`` the store in one step a crash cannot split: mark it complete, then
    two renames that :func:`recover_swap` finishes if a crash falls between them."""
    _sync_tree(staged)  # every staged file on disk before the marker says it is complete
    files.atomic_write_bytes(staged / COMPLETE, b"complete")
    recover_swap(root)


def _sync_tree(folder: Path) -> None:
    """Flush a staged copy to disk: one system-wide sync where there is one, else each file
    and folder (the staged files were written without waiting, for speed)."""
    if hasattr(os, "sync"):
        os.sync()
        return
    for path in folder.rglob("*"):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
    for sub in [folder, *(p for p in folder.rglob("*") if p.is_dir())]:
        files.fsync_dir(sub)


def recover_swap(root: Path) -> None:
    """Bring a store folder to a whole state after a bulk change, whatever was interrupted.

    A staged copy without its completion marker is discarded (the old records stand). A
    complete one replaces the store: ``root`` -> ``.previous``, ``.incoming`` -> ``root``,
    then ``.previous`` is removed. Each step is checked, so running this again after a crash
    at any point finishes the same swap; the caller holds the store's lock.
    """
    new, old = incoming(root), previous(root)
    if new.exists():
        if (new / COMPLETE).exists():
            if root.exists() and not old.exists():
                os.rename(root, old)
            if not root.exists():
                os.rename(new, root)
                files.fsync_dir(root.parent)
        else:
            shutil.rmtree(new, ignore_errors=True)
    if root.exists():
        (root / COMPLETE).unlink(missing_ok=True)
        if old.exists():
            shutil.rmtree(old, ignore_errors=True)
    elif old.exists():  # only possible if someone removed the staged copy by hand
        os.rename(old, root)
