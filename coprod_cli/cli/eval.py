"""``coprod eval``: type in paper feedback forms, and summarise how co-production is working."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from coprod_cli import clock
from coprod_cli.cli import new_app
from coprod_cli.cli.context import state
from coprod_cli.errors import NotFoundError, UsageError

app = new_app("Record peer evaluations and report on how co-production is working.\n\n"
              "Example: coprod eval summarise --from 2026-04-01 --format md --out report.md")


class ReportFormat(StrEnum):
    table = "table"
    md = "md"
    csv = "csv"
    json = "json"
    pdf = "pdf"
    html = "html"


def _form() -> Any:
    from coprod_cli.sessions.forms import load_form

    return load_form("peer-evaluation", state().data_folders())


@app.command("record")
def record(
    run_id: Annotated[str, typer.Argument(metavar="RUN", help="The run the forms belong to.")],
    from_csv: Annotated[Path | None, typer.Option(
        "--from-csv", help="A CSV with one form a row. Header: person,enjoyed,listened_to,"
        "everyone_had_a_say,learned_something,went_well,even_better,help_run (person may be "
        "blank for an anonymous form).")] = None,
) -> None:
    """Type in paper peer-evaluation forms after a session, one by one or from a CSV.

    Each typed form is saved as soon as it is finished, so Ctrl-C or a name not on the
    register loses nothing; run the same command again to carry on. A name not on the
    register offers a near match, adding them, or an anonymous form. A CSV with any problem
    (an answer off its scale, a name nobody has) is refused whole, listing each row.

    Example: coprod eval record 20261123-a1b2c3 --from-csv forms.csv
    """
    from coprod_cli.cli.eval_record import record_from_csv, record_guided
    from coprod_cli.sessions.runner import find_run

    store = state().store()
    run = find_run(store, run_id)
    if from_csv is not None:
        record_from_csv(store, run, _form(), from_csv)
    else:
        record_guided(store, run, _form())


def _day(text: str | None, flag: str) -> str | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise UsageError(f"{flag} {text} is not a date.",
                         hint="Write dates as YYYY-MM-DD, e.g. 2026-04-01.") from None


@app.command("summarise")
def summarise(
    date_from: Annotated[str | None, typer.Option("--from", help="First day, YYYY-MM-DD.")
                         ] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Last day, YYYY-MM-DD.")] = None,
    service: Annotated[str | None, typer.Option(help="Only this service.")] = None,
    theme: Annotated[str | None, typer.Option(help="Only sessions with this theme.")] = None,
    session: Annotated[str | None, typer.Option(help="Only this session id.")] = None,
    fmt: Annotated[ReportFormat, typer.Option(
        "--format", help="table (on screen, all numbers), or md, csv, json, pdf, html (to "
        "share: small numbers hidden).")] = ReportFormat.table,
    out: Annotated[Path | None, typer.Option(help="Write the report to this file.")] = None,
) -> None:
    """Report on reach, co-production, experience, outcomes and voices.

    The on-screen table shows every number and is marked not for sharing. The md, csv, json,
    pdf and html formats hide any figure drawn from fewer than 5 people (set
    small_number_threshold in your settings) so they can be shared. Wellbeing outcomes pair
    each person's first and latest answers at least outcome_min_gap_weeks apart (default 4).

    Example: coprod eval summarise --from 2026-04-01 --to 2027-03-31 --format pdf --out year.pdf
    """
    from coprod_cli.evaluation import report_text as eval_output
    from coprod_cli.evaluation.sharing import figures_for
    from coprod_cli.evaluation.summary import Filters
    from coprod_cli.evaluation.summary import summarise as compute
    filters = Filters(_day(date_from, "--from"), _day(date_to, "--to"), service, theme, session)
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise UsageError("--from is after --to.", hint="Swap the two dates.")
    from coprod_cli.evaluation.measures import report_measures

    settings = state().settings()
    measures, conversions = report_measures(state().data_folders())
    # each session's Ladder level, from the kept catalogue (no session file checked again)
    levels: dict[str, str | None] = {entry.id: entry.level for entry in state().catalogue().all()}
    from coprod_cli.cli.progress import progress_bar

    store = state().store()
    with progress_bar("Summarising", "years") as progress:
        report = compute(store, filters, _form(), measures, conversions,
                         min_gap_weeks=settings.outcome_min_gap_weeks, levels=levels,
                         keep_in=store.derived_dir("summary"), progress=progress)
    if report["reach"]["sessions"] == 0:
        raise NotFoundError(f"There were no sessions for {eval_output.describe_filters(report)}.",
                            hint="Widen the dates or drop a filter; see 'coprod session "
                                 "history'.")
    figures = figures_for(report, fmt.value, settings.small_number_threshold)
    if fmt is ReportFormat.table:
        from coprod_cli.cli.eval_table import print_report

        print_report(state().console(), figures, plain=state().plain)
        return
    if fmt in (ReportFormat.pdf, ReportFormat.html):
        from coprod_cli.evaluation.report_print import to_report_markdown
        from coprod_cli.render import render_document

        target = out or Path(f"coprod-report.{fmt.value}")
        markdown = to_report_markdown(
            figures, organisation=settings.organisation, service=settings.service,
            prepared=clock.today().strftime("%-d %B %Y"))
        render_document(markdown, out=target, fmt=fmt.value, style=settings.handout_style,
                        title="How co-production is working", author=settings.organisation,
                        subject="Effectiveness report")
        state().console().print(f"Saved the report to {target}.", markup=False)
        return
    text = {ReportFormat.md: lambda: eval_output.to_markdown(
                figures, organisation=settings.organisation),
            ReportFormat.csv: lambda: eval_output.to_csv(figures),
            ReportFormat.json: lambda: eval_output.to_json(figures)}[fmt]()
    if out is None:  # shown, not saved: stored comments must not reach the terminal raw
        state().show_text(text)
        return
    from coprod_cli.files import atomic_write_text

    atomic_write_text(out, text, mode=0o644)
    state().console().print(f"Saved the report to {out}.", markup=False)
