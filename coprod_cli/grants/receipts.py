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


def redact_receipts(receipts_dir: Path, grant_id: str, spending: Any, pattern: Any,
                    group: Any) -> tuple[Any, list[Path], int]:
    """Spend lines with every receipt copy that names a forgotten person made safe: a copy
    whose file name or original name holds the name is renamed ``<line>-receipt.<ext>``, and
    every occurrence of it inside a copy is overwritten with ``X`` of the same length (a PDF
    stays readable, a photo holds no text to find). Files are written through ``group``, so
    they are put back if the erasure fails. Returns the new lines, the old paths of renamed
    copies (removed once the erasure has landed) and how many copies changed."""
    if not isinstance(spending, list):
        return spending, [], 0
    lines: list[Any] = []
    old_paths: list[Path] = []
    count = 0
    for line in spending:
        receipt = line.get("receipt") if isinstance(line, dict) else None
        if not isinstance(receipt, dict) or receipt.get("kind") != "file" \
                or not isinstance(receipt.get("file"), str):
            lines.append(line)
            continue
        path = receipts_dir / receipt["file"]
        data = path.read_bytes() if path.is_file() else b""
        in_name = bool(pattern.search(receipt["file"].encode("utf-8"))) or bool(
            pattern.search(str(receipt.get("original_name", "")).encode("utf-8")))
        in_data = bool(pattern.search(data))
        if not (in_name or in_data):
            lines.append(line)
            continue
        if in_data:
            data = pattern.sub(lambda m: b"X" * len(m.group(0)), data)
        suffix = _safe_name("x" + Path(receipt["file"]).suffix)[1:]
        new_file = f"{grant_id}/{line['id']}-receipt{suffix}" if in_name else receipt["file"]
        if path.is_file():
            group.write_bytes(receipts_dir / new_file, data, mode=0o600)
        new_receipt = {**receipt, "file": new_file,
                       "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
        if in_name:
            new_receipt["original_name"] = Path(new_file).name
        lines.append({**line, "receipt": new_receipt})
        count += 1
        if new_file != receipt["file"]:
            old_paths.append(path)
    return lines, old_paths, count
