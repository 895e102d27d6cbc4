"""Funds raised for the small-grants pot (a donation stall's takings): records in
``grant_funds`` that add to the year they were raised in."""

from __future__ import annotations

import secrets
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from coprod_cli.errors import ValidationError

if TYPE_CHECKING:
    from coprod_cli.store.database import Store

FUNDS = "grant_funds"
PARTITION = "all"


class Records(Protocol):
    """A :class:`Store` or one of its transactions: both can list a table."""

    def all(self, table: str, *, partition: str | None = None) -> list[dict[str, Any]]: ...


def add_fund(store: Store, pence: int, source: str, by: dict[str, Any],
             on: date | None = None) -> dict[str, Any]:
    """Money raised for the pot (a stall's takings); it counts in the year it was raised."""
    # The scheme's calendar, looked up now: tests move it by replacing scheme.today.
    from coprod_cli.grants import scheme

    when = on or scheme.today()
    if when > scheme.today():
        raise ValidationError(f"The date {when.isoformat()} is in the future.",
                              hint="Add funds once they have been raised.")
    record: dict[str, Any] = {"date": when.isoformat(), "year": when.year, "pence": pence,
                              "source": source, "by": by, "entered_at": scheme.now_iso()}
    record["id"] = f"f-{when.year}-{secrets.token_hex(8)}"  # 64 random bits
    store.insert(FUNDS, record, partition=PARTITION)
    return record


def funds(records: Records, year: int | None = None) -> list[dict[str, Any]]:
    rows = records.all(FUNDS, partition=None)
    return sorted((f for f in rows if year is None or f["year"] == year),
                  key=lambda f: (f["date"], f["entered_at"]))


def raised_pence(records: Records, year: int) -> int:
    return sum(f["pence"] for f in records.all(FUNDS, partition=None) if f["year"] == year)
