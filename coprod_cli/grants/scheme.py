"""The small-grants scheme: applications, decisions, spending with receipts, closing, totals.

A grant is one record in the ``grants`` table (partition ``all``: 300 grants in ten years is
a small file) holding its itemised costs, its decision and every spend line, so a grant's
totals are always computed from its own lines and can never drift from them. Money is integer
pence (``coprod_cli.money``); typed answers are read by ``grant_input`` and
receipt files handled by ``receipts``. Status only moves forward (``NEXT``), and every change that
depends on a check — "is there money left?" — reads and writes inside one store transaction,
so two terminals spending at once can never overspend. Funds raised (a donation stall's
takings, ``funds.py``) add to the yearly pot, as does money left unspent when a grant closes.
"""

from __future__ import annotations

import calendar
import secrets
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, get_args

from coprod_cli import clock
from coprod_cli.errors import NotFoundError, UsageError, ValidationError

# Funds raised live in funds.py; the names stay importable from here for callers.
from coprod_cli.grants.funds import FUNDS as FUNDS
from coprod_cli.grants.funds import add_fund as add_fund
from coprod_cli.grants.funds import funds as funds
from coprod_cli.grants.funds import raised_pence
from coprod_cli.grants.receipts import Receipt, store_receipt
from coprod_cli.money import format_money
from coprod_cli.people import register as people

if TYPE_CHECKING:
    from coprod_cli.store.database import Store

TABLE = "grants"
PARTITION = "all"
Status = Literal["draft", "submitted", "approved", "rejected", "closed"]
STATUSES: tuple[str, ...] = get_args(Status)
#: The only moves a grant can make; nothing ever goes back.
NEXT: dict[str, tuple[str, ...]] = {
    "draft": ("submitted",), "submitted": ("approved", "rejected"), "approved": ("closed",),
    "rejected": (), "closed": (),
}


def today() -> date:
    """The local date from the one clock; a function so tests can move the scheme's calendar."""
    return clock.today()


def now_iso() -> str:
    return clock.now_iso()


class Records(Protocol):
    """A :class:`Store` or one of its transactions: both can list a table."""

    def all(self, table: str, *, partition: str | None = None) -> list[dict[str, Any]]: ...


@dataclass(frozen=True)
class Scheme:
    """The scheme's rules, from settings: cap per application, yearly budget, spend-by."""

    cap_pence: int = 15000
    budget_pence: int | None = None
    spend_months: int = 12

    @classmethod
    def from_settings(cls, settings: Any) -> Scheme:
        return cls(settings.grant_cap_pence, settings.grant_budget_pence,
                   settings.grant_spend_months)


def add_months(start: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day (31 Jan + 1 → 28/29 Feb)."""
    years, month0 = divmod(start.month - 1 + months, 12)
    year = start.year + years
    day = min(start.day, calendar.monthrange(year, month0 + 1)[1])
    return date(year, month0 + 1, day)


# -- reading grants -----------------------------------------------------------------------

def all_grants(records: Records) -> list[dict[str, Any]]:
    return sorted(records.all(TABLE, partition=None), key=lambda g: (g["created_at"], g["id"]))


def find_grant(records: Records, ref: str) -> dict[str, Any]:
    """One grant by its full id, or an unambiguous start or end of it (``a1b2c3``)."""
    key = ref.strip().lower()
    grants = all_grants(records)
    exact = [g for g in grants if g["id"] == key]
    found = exact or ([g for g in grants if g["id"].startswith(key) or g["id"].endswith(key)]
                      if len(key) >= 4 else [])
    if len(found) == 1:
        return found[0]
    if not found:
        raise NotFoundError(f"There is no grant '{ref}'.",
                            hint="Run 'coprod grant list' to see every grant and its id.")
    raise ValidationError(f"More than one grant matches '{ref}': "
                          + ", ".join(g["id"] for g in found) + ".",
                          hint="Use the whole id.")


def spent_pence(grant: dict[str, Any]) -> int:
    return sum(line["pence"] for line in grant.get("spending", []))


def approved_pence(grant: dict[str, Any]) -> int:
    decision = grant.get("decision") or {}
    return decision.get("amount_pence", 0) if decision.get("outcome") == "approved" else 0


def remaining_pence(grant: dict[str, Any]) -> int:
    return approved_pence(grant) - spent_pence(grant) if grant["status"] == "approved" else 0


def is_overdue(grant: dict[str, Any], on: date | None = None) -> bool:
    """Approved, not closed, and past its spend-by date (money unspent or no report yet)."""
    spend_by = grant.get("spend_by")
    return (grant["status"] == "approved" and spend_by is not None
            and (on or today()) > date.fromisoformat(spend_by))


def summary(grant: dict[str, Any], on: date | None = None) -> dict[str, Any]:
    """One grant's figures, all derived from its own lines."""
    return {
        "id": grant["id"], "status": grant["status"], "year": grant["year"],
        "service": grant["service"], "title": grant["title"],
        "asked_pence": grant["amount_pence"], "approved_pence": approved_pence(grant),
        "spent_pence": spent_pence(grant), "remaining_pence": remaining_pence(grant),
        "returned_pence": (grant.get("closure") or {}).get("returned_pence", 0),
        "spend_by": grant.get("spend_by"), "overdue": is_overdue(grant, on),
    }


@dataclass
class Totals:
    """A year of the scheme. ``left`` is None when no yearly budget is set (no limit)."""

    year: int
    budget_pence: int | None
    raised_pence: int = 0
    asked_pence: int = 0          # submitted, waiting for a decision
    approved_pence: int = 0
    spent_pence: int = 0
    returned_pence: int = 0       # unspent money from closed grants, back in the pot
    grants: int = 0
    overdue: int = 0
    by_status: dict[str, int] = field(default_factory=dict)

    @property
    def committed_pence(self) -> int:
        return self.approved_pence - self.returned_pence

    @property
    def left_pence(self) -> int | None:
        if self.budget_pence is None:
            return None
        return self.budget_pence + self.raised_pence - self.committed_pence

    def as_dict(self) -> dict[str, Any]:
        return {"year": self.year, "budget_pence": self.budget_pence,
                "raised_pence": self.raised_pence, "pot_pence": self.pot_pence,
                "waiting_pence": self.asked_pence, "approved_pence": self.approved_pence,
                "spent_pence": self.spent_pence, "returned_pence": self.returned_pence,
                "committed_pence": self.committed_pence, "left_pence": self.left_pence,
                "grants": self.grants, "overdue": self.overdue, "by_status": self.by_status}

    @property
    def pot_pence(self) -> int | None:
        return None if self.budget_pence is None else self.budget_pence + self.raised_pence

    def explain_left(self) -> str:
        """The sum behind "left", so a refusal shows its working."""
        return (f"{format_money(self.budget_pence or 0)} budget + "
                f"{format_money(self.raised_pence)} raised - "
                f"{format_money(self.approved_pence)} approved + "
                f"{format_money(self.returned_pence)} returned")


def totals(records: Records, scheme: Scheme, year: int, on: date | None = None) -> Totals:
    result = Totals(year=year, budget_pence=scheme.budget_pence)
    result.raised_pence = raised_pence(records, year)
    for grant in records.all(TABLE, partition=None):
        if grant["year"] != year:
            continue
        result.grants += 1
        result.by_status[grant["status"]] = result.by_status.get(grant["status"], 0) + 1
        if grant["status"] == "submitted":
            result.asked_pence += grant["amount_pence"]
        result.approved_pence += approved_pence(grant)
        result.spent_pence += spent_pence(grant)
        result.returned_pence += (grant.get("closure") or {}).get("returned_pence", 0)
        result.overdue += is_overdue(grant, on)
    return result


# -- applying -----------------------------------------------------------------------------

@dataclass
class Application:
    """Everything an application asks, already parsed (the CLI gathers it by flag or prompt)."""

    service: str
    title: str
    activity: str
    link: dict[str, str]
    coproducers: list[dict[str, Any]]
    planners_using_services: int
    items: list[dict[str, Any]]
    amount_pence: int
    people_expected: int
    benefit: str
    start: date
    by: dict[str, Any]


def check_amount(items: list[dict[str, Any]], amount_pence: int, scheme: Scheme) -> None:
    """Items must add up to the amount asked, and the amount must be within the cap."""
    total = sum(i["pence"] for i in items)
    if total != amount_pence:
        raise ValidationError(
            f"The cost items add up to {format_money(total)}, but the amount asked for is "
            f"{format_money(amount_pence)}.",
            problems=[f"{i['item']}: {format_money(i['pence'])}" for i in items],
            hint="Change an item or the amount so they match to the penny.")
    check_cap(amount_pence, scheme)


def check_cap(amount_pence: int, scheme: Scheme) -> None:
    if amount_pence > scheme.cap_pence:
        raise ValidationError(
            f"{format_money(amount_pence)} is over the scheme's cap of "
            f"{format_money(scheme.cap_pence)} per application, by "
            f"{format_money(amount_pence - scheme.cap_pence)}.",
            hint="Ask for less, or change grant_cap_pence in config.yaml if the scheme changed.")


def _check_budget(records: Records, scheme: Scheme, year: int, amount_pence: int,
                  doing: str) -> None:
    pot = totals(records, scheme, year)
    left = pot.left_pence
    if left is not None and amount_pence > left:
        raise ValidationError(
            f"{doing} {format_money(amount_pence)} is more than the {format_money(max(left, 0))}"
            f" left in the {year} budget ({pot.explain_left()}).",
            hint="Ask for less, add funds raised with 'coprod grant fund add', or wait for "
                 "a grant to close and return what it did not spend.")


def _check_application(app: Application, scheme: Scheme) -> None:
    if not app.items:
        raise UsageError("An application needs at least one cost item.",
                         hint="Add each cost as --item 'what:amount', e.g. 'Compost:12.50'.")
    check_amount(app.items, app.amount_pence, scheme)
    if not app.coproducers:
        raise UsageError("Name at least one person who co-produced the idea.",
                         hint="Use --co-producer 'Name:role', once per person.")
    if app.planners_using_services < 1:
        raise ValidationError("The scheme funds activities planned together, but no people "
                              "using services took part in planning.",
                              hint="Plan it together first, then give --planners.")
    listed = sum(1 for c in app.coproducers if c["role"] == "person-using-services")
    if listed > app.planners_using_services:
        raise ValidationError(f"{listed} people using services are named as co-producers, "
                              f"but --planners says {app.planners_using_services} took part.",
                              hint="Give --planners as at least the number named.")
    if app.people_expected < 1:
        raise UsageError("Say how many people are expected to benefit (at least 1).")
    if app.start < today():
        raise ValidationError(f"The start date {app.start.isoformat()} is in the past; the "
                              "scheme does not fund activities retrospectively.",
                              hint="Give a start date from today on.")


def _new_id(records: Records, year: int) -> str:
    taken = {g["id"] for g in records.all(TABLE, partition=None)}
    while True:
        gid = f"g-{year}-{secrets.token_hex(8)}"  # 64 random bits: unique across services
        if gid not in taken:
            return gid


def apply(store: Store, app: Application, scheme: Scheme, *,
          draft: bool = False) -> dict[str, Any]:
    """Save an application, submitted (budget checked) or as a draft to finish later."""
    _check_application(app, scheme)
    stamp, year = now_iso(), today().year
    status = "draft" if draft else "submitted"
    with store.transaction() as tx:
        if not draft:
            _check_budget(tx, scheme, year, app.amount_pence, "Asking for")
        record: dict[str, Any] = {
            "id": _new_id(tx, year), "year": year, "status": status,
            "service": app.service, "title": app.title, "activity": app.activity,
            "link": app.link, "coproducers": app.coproducers,
            "planners_using_services": app.planners_using_services,
            "items": app.items, "amount_pence": app.amount_pence,
            "people_expected": app.people_expected, "benefit": app.benefit,
            "start_date": app.start.isoformat(), "created_at": stamp, "created_by": app.by,
            "history": [{"status": status, "at": stamp, "by": app.by}],
            "decision": None, "conflicts": [], "spend_by": None, "spending": [],
            "closure": None, "updated_at": stamp,
        }
        tx.insert(TABLE, record, partition=PARTITION)
    return record


def check_move(grant: dict[str, Any], to: str) -> None:
    """Refuse a status move that ``NEXT`` does not allow: status only moves forward."""
    now = grant["status"]
    if to not in NEXT[now]:
        allowed = " or ".join(NEXT[now]) or "nothing: it is final"
        raise ValidationError(f"Grant {grant['id']} is {now}, so it cannot become {to}; "
                              f"from {now} it can only become {allowed}.",
                              hint="A grant's status only moves forward: draft, submitted, "
                                   "approved or rejected, closed.")


def _move(grant: dict[str, Any], to: str, by: dict[str, Any], stamp: str) -> dict[str, Any]:
    """The changes for a status move, refused unless ``NEXT`` allows it."""
    check_move(grant, to)
    return {"status": to, "updated_at": stamp,
            "history": [*grant["history"], {"status": to, "at": stamp, "by": by}]}


def submit(store: Store, ref: str, scheme: Scheme, by: dict[str, Any]) -> dict[str, Any]:
    """A draft becomes a submitted application, checked against today's cap and budget."""
    with store.transaction() as tx:
        grant = find_grant(tx, ref)
        changes = _move(grant, "submitted", by, now_iso())
        check_cap(grant["amount_pence"], scheme)
        _check_budget(tx, scheme, grant["year"], grant["amount_pence"], "Asking for")
        return tx.update(TABLE, grant["id"], changes, partition=PARTITION)


# -- deciding -----------------------------------------------------------------------------

def named_on(grant: dict[str, Any], person: dict[str, Any]) -> str | None:
    """Why ``person`` is part of this application (a conflict of interest), or None."""
    def same(a: dict[str, Any]) -> bool:
        if a.get("person_id") and person.get("person_id"):
            return bool(a["person_id"] == person["person_id"])
        return people.name_key(a["name"]) == people.name_key(person["name"])

    if same(grant["created_by"]):
        return "entered this application"
    if any(same(c) for c in grant["coproducers"]):
        return "is named as one of its co-producers"
    return None


def decide(store: Store, ref: str, scheme: Scheme, *, approve: bool, by: dict[str, Any],
           conflict: str | None, amount_pence: int | None = None,
           reason: str = "") -> dict[str, Any]:
    """Approve (all or part) or reject a submitted application.

    A declared conflict of interest is recorded on the grant, and then the decision is
    refused: someone with a conflict declares it and leaves the room.
    """
    stamp = now_iso()
    declared = False
    with store.transaction() as tx:
        grant = find_grant(tx, ref)
        changes = _move(grant, "approved" if approve else "rejected", by, stamp)
        if conflict:
            conflicts = [*grant.get("conflicts", []),
                         {"by": by, "at": stamp, "conflict": conflict}]
            tx.update(TABLE, grant["id"], {"conflicts": conflicts, "updated_at": stamp},
                      partition=PARTITION)
            declared = True
        else:
            why = named_on(grant, by)
            if why:
                raise ValidationError(
                    f"{by['name']} {why}, so deciding on it would be a conflict of interest.",
                    hint="Another panel member without a conflict must decide.")
            decision: dict[str, Any] = {"outcome": "approved" if approve else "rejected",
                                        "by": by, "at": stamp, "date": today().isoformat(),
                                        "reason": reason,
                                        "conflict": "none declared", "amount_pence": 0}
            if approve:
                amount = grant["amount_pence"] if amount_pence is None else amount_pence
                if amount > grant["amount_pence"]:
                    raise ValidationError(
                        f"{format_money(amount)} is more than the application asked for "
                        f"({format_money(grant['amount_pence'])}).",
                        hint="Approve the amount asked for, or part of it.")
                check_cap(amount, scheme)
                _check_budget(tx, scheme, grant["year"], amount, "Approving")
                decision["amount_pence"] = amount
                changes["spend_by"] = add_months(today(), scheme.spend_months).isoformat()
            elif not reason:
                raise UsageError("A rejection needs a reason, to tell the applicants.",
                                 hint="Give --reason TEXT.")
            changes["decision"] = decision
            return tx.update(TABLE, grant["id"], changes, partition=PARTITION)
    assert declared
    raise ValidationError(
        f"{by['name']} declared a conflict of interest, so cannot decide on grant "
        f"{grant['id']}; the declaration has been recorded.",
        hint="Another panel member without a conflict must decide.")


# -- spending -----------------------------------------------------------------------------

def spend(store: Store, ref: str, *, pence: int, item: str, by: dict[str, Any],
          receipts_dir: Path, on: date | None = None, receipt: Receipt | None = None,
          receipt_ref: str | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Record money spent from an approved grant; never more than is left of it.

    The check and the write happen under one lock. A receipt file is copied into
    ``receipts_dir/<grant id>/`` (owner-only) and its sha256 kept on the line, so a later
    check can show the copy is the one that was entered.
    """
    if receipt is not None and receipt_ref:
        raise UsageError("Give either --receipt or --receipt-ref, not both.")
    when = on or today()
    if when > today():
        raise ValidationError(f"The spending date {when.isoformat()} is in the future.",
                              hint="Record spending once the money has been spent.")
    copied: Path | None = None
    try:
        with store.transaction() as tx:
            grant = find_grant(tx, ref)
            check_can_spend(grant)
            decided = date.fromisoformat(grant["decision"]["date"])
            if when < decided:
                raise ValidationError(
                    f"The spending date {when.isoformat()} is before the grant was approved "
                    f"({decided.isoformat()}); the scheme does not fund spending "
                    "retrospectively.", hint="Check the date on the receipt.")
            left = remaining_pence(grant)
            if pence > left:
                raise ValidationError(
                    f"{format_money(pence)} is more than the {format_money(left)} left of "
                    f"grant {grant['id']} ({format_money(approved_pence(grant))} approved, "
                    f"{format_money(spent_pence(grant))} spent).",
                    hint="Record only what the grant paid for; anything over came from "
                         "elsewhere.")
            line_id = secrets.token_hex(8)
            line: dict[str, Any] = {
                "id": line_id, "date": when.isoformat(), "item": item, "pence": pence,
                "receipt": None, "by": by, "entered_at": now_iso(),
                "late": when > date.fromisoformat(grant["spend_by"]),
            }
            if receipt is not None:
                copied = store_receipt(receipts_dir, grant["id"], line_id, receipt)
                line["receipt"] = {"kind": "file", "file": f"{grant['id']}/{copied.name}",
                                   "original_name": receipt.name, "bytes": len(receipt.data),
                                   "sha256": receipt.sha256}
            elif receipt_ref:
                line["receipt"] = {"kind": "ref", "ref": receipt_ref}
            updated = tx.update(TABLE, grant["id"],
                                {"spending": [*grant["spending"], line],
                                 "updated_at": line["entered_at"]}, partition=PARTITION)
    except BaseException:
        if copied is not None:  # the line was not saved, so neither is its copy
            copied.unlink(missing_ok=True)
        raise
    return updated, line


def check_can_spend(grant: dict[str, Any]) -> None:
    """Only an approved grant takes spending: not a draft, a rejection or a closed grant."""
    if grant["status"] != "approved":
        raise ValidationError(f"Grant {grant['id']} is {grant['status']}, so it cannot take "
                              "spending; only an approved grant can.",
                              hint=_status_hint(grant["status"]))


def _status_hint(status: str) -> str:
    return {"draft": "Submit it first with 'coprod grant submit ID', then decide on it.",
            "submitted": "Decide on it first with 'coprod grant decide ID --approve'.",
            "rejected": "A rejected application takes no spending.",
            "closed": "A closed grant takes no more spending; its unspent money went back "
                      "to the pot."}.get(status, "")


# -- closing ------------------------------------------------------------------------------

def close(store: Store, ref: str, *, what_happened: str, people_benefited: int,
          learning: str, by: dict[str, Any]) -> dict[str, Any]:
    """End an approved grant: what happened, who benefited, and what goes back to the pot."""
    stamp = now_iso()
    with store.transaction() as tx:
        grant = find_grant(tx, ref)
        changes = _move(grant, "closed", by, stamp)
        unspent = approved_pence(grant) - spent_pence(grant)
        changes["closure"] = {"at": stamp, "by": by, "what_happened": what_happened,
                              "people_benefited": people_benefited, "learning": learning,
                              "spent_pence": spent_pence(grant), "returned_pence": unspent}
        return tx.update(TABLE, grant["id"], changes, partition=PARTITION)
