"""The one declaration of every table's records, and what is derived from it.

``declarations.py`` declares each table (fields, types, which fields refer to a person, which free
text may name one, which table a field points into, how records are filed); ``markers.py``
holds what a declaration can say, ``registry.py`` the tables, ``validation.py`` the fast
strict check with plain messages, and ``walk.py`` reads and rewrites the marked fields.
Everything that needs to know a record's shape reads it here: the store on every
write, ``data merge`` and ``data restore`` on every file of a bundle, ``data check``,
``people forget`` and ``people export``.

Tables that are not declared are refused on write (:func:`table` says so): a test declares
its own with :func:`registered`, so no table's records escape being checked.

Reuse :func:`problems` (a list naming record and field) or :func:`validate` (refuse) for any
new place records come in from.

The declarations load on first use (a module ``__getattr__``): a command that only reads,
such as ``eval summarise``, never pays for building them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from coprod_cli.store.schema.declarations import (
        AUDIT,
        ERASURES,
        TOOLKIT_CONTRIBUTIONS,
        Record,
    )
    from coprod_cli.store.schema.markers import (
        EACH,
        VALUES,
        DateText,
        Named,
        Person,
        Ref,
        Text,
    )
    from coprod_cli.store.schema.registry import (
        Located,
        Partition,
        Table,
        Unique,
        is_declared,
        names,
        register,
        registered,
        table,
        tables,
        unregister,
    )
    from coprod_cli.store.schema.validation import (
        InvalidRecords,
        RecordProblem,
        problems,
        validate,
    )
    from coprod_cli.store.schema.walk import (
        Where,
        is_named,
        person_ids,
        place,
        rewrite,
        spots,
        text_label,
    )

__all__ = ["AUDIT", "EACH", "ERASURES", "VALUES", "DateText", "InvalidRecords", "Located",
           "Named", "Partition", "Person", "Record", "RecordProblem", "Ref", "Table", "Text",
           "Unique", "Where", "is_declared", "is_named", "names", "person_ids", "place",
           "problems", "register", "registered", "rewrite", "spots", "table", "tables",
           "text_label", "unregister", "validate", "TOOLKIT_CONTRIBUTIONS"]


def __getattr__(name: str) -> Any:
    """Load every declaration the first time any name here is used."""
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from coprod_cli.store.schema import declarations, markers, registry, validation, walk

    for module in (markers, registry, declarations, validation, walk):
        globals().update({n: getattr(module, n) for n in __all__ if hasattr(module, n)})
    return globals()[name]
