"""One store file's records a megabyte at a time, for reports over a whole organisation.

Parsed whole, a year of fifty services' attendance (45 MB) becomes about 250 MB of Python
objects at once, as much as ``json.load`` itself needs; a report that holds a file per
process on two cores then needs twice that. Parsed in pieces of about a megabyte, each
piece's records are totalled and freed before the next is parsed: the same file needs
about 60 MB, and parsing is faster too, since the same memory is used again instead of
fresh memory being faulted in for every file.

How a file is cut. Every writer of the store saves ``{"records":{"1":{...},"2":{...}}}``
compactly (``storage.dump_file``), so between two records stands ``},"<digits>":{``.
Inside a JSON string every quote is escaped, so that sequence is always structure; but a
record's own nested object could hold a digit key with an object value, so a cut may fall
inside a record. A piece that does not parse is joined to the next one and parsed again:
every piece that parses began where a record began (the pieces before it were whole
records), so it is a run of whole records, in file order.

Anything else is read as a whole read would read it, with the same words for damage: a
file in another layout (indented by hand, other keys beside the records) or a damaged one
is parsed whole, and only the records not already given are given. A record number twice
in one file (which no writer makes; parsed whole, the second would silently replace the
first) is reported as damage.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

import orjson

from coprod_cli.errors import StoreCorruptError
from coprod_cli.store.storage import TABLE

Rows = list[dict[str, Any]]
PIECE_BYTES = 1 << 20
"""About this many bytes of a file are parsed at a time (some 2,000 to 5,000 records)."""
_HEAD = b'{"' + TABLE.encode() + b'":{'
_TAIL = b"}}"
_BETWEEN = re.compile(rb'\},"[0-9]+":\{')


def record_pieces(handle: BinaryIO, whole: Callable[[], dict[str, Any] | None],
                  damaged: Callable[[str], StoreCorruptError],
                  piece_bytes: int | None = None) -> Iterator[Rows]:
    """The records of the open file ``handle``, in file order, a piece at a time; the file
    is read as the pieces are wanted, so memory never holds all its bytes either. (The
    open file is the one that was there when it was opened: writers replace store files by
    renaming a new one in, never by changing one in place.)

    ``whole()`` parses the file whole, raising the store's own error if it is damaged; it
    is called only when the file cannot be cut (see the module's notes). ``damaged(detail)``
    is that same error for damage found here. The handle is closed when the pieces end or
    are abandoned.
    """
    with handle:
        given = 0
        if handle.read(len(_HEAD)) != _HEAD:
            yield from _rest(whole, given)
            return
        reader = _Body(handle, piece_bytes or PIECE_BYTES)
        seen: set[str] = set()
        while True:
            parsed = reader.next_piece()
            if parsed is None:  # no cut from here on parses: the file is not as written
                yield from _rest(whole, given)
                return
            if not parsed:
                return
            before = len(seen)
            seen.update(parsed)
            if len(seen) - before != len(parsed):
                raise damaged("it holds the same record number twice")
            rows = list(parsed.values())
            given += len(rows)
            yield rows


class _Body:
    """The records part of a file being read: ``next_piece`` parses the next run of whole
    records of about ``piece_bytes`` (``{}`` at the end; None if what is left does not
    parse as records followed by the file's closing ``}}``)."""

    def __init__(self, handle: BinaryIO, piece_bytes: int) -> None:
        self.handle, self.piece_bytes = handle, piece_bytes
        self.buffer = b""  # from the start of the next record
        self.ended = False  # nothing more to read
        self.finished = False  # the closing "}}" has been parsed past

    def _more(self) -> bool:
        if self.ended:
            return False
        block = self.handle.read(self.piece_bytes)
        if not block:
            self.ended = True
            return False
        self.buffer += block
        return True

    def next_piece(self) -> dict[str, Any] | None:
        if self.finished:
            return {}
        while len(self.buffer) <= self.piece_bytes and self._more():
            pass
        cut = self.piece_bytes
        while True:
            found = _BETWEEN.search(self.buffer, cut)
            if found is None and self._more():
                continue  # the next boundary may be in the bytes still to read
            if found is None:  # the rest of the file: records, then the closing "}}"
                if not self.buffer.endswith(_TAIL):
                    return None
                stop, rest = len(self.buffer) - len(_TAIL), len(self.buffer)
                if stop == 0:
                    self.finished = True
                    return {}
            else:
                stop, rest = found.start() + 1, found.start() + 2  # past the comma
            parsed = _parse(self.buffer[:stop])
            if parsed is not None:
                self.buffer = self.buffer[rest:]
                self.finished = found is None  # that piece ended the file
                return parsed
            if found is None:
                return None
            cut = stop + 1  # a cut inside a record: join it to the next piece


def _parse(members: bytes) -> dict[str, Any] | None:
    try:
        parsed = orjson.loads(b"{" + members + b"}")
    except orjson.JSONDecodeError:
        return None
    if isinstance(parsed, dict) and parsed and all(isinstance(v, dict)
                                                  for v in parsed.values()):
        return parsed
    return None


def _rest(whole: Callable[[], dict[str, Any] | None], given: int) -> Iterator[Rows]:
    data = whole() or {}
    rows = data.get(TABLE, {})
    if not isinstance(rows, dict):
        return
    values = list(rows.values())[given:]
    if values:
        yield values
