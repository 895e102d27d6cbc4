"""Kept summaries: each year's report totals saved between runs, so a repeat reads only what
changed since.

A summary of fifty services' ten years reads a gigabyte; asked again after one service added
a session, almost all of it is the same. So each year's part (``tally.py``: counts, sums,
distinct people, first and latest answers) is kept in ``<home>/cache/summary/`` (the
store's ``derived_dir("summary")``), in two halves (``tally.HALVES``), each keyed by what
it was computed from: the year's runs and the half's own record files (their size,
modification time, inode and device: every store writer replaces a file whole by renaming
a new one over it, so any change gives a new inode and time), the filters, the form and measure
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
from itertools import count
from operator import itemgetter
from pathlib import Path
from typing import Any

import orjson

from coprod_cli import __version__, files

FORMAT = 3  # 3: a year is kept in two halves, each with only its own figures
MAX_PER_YEAR = 8
"""Kept parts of one year (one per set of filters); the least recently written go first."""
Signature = list[int]


def signature(path: Path) -> Signature:
    """How a record file is recognised unchanged without reading it ([] if it is missing);
    see :func:`files.signature` for why the change time is left out (the daily backup's
    hard links change it, which would throw every kept part away each day)."""
    return files.signature(path)


def fingerprint(*definitions: Any) -> str:
    """One hash of what a part's figures depend on besides the records."""
    data = orjson.dumps([FORMAT, __version__, *definitions],
                        option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)
    return hashlib.sha256(data).hexdigest()


def encode(part: dict[str, Any]) -> dict[str, Any]:
    """A part as JSON: every person id (and measure and item id) once, in a table, and
    numbers in its place elsewhere, so ten years of fifty services stay megabytes."""
    index: dict[str, int] = {}
    numbers = count()

    def ids(values: Any) -> list[int]:
        return list(map(index.setdefault, values, numbers))

    def keyed(mapping: dict[str, Any]) -> list[Any]:  # text values repeat: numbers too
        return [ids(mapping), ids(mapping.values())]

    out = {k: part[k] for k in ("span", "sessions", "first", "last", "co_facilitated",
                                 "by_session")}
    out["cofac"] = keyed(part["cofac"])
    out["trend"] = {span: {key: {**p, "people": ids(p["people"]), "raters": ids(p["raters"])}
                           for key, p in periods.items()}
                    for span, periods in part["trend"].items()}
    if "attendances" in part:
        out.update(attendances=part["attendances"], seen=ids(part["seen"]),
                   returning=ids(part["returning"]), arrived=part["arrived"],
                   first_attended=keyed(part["first_attended"]),
                   groups={d: {label: {**g, "seen": ids(g["seen"]),
                                       "returning": ids(g["returning"])}
                               for label, g in by_label.items()}
                           for d, by_label in part["groups"].items()})
    if "forms" in part:  # the feedback half (tally.HALVES), with the measures' ends
        out.update(forms=part["forms"],
                   ratings={q: list(c.items()) for q, c in part["ratings"].items()},
                   raters={q: [[v, ids(who)] for v, who in by.items()]
                           for q, by in part["raters"].items()},
                   form_people=ids(part["form_people"]),
                   help=[ids(part["help"]), *(ids(map(itemgetter(n), part["help"].values()))
                                              for n in range(3))],
                   comments=part["comments"])
        slots, latest = part["ends_first"], part["ends_latest"]
        ends: list[Any] = [ids(map(itemgetter(n), slots)) for n in range(3)]
        for values in (list(slots.values()), list(map(latest.__getitem__, slots))):
            keys = list(map(itemgetter(0), values))  # (session start, answer time, when)
            ends += [ids(map(itemgetter(0), keys)), ids(map(itemgetter(1), keys)),
                     list(map(itemgetter(2), keys)), list(map(itemgetter(1), values))]
        out["ends"] = ends
    out["ids"] = [list(index), list(index.values())]
    return out


def decode(kept: dict[str, Any]) -> dict[str, Any]:
    """The part :func:`encode` was given, exactly (sets as sets, tuples as tuples)."""
    look = dict(zip(kept["ids"][1], kept["ids"][0], strict=True)).__getitem__

    def ids(numbers: list[int]) -> set[str]:
        return set(map(look, numbers))

    def keyed(pair: list[Any]) -> dict[str, Any]:
        return dict(zip(map(look, pair[0]), map(look, pair[1]), strict=True))

    part = {k: kept[k] for k in ("span", "sessions", "first", "last", "co_facilitated",
                                  "by_session")}
    part["cofac"] = keyed(kept["cofac"])
    part["trend"] = {span: {key: {**p, "people": ids(p["people"]), "raters": ids(p["raters"])}
                            for key, p in periods.items()}
                     for span, periods in kept["trend"].items()}
    if "attendances" in kept:
        part.update(attendances=kept["attendances"], seen=ids(kept["seen"]),
                    returning=ids(kept["returning"]), arrived=kept["arrived"],
                    first_attended=keyed(kept["first_attended"]),
                    groups={d: {label: {**g, "seen": ids(g["seen"]),
                                        "returning": ids(g["returning"])}
                                for label, g in by_label.items()}
                            for d, by_label in kept["groups"].items()})
    if "forms" in kept:
        part.update(forms=kept["forms"],
                    ratings={q: dict(map(tuple, c)) for q, c in kept["ratings"].items()},
                    raters={q: {v: ids(who) for v, who in by}
                            for q, by in kept["raters"].items()},
                    form_people=ids(kept["form_people"]),
                    help=dict(zip(map(look, kept["help"][0]), zip(
                        *(map(look, kept["help"][n]) for n in (1, 2, 3)), strict=True),
                        strict=True)),
                    comments=kept["comments"])
        ends = kept["ends"]
        slots = list(zip(*(map(look, ends[n]) for n in range(3)), strict=True))
        for name, at in (("ends_first", 3), ("ends_latest", 7)):
            keys = zip(map(look, ends[at]), map(look, ends[at + 1]), ends[at + 2],
                       strict=True)
            part[name] = dict(zip(slots, zip(keys, ends[at + 3], strict=True), strict=True))
    return part


class Found:
    """A kept part that matched: the file's bytes, and the span of its year's runs."""

    def __init__(self, body: bytes, span: list[str]) -> None:
        self.body, self.span = body, span

    def part(self) -> dict[str, Any] | None:
        """The part decoded, or None if it is damaged inside (the caller computes it)."""
        try:
            return decode(orjson.loads(self.body))
        except (ValueError, TypeError, KeyError, IndexError, AttributeError):
            return None


class KeptParts:
    """The kept parts in one folder, for one fingerprint of the definitions."""

    def __init__(self, where: Path, definitions: str) -> None:
        self.where, self.definitions = where, definitions

    def _path(self, year: str, key: Any) -> Path:
        digest = hashlib.sha256(orjson.dumps([self.definitions, key])).hexdigest()[:24]
        return self.where / f"{year}-{digest}.json"

    def find(self, year: str, key: Any, sources: dict[str, Signature]) -> Found | None:
        """The part kept for exactly these sources and key, still encoded, or None (missing,
        stale, foreign or unreadable: the caller computes it again). A file is its heading
        (what the part was computed from) on the first line and the part on the second, so
        checking it parses the heading alone; the part is held as bytes until merged."""
        try:
            heading, _, body = self._path(year, key).read_bytes().partition(b"\n")
            kept = orjson.loads(heading)
            if not isinstance(kept, dict) or kept.get("format") != FORMAT \
                    or kept.get("coprod") != __version__ \
                    or kept.get("definitions") != self.definitions \
                    or kept.get("year") != year or kept.get("key") != key \
                    or kept.get("sources") != sources or not body:
                return None
            span = kept.get("span")
            return Found(body, span if isinstance(span, list) else [])
        except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError):
            return None  # damaged: computed again, and kept afresh

    def put(self, year: str, key: Any, sources: dict[str, Signature],
            part: dict[str, Any]) -> None:
        """Keep a part; a cache that cannot be written only costs time, never a summary."""
        path = self._path(year, key)
        with contextlib.suppress(OSError, TypeError):
            encoded = encode(part)
            body = orjson.dumps({"format": FORMAT, "coprod": __version__,
                                 "definitions": self.definitions, "year": year, "key": key,
                                 "sources": sources, "span": encoded["span"]}) \
                + b"\n" + orjson.dumps(encoded)
            for made in (self.where.parent, self.where):
                if not made.is_dir():
                    made.mkdir(mode=0o700, parents=True, exist_ok=True)
                    os.chmod(made, 0o700)
            files.atomic_write_bytes(path, body, mode=0o600, durable=False)
            self._prune(year, keep=path)

    def _prune(self, year: str, keep: Path) -> None:
        same_year = sorted(self.where.glob(f"{year}-*.json"), key=lambda p: p.stat().st_mtime_ns)
        for old in [p for p in same_year if p != keep][:max(0, len(same_year) - MAX_PER_YEAR)]:
            old.unlink(missing_ok=True)
