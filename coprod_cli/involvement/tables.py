"""The tables this feature keeps, declared for the store (see store/schema/features.py).

``involvement``: one record per piece of involvement someone was paid or thanked for (an
interview panel, a policy review), with the payment offered, what they chose to take, and
their expenses, each repaid in full. Money is whole pence. The person's id is marked
``Person`` and the activity and expense words ``Text``, so ``people forget``, ``people
export`` and ``data check`` cover the table; forgetting keeps the row as anonymised totals
(``anonymised``): the organisation must keep accounts of what it paid.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, NotRequired

from typing_extensions import TypedDict  # pydantic needs it on Python < 3.12

from coprod_cli.involvement import TABLE as TABLE
from coprod_cli.store.schema.declarations import Date, Receipt, Record
from coprod_cli.store.schema.markers import Person, Text
from coprod_cli.store.schema.registry import Partition, Table, register

#: What an anonymised row's activity and expense words become.
ANONYMISED_ACTIVITY = "[removed: kept as anonymised accounts]"
ANONYMISED_EXPENSE = "expense"

Choice = Literal["accept", "less", "decline", "charity"]
Per = Literal["hour", "session", "day"]


class RateUsed(TypedDict):
    """The named rate as it stood when the involvement was logged (rates change)."""

    name: str
    pence: int
    per: Per


class Expense(TypedDict):
    item: Annotated[str, Text("an expense")]
    pence: int
    receipt: Receipt | None


class Involvement(Record):
    person_id: Annotated[str | None, Person("paid for involvement")]  # None: anonymised
    date: Date
    activity: Annotated[str, Text("involvement activity")]
    hours: str | None  # decimal text, "1.5"; None when paid a fee with no hours given
    rate: RateUsed | None  # None: a fee
    fee_pence: int  # the payment offered
    choice: Choice
    paid_pence: int  # what they chose to take
    charity_pence: int  # given to charity at their choice
    expenses: list[Expense]
    expenses_pence: int
    logged_at: Date
    anonymised: NotRequired[bool]


def anonymise(record: dict[str, Any], pseudonym: str) -> dict[str, Any]:
    """A forgotten person's payment kept as totals only: no person id, no activity words,
    no expense words or receipt names; the date, hours, rate and every amount stay."""
    if record.get("person_id") != pseudonym:
        return record  # another person's row that only mentioned them: scrubbed, kept
    expenses = []
    for expense in record.get("expenses") or []:
        receipt = expense.get("receipt")
        if isinstance(receipt, dict) and "original_name" in receipt:
            receipt = {**receipt, "original_name": "receipt"}
        expenses.append({**expense, "item": ANONYMISED_EXPENSE, "receipt": receipt})
    return {**record, "person_id": None, "activity": ANONYMISED_ACTIVITY,
            "expenses": expenses, "anonymised": True}


register(Table(TABLE, Involvement, ("involvement payment", "involvement payments"),
               Partition("date", "its date"), export_as="involvement",
               export_heading="Involvement and payments", dated_by="date",
               forget_as=anonymise))
