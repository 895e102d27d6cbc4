"""The erasure ledger: who has been forgotten, kept so that no one is named, and re-applied.

A restore brings back an old backup whole, and a merge takes in another service's export;
either can hold someone who has since been forgotten. The ledger keeps, for each erasure,
a keyed hash (HMAC-SHA256) of the person's id and nothing else: the key lives in the home
folder (``erasure.key``, owner-only), so the ledger alone cannot be matched against ids,
and it names no one. After every ``data restore`` and ``data merge`` the records are
searched for ids whose hash is in the ledger, and each such person is forgotten again in
the same change. The ledger is declared in the schema (table ``erasure_ledger``, kept in
``erasure-ledger.json`` beside the store) and, like the key, lives outside the records, so
restoring a backup made before an erasure does not roll the ledger back with it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coprod_cli.errors import ValidationError

if TYPE_CHECKING:
    from coprod_cli.files import FileGroup
    from coprod_cli.store.database import Store

TABLE = "erasure_ledger"
LEDGER_FILE = "erasure-ledger.json"
KEY_FILE = "erasure.key"


def _key(home: Path, *, create: bool) -> bytes | None:
    path = home / KEY_FILE
    if path.is_file():
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    if not create:
        return None
    from coprod_cli.files import atomic_write_text

    key = secrets.token_bytes(32)
    atomic_write_text(path, key.hex() + "\n", mode=0o600)
    return key


def person_hash(key: bytes, person_id: str) -> str:
    return hmac.new(key, person_id.encode("utf-8"), hashlib.sha256).hexdigest()


def load(home: Path) -> list[dict[str, Any]]:
    path = home / LEDGER_FILE
    if not path.is_file():
        return []
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        rows = None
    if not isinstance(rows, list):
        raise ValidationError(f"The erasure ledger ({path}) cannot be read.",
                              hint="Restore it from a copy of the home folder; until then a "
                                   "restore or merge cannot check for forgotten people.")
    from coprod_cli.store import schema

    schema.validate(TABLE, rows, source=(str(path), LEDGER_FILE))
    return rows


def hashes(home: Path) -> tuple[bytes | None, set[str]]:
    rows = load(home)
    return _key(home, create=False) if rows else None, {r["id"] for r in rows}


def add(home: Path, person_id: str, at: str, group: FileGroup) -> None:
    """Add one erasure to the ledger, through ``group`` so it is undone if the store's
    change fails (a ledger naming someone still on the register would forget them later)."""
    key = _key(home, create=True)
    assert key is not None
    rows = load(home)
    entry = person_hash(key, person_id)
    if all(r["id"] != entry for r in rows):
        rows.append({"id": entry, "at": at[:10]})
    group.write_bytes(home / LEDGER_FILE,
                      (json.dumps(rows, indent=1) + "\n").encode("utf-8"), mode=0o600)


def forgotten_ids(store: Store, home: Path) -> list[str]:
    """Ids in the records whose keyed hash is in the ledger: people forgotten before, whom a
    restore or merge has brought back."""
    key, known = hashes(home)
    if key is None or not known:
        return []
    from coprod_cli.people import privacy
    from coprod_cli.people import register as people
    from coprod_cli.store import schema

    seen: set[str] = set()
    for _, person in privacy.rows(store, people.TABLE):
        seen.add(person["id"])
    for spec in schema.tables():
        for _, record in privacy.rows(store, spec.name) if spec.people else ():
            for located in spec.people:
                seen.update(v for _, v in schema.person_ids(record, located)
                            if isinstance(v, str) and not privacy.is_pseudonym(v))
    return sorted(pid for pid in seen if person_hash(key, pid) in known)


def reapply(staged: Store, home: Path | None) -> int:
    """Forget again, inside a restore's or merge's staged change, everyone the ledger says
    was forgotten; returns how many."""
    if home is None:
        return 0
    from coprod_cli.people import privacy

    ids = forgotten_ids(staged, home)
    for pid in ids:
        with staged.transaction() as tx:
            privacy.erase_in(tx, pid)
    return len(ids)


def ledger_mode_ok(home: Path) -> bool:
    """The key and ledger are owner-only (for data check and tests)."""
    return all(not (home / name).exists() or (os.stat(home / name).st_mode & 0o077) == 0
               for name in (KEY_FILE, LEDGER_FILE))
