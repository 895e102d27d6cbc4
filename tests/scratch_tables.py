"""Tables for tests of the store's own mechanics: files, partitions, locks, crashes.

Every table must be declared (the store refuses to write any other), and these tests are
about how records are kept, not what they hold, so their tables declare only what every
record has, an id. They are declared here, for the tests and test workers that use them,
never in coprod itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from coprod_cli.store import schema

SCRATCH = "scratch"
OTHER = "scratch_b"  # a second table, for changes that span two files


def _declaration(name: str) -> schema.Table:
    return schema.Table(name, schema.Record, (f"{name} record", f"{name} records"))


def declare() -> None:
    """Declare both for the rest of the process (the worker scripts' way)."""
    for name in (SCRATCH, OTHER):
        if not schema.is_declared(name):
            schema.register(_declaration(name))


@contextmanager
def declared() -> Iterator[None]:
    """Declare both for the length of a block (a test's way); undeclared again after."""
    with schema.registered(_declaration(SCRATCH)), schema.registered(_declaration(OTHER)):
        yield
