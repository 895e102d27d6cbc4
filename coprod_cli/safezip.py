"""Reading a zip file someone else made, treating it as hostile until each part is proven safe.

Record bundles (``store.bundles``) and toolkit bundles (``toolkit.bundle``) both arrive from
outside: a service's export, a backup copied from a stick, a session shared by email. Both
open them here, so the checks are written and tested once:

- the file exists, is a file, is a zip, and (when asked) is not larger than a limit;
- no more members than a limit, and no name twice;
- no member name that could land outside the folder it is unpacked into (``..``, an
  absolute path, a drive letter, a backslash, a NUL), and no symbolic links;
- each member's declared size is under a per-member limit and all of them under a total;
- reading a member never trusts its header: at most one byte past the limit is ever
  unpacked, and a member that holds more or less than its header says is refused, so a
  header that lies cannot smuggle in more data than the limits allow.

Every refusal goes through the caller's ``refuse(problem)``, which wraps the problem ("it
holds the same file twice") in the caller's own sentence and hint, so a user reads one plain
error that says which file and what to do.
"""

from __future__ import annotations

import copy
import io
import re
import stat
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from coprod_cli.errors import CoprodError, ValidationError

Refuse = Callable[[str], CoprodError]
"""Makes the caller's error from a problem phrase such as "it is not a zip file"."""

_READ_ERRORS = (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError,
                NotImplementedError, RuntimeError)
"""What reading a damaged, truncated or encrypted member raises (RuntimeError: a password)."""


def unsafe_name(name: str) -> bool:
    """A member name that could land outside the folder it is unpacked into."""
    if not name or "\\" in name or "\x00" in name or name.startswith("/") or \
            re.match(r"^[A-Za-z]:", name):
        return True
    return "//" in name or any(part in ("..", ".") for part in PurePosixPath(name).parts)


class SafeZip:
    """An open zip whose names, links and declared sizes have been checked.

    ``members`` maps each file's name (not folders) to its ``ZipInfo``, in archive order;
    ``read(name)`` unpacks one with the size checks above. ``in_memory=True`` reads the whole
    file first (so it cannot change while it is checked, and ``sha256`` names exactly what
    was checked); otherwise members are read from disk one at a time, for bundles too big to
    hold at once. ``what`` is how a message names such a file ("a session bundle") and
    ``folder`` where its members belong ("the toolkit folder").
    """

    def __init__(self, path: Path, refuse: Refuse, *, max_member_bytes: int,
                 max_total_bytes: int, max_files: int | None = None,
                 max_zip_bytes: int | None = None, in_memory: bool = False,
                 what: str = "a bundle", folder: str = "its folder") -> None:
        self.path = path
        self.max_member_bytes = max_member_bytes
        self._refuse = refuse
        self.raw: bytes | None = None
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            raise ValidationError(f"There is no file at {path}.") from None
        except OSError as exc:
            raise refuse(f"it cannot be read ({exc.strerror or type(exc).__name__})") from None
        if not path.is_file():
            raise refuse("it is not a file")
        if max_zip_bytes is not None and size > max_zip_bytes:
            raise refuse(f"it is {size:,} bytes, far larger than {what} can be")
        try:
            if in_memory:
                self.raw = path.read_bytes()
                self._zip = zipfile.ZipFile(io.BytesIO(self.raw))
            else:
                self._zip = zipfile.ZipFile(path)
        except PermissionError as exc:
            raise refuse(f"it cannot be read ({exc.strerror or 'permission denied'})") from None
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):  # a seek past a damaged end
            raise refuse("it is not a zip file (or it is damaged)") from None
        try:
            self.members = self._check(max_files, max_total_bytes, what, folder)
        except BaseException:
            self._zip.close()
            raise

    def _check(self, max_files: int | None, max_total_bytes: int, what: str,
               folder: str) -> dict[str, zipfile.ZipInfo]:
        infos = self._zip.infolist()
        if max_files is not None and len(infos) > max_files:
            raise self._refuse(f"it holds {len(infos):,} files; {what} holds at most "
                               f"{max_files}")
        names = [i.filename for i in infos]
        if len(set(names)) != len(names):
            raise self._refuse("it holds the same file twice")
        members: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            name = info.filename
            if unsafe_name(name.rstrip("/")):
                raise self._refuse(f"it holds an unexpected file {name!r}, whose name tries "
                                   f"to leave {folder}")
            if stat.S_ISLNK(info.external_attr >> 16):
                raise self._refuse(f"{name!r} is a link, which a bundle may not hold")
            if info.is_dir():
                continue
            if info.file_size > self.max_member_bytes:
                raise self._refuse(f"{name} is far too large ({info.file_size:,} bytes)")
            members[name] = info
        if sum(i.file_size for i in members.values()) > max_total_bytes:
            raise self._refuse("its files are far too large")
        return members

    def read(self, name: str) -> bytes:
        """One member's bytes, unpacked with a cap whatever its header claims.

        ``zipfile`` stops at the size the header declares, so a lying header would silently
        cut a member short (or, with a forged checksum, pass). Instead the member is opened
        as if it declared one byte more than the limit allows, so its real size is measured:
        more than the limit is refused without unpacking the rest, and any size other than
        the declared one means the header lies.
        """
        info = self.members[name]
        cap = self.max_member_bytes
        probe = copy.copy(info)
        probe.file_size = cap + 2  # read stops at cap + 1 bytes, before any checksum test
        try:
            with self._zip.open(probe) as handle:
                data = handle.read(cap + 1)
        except _READ_ERRORS:
            raise self._refuse(f"{name} cannot be read (damaged or encrypted)") from None
        if len(data) > cap:
            raise self._refuse(f"{name} is far too large (more than {cap:,} bytes unpacked, "
                               f"though its header says {info.file_size:,})")
        if len(data) != info.file_size:
            raise self._refuse(f"{name} holds {len(data):,} bytes but its header says "
                               f"{info.file_size:,} (damaged or changed)")
        return data

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
