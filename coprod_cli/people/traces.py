"""What forgetting someone changes beside the records: receipt copies, toolkit credits, the
erasure ledger, and a last look for the name anywhere else in the home folder.

The records themselves are scrubbed by ``privacy.erase_in`` from the declared schema. Here
the files that sit beside them are covered in the same step, through one ``FileGroup``:
if the store's change fails, every file here is put back too.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from coprod_cli.errors import CoprodError
from coprod_cli.files import FileGroup

#: Files too large to be coprod's own (a video someone saved in the folder) are not read.
MAX_SWEEP_BYTES = 64 * 1024 * 1024


def name_terms(name: str) -> list[str]:
    """The name whole and each word of it of three letters or more: a receipt file name is
    "zebedee-quixotic-taxi.jpg", not the name as typed."""
    words = [w for w in re.split(r"[\W_]+", name) if len(w) >= 3]
    return [t for t in dict.fromkeys([name.strip(), *words]) if len(t) >= 2]


def _bytes_pattern(terms: list[str]) -> re.Pattern[bytes] | None:
    if not terms:
        return None
    return re.compile(b"|".join(re.escape(t.encode("utf-8")) for t in
                                sorted(terms, key=len, reverse=True)), re.IGNORECASE)


class Beside:
    """The files beside the records that forgetting one person changes."""

    def __init__(self, home: Path, group: FileGroup) -> None:
        self.home, self.group = home, group
        self.stale: list[Path] = []
        self.summary: dict[str, int] = {"receipts": 0, "credits": 0, "backups": 0}
        #: Receipt copies renamed: old file -> the new receipt entry, for the backups.
        self.renamed: dict[str, dict[str, Any]] = {}
        self.backups_failed: list[str] = []

    def plan(self, tx: Any, plan: Any, person: dict[str, Any]) -> None:
        from coprod_cli.grants.receipts import redact_receipts
        from coprod_cli.grants.scheme import TABLE as GRANTS
        from coprod_cli.people.privacy import rows

        pattern = _bytes_pattern(name_terms(person.get("name") or ""))
        if pattern is None:
            return
        updates = {(t, rid): changes for t, _, rid, changes in plan.updates}
        for part, grant in rows(tx, GRANTS):
            changes = updates.get((GRANTS, grant["id"]))
            spending = (changes or {}).get("spending", grant.get("spending"))
            new, renamed, count = redact_receipts(self.home / "receipts", grant["id"],
                                                  spending, pattern, self.group)
            if not count:
                continue
            self.stale += renamed
            self.summary["receipts"] += count
            for old, line in zip(spending or [], new, strict=False):
                before = (old or {}).get("receipt") if isinstance(old, dict) else None
                after = line.get("receipt") if isinstance(line, dict) else None
                if isinstance(before, dict) and isinstance(after, dict) and before != after:
                    self.renamed[str(before.get("file"))] = after
            if changes is not None:
                changes["spending"] = new
            else:
                plan.changed(GRANTS, part, grant["id"], {"spending": new})
        self._involvement_receipts(plan, pattern)

    def _involvement_receipts(self, plan: Any, pattern: re.Pattern[bytes]) -> None:
        """Their own involvement payments, kept as anonymised totals: a receipt copy that
        holds their name inside has it overwritten with X, as grant receipts do (the copies'
        file names never hold a name: ``involvement.payments`` names them by log)."""
        from coprod_cli.grants.receipts import redact_receipts
        from coprod_cli.involvement import TABLE

        for table, _, _, changes in plan.updates:
            if table != TABLE or not changes.get("anonymised"):
                continue
            expenses = changes.get("expenses")
            new, _, count = redact_receipts(self.home / "receipts", "involvement", expenses,
                                            pattern, self.group)
            if not count:
                continue
            self.summary["receipts"] += count
            for old, line in zip(expenses or [], new, strict=False):
                if old.get("receipt") != line.get("receipt"):
                    self.renamed[str(old["receipt"].get("file"))] = line["receipt"]
            changes["expenses"] = new

    def finish(self, person: dict[str, Any], at: str) -> None:
        from coprod_cli import config
        from coprod_cli.people import ledger
        from coprod_cli.toolkit.contributions import forget_credits

        self.summary["credits"] = forget_credits(config.toolkit_dir(self.home), person,
                                                 self.group)
        ledger.add(self.home, person["id"], at, self.group)

    def rewrite_backups(self, person: dict[str, Any], backups_dir: Path | None) -> None:
        """Forget them in every backup folder too (the one taken just before included), so
        no copy under the home folder holds them. Each file is replaced atomically; a
        backup that cannot be rewritten is named in ``backups_failed``, not hidden."""
        if backups_dir is None or not backups_dir.is_dir():
            return
        for folder in sorted(backups_dir.iterdir()):
            if not folder.is_dir() or folder.name.startswith("."):
                continue
            try:
                if _rewrite_backup(folder, person, self._rename_receipts):
                    self.summary["backups"] += 1
            except (OSError, ValueError, CoprodError) as exc:
                self.backups_failed.append(f"{folder.name} ({exc})")

    def _rename_receipts(self, tx: Any, plan: Any, _: dict[str, Any]) -> None:
        """In a backup: the spend lines point at the receipt copies' new names."""
        from coprod_cli.grants.scheme import TABLE as GRANTS
        from coprod_cli.people.privacy import rows

        if not self.renamed:
            return
        updates = {(t, rid): changes for t, _, rid, changes in plan.updates}
        for part, grant in rows(tx, GRANTS):
            changes = updates.get((GRANTS, grant["id"]))
            spending = (changes or {}).get("spending", grant.get("spending"))
            if not isinstance(spending, list):
                continue
            new = [{**line, "receipt": self.renamed[line["receipt"]["file"]]}
                   if isinstance(line, dict) and isinstance(line.get("receipt"), dict)
                   and line["receipt"].get("file") in self.renamed else line
                   for line in spending]
            if new != spending:
                if changes is not None:
                    changes["spending"] = new
                else:
                    plan.changed(GRANTS, part, grant["id"], {"spending": new})
        from coprod_cli.involvement import TABLE

        for table, _, _, changes in plan.updates:  # their payments, anonymised in the backup
            if table == TABLE and changes.get("anonymised"):
                changes["expenses"] = [
                    {**e, "receipt": self.renamed[e["receipt"].get("file")]}
                    if isinstance(e.get("receipt"), dict)
                    and e["receipt"].get("file") in self.renamed else e
                    for e in changes.get("expenses") or []]

    def tidy(self) -> None:
        """Remove the old copies of renamed receipts, once the change has landed."""
        for path in self.stale:
            path.unlink(missing_ok=True)


def _rewrite_backup(folder: Path, person: dict[str, Any], extra: Any) -> bool:
    """Forget ``person`` in one backup folder, in memory, then write back what changed."""
    from coprod_cli.files import atomic_write_bytes
    from coprod_cli.people import privacy
    from coprod_cli.store.backends import MemoryBackend
    from coprod_cli.store.database import Store

    paths = [p for p in [folder / "meta.json", *sorted(folder.glob("*/[!.]*.json"))]
             if p.is_file()]
    original = {p.relative_to(folder).as_posix(): p.read_bytes() for p in paths}
    memory = MemoryBackend()
    memory.replace_all(original)
    store = Store(memory, migrate=False)
    with store.transaction() as tx:
        if privacy.erase_in(tx, person["id"], extra=extra, known=person) is None:
            return False
    changed = {n: d for n, d in memory.read_all().items() if original.get(n) != d}
    for name, data in changed.items():
        atomic_write_bytes(folder / name, data, mode=0o600)
    return bool(changed)


def still_named(home: Path, name: str, *, skip: tuple[Path, ...] = ()) -> list[Path]:
    """Files under the home folder that still hold the name (a PDF someone saved there, a
    subject access export), for the user to deal with; backups in ``skip`` are not read."""
    name = name.strip()
    if len(name) < 2 or not home.is_dir():
        return []
    pattern = re.compile(rb"(?<![A-Za-z0-9])" + re.escape(name.encode("utf-8"))
                         + rb"(?![A-Za-z0-9])")
    found = []
    for path in sorted(home.rglob("*")):
        if any(path.is_relative_to(s) for s in skip) or not path.is_file() \
                or path.is_symlink() or path.stat().st_size > MAX_SWEEP_BYTES:
            continue
        try:
            if pattern.search(path.read_bytes()):
                found.append(path)
        except OSError:
            continue
    return found
