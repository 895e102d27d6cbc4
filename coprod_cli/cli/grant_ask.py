"""The questions ``coprod grant`` asks when an answer was not given as a flag.

Each answer given as a flag is used as it is; each missing one is asked (naming its flag), and
a wrong answer is explained and asked again. With nothing to read, the prompt fails naming the
flag to pass. The rules themselves live in ``coprod_cli.grants.scheme``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from coprod_cli.cli.context import state
from coprod_cli.cli.prompts import ask, ask_valid
from coprod_cli.errors import CoprodError, NoTerminalError, UsageError
from coprod_cli.grants import parsing as grant_input
from coprod_cli.grants import receipts
from coprod_cli.grants import scheme as grants
from coprod_cli.money import format_money, parse_money

MAX_TRIES = 5


def ask_by(value: str | None, question: str = "Who is entering this?") -> dict[str, Any]:
    """Who did it: a person from the register, or a name as typed."""
    store = state().store()
    if value is not None:
        return grant_input.who(store, value)
    return ask_valid(question, lambda text: grant_input.who(store, text), flag="--by")


def _ask_list(intro: str, question: str, parse: Any, flag: str) -> list[Any]:
    """Several answers, one a line, until an empty line (at least one is needed)."""
    state().console().print(intro, markup=False)
    found: list[Any] = []
    tries = 0
    while True:
        answer = ask(f"{question} {len(found) + 1}", flag=flag, default="" if found else None)
        if not answer:
            if found:
                return found
            message = "At least one is needed."
        else:
            try:
                found.append(parse(answer))
                continue
            except CoprodError as exc:
                message = exc.message
        tries += 1
        state().console().print(f"  {message}", markup=False)
        if tries >= MAX_TRIES:
            raise NoTerminalError(f"No usable answer to \"{question}\" after {tries} tries.",
                                  hint=f"Pass {flag} instead.")


def ask_application(scheme: grants.Scheme, *, service: str | None, title: str | None,
                    activity: str | None, link: str | None, coproducers: list[str] | None,
                    planners: int | None, items: list[str] | None, amount: str | None,
                    people_expected: int | None, benefit: str | None, start: str | None,
                    by: str | None) -> grants.Application:
    """Gather a whole application, from flags where given and questions where not."""
    store = state().store()
    library = state().library()
    session_ids = [s.id for s in library.all()]
    themes = library.themes()

    def text(value: str | None, question: str, what: str, flag: str) -> str:
        if value is not None:
            return grant_input.clean_text(value, what)
        return ask_valid(question, lambda t: grant_input.clean_text(t, what), flag=flag)

    svc = service if service is not None else state().settings().service
    svc = text(svc or None, "Which service is applying?", "service", "--service")
    name = text(title, "A short title for the activity (e.g. Memory garden)", "title", "--title")
    what = text(activity, "What is the activity?", "activity", "--activity")

    def to_link(t: str) -> dict[str, str]:
        return grant_input.resolve_link(t, session_ids, themes)

    linked = to_link(link) if link is not None else ask_valid(
        f"Which theme ({', '.join(themes)}) or session id does it link to?", to_link,
        flag="--link")
    people = [grant_input.parse_coproducer(store, c) for c in coproducers] if coproducers else \
        _ask_list("Who co-produced the idea? One person a line as 'Name:role' "
                  "(e.g. Ceri:person-using-services); an empty line ends the list.",
                  "Co-producer", lambda t: grant_input.parse_coproducer(store, t), "--co-producer")

    def count(value: int | None, question: str, what: str, flag: str) -> int:
        if value is not None:
            if value < 0:
                raise UsageError(f"The number of {what} cannot be negative.")
            return value
        return ask_valid(question, lambda t: grant_input.parse_count(t, what), flag=flag)

    planned = count(planners, "How many people using services took part in planning?",
                    "people using services who planned it", "--planners")
    costs = [grant_input.parse_item(i) for i in items] if items else _ask_list(
        "Cost items, one a line as 'what:amount' (e.g. Compost:12.50); an empty line "
        "ends the list.", "Item", grant_input.parse_item, "--item")
    total = sum(i["pence"] for i in costs)

    def to_amount(t: str) -> int:
        pence = parse_money(t, what="amount asked for")
        grants.check_amount(costs, pence, scheme)
        return pence

    asked = parse_money(amount, what="amount asked for") if amount is not None else ask_valid(
        f"Amount asked for (the cap is {format_money(scheme.cap_pence)})", to_amount,
        flag="--amount", default=format_money(total))
    reach = count(people_expected, "How many people are expected to benefit?",
                  "people expected to benefit", "--people")
    good = text(benefit, "What difference will it make for them?", "benefit", "--benefit")

    def to_start(t: str) -> Any:
        day = grant_input.parse_date(t, "start date")
        if day < grants.today():
            raise UsageError("The start date is in the past; the scheme does not fund "
                             "activities retrospectively.")
        return day

    begins = grant_input.parse_date(start, "start date") if start is not None else ask_valid(
        "Start date (YYYY-MM-DD)", to_start, flag="--start",
        default=grants.today().isoformat())
    return grants.Application(
        service=svc, title=name, activity=what, link=linked, coproducers=people,
        planners_using_services=planned, items=costs, amount_pence=asked,
        people_expected=reach, benefit=good, start=begins, by=ask_by(by))


def ask_receipt() -> tuple[receipts.Receipt | None, str | None]:
    """A receipt file (copied in) or a reference; an empty answer means there is none."""
    def parse(text: str) -> tuple[receipts.Receipt | None, str | None]:
        value = text.strip()
        if not value:
            return None, None
        if Path(value).expanduser().is_file():
            return receipts.read_receipt(Path(value)), None
        return None, grant_input.clean_text(value, "receipt reference", max_len=200)

    return ask_valid("Receipt: a file to copy, or a reference such as an invoice number "
                     "(empty if none)", parse,
                     flag="--receipt, --receipt-ref or --no-receipt", default="")
