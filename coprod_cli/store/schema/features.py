"""The feature packages that declare tables of their own, beside ``declarations.py``.

Each module listed here calls :func:`registry.register` for its tables when imported, the
same way ``declarations.py`` does, so check, forget, export, merge and restore cover them
with no further wiring. A feature keeps its declarations in its own ``tables.py`` so that
``declarations.py`` stays the declaration of the core records (people, runs, feedback,
grants) and each feature's shape sits beside the code that writes it.
"""

from __future__ import annotations

#: Imported in this order, after ``declarations``; a table's counts are shown in this order.
MODULES: tuple[str, ...] = (
    "coprod_cli.groups.tables",
    "coprod_cli.meetings.tables",
    "coprod_cli.votes.tables",
    "coprod_cli.panels.tables",
    "coprod_cli.involvement.tables",
    "coprod_cli.peer.tables",
)
