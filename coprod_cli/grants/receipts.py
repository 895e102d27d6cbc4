"""Receipt files for grant spending: read before the lock, copied privately, checked later.

A receipt is copied into ``<home>/receipts/<grant id>/`` (folders 0700, files 0600, written
atomically) and its SHA-256 kept on the spend line, so ``grant show`` can tell when a copy has
gone missing or been changed since it was entered.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coprod_cli.errors import NotFoundError, ValidationError

MAX_RECEIPT_BYTES = 25 * 1024 * 1024


@dataclass(frozen=True)
class Receipt:
    """A receipt file read into memory before the lock is taken (slow disks wait outside)."""

    name: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def read_receipt(path: Path) -> Receipt:
    path = Path(path).expanduser()
    if not path.is_file():
        raise NotFoundError(f"There is no receipt file at {path}.",
                            hint="Check the path, or give --receipt-ref with the receipt's "
                                 "number instead.")
    size = path.stat().st_size
    if size > MAX_RECEIPT_BYTES:
        raise ValidationError(f"The receipt file {path.name} is {size // (1024 * 1024)} MB; "
                              f"the most coprod keeps is {MAX_RECEIPT_BYTES // (1024 * 1024)} "
                              "MB.", hint="Save a smaller scan or photo of it.")
    return Receipt(path.name, path.read_bytes())


def _safe_name(name: str) -> str:
    """A file name that is safe on any disk: "till roll (1).JPG" → "till-roll-1.JPG"."""
    def tidy(text: str) -> str:
        return re.sub(r"[^A-Za-z0-9_-]+", "-", text, flags=re.ASCII).strip("-")

    path = Path(name)
    suffix = tidy(path.suffix)
    return (tidy(path.stem)[:60] or "receipt") + (f".{suffix[:10]}" if suffix else "")


def store_receipt(receipts_dir: Path, grant_id: str, line_id: str, receipt: Receipt) -> Path:
    from coprod_cli.files import atomic_write_bytes

    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}", grant_id, re.ASCII):
        raise ValidationError(f"The grant id {grant_id!r} cannot name a receipts folder.")
    for folder in (receipts_dir, receipts_dir / grant_id):
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder.chmod(0o700)
    target = receipts_dir / grant_id / f"{line_id}-{_safe_name(receipt.name)}"
    atomic_write_bytes(target, receipt.data, mode=0o600)
    return target


def verify_receipts(grant: dict[str, Any], receipts_dir: Path) -> list[str]:
    """Problems with a grant's receipt copies: missing, or changed since they were entered."""
    problems = []
    for line in grant.get("spending", []):
        receipt = line.get("receipt") or {}
        if receipt.get("kind") != "file":
            continue
        path = receipts_dir / receipt["file"]
        if not path.is_file():
            problems.append(f"{receipt['file']}: missing")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != receipt["sha256"]:
            problems.append(f"{receipt['file']}: changed since it was entered")
    return problems
