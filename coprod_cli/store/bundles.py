"""Record bundles: one zip file for backups, restores, exports and organisation-wide merges.

A bundle holds a ``manifest.json`` (what kind of bundle, which service, the store's schema
version, and a SHA-256 and record count for every file) and the store's own files under
``records/<table>/<partition>.json``. Reading treats a bundle as hostile until proven
otherwise: the zip itself is opened with ``coprod_cli.safezip`` (no paths that leave the
folder, no links, size and count limits that a lying header cannot get round), then only
expected names, checksums and strict JSON are accepted, so a damaged or doctored file is
refused before anything is changed.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from coprod_cli import clock
from coprod_cli.errors import ValidationError
from coprod_cli.files import atomic_write_bytes
from coprod_cli.safezip import SafeZip
from coprod_cli.store import database, schema
from coprod_cli.store.database import AUDIT_TABLE, SCHEMA_VERSION, TABLE, Store
from coprod_cli.store.storage import RECORD_ID

FORMAT = "coprod-records"
VERSION = 1
_MEMBER = re.compile(r"records/([A-Za-z0-9][A-Za-z0-9_-]{0,63})/([A-Za-z0-9][A-Za-z0-9_-]{0,63})"
                     r"\.json")
MAX_MEMBER_BYTES = 1 << 30  # one year of one table is megabytes; a gigabyte is not a store
MAX_TOTAL_BYTES = 8 << 30
MAX_FILES = 10_000  # a file per table and year: a store holds a few dozen

Progress = Callable[[int, int, str], None]


@dataclass
class Bundle:
    manifest: dict[str, Any]
    files: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    """``"table/partition"`` -> record id -> record."""

    @property
    def service(self) -> str:
        return str(self.manifest.get("service") or "")

    def counts(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for name, records in self.files.items():
            table = name.split("/")[0]
            totals[table] = totals.get(table, 0) + len(records)
        return totals


NEVER_SHARED = frozenset({"concerns"})
"""Tables that never leave this computer in a bundle: safeguarding concerns are for the
people who follow them up, not for the organisation's merged figures. Backups keep them, so
a restore loses nothing."""


def manifest_checksum(manifest: dict[str, Any]) -> str:
    """SHA-256 of the manifest's own fields (all but this one), as canonical JSON: the
    checksums of the files are only as good as the manifest that lists them."""
    body = {k: v for k, v in manifest.items() if k != "manifest_sha256"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False,
                                     separators=(",", ":")).encode("utf-8")).hexdigest()


def _sealed(manifest: dict[str, Any]) -> dict[str, Any]:
    return {**manifest, "manifest_sha256": manifest_checksum(manifest)}


def _manifest(kind: str, service: str, organisation: str,
              files: dict[str, Any]) -> dict[str, Any]:
    return {"format": FORMAT, "version": VERSION, "kind": kind, "service": service,
            "organisation": organisation, "schema_version": SCHEMA_VERSION,
            "created_at": clock.now_iso(),
            "files": files}


def write_bundle(store: Store, out: Path, *, kind: str, service: str, organisation: str,
                 include_audit: bool, progress: Progress | None = None) -> dict[str, Any]:
    """Snapshot the store (under its lock, so the files agree) into a zip at ``out``.
    ``progress(done, total, name)`` is told as each file is reached."""
    raw = store.snapshot()
    files: dict[str, Any] = {}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for done, (name, data) in enumerate(sorted(raw.items())):
            if progress is not None:
                progress(done, len(raw), name)
            table = name.split("/")[0]
            if name == "meta.json" or (table == AUDIT_TABLE and not include_audit) or \
                    (kind != "backup" and table in NEVER_SHARED):
                continue
            records = orjson.loads(data or b"{}").get(TABLE, {})
            files[name] = {"sha256": hashlib.sha256(data).hexdigest(), "records": len(records)}
            zf.writestr(f"records/{name}", data)
        manifest = _sealed(_manifest(kind, service, organisation, files))
        zf.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
    atomic_write_bytes(out, buffer.getvalue())
    if progress is not None:
        progress(len(raw), len(raw), "")
    return manifest


def write_tables_bundle(tables: dict[tuple[str, str], list[dict[str, Any]]], out: Path, *,
                        service: str, organisation: str = "") -> dict[str, Any]:
    """A bundle straight from records in memory (demo data for benchmarks and training)."""
    buffer = io.BytesIO()
    files: dict[str, Any] = {}
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for (table, partition), rows in sorted(tables.items()):
            name = f"{table}/{partition}.json"
            data = orjson.dumps({TABLE: {str(i): r for i, r in enumerate(rows, start=1)}})
            files[name] = {"sha256": hashlib.sha256(data).hexdigest(), "records": len(rows)}
            zf.writestr(f"records/{name}", data)
        manifest = _sealed(_manifest("export", service, organisation, files))
        zf.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
    atomic_write_bytes(out, buffer.getvalue())
    return manifest


def schema_version_problem(version: Any) -> str | None:
    """Why records of schema ``version`` cannot be taken in, or None if they can.

    Records are checked against this coprod's declarations, so they must be of its schema
    version, or of an older one that every migration since can bring up to date.
    """
    current = database.SCHEMA_VERSION  # looked up now, like the store's own migrations
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        return f"its schema version {version!r} is not one coprod has ever written"
    if version > current:
        return (f"it was made by a newer coprod (schema {version}; this one knows up to "
                f"{current}); upgrade coprod first")
    if any(v not in database.MIGRATIONS for v in range(version + 1, current + 1)):
        return (f"it was made by an older coprod (schema {version}) and this one cannot bring "
                f"its records up to schema {current}")
    return None


def _refuse(path: Path, problem: str) -> ValidationError:
    return ValidationError(f"{path} is not a bundle coprod can use: {problem}.",
                           hint="Ask for a new copy from whoever made it "
                                "('coprod data export' or 'coprod data backup').")


class BundleReader:
    """An open bundle whose manifest and file names are checked; each file is read, checked
    against its checksum and parsed only when asked for, so a merge of fifty services holds
    one year of one table in memory at a time."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._zip = SafeZip(path, lambda problem: _refuse(path, problem),
                            max_member_bytes=MAX_MEMBER_BYTES, max_total_bytes=MAX_TOTAL_BYTES,
                            max_files=MAX_FILES, what="a records bundle",
                            folder="the records folder")
        try:
            self.manifest, self._members = self._check()
        except BaseException:
            self._zip.close()
            raise

    def _check(self) -> tuple[dict[str, Any], dict[str, zipfile.ZipInfo]]:
        path, zf = self.path, self._zip
        infos = list(zf.members.values())  # files only: folders and unsafe names are refused
        names = [i.filename for i in infos]
        if "manifest.json" not in names:
            raise _refuse(path, "it has no manifest.json")
        manifest = _json(zf, "manifest.json", path)
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise _refuse(path, "its manifest is not a coprod records manifest")
        if manifest.get("version") != VERSION:
            raise _refuse(path, f"it is format version {manifest.get('version')!r}; this "
                                f"coprod reads version {VERSION}")
        problem = schema_version_problem(manifest.get("schema_version"))
        if problem:
            raise _refuse(path, problem)
        sealed = manifest.get("manifest_sha256")
        # Bundles from before the manifest was sealed have no checksum of it; any that has
        # one must match, so a changed kind, service or file list is caught here.
        if sealed is not None and sealed != manifest_checksum(manifest):
            raise _refuse(path, "its manifest.json does not match its own checksum "
                                "(damaged or changed)")
        listed = manifest.get("files")
        if not isinstance(listed, dict):
            raise _refuse(path, "its manifest lists no files")
        members: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            if info.filename == "manifest.json":
                continue
            match = _MEMBER.fullmatch(info.filename)
            if not match:
                raise _refuse(path, f"it holds an unexpected file {info.filename!r}")
            name = f"{match[1]}/{match[2]}.json"
            if not schema.is_declared(match[1]):
                raise _refuse(path, f"it holds records of a table this coprod does not have "
                                    f"({match[1]})")
            if not isinstance(listed.get(name), dict):
                raise _refuse(path, f"{name} is not in its manifest")
            members[name] = info
        missing = set(listed) - set(members)
        if missing:
            raise _refuse(path, f"its manifest lists {sorted(missing)[0]}, which is missing")
        return manifest, members

    @property
    def names(self) -> list[str]:
        """``"table/partition.json"`` names, sorted."""
        return sorted(self._members)

    @property
    def service(self) -> str:
        return str(self.manifest.get("service") or "")

    def reopen(self) -> BundleReader:
        """This bundle opened afresh, for a forked process: an open file's position is
        shared across a fork, so two processes cannot read one zip through one handle.
        Refused if the file there now is not the bundle this one checked (replaced since)."""
        fresh = BundleReader(self.path)
        if fresh.manifest != self.manifest:
            fresh.close()
            raise _refuse(self.path, "it changed while it was being merged")
        return fresh

    def size(self, name: str) -> int:
        """File ``name``'s size unzipped, a measure of the work of merging it."""
        return self._members[name].file_size

    def records(self, name: str) -> dict[str, dict[str, Any]]:
        """One file's records by id, checked against its checksum and the declarations."""
        data = self._zip.read(self._members[name].filename)
        if hashlib.sha256(data).hexdigest() != self.manifest["files"][name].get("sha256"):
            raise _refuse(self.path, f"{name} does not match its checksum (damaged or changed)")
        return _records(data, name, self.path)

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> BundleReader:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def read_bundle(path: Path, progress: Progress | None = None) -> Bundle:
    """Open and fully check a bundle, reading every file (for restore and small bundles).
    ``progress(done, total, name)`` is told as each file is reached."""
    with BundleReader(path) as reader:
        bundle = Bundle(manifest=reader.manifest)
        names = reader.names
        for done, name in enumerate(names):
            if progress is not None:
                progress(done, len(names), name)
            bundle.files[name] = reader.records(name)
    if progress is not None:
        progress(len(names), len(names), "")
    return bundle


def _json(zf: SafeZip, name: str, path: Path) -> Any:
    try:
        return json.loads(zf.read(name).decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _refuse(path, f"{name} is not valid JSON") from None


def _records(data: bytes, name: str, path: Path) -> dict[str, dict[str, Any]]:
    """One file's records by id, each checked against its table's declaration (which also
    proves it is a mapping with an id): a bundle is refused whole, naming the file, the
    record and the field, before anything is changed."""
    try:
        parsed = orjson.loads(data) if data.strip() else {}
    except ValueError:  # orjson.JSONDecodeError is a ValueError; it refuses bad UTF-8 too
        raise _refuse(path, f"{name} is not valid JSON") from None
    if not isinstance(parsed, dict) or not isinstance(parsed.get(TABLE, {}), dict):
        raise _refuse(path, f"{name} is not a table of records")
    rows = list(parsed.get(TABLE, {}).values())
    schema.validate(name.split("/")[0], rows, source=(str(path), f"records/{name}"))
    return dict(zip(map(RECORD_ID, rows), rows, strict=True))  # C-level: 100,000s of rows
