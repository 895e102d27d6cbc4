"""The audit trail's side of forgetting someone: their register id swapped for the pseudonym.

The trail holds record ids only, never names, but a person's register id is still theirs:
left in the trail it would tie every change that was made about them together after they
were forgotten. Forgetting rewrites each entry that names the id (from ``people add`` and
every edit) to the pseudonym the rest of their records get, and the forget's own entry is
written with the pseudonym too (``Transaction.audit_as``), so no file under the home keeps it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from coprod_cli.store.database import AUDIT_TABLE


def audit_changes(rows: Iterator[tuple[str, dict[str, Any]]], person_id: str,
                  pseudonym: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(partition, entry id, changes) for each audit entry that names ``person_id``."""
    for part, entry in rows:
        changes = entry.get("changes")
        if isinstance(changes, list) and any(isinstance(c, dict) and c.get("id") == person_id
                                             for c in changes):
            yield part, entry["id"], {"changes": [
                {**c, "id": pseudonym} if isinstance(c, dict) and c.get("id") == person_id
                else c for c in changes]}


__all__ = ["AUDIT_TABLE", "audit_changes"]
