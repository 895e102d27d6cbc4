"""``coprod involve``: paying people for their involvement, their expenses, and the ways in.

Thin commands over ``coprod_cli.involvement``: named rates (settings), logging involvement
with a payment choice and expenses, the list, the totals report with the organisation's
threshold flag, and the printable roadmap of ways to get involved.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from coprod_cli.cli import new_app
from coprod_cli.cli.choices import DocFormat, ListFormat
from coprod_cli.cli.choices import ThreeStyles as Style
from coprod_cli.cli.context import state

app = new_app("Pay people for their involvement, repay expenses, and print the ways to get "
              "involved.\n\n"
              "Example: coprod involve log Ceri --activity \"Interview panel\" --date "
              "2026-11-20 --hours 2 --rate panel")


class ReportFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    pdf = "pdf"


class Per(StrEnum):
    hour = "hour"
    session = "session"
    day = "day"


class By(StrEnum):
    week = "week"
    month = "month"


def say(text: str) -> None:
    state().console().print(text, markup=False)


@app.command("rate")
def rate(
    name: Annotated[str, typer.Argument(
        help="The rate's name, one word (e.g. panel), or 'list' to see every rate.")],
    amount: Annotated[str | None, typer.Argument(
        help="How much, e.g. 15.00 or £15.", show_default=False)] = None,
    per: Annotated[Per | None, typer.Option(help="hour, session or day.")] = None,
    fmt: Annotated[ListFormat, typer.Option("--format", help="For 'list': table or json.")
                   ] = ListFormat.table,
) -> None:
    """Set a named rate your organisation pays for involvement, or list the rates.

    Rates are your settings (config.yaml, involvement_rates), never built in. A log keeps
    the rate as it was that day, so changing a rate later changes no past payment.

    Example: coprod involve rate panel 15.00 --per hour
    """
    from coprod_cli.errors import UsageError
    from coprod_cli.involvement import rates

    if name.strip().lower() == "list" and amount is None:
        found = rates.rates(state().settings())
        if fmt is ListFormat.json:
            typer.echo(json.dumps([{"id": r.name, **r.as_record()} for r in found], indent=2))
            return
        if not found:
            say("No rates are set yet. Set one with: coprod involve rate panel 15.00 --per hour")
            return
        for r in found:
            say(r.words())
        return
    if name.strip().lower() == "list":
        raise UsageError("'list' cannot be a rate's name, so nothing was saved.",
                         hint="Choose another name, like panel.")
    if amount is None or per is None:
        raise UsageError("Give the amount and --per, so nothing was saved.",
                         hint="For example: coprod involve rate panel 15.00 --per hour")
    new = rates.set_rate(state().home, state().settings(), name, amount, per.value)
    say(f"Saved the rate {new.words()}.")


@app.command("log")
def log(
    person: Annotated[str, typer.Argument(metavar="PERSON", help="Name or short id.")],
    activity: Annotated[str, typer.Option(help="What they did, e.g. 'Interview panel'.")],
    on: Annotated[str, typer.Option("--date", help="The day, YYYY-MM-DD.")],
    hours: Annotated[str | None, typer.Option(
        help="How many hours that day, e.g. 2 or 1.5 (with --rate).")] = None,
    rate: Annotated[str | None, typer.Option(
        help="A named rate (see 'involve rate list'), with --hours.")] = None,
    fee: Annotated[str | None, typer.Option(
        help="A fixed payment instead of hours and a rate, e.g. 25.00.")] = None,
    expense: Annotated[list[str] | None, typer.Option(
        help="An expense to repay, 'Item:AMOUNT' or 'Item:AMOUNT:RECEIPT-FILE' "
             "(repeat for more).")] = None,
    receipt: Annotated[list[Path] | None, typer.Option(
        help="A receipt file; the first --receipt goes with the first --expense, the "
             "second with the second, and so on.")] = None,
    choice: Annotated[str, typer.Option(
        help="What they chose: accept, less:AMOUNT, decline or charity.")] = "accept",
) -> None:
    """Log involvement someone was paid for, their choice about the payment, and expenses.

    Pay by hours at a named rate (--hours 2 --rate panel) or by a fee (--fee 25.00). The
    person may take it (accept), take less (less:10.00), decline it, or give it to charity.
    Expenses are repaid in full whatever they choose. Put a receipt in the expense
    ("Bus fare:4.20:bus.jpg"), or give --receipt files in the same order as the
    expenses (the first --receipt is the first expense's).

    Example: coprod involve log Ceri --activity "Panel" --date 2026-11-20 --hours 2 --rate panel
    """
    from coprod_cli.involvement import payments, rates

    request = payments.LogRequest(person=person, activity=activity,
                                  day=payments.parse_date(on))
    if hours is not None:
        request.hours = payments.parse_hours(hours)
    if rate is not None:
        request.rate = rates.find_rate(state().settings(), rate)
    if fee is not None:
        from coprod_cli.money import parse_money

        request.fee_pence = parse_money(fee, what="fee")
    request.choice, request.less_pence = payments.parse_choice(choice)
    request.expenses = payments.parse_expenses(expense or [], receipt or [])
    saved = payments.log(state().store(), request, state().home / "receipts")
    say(f"Logged {payments.describe(saved)} ({saved['id']}).")


@app.command("list")
def list_logs(
    person: Annotated[str | None, typer.Option(help="Only this person (name or id).")] = None,
    fmt: Annotated[ListFormat, typer.Option("--format", help="table or json.")
                   ] = ListFormat.table,
) -> None:
    """List logged involvement, oldest first, with each log's id.

    Example: coprod involve list --person Ceri --format json
    """
    from coprod_cli.involvement import payments

    rows = payments.logs(state().store(), person=person)
    if fmt is ListFormat.json:
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not rows:
        say("No involvement is logged yet. Log some with: coprod involve log PERSON ...")
        return
    if state().plain or state().console().width < 100:  # a narrow window: one line each
        for row in rows:
            say(f"{payments.describe(row)} ({row['id']}).")
        return
    from rich.table import Table
    from rich.text import Text

    from coprod_cli.money import format_money

    table = Table(title="Involvement", title_justify="left")
    table.add_column("Id", no_wrap=True, min_width=25)  # ids are typed back: never cut
    for column in ("Date", "Person", "Activity", "Offered", "Choice", "Paid", "Expenses"):
        table.add_column(column, no_wrap=column not in ("Person", "Activity"),
                         min_width=16 if column == "Activity" else None)
    for row in rows:
        table.add_row(row["id"], row["date"], Text(row["person_name"] or "(anonymised)"),
                      Text(row["activity"]), format_money(row["fee_pence"]), row["choice"],
                      format_money(row["paid_pence"]), format_money(row["expenses_pence"]))
    state().console().print(table)


@app.command("report")
def report(
    person: Annotated[str | None, typer.Option(help="Only this person (name or id).")] = None,
    start: Annotated[str | None, typer.Option("--from", help="First day, YYYY-MM-DD.")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day, YYYY-MM-DD.")] = None,
    by: Annotated[By | None, typer.Option(
        help="week or month (default: the period of your threshold setting).")] = None,
    fmt: Annotated[ReportFormat, typer.Option("--format", help="table, json, csv or pdf.")
                   ] = ReportFormat.table,
    out: Annotated[Path | None, typer.Option(help="Write to this file instead of the screen "
                                                  "(needed for pdf).")] = None,
) -> None:
    """Totals per person per week or month: payment chosen, expenses, total; and a flag
    where your organisation's threshold is passed, to offer welfare-rights advice.

    The threshold is your setting (involvement_threshold_pence and involvement_threshold_per
    in config.yaml). Benefit rules change every April and differ between benefits: coprod
    never decides what affects anyone's benefits.

    Example: coprod involve report --by month --format pdf --out involvement.pdf
    """
    from coprod_cli.involvement import payments
    from coprod_cli.involvement import report as involvement_report
    from coprod_cli.people import register as people

    if out is not None and fmt is ReportFormat.table:
        from coprod_cli.errors import UsageError

        raise UsageError("--out writes a json, csv or pdf file; the table is shown on screen.",
                         hint="Add --format pdf (or json, csv) to write a file.")
    settings = state().settings()
    store = state().store()
    threshold = involvement_report.Threshold(settings.involvement_threshold_pence,
                                             settings.involvement_threshold_per)
    built = involvement_report.build(
        payments.logs(store, person=person), {p["id"]: p for p in store.all(people.TABLE)},
        by=(by.value if by else threshold.per), threshold=threshold,
        start=_day(start), end=_day(end))
    _show_report(built, fmt, out, settings.organisation)


def _day(text: str | None) -> str | None:
    if text is None:
        return None
    from coprod_cli import days
    from coprod_cli.errors import UsageError, ValidationError

    try:
        return days.parse_day(text)
    except UsageError:
        raise ValidationError(f"'{text}' is not a date; write it as year-month-day, like "
                              "2026-11-23.") from None


def _by_person(flags: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The flags, one list per person, in the order people first appear."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for flag in flags:
        grouped.setdefault(flag["person_id"], []).append(flag)
    return list(grouped.values())


def _show_report(built: dict[str, Any], fmt: ReportFormat, out: Path | None,
                 organisation: str) -> None:
    from coprod_cli.involvement import report as involvement_report
    from coprod_cli.money import format_money

    if fmt in (ReportFormat.json, ReportFormat.csv):
        text = json.dumps(built, indent=2, ensure_ascii=False) + "\n" \
            if fmt is ReportFormat.json else involvement_report.to_csv(built)
        if out is None:
            state().show_text(text)
            return
        from coprod_cli.files import atomic_write_text

        atomic_write_text(out, text)
        say(f"Wrote {out}.")
        return
    if fmt is ReportFormat.pdf:
        from coprod_cli import render

        path = render.render_document(
            involvement_report.to_markdown(built, organisation),
            out=out or Path("involvement-report.pdf"), fmt="pdf", style="standard",
            title="Involvement payments and expenses", author=organisation or "coprod",
            subject="Involvement payments", lang="en-GB")
        say(f"Wrote {path}.")
        return
    for flags in _by_person(built["flags"]):
        if len(flags) == 1:
            say(f"Flag: {flags[0]['message']}")
            continue
        per = built["threshold"]["per"]
        when = ", ".join(f"{involvement_report.period_words(f['period'], per)} "
                         f"({format_money(f['paid_pence'])})" for f in flags)
        advice = flags[0]["message"].split(f" a {per}.", 1)[1].strip()
        say(f"Flag: {flags[0]['person']} was paid over your organisation's threshold of "
            f"{format_money(flags[0]['threshold_pence'])} a {per} in {len(flags)} {per}s: "
            f"{when}. {advice}")
    if not built["lines"]:
        say("Nothing was logged in this period.")
        return
    by = built["by"]
    for line in built["lines"]:
        mark = " (over threshold)" if line["over_threshold"] else ""
        say(f"{line['person']}, {involvement_report.period_words(line['period'], by)}{mark}: "
            f"payment {format_money(line['paid_pence'])}, expenses "
            f"{format_money(line['expenses_pence'])}, total {format_money(line['total_pence'])}"
            + (f" (and {format_money(line['charity_pence'])} to charity)"
               if line["charity_pence"] else ""))
    totals = built["totals"]
    say(f"All: payments {format_money(totals['paid_pence'])}, expenses "
        f"{format_money(totals['expenses_pence'])}, total {format_money(totals['total_pence'])}.")
    if built["threshold"]["pence"] is None:
        say("No threshold is set (involvement_threshold_pence in config.yaml), so nothing is "
            "flagged.")


@app.command("roadmap")
def roadmap(
    out: Annotated[Path, typer.Option(help="The file to write.")],
    style: Annotated[Style, typer.Option(help="easy-read, standard or large-print.")
                     ] = Style.easy_read,
    fmt: Annotated[DocFormat | None, typer.Option(
        "--format", help="pdf, html or md (default: from the file's ending, else pdf).")
    ] = None,
) -> None:
    """Print the ways to get involved as a visual roadmap: steps along a path, a picture
    beside each.

    The steps come from data/involvement/ways.yaml in your records folder if you have made
    one (copy the built-in list and change it), otherwise the built-in list.

    Example: coprod involve roadmap --style easy-read --out ways-to-get-involved.pdf
    """
    from coprod_cli import render
    from coprod_cli.involvement import roadmap as ways

    found = ways.load_ways(state().data_folders())
    organisation = state().settings().organisation
    path = render.render_document(
        ways.roadmap_markdown(found, style=style.value, organisation=organisation),
        out=out, fmt=_doc_format(fmt, out), style=style.value,
        title="Ways to get involved", author=organisation or "coprod",
        subject="Ways to get involved", lang="en-GB")
    say(f"Wrote {path}: {len(found)} steps.")


def _doc_format(fmt: DocFormat | None, out: Path) -> str:
    if fmt is not None:
        return fmt.value
    suffix = out.suffix.lower().lstrip(".")
    return suffix if suffix in ("pdf", "html", "md") else "pdf"
