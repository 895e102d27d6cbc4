"""How ``coprod grant`` presents grants: terminal tables, JSON, CSV and PDF files.

Figures come from ``grants.summary``/``grants.totals``; the CSV and Markdown builders live in
``coprod_cli.grants.documents``, so this module only chooses where the output goes.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Any

from coprod_cli import clock
from coprod_cli.cli.context import state
from coprod_cli.grants import scheme as grants
from coprod_cli.money import format_money


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    pdf = "pdf"


def say(text: str) -> None:
    state().console().print(text, markup=False)


def emit(data: Any, fmt: Format, out: Path | None) -> None:
    """JSON (from data) or text (CSV) to the screen, or to ``out`` when given."""
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n" if fmt is Format.json \
        else data
    if out is None:  # shown, not saved: stored text must not reach the terminal raw
        state().show_text(text)
        return
    from coprod_cli.files import atomic_write_text

    atomic_write_text(out, text)
    say(f"Wrote {out}.")


def _pdf(markdown_for: Any, out: Path | None, default: str, title: str,
         style: str = "standard") -> None:
    from coprod_cli.grants import documents as grant_docs

    settings = state().settings()
    path = grant_docs.render_pdf(markdown_for, out or Path(default), title=title,
                                 author=settings.organisation or "coprod",
                                 subject="Small grants", style=style)
    say(f"Wrote {path}.")


def _money_or_none(pence: int | None) -> str:
    return format_money(pence) if pence is not None else "no limit"


def show_list(rows: list[dict[str, Any]], fmt: Format, out: Path | None) -> None:
    if fmt is Format.json:
        return emit(rows, fmt, out)
    if fmt in (Format.csv, Format.pdf):  # the documents module only for documents
        from coprod_cli.grants import documents as grant_docs
    if fmt is Format.csv:
        return emit(grant_docs.list_csv(rows), fmt, out)
    if fmt is Format.pdf:
        return _pdf(lambda esc: grant_docs.list_markdown(rows, esc, "Small grants"), out,
                    f"grants-{clock.today().isoformat()}.pdf", "Small grants")
    if not rows:
        say("No grants found. Apply for one with: coprod grant apply")
        return
    if state().plain:
        for r in rows:
            say(_line(r))
        return
    from rich import box
    from rich.table import Table
    from rich.text import Text

    # Title first among the flexible columns: on an 80-column terminal it must stay readable.
    table = Table(title="Small grants", title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("Id", no_wrap=True)
    table.add_column("Title", min_width=14, ratio=2)
    table.add_column("Service", ratio=1)
    table.add_column("Status", no_wrap=True)
    for column in ("Approved", "Spent", "Left"):
        table.add_column(column, justify="right", no_wrap=True)
    table.add_column("Spend by", no_wrap=True)
    for r in rows:
        table.add_row(r["id"], Text(r["title"]), Text(r["service"] or "-"), r["status"],
                      format_money(r["approved_pence"]), format_money(r["spent_pence"]),
                      format_money(r["remaining_pence"]),
                      (r["spend_by"] or "-") + (" OVERDUE" if r["overdue"] else ""))
    state().console().print(table)


def _line(r: dict[str, Any]) -> str:
    overdue = ", overdue" if r["overdue"] else ""
    return (f"{r['id']}: {r['title']} ({r['service'] or 'no service'}), {r['status']}; "
            f"asked {format_money(r['asked_pence'])}, approved "
            f"{format_money(r['approved_pence'])}, spent {format_money(r['spent_pence'])}, "
            f"remaining {format_money(r['remaining_pence'])}"
            + (f", spend by {r['spend_by']}" if r["spend_by"] else "") + overdue + ".")


def show_grant(grant: dict[str, Any], fmt: Format, out: Path | None, style: str,
               receipt_problems: list[str]) -> None:
    from coprod_cli.grants import documents as grant_docs

    if fmt is Format.json:
        return emit({**grant, "summary": grants.summary(grant),
                     "receipt_problems": receipt_problems}, fmt, out)
    if fmt is Format.csv:
        return emit(grant_docs.spending_csv(grant), fmt, out)
    if fmt is Format.pdf:
        organisation = state().settings().organisation
        return _pdf(lambda esc: grant_docs.application_markdown(
            grant, esc, organisation=organisation, easy_read=style == "easy-read"),
            out, f"{grant['id']}.pdf", f"Small grant: {grant['title']}", style)
    s = grants.summary(grant)
    say(f"{grant['id']}: {grant['title']}")
    say(f"Status: {grant_docs.STATUS_WORDS[grant['status']]}. Service: "
        f"{grant['service'] or '-'}. Entered by {grant['created_by']['name']} on "
        f"{grant['created_at'][:10]}.")
    say(f"Activity: {grant['activity']}")
    say(f"Links to: {grant_docs.link_words(grant['link'])}.")
    say("Co-produced by: " + ", ".join(f"{c['name']} ({c['role']})"
                                        for c in grant["coproducers"])
        + f"; {grant['planners_using_services']} people using services planned it.")
    say(f"Expected benefit: about {grant['people_expected']} people. {grant['benefit']}")
    say(f"Start date: {grant['start_date']}.")
    say("Costs:")
    for i in grant["items"]:
        say(f"  {format_money(i['pence']):>12}  {i['item']}")
    say(f"  {format_money(grant['amount_pence']):>12}  total asked for")
    for c in grant.get("conflicts", []):
        say(f"Conflict declared by {c['by']['name']} on {c['at'][:10]}: {c['conflict']}")
    decision = grant.get("decision")
    if decision:
        say(f"Decision: {decision['outcome']} by {decision['by']['name']} on "
            f"{decision['date']}"
            + (f", {format_money(decision['amount_pence'])}" if decision["outcome"] ==
               "approved" else "")
            + (f" ({decision['reason']})" if decision.get("reason") else "") + ".")
    if grant["status"] in ("approved", "closed"):
        say("Spending:" if grant["spending"] else "Spending: none yet.")
        for line in grant["spending"]:
            say(f"  {line['date']}  {format_money(line['pence']):>12}  {line['item']} "
                f"(receipt: {grant_docs.receipt_words(line)}; entered by "
                f"{line['by']['name']})" + (" LATE" if line.get("late") else ""))
        say(f"Approved {format_money(s['approved_pence'])}, spent "
            f"{format_money(s['spent_pence'])}, remaining {format_money(s['remaining_pence'])}"
            + (f", spend by {s['spend_by']}" if s["spend_by"] else "")
            + (" (OVERDUE)" if s["overdue"] else "") + ".")
    closure = grant.get("closure")
    if closure:
        say(f"Closed on {closure['at'][:10]} by {closure['by']['name']}: "
            f"{closure['what_happened']}")
        say(f"People who benefited: {closure['people_benefited']}. Learned: "
            f"{closure['learning']}")
        say(f"Returned to the pot: {format_money(closure['returned_pence'])}.")
    for problem in receipt_problems:
        say(f"Warning: receipt {problem}.")


def show_report(all_grants: list[dict[str, Any]], totals: grants.Totals, fmt: Format,
                out: Path | None) -> None:
    from coprod_cli.grants import documents as grant_docs

    report = grant_docs.build_report(all_grants, totals)
    if fmt is Format.json:
        return emit(report, fmt, out)
    if fmt is Format.csv:
        return emit(grant_docs.report_csv(report), fmt, out)
    organisation = state().settings().organisation
    if fmt is Format.pdf:
        return _pdf(lambda esc: grant_docs.report_markdown(report, esc, organisation), out,
                    f"grants-report-{totals.year}.pdf", f"Small grants {totals.year}")
    scheme = report["scheme"]
    say(f"Small grants {totals.year}" + (f": {organisation}" if organisation else ""))
    for label, key in grant_docs.TOTAL_FIELDS:
        say(f"  {label + ':':<26}{_money_or_none(scheme[key]):>14}")
    say(f"Grants: {scheme['grants']} ("
        + (", ".join(f"{n} {s}" for s, n in sorted(scheme["by_status"].items())) or "none")
        + f"); overdue: {scheme['overdue']}.")
    if report["grants"]:
        show_list(report["grants"], Format.table, None)
