"""Writing files so that a crash leaves either the old file or the new one, never half.

This is the one atomic writer: the records store uses it for every file it saves (through
:func:`write_temp` when several files must land together), and so does everything else that
writes a file for the user (reports, handouts, settings, receipts).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path


def signature(path: Path) -> list[int]:
    """How a file written by this module is recognised unchanged without reading it: size,
    modification time, inode and device ([] if it is missing). Every writer here puts a new
    file (a new inode) in place by renaming, so any change shows. Not the change time: a
    hard link (the daily backup's) changes it without changing a byte."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return []
    return [st.st_size, st.st_mtime_ns, st.st_ino, st.st_dev]


def write_temp(path: Path, data: bytes, *, mode: int = 0o600, durable: bool = True) -> Path:
    """Write ``data`` to a new hidden temporary file beside ``path`` and return its path.

    The name is ``.<name>.<random>.tmp`` so whoever tidies up after a crash can find it.
    With ``durable`` the bytes are on the disk (fsync) before this returns, so a rename of
    the file afterwards can never expose an empty or partial file after a power cut. On any
    failure the temporary file is removed and the error raised; ``path`` is never touched.
    """
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)  # one write of ready bytes: json.dump(handle) is twice as slow
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        if mode != 0o600:  # mkstemp already made it 0600, whatever the umask
            os.chmod(tmp, mode)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return Path(tmp)


def atomic_write_bytes(path: Path, data: bytes, mode: int = 0o600, *,
                       durable: bool = True) -> None:
    """Write to a temporary file in the same folder, fsync, then rename over ``path``.

    ``durable=False`` skips both fsyncs: still atomic against a crashed process (the page
    cache survives it), only not against a power cut. The store uses it for a staged copy
    it syncs once as a whole, and for its lock-owner note.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = write_temp(path, data, mode=mode, durable=durable)
    try:
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    if durable:
        fsync_dir(path.parent)


def atomic_write_text(path: Path, text: str, mode: int = 0o600, *, durable: bool = True) -> None:
    atomic_write_bytes(path, text.encode("utf-8"), mode, durable=durable)


def fsync_dir(folder: Path) -> None:
    """Make a rename itself durable: the new directory entry must reach the disk too.

    Best effort: not every platform allows opening a folder, and by the time this runs the
    rename has happened, so failing here would report as unsaved a file that was saved.
    """
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# -- several files: all of them, or none ---------------------------------------------------

class FileGroup:
    """Files (and whole folders) written one after another that must all land, or none.

    Use it as a context manager. Each write is atomic on its own (``atomic_write_bytes``);
    the group remembers how to undo it: a new file is removed, a file that was overwritten
    gets its old bytes and mode back, folders the group created are removed again if they
    are empty, and a folder swapped in with ``replace_folder`` gives way to the old one. If
    the ``with`` block raises anything (a refusal, a full disk, Ctrl+C), every write is undone
    in reverse order and the error goes on up, so "nothing was saved" stays true. Meant for
    the few small files a command writes together (a session and its handouts, a toolkit
    contribution): an overwritten file's old bytes are held in memory until the end.
    """

    def __init__(self) -> None:
        self._undo: list[tuple[Path, Callable[[], None]]] = []
        self._on_success: list[Callable[[], None]] = []

    def __enter__(self) -> FileGroup:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 _tb: object) -> None:
        if exc is None:
            for finish in self._on_success:
                finish()
            return
        left: list[str] = []
        for path, undo in reversed(self._undo):
            try:
                undo()
            except OSError:
                left.append(str(path))
        if left:
            from coprod_cli.errors import CoprodError

            first = exc.message if isinstance(exc, CoprodError) else (
                str(exc) or type(exc).__name__)
            raise CoprodError(
                f"coprod stopped part-way and could not put back {len(left)} of the files it "
                f"had written: {', '.join(left)}.",
                hint=f"Check or remove them by hand. What stopped it: {first}") from exc

    def write_bytes(self, path: Path, data: bytes, mode: int = 0o600) -> Path:
        """Write ``path`` atomically, remembering how to undo it."""
        self._note_new_folders(path.parent)
        if path.is_file():
            old, old_mode = path.read_bytes(), stat.S_IMODE(path.stat().st_mode)
            atomic_write_bytes(path, data, mode)
            self._undo.append((path, lambda: atomic_write_bytes(path, old, old_mode)))
        else:
            atomic_write_bytes(path, data, mode)
            self._undo.append((path, lambda: path.unlink(missing_ok=True)))
        return path

    def write_text(self, path: Path, text: str, mode: int = 0o600) -> Path:
        return self.write_bytes(path, text.encode("utf-8"), mode)

    def replace_folder(self, target: Path, built: Path) -> Path:
        """Put the finished folder ``built`` (beside ``target``, on the same disk) in
        ``target``'s place. An old ``target`` is kept aside as ``.NAME.old`` until the group
        succeeds, and put back if it does not; readers see the old folder or the new one."""
        aside = target.with_name(f".{target.name}.old")
        if target.exists():
            shutil.rmtree(aside, ignore_errors=True)
            os.rename(target, aside)
            self._undo.append((target, lambda: os.rename(aside, target)))
            self._on_success.append(lambda: shutil.rmtree(aside, ignore_errors=True))
        os.rename(built, target)
        self._undo.append((target, lambda: shutil.rmtree(target)))
        return target

    def _note_new_folders(self, folder: Path) -> None:
        """Remember the folders a write is about to create, to remove them (if empty) on undo."""
        missing: list[Path] = []
        while not folder.exists() and folder != folder.parent:
            missing.append(folder)
            folder = folder.parent
        for made in reversed(missing):  # undone deepest first, as the list is walked backwards
            self._undo.append((made, partial(_remove_if_empty, made)))


def _remove_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:  # gone already, or something else is in it now, so it stays
        pass
