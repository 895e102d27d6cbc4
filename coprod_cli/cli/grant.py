"""``coprod grant``: apply for a small grant, decide, spend, close and report, to the penny.

Thin commands: each gathers its answers (a flag, else a prompt naming that flag), calls one
function in ``coprod_cli.grants.scheme``, and presents the result with ``grant_view``.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from coprod_cli.cli import new_app
from coprod_cli.cli.context import state
from coprod_cli.cli.grant_ask import ask_application, ask_by, ask_receipt
from coprod_cli.cli.grant_view import Format, emit, say, show_grant, show_list, show_report
from coprod_cli.cli.prompts import ask_valid, confirm
from coprod_cli.errors import UsageError
from coprod_cli.grants import parsing as grant_input
from coprod_cli.grants import receipts
from coprod_cli.grants import scheme as grants
from coprod_cli.money import format_money, parse_money

app = new_app("Small grants: apply, decide, spend, close and report, to the penny.\n\n"
              "Example: coprod grant list --status approved")
fund_app = new_app("Funds raised for the grants pot, such as a stall's takings.\n\n"
                   "Example: coprod grant fund add 42.50 --source \"Summer fair stall\"")
app.add_typer(fund_app, name="fund")

ID_HELP = "The grant's id, or its last six characters."
BY_HELP = "Who is entering this: a name from the people register, or any name."
OUT_HELP = "Write to this file instead of the screen (needed for pdf; has a default)."


class PdfStyle(StrEnum):
    standard = "standard"
    easy_read = "easy-read"


def _scheme() -> grants.Scheme:
    return grants.Scheme.from_settings(state().settings())


def _receipts_dir() -> Path:
    return state().home / "receipts"


#: "-3" is an amount someone typed, not an option: let it reach parse_money, which says it
#: is negative, instead of Click's "No such option: -3".
NEGATIVE_AMOUNTS = {"ignore_unknown_options": True}


@app.command("apply")
def apply_cmd(
    service: Annotated[str | None, typer.Option(
        help="The service applying (default: yours, from settings).")] = None,
    title: Annotated[str | None, typer.Option(help="A short name, e.g. 'Memory garden'.")
                     ] = None,
    activity: Annotated[str | None, typer.Option(
        help="What the activity is, in a sentence or two.")] = None,
    link: Annotated[str | None, typer.Option(
        help="The theme (e.g. wellbeing) or session id it links to in the programme.")] = None,
    co_producer: Annotated[list[str] | None, typer.Option(
        "--co-producer", help="Who co-produced the idea, as 'Name:role'; repeat for each.")
    ] = None,
    planners: Annotated[int | None, typer.Option(
        help="How many people using services took part in planning.")] = None,
    item: Annotated[list[str] | None, typer.Option(
        "--item", help="A cost as 'what:amount', e.g. 'Compost:12.50'; repeat for each.")
    ] = None,
    amount: Annotated[str | None, typer.Option(
        help="The total asked for; the items must add up to it.")] = None,
    people_expected: Annotated[int | None, typer.Option(
        "--people", help="How many people are expected to benefit.")] = None,
    benefit: Annotated[str | None, typer.Option(
        help="The difference it will make for them.")] = None,
    start: Annotated[str | None, typer.Option(
        help="Start date, YYYY-MM-DD (today or later: nothing is funded retrospectively).")
    ] = None,
    by: Annotated[str | None, typer.Option(help=BY_HELP)] = None,
    draft: Annotated[bool, typer.Option(
        "--draft", help="Save as a draft to submit later with 'coprod grant submit'.")
    ] = False,
    pdf: Annotated[Path | None, typer.Option(
        help="Also write a printable PDF of the application to this file.")] = None,
    style: Annotated[PdfStyle, typer.Option(
        help="Style of the PDF: standard or easy-read.")] = PdfStyle.standard,
) -> None:
    """Apply for a small grant, guided step by step or entirely by options.

    Costs are itemised and must add up to the amount asked for; applications over the cap or
    over what is left of the yearly budget are refused with the figures.

    Example: coprod grant apply --title "Memory garden" --item "Compost:12.50" --amount 12.50
    """
    if pdf is not None and not pdf.expanduser().parent.is_dir():
        raise UsageError(f"The folder {pdf.expanduser().parent} does not exist, so the PDF "
                         "could not be saved there.", hint="Give --pdf a file in a folder that "
                         "exists.")
    scheme = _scheme()
    application = ask_application(
        scheme, service=service, title=title, activity=activity, link=link,
        coproducers=co_producer, planners=planners, items=item, amount=amount,
        people_expected=people_expected, benefit=benefit, start=start, by=by)
    grant = grants.apply(state().store(), application, scheme, draft=draft)
    say(f"Saved application {grant['id']}: '{grant['title']}', asking for "
        f"{format_money(grant['amount_pence'])} ({len(grant['items'])} cost "
        f"item{'' if len(grant['items']) == 1 else 's'}).")
    if draft:
        say(f"It is a draft. Submit it with: coprod grant submit {grant['id']}")
    else:
        say(f"It is waiting for a decision: coprod grant decide {grant['id']} --approve")
    if pdf is not None:
        from coprod_cli.grants import documents as grant_docs

        settings = state().settings()
        path = grant_docs.render_pdf(
            lambda esc: grant_docs.application_markdown(
                grant, esc, organisation=settings.organisation,
                easy_read=style is PdfStyle.easy_read),
            pdf, title=f"Small grant application: {grant['title']}",
            author=settings.organisation or grant["created_by"]["name"],
            subject="Small grant application", style=style.value)
        say(f"Wrote the application to {path}.")


@app.command("submit")
def submit_cmd(
    grant_id: Annotated[str, typer.Argument(metavar="ID", help=ID_HELP)],
    by: Annotated[str | None, typer.Option(help=BY_HELP)] = None,
) -> None:
    """Submit a draft application, checked against the cap and what is left of the budget.

    Example: coprod grant submit 3f9a1c --by Sam
    """
    who = ask_by(by, "Who is submitting it?")
    grant = grants.submit(state().store(), grant_id, _scheme(), who)
    say(f"Submitted {grant['id']}: '{grant['title']}', asking for "
        f"{format_money(grant['amount_pence'])}.")


@app.command("decide", context_settings=NEGATIVE_AMOUNTS)
def decide_cmd(
    grant_id: Annotated[str, typer.Argument(metavar="ID", help=ID_HELP)],
    amount: Annotated[str | None, typer.Argument(
        metavar="AMOUNT", help="With --approve: the amount approved, if less than asked.",
        show_default=False)] = None,
    approve: Annotated[bool, typer.Option("--approve", help="Approve it.")] = False,
    reject: Annotated[bool, typer.Option("--reject", help="Reject it (needs --reason).")
                      ] = False,
    reason: Annotated[str | None, typer.Option(
        help="Why: required to reject, optional for a part approval.")] = None,
    by: Annotated[str | None, typer.Option(help="Who is deciding.")] = None,
    conflict: Annotated[str | None, typer.Option(
        help="Declare a conflict of interest (the decider then cannot decide).")] = None,
    no_conflict: Annotated[bool, typer.Option(
        "--no-conflict", help="The decider declares no conflict of interest.")] = False,
) -> None:
    """Approve (all or part) or reject a submitted application, recording who and when.

    Example: coprod grant decide 3f9a1c --approve 120 --by "Pat" --no-conflict
    """
    if approve and reject:
        raise UsageError("Choose --approve or --reject, not both.")
    if conflict is not None and no_conflict:
        raise UsageError("Choose --conflict TEXT or --no-conflict, not both.")
    if amount is not None and reject:
        raise UsageError("An amount goes with --approve only.")
    pence = parse_money(amount, what="approved amount") if amount is not None else None
    store = state().store()
    grant = grants.find_grant(store, grant_id)
    grants.check_move(grant, "rejected" if reject else "approved")  # before any question
    say(f"Grant {grant['id']}: '{grant['title']}' ({grant['service'] or 'no service'}), "
        f"asks for {format_money(grant['amount_pence'])}; status {grant['status']}.")
    who = ask_by(by, "Who is deciding?")
    if conflict is None and not no_conflict:
        if confirm(f"Does {who['name']} have a conflict of interest with this application?",
                   flag="--no-conflict or --conflict"):
            conflict = ask_valid("What is the conflict?",
                                 lambda t: grant_input.clean_text(t, "conflict"), flag="--conflict")
    elif conflict is not None:
        conflict = grant_input.clean_text(conflict, "conflict")
    asked_outcome = not (approve or reject)
    if asked_outcome and not conflict:
        approve = ask_valid("Approve or reject? (approve/reject)", _outcome,
                            flag="--approve or --reject")
    if approve and pence is None and asked_outcome:
        pence = ask_valid("Amount approved", lambda t: parse_money(t, what="approved amount"),
                          flag="AMOUNT", default=format_money(grant["amount_pence"]))
    if not approve and not conflict and reason is None:
        reason = ask_valid("Reason (it is shared with the applicants)",
                           lambda t: grant_input.clean_text(t, "reason"), flag="--reason")
    grant = grants.decide(store, grant["id"], _scheme(), approve=approve, by=who,
                          conflict=conflict, amount_pence=pence,
                          reason=grant_input.clean_text(reason, "reason", required=False))
    decision = grant["decision"]
    if decision["outcome"] == "approved":
        part = " (part of what was asked)" if decision["amount_pence"] < grant["amount_pence"] \
            else ""
        say(f"Approved {format_money(decision['amount_pence'])}{part} for {grant['id']}, "
            f"decided by {who['name']}. Spend by {grant['spend_by']}.")
    else:
        say(f"Rejected {grant['id']}, decided by {who['name']}: {decision['reason']}")


def _outcome(text: str) -> bool:
    key = text.strip().lower()
    if key in ("a", "approve", "approved", "yes", "y"):
        return True
    if key in ("r", "reject", "rejected", "no", "n"):
        return False
    raise UsageError("Please answer approve or reject.")


@app.command("spend", context_settings=NEGATIVE_AMOUNTS)
def spend_cmd(
    grant_id: Annotated[str, typer.Argument(metavar="ID", help=ID_HELP)],
    amount: Annotated[str | None, typer.Argument(
        metavar="AMOUNT", help="How much was spent, e.g. 12.50.", show_default=False)] = None,
    item: Annotated[str | None, typer.Option(help="What it was spent on.")] = None,
    receipt: Annotated[Path | None, typer.Option(
        help="A receipt file (photo or PDF) to copy into your records.")] = None,
    receipt_ref: Annotated[str | None, typer.Option(
        help="A receipt or invoice reference, when there is no file.")] = None,
    no_receipt: Annotated[bool, typer.Option(
        "--no-receipt", help="There is no receipt for this spending.")] = False,
    on: Annotated[str | None, typer.Option(
        "--date", help="When it was spent, YYYY-MM-DD (default: today).")] = None,
    by: Annotated[str | None, typer.Option(help=BY_HELP)] = None,
) -> None:
    """Record money spent from an approved grant; more than is left is refused.

    Example: coprod grant spend 3f9a1c 12.50 --item "Compost" --receipt till.jpg --by Sam
    """
    if sum((receipt is not None, receipt_ref is not None, no_receipt)) > 1:
        raise UsageError("Give only one of --receipt, --receipt-ref and --no-receipt.")
    store = state().store()
    grant = grants.find_grant(store, grant_id)
    grants.check_can_spend(grant)  # say so before asking anything
    pence = parse_money(amount, what="amount spent") if amount is not None else ask_valid(
        "Amount spent", lambda t: parse_money(t, what="amount spent"), flag="AMOUNT")
    what = grant_input.clean_text(item, "item") if item is not None else ask_valid(
        "What was it spent on?", lambda t: grant_input.clean_text(t, "item"), flag="--item")
    when = grant_input.parse_date(on, "spending date") if on is not None else None
    file, ref = None, None
    if receipt is not None:
        file = receipts.read_receipt(receipt)
    elif receipt_ref is not None:
        ref = grant_input.clean_text(receipt_ref, "receipt reference", max_len=200)
    elif not no_receipt:
        file, ref = ask_receipt()
    who = ask_by(by)
    grant, line = grants.spend(store, grant["id"], pence=pence, item=what, by=who,
                               receipts_dir=_receipts_dir(), on=when, receipt=file,
                               receipt_ref=ref)
    kept = line["receipt"] or {}
    proof = (f"receipt copied, sha256 {kept['sha256'][:12]}…" if kept.get("kind") == "file"
             else f"receipt ref {kept['ref']}" if kept.get("kind") == "ref" else "no receipt")
    say(f"Recorded {format_money(pence)} for '{what}' on {line['date']} ({proof}), "
        f"entered by {who['name']}.")
    say(f"Grant {grant['id']}: {format_money(grants.remaining_pence(grant))} left of "
        f"{format_money(grants.approved_pence(grant))}; spend by {grant['spend_by']}.")
    if line["late"]:
        say(f"Note: this was spent after the spend-by date ({grant['spend_by']}).")


@app.command("close")
def close_cmd(
    grant_id: Annotated[str, typer.Argument(metavar="ID", help=ID_HELP)],
    what_happened: Annotated[str | None, typer.Option(
        help="What happened: what was bought or done, and any changes.")] = None,
    people_benefited: Annotated[int | None, typer.Option(
        "--people", help="How many people benefited.")] = None,
    learning: Annotated[str | None, typer.Option(help="What was learned.")] = None,
    by: Annotated[str | None, typer.Option(help=BY_HELP)] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Close without asking to confirm.")
                   ] = False,
) -> None:
    """Close an approved grant; whatever was not spent goes back to the pot.

    Example: coprod grant close 3f9a1c --what-happened "Garden planted" --people 14 --yes
    """
    store = state().store()
    grant = grants.find_grant(store, grant_id)
    grants.check_move(grant, "closed")  # say so before asking anything
    happened = ask_valid("What happened?", lambda t: grant_input.clean_text(t, "what happened"),
                         flag="--what-happened") if what_happened is None \
        else grant_input.clean_text(what_happened, "what happened")
    count = people_benefited if people_benefited is not None else ask_valid(
        "How many people benefited?", lambda t: grant_input.parse_count(t, "people benefited"),
        flag="--people")
    if count < 0:
        raise UsageError("The number of people who benefited cannot be negative.")
    learned = ask_valid("What was learned?", lambda t: grant_input.clean_text(t, "learning"),
                        flag="--learning") if learning is None \
        else grant_input.clean_text(learning, "learning")
    who = ask_by(by)
    unspent = grants.remaining_pence(grant)
    say(f"Approved {format_money(grants.approved_pence(grant))}, spent "
        f"{format_money(grants.spent_pence(grant))}: {format_money(unspent)} unspent goes "
        "back to the pot.")
    if not yes and not confirm(f"Close grant {grant['id']}? It cannot be reopened.",
                               flag="--yes"):
        say("Nothing was changed.")
        raise typer.Exit(1)
    grant = grants.close(store, grant["id"], what_happened=happened, people_benefited=count,
                         learning=learned, by=who)
    say(f"Closed {grant['id']}; {format_money(grant['closure']['returned_pence'])} returned "
        "to the pot.")


@app.command("list")
def list_cmd(
    status: Annotated[str | None, typer.Option(
        help="Only grants with this status: draft, submitted, approved, rejected, closed.")
    ] = None,
    year: Annotated[int | None, typer.Option(help="Only grants applied for in this year.")
                    ] = None,
    overdue: Annotated[bool, typer.Option(
        "--overdue", help="Only approved grants past their spend-by date.")] = False,
    fmt: Annotated[Format, typer.Option("--format", help="table, json, csv or pdf.")
                   ] = Format.table,
    out: Annotated[Path | None, typer.Option(help=OUT_HELP)] = None,
) -> None:
    """List grants with approved, spent and remaining money, spend-by dates and overdue ones.

    Example: coprod grant list --status approved --format csv
    """
    if status is not None and status not in grants.STATUSES:
        raise UsageError(f"'{status}' is not a grant status.",
                         hint="Choose one of: " + ", ".join(grants.STATUSES) + ".")
    rows = [grants.summary(g) for g in grants.all_grants(state().store())
            if (status is None or g["status"] == status) and (year is None or g["year"] == year)]
    if overdue:
        rows = [r for r in rows if r["overdue"]]
    show_list(rows, fmt, out)


@app.command("show")
def show_cmd(
    grant_id: Annotated[str, typer.Argument(metavar="ID", help=ID_HELP)],
    fmt: Annotated[Format, typer.Option(
        "--format", help="table, json, csv (its spending) or pdf.")] = Format.table,
    out: Annotated[Path | None, typer.Option(help=OUT_HELP)] = None,
    style: Annotated[PdfStyle, typer.Option(help="Style of a PDF: standard or easy-read.")
                     ] = PdfStyle.standard,
) -> None:
    """Show one grant in full: the application, the decision, every spend and the closure.

    Example: coprod grant show 3f9a1c
    """
    grant = grants.find_grant(state().store(), grant_id)
    show_grant(grant, fmt, out, style.value, receipts.verify_receipts(grant, _receipts_dir()))


@app.command("report")
def report_cmd(
    year: Annotated[int | None, typer.Option(help="The scheme year (default: this year).")
                    ] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table, json, csv or pdf.")
                   ] = Format.table,
    out: Annotated[Path | None, typer.Option(help=OUT_HELP)] = None,
) -> None:
    """The scheme's year: budget, funds raised, approved, spent, returned, left, per grant.

    Example: coprod grant report --year 2026 --format pdf --out grants-2026.pdf
    """
    store = state().store()
    chosen = year or grants.today().year
    totals = grants.totals(store, _scheme(), chosen)
    show_report(grants.all_grants(store), totals, fmt, out)


@fund_app.command("add", context_settings=NEGATIVE_AMOUNTS)
def fund_add(
    amount: Annotated[str | None, typer.Argument(
        metavar="AMOUNT", help="How much was raised, e.g. 42.50.", show_default=False)] = None,
    source: Annotated[str | None, typer.Option(
        help="Where it came from, e.g. 'Summer fair stall'.")] = None,
    on: Annotated[str | None, typer.Option(
        "--date", help="When it was raised, YYYY-MM-DD (default: today).")] = None,
    by: Annotated[str | None, typer.Option(help=BY_HELP)] = None,
) -> None:
    """Add funds raised to the grants pot for the year they were raised.

    Example: coprod grant fund add 42.50 --source "Summer fair stall" --by Sam
    """
    pence = parse_money(amount, what="amount raised") if amount is not None else ask_valid(
        "Amount raised", lambda t: parse_money(t, what="amount raised"), flag="AMOUNT")
    where = grant_input.clean_text(source, "source", max_len=200) if source is not None else \
        ask_valid("Where did it come from?",
                  lambda t: grant_input.clean_text(t, "source", max_len=200), flag="--source")
    when = grant_input.parse_date(on, "date") if on is not None else None
    fund = grants.add_fund(state().store(), pence, where, ask_by(by), on=when)
    totals = grants.totals(state().store(), _scheme(), fund["year"])
    left = totals.left_pence
    say(f"Added {format_money(pence)} from '{where}' to the {fund['year']} pot "
        f"({format_money(totals.raised_pence)} raised this year"
        + (f"; {format_money(left)} left to award)." if left is not None else ")."))


@fund_app.command("list")
def fund_list(
    year: Annotated[int | None, typer.Option(help="Only funds raised in this year.")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table, json or csv.")
                   ] = Format.table,
) -> None:
    """List the funds raised for the grants pot.

    Example: coprod grant fund list --year 2026
    """
    if fmt is Format.pdf:
        raise UsageError("Funds are listed as table, json or csv.",
                         hint="'coprod grant report --format pdf' includes the funds total.")
    rows: list[dict[str, Any]] = grants.funds(state().store(), year)
    if fmt is not Format.table:
        from coprod_cli.grants import documents as grant_docs

        emit(rows if fmt is Format.json else grant_docs.csv_text(
            ("date", "amount", "source", "entered_by"),
            [[f["date"], grant_docs.pounds(f["pence"]), f["source"], f["by"]["name"]]
             for f in rows]), fmt, None)
        return
    if not rows:
        say("No funds raised yet. Add some with: coprod grant fund add AMOUNT --source TEXT")
        return
    for f in rows:
        say(f"{f['date']}  {format_money(f['pence']):>12}  {f['source']} "
            f"(entered by {f['by']['name']})")
    say(f"Total: {format_money(sum(f['pence'] for f in rows))}")
