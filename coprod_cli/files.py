"""Writing files so that a crash leaves either the old file or the new one, never half.

This is the one atomic writer: the records store uses it for every file it saves (through
:func:`write_temp` when several files must land together), and so does everything else that
writes a file for the user (reports, handouts, settings, receipts).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


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
