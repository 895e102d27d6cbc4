"""The declared tables: each :class:`Table` with how its records are filed and worded, and
the one registry every table is declared in (``declarations.py`` declares coprod's own; a test
declares its own with :func:`registered`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import GenericAlias
from typing import Any, cast

from pydantic import TypeAdapter

from coprod_cli.errors import StoreError
from coprod_cli.store.schema.markers import DateText, Named, Node, Path, Person, marked, node_of


@dataclass(frozen=True)
class Partition:
    """How a table's records are filed: all in ``all.json``, or by the year at the start of
    one field (a run's id, an attendance's ``run_id``, an audit entry's time)."""

    by: str | None = None
    label: str = ""  # "its run": how a misfiled record's problem names the field

    def home(self, record: dict[str, Any]) -> str | None:
        if self.by is None:
            return "all"
        value = record.get(self.by)
        return value[:4] if isinstance(value, str) else None


@dataclass(frozen=True)
class Unique:
    """Fields no two records may share; ``message`` may use the fields and ``{n}``."""

    fields: tuple[str, ...]
    message: str


Rule = Callable[[dict[str, Any]], Iterable[str]]


@dataclass(frozen=True)
class Located:
    """A marked place in a table's records: ``path`` from the record's top level."""

    path: Path
    marker: Any


@dataclass(eq=False)
class Table:
    """One declared table. Everything but ``record`` and the wording is derived from it."""

    name: str
    record: Any  # a typing_extensions.TypedDict subclass
    noun: tuple[str, str]  # ("attendance record", "attendance records")
    partition: Partition = Partition()
    export_as: str | None = None  # the section of a subject access export; default: name
    export_heading: str | None = None
    closed_reason: str = ""  # why a closed record (extra="forbid") may hold nothing else
    unique: Unique | None = None
    rules: tuple[Rule, ...] = ()  # table-specific checks for ``data check``, e.g. money
    dated_by: str | None = None  # when a record was made; default: its first date field
    #: Where the records live: "store" (the records folder), or a file under the home folder
    #: for records kept beside it (the toolkit's contributions). Only store tables are read
    #: by ``data check`` and bundles; the others are validated where they are written.
    kept_in: str = "store"
    #: How a record is kept once a forgotten person is scrubbed from it, given the record
    #: and the pseudonym that replaced their id: involvement payments of theirs become
    #: anonymised totals (accounts must be kept). None: the scrubbed record as it is.
    forget_as: Callable[[dict[str, Any], str], dict[str, Any]] | None = None
    node: Node = field(init=False)
    marked: tuple[Located, ...] = field(init=False)
    _adapter: TypeAdapter[list[Any]] | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.node = node_of(self.record)
        self.marked = tuple(Located(p, m) for p, m in marked(self.node))

    @property
    def date_field(self) -> str | None:
        """The field that dates a record, for listing it (a grant by when it was made)."""
        dates = [loc.path[0] for loc in self.where(DateText) if len(loc.path) == 1]
        return self.dated_by or (dates[0] if dates else None)

    def where(self, kind: type) -> list[Located]:
        return [loc for loc in self.marked if isinstance(loc.marker, kind)]

    @property
    def people(self) -> list[Located]:
        """Every place that refers to a person, by id or by name and id."""
        return [loc for loc in self.marked if isinstance(loc.marker, Person | Named)]

    @property
    def section(self) -> str:
        return self.export_as or self.name

    @property
    def heading(self) -> str:
        return self.export_heading or f"{self.noun[1].capitalize()} that refer to them"

    def count(self, n: int) -> str:
        return f"{n} {self.noun[0] if n == 1 else self.noun[1]}"

    def adapter(self) -> TypeAdapter[list[Any]]:
        """Built on first use: opening the store for a read never pays for it."""
        if self._adapter is None:
            # list[record], built at run time from the declaration, so typed as Any
            self._adapter = TypeAdapter(cast(Any, GenericAlias(list, (self.record,))))
        return self._adapter


_TABLES: dict[str, Table] = {}


def register(table: Table) -> Table:
    if table.name in _TABLES:
        raise ValueError(f"table {table.name!r} is declared twice")
    _TABLES[table.name] = table
    return table


def unregister(name: str) -> None:
    del _TABLES[name]


@contextmanager
def registered(table: Table) -> Iterator[Table]:
    """A table declared for the length of a block (tests declare their own this way)."""
    register(table)
    try:
        yield table
    finally:
        unregister(table.name)


def _declared() -> dict[str, Table]:
    """The registry, with coprod's own tables declared (importing ``declarations`` and each
    feature's ``tables`` module declares them; they import this module, so they are imported
    here, when first needed)."""
    import importlib

    import coprod_cli.store.schema.declarations  # noqa: F401
    from coprod_cli.store.schema.features import MODULES

    for module in MODULES:
        importlib.import_module(module)
    return _TABLES


def tables(*, everywhere: bool = False) -> list[Table]:
    """Every declared store table, in declaration order (the order counts are shown in);
    ``everywhere`` adds the tables kept in files beside the store."""
    return [t for t in _declared().values() if everywhere or t.kept_in == "store"]


def names() -> list[str]:
    return list(_declared())


def is_declared(name: str) -> bool:
    return name in _declared()


def table(name: str) -> Table:
    """The declaration of ``name``. Every table must be declared: the store refuses to write
    one that is not, so a typo in a table name fails loudly instead of starting a new file
    that no report, check or erasure would ever read."""
    try:
        return _declared()[name]
    except KeyError:
        raise StoreError(f"coprod has no table called '{name}', so nothing was saved.",
                         hint="Every table is declared in coprod_cli/store/schema; declare it "
                              "there first, or check the name.") from None
