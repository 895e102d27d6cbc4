"""One store file: checking what may be saved, turning it into bytes, reading it back.

TinyDB's own JSONStorage overwrites a file in place (it tore 4% of files under SIGKILL) and
keeps no guard against values other JSON readers refuse, so this module supplies the storage
classes the store hands TinyDB: each reads its file fresh and replaces it atomically, and
each refuses a record that would not read back exactly as it was given.
"""

from __future__ import annotations

import gc
import io
import json
import os
import re
from abc import abstractmethod
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from operator import itemgetter
from pathlib import Path
from typing import Any, BinaryIO

import orjson
from tinydb import Storage

from coprod_cli import files
from coprod_cli.errors import StoreCorruptError, StoreError

TABLE = "records"  # the one TinyDB table inside every file
RECORD_ID = itemgetter("id")  # a record's id, for C-level passes over many records
Record = dict[str, Any]
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
_UNREAD = object()


@contextmanager
def bulk_reading() -> Iterator[None]:
    """Python's cycle collector paused while whole files are parsed and totalled.

    Parsing a 30 MB file makes hundreds of thousands of dicts; each batch of new ones starts
    a collection that walks every object still alive (the totals so far, the rows being
    read), so a report or merge of fifty services spent half its time collecting, finding
    nothing: records hold no reference cycles. Reference counting still frees everything;
    the collector resumes (and catches up) when the block ends.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def check_name(kind: str, name: str) -> str:
    """Table and partition names become paths, so they must not smuggle in ``..`` or ``/``."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise StoreError(f"{name!r} is not a valid {kind} name.",
                         hint="Use letters, digits, '-' and '_' (up to 64).")
    return name


def dump_file(data: dict[str, Any]) -> bytes:
    """A whole file's bytes. orjson is several times faster than the standard library here,
    which matters when a merge writes a gigabyte; records reach it already checked by
    :func:`plain` (or parsed from JSON), so its laxer handling of NaN and dates never applies."""
    return orjson.dumps(data)


def _to_json(value: Any) -> str:
    """Strict JSON: NaN is refused too, because other JSON readers reject it."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def plain(record: Any, table: str) -> dict[str, Any]:
    """A JSON round-trip copy of ``record``.

    It proves the record can be saved before anything is written, hands back exactly what a
    later read will return (tuples become lists, int keys strings), and shares no objects
    with the caller, who may keep mutating theirs.
    """
    if not isinstance(record, dict):
        raise StoreError(f"A {table} record must be a mapping, not {type(record).__name__}.")
    try:
        copied: dict[str, Any] = json.loads(_to_json(record))
    except (TypeError, ValueError) as exc:
        raise StoreError(f"Cannot save this {table} record: {exc}.",
                         hint="Save dates as text (YYYY-MM-DD) and numbers as numbers.") from None
    return copied


def mkdir_private(path: Path) -> None:
    """A folder only the owner can open (0700 whatever the umask): the records are health data."""
    if not path.is_dir():
        path.mkdir(parents=True, exist_ok=True)
        os.chmod(path, 0o700)


def make_folder(folder: Path, records: Path) -> None:
    """Create a private folder, or say plainly that the records folder cannot be made."""
    try:
        mkdir_private(folder)
    except OSError as exc:
        raise StoreError(f"Cannot create the records folder {records} "
                         f"({exc.strerror or exc}).",
                         hint="Choose a folder you can write to (--home or COPROD_HOME)."
                         ) from exc


def not_saved(what: Path | str, exc: OSError) -> StoreError:
    """The error for a write that failed before anything landed: it says so, truthfully."""
    return StoreError(f"Could not save {what} ({exc.strerror or exc}), so nothing was saved.",
                      hint="Check there is free disk space and the folder is writable, "
                           "then run the command again.")


def parse(raw: bytes, name: str,
          newest_backup: Callable[[], Path | None]) -> dict[str, Any] | None:
    """Decode one store file; damage is reported, never repaired or overwritten."""
    if not raw.strip():
        return None
    try:
        data = orjson.loads(raw)  # strict: NaN, bad UTF-8 and trailing junk are refused
        if not isinstance(data, dict):
            raise ValueError("it is not a JSON object")
    except ValueError as exc:  # includes JSONDecodeError and UnicodeDecodeError
        detail = (f"{exc.msg} at line {exc.lineno}, column {exc.colno}"
                  if isinstance(exc, json.JSONDecodeError) else str(exc))
        raise damaged(name, detail, newest_backup) from None
    return data


def damaged(name: str, detail: str,
            newest_backup: Callable[[], Path | None]) -> StoreCorruptError:
    """The error for a store file that cannot be read as it is, naming the newest backup."""
    backup = newest_backup()
    where_ = f" The newest backup is {backup}." if backup else " There is no backup yet."
    return StoreCorruptError(
        f"The records file {name} is damaged and cannot be read ({detail}). "
        f"It has been left exactly as it is.{where_}",
        hint="Keep a copy of the damaged file, then restore it from a backup or ask for help.")


class StoreFile(Storage):
    """What a backend hands TinyDB for one file: a whole JSON object in, the same out."""

    @abstractmethod
    def read(self) -> dict[str, Any] | None:
        """The file's object, or None if it does not exist (or is empty)."""

    @abstractmethod
    def write(self, data: dict[str, Any]) -> None:
        """Replace the whole file with ``data``."""

    def pieces(self) -> Iterator[list[Record]]:
        """The file's records in file order, in one or more lists (``chunks.py``); here,
        one list from the whole file."""
        rows = (self.read() or {}).get(TABLE, {})
        if rows:
            yield list(rows.values())


class AtomicJSONStorage(StoreFile):
    """TinyDB storage that reads the file fresh every time and replaces it atomically."""

    def __init__(self, path: Path, newest_backup: Callable[[], Path | None] = lambda: None,
                 durable: bool = True):
        self.path = Path(path)
        self._newest_backup = newest_backup
        self._durable = durable

    def read(self) -> dict[str, Any] | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        return parse(raw, str(self.path), self._newest_backup)

    def write(self, data: dict[str, Any]) -> None:
        write_file(self.path, dump_file(data), durable=self._durable)  # dumped before any write

    def pieces(self) -> Iterator[list[Record]]:
        """The records a megabyte at a time: the file is opened now, and read and parsed
        as the pieces are used (``chunks.py``)."""
        from coprod_cli.store.chunks import record_pieces

        try:
            handle: BinaryIO = open(self.path, "rb")  # noqa: SIM115 - record_pieces closes it
        except FileNotFoundError:
            return iter(())
        if os.name == "nt":  # a file held open there cannot be renamed over: read it now
            with handle:
                handle = io.BytesIO(handle.read())

        def whole() -> dict[str, Any] | None:
            handle.seek(0)
            return parse(handle.read(), str(self.path), self._newest_backup)

        return record_pieces(handle, whole,
                             lambda detail: damaged(str(self.path), detail,
                                                    self._newest_backup))


def write_file(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Replace one store file all at once; a failure leaves the old file and says so."""
    try:
        mkdir_private(path.parent)
        files.atomic_write_bytes(path, data, durable=durable)
    except OSError as exc:  # disk full, read-only folder: the old file is still intact
        raise not_saved(path, exc) from exc


class MemoryStorage(StoreFile):
    """Keeps JSON *text*, not objects, so serialisation behaves as it does on disk."""

    def __init__(self, texts: dict[str, str], name: str) -> None:
        self._files, self._name = texts, name

    def read(self) -> dict[str, Any] | None:
        text = self._files.get(self._name)
        return None if text is None else parse(text.encode(), f"memory:{self._name}",
                                               lambda: None)

    def write(self, data: dict[str, Any]) -> None:
        self._files[self._name] = dump_file(data).decode("utf-8")


class Buffered(StoreFile):
    """One file's contents for the length of a transaction.

    TinyDB rewrites the whole file on every change; buffering keeps all of a transaction's
    changes in memory, and the transaction hands every changed file to its backend at once
    when the block succeeds (none if it fails).
    """

    def __init__(self, inner: StoreFile) -> None:
        self.inner = inner
        self.data: Any = _UNREAD
        self.dirty = False

    def read(self) -> dict[str, Any] | None:
        if self.data is _UNREAD:
            self.data = self.inner.read()
        result: dict[str, Any] | None = self.data
        return result

    def write(self, data: dict[str, Any]) -> None:
        self.data, self.dirty = data, True
