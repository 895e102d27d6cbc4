"""Kept summaries: each year's report totals saved between runs, so a repeat reads only what
changed since.

A summary of fifty services' ten years reads a gigabyte; asked again after one service added
a session, almost all of it is the same. So each year's part (``tally.py``: counts, sums,
distinct people, first and latest answers) is kept in ``<home>/cache/summary/`` (the
store's ``derived_dir("summary")``), keyed by
what it was computed from: the four record files of that year (their size, modification and
change times, inode and device: every store writer replaces a file whole by renaming a new
one over it, so any change gives a new inode and times), the filters, the form and measure
definitions, and this coprod's version. Anything that does not match, will not parse, or
comes from another version is ignored and computed again from the records, which stay the
only record of truth: deleting the folder loses nothing.

The parts hold person ids and the last comments, so they are personal data too: files are
owner-only (0600, folders 0700), under the home folder, never in a bundle, and every bulk
change of the store (``people forget``, ``data restore``, ``data merge``) deletes the whole
``cache/`` folder before and after it swaps the new records in.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path
from typing import Any

import orjson

from coprod_cli import __version__, files

FORMAT = 1
MAX_PER_YEAR = 8
"""Kept parts of one year (one per set of filters); the least recently written go first."""
Signature = list[int]


def signature(path: Path) -> Signature:
    """How a record file is recognised unchanged without reading it ([] if it is missing)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return []
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev]


def fingerprint(*definitions: Any) -> str:
    """One hash of what a part's figures depend on besides the records."""
    data = orjson.dumps([FORMAT, __version__, *definitions],
                        option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)
    return hashlib.sha256(data).hexdigest()


class KeptParts:
    """The kept parts in one folder, for one fingerprint of the definitions."""

    def __init__(self, where: Path, definitions: str) -> None:
        self.where, self.definitions = where, definitions

    def _path(self, year: str, key: Any) -> Path:
        digest = hashlib.sha256(orjson.dumps([self.definitions, key])).hexdigest()[:24]
        return self.where / f"{year}-{digest}.json"

    def get(self, year: str, key: Any, sources: dict[str, Signature]) -> dict[str, Any] | None:
        """The part kept for exactly these sources and key, or None (missing, stale, foreign
        or unreadable: the caller computes it again)."""
        try:
            kept = orjson.loads(self._path(year, key).read_bytes())
        except (OSError, ValueError):
            return None
        if not isinstance(kept, dict) or kept.get("format") != FORMAT \
                or kept.get("coprod") != __version__ or kept.get("definitions") != \
                self.definitions or kept.get("year") != year or kept.get("key") != key \
                or kept.get("sources") != sources or not isinstance(kept.get("part"), dict):
            return None
        part: dict[str, Any] = kept["part"]
        return part

    def put(self, year: str, key: Any, sources: dict[str, Signature],
            part: dict[str, Any]) -> None:
        """Keep a part; a cache that cannot be written only costs time, never a summary."""
        path = self._path(year, key)
        body = {"format": FORMAT, "coprod": __version__, "definitions": self.definitions,
                "year": year, "key": key, "sources": sources, "part": part}
        with contextlib.suppress(OSError, TypeError):
            for made in (self.where.parent, self.where):
                if not made.is_dir():
                    made.mkdir(mode=0o700, parents=True, exist_ok=True)
                    os.chmod(made, 0o700)
            files.atomic_write_bytes(path, orjson.dumps(body), mode=0o600, durable=False)
            self._prune(year, keep=path)

    def _prune(self, year: str, keep: Path) -> None:
        same_year = sorted(self.where.glob(f"{year}-*.json"), key=lambda p: p.stat().st_mtime_ns)
        for old in [p for p in same_year if p != keep][:max(0, len(same_year) - MAX_PER_YEAR)]:
            old.unlink(missing_ok=True)
