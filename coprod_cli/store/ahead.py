"""A merge's bundle files checked on a second core, ahead of the merge itself.

Merging fifty services reads each bundle file once: unzip, checksum, parse, and check every
record against its table's declaration. The declaration check costs about as much as the
parse, and it is the one step whose answer is a plain yes or no. So a merge of more than a
few megabytes forks one worker that checks the files in the order the merge will want them,
while the merge itself unzips, checksums, parses and adds them; before a file's records are
added, the worker's verdict on that file is awaited. The worker sends the SHA-256 of the bytes it
checked, and the merge adds a file's records only if the bytes it parsed itself have that
same digest (the worker opens each bundle afresh, so a bundle replaced during the merge
could otherwise be checked in one version and added in another).

A refusal from the worker is raised as the same error the merge would have raised, before
that file's records are added (and a refused merge changes nothing, as before). If the
worker cannot be started or dies, each file is simply checked in the merge's own process.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coprod_cli.errors import ValidationError

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

    from coprod_cli.store.bundles import BundleReader

PARALLEL_FROM_BYTES = 8 << 20
"""Below this much compressed data, forking a worker costs more than it saves."""
Refusal = tuple[str, list[str], str | None]
Verdict = tuple[str, None] | tuple[None, Refusal]
"""The digest of the bytes whose records are sound, or the refusal's words."""

_open: dict[str, BundleReader] = {}  # in the worker: each bundle opened once


def _check(path: str, name: str) -> Verdict:
    """In the worker: the digest of the bytes checked, or the refusal's words."""
    from coprod_cli.store.bundles import BundleReader

    try:
        reader = _open.get(path) or _open.setdefault(path, BundleReader(Path(path)))
        return reader.checked_records(name)[1], None
    except ValidationError as exc:
        return None, (exc.message, exc.problems, exc.hint)


class AheadChecks:
    """Verdicts on every (bundle, file) of a merge, computed ahead in a worker process."""

    def __init__(self, readers: list[BundleReader], names: list[str]) -> None:
        self._futures: dict[tuple[int, str], Future[Verdict]] = {}
        self._pool: ProcessPoolExecutor | None = None
        size = sum(os.path.getsize(r.path) for r in readers)
        if size < PARALLEL_FROM_BYTES or (os.cpu_count() or 1) < 2:
            return  # and a small merge (or backup, restore) never loads multiprocessing
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        if "fork" not in multiprocessing.get_all_start_methods():
            return
        try:
            self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
            for name in names:
                for n, reader in enumerate(readers):
                    if name in reader.names:
                        self._futures[(n, name)] = self._pool.submit(_check, str(reader.path),
                                                                     name)
        except (OSError, RuntimeError):
            self.close()

    def records(self, n: int, reader: BundleReader, name: str) -> dict[str, dict[str, Any]]:
        """File ``name`` of bundle ``n``, checked: by the worker if it could, else here."""
        future = self._futures.pop((n, name), None)
        if future is None:
            return reader.records(name)
        try:
            verdict = future.result()
        except Exception:  # the worker died or could not answer: check it here instead
            return reader.records(name)
        digest, refusal = verdict
        if refusal is not None:
            message, problems, hint = refusal
            raise ValidationError(message, problems, hint)
        return reader.records(name, checked=digest)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self._futures.clear()
