"""Logging involvement: what someone did, the payment offered, what they chose, their expenses.

Good practice (NIHR, SCIE, NHS England) is that involvement is paid or rewarded and expenses
are repaid. Each log is one record in ``involvement``, written in one transaction with every
check done first, so bad input saves nothing. Money is whole pence (``coprod_cli.money``):
hours times an hourly rate is worked out exactly and rounded half up to the penny once.
Expenses are repaid in full whatever the person chooses for the payment. Receipt files are
read before the lock and copied owner-only with their SHA-256, as grant receipts are
(``grants.receipts``), under ``receipts/involvement/`` with names that hold no one's name.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coprod_cli import clock
from coprod_cli.errors import UsageError, ValidationError
from coprod_cli.grants.receipts import Receipt, read_receipt, store_receipt
from coprod_cli.involvement import TABLE
from coprod_cli.involvement.rates import Rate
from coprod_cli.money import format_money, parse_money
from coprod_cli.people import register as people

if TYPE_CHECKING:
    from coprod_cli.store.database import Store

MAX_HOURS_A_DAY = Decimal(24)
RECEIPTS_FOLDER = "involvement"  # under <home>/receipts/
_HOURS = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,2})?", re.ASCII)
#: "Bus fare:4.20" or "Bus fare:4.20:receipt.jpg"; the item may hold colons itself.
_EXPENSE = re.compile(r"(?P<item>.*?):\s*(?P<amount>£?\s*[0-9][0-9,]*(?:\.[0-9]*)?)\s*"
                      r"(?::(?P<receipt>.+))?", re.ASCII | re.DOTALL)
CHOICES = ("accept", "less:AMOUNT", "decline", "charity")
CHOICE_WORDS = {"accept": "took the payment", "less": "took less",
                "decline": "declined the payment", "charity": "gave it to charity"}


@dataclass(frozen=True)
class ExpenseIn:
    """One expense as typed, checked, with its receipt file read into memory."""

    item: str
    pence: int
    receipt: Receipt | None = None


@dataclass
class LogRequest:
    """Everything ``involve log`` was given, before any of it is checked against the store."""

    person: str
    activity: str
    day: date
    hours: Decimal | None = None
    rate: Rate | None = None
    fee_pence: int | None = None
    choice: str = "accept"
    less_pence: int | None = None
    expenses: list[ExpenseIn] = field(default_factory=list)


def parse_date(text: str) -> date:
    from coprod_cli import days

    try:
        day = date.fromisoformat(days.parse_day(text))  # YYYY-MM-DD, 'today' ...
    except UsageError:
        raise ValidationError(f"'{text}' is not a date; write it as year-month-day, like "
                              "2026-11-23, so nothing was saved.") from None
    if day > clock.today():
        raise ValidationError(f"The date {day.isoformat()} is in the future, so nothing was "
                              "saved.", hint="Log involvement once it has happened.")
    return day


def parse_hours(text: str) -> Decimal:
    """Hours in a day, like 2 or 1.5: more than 0 and no more than 24."""
    cleaned = text.strip()
    if cleaned.startswith("-"):
        raise ValidationError(f"The hours '{cleaned}' are negative; give how long it took, "
                              "like 2 or 1.5, so nothing was saved.")
    if not _HOURS.fullmatch(cleaned):
        raise ValidationError(f"'{cleaned}' is not a number of hours; give it like 2 or 1.5 "
                              "(up to two decimal places), so nothing was saved.")
    hours = Decimal(cleaned)
    if hours <= 0:
        raise ValidationError("The hours must be more than 0, so nothing was saved.",
                              hint="For involvement paid by a fee, give --fee instead.")
    if hours > MAX_HOURS_A_DAY:
        raise ValidationError(f"{cleaned} hours is more than the 24 hours in a day, so "
                              "nothing was saved.", hint="Log each day separately.")
    return hours


def parse_choice(text: str) -> tuple[str, int | None]:
    """accept, decline, charity, or less:AMOUNT (the amount in pence)."""
    cleaned = text.strip().lower()
    if cleaned in ("accept", "decline", "charity"):
        return cleaned, None
    if cleaned.startswith("less:"):
        return "less", parse_money(text.strip()[5:], what="amount they chose to take")
    raise ValidationError(f"'{text}' is not a choice coprod knows, so nothing was saved.",
                          hint="Give accept, less:AMOUNT (like less:10.00), decline or "
                               "charity.")


def parse_expenses(values: list[str], receipts: list[Path]) -> list[ExpenseIn]:
    """Each ``--expense "Item:AMOUNT[:RECEIPT FILE]"``, with the ``--receipt`` files paired in
    order: the first ``--receipt`` belongs to the first expense, and so on. An expense that
    names its own receipt file takes no ``--receipt``."""
    if len(receipts) > len(values):
        raise UsageError(f"There are {len(receipts)} receipts but only {len(values)} "
                         "expenses, so nothing was saved.",
                         hint="Give each --receipt after the --expense it belongs to, or put "
                              "the file in the expense: --expense \"Bus fare:4.20:bus.jpg\".")
    out = []
    for index, value in enumerate(values):
        match = _EXPENSE.fullmatch(value.strip())
        item = (match["item"] if match else value).strip()
        if match is None:
            raise ValidationError(f"The expense '{value.strip()}' has no amount, so nothing "
                                  "was saved.", hint="Write it as the item, a colon and the "
                                  "amount: --expense \"Bus fare:4.20\".")
        if not item:
            raise ValidationError(f"The expense '{value.strip()}' does not say what it was "
                                  "for, so nothing was saved.",
                                  hint="Write it like --expense \"Bus fare:4.20\".")
        pence = parse_money(match["amount"], what=f"amount of the expense '{item}'")
        inline = match["receipt"].strip() if match["receipt"] else None
        paired = receipts[index] if index < len(receipts) else None
        if inline and paired is not None:
            raise UsageError(f"The expense '{item}' names a receipt file and has a --receipt "
                             "too, so nothing was saved.", hint="Give one or the other.")
        path = Path(inline) if inline else paired
        out.append(ExpenseIn(people.clean_name(item), pence,
                             read_receipt(path) if path is not None else None))
    return out


def fee_for(rate: Rate, hours: Decimal) -> int:
    """An hourly rate times the hours, exact, rounded half up to the penny once; a session
    or day rate is paid whole whatever the hours."""
    if rate.per != "hour":
        return rate.pence
    return int((Decimal(rate.pence) * hours).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _check_payment(request: LogRequest) -> int:
    """The payment offered, after checking hours, rate and fee fit together."""
    if (request.fee_pence is None) == (request.rate is None):
        raise UsageError("Give either --hours with --rate, or --fee, so nothing was saved.",
                         hint="For example: --hours 2 --rate panel, or --fee 25.00.")
    if request.rate is not None:
        if request.hours is None:
            raise UsageError("A rate needs --hours too, so nothing was saved.",
                             hint="For example: --hours 2 --rate panel.")
        return fee_for(request.rate, request.hours)
    assert request.fee_pence is not None
    return request.fee_pence


def _hours_that_day(tx: Any, person_id: str, day: str) -> Decimal:
    return sum((Decimal(r["hours"]) for r in tx.all(TABLE, partition=day[:4])
                if r.get("person_id") == person_id and r.get("date") == day and r.get("hours")),
               Decimal(0))


def log(store: Store, request: LogRequest, receipts_dir: Path) -> dict[str, Any]:
    """Check everything, then save one involvement record (and copy its receipts)."""
    fee = _check_payment(request)
    choice, less = request.choice, request.less_pence
    if choice == "less":
        assert less is not None
        if less > fee:
            raise ValidationError(
                f"They chose to take {format_money(less)}, more than the payment of "
                f"{format_money(fee)}, so nothing was saved.",
                hint="Give less:AMOUNT no more than the payment, or accept.")
    paid = {"accept": fee, "less": less or 0, "decline": 0, "charity": 0}[choice]
    activity = request.activity.strip()
    if not activity:
        raise ValidationError("Say what they did with --activity, so nothing was saved.",
                              hint="For example: --activity \"Interview panel\".")
    day = request.day.isoformat()
    copied: list[Path] = []
    try:
        with store.transaction() as tx:
            person = people.find_person(tx, request.person)  # type: ignore[arg-type]
            if request.hours is not None:
                before = _hours_that_day(tx, person["id"], day)
                if before + request.hours > MAX_HOURS_A_DAY:
                    raise ValidationError(
                        f"{person['name']} already has {before} hours logged on {day}; "
                        f"{request.hours} more would be over the 24 hours in a day, so "
                        "nothing was saved.", hint="Check the hours and the date.")
            rid = f"inv-{day[:4]}-{secrets.token_hex(8)}"
            expenses = []
            for n, expense in enumerate(request.expenses, start=1):
                receipt = None
                if expense.receipt is not None:
                    stored_as = Receipt("receipt" + Path(expense.receipt.name).suffix,
                                        expense.receipt.data)
                    target = store_receipt(receipts_dir, RECEIPTS_FOLDER, f"{rid}-{n}",
                                           stored_as)
                    copied.append(target)
                    receipt = {"kind": "file", "file": f"{RECEIPTS_FOLDER}/{target.name}",
                               "original_name": expense.receipt.name,
                               "bytes": len(expense.receipt.data),
                               "sha256": expense.receipt.sha256}
                expenses.append({"item": expense.item, "pence": expense.pence,
                                 "receipt": receipt})
            record: dict[str, Any] = {
                "id": rid, "person_id": person["id"], "date": day, "activity": activity,
                "hours": str(request.hours) if request.hours is not None else None,
                "rate": request.rate.as_record() if request.rate else None,
                "fee_pence": fee, "choice": choice, "paid_pence": paid,
                "charity_pence": fee if choice == "charity" else 0,
                "expenses": expenses, "expenses_pence": sum(e.pence for e in request.expenses),
                "logged_at": clock.now_iso()}
            tx.insert(TABLE, record, partition=day[:4])
    except BaseException:
        for path in copied:  # the record was not saved, so neither are its copies
            path.unlink(missing_ok=True)
        raise
    return {**record, "person_name": person["name"]}


def logs(store: Any, *, person: str | None = None) -> list[dict[str, Any]]:
    """Every involvement record (one person's with ``person``), oldest first, each with the
    person's name (None for an anonymised row)."""
    names = {p["id"]: p["name"] for p in store.all(people.TABLE)}
    wanted = people.find_person(store, person)["id"] if person is not None else None
    rows = [r for r in store.all(TABLE) if wanted is None or r.get("person_id") == wanted]
    return [{**r, "person_name": names.get(r.get("person_id") or "")}
            for r in sorted(rows, key=lambda r: (r["date"], r["logged_at"], r["id"]))]


def describe(row: dict[str, Any]) -> str:
    """One log in words: "2026-11-20 Ceri: Interview panel, 2 hours at panel: £30.00 offered,
    took the payment; expenses £4.20"."""
    who = row.get("person_name") or "(anonymised)"
    how = (f"{row['hours']} hours at {row['rate']['name']}" if row.get("rate")
           else "a fee")
    text = (f"{row['date']} {who}: {row['activity']}, {how}: {format_money(row['fee_pence'])} "
            f"offered, {CHOICE_WORDS[row['choice']]}")
    if row["choice"] == "less":
        text += f" ({format_money(row['paid_pence'])})"
    if row["expenses"]:
        text += f"; expenses {format_money(row['expenses_pence'])} repaid"
    return text
